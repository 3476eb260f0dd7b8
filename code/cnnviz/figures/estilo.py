"""Figuras de la página «Transferencia de estilo» (SqueezeNet, Gatys et al. 2016).

Las optimizaciones se calculan una vez y se leen de la caché de disco
(``cnnviz.imagenet.style_runs``): las cuatro variantes de cada figura y las
frases de la página usan el mismo resultado.
"""

import numpy as np
from matplotlib.ticker import FuncFormatter, NullFormatter

from .. import spanish
from ..imagenet import style_runs as runs
from .style import LAYER_COLORS, current_variant, figure_width, fit_height, hide_ticks, \
    new_figure, num


def _show(ax, image, title):
    ax.imshow(np.clip(np.asarray(image).transpose(1, 2, 0), 0, 1), interpolation="lanczos")
    ax.set_title(title)
    hide_ticks(ax)


def _three(titles):
    """Tres paneles: en fila, o dos arriba y uno centrado debajo en un teléfono."""
    if current_variant().narrow:
        fig = new_figure(figure_width(), 4.2)
        axes = fig.subplot_mosaic([["a", "a", "b", "b"], [".", "c", "c", "."]])
    else:
        fig = new_figure(figure_width(), 2.6)
        axes = fig.subplot_mosaic([["a", "b", "c"]])
    return fig, [axes[k] for k in "abc"]


def fig_estilo_textura():
    """Síntesis de textura: la textura, el ruido de partida y el resultado."""
    result = runs.texture()
    fig, axes = _three(3)
    _show(axes[0], result.inputs["texture"], "Textura original")
    _show(axes[1], result.inputs["start"], "Ruido de partida")
    _show(axes[2], result.images[0], f"Sintetizada\n({runs.TEXTURE_STEPS} pasos)")
    return fit_height(fig)


def fig_estilo_transferencia():
    """Contenido, estilo y resultado de la transferencia principal."""
    result = runs.transfer()
    beta = runs.STYLE_WEIGHTS[runs.MAIN]
    fig, axes = _three(3)
    _show(axes[0], result.inputs["content"], "Contenido")
    _show(axes[1], result.inputs["style"], "Estilo")
    _show(axes[2], result.images[runs.MAIN], f"Resultado\n(β = {num(beta, 0)})")
    return fit_height(fig)


def _weight(beta):
    return num(beta, 1) if beta < 1 else num(beta, 0)


def fig_estilo_rejilla():
    """El resultado con cada peso del estilo, con sus pérdidas finales."""
    result = runs.transfer()
    n = len(runs.STYLE_WEIGHTS)
    narrow = current_variant().narrow
    fig = new_figure(figure_width(), 4.6 if narrow else 2.2)
    axes = fig.subplots(2, n // 2).flat if narrow else fig.subplots(1, n)
    content, style = result.losses["content"][-1], result.losses["style"][-1]
    for k, ax in enumerate(axes):
        _show(ax, result.images[k], f"β = {_weight(runs.STYLE_WEIGHTS[k])}\n"
              f"contenido {num(content[k], 2)}\nestilo {num(style[k], 2)}")
    return fit_height(fig)


def fig_estilo_curvas():
    """Pérdidas por paso: la textura y la transferencia principal."""
    tex, tr = runs.texture(), runs.transfer()
    narrow = current_variant().narrow
    fig = new_figure(figure_width(), 5.0 if narrow else 2.6)
    left, right = fig.subplots(2, 1) if narrow else fig.subplots(1, 2)
    steps = np.arange(1, len(tex.losses["style"]) + 1)
    left.plot(steps, tex.losses["style"][:, 0], color=LAYER_COLORS[1], label="estilo")
    left.plot(steps, tex.losses["tv"][:, 0], color=LAYER_COLORS[2], label="variación total")
    left.set_title("Síntesis de textura")
    k = runs.MAIN
    steps = np.arange(1, len(tr.losses["style"]) + 1)
    right.plot(steps[1:], tr.losses["content"][1:, k], color=LAYER_COLORS[0], label="contenido")
    right.plot(steps, tr.losses["style"][:, k], color=LAYER_COLORS[1], label="estilo")
    right.plot(steps, tr.losses["tv"][:, k], color=LAYER_COLORS[2], label="variación total")
    right.set_title(f"Transferencia (β = {_weight(runs.STYLE_WEIGHTS[k])})")
    for ax in (left, right):
        ax.set_yscale("log")
        # Potencias de diez con «−» y superíndices («1·10⁻²»), sin etiquetas intermedias
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: spanish.scientific(v, 0)))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel("paso de Adam")
        ax.set_ylabel("pérdida (sin ponderar)")
        ax.grid(True, which="major", alpha=0.5)
        ax.legend(loc="best")
    return fit_height(fig)
