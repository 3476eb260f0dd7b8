"""Visualización de características: qué ha aprendido la CNN entrenada.

Un módulo por método, todos sobre ``DigitCNN``:

- ``layers``: la red como secuencia de capas con nombre (ReLU incluidas).
- ``activations``: mapas de activación capa a capa (con *forward hooks*).
- ``embedding``: vector final de características, PCA y t-SNE.
- ``occlusion``: tapar la imagen con un parche y medir la puntuación.
- ``saliency``: gradiente de la puntuación respecto a los píxeles y
  *guided backpropagation*.
- ``actmax``: maximización de la activación (sintetizar entradas).
- ``gradcam``: Grad-CAM sobre la salida de conv2.
- ``smoothgrad``: la saliencia promediada sobre copias con ruido.
- ``integrated_gradients``: gradientes integrados y sus líneas de base.
- ``noise``: números al azar iguales en Python y en el laboratorio del navegador.
- ``methods``: los seis métodos de atribución con los parámetros del sitio.
- ``faithfulness``: la curva de borrado (fidelidad de un mapa).
- ``sanity``: prueba de aleatorización del modelo (Adebayo et al., 2018).
- ``evaluation``: los seis métodos comparados (cordura y borrado), en caché.
"""
