"""La foto del banco de núcleos de «Filtros convolucionales»: PNG en gris de 8 bits.

El banco de núcleos (``docs/filtros/js``) filtra en el navegador la misma foto
que las figuras de la página (``sample_photo("camera", 256)``), cuantizada a
256 niveles: el PNG guarda ``round(255 · foto)``, y el navegador lo lee como
``píxel / 255``. Las pruebas comparan lo que calcula el navegador con
``cnnviz.filters.apply_filters`` sobre esos mismos valores.
"""

import io

import numpy as np

PHOTO_PATH = "filtros/camara.png"
PHOTO = "camera"
SIZE = 256


def photo_levels(name=PHOTO, size=SIZE):
    """La foto de la página en niveles de 0 a 255: array uint8 (size, size)."""
    from .data import sample_photo

    photo = sample_photo(name, size=size).numpy()
    return np.clip(np.rint(photo * 255), 0, 255).astype(np.uint8)


def photo_png(name=PHOTO, size=SIZE):
    """Bytes del PNG en gris (modo «L», sin perfil de color ni gamma)."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(photo_levels(name, size), mode="L").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def png_levels(data):
    """Niveles 0–255 de un PNG en gris (para comprobar lo exportado)."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        if image.mode != "L":
            raise ValueError(f"se esperaba un PNG en gris de 8 bits (modo «L»); es «{image.mode}»")
        return np.asarray(image, dtype=np.uint8)
