"""Visualización de características: qué ha aprendido la CNN entrenada.

Un módulo por método, todos sobre ``DigitCNN``:

- ``layers``: la red como secuencia de capas con nombre (ReLU incluidas).
- ``activations``: mapas de activación capa a capa (con *forward hooks*).
- ``embedding``: vector final de características, PCA y t-SNE.
- ``occlusion``: tapar la imagen con un parche y medir la puntuación.
- ``saliency``: gradiente de la puntuación respecto a los píxeles y
  *guided backpropagation*.
- ``actmax``: maximización de la activación (sintetizar entradas).
- ``sanity``: prueba de aleatorización del modelo (Adebayo et al., 2018).
"""
