"""Los 64 filtros de ``conv1``: cuánto hay en ellos de color y cuánto de borde orientado.

Cada filtro W es de 3×3 en tres canales. Se separa en dos partes ortogonales:

- luminancia: la media de los tres canales, L (3×3), repetida en los tres;
- color: W − L, lo que distingue un canal de otro.

**Fracción de color**: ‖W − L‖² / ‖W‖². Por encima de ``COLOR_THRESHOLD`` el
filtro responde sobre todo a diferencias de color (p. ej. verde frente a rojo).

**Coherencia de la orientación** de la luminancia: con los gradientes de L en
las cuatro celdas de 2×2 se forma el tensor de estructura J = Σ g gᵀ; si sus
valores propios son λ₁ ≥ λ₂, la coherencia (λ₁ − λ₂)/(λ₁ + λ₂) vale 1 cuando
todos los gradientes tienen la misma dirección (un borde recto) y 0 cuando no
hay dirección preferida. Un filtro es **de borde orientado** si no es de color
y su coherencia pasa de ``COHERENCE_THRESHOLD``.
"""

import numpy as np

COLOR_THRESHOLD = 0.5
COHERENCE_THRESHOLD = 0.6


def conv1_rgb(model):
    """Pesos de conv1 como (64, 3, 3, 3) en orden RGB (la red trabaja en BGR)."""
    w = model.conv1.weight.detach().cpu().numpy()          # (64, 3=BGR, 3, 3)
    return w[:, ::-1].transpose(0, 2, 3, 1).copy()          # (64, 3, 3, RGB)


def color_fraction(w):
    """‖W − L‖² / ‖W‖² de cada filtro; ``w``: (N, alto, ancho, 3)."""
    lum = w.mean(axis=3, keepdims=True)
    return ((w - lum) ** 2).sum(axis=(1, 2, 3)) / (w ** 2).sum(axis=(1, 2, 3))


def orientation(w):
    """Coherencia (0–1) y ángulo del gradiente dominante (radianes) de la luminancia."""
    lum = w.mean(axis=3)                                       # (N, 3, 3)
    # Gradientes en el centro de cada celda de 2×2
    gx = 0.5 * ((lum[:, :-1, 1:] - lum[:, :-1, :-1]) + (lum[:, 1:, 1:] - lum[:, 1:, :-1]))
    gy = 0.5 * ((lum[:, 1:, :-1] - lum[:, :-1, :-1]) + (lum[:, 1:, 1:] - lum[:, :-1, 1:]))
    jxx, jyy, jxy = (gx * gx).sum((1, 2)), (gy * gy).sum((1, 2)), (gx * gy).sum((1, 2))
    trace = jxx + jyy
    diff = np.sqrt((jxx - jyy) ** 2 + 4 * jxy ** 2)          # λ₁ − λ₂
    coherence = np.where(trace > 0, diff / np.where(trace > 0, trace, 1), 0.0)
    angle = 0.5 * np.arctan2(2 * jxy, jxx - jyy)
    return coherence, angle


def classify_filters(model):
    """Diccionario con la fracción de color, la coherencia y las dos clases de filtros."""
    w = conv1_rgb(model)
    color = color_fraction(w)
    coherence, angle = orientation(w)
    is_color = color > COLOR_THRESHOLD
    is_edge = ~is_color & (coherence > COHERENCE_THRESHOLD)
    return {"weights": w, "color": color, "coherence": coherence, "angle": angle,
            "is_color": is_color, "is_edge": is_edge}
