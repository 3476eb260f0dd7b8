"""Experimentos de oclusión: tapar una zona de la imagen y ver cuánto cae la puntuación."""

import torch

from .layers import check_targets

# El parche de los métodos de atribución, del laboratorio y de la figura de oclusión
OCCLUSION_PATCH, OCCLUSION_STRIDE = 8, 4     # parche de 8×8 cada 4 píxeles: 6×6 posiciones


# --8<-- [start:occlusion]
def _positions(size, patch, stride):
    """Coordenadas de la esquina del parche en un lado de ``size`` píxeles."""
    if not 1 <= patch <= size or stride < 1:
        raise ValueError(f"se esperaba 1 <= patch <= {size} y stride >= 1; "
                         f"llegó patch={patch}, stride={stride}")
    if (size - patch) % stride:
        raise ValueError(f"(lado - patch) = {size - patch} debe ser múltiplo de "
                         f"stride = {stride} para que el parche llegue al borde")
    return range(0, size - patch + 1, stride)


@torch.no_grad()
def occlusion_scores(model, x, target, patch=6, stride=1, baseline=0.0):
    """Puntuación de ``target`` con un parche de ``patch``×``patch`` en cada posición.

    ``x``: (N, C, H, W). En el parche los píxeles valen ``baseline``.
    Devuelve (N, P, Q): P×Q posiciones de la esquina superior izquierda,
    de ``stride`` en ``stride`` píxeles.
    """
    if x.dim() != 4:
        raise ValueError(f"se esperaba un lote (N, C, H, W); llegó {tuple(x.shape)}")
    target = check_targets(target, len(x))
    rows = _positions(x.shape[2], patch, stride)
    cols = _positions(x.shape[3], patch, stride)
    maps = []
    for image, label in zip(x, target):                  # image: (C, H, W)
        batch = image.repeat(len(rows) * len(cols), 1, 1, 1)   # (P*Q, C, H, W)
        for k, (i, j) in enumerate((i, j) for i in rows for j in cols):
            batch[k, :, i:i + patch, j:j + patch] = baseline
        scores = model(batch)[:, label]                  # (P*Q,)
        maps.append(scores.view(len(rows), len(cols)))
    return torch.stack(maps)                             # (N, P, Q)
# --8<-- [end:occlusion]


@torch.no_grad()
def occlusion_attribution(model, x, target, patch=6, stride=1, baseline=0.0):
    """Atribución por píxel, como ``captum.attr.Occlusion``: (N, C, H, W).

    Para cada píxel, la caída media de la puntuación (sin parche menos con
    parche) sobre todas las posiciones del parche que lo tapan.
    """
    target = check_targets(target, len(x))
    drops = model(x).gather(1, target[:, None])[:, :, None] - \
        occlusion_scores(model, x, target, patch, stride, baseline)   # (N, P, Q)
    total = torch.zeros_like(x)
    count = torch.zeros_like(x)
    for p, i in enumerate(_positions(x.shape[2], patch, stride)):
        for q, j in enumerate(_positions(x.shape[3], patch, stride)):
            total[:, :, i:i + patch, j:j + patch] += drops[:, p, q, None, None, None]
            count[:, :, i:i + patch, j:j + patch] += 1
    return total / count
