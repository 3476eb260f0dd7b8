"""Registro de figuras: nombre de archivo -> función, texto alternativo y variantes.

Cada función devuelve una ``matplotlib.figure.Figure``. La construcción del
sitio las genera todas, en esquema claro y oscuro (y en composición estrecha
si ``narrow``). Las dependencias de cada una se leen de su código
(``cnnviz.deps``): su función, lo que ésta usa de su módulo, los módulos
que importa y, si usa la CNN entrenada, sus pesos.
"""

from dataclasses import dataclass
from typing import Callable

from . import bordes, teoria, visualizacion


@dataclass(frozen=True)
class FigureSpec:
    name: str                 # archivo: figuras/<name>.png
    func: Callable            # () -> matplotlib.figure.Figure
    alt: str                  # texto alternativo en español
    narrow: bool = False      # también en composición estrecha (figuras/<name>-estrecha.png)

    @property
    def module(self):
        """Módulo donde está la función, relativo al paquete (p. ej. figures.teoria)."""
        return self.func.__module__.removeprefix("cnnviz.")


_SPECS = [
    FigureSpec("arquitectura", teoria.fig_arquitectura,
               "Arquitectura de Net: cajas de colores para la entrada de 8×8, la "
               "convolución, el max pooling, el aplanado y la capa totalmente "
               "conectada, cada una con su forma de salida"),
    FigureSpec("relu", teoria.fig_relu,
               "Gráfica de ReLU, que vale 0 para x negativo y x para x positivo, "
               "junto a la función escalón"),
    FigureSpec("cuatro_filtros", teoria.fig_cuatro_filtros,
               "Cuatro filtros de 4×4 para bordes verticales y horizontales y el "
               "mapa de características que produce cada uno sobre la foto del "
               "cámara"),
    FigureSpec("max_pooling", teoria.fig_max_pooling,
               "Max pooling de una matriz de 4×4 a una de 2×2 con los números de "
               "cada bloque, y el valor del global average pooling"),
    FigureSpec("paso_alto", bordes.fig_paso_alto,
               "Foto del cámara, la salida del filtro laplaciano y su valor "
               "absoluto, donde se ven los bordes"),
    FigureSpec("sobel", bordes.fig_sobel,
               "Foto de una taza de café y las respuestas de Sobel en x, en y y "
               "la magnitud del gradiente"),
    FigureSpec("filtros_conv1", visualizacion.fig_filtros_conv1,
               "Los 16 filtros de 5×5 que aprendió la primera capa convolucional, "
               "en rojo los pesos positivos y en azul los negativos, con una barra "
               "de color centrada en cero"),
    FigureSpec("mapas_activacion", visualizacion.fig_mapas_activacion,
               "Tres dígitos de prueba y, para cada uno, las cuadrículas de mapas de "
               "activación tras conv1 con ReLU, tras pool1, tras conv2 con ReLU y "
               "tras pool2"),
    FigureSpec("pca_tsne", visualizacion.fig_pca_tsne,
               "Dos nubes de puntos de los dígitos de prueba coloreados por clase: "
               "la proyección PCA del vector final de características, con las "
               "clases solapadas, y la de t-SNE, con un grupo separado por clase"),
    FigureSpec("oclusion", visualizacion.fig_oclusion,
               "Cuatro dígitos con un parche negro de ejemplo y, debajo, el mapa de "
               "calor de la puntuación de su clase según dónde se coloque el parche"),
    FigureSpec("saliencia", visualizacion.fig_saliencia,
               "Cuatro dígitos, su mapa de saliencia (valor absoluto del gradiente de "
               "la puntuación respecto a cada píxel) y su mapa de retropropagación "
               "guiada"),
    FigureSpec("actmax_clases", visualizacion.fig_actmax_clases,
               "Imágenes sintéticas que maximizan la puntuación de cada dígito del 0 "
               "al 9: sin regularizar son ruido de alto contraste; con desplazamiento aleatorio, "
               "desenfoque y L2 se ven trazos parecidos a cada dígito"),
    FigureSpec("actmax_canales", visualizacion.fig_actmax_canales,
               "Imágenes sintéticas que maximizan 16 canales de la segunda capa "
               "convolucional: la mayoría son rayas con una orientación y un grosor "
               "propios"),
    FigureSpec("cordura", visualizacion.fig_cordura,
               "Prueba de aleatorización: mapas de saliencia y de retropropagación guiada de "
               "dos dígitos con la red entrenada y con sus capas reiniciadas al azar "
               "en cascada, con la correlación de Spearman de cada mapa con el de la "
               "red entrenada"),
]

FIGURES = {spec.name: spec for spec in _SPECS}
