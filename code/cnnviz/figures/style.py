"""Estilo común de las figuras y guardado determinista en PNG."""

import io

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


def as_image(fig, alt=None):
    """Muestra una Figure en un cuaderno como PNG, con texto alternativo.

    Sin ``alt``, se describe con sus títulos. No hace falta pyplot.
    """
    from IPython.display import Image
    return Image(data=png_bytes(fig), format="png", metadata={"alt": alt or describe(fig)})
