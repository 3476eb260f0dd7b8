"""Figuras de la página «Teoría: capas de una CNN»."""

import numpy as np
import torch
from matplotlib.patches import Polygon, Rectangle

from ..data import sample_photo
from ..filters import FOUR_FILTERS, apply_filters
from ..model import Net, layer_trace
from ..pooling import POOL_EXAMPLE
from .style import LAYER_COLORS, hide_ticks, new_figure


def _box(ax, x, y, width, height, depth, color):
    """Dibuja un paralelepípedo en proyección oblicua; devuelve su borde derecho."""
    dx, dy = depth * 0.5, depth * 0.35          # desplazamiento de la cara trasera
    front = [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]
    top = [(x, y + height), (x + width, y + height),
           (x + width + dx, y + height + dy), (x + dx, y + height + dy)]
    side = [(x + width, y), (x + width + dx, y + dy),
            (x + width + dx, y + height + dy), (x + width, y + height)]
    for face, shade in ((side, 0.75), (top, 0.9), (front, 1.0)):
        rgb = np.array(_hex_to_rgb(color)) * shade
        ax.add_patch(Polygon(face, closed=True, facecolor=rgb, edgecolor="black",
                             linewidth=0.8))
    return x + width + dx


def _hex_to_rgb(color):
    color = color.lstrip("#")
    return [int(color[i:i + 2], 16) / 255 for i in (0, 2, 4)]


def fig_arquitectura():
    """Cada capa de ``Net`` como una caja de su color, con su forma de salida."""
    net = Net(n_classes=10)
    rows = [("entrada", "Imagen", (1, 1, 8, 8), 0)] + layer_trace(net, (1, 1, 8, 8))
    # Insertar el aplanado (no es un submódulo: es x.view en forward)
    pool_shape = rows[2][2]
    flat = (1, int(np.prod(pool_shape[1:])))
    rows.insert(3, ("view", "Aplanado", flat, 0))
    labels = {"conv1": "Convolución 5×5\n+ ReLU", "pool": "Max pooling 2×2",
              "fc1": "Totalmente\nconectada", "entrada": "Entrada",
              "view": "Aplanado"}

    fig = new_figure(9, 3.3)
    ax = fig.add_subplot()
    x = 0.0
    for i, (name, _, shape, n_params) in enumerate(rows):
        if len(shape) == 4:     # (N, C, H, W): alto y ancho = H, W; fondo = C
            channels, height = shape[1], shape[2]
            w, h, d = 0.35 * height, 0.35 * height, 0.12 * channels
            text = f"{channels}×{height}×{shape[3]}"
        else:                   # (N, F): una columna alta y estrecha
            w, h, d = 0.3, 0.05 * shape[1] ** 0.8 + 0.6, 0.3
            text = f"{shape[1]}"
        color = LAYER_COLORS[i % len(LAYER_COLORS)]
        right = _box(ax, x, 0.0, w, h, d, color)
        center = (x + right) / 2
        ax.text(center, -0.35, labels.get(name, name), ha="center", va="top", fontsize=9)
        ax.text(center, h + d * 0.35 + 0.15, text, ha="center", va="bottom",
                fontsize=9, fontweight="bold")
        if n_params:
            ax.text(center, -1.25, f"{n_params:,} parámetros".replace(",", " "),
                    ha="center", va="top", fontsize=8, color="#444444")
        x = right + 1.6
    ax.set_xlim(-0.8, x - 0.8)
    ax.set_ylim(-1.8, 4.2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Arquitectura de Net con una entrada de 8×8 (forma de salida de cada capa)")
    return fig


def fig_relu():
    """ReLU(x) = max(0, x) frente a la función escalón que describe el original."""
    x = np.linspace(-3, 3, 601)
    fig = new_figure(6.5, 3.0)
    ax_relu, ax_step = fig.subplots(1, 2, sharey=True)
    ax_relu.plot(x, np.maximum(0, x), color=LAYER_COLORS[0], linewidth=2.5)
    ax_relu.set_title("ReLU(x) = max(0, x)")
    ax_step.plot(x, (x > 0).astype(float), color=LAYER_COLORS[3], linewidth=2.5)
    ax_step.set_title("Escalón (no es ReLU)")
    for ax in (ax_relu, ax_step):
        ax.axhline(0, color="gray", linewidth=0.8)
        ax.axvline(0, color="gray", linewidth=0.8)
        ax.set_xlabel("x (entrada)")
        ax.grid(alpha=0.3)
    ax_relu.set_ylabel("salida")
    return fig


def fig_cuatro_filtros():
    """Los 4 filtros hechos a mano y el mapa de características de cada uno."""
    photo = sample_photo("camera", size=256)
    kernels = torch.stack(list(FOUR_FILTERS.values()))      # (4, 4, 4)
    maps = apply_filters(photo, kernels)                     # (4, 253, 253)
    fig = new_figure(10, 4.6)
    axes = fig.subplots(2, 5, gridspec_kw={"height_ratios": [1, 2]})
    axes[0, 0].axis("off")
    axes[1, 0].imshow(photo.numpy(), cmap="gray", vmin=0, vmax=1)
    axes[1, 0].set_title("Foto original\n(256×256)")
    hide_ticks(axes[1, 0])
    for i, (name, kernel) in enumerate(FOUR_FILTERS.items(), start=1):
        ax_k, ax_m = axes[0, i], axes[1, i]
        ax_k.imshow(kernel.numpy(), cmap="gray", vmin=-1, vmax=1)
        for (r, c), value in np.ndenumerate(kernel.numpy()):
            ax_k.text(c, r, f"{value:+.0f}", ha="center", va="center", fontsize=8,
                      color="black" if value > 0 else "white")
        ax_k.set_title(f"Filtro {i}", fontsize=9)
        hide_ticks(ax_k)
        limit = maps[i - 1].abs().max().item()
        ax_m.imshow(maps[i - 1].numpy(), cmap="gray", vmin=-limit, vmax=limit)
        ax_m.set_title(f"Mapa {i}:\n{name}", fontsize=8)
        hide_ticks(ax_m)
    fig.suptitle("Cuatro filtros de 4×4 y sus mapas de características "
                 "(claro: respuesta positiva; oscuro: negativa)")
    return fig


def fig_max_pooling():
    """Max pooling 2×2 sobre el ejemplo de 4×4, con los números a la vista."""
    x = POOL_EXAMPLE.numpy()
    pooled = torch.nn.functional.max_pool2d(POOL_EXAMPLE[None, None], 2)[0, 0].numpy()
    block_colors = [LAYER_COLORS[0], LAYER_COLORS[1], LAYER_COLORS[2], LAYER_COLORS[4]]
    fig = new_figure(8, 3.3)
    ax_in, ax_out, ax_gap = fig.subplots(1, 3, gridspec_kw={"width_ratios": [4, 2.6, 2]})

    def grid(ax, values, color_of, title, highlight=None):
        n_rows, n_cols = values.shape
        for (r, c), v in np.ndenumerate(values):
            ax.add_patch(Rectangle((c, n_rows - 1 - r), 1, 1, facecolor=color_of(r, c),
                                   alpha=0.35, edgecolor="black"))
            bold = highlight is not None and highlight(r, c)
            ax.text(c + 0.5, n_rows - 0.5 - r, f"{v:g}", ha="center", va="center",
                    fontsize=13, fontweight="bold" if bold else "normal")
        ax.set_xlim(-0.05, n_cols + 0.05)
        ax.set_ylim(-0.05, n_rows + 0.05)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(title)

    def block(r, c, size):
        return block_colors[(r // size) * 2 + c // size]

    def is_block_max(r, c):
        return x[r, c] == pooled[r // 2, c // 2]

    grid(ax_in, x, lambda r, c: block(r, c, 2), "Mapa de entrada (4×4)", is_block_max)
    grid(ax_out, pooled, lambda r, c: block(r, c, 1), "Max pooling 2×2, paso 2\n(2×2)")
    ax_gap.add_patch(Rectangle((0, 0), 1, 1, facecolor="#bbbbbb", alpha=0.5,
                               edgecolor="black"))
    ax_gap.text(0.5, 0.5, f"{x.mean():g}", ha="center", va="center", fontsize=13)
    ax_gap.set_xlim(-0.6, 1.6)
    ax_gap.set_ylim(-1.0, 2.0)
    ax_gap.set_aspect("equal")
    ax_gap.axis("off")
    ax_gap.set_title("Global average\npooling (media)")
    ax_gap.text(0.5, -0.35, f"{x.sum():g} / {x.size} = {x.mean():g}", ha="center",
                va="top", fontsize=9)
    return fig
