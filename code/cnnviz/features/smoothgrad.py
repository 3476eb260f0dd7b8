"""SmoothGrad: la media de la saliencia sobre copias de la imagen con ruido."""

import torch

from .layers import check_digits, check_targets
from .noise import gaussian
from .saliency import saliency

# --8<-- [start:smoothgrad]
SAMPLES = 32          # copias con ruido
NOISE_LEVEL = 0.15    # desviación del ruido, en fracción del rango de los píxeles
SEED = 1


def smoothgrad_noise(samples, sigma, seed=SEED):
    """Ruido gaussiano (samples, 1, 28, 28) de desviación ``sigma``, reproducible.

    Sale de ``cnnviz.features.noise``, el mismo generador que usa el
    laboratorio del navegador: los dos suman el mismo ruido.
    """
    values = gaussian(samples * 28 * 28, seed) * sigma
    return torch.tensor(values, dtype=torch.float32).view(samples, 1, 28, 28)


def smoothgrad(model, x, target, noise):
    """SmoothGrad (Smilkov et al., 2017): media del gradiente sobre ``x + ruido``.

    ``noise``: (S, 1, 28, 28), las S perturbaciones (las mismas para cada
    imagen). Devuelve (N, 1, 28, 28) con signo, como ``saliency``.
    """
    check_digits(x)
    check_digits(noise)
    target = check_targets(target, len(x))
    maps = []
    for image, label in zip(x, target):
        noisy = image + noise                               # (S, 1, 28, 28)
        grads = saliency(model, noisy, label.expand(len(noise)))
        maps.append(grads.mean(dim=0))
    return torch.stack(maps)
# --8<-- [end:smoothgrad]
