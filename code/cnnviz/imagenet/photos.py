"""Fotos de scikit-image que usa el sitio con SqueezeNet.

Todas vienen dentro de scikit-image (no hace falta red). ``expected`` es el
conjunto de clases de ImageNet que describen lo que hay en la foto, elegido
mirándola (no ejecutando la red); ``None`` si ninguna de las 1000 clases lo
describe (en ImageNet no hay «astronauta»). Las pruebas comprueban que la
clase más probable está en ``expected``.
"""

from dataclasses import dataclass

import numpy as np

CATS = frozenset({281, 282, 283, 284, 285})     # atigrado, gato tigre, persa, siamés, egipcio


@dataclass(frozen=True)
class Photo:
    name: str                  # identificador (el de scikit-image, o motorcycle_left/right)
    title: str                 # título en español para las figuras
    expected: frozenset | None


PHOTOS = {p.name: p for p in (
    Photo("coffee", "Taza de café", frozenset({967})),                      # café expreso
    Photo("chelsea", "Gata (Chelsea)", CATS),
    Photo("motorcycle_left", "Moto (izquierda)", frozenset({665, 670})),    # ciclomotor, escúter
    Photo("motorcycle_right", "Moto (derecha)", frozenset({665, 670})),
    Photo("camera", "Fotógrafo", frozenset({872, 759})),                    # trípode, cámara réflex
    Photo("astronaut", "Astronauta", None),
    Photo("rocket", "Cohete", None),
)}


def load_photo(name):
    """La foto ``name`` como array ``uint8`` (alto×ancho×3 o alto×ancho si es gris)."""
    import skimage.data

    if name not in PHOTOS:
        raise ValueError(f"no hay ninguna foto «{name}»; las que hay son: {', '.join(PHOTOS)}")
    if name.startswith("motorcycle_"):
        left, right, _ = skimage.data.stereo_motorcycle()
        image = left if name == "motorcycle_left" else right
    else:
        image = getattr(skimage.data, name)()
    return np.asarray(image, dtype=np.uint8)


def side_by_side(left, right, height=300):
    """Dos fotos juntas en una sola (misma altura): para ver si un mapa separa dos clases."""
    from skimage.transform import resize

    parts = []
    for name in (left, right):
        image = load_photo(name)
        if image.ndim == 2:
            image = np.repeat(image[:, :, None], 3, axis=2)
        width = round(image.shape[1] * height / image.shape[0])
        parts.append(resize(image, (height, width), order=1, anti_aliasing=True,
                            preserve_range=True).round().astype(np.uint8))
    return np.concatenate(parts, axis=1)
