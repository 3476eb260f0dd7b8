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

from . import atribucion, bordes, clases, convolucion, estilo, squeezenet, teoria, visualizacion


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
    FigureSpec("actmax_ejemplos", visualizacion.fig_actmax_ejemplos,
               "Dieciséis grupos, uno por canal de la segunda capa convolucional: la imagen "
               "sintética que maximiza su neurona central, recortada a la ventana de 10×10 "
               "píxeles que ve esa neurona, y las ventanas de los tres dígitos de prueba que "
               "más activan el canal, con su clase; sobre cada grupo, el valor que alcanza "
               "la imagen sintética y el mayor de los dígitos reales", narrow=True),
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

# SqueezeNet sobre fotos (docs/visualizacion/squeezenet.md)
_SPECS += [
    FigureSpec("sq_top5", squeezenet.fig_top5,
               "Seis fotos (taza de café, gata, moto, fotógrafo, astronauta y cohete), cada una "
               "junto a una barra por cada una de sus cinco clases de ImageNet más probables según "
               "SqueezeNet, con el nombre de la clase en español y su probabilidad", narrow=True),
    FigureSpec("sq_filtros_conv1", squeezenet.fig_filtros_conv1,
               "Los 64 filtros de 3×3 de la primera capa de SqueezeNet dibujados en color (gris "
               "medio es peso 0), en una cuadrícula de 8×8; un marco azul señala los que miden "
               "como filtros de color y uno naranja los de borde orientado", narrow=True),
    FigureSpec("sq_parametros", squeezenet.fig_parametros,
               "Barras horizontales con el número de parámetros de cada etapa de SqueezeNet, de "
               "conv1 a conv10, con la forma de la salida de cada una", narrow=True),
    FigureSpec("sq_mapas", squeezenet.fig_mapas,
               "La foto de la gata y, para conv1, fire3, fire5 y fire9, los tres mapas de "
               "activación con mayor media, cada vez más pequeños", narrow=True),
    FigureSpec("sq_gradcam_clases", squeezenet.fig_gradcam_clases,
               "Una foto doble, la gata a la izquierda y la taza de café a la derecha, y el mapa "
               "de Grad-CAM de la clase gato egipcio y el de la clase café expreso sobre ella, "
               "con el porcentaje de cada mapa que cae en la mitad izquierda", narrow=True),
    FigureSpec("sq_atribucion", squeezenet.fig_atribucion,
               "Tres fotos (café, gata y moto) con la clase más probable, su mapa de saliencia, "
               "el de gradientes integrados y el de Grad-CAM sobre la foto", narrow=True),
    FigureSpec("sq_cordura", squeezenet.fig_cordura,
               "Prueba de aleatorización en SqueezeNet con la foto de la gata: la saliencia y el "
               "Grad-CAM de la red entrenada y con conv10, fire9 y fire8 reiniciadas al azar en "
               "cascada, con la correlación de Spearman de cada mapa con el de la red entrenada",
               narrow=True),
    FigureSpec("sq_ejemplos", squeezenet.fig_ejemplos,
               "Seis filas, dos canales de fire4, dos de fire6 y dos de fire8: en cada una, la "
               "imagen sintética que maximiza el canal y los cuatro recortes de fotos de "
               "scikit-image que más lo activan, del tamaño de su campo receptivo (gris fuera de "
               "la foto)", narrow=True),
]

# Transferencia de estilo con SqueezeNet (optimizaciones en caché de disco: cnnviz.imagenet.style_runs)
_SPECS += [
    FigureSpec("estilo_textura", estilo.fig_estilo_textura,
               "Tres imágenes: una textura de una tinción inmunohistoquímica (glándulas marrones "
               "sobre un fondo claro con núcleos azules), el ruido aleatorio del que parte la "
               "síntesis y la textura sintetizada", narrow=True),
    FigureSpec("estilo_transferencia", estilo.fig_estilo_transferencia,
               "Tres imágenes: la foto de la gata Chelsea (el contenido), la tinción "
               "inmunohistoquímica (el estilo) y la foto de la gata repintada con los colores y "
               "las texturas de la tinción", narrow=True),
    FigureSpec("estilo_rejilla", estilo.fig_estilo_rejilla,
               "Cuatro versiones de la foto de la gata con el estilo de la tinción, de menos a "
               "más peso del estilo, cada una con su pérdida de contenido y de estilo "
               "finales", narrow=True),
    FigureSpec("estilo_curvas", estilo.fig_estilo_curvas,
               "Dos gráficas en escala logarítmica de las pérdidas en cada paso de Adam: la de "
               "estilo y la de variación total en la síntesis de textura, y las de contenido, "
               "estilo y variación total en la transferencia de estilo", narrow=True),
]

# Lo que imagina SqueezeNet (resultados en caché de disco: cnnviz.imagenet.class_runs)
_SPECS += [
    FigureSpec("clases_squeezenet", clases.fig_clases_squeezenet,
               "Cuatro imágenes sintéticas de colores saturados sobre fondo gris, cada una la que "
               "maximiza la puntuación de una clase de ImageNet (flamenco, tarántula, volcán y "
               "piña), con su nombre y la probabilidad que le da SqueezeNet", narrow=True),
    FigureSpec("deepdream", clases.fig_deepdream,
               "La foto de la gata Chelsea y su versión de DeepDream, con superpuestos por toda "
               "la foto patrones que la red exagera", narrow=True),
    FigureSpec("adversario", clases.fig_adversario,
               "Tres imágenes: la foto de una taza de café con la clase que le da SqueezeNet y su "
               "probabilidad, la diferencia entre la foto atacada y la original amplificada (gris "
               "es cero) y la foto atacada, igual a simple vista, con su nueva clase y su "
               "probabilidad", narrow=True),
]

FIGURES = {spec.name: spec for spec in _SPECS}
