"""Dibuja cada variante de una figura del registro en PNG, igual en cualquier proceso.

Variantes (ver ``cnnviz.variants``): esquema claro y oscuro y, si el
registro marca la figura como ``narrow``, la composición estrecha de cada uno.
Este módulo no importa torch ni matplotlib al cargarse: la construcción lo usa
para saber los nombres de archivo sin dibujar nada.
"""

from ...errors import CnnvizError
from ...variants import variants


class FigureError(CnnvizError):
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

    from ...figures.style import png_bytes, use_variant

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    random.seed(0)
    np.random.seed(0)
    torch.manual_seed(0)
    try:
        with matplotlib.rc_context(), use_variant(variant):
            fig = func()
            if not isinstance(fig, Figure):
                raise TypeError(f"devolvió {type(fig).__name__}, no una matplotlib.figure.Figure")
            return png_bytes(fig)      # dibujar también puede fallar (textos, márgenes)
    except Exception as exc:
        raise FigureError(f"la figura «{name}» ({func.__module__}.{func.__qualname__}, "
                          f"variante «{variant.scheme}{' estrecha' if variant.narrow else ''}») "
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

    images = {v.suffix: draw(spec.func, spec.name, v)
              for v in variants(getattr(spec, "narrow", False))}
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    for variant_suffix, data in images.items():
        (out_dir / f"{spec.name}{variant_suffix}.png").write_bytes(data)
    return out_dir / f"{spec.name}.png", "generada"
