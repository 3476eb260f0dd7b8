"""Barra de color de los mapas que se dibujan cada uno con su propia escala."""

from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize


def scale_bar(fig, axes, signed, label="escala de cada mapa"):
    """Barra de color de mapas que tienen cada uno su escala: marca 0 y el máximo
    (y −máx. si tienen signo) en lugar de valores, que cambian de un mapa a otro."""
    norm = Normalize(-1, 1) if signed else Normalize(0, 1)
    bar = fig.colorbar(ScalarMappable(norm, "RdBu_r" if signed else "magma"), ax=axes,
                       shrink=0.85, pad=0.03, aspect=15)
    ticks = ([-1, 0, 1], ["−máx.", "0", "+máx."]) if signed else ([0, 1], ["0", "máx."])
    bar.set_ticks(ticks[0], labels=ticks[1])
    bar.set_label(label)
    return bar
