"""Fidelidad de un mapa: la curva de borrado (*deletion*; Petsiuk et al., 2018)."""

import torch

from .layers import check_digits, check_targets

# --8<-- [start:deletion]
@torch.no_grad()
def deletion_curve(model, x, target, importance, background, steps=28):
    """Probabilidad de ``target`` al borrar píxeles, de más a menos importantes.

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
    # Puesto de cada píxel en el orden de borrado (con empates, el de lectura)
    order = torch.argsort(-importance.flatten(1), dim=1, stable=True)
    place = torch.argsort(order, dim=1)                     # (N, 784)
    removed = n_pixels // steps * torch.arange(steps + 1)   # tras cada paso
    black = torch.tensor(background, dtype=x.dtype)
    curves = []
    for start in range(0, len(x), 16):                     # de 16 en 16 imágenes
        images = x[start:start + 16].flatten(1)[:, None]   # (n, 1, 784)
        # gone[i, s, p]: ¿se ha borrado el píxel p de la imagen i tras s pasos?
        gone = place[start:start + 16, None] < removed[:, None]
        batch = torch.where(gone, black, images).view(-1, *x.shape[1:])
        probs = torch.softmax(model(batch), dim=1)         # (n·(steps + 1), 10)
        labels = target[start:start + 16].repeat_interleave(steps + 1)
        curves.append(probs.gather(1, labels[:, None]).view(-1, steps + 1))
    return torch.cat(curves)


def area_under_curve(curves):
    """Área bajo cada curva (regla del trapecio, eje x de 0 a 1): (N,)."""
    steps = curves.shape[1] - 1
    return (curves[:, 1:] + curves[:, :-1]).sum(dim=1) / (2 * steps)
# --8<-- [end:deletion]
