"""SmoothGrad: la media de la saliencia sobre copias de la imagen con ruido."""

import torch

from .layers import check_digits, check_targets
from .saliency import saliency

# --8<-- [start:smoothgrad]
from cnnviz.features.noise import gaussian   # el mismo que el laboratorio

SAMPLES = 32          # copias con ruido
NOISE_LEVEL = 0.15    # desviación del ruido: 15 % del rango de los píxeles
SEED = 1


def smoothgrad_noise(samples, sigma, seed=SEED):
    """Ruido gaussiano (samples, 1, 28, 28) de desviación ``sigma``.

    Sale de ``cnnviz.features.noise``, el mismo generador que usa el
    laboratorio del navegador: los dos suman el mismo ruido.
    """
    values = gaussian(samples * 28 * 28, seed) * sigma
    return torch.tensor(values, dtype=torch.float32).view(samples, 1, 28, 28)


def smoothgrad(model, x, target, noise):
    """SmoothGrad (Smilkov et al., 2017): media del gradiente en x + ruido.

    ``noise``: (S, 1, 28, 28), las S perturbaciones (las mismas para cada
    imagen). Devuelve (N, 1, 28, 28) con signo, como ``saliency``.
    """
    check_digits(x)
    check_digits(noise)
    target = check_targets(target, len(x))
    s = len(noise)
    maps = []
    for start in range(0, len(x), 8):          # de 8 en 8 imágenes: 8·S copias
        images, labels = x[start:start + 8], target[start:start + 8]
        noisy = (images[:, None] + noise[None]).flatten(0, 1)  # (8·S, 1, 28, 28)
        grads = saliency(model, noisy, labels.repeat_interleave(s))
        maps.append(grads.view(len(images), s, *x.shape[1:]).mean(dim=1))
    return torch.cat(maps)                     # (N, 1, 28, 28)
# --8<-- [end:smoothgrad]
