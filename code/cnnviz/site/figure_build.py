"""Dibuja cada variante de una figura del registro en PNG, igual en cualquier proceso.

Variantes (ver ``cnnviz.figures.style``): esquema claro y oscuro y, si el
registro marca la figura como ``narrow``, la composición estrecha de cada uno.
Este módulo no importa torch ni matplotlib al cargarse: la construcción lo usa
para saber los nombres de archivo sin dibujar nada.
"""

import struct

# (esquema, estrecha) de cada variante, en el orden en que se dibujan. El
# sufijo es el de ``style.Variant.suffix`` (una prueba comprueba que coinciden)
WIDE = (("claro", False), ("oscuro", False))
NARROW = (("claro", True), ("oscuro", True))


def variants(narrow):
    """Variantes de una figura: claro y oscuro, y sus estrechas si ``narrow``."""
    return WIDE + (NARROW if narrow else ())


def suffix(variant):
    scheme, narrow = variant
    return ("-estrecha" if narrow else "") + ("-oscuro" if scheme == "oscuro" else "")


class FigureError(RuntimeError):
    """Una función de figura falló o no devolvió una Figure."""


def draw(func, name, variant):
    """PNG de ``func()`` en la variante dada; ``FigureError`` con el nombre si falla.

    El resultado no depende de lo que se dibujó antes en el mismo proceso: se
    fijan las semillas y un solo hilo de PyTorch (con varios, las convoluciones
    pueden sumar en otro orden y cambiar el último bit), y los ``rcParams``
    vuelven a su estado al terminar.
    """
    import random

    import matplotlib
    import numpy as np
    import torch
    from matplotlib.figure import Figure

    from ..figures.style import Variant, png_bytes, use_variant

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    try:
        with matplotlib.rc_context(), use_variant(Variant(*variant)):
            fig = func()
            if not isinstance(fig, Figure):
                raise TypeError(f"devolvió {type(fig).__name__}, no una matplotlib.figure.Figure")
            return png_bytes(fig)      # dibujar también puede fallar (textos, márgenes)
    except Exception as exc:
        raise FigureError(f"la figura «{name}» ({func.__module__}.{func.__qualname__}, "
                          f"variante «{variant[0]}{' estrecha' if variant[1] else ''}») "
                          f"falló: {type(exc).__name__}: {exc}") from exc
    finally:
        torch.set_num_threads(threads)


def render_figure(spec, out_dir):
    """Dibuja todas las variantes de ``spec`` (un ``FigureSpec``) en ``out_dir``.

    Sin caché (la construcción usa ``jobs.figure``). Escribe
    ``<nombre><sufijo>.png`` solo si todas salen bien; devuelve
    ``(ruta de la variante clara, "generada")``.
    """
    from pathlib import Path

    images = {suffix(v): draw(spec.func, spec.name, v)
              for v in variants(getattr(spec, "narrow", False))}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for variant_suffix, data in images.items():
        (out_dir / f"{spec.name}{variant_suffix}.png").write_bytes(data)
    return out_dir / f"{spec.name}.png", "generada"


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data):
    """(ancho, alto) en píxeles de la cabecera PNG; ``ValueError`` si no es un PNG sano."""
    if len(data) < 33 or data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("no es un PNG")
    if not data.endswith(b"IEND\xaeB`\x82"):
        raise ValueError("PNG cortado (falta el bloque IEND)")
    width, height = struct.unpack(">II", data[16:24])
    if not (0 < width <= 20000 and 0 < height <= 20000):
        raise ValueError(f"tamaño imposible {width}×{height}")
    return width, height
