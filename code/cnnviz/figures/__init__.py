"""Registro de figuras: nombre de archivo -> función, texto alternativo y dependencias.

Cada función devuelve una ``matplotlib.figure.Figure``. La construcción del
sitio las genera todas; la huella (hash) de cada una sale del código de su
módulo, de los módulos de ``deps`` y de las versiones de las bibliotecas.
"""

from dataclasses import dataclass
from typing import Callable

from . import bordes, teoria


@dataclass(frozen=True)
class FigureSpec:
    name: str                 # archivo: figuras/<name>.png
    func: Callable            # () -> matplotlib.figure.Figure
    alt: str                  # texto alternativo en español
    deps: tuple = ()          # módulos de cnnviz de los que depende

    @property
    def module(self):
        """Módulo donde está la función, relativo al paquete (p. ej. figures.teoria)."""
        return self.func.__module__.removeprefix("cnnviz.")


_SPECS = [
    FigureSpec("arquitectura", teoria.fig_arquitectura,
               "Arquitectura de Net: cajas de colores para la entrada de 8×8, la "
               "convolución, el max pooling, el aplanado y la capa totalmente "
               "conectada, cada una con su forma de salida", ("model",)),
    FigureSpec("relu", teoria.fig_relu,
               "Gráfica de ReLU, que vale 0 para x negativo y x para x positivo, "
               "junto a la función escalón", ()),
    FigureSpec("cuatro_filtros", teoria.fig_cuatro_filtros,
               "Cuatro filtros de 4×4 para bordes verticales y horizontales y el "
               "mapa de características que produce cada uno sobre la foto del "
               "cámara", ("filters", "data")),
    FigureSpec("max_pooling", teoria.fig_max_pooling,
               "Max pooling de una matriz de 4×4 a una de 2×2 con los números de "
               "cada bloque, y el valor del global average pooling", ("pooling",)),
    FigureSpec("paso_alto", bordes.fig_paso_alto,
               "Foto del cámara, la salida del filtro laplaciano y su valor "
               "absoluto, donde se ven los bordes", ("filters", "data")),
    FigureSpec("sobel", bordes.fig_sobel,
               "Foto de una taza de café y las respuestas de Sobel en x, en y y "
               "la magnitud del gradiente", ("filters", "data")),
]

FIGURES = {spec.name: spec for spec in _SPECS}
