"""Pasa una Figure ya dibujada en claro a los colores del esquema activo.

Los cuadernos muestran figuras dibujadas una sola vez, en claro. Para el modo
oscuro del sitio se recolorea la misma Figure: fondo, texto, ejes, marcas,
rejilla y leyendas. Los datos no cambian (imágenes, barras, curvas de color),
ni el texto escrito sobre una imagen (como los recuentos de una matriz de
confusión, elegidos para contrastar con su celda). El resto del texto queda
con un contraste de al menos 4,5:1 con el nuevo fondo (WCAG AA).
"""

import colorsys

from matplotlib.colors import to_rgba
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.text import Text

from .style import scheme_colors

MIN_TEXT_CONTRAST = 4.5


def luminance(color):
    """Luminancia relativa (WCAG 2) de un color de matplotlib, sin alfa."""
    def channel(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b, _ = to_rgba(color)
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a, b):
    """Cociente de contraste WCAG entre dos colores (de 1 a 21)."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def over(color, background):
    """El color (con su alfa) pintado sobre un fondo opaco."""
    r, g, b, a = to_rgba(color)
    br, bg, bb, _ = to_rgba(background)
    return (r * a + br * (1 - a), g * a + bg * (1 - a), b * a + bb * (1 - a), 1.0)


def readable(color, background, minimum=MIN_TEXT_CONTRAST):
    """El mismo tono, más claro u oscuro, hasta contrastar ``minimum`` con el fondo."""
    rgb = over(color, background)
    if contrast(rgb, background) >= minimum:
        return rgb
    h, lightness, s = colorsys.rgb_to_hls(*rgb[:3])
    lighter = luminance(background) < 0.5
    for _ in range(100):
        lightness = min(1.0, lightness + 0.01) if lighter else max(0.0, lightness - 0.01)
        rgb = (*colorsys.hls_to_rgb(h, lightness, s), 1.0)
        if contrast(rgb, background) >= minimum:
            break
    return rgb


def _on_image(artist):
    """¿Está el artista dibujado encima de una imagen (datos), no del fondo?"""
    ax = artist.axes
    return ax is not None and bool(ax.images) and (artist in ax.texts or artist in ax.lines)


def _is_dark(color):
    return to_rgba(color)[3] > 0 and luminance(color) < 0.05


def _is_light(color):
    return to_rgba(color)[3] > 0 and luminance(color) > 0.9


def restyle(fig):
    """Cambia, en su sitio, los colores de ``fig`` a los del esquema activo.

    Pensada para figuras dibujadas en claro: el negro (o casi) del texto y de
    las líneas pasa al color de texto del esquema y el blanco del fondo al
    color de fondo. Devuelve la misma Figure.
    """
    colors = scheme_colors()
    bg, fg = colors["background"], over(colors["foreground"], colors["background"])
    fig.draw_without_rendering()    # crea lo que matplotlib crea al dibujar (marcas de los ejes)
    old_bg = fig.get_facecolor()
    fig.set_facecolor(bg)
    for subfig in fig.subfigs:
        subfig.set_facecolor(bg)
    for ax in fig.axes:
        if _is_light(ax.get_facecolor()) or ax.get_facecolor() == old_bg:
            ax.set_facecolor(bg)
        for axis in (ax.xaxis, ax.yaxis):   # también las marcas que se creen al volver a dibujar
            ticks = axis.get_major_ticks()
            if ticks and _is_dark(ticks[0].label1.get_color()):
                axis.set_tick_params(which="both", labelcolor=fg)
            if ticks and _is_dark(ticks[0].tick1line.get_color()):
                axis.set_tick_params(which="both", color=fg)
    for text in fig.findobj(Text):
        if text.get_text() and not _on_image(text):
            color = text.get_color()
            text.set_color(fg if _is_dark(color) else readable(color, bg))
    for line in fig.findobj(Line2D):
        if _on_image(line):
            continue
        if _is_dark(line.get_color()):
            line.set_color(fg)
        if _is_dark(line.get_markeredgecolor()):
            line.set_markeredgecolor(fg)
        if _is_dark(line.get_markerfacecolor()):
            line.set_markerfacecolor(fg)
    legends = [ax.get_legend() for ax in fig.axes] + list(fig.legends)
    frames = {legend.get_frame() for legend in legends if legend is not None}
    for patch in fig.findobj(Patch):
        if patch is fig.patch or patch in (ax.patch for ax in fig.axes):
            continue
        on_background = patch in frames or patch.axes is None or not patch.axes.images
        if on_background and _is_light(patch.get_facecolor()):
            patch.set_facecolor(bg)                  # marcos de leyenda, cuadros de texto
        if _is_dark(patch.get_edgecolor()):
            patch.set_edgecolor(fg)                  # ejes (spines), bordes
    return fig
