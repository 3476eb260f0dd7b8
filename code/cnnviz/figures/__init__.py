"""Registro de figuras: nombre de archivo -> función, texto alternativo y variantes.

Cada función devuelve una ``matplotlib.figure.Figure``. La construcción del
sitio las genera todas, en esquema claro y oscuro (y en composición estrecha
si ``narrow``). Las dependencias de cada una se leen de su código
(``cnnviz.deps``): su función, lo que ésta usa de su módulo, los módulos
que importa y, si usa la CNN entrenada, sus pesos.

Los textos alternativos describen lo que se dibuja, no lo que resulta: lo que
muestra cada figura lo dice el texto de la página, generado con los mismos
valores (``cnnviz.site.facts``).
"""

from dataclasses import dataclass
from typing import Callable

from . import atribucion, bordes, convolucion, teoria, visualizacion


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
               "convolución con ReLU, el max pooling, el aplanado y la capa totalmente "
               "conectada, cada una con la forma de su salida y, si tiene, su número de "
               "parámetros", narrow=True),
    FigureSpec("relu", teoria.fig_relu,
               "Dos gráficas: ReLU, que vale 0 para x negativo y x para x positivo, y "
               "la función escalón, que vale 0 o 1", narrow=True),
    FigureSpec("cuatro_filtros", teoria.fig_cuatro_filtros,
               "La foto de un fotógrafo con su cámara, cuatro filtros de 4×4 con una mitad de −1 y otra de "
               "+1 (dos verticales y dos horizontales) y el mapa de características que "
               "produce cada uno sobre la foto", narrow=True),
    FigureSpec("max_pooling", teoria.fig_max_pooling,
               "Max pooling de una matriz de 4×4 a una de 2×2, con los números de cada "
               "ventana y su máximo en negrita; el average pooling 2×2 de la misma matriz, "
               "con la media de cada ventana, y su pooling por media global: la suma de sus "
               "16 valores dividida entre 16", narrow=True),
    FigureSpec("conv_canales", convolucion.fig_conv_canales,
               "Un canal de la segunda capa convolucional de DigitCNN para un dígito 2: "
               "tres de sus canales de entrada con su filtro de 3×3 y lo que aporta cada "
               "uno, lo que aportan juntos los demás canales, y la suma más el sesgo, que "
               "es la salida del canal; debajo de cada aporte, su suma", narrow=True),
    FigureSpec("relleno_paso", convolucion.fig_relleno_paso,
               "Una entrada de 5×5 rodeada de un marco de ceros de relleno, "
               "un filtro de 3×3 y la salida de 3×3 con paso 2, con una ventana y su "
               "resultado destacados y la suma de productos que lo da", narrow=True),
    FigureSpec("desplazamiento", convolucion.fig_desplazamiento,
               "Un dígito 2 de prueba y el mismo desplazado 3 píxeles a la derecha, el mapa de "
               "un canal de conv1 para cada uno, con líneas guía en las mismas columnas, y una "
               "gráfica del cambio relativo de la salida de conv1, pool1, conv2 y pool2 según "
               "el desplazamiento, de 0 a 4 píxeles, y del de conv1 tras devolver su mapa a su "
               "sitio", narrow=True),
    FigureSpec("campo_receptivo", convolucion.fig_campo_receptivo,
               "Un dígito de 28×28 cuatro veces, con un cuadrado de color que marca los "
               "píxeles que ve la neurona central de conv1, pool1, conv2 y pool2, con su "
               "lado en píxeles", narrow=True),
    FigureSpec("paso_alto", bordes.fig_paso_alto,
               "La foto de un fotógrafo con su cámara, la salida del filtro laplaciano en gris (gris medio "
               "es 0) y su valor absoluto", narrow=True),
    FigureSpec("paso_bajo", bordes.fig_paso_bajo,
               "Un recorte de 64×64 de la foto del fotógrafo, el mismo recorte suavizado con "
               "un filtro gaussiano de 3×3 y la diferencia entre los dos en gris (gris medio "
               "es 0)", narrow=True),
    FigureSpec("frecuencias", bordes.fig_frecuencias,
               "Tres curvas de la respuesta en frecuencia, entre 0 y π, de un suavizado "
               "gaussiano, del laplaciano y de Sobel x, cada una dividida entre su máximo",
               narrow=True),
    FigureSpec("sobel", bordes.fig_sobel,
               "Foto de una taza de café y las respuestas de Sobel en x y en y (rojo "
               "positivo, azul negativo) y la magnitud del gradiente", narrow=True),
    FigureSpec("filtros_conv1", visualizacion.fig_filtros_conv1,
               "Los 16 filtros de 5×5 que aprendió la primera capa convolucional, en rojo "
               "los pesos positivos y en azul los negativos, con una barra de color "
               "centrada en cero; un marco naranja señala los que se correlacionan con un "
               "borde recto", narrow=True),
    FigureSpec("mapas_activacion", visualizacion.fig_mapas_activacion,
               "Tres dígitos de prueba y, para cada uno, las cuadrículas de mapas de "
               "activación tras conv1 con ReLU, tras pool1, tras conv2 con ReLU y "
               "tras pool2", narrow=True),
    FigureSpec("pca_tsne", visualizacion.fig_pca_tsne,
               "Dos nubes de puntos de los dígitos de prueba coloreados por su clase real: "
               "la proyección PCA y la de t-SNE del vector final de características", narrow=True),
    FigureSpec("oclusion", visualizacion.fig_oclusion,
               "Cuatro dígitos, cada uno con el parche de 8×8 que más baja su puntuación "
               "marcado en naranja y la clase que predice la red con ese parche, y debajo "
               "el mapa de calor de la puntuación de su clase real según dónde se centre "
               "el parche", narrow=True),
    FigureSpec("saliencia", visualizacion.fig_saliencia,
               "Cuatro dígitos, su mapa de saliencia (valor absoluto del gradiente de "
               "la puntuación respecto a cada píxel) y su mapa de retropropagación "
               "guiada", narrow=True),
    FigureSpec("actmax_clases", visualizacion.fig_actmax_clases,
               "Dos grupos de diez imágenes sintéticas, una por dígito del 0 al 9, que "
               "maximizan la puntuación de esa clase: sin regularizar y con desplazamiento "
               "aleatorio, desenfoque y L2; sobre cada una, la probabilidad que le da la red "
               "a esa clase", narrow=True),
    FigureSpec("actmax_canales", visualizacion.fig_actmax_canales,
               "Dieciséis imágenes sintéticas que maximizan la activación media de los "
               "canales 0 a 15 de la segunda capa convolucional, cada una con la activación "
               "media que alcanza", narrow=True),
]

# Atribución: Grad-CAM, gradientes integrados, SmoothGrad, borrado y prueba de cordura
_SPECS += [
    FigureSpec("gradcam", atribucion.fig_gradcam,
               "Grad-CAM de la clase real para cuatro dígitos de prueba: el dígito, el mapa de "
               "14×14 de la salida de conv2 y el mapa ampliado sobre el dígito", narrow=True),
    FigureSpec("integrados", atribucion.fig_integrados,
               "Gradientes integrados de dos dígitos con tres líneas de base, negra, difuminada y "
               "de ruido: cada línea de base junto a su mapa de atribución en rojo y azul, con el "
               "porcentaje de píxeles de atribución cero", narrow=True),
    FigureSpec("smoothgrad", atribucion.fig_smoothgrad,
               "Cuatro dígitos, su mapa de saliencia y su mapa de SmoothGrad, la media del "
               "gradiente sobre copias con ruido", narrow=True),
    FigureSpec("borrado", atribucion.fig_borrado,
               "Curvas de borrado: la probabilidad media de la clase real al borrar los píxeles "
               "en el orden de cada método y en un orden al azar, con el área bajo cada curva", narrow=True),
    FigureSpec("cordura", atribucion.fig_cordura,
               "Prueba de aleatorización con un dígito: el mapa de cada uno de los seis métodos con "
               "la red entrenada y con sus capas reiniciadas al azar en cascada, con la "
               "correlación de Spearman de cada mapa con el de la red entrenada", narrow=True),
    FigureSpec("cordura_curvas", atribucion.fig_cordura_curvas,
               "Correlación de Spearman media de cada método con su mapa de la red entrenada "
               "según las capas reiniciadas al azar, con el umbral de la prueba", narrow=True),
]

FIGURES = {spec.name: spec for spec in _SPECS}
