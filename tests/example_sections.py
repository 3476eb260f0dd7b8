"""Secciones con nombre de ``code/examples`` y soluciones de los ejercicios de las páginas.

Las pruebas de los ejercicios ejecutan cada sección sola, en un espacio de
nombres vacío, como la copiaría un lector, y buscan en la página el texto de
la solución que da la respuesta.
"""

import contextlib
import io
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def section(path, name):
    """El código de la sección ``name`` de ``path`` (relativo al repositorio)."""
    text = (ROOT / path).read_text(encoding="utf-8")
    match = re.search(rf"# --8<-- \[start:{name}\]\n(.*?)# --8<-- \[end:{name}\]", text, re.S)
    assert match, f"{path} no tiene la sección «{name}»"
    return match.group(1)


def run_section(path, name):
    """Ejecuta la sección sola; devuelve lo que imprime y su espacio de nombres."""
    namespace = {"__name__": "__main__"}
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(compile(section(path, name), f"{path}:{name}", "exec"), namespace)
    return buffer.getvalue(), namespace


def solution(page, number):
    """Texto del ejercicio ``number`` de la página con su solución plegable, en una línea."""
    text = (ROOT / "docs" / page).read_text(encoding="utf-8")
    exercises = text[text.index("## Ejercicios"):]
    match = re.search(rf"### {number}\. .*?(?=\n### |\Z)", exercises, re.S)
    assert match, f"{page} no tiene el ejercicio {number}"
    assert '??? success "Solución"' in match.group(0), f"{page}, ejercicio {number}: sin solución"
    return " ".join(match.group(0).split())     # sin los saltos de línea del Markdown
