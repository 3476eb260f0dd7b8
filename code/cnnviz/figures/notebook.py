"""Mostrar una Figure en un cuaderno, con su variante para el modo oscuro del sitio.

Aparte de ``style``: las figuras del registro no lo usan, así que editar el
recoloreado de los cuadernos (``restyle``) no cambia su clave de caché.
"""

import base64

from ..variants import DARK_PNG_KEY, Variant
from .restyle import restyle
from .style import describe, png_bytes, use_variant


def as_image(fig, alt=None):
    """Muestra una Figure en un cuaderno como PNG, con texto alternativo.

    Sin ``alt``, se describe con sus títulos. No hace falta pyplot. Jupyter
    muestra la imagen clara; la variante para el modo oscuro del sitio (la
    misma Figure recoloreada) va en los metadatos de la salida, junto al texto
    alternativo.
    """
    from IPython.display import Image

    alt = alt or describe(fig)
    light = png_bytes(fig)
    with use_variant(Variant(scheme="oscuro")):
        dark = png_bytes(restyle(fig))
    return Image(data=light, format="png",
                 metadata={"alt": alt, DARK_PNG_KEY: base64.b64encode(dark).decode("ascii")})
