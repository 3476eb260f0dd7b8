"""Figuras de la página «Filtros convolucionales y detección de bordes»."""

import torch

from ..data import sample_photo
from ..filters import LAPLACIAN, SOBEL_X, SOBEL_Y, apply_filters, sobel_magnitude
from .style import hide_ticks, new_figure


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
    fig = new_figure(9, 3.4)
    ax_photo, ax_resp, ax_abs = fig.subplots(1, 3)
    _show(ax_photo, photo, "Foto original")
    _show(ax_resp, response, "Salida del filtro laplaciano\n(gris: 0)", symmetric=True)
    _show(ax_abs, response.abs(), "Valor absoluto: bordes", cmap="magma")
    return fig


def fig_sobel():
    """Sobel en x, en y y la magnitud del gradiente."""
    photo = sample_photo("coffee", size=256)
    gx, gy = apply_filters(photo, torch.stack([SOBEL_X, SOBEL_Y]))
    fig = new_figure(10, 3.2)
    axes = fig.subplots(1, 4)
    _show(axes[0], photo, "Foto original")
    _show(axes[1], gx, "Sobel x\n(bordes verticales)", cmap="RdBu_r", symmetric=True)
    _show(axes[2], gy, "Sobel y\n(bordes horizontales)", cmap="RdBu_r", symmetric=True)
    _show(axes[3], sobel_magnitude(photo), "Magnitud √(gx² + gy²)", cmap="magma")
    return fig
