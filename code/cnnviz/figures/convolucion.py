"""Figuras de la teoría de la convolución: varios canales, relleno y paso, campo receptivo."""

import numpy as np
import torch.nn.functional as F
from matplotlib.patches import Rectangle

from .. import results, spanish
from ..layer_math import (PADDING_INPUT, PADDING_KERNEL, gradient_receptive_field,
                          output_size, spatial_layers)
from ..model import DigitCNN
from .style import (LAYER_COLORS, current_variant, figure_width, fit_height, hide_ticks,
                    new_figure, num, scheme_colors, title, wrap)

HIGHLIGHT = "#f28e2b"


def fig_conv_canales():
    """Un canal de conv2 como suma de lo que aporta cada uno de sus 16 canales de entrada."""
    ex = results.multichannel()
    narrow = current_variant().narrow
    rest = [c for c in range(len(ex.inputs)) if c not in ex.top]
    top = [f"c{c}" for c in ex.top]
    if narrow:   # una fila por canal de entrada; abajo, el resto y la salida
        fig = new_figure(figure_width(), 6.6)
        axes = fig.subplot_mosaic([[f"in_{c}", f"k_{c}", f"ap_{c}"] for c in top] +
                                  [["txt", "txt", "ap_resto"], ["txt", "txt", "ap_salida"]])
    else:        # una columna por canal de entrada; a la derecha, el resto y la salida
        fig = new_figure(figure_width(), 4.2)
        axes = fig.subplot_mosaic([[*(f"in_{c}" for c in top), "txt", "txt"],
                                   [*(f"k_{c}" for c in top), "txt", "txt"],
                                   [*(f"ap_{c}" for c in top), "ap_resto", "ap_salida"]])
    limit = float(max(np.abs(ex.contributions).max(), np.abs(ex.output).max(),
                      np.abs(ex.contributions[rest].sum(0)).max()))
    k_limit = float(np.abs(ex.kernels).max())
    in_limit = float(ex.inputs.max())
    for c, key in zip(ex.top, top):
        axes[f"in_{key}"].imshow(ex.inputs[c], cmap="gray", vmin=0, vmax=in_limit)
        axes[f"k_{key}"].imshow(ex.kernels[c], cmap="RdBu_r", vmin=-k_limit, vmax=k_limit)
        shown = axes[f"ap_{key}"].imshow(ex.contributions[c], cmap="RdBu_r", vmin=-limit,
                                         vmax=limit)
    axes["ap_resto"].imshow(ex.contributions[rest].sum(0), cmap="RdBu_r", vmin=-limit,
                            vmax=limit)
    axes["ap_salida"].imshow(ex.output, cmap="RdBu_r", vmin=-limit, vmax=limit)
    for c, key in zip(ex.top, top):        # la suma de cada aporte: los hay negativos
        axes[f"ap_{key}"].set_xlabel(f"suma {num(ex.contributions[c].sum(), 0)}", fontsize=8)
    axes["ap_resto"].set_xlabel(f"suma {num(ex.contributions[rest].sum(), 0)}", fontsize=8)
    axes["ap_resto"].set_title(f"+ otros {len(rest)}\ncanales")
    axes["ap_salida"].set_title("= suma + b")
    first = top[0]
    if narrow:
        for name, key in (("entrada\n(pool1)", "in"), ("filtro\n3×3", "k"), ("aporte", "ap")):
            axes[f"{key}_{first}"].set_title(name)
        for c, key in zip(ex.top, top):
            axes[f"in_{key}"].set_ylabel(f"canal {c}")
    else:
        for c, key in zip(ex.top, top):
            axes[f"in_{key}"].set_title(f"canal {c}")
        for name, key in (("entrada\n(pool1)", "in"), ("filtro\n3×3", "k"), ("aporte", "ap")):
            axes[f"{key}_{first}"].set_ylabel(name)
    for ax in axes.values():
        hide_ticks(ax)
    axes["txt"].axis("off")
    axes["txt"].text(0.5, 0.5, wrap(f"Cada canal de entrada se filtra con su kernel de 3×3; "
                                    f"la suma de los {len(ex.inputs)} aportes más el sesgo "
                                    f"b = {num(ex.bias)} es el canal {ex.channel} de conv2 "
                                    "(antes de ReLU).", 9, 2.2),
                     ha="center", va="center", transform=axes["txt"].transAxes)
    under = list(axes.values()) if narrow else \
        [axes[f"ap_{key}"] for key in (*top, "resto", "salida")]
    bar = fig.colorbar(shown, ax=under, location="bottom", shrink=0.8, aspect=30)
    bar.set_label("aporte a la salida (rojo +, azul −)")
    title(fig, f"Canal {ex.channel} de conv2 para un {ex.digit}: suma de sus "
          f"{len(ex.inputs)} canales de entrada filtrados")
    return fit_height(fig)


def _grid(ax, values, title, shade=None, bold=None, fontsize=9.5):
    """Cuadrícula de números; ``shade(r, c)`` da el color de fondo de cada casilla."""
    edge = scheme_colors()["foreground"]
    n_rows, n_cols = values.shape
    for (r, c), v in np.ndenumerate(values):
        color = shade(r, c) if shade else None
        ax.add_patch(Rectangle((c, n_rows - 1 - r), 1, 1, facecolor=color or "none",
                               alpha=0.4 if color else 1, edgecolor=edge, linewidth=0.6))
        ax.text(c + 0.5, n_rows - 0.5 - r, spanish.integer(v), ha="center", va="center",
                fontsize=fontsize, fontweight="bold" if bold and bold(r, c) else "normal")
    ax.set_xlim(-0.05, n_cols + 0.05)
    ax.set_ylim(-0.05, n_rows + 0.05)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title(title)


def fig_relleno_paso():
    """Convolución de 5×5 con un filtro de 3×3, relleno 1 y paso 2: salida de 3×3."""
    padding, stride = 1, 2
    x = PADDING_INPUT.numpy()
    padded = np.pad(x, padding)
    kernel = PADDING_KERNEL.numpy()
    out = F.conv2d(PADDING_INPUT[None, None], PADDING_KERNEL[None, None], padding=padding,
                   stride=stride)[0, 0].numpy()
    # La ventana que se destaca: la de la salida (0, 1), que pisa el relleno
    oi, oj = 0, 1
    top, left = oi * stride, oj * stride
    narrow = current_variant().narrow
    if narrow:
        fig = new_figure(figure_width(), 5.2)
        axes = fig.subplot_mosaic([["in", "in"], ["k", "out"]], height_ratios=[1.6, 1])
    else:
        fig = new_figure(figure_width(), 3.2)
        axes = fig.subplot_mosaic([["in", "k", "out"]], width_ratios=[7, 3.4, 3.4])

    def window(r, c):
        if top <= r < top + 3 and left <= c < left + 3:
            return HIGHLIGHT
        is_pad = r < padding or c < padding or r >= padding + x.shape[0] or \
            c >= padding + x.shape[1]
        return "#9e9e9e" if is_pad else None

    _grid(axes["in"], padded, f"Entrada de 5×5 con relleno {padding}\n(gris: ceros del relleno)",
          shade=window)
    _grid(axes["k"], kernel, "Filtro de 3×3")
    _grid(axes["out"], out, f"Salida con paso {stride}\n(3×3)",
          shade=lambda r, c: HIGHLIGHT if (r, c) == (oi, oj) else None,
          bold=lambda r, c: (r, c) == (oi, oj))
    patch = padded[top:top + 3, left:left + 3]
    terms = [f"{spanish.integer(a)}·{spanish.integer(b)}" for a, b in
             zip(patch.ravel(), kernel.ravel()) if b != 0]
    axes["out"].text(1.5, -0.35, " + ".join(terms[:3]) + "\n+ " + " + ".join(terms[3:])
                     + f" = {spanish.integer(out[oi, oj])}", ha="center", va="top",
                     fontsize=8.5)
    n, k = x.shape[0], kernel.shape[0]
    title(fig, f"Relleno y paso: ⌊({n} + 2·{padding} − {k})/{stride}⌋ + 1 = "
          f"{output_size(n, k, padding, stride)} posiciones por lado")
    return fit_height(fig)


def fig_campo_receptivo():
    """Píxeles de la entrada que ve la neurona central de cada capa de DigitCNN."""
    x, y = results.examples((4,))
    image = results.pixels(x)[0]
    model = DigitCNN()
    layers = [name for name, *_ in spatial_layers(model)]
    narrow = current_variant().narrow
    fig = new_figure(figure_width(), 4.3 if narrow else 2.45)
    axes = fig.subplots(2, 2).flat if narrow else fig.subplots(1, 4)
    for i, (ax, name) in enumerate(zip(axes, layers)):
        (height, width), mask = gradient_receptive_field(model, name)
        ax.imshow(image, cmap="gray", vmin=0, vmax=1, alpha=0.55)
        rows = np.nonzero(mask.any(1).numpy())[0]
        cols = np.nonzero(mask.any(0).numpy())[0]
        color = LAYER_COLORS[i]
        ax.add_patch(Rectangle((cols[0] - 0.5, rows[0] - 0.5), width, height,
                               facecolor=color, alpha=0.45, edgecolor=color, linewidth=2))
        ax.set_title(f"{name}: {height}×{width} px")
        hide_ticks(ax)
    title(fig, "Campo receptivo de la neurona central de cada capa de DigitCNN (medido "
          "con autograd sobre una entrada de 28×28)")
    return fit_height(fig)


def fig_desplazamiento():
    """Equivariancia de conv1 e invariancia aproximada del pooling con un dígito desplazado."""
    from ..shift import LAYERS, SHOWN_SHIFT, digit_example, layer_outputs, shift_right
    pixels, _, report, normalize = digit_example()
    model = results.model()
    moved = shift_right(pixels, SHOWN_SHIFT)
    with results.one_thread():
        before = layer_outputs(model, normalize(pixels))["conv1"][0]
        after = layer_outputs(model, normalize(moved))["conv1"][0]
    channel = int(before.amax(dim=(1, 2)).argmax())       # el canal que más responde
    narrow = current_variant().narrow
    if narrow:
        fig = new_figure(figure_width(), 7.2)
        axes = fig.subplot_mosaic([["x0", "x1"], ["m0", "m1"], ["plot", "plot"]],
                                  height_ratios=[1, 1, 1.5])
    else:
        fig = new_figure(figure_width(), 4.6)
        axes = fig.subplot_mosaic([["x0", "x1", "m0", "m1"], ["plot"] * 4],
                                  height_ratios=[1, 1.25])
    limit = float(max(before[channel].max(), after[channel].max()))
    for key, image, name in (("x0", pixels, "dígito"), ("x1", moved,
                                                      f"desplazado {SHOWN_SHIFT} px")):
        axes[key].imshow(image[0, 0].numpy(), cmap="gray", vmin=0, vmax=1)
        axes[key].set_title(name)
    for key, fmap, name in (("m0", before, "conv1, canal"), ("m1", after, "conv1, canal")):
        axes[key].imshow(fmap[channel].numpy(), cmap="magma", vmin=0, vmax=limit)
        axes[key].set_title(f"{name} {channel}" + ("\n(desplazado)" if key == "m1" else "\n"))
    for key in ("x0", "x1", "m0", "m1"):
        hide_ticks(axes[key])
        for column in (10, 10 + SHOWN_SHIFT):            # guías: la misma columna en los cuatro
            axes[key].axvline(column, color=HIGHLIGHT, linewidth=0.8, alpha=0.8,
                              linestyle="-" if column == 10 else ":")
    ax = axes["plot"]
    styles = dict(zip(LAYERS, ("o-", "s-", "^-", "D-")))
    for i, name in enumerate(LAYERS):
        ax.plot(report.shifts, [100 * c for c in report.change[name]], styles[name],
                color=LAYER_COLORS[i], label=name, markersize=4)
    ax.plot(report.shifts, [100 * c for c in report.conv1_aligned], "x--", color=LAYER_COLORS[5],
            label="conv1 devuelto a su sitio")
    ax.set_xticks(report.shifts)
    ax.set_xlabel("desplazamiento a la derecha (píxeles)")
    ax.set_ylabel("cambio relativo (%)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7.5, ncol=1 if narrow else 2, loc="upper left")
    title(fig, "El mismo dígito desplazado: qué cambia en cada capa de DigitCNN")
    return fit_height(fig)
