"""Figuras de la página «Una CNN de verdad: SqueezeNet sobre fotos»."""

import numpy as np

from .. import spanish
from ..imagenet import PHOTOS, load_photo
from ..imagenet import page_data as data
from ..imagenet.anatomy import stage_table
from ..imagenet.conv1_filters import classify_filters
from ..imagenet.prediction import shared_model
from ..imagenet.preprocessing import resize_rgb
from .style import (LAYER_COLORS, current_variant, figure_width, fit_height, hide_ticks,
                    new_figure, scheme_colors, title)

EDGE_COLOR = LAYER_COLORS[1]     # naranja: borde orientado
COLOR_COLOR = LAYER_COLORS[0]    # azul: color


def _photo(ax, image, title=None):
    ax.imshow(image)
    if title:
        ax.set_title(title)
    hide_ticks(ax)


def _shown(name):
    """La foto tal como la ve la red: 227×227, en [0, 1]."""
    return resize_rgb(load_photo(name)) / 255.0


def _percent(p):
    return spanish.percent(p, 1) if p >= 0.001 else "< 0,1 %"


def fig_top5():
    """Las cinco clases más probables de seis fotos, con su nombre en español."""
    results = data.top5()
    narrow = current_variant().narrow
    names = list(results)
    rows, pairs = (len(names), 1) if narrow else (len(names) // 2, 2)
    fig = new_figure(figure_width(), 1.35 * rows)
    grid = fig.subplots(rows, 2 * pairs, gridspec_kw={"width_ratios": [1, 1.6] * pairs})
    grid = np.atleast_2d(grid)
    muted = scheme_colors()["muted"]
    for i, name in enumerate(names):
        r, c = (i, 0) if narrow else (i // 2, 2 * (i % 2))
        _photo(grid[r, c], _shown(name), PHOTOS[name].title)
        ax = grid[r, c + 1]
        top = results[name]
        probs = [p for _, _, p in top][::-1]
        ax.barh(range(5), probs, color=LAYER_COLORS[0], alpha=0.35)
        for y, (_, label, p) in enumerate(top[::-1]):
            ax.text(0.02, y, f"{label}: {_percent(p)}", va="center", fontsize=7.5,
                    color=scheme_colors()["foreground"])
        ax.set_xlim(0, 1)
        ax.set_ylim(-0.6, 4.6)
        hide_ticks(ax)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.spines["left"].set_color(muted)
        ax.spines["bottom"].set_color(muted)
    title(fig, "Las cinco clases más probables de cada foto")
    return fit_height(fig)


def fig_filtros_conv1():
    """Los 64 filtros de conv1 en color, con marco según la medida de color y de orientación."""
    result = classify_filters(shared_model())
    w = result["weights"]
    fig = new_figure(figure_width(), figure_width() * 1.05)
    axes = fig.subplots(8, 8)
    for k, ax in enumerate(axes.flat):
        limit = np.abs(w[k]).max()
        ax.imshow(0.5 + w[k] / (2 * limit), interpolation="nearest")
        hide_ticks(ax)
        color = (COLOR_COLOR if result["is_color"][k] else
                 EDGE_COLOR if result["is_edge"][k] else scheme_colors()["grid"])
        width = 3 if color != scheme_colors()["grid"] else 1
        for spine in ax.spines.values():
            spine.set_color(color)
            spine.set_linewidth(width)
    n_color, n_edge = int(result["is_color"].sum()), int(result["is_edge"].sum())
    title(fig, f"Marco azul: de color ({n_color}); naranja: borde orientado ({n_edge})",
          fontsize=9)
    return fit_height(fig)


def fig_parametros():
    """Parámetros de cada etapa de SqueezeNet, con la forma de su salida."""
    rows = [r for r in stage_table(shared_model()) if r[1] != "maxpool"]
    narrow = current_variant().narrow
    fig = new_figure(figure_width(), 3.6 if narrow else 3.0)
    ax = fig.subplots()
    labels = [f"{name}  {c}×{h}×{w}" for name, _, (c, h, w), _ in rows]
    values = [p for *_, p in rows]
    colors = [LAYER_COLORS[0] if kind == "fire" else LAYER_COLORS[1] for _, kind, _, _ in rows]
    y = np.arange(len(rows))[::-1]
    ax.barh(y, values, color=colors)
    ax.set_yticks(y, labels, fontsize=8)
    top = max(values)
    for yi, v in zip(y, values):
        ax.text(v + top * 0.01, yi, spanish.integer(v), va="center", fontsize=8)
    ax.set_xlim(0, top * (1.45 if narrow else 1.25))
    ax.set_xticks([])
    for side in ("top", "right", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title("Parámetros de cada etapa")
    return fit_height(fig)


def fig_mapas():
    """Mapas de activación de la foto de la gata en cuatro etapas, cada vez más profundas."""
    maps = data.stage_maps()
    narrow = current_variant().narrow
    stages = list(maps)
    n = data.MAPS_PER_STAGE
    if narrow:
        fig = new_figure(figure_width(), 5.5)
        axes = fig.subplots(len(stages) + 1, n)
        _photo(axes[0, 1], _shown(data.MAP_PHOTO), "Entrada (227×227)")
        axes[0, 0].set_visible(False)
        axes[0, 2].set_visible(False)
        grid = axes[1:]
    else:
        fig = new_figure(figure_width(), 4.2)
        axes = fig.subplots(n, len(stages) + 1)
        _photo(axes[1, 0], _shown(data.MAP_PHOTO), "Entrada\n(227×227)")
        axes[0, 0].set_visible(False)
        axes[2, 0].set_visible(False)
        grid = axes[:, 1:].T
    for row, stage in zip(grid, stages):
        stage_maps, chosen = maps[stage]
        for ax, channel in zip(row, chosen):
            image = stage_maps[channel]
            ax.imshow(image, cmap="magma", vmin=0, vmax=max(image.max(), 1e-6))
            side = image.shape[0]
            ax.set_title(f"{stage} c{channel} ({side}×{side})", fontsize=7.5)
            hide_ticks(ax)
    return fit_height(fig)


def _overlay(ax, image, cam, title):
    ax.imshow(image)
    ax.imshow(cam / max(cam.max(), 1e-12), cmap="jet", alpha=0.45, vmin=0, vmax=1,
              extent=(-0.5, image.shape[1] - 0.5, image.shape[0] - 0.5, -0.5))
    ax.set_aspect("equal", adjustable="box")
    ax.set_title(title)
    hide_ticks(ax)


def fig_gradcam_clases():
    """Grad-CAM de dos clases en una misma foto: la gata y el café."""
    from ..imagenet import class_name

    image, maps, cut = data.pair_gradcam()
    shown = resize_rgb(image) / 255.0
    narrow = current_variant().narrow
    if narrow:    # la foto arriba y los dos mapas debajo
        fig = new_figure(figure_width(), 4.1)
        mosaic = fig.subplot_mosaic([[".", "foto", "foto", "."], ["a", "a", "b", "b"]])
        axes = [mosaic["foto"], mosaic["a"], mosaic["b"]]
    else:
        fig = new_figure(figure_width(), 2.3)
        axes = fig.subplots(1, 3)
    _photo(axes[0], shown, "Foto doble (227×227)")
    for ax, c in zip(axes[1:], data.PAIR_CLASSES):
        share = data.left_share(maps[c], cut)
        sep = "\n" if narrow else " "
        _overlay(ax, shown, maps[c], f"Grad-CAM de{sep}«{class_name(c)}»\n"
                 f"{spanish.percent(share, 0)} a la izquierda")
    return fig if narrow else fit_height(fig)


def fig_atribucion():
    """Saliencia, gradientes integrados y Grad-CAM de la clase más probable en tres fotos."""
    from ..imagenet import class_name

    results = data.attributions()
    names = list(results)
    narrow = current_variant().narrow
    fig = new_figure(figure_width(), 1.15 * len(names) if narrow else 2.0 * len(names))
    axes = fig.subplots(len(names), 4)
    for row, name in zip(axes, names):
        target, sal, ig, cam = results[name]
        shown = _shown(name)
        _photo(row[0], shown, class_name(target).replace(" ", "\n", 1) if narrow
               else class_name(target))
        for ax, (m, label) in zip(row[1:3], ((sal, "Saliencia"), (ig, "Integrados"))):
            ax.imshow(m, cmap="magma", vmin=0, vmax=np.percentile(m, 99.5))
            ax.set_title(label)
            hide_ticks(ax)
        _overlay(row[3], shown, cam, "Grad-CAM")
        if narrow:
            for ax in row:
                ax.title.set_fontsize(7.5)
    return fit_height(fig)


def fig_cordura():
    """Prueba de aleatorización en cascada: saliencia y Grad-CAM con capas al azar."""
    target, rows = data.sanity()
    shown = _shown(data.SANITY_PHOTO)
    narrow = current_variant().narrow
    fig = new_figure(figure_width(), 3.4 if narrow else 3.3)
    axes = fig.subplots(2, len(rows))
    for col, (stages, sal, cam, rho_s, rho_c) in enumerate(rows):
        head = "entrenada" if not stages else f"+ {stages[-1]}" if col > 1 else f"{stages[-1]} al azar"
        axes[0, col].imshow(sal, cmap="magma", vmin=0, vmax=np.percentile(sal, 99.5))
        axes[0, col].set_title(f"{head}\nρ = {spanish.decimal(rho_s, 2)}", fontsize=8)
        hide_ticks(axes[0, col])
        _overlay(axes[1, col], shown, cam, f"ρ = {spanish.decimal(rho_c, 2)}")
        axes[1, col].title.set_fontsize(8)
    axes[0, 0].set_ylabel("Saliencia", fontsize=8)
    axes[1, 0].set_ylabel("Grad-CAM", fontsize=8)
    return fit_height(fig)


def fig_ejemplos():
    """Canales de fire4, fire6 y fire8: su imagen sintética y los recortes de fotos que más los activan."""
    from ..imagenet.page_data import channel_examples

    rows = channel_examples()
    narrow = current_variant().narrow
    n_cols = 1 + len(rows[0][3])
    fig = new_figure(figure_width(), (0.74 if narrow else 1.2) * len(rows) + 0.5)
    axes = fig.subplots(len(rows), n_cols)
    for row, (stage, channel, synthetic, patches) in zip(axes, rows):
        _photo(row[0], synthetic, f"{stage} c{channel}")
        for ax, (_, name, _, patch) in zip(row[1:], patches):
            _photo(ax, patch)
        if narrow:
            row[0].title.set_fontsize(7.5)
    title(fig, "Primera columna: imagen sintética; después, los recortes de fotos que más "
          "activan el canal", fontsize=8 if narrow else 9)
    return fit_height(fig)
