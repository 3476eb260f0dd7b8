"""Prueba de cordura por aleatorización del modelo (Adebayo et al., 2018).

Si un mapa de saliencia explica lo que ha aprendido la red, debe cambiar al
sustituir los pesos aprendidos por pesos al azar. Se aleatorizan las capas en
cascada, de la salida hacia la entrada, y se compara cada mapa con el de la
red entrenada con la correlación de rangos de Spearman de |mapa|.
"""

import copy

import numpy as np
import torch
from scipy.stats import spearmanr

# --8<-- [start:randomize]
# Capas aleatorizadas en cada paso de la cascada
CASCADE = (("fc",), ("fc", "conv2"), ("fc", "conv2", "conv1"))


def randomize(model, layers, seed=0):
    """Copia de ``model`` con los pesos de ``layers`` reiniciados al azar."""
    torch.manual_seed(seed)
    random_model = copy.deepcopy(model)
    for name in layers:
        getattr(random_model, name).reset_parameters()   # como al crearla
    return random_model.eval()


def rank_correlation(a, b):
    """Spearman entre |a| y |b| por imagen: (N, ...), (N, ...) -> array (N,)."""
    a = np.abs(np.asarray(a, dtype=np.float64)).reshape(len(a), -1)
    b = np.abs(np.asarray(b, dtype=np.float64)).reshape(len(b), -1)
    if a.shape != b.shape:
        raise ValueError(f"los mapas deben tener la misma forma; "
                         f"llegó {a.shape} y {b.shape}")
    return np.array([spearmanr(u, v).statistic for u, v in zip(a, b)])


def randomization_test(model, x, target, method, seed=0):
    """Mapas de ``method`` con la red entrenada y con cada paso de la cascada.

    Devuelve una lista de (capas aleatorizadas, mapas (N, 1, 28, 28),
    Spearman con la red entrenada (N,)); el primer elemento es la red
    entrenada (sin capas aleatorizadas, Spearman 1).
    """
    reference = method(model, x, target)
    results = [((), reference, np.ones(len(x)))]
    for layers in CASCADE:
        maps = method(randomize(model, layers, seed), x, target)
        results.append((layers, maps, rank_correlation(reference, maps)))
    return results
# --8<-- [end:randomize]


# --8<-- [start:verdict]
# Pasa la prueba el método cuyo mapa, con la capa de salida al azar, ya no
# se parece al de la red entrenada: Spearman medio por debajo de este umbral
THRESHOLD = 0.5


def sanity_check(model, x, target, methods, seed=0):
    """Prueba de aleatorización de cada método (``methods``: nombre -> método).

    Devuelve nombre -> (Spearman medio en cada paso de la cascada, pasa o no).
    """
    summary = {}
    for name, method in methods.items():
        results = randomization_test(model, x, target, method, seed)
        means = [float(np.nanmean(rho)) for _, _, rho in results[1:]]
        summary[name] = (means, means[0] < THRESHOLD)
    return summary
# --8<-- [end:verdict]
