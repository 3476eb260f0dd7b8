"""Variantes de una figura y sus nombres de archivo, sin importar matplotlib.

Cada figura se genera en esquema claro y oscuro (la paleta de Material) y, si
su registro lo pide, en una composición estrecha para teléfonos. Lo dibuja
``figures.style``; la construcción del sitio solo necesita estos nombres, y
los lee de aquí sin cargar matplotlib ni torch.
"""

from dataclasses import dataclass

# Metadatos de la salida de un cuaderno con la variante oscura de su imagen
# (``figures.notebook.as_image``), en base64
DARK_PNG_KEY = "png_oscuro"


@dataclass(frozen=True)
class Variant:
    scheme: str = "claro"     # "claro" u "oscuro"
    narrow: bool = False      # composición para pantallas estrechas (≈ 390 px)

    @property
    def suffix(self):
        """Sufijo del archivo: "", "-oscuro", "-estrecha", "-estrecha-oscuro"."""
        return ("-estrecha" if self.narrow else "") + ("-oscuro" if self.scheme == "oscuro" else "")


# En el orden en que se dibujan
WIDE = (Variant("claro"), Variant("oscuro"))
NARROW = (Variant("claro", True), Variant("oscuro", True))


def variants(narrow):
    """Variantes de una figura: claro y oscuro, y sus estrechas si ``narrow``."""
    return WIDE + (NARROW if narrow else ())
