"""Fidelidad de un mapa: la curva de borrado (*deletion*; Petsiuk et al., 2018)."""

import torch

from .layers import check_digits, check_targets

# --8<-- [start:deletion]
@torch.no_grad()
def deletion_curve(model, x, target, importance, background, steps=28):
    """Probabilidad de ``target`` al borrar los píxeles de más a menos importantes.

    ``importance``: (N, 1, 28, 28), el mapa de un método (mayor = más
    importante). En cada uno de los ``steps`` pasos se borran (se ponen a
    ``background``, el negro normalizado) 784 / steps píxeles más. Devuelve
    (N, steps + 1): de la imagen intacta a la imagen toda negra. Cuanto antes
    cae la curva, más fiel es el mapa a lo que usa la red.
    """
    check_digits(x)
    check_digits(importance)
    target = check_targets(target, len(x))
    n_pixels = x[0].numel()
    if n_pixels % steps:
        raise ValueError(f"steps debe dividir {n_pixels}; llegó {steps}")
    # Orden de borrado; con empates, el orden de lectura (argsort estable)
    order = torch.argsort(-importance.flatten(1), dim=1, stable=True)   # (N, 784)
    curves = []
    for image, label, rank in zip(x.flatten(1), target, order):
        batch = image.repeat(steps + 1, 1)                  # (steps + 1, 784)
        for s in range(1, steps + 1):
            batch[s, rank[:s * n_pixels // steps]] = background
        probs = torch.softmax(model(batch.view(-1, *x.shape[1:])), dim=1)
        curves.append(probs[:, label])
    return torch.stack(curves)


def area_under_curve(curves):
    """Área bajo cada curva (regla del trapecio, eje x de 0 a 1): (N,)."""
    steps = curves.shape[1] - 1
    return (curves[:, 1:] + curves[:, :-1]).sum(dim=1) / (2 * steps)
# --8<-- [end:deletion]
