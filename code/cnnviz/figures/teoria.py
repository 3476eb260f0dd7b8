"""Figuras de la página «Teoría: capas de una CNN» (las de Net, ReLU, filtros y pooling)."""

import numpy as np
import torch
from matplotlib.patches import Polygon, Rectangle

from .. import spanish
from ..data import sample_photo
from ..filters import FOUR_FILTERS, apply_filters
from ..model import Net, layer_trace
from ..pooling import POOL_EXAMPLE
from .style import (LAYER_COLORS, current_variant, figure_width, fit_height, hide_ticks,
                    new_figure, num, scheme_colors, title)


def _box(ax, x, y, width, height, depth, color):
    """Dibuja un paralelepípedo en proyección oblicua; devuelve su borde derecho."""
    dx, dy = depth * 0.5, depth * 0.35          # desplazamiento de la cara trasera
    front = [(x, y), (x + width, y), (x + width, y + height), (x, y + height)]
    top = [(x, y + height), (x + width, y + height),
           (x + width + dx, y + height + dy), (x + dx, y + height + dy)]
    side = [(x + width, y), (x + width + dx, y + dy),
            (x + width + dx, y + height + dy), (x + width, y + height)]
    edge = scheme_colors()["foreground"]
    for face, shade in ((side, 0.75), (top, 0.9), (front, 1.0)):
        rgb = np.array(_hex_to_rgb(color)) * shade
        ax.add_patch(Polygon(face, closed=True, facecolor=rgb, edgecolor=edge,
                             linewidth=0.8))
    return x + width + dx


def _hex_to_rgb(color):
    color = color.lstrip("#")
    return [int(color[i:i + 2], 16) / 255 for i in (0, 2, 4)]


def _net_layers():
    """Capas de ``Net`` con entrada de 8×8: (nombre, etiqueta, forma, parámetros)."""
    net = Net(n_classes=10)
    rows = [("entrada", (1, 1, 8, 8), 0)] + \
        [(name, shape, n) for name, _, shape, n in layer_trace(net, (1, 1, 8, 8))]
    # Insertar el aplanado (no es un submódulo: es x.view en forward)
    pool_shape = rows[2][1]
    rows.insert(3, ("view", (1, int(np.prod(pool_shape[1:]))), 0))
    labels = {"conv1": "Convolución 5×5\n+ ReLU", "pool": "Max pooling\n2×2",
              "fc1": "Totalmente\nconectada", "entrada": "Entrada", "view": "Aplanado"}
    return [(name, labels.get(name, name), shape, n) for name, shape, n in rows]


def _box_size(shape):
    """Ancho, alto y fondo de la caja de una salida (N, C, H, W) o (N, F)."""
    if len(shape) == 4:     # alto y ancho = H, W; fondo = C
        return 0.35 * shape[2], 0.35 * shape[2], 0.12 * shape[1]
    return 0.3, 0.05 * shape[1] ** 0.8 + 0.6, 0.3     # una columna alta y estrecha


def _shape_text(shape):
    return "×".join(str(s) for s in shape[1:])


def fig_arquitectura():
    """Cada capa de ``Net`` como una caja de su color, con su forma de salida."""
    layers = _net_layers()
    muted = scheme_colors()["muted"]
    narrow = current_variant().narrow
    if narrow:   # una capa por fila: la caja a la izquierda y sus datos a la derecha
        fig = new_figure(figure_width(), 7.0)
        ax = fig.add_subplot()
        y = 0.0
        for i, (name, label, shape, n_params) in enumerate(layers):
            w, h, d = _box_size(shape)
            scale = 0.7
            _box(ax, 1.8 - (w + d * 0.5) * scale / 2, y, w * scale, h * scale, d * scale,
                 LAYER_COLORS[i % len(LAYER_COLORS)])
            text = f"{label.replace(chr(10), ' ')}\nsalida {_shape_text(shape)}"
            middle = y + (h + d * 0.35) * scale / 2
            ax.text(4.0, middle, text, va="center", fontsize=8.5)
            if n_params:
                ax.text(4.0, middle - 0.75, f"{spanish.integer(n_params)} parámetros",
                        va="top", fontsize=8, color=muted)
            y -= 3.3
        ax.set_xlim(0.4, 9.6)
        ax.set_ylim(y + 2.2, 3.4)
    else:
        fig = new_figure(figure_width(), 2.7)
        ax = fig.add_subplot()
        slot = 3.7
        for i, (name, label, shape, n_params) in enumerate(layers):
            w, h, d = _box_size(shape)
            center = i * slot
            _box(ax, center - (w + d * 0.5) / 2, 0.0, w, h, d,
                         LAYER_COLORS[i % len(LAYER_COLORS)])
            ax.text(center, -0.3, label, ha="center", va="top", fontsize=8.5)
            ax.text(center, h + d * 0.35 + 0.15, _shape_text(shape), ha="center",
                    va="bottom", fontsize=8.5, fontweight="bold")
            if n_params:
                ax.text(center, -1.55, f"{spanish.integer(n_params)} parámetros",
                        ha="center", va="top", fontsize=8, color=muted)
        ax.set_xlim(-slot / 2, slot * (len(layers) - 0.5))
        ax.set_ylim(-2.05, 3.7)
    ax.set_aspect("equal")
    ax.axis("off")
    title(fig, "Arquitectura de Net con una entrada de 8×8 y la forma de la salida de "
          "cada capa (canales×alto×ancho)")
    return fit_height(fig)


def fig_relu():
    """ReLU(x) = max(0, x) frente a la función escalón que describe el original."""
    x = np.linspace(-3, 3, 601)
    narrow = current_variant().narrow
    fig = new_figure(figure_width(), 4.6 if narrow else 2.5)
    ax_relu, ax_step = fig.subplots(2, 1, sharex=True) if narrow else \
        fig.subplots(1, 2, sharey=True)
    ax_relu.plot(x, np.maximum(0, x), color=LAYER_COLORS[0], linewidth=2.5)
    ax_relu.set_title("ReLU(x) = max(0, x)")
    ax_step.plot(x, (x > 0).astype(float), color=LAYER_COLORS[3], linewidth=2.5)
    ax_step.set_title("Escalón (no es ReLU)")
    for ax in (ax_relu, ax_step):
        ax.axhline(0, color="gray", linewidth=0.8)
        ax.axvline(0, color="gray", linewidth=0.8)
        ax.grid(alpha=0.3)
    ax_relu.set_ylabel("salida")
    ax_step.set_xlabel("x (entrada)")
    if narrow:
        ax_step.set_ylabel("salida")
    else:
        ax_relu.set_xlabel("x (entrada)")
    return fit_height(fig)


def _kernel_panel(ax, kernel, title):
    """Un filtro pequeño en gris (−1 negro, +1 blanco) con sus valores escritos."""
    ax.imshow(kernel, cmap="gray", vmin=-1, vmax=1)
    for (r, c), value in np.ndenumerate(kernel):
        ax.text(c, r, ("+" if value > 0 else "") + spanish.integer(value), ha="center",
                va="center", fontsize=8, color="black" if value > 0 else "white")
    ax.set_title(title)
    hide_ticks(ax)


def fig_cuatro_filtros():
    """Los 4 filtros hechos a mano y el mapa de características de cada uno."""
    photo = sample_photo("camera", size=256)
    kernels = torch.stack(list(FOUR_FILTERS.values()))      # (4, 4, 4)
    maps = apply_filters(photo, kernels)                     # (4, 253, 253)
    narrow = current_variant().narrow
    if narrow:
        fig = new_figure(figure_width(), 10.5)
        axes = fig.subplot_mosaic([["foto", "foto"]] + [[f"k{i}", f"m{i}"] for i in range(4)],
                                  height_ratios=[1.3, 1, 1, 1, 1])
    else:
        fig = new_figure(figure_width(), 3.5)
        axes = fig.subplot_mosaic([[".", "k0", "k1", "k2", "k3"],
                                   ["foto", "m0", "m1", "m2", "m3"]], height_ratios=[1, 1.4])
    axes["foto"].imshow(photo.numpy(), cmap="gray", vmin=0, vmax=1)
    axes["foto"].set_title("Foto original\n(256×256)")
    hide_ticks(axes["foto"])
    for i, (name, kernel) in enumerate(FOUR_FILTERS.items()):
        _kernel_panel(axes[f"k{i}"], kernel.numpy(), f"Filtro {i}")
        limit = maps[i].abs().max().item()
        axes[f"m{i}"].imshow(maps[i].numpy(), cmap="gray", vmin=-limit, vmax=limit)
        direction, change = name.split(", ")
        axes[f"m{i}"].set_title(f"Mapa {i}:\n{direction},\n{change}")
        hide_ticks(axes[f"m{i}"])
    title(fig, "Cuatro filtros de 4×4 y sus mapas de características (claro: respuesta "
          "positiva; oscuro: negativa)")
    return fit_height(fig)


def fig_max_pooling():
    """Max pooling y average pooling 2×2 sobre el ejemplo de 4×4, y la media global."""
    x = POOL_EXAMPLE.numpy()
    pooled = torch.nn.functional.max_pool2d(POOL_EXAMPLE[None, None], 2)[0, 0].numpy()
    averaged = torch.nn.functional.avg_pool2d(POOL_EXAMPLE[None, None], 2)[0, 0].numpy()
    block_colors = [LAYER_COLORS[0], LAYER_COLORS[1], LAYER_COLORS[2], LAYER_COLORS[4]]
    edge = scheme_colors()["foreground"]
    narrow = current_variant().narrow
    if narrow:
        fig = new_figure(figure_width(), 6.4)
        axes = fig.subplot_mosaic([["in", "in"], ["out", "avg"], ["gap", "gap"]],
                                  height_ratios=[1.5, 1.1, 0.5])
    else:
        fig = new_figure(figure_width(), 2.6)
        axes = fig.subplot_mosaic([["in", "out", "avg", "gap"]], width_ratios=[4, 2.6, 2.6, 2])

    def grid(ax, values, color_of, title, highlight=None, places=0):
        n_rows, n_cols = values.shape
        for (r, c), v in np.ndenumerate(values):
            ax.add_patch(Rectangle((c, n_rows - 1 - r), 1, 1, facecolor=color_of(r, c),
                                   alpha=0.35, edgecolor=edge))
            bold = highlight is not None and highlight(r, c)
            ax.text(c + 0.5, n_rows - 0.5 - r, num(v, places), ha="center", va="center",
                    fontsize=12, fontweight="bold" if bold else "normal")
        ax.set_xlim(-0.05, n_cols + 0.05)
        ax.set_ylim(-0.05, n_rows + 0.05)
        ax.set_aspect("equal")
        ax.axis("off")
        ax.set_title(title)

    def block(r, c, size):
        return block_colors[(r // size) * 2 + c // size]

    def is_block_max(r, c):
        return x[r, c] == pooled[r // 2, c // 2]

    grid(axes["in"], x, lambda r, c: block(r, c, 2), "Mapa de entrada (4×4)", is_block_max)
    grid(axes["out"], pooled, lambda r, c: block(r, c, 1), "Max pooling 2×2,\npaso 2 (2×2)")
    grid(axes["avg"], averaged, lambda r, c: block(r, c, 1), "Average pooling\n2×2, paso 2",
         places=1)
    ax_gap = axes["gap"]
    ax_gap.add_patch(Rectangle((0, 0), 1, 1, facecolor=LAYER_COLORS[5], alpha=0.35,
                               edgecolor=edge))
    ax_gap.text(0.5, 0.5, num(x.mean(), 1), ha="center", va="center", fontsize=12)
    ax_gap.set_xlim(*((-2.2, 3.2) if narrow else (-0.35, 1.35)))   # en estrecha, todo el ancho
    ax_gap.set_ylim(-1.0, 2.0)
    ax_gap.set_aspect("equal")
    ax_gap.axis("off")
    ax_gap.set_title("Pooling por\nmedia global")
    ax_gap.text(0.5, -0.3, f"{num(x.sum(), 0)} / {x.size} = {num(x.mean(), 1)}", ha="center",
                va="top", fontsize=9)
    return fit_height(fig)
