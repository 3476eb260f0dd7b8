"""Figuras de la página «Lo que imagina SqueezeNet»: clases, DeepDream y un ejemplo adversario.

Las optimizaciones se leen de la caché de disco (``cnnviz.imagenet.class_runs``).
"""

import numpy as np

from ..imagenet import class_runs as runs
from ..imagenet.classes import class_name
from .style import current_variant, figure_width, fit_height, hide_ticks, new_figure, num


def _show(ax, image, title):
    image = np.asarray(image)
    if image.shape[0] == 3:
        image = image.transpose(1, 2, 0)
    ax.imshow(image if image.dtype == np.uint8 else np.clip(image, 0, 1),
              interpolation="lanczos")
    ax.set_title(title)
    hide_ticks(ax)


def _probability(p):
    return f"p = {num(p, 3)}" if p < 0.9995 else "p > 0,999"


def fig_clases_squeezenet():
    """Una imagen sintetizada por clase, con su probabilidad."""
    result = runs.class_images()
    n = len(runs.CLASSES)
    narrow = current_variant().narrow
    fig = new_figure(figure_width(), 4.0 if narrow else 2.1)
    axes = fig.subplots(2, n // 2).flat if narrow else fig.subplots(1, n)
    for ax, image, label, p in zip(axes, result.images, runs.CLASSES, result.probs):
        _show(ax, image, f"{class_name(label)}\n{_probability(p)}")
    return fit_height(fig)


def fig_deepdream():
    """La foto y su versión de DeepDream."""
    result = runs.dream()
    fig = new_figure(figure_width(), 3.2 if current_variant().narrow else 3.3)
    left, right = fig.subplots(1, 2)
    _show(left, result.photo, "Foto original")
    _show(right, result.dream, f"DeepDream en {runs.DREAM_LAYER}\n({runs.DREAM_STEPS} pasos)")
    return fit_height(fig)


def fig_adversario():
    """La foto, la perturbación amplificada y la foto atacada, con sus clases."""
    result = runs.adversarial_example()
    diff = result.attacked.astype(float) - result.original.astype(float)   # de −2 a 2
    amplified = 0.5 + diff / (2 * max(result.linf, 1)) * 0.5                 # gris: 0
    narrow = current_variant().narrow
    if narrow:
        fig = new_figure(figure_width(), 4.6)
        axes = fig.subplot_mosaic([["a", "a", "c", "c"], [".", "b", "b", "."]])
    else:
        fig = new_figure(figure_width(), 2.7)
        axes = fig.subplot_mosaic([["a", "b", "c"]])
    _show(axes["a"], result.original,
          f"Original:\n{class_name(result.label)}\n{_probability(result.p_original.max())}")
    _show(axes["b"], amplified, f"Diferencia ×{127 // max(result.linf, 1)}\n"
          f"(gris: 0; máx. {result.linf}/255)")
    _show(axes["c"], result.attacked,
          f"Atacada:\n{class_name(result.new_label)}\n{_probability(result.p_attacked.max())}")
    return fit_height(fig)
