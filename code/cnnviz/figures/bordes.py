"""Figuras de la página «Filtros convolucionales y detección de bordes»."""

import torch

from ..data import sample_photo
from ..filters import LAPLACIAN, SOBEL_X, SOBEL_Y, apply_filters, sobel_magnitude
from .style import current_variant, figure_width, fit_height, hide_ticks, new_figure


def _show(ax, image, title, cmap="gray", symmetric=False):
    image = image.numpy()
    if symmetric:
        limit = abs(image).max()
        ax.imshow(image, cmap=cmap, vmin=-limit, vmax=limit)
    else:
        ax.imshow(image, cmap=cmap)
    ax.set_title(title)
    hide_ticks(ax)


def fig_paso_alto():
    """Un filtro paso alto (laplaciano) sobre una foto real."""
    photo = sample_photo("camera", size=256)
    response = apply_filters(photo, LAPLACIAN[None])[0]
    if current_variant().narrow:   # dos arriba y el tercero centrado debajo
        fig = new_figure(figure_width(), 3.9)
        axes = fig.subplot_mosaic([["foto", "foto", "resp", "resp"],
                                   [".", "abs", "abs", "."]])
    else:
        fig = new_figure(figure_width(), 2.5)
        axes = fig.subplot_mosaic([["foto", "resp", "abs"]])
    _show(axes["foto"], photo, "Foto original")
    _show(axes["resp"], response, "Laplaciano\n(gris: 0)", symmetric=True)
    _show(axes["abs"], response.abs(), "Valor absoluto:\nbordes", cmap="magma")
    return fit_height(fig)


def fig_sobel():
    """Sobel en x, en y y la magnitud del gradiente."""
    photo = sample_photo("coffee", size=256)
    gx, gy = apply_filters(photo, torch.stack([SOBEL_X, SOBEL_Y]))
    narrow = current_variant().narrow
    fig = new_figure(figure_width(), 4.0 if narrow else 2.3)
    axes = fig.subplots(2, 2).flat if narrow else fig.subplots(1, 4)
    axes = list(axes)
    _show(axes[0], photo, "Foto original")
    _show(axes[1], gx, "Sobel x (verticales)\nrojo +, azul −", cmap="RdBu_r", symmetric=True)
    _show(axes[2], gy, "Sobel y (horizontales)\nrojo +, azul −", cmap="RdBu_r",
          symmetric=True)
    _show(axes[3], sobel_magnitude(photo), "Magnitud\n√(gx² + gy²)", cmap="magma")
    return fit_height(fig)
