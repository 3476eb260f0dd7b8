"""Gradientes integrados (Sundararajan et al., 2017) y sus líneas de base."""

import numpy as np
import torch

from .layers import check_digits, check_targets
from .saliency import saliency

# --8<-- [start:integrated_gradients]
STEPS = 32


def integrated_gradients(model, x, target, baseline, steps=STEPS):
    """Atribución (x − base) · gradiente medio en el camino recto base → x.

    La integral se aproxima con la regla del punto medio: ``steps`` puntos
    base + α (x − base), α = (k + ½) / steps. ``baseline``: un número o un
    tensor con la forma de ``x``. Devuelve (N, 1, 28, 28); la suma de cada
    mapa se acerca a puntuación(x) − puntuación(base).
    """
    check_digits(x)
    target = check_targets(target, len(x))
    baseline = torch.as_tensor(baseline, dtype=x.dtype).expand_as(x)
    total = torch.zeros_like(x)
    for k in range(steps):
        alpha = (k + 0.5) / steps
        total += saliency(model, baseline + alpha * (x - baseline), target)
    return (x - baseline) * total / steps
# --8<-- [end:integrated_gradients]


# --8<-- [start:baselines]
from cnnviz.features.noise import uniform   # el mismo que el laboratorio

BLUR_SIGMA = 3.0      # desenfoque de la línea de base difuminada, en píxeles
NOISE_SEED = 2


def black_baseline(x, mean, std):
    """Imagen negra (píxel 0), normalizada como la red espera."""
    return torch.full_like(x, (0.0 - mean) / std)


def _blur_along(image, kernel, background, axis):
    """Vecinos en ``axis`` sumados con pesos ``kernel`` (fuera, ``background``)."""
    radius = len(kernel) // 2
    pad = [(0, 0)] * image.ndim
    pad[axis] = (radius, radius)
    padded = np.pad(image, pad, constant_values=background)
    n = image.shape[axis]
    total = np.zeros_like(image)
    for k, weight in enumerate(kernel):
        total += weight * np.take(padded, range(k, k + n), axis=axis)
    return total.astype(np.float32).astype(np.float64)


def blurred_baseline(x, mean, std, sigma=BLUR_SIGMA):
    """La imagen con un desenfoque gaussiano fuerte (fuera de ella, negro).

    Filas y luego columnas, con sumas en float64 en el mismo orden que el
    laboratorio del navegador: los dos obtienen la misma línea de base.
    """
    check_digits(x)
    radius = int(3 * sigma + 0.5)
    t = np.arange(-radius, radius + 1)
    kernel = np.exp(-t ** 2 / (2 * sigma ** 2))
    kernel = (kernel / kernel.sum()).astype(np.float32).astype(np.float64)
    background = (0.0 - mean) / std
    image = x.detach().double().numpy()
    image = _blur_along(image, kernel, background, axis=3)     # filas
    image = _blur_along(image, kernel, background, axis=2)     # columnas
    return torch.tensor(image, dtype=x.dtype)


def noise_baseline(x, mean, std, seed=NOISE_SEED):
    """Ruido uniforme en [0, 1] en cada píxel, igual para todas las imágenes."""
    pixels = (uniform(28 * 28, seed) - mean) / std
    return torch.tensor(pixels, dtype=x.dtype).view(1, 1, 28, 28).expand_as(x)
# --8<-- [end:baselines]
