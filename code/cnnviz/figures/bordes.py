"""Figuras de la página «Filtros convolucionales y detección de bordes»."""

import math

import torch

from ..data import sample_photo
from ..filters import GAUSSIAN, LAPLACIAN, SOBEL_X, SOBEL_Y, apply_filters, sobel_magnitude
from .style import (LAYER_COLORS, current_variant, figure_width, fit_height, hide_ticks,
                    new_figure, title)


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


# Recorte de la foto en el que se ve el efecto de un filtro de 3×3 (la cara y la cámara)
CROP = (slice(40, 104), slice(96, 160))


def fig_paso_bajo():
    """Suavizado gaussiano (paso bajo) de un recorte de la foto y lo que quita (paso alto)."""
    photo = sample_photo("camera", size=256)
    smooth = apply_filters(photo, GAUSSIAN[None])[0]
    crop = photo[1:-1, 1:-1][CROP]            # alineado con la salida sin relleno
    smooth_crop = smooth[CROP]
    narrow = current_variant().narrow
    if narrow:
        fig = new_figure(figure_width(), 3.9)
        axes = fig.subplot_mosaic([["foto", "foto", "suave", "suave"],
                                   [".", "resto", "resto", "."]])
    else:
        fig = new_figure(figure_width(), 2.5)
        axes = fig.subplot_mosaic([["foto", "suave", "resto"]])
    axes["foto"].imshow(crop.numpy(), cmap="gray", vmin=0, vmax=1)
    axes["foto"].set_title("Recorte de la foto\n(64×64)")
    hide_ticks(axes["foto"])
    axes["suave"].imshow(smooth_crop.numpy(), cmap="gray", vmin=0, vmax=1)
    axes["suave"].set_title("Suavizado gaussiano\n(paso bajo)")
    hide_ticks(axes["suave"])
    _show(axes["resto"], crop - smooth_crop, "Foto − suavizada\n(paso alto; gris: 0)",
          symmetric=True)
    return fit_height(fig)


def fig_frecuencias():
    """|H(ω)| en x del suavizado, del laplaciano y de Sobel x, cada uno entre su máximo."""
    from ..frequency import along_x
    kernels = [("suavizado gaussiano: paso bajo", GAUSSIAN, LAYER_COLORS[0], "-"),
               ("laplaciano: paso alto", LAPLACIAN, LAYER_COLORS[3], "--"),
               ("Sobel x: paso banda", SOBEL_X, LAYER_COLORS[2], "-.")]
    narrow = current_variant().narrow
    fig = new_figure(figure_width(), 3.3 if narrow else 2.7)
    ax = fig.add_subplot()
    for label, kernel, color, style in kernels:
        omega, response = along_x(kernel)
        ax.plot(omega.numpy(), (response / response.max()).numpy(), style, color=color, linewidth=2,
                label=label)
    ax.set_xticks([0, math.pi / 4, math.pi / 2, 3 * math.pi / 4, math.pi],
                  ["0", "π/4", "π/2", "3π/4", "π"])
    ax.set_xlabel("frecuencia ω en x" if narrow else
                  "frecuencia ω en x (0: zona uniforme; π: píxeles alternos)")
    ax.set_ylabel("|H(ω)| / su máximo")
    ax.set_ylim(-0.03, 1.05)
    ax.grid(alpha=0.3)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.32 if narrow else -0.27),
              ncol=1 if narrow else 3, frameon=False, fontsize=8)
    title(fig, "Qué frecuencias deja pasar cada filtro (en la dirección x)")
    return fit_height(fig)
