"""Estilo común de las figuras y guardado determinista en PNG."""

import contextlib
import contextvars
import io
import textwrap

import matplotlib
import numpy as np

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import ScalarFormatter  # noqa: E402

from .. import spanish  # noqa: E402
from ..variants import Variant  # noqa: E402,F401  (se importa de aquí en las figuras)

# Paleta para distinguir capas (colores de Tableau, legibles en claro y oscuro)
LAYER_COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2"]

# Resolución de los PNG: un píxel de la imagen es un píxel CSS de la página
FIGURE_DPI = 110

# Ancho de las figuras (pulgadas). La columna de texto de Material mide 688 px
# CSS en un escritorio y 358 px en un teléfono de 390 px (medidos en Chromium):
# a 110 ppp, una figura ancha ocupa justo la columna de escritorio y una
# estrecha la del teléfono, así que un punto de letra son 110/72 ≈ 1,53 px CSS.
WIDE_WIDTH = 6.25
NARROW_WIDTH = 3.25

matplotlib.rcParams.update({
    "font.size": 9,
    "axes.titlesize": 9,
    "axes.labelsize": 8.5,
    "figure.titlesize": 10,
    "xtick.labelsize": 8,
    "ytick.labelsize": 8,
    "legend.fontsize": 8.5,
    "legend.title_fontsize": 8.5,
    "axes.unicode_minus": True,          # «−» en las marcas de los ejes
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
    "image.interpolation": "nearest",
})


# --- Variantes de una figura -------------------------------------------------
# Cada figura se genera en varias variantes: esquema claro u oscuro (la paleta
# de Material) y, si su registro lo pide, una composición estrecha para
# teléfonos. La función de la figura no recibe argumentos: consulta la
# variante activa con ``current_variant()``.

SCHEMES = {
    # fondo, texto y líneas de cada esquema (los de Material: default y slate)
    # (muted: texto secundario, con contraste suficiente sobre el fondo)
    "claro": {"background": "#ffffff", "foreground": "#000000de", "grid": "#00000026",
              "muted": "#595959"},
    "oscuro": {"background": "#1e2129", "foreground": "#e2e4e9", "grid": "#e2e4e926",
               "muted": "#aab0bb"},
}


_variant = contextvars.ContextVar("cnnviz_figure_variant", default=Variant())


def current_variant():
    """La variante que se está dibujando (clara y ancha si no se ha elegido otra)."""
    return _variant.get()


def scheme_colors():
    """Colores de fondo, texto y rejilla del esquema activo."""
    return SCHEMES[current_variant().scheme]


@contextlib.contextmanager
def use_variant(variant):
    """Dibuja dentro de este bloque en la variante ``variant``."""
    if variant.scheme not in SCHEMES:
        raise ValueError(f"esquema desconocido «{variant.scheme}»; se esperaba uno de {sorted(SCHEMES)}")
    colors = SCHEMES[variant.scheme]
    params = {
        "figure.facecolor": colors["background"], "savefig.facecolor": colors["background"],
        "axes.facecolor": colors["background"], "axes.edgecolor": colors["foreground"],
        "axes.labelcolor": colors["foreground"], "axes.titlecolor": colors["foreground"],
        "text.color": colors["foreground"], "xtick.color": colors["foreground"],
        "ytick.color": colors["foreground"], "grid.color": colors["grid"],
        "legend.facecolor": colors["background"], "legend.edgecolor": colors["grid"],
    }
    token = _variant.set(variant)
    try:
        with matplotlib.rc_context(params):
            yield variant
    finally:
        _variant.reset(token)


class CommaFormatter(ScalarFormatter):
    """Marcas de los ejes con coma decimal y signo menos: «−0,5»."""

    def __call__(self, x, pos=None):
        return _spanish_digits(super().__call__(x, pos))

    def get_offset(self):
        return _spanish_digits(super().get_offset())


def _spanish_digits(text):
    return text.replace(".", ",").replace("-", spanish.MINUS)


class SpanishFigure(Figure):
    """Figura que, al dibujarse, escribe los números de sus ejes en español.

    Cambia el formateador por defecto de cada eje (también el de las barras de
    color) por ``CommaFormatter``; los formateadores propios se respetan.
    """

    def draw(self, renderer):
        for ax in self.get_axes():
            for axis in (ax.xaxis, ax.yaxis):
                formatter = axis.get_major_formatter()
                if type(formatter) is ScalarFormatter:
                    axis.set_major_formatter(CommaFormatter())
        with without_empty_axes(self):
            super().draw(renderer)


@contextlib.contextmanager
def without_empty_axes(fig):
    """Oculta, dentro del bloque, los ejes sin marcas ni etiqueta (los de los paneles de imagen).

    Los píxeles no cambian, pero la composición ya no mide en cada pasada las
    marcas vacías de cada panel: todas las figuras se dibujan un 10 % más
    deprisa. Los bordes del panel (``spines``) no son del eje y se siguen
    viendo. Al salir vuelven a ser visibles: si luego se les ponen marcas, se verán.
    """
    hidden = [axis for ax in fig.get_axes() for axis in (ax.xaxis, ax.yaxis)
              if axis.get_visible() and not axis.get_label_text()
              and len(axis.get_majorticklocs()) == 0 and len(axis.get_minorticklocs()) == 0]
    for axis in hidden:
        axis.set_visible(False)
    try:
        yield
    finally:
        for axis in hidden:
            axis.set_visible(True)


def new_figure(width, height, **kwargs):
    """Figura sin pyplot (sin estado global); tamaño en pulgadas."""
    return SpanishFigure(figsize=(width, height), layout="constrained", **kwargs)


def figure_width():
    """Ancho (pulgadas) de la variante activa: ancha o estrecha."""
    return NARROW_WIDTH if current_variant().narrow else WIDE_WIDTH


def wrap(text, fontsize, width=None):
    """Parte ``text`` en líneas que caben en ``width`` pulgadas (el ancho de la figura).

    Respeta los saltos de línea que ya tenga. La anchura media de un carácter
    de DejaVu Sans es ≈ 0,55 veces su tamaño; se deja un margen.
    """
    width = width or figure_width()
    chars = max(10, int(width * 72 / (fontsize * 0.58)))
    return "\n".join(textwrap.fill(part, chars) for part in text.split("\n"))


def title(fig, text, fontsize=None):
    """Título de la figura, partido en líneas que caben en su ancho."""
    fontsize = fontsize or matplotlib.rcParams["figure.titlesize"]
    width = fig.figure.get_figwidth()      # también si ``fig`` es una subfigura
    return fig.suptitle(wrap(text, fontsize, width), fontsize=fontsize)


def fit_height(fig, pad=0.04):
    """Ajusta el alto de la figura a su contenido: sin franjas vacías arriba ni abajo.

    Con ``layout="constrained"`` los paneles de aspecto fijo (imágenes) dejan
    huecos si la figura es más alta de lo que necesitan; se recorta el alto
    hasta que el contenido lo ocupa (unas pocas iteraciones bastan).
    """
    for _ in range(4):
        fig.draw_without_rendering()
        with without_empty_axes(fig):
            box = fig.get_tightbbox()
        height = fig.get_figheight()
        needed = box.height + 2 * pad
        if abs(needed - height) < 0.02:
            break
        fig.set_figheight(needed)
    return fig


def num(x, places=2):
    """Un número para el texto de una figura, con coma decimal y «−»."""
    return spanish.decimal(x, places)


def to_numpy(x):
    """Tensor de PyTorch (o lista) a array de NumPy."""
    if hasattr(x, "detach"):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def hide_ticks(ax):
    ax.set_xticks([])
    ax.set_yticks([])


def freeze_layout(fig, places=9):
    """Resuelve el ``constrained layout`` una vez y fija las posiciones redondeadas.

    kiwisolver ordena sus variables por dirección de memoria: dos procesos
    pueden obtener posiciones que difieren en el último bit y, muy de vez en
    cuando, un glifo cae en otro subpíxel (PNG con otros bytes). Redondear a
    ``places`` decimales de fracción de figura (10⁻⁹: una milmillonésima de
    píxel) y no volver a resolver quita esa diferencia.
    """
    from matplotlib.axes import Axes
    from matplotlib.transforms import Bbox

    if fig.get_layout_engine() is None:
        return
    fig.draw_without_rendering()

    def rounded(points):
        return Bbox([[round(float(v), places) for v in point] for point in points])

    def freeze(panel):               # la figura o una subfigura (su caja y las de dentro)
        for sub in panel.subfigs:
            sub._redo_transform_rel_fig(bbox=rounded(sub.bbox_relative.get_points()))
            freeze(sub)

    freeze(fig)
    for ax in fig.findobj(Axes):
        ax.set_position(rounded(ax.get_position().get_points()))
    fig.set_layout_engine("none")


def png_bytes(fig, dpi=FIGURE_DPI):
    """PNG sin metadatos variables: dos ejecuciones dan los mismos bytes.

    matplotlib guarda RGBA; las figuras son opacas, así que se vuelve a guardar
    en RGB con la compresión por omisión de zlib: un 6 % menos de bytes que
    RGBA con ``optimize`` y siete veces menos tiempo de compresión.
    """
    from PIL import Image

    fig.set_dpi(dpi)               # el diseño se resuelve a la resolución del PNG
    freeze_layout(fig)
    raw = io.BytesIO()
    fig.savefig(raw, format="png", dpi=dpi, metadata={"Software": None},
                pil_kwargs={"compress_level": 1})
    image = Image.open(raw)
    if image.mode == "RGBA" and image.getextrema()[3] == (255, 255):
        image = image.convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="png", compress_level=6, dpi=image.info.get("dpi"))
    return buffer.getvalue()


def describe(fig):
    """Texto alternativo a partir de los títulos de la figura (ya en español)."""
    main = fig._suptitle.get_text() if fig._suptitle else ""
    # Todos los títulos, en orden y con repeticiones: en una rejilla de dígitos,
    # «7 (7)» dos veces son dos imágenes
    panels = [ax.get_title().replace("\n", " ") for ax in fig.axes if ax.get_title()]
    if not (main or panels):
        raise ValueError("la figura no tiene títulos: pasa alt= con su descripción")
    if not panels:
        return f"Figura: {main}"
    if not main:
        return f"Figura: {panels[0]}" if len(panels) == 1 else \
            "Figura con los paneles: " + "; ".join(panels)
    return f"Figura: {main}, con los paneles: " + "; ".join(panels)
