"""Registro de figuras: nombre de archivo -> función, texto alternativo y dependencias.

Cada función devuelve una ``matplotlib.figure.Figure``. La construcción del
sitio las genera todas; la huella (hash) de cada una sale del código de su
módulo, de los módulos de ``deps`` y de las versiones de las bibliotecas.
"""

from dataclasses import dataclass
from typing import Callable

from . import atribucion, bordes, teoria, visualizacion


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


# Las figuras de visualización usan la CNN entrenada y todos los métodos
_VIZ_DEPS = ("model", "training", "data", "features", "features.layers")

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
    FigureSpec("filtros_conv1", visualizacion.fig_filtros_conv1,
               "Los 16 filtros de 5×5 que aprendió la primera capa convolucional, "
               "en rojo los pesos positivos y en azul los negativos, con una barra "
               "de color centrada en cero", _VIZ_DEPS),
    FigureSpec("mapas_activacion", visualizacion.fig_mapas_activacion,
               "Tres dígitos de prueba y, para cada uno, las cuadrículas de mapas de "
               "activación tras conv1 con ReLU, tras pool1, tras conv2 con ReLU y "
               "tras pool2", _VIZ_DEPS + ("features.activations",)),
    FigureSpec("pca_tsne", visualizacion.fig_pca_tsne,
               "Dos nubes de puntos de los dígitos de prueba coloreados por clase: "
               "la proyección PCA del vector final de características, con las "
               "clases solapadas, y la de t-SNE, con un grupo separado por clase",
               _VIZ_DEPS + ("features.embedding",)),
    FigureSpec("oclusion", visualizacion.fig_oclusion,
               "Cuatro dígitos con un parche negro de ejemplo y, debajo, el mapa de "
               "calor de la puntuación de su clase según dónde se coloque el parche",
               _VIZ_DEPS + ("features.occlusion",)),
    FigureSpec("saliencia", visualizacion.fig_saliencia,
               "Cuatro dígitos, su mapa de saliencia (valor absoluto del gradiente de "
               "la puntuación respecto a cada píxel) y su mapa de retropropagación "
               "guiada", _VIZ_DEPS + ("features.saliency",)),
    FigureSpec("actmax_clases", visualizacion.fig_actmax_clases,
               "Imágenes sintéticas que maximizan la puntuación de cada dígito del 0 "
               "al 9: sin regularizar son ruido de alto contraste; con desplazamiento aleatorio, "
               "desenfoque y L2 se ven trazos parecidos a cada dígito",
               _VIZ_DEPS + ("features.actmax",)),
    FigureSpec("actmax_canales", visualizacion.fig_actmax_canales,
               "Imágenes sintéticas que maximizan 16 canales de la segunda capa "
               "convolucional: la mayoría son rayas con una orientación y un grosor "
               "propios", _VIZ_DEPS + ("features.actmax",)),
]

# Atribución: Grad-CAM, gradientes integrados, SmoothGrad, borrado y prueba de cordura
_ATTRIBUTION_DEPS = _VIZ_DEPS + (
    "features.saliency", "features.smoothgrad", "features.integrated_gradients",
    "features.gradcam", "features.occlusion", "features.noise", "features.methods",
    "features.sanity", "features.faithfulness", "features.evaluation", "figures.visualizacion")
_SPECS += [
    FigureSpec("gradcam", atribucion.fig_gradcam,
               "Grad-CAM de la clase real para cuatro dígitos de prueba: el dígito, el mapa de "
               "14×14 de la salida de conv2 y el mapa ampliado sobre el dígito", _ATTRIBUTION_DEPS),
    FigureSpec("integrados", atribucion.fig_integrados,
               "Gradientes integrados de dos dígitos con tres líneas de base, negra, difuminada y "
               "de ruido: cada línea de base junto a su mapa de atribución en rojo y azul, con el "
               "porcentaje de píxeles de atribución cero", _ATTRIBUTION_DEPS),
    FigureSpec("smoothgrad", atribucion.fig_smoothgrad,
               "Cuatro dígitos, su mapa de saliencia y su mapa de SmoothGrad, la media del "
               "gradiente sobre copias con ruido", _ATTRIBUTION_DEPS),
    FigureSpec("borrado", atribucion.fig_borrado,
               "Curvas de borrado: la probabilidad media de la clase real al borrar los píxeles "
               "en el orden de cada método y en un orden al azar, con el área bajo cada curva",
               _ATTRIBUTION_DEPS),
    FigureSpec("cordura", atribucion.fig_cordura,
               "Prueba de aleatorización con un dígito: el mapa de cada uno de los seis métodos con "
               "la red entrenada y con sus capas reiniciadas al azar en cascada, con la "
               "correlación de Spearman de cada mapa con el de la red entrenada", _ATTRIBUTION_DEPS),
    FigureSpec("cordura_curvas", atribucion.fig_cordura_curvas,
               "Correlación de Spearman media de cada método con su mapa de la red entrenada "
               "según las capas reiniciadas al azar, con el umbral de la prueba", _ATTRIBUTION_DEPS),
]

FIGURES = {spec.name: spec for spec in _SPECS}
