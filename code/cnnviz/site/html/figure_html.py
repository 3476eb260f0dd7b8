"""Marcado de una figura: variante clara u oscura según el esquema, estrecha en móviles.

Cada figura se publica como dos enlaces al visor (glightbox), uno por
esquema; Material muestra solo el que corresponde a su paleta
(``#only-light`` / ``#only-dark`` al final del ``src`` de la imagen, y las clases
de ``estilos/figuras.css`` para el enlace). Dentro de cada uno, un ``<picture>``
sirve la composición estrecha a pantallas de menos de ``NARROW_MAX`` px si la
figura la tiene. El visor abre siempre la versión ancha, que se puede ampliar.
"""

import html
import re

from mkdocs.utils import get_relative_url

PLACEHOLDER_RE = re.compile(r'<cnnviz-figura nombre="(?P<name>[\w-]+)"></cnnviz-figura>')
NARROW_MAX = 600     # px CSS: teléfonos (≈ 390 px) y tabletas pequeñas en vertical

SCHEMES = (("claro", "", "only-light"), ("oscuro", "-oscuro", "only-dark"))


def placeholder(name):
    """Marca provisional en el Markdown; ``complete`` pone el marcado final."""
    return f'<cnnviz-figura nombre="{name}"></cnnviz-figura>'


def figure_markup(spec, sizes, page_url, folder):
    """HTML de la figura ``spec`` (del registro) con los tamaños de cada variante."""
    name, alt = spec["name"], html.escape(spec["alt"], quote=True)
    parts = []
    for scheme, scheme_suffix, fragment in SCHEMES:
        def url(variant_suffix):
            return get_relative_url(f"{folder}/{name}{variant_suffix}.png", page_url)

        width, height = sizes[scheme_suffix]
        source = ""
        narrow = "-estrecha" + scheme_suffix
        if narrow in sizes:
            n_width, n_height = sizes[narrow]
            source = (f'<source media="(max-width: {NARROW_MAX - 0.02}px)" '
                      f'srcset="{url(narrow)}" width="{n_width}" height="{n_height}">')
        parts.append(
            f'<a class="glightbox cnnviz-figura--{scheme}" href="{url(scheme_suffix)}" '
            f'data-type="image" data-width="auto" data-height="auto" '
            f'data-gallery="figuras-{scheme}" data-desc-position="bottom">'
            f'<picture>{source}<img class="off-glb" src="{url(scheme_suffix)}#{fragment}" '
            f'alt="{alt}" width="{width}" height="{height}" loading="lazy"></picture></a>')
    return "".join(parts)
