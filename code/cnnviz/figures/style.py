"""Estilo común de las figuras y guardado determinista en PNG."""

import contextlib
import contextvars
import io
from dataclasses import dataclass

import matplotlib
import numpy as np

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

# Paleta para distinguir capas (colores de Tableau, legibles en claro y oscuro)
LAYER_COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#b07aa1", "#76b7b2"]

matplotlib.rcParams.update({
    "font.size": 10,
    "axes.titlesize": 10,
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
    "claro": {"background": "#ffffff", "foreground": "#000000de", "grid": "#00000026"},
    "oscuro": {"background": "#1e2129", "foreground": "#e2e4e9", "grid": "#e2e4e926"},
}


@dataclass(frozen=True)
class Variant:
    scheme: str = "claro"     # "claro" u "oscuro"
    narrow: bool = False      # composición para pantallas estrechas (≈ 390 px)

    @property
    def suffix(self):
        """Sufijo del archivo: "", "-oscuro", "-estrecha", "-estrecha-oscuro"."""
        return ("-estrecha" if self.narrow else "") + ("-oscuro" if self.scheme == "oscuro" else "")


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


def new_figure(width, height, **kwargs):
    """Figura sin pyplot (sin estado global); tamaño en pulgadas."""
    return Figure(figsize=(width, height), layout="constrained", **kwargs)


def to_numpy(x):
    """Tensor de PyTorch (o lista) a array de NumPy."""
    if hasattr(x, "detach"):
        return x.detach().cpu().numpy()
    return np.asarray(x)


def hide_ticks(ax):
    ax.set_xticks([])
    ax.set_yticks([])


def png_bytes(fig, dpi=110):
    """PNG sin metadatos variables: dos ejecuciones dan los mismos bytes."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None},
                pil_kwargs={"optimize": True})
    return buffer.getvalue()


def describe(fig):
    """Texto alternativo a partir de los títulos de la figura (ya en español)."""
    main = fig._suptitle.get_text() if fig._suptitle else ""
    panels = list(dict.fromkeys(ax.get_title().replace("\n", " ")
                                for ax in fig.axes if ax.get_title()))
    if not (main or panels):
        raise ValueError("la figura no tiene títulos: pasa alt= con su descripción")
    if not panels:
        return f"Figura: {main}"
    if not main:
        return f"Figura: {panels[0]}" if len(panels) == 1 else \
            "Figura con los paneles: " + "; ".join(panels)
    return f"Figura: {main}, con los paneles: " + "; ".join(panels)


DARK_PNG_KEY = "png_oscuro"   # metadatos de la salida: la variante oscura, en base64


def as_image(fig, alt=None):
    """Muestra una Figure en un cuaderno como PNG, con texto alternativo.

    Sin ``alt``, se describe con sus títulos. No hace falta pyplot. Jupyter
    muestra la imagen clara; la variante para el modo oscuro del sitio (la
    misma Figure recoloreada) va en los metadatos de la salida, junto al texto
    alternativo.
    """
    import base64

    from IPython.display import Image

    from .restyle import restyle

    alt = alt or describe(fig)
    light = png_bytes(fig)
    with use_variant(Variant(scheme="oscuro")):
        dark = png_bytes(restyle(fig))
    return Image(data=light, format="png",
                 metadata={"alt": alt, DARK_PNG_KEY: base64.b64encode(dark).decode("ascii")})
