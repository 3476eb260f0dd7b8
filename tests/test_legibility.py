"""Cada figura registrada es legible donde se muestra, en todas sus variantes.

El tamaño de cada texto en píxeles CSS sale de su tamaño de letra (puntos) y
del ancho con que la página muestra la figura: el PNG mide ``ancho × FIGURE_DPI``
píxeles y el navegador lo muestra a ese tamaño o, si no cabe, al ancho de la
columna de texto. Los anchos de la columna de Material se midieron una vez en
Chromium (``article.md-content__inner`` sin relleno) sobre el sitio construido:

- escritorio: 688 px a 1220, 1280, 1366 y 1440 px de ventana (750 a 1024 px,
  sin barra lateral derecha; 757 a 1920 px, con la letra base a 22 px);
- teléfono de 390 px: 358 px (328 en uno de 360 px).

Se exige como mínimo 11 px en escritorio y 9 px en el teléfono (la variante
estrecha si la figura la tiene; si no, la ancha reducida). Además, ningún texto
se sale de la figura ni pisa a otro, y no hay franjas vacías en los bordes.
"""

import io
import itertools
import re
from typing import NamedTuple

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from PIL import Image

from cnnviz.figures import FIGURES
from cnnviz.figures.style import FIGURE_DPI, SCHEMES, Variant, png_bytes, use_variant

DESKTOP_COLUMN = 688     # px CSS, medidos en Chromium (ver arriba)
PHONE_COLUMN = 358
DESKTOP_MIN_PX = 11
PHONE_MIN_PX = 9


class DrawnText(NamedTuple):
    text: str
    size: float           # puntos
    box: object           # caja en píxeles de la figura
    artist: object        # el matplotlib.text.Text


def drawn_texts(fig):
    """Textos que se dibujan de verdad: lista de ``DrawnText``."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    seen = {}
    original = Text.draw

    def record(self, renderer):
        if self.get_visible() and self.get_text().strip():
            seen[id(self)] = self
        return original(self, renderer)

    Text.draw = record           # todas las clases de texto heredan este draw
    try:
        fig.draw(renderer)
    finally:
        Text.draw = original
    return [DrawnText(t.get_text(), t.get_fontsize(), t.get_window_extent(renderer), t)
            for t in seen.values()]


def css_px_per_point(fig, column):
    """Píxeles CSS que ocupa un punto de letra con la figura mostrada en ``column`` px."""
    width_in = fig.get_figwidth()
    shown = min(width_in * FIGURE_DPI, column)
    return shown / width_in / 72


def smallest_text_px(fig, column):
    texts = drawn_texts(fig)
    return min(t.size for t in texts) * css_px_per_point(fig, column), texts


def render(spec, variant):
    with use_variant(variant):
        return spec.func()


def has_narrow(spec):
    return spec.narrow


def phone_variant(spec):
    return Variant(narrow=True) if has_narrow(spec) else Variant()


VARIANT_CASES = [(name, scheme, narrow) for name, spec in sorted(FIGURES.items())
                 for scheme in SCHEMES for narrow in ((False, True) if has_narrow(spec)
                                                      else (False,))]


def _overlap(a, b, tolerance=1.0):
    return (min(a.x1, b.x1) - max(a.x0, b.x0) > tolerance and
            min(a.y1, b.y1) - max(a.y0, b.y0) > tolerance)


def blank_margins(png, background):
    """Fracción del alto y del ancho que ocupan las franjas de fondo en cada borde."""
    image = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)
    color = np.array([int(background[i:i + 2], 16) for i in (1, 3, 5)])
    blank = (np.abs(image - color).max(axis=2) <= 2)
    rows, cols = blank.all(axis=1), blank.all(axis=0)

    def run(flags):
        return int(np.argmin(flags)) if not flags.all() else len(flags)

    return {"arriba": run(rows) / len(rows), "abajo": run(rows[::-1]) / len(rows),
            "izquierda": run(cols) / len(cols), "derecha": run(cols[::-1]) / len(cols)}


def contrast(color, background):
    """Razón de contraste WCAG entre dos colores RGB(A) de matplotlib (alfa sobre el fondo)."""
    from matplotlib.colors import to_rgba

    def luminance(rgb):
        c = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
        return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2]

    r, g, b, a = to_rgba(color)
    back = np.array(to_rgba(background)[:3])
    front = a * np.array([r, g, b]) + (1 - a) * back
    hi, lo = sorted((luminance(front), luminance(back)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def over_an_image(text, fig):
    """¿Está el texto dentro de unos ejes que muestran una imagen (sobre sus píxeles)?"""
    box = text.box
    return any(ax.images and ax.bbox.contains(box.x0 + box.width / 2, box.y0 + box.height / 2)
               for ax in fig.axes)


# Arriba y abajo, como mucho un 6 % de fondo; a los lados, un 10 % (paneles de
# aspecto fijo centrados)
MARGIN_LIMITS = {"arriba": 0.06, "abajo": 0.06, "izquierda": 0.10, "derecha": 0.10}
# Un número con punto decimal, o con guion en lugar del signo menos
NOT_SPANISH = re.compile(r"\d\.\d|(?<![\w)\]])-\d")


@pytest.mark.parametrize("name, scheme, narrow", VARIANT_CASES)
def test_figure_variant_is_legible(name, scheme, narrow):
    """Tamaño de letra, textos dentro y sin pisarse, contraste, números y márgenes."""
    spec, variant = FIGURES[name], Variant(scheme, narrow)
    fig = render(spec, variant)
    texts = drawn_texts(fig)
    assert texts, f"{name}: la figura no tiene ningún texto"

    # Tamaño: la ancha en la columna de escritorio; en el teléfono, la estrecha
    # si existe y, si no, la ancha reducida
    smallest = min(t.size for t in texts)
    if not narrow:
        desktop = smallest * css_px_per_point(fig, DESKTOP_COLUMN)
        assert desktop >= DESKTOP_MIN_PX, f"{name}: texto de {desktop:.1f} px en escritorio"
    if narrow or not has_narrow(spec):
        phone = smallest * css_px_per_point(fig, PHONE_COLUMN)
        assert phone >= PHONE_MIN_PX, \
            f"{name}{variant.suffix}: texto de {phone:.1f} px en un teléfono de 390 px"

    width, height = fig.bbox.width, fig.bbox.height
    background = SCHEMES[scheme]["background"]
    for text in texts:
        box = text.box
        assert box.x0 >= -1 and box.y0 >= -1 and box.x1 <= width + 1 and box.y1 <= height + 1, \
            f"{name}{variant.suffix}: «{text.text}» se sale de la figura"
        assert not NOT_SPANISH.search(text.text), \
            f"{name}: «{text.text}» no usa coma decimal o signo menos «−»"
        if not over_an_image(text, fig):   # sobre una imagen, el fondo es la imagen
            ratio = contrast(text.artist.get_color(), background)
            assert ratio >= 4.5, \
                f"{name}{variant.suffix}: «{text.text}» con contraste {ratio:.2f}:1"
    for t1, t2 in itertools.combinations(texts, 2):
        assert not _overlap(t1.box, t2.box), \
            f"{name}{variant.suffix}: «{t1.text}» pisa a «{t2.text}»"

    with use_variant(variant):
        png = png_bytes(fig, dpi=40)     # para ver los márgenes basta poca resolución
    margins = blank_margins(png, background)
    wide = {side: share for side, share in margins.items() if share > MARGIN_LIMITS[side]}
    assert not wide, f"{name}{variant.suffix}: franjas vacías {wide}"
    corner = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))[0, 0]
    assert tuple(corner) == tuple(int(background[i:i + 2], 16) for i in (1, 3, 5)), \
        f"{name}{variant.suffix}: el fondo no es el del esquema {scheme}"
