"""Las líneas ``--8<-- "archivo:sección"`` de pymdownx.snippets, leídas por nuestra cuenta.

Las páginas las expande pymdownx.snippets; aquí se leen para saber de qué
archivo viene cada bloque (y enlazarlo) y para rellenar las celdas de los
cuadernos con el mismo código, sin copiarlo a mano.
"""

import re
import textwrap

from .wheel import ROOT

# Una línea de inclusión: --8<-- "code/cnnviz/training.py:train"
DIRECTIVE = re.compile(r'^\s*--8<--\s+"(?P<path>[^":]+)(?::(?P<section>[\w-]+))?"\s*$')
_MARKER = re.compile(r"^\s*# --8<-- \[(start|end):([\w-]+)\]\s*$")


def directives(text):
    """``[(ruta, sección)]`` si todas las líneas no vacías son inclusiones; si no, ``[]``."""
    lines = [line for line in text.splitlines() if line.strip()]
    found = [DIRECTIVE.match(line) for line in lines]
    if not lines or not all(found):
        return []
    return [(m["path"], m["section"]) for m in found]


def section(path, name):
    """Texto de la sección ``name`` de ``path`` (relativa a la raíz), sin marcas y sin sangría común."""
    lines = (ROOT / path).read_text().splitlines()
    inside, out, seen = False, [], False
    for line in lines:
        marker = _MARKER.match(line)
        if marker:
            kind, label = marker.groups()
            if label == name:
                inside = kind == "start"
                seen = seen or inside
            continue            # las marcas de otras secciones tampoco se copian
        if inside:
            out.append(line)
    if not seen:
        raise ValueError(f"{path} no tiene la sección «{name}» (# --8<-- [start:{name}])")
    return textwrap.dedent("\n".join(out)).strip("\n")


def expand(text):
    """El código que muestran esas inclusiones, como lo mostraría la página."""
    parts = []
    for path, name in directives(text):
        parts.append(section(path, name) if name else (ROOT / path).read_text().strip("\n"))
    return "\n\n".join(parts)
