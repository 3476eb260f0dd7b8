"""Búsqueda en español sin distinguir tildes: lunr.es.min.js con un añadido.

El worker de búsqueda de Material construye el índice de lunr en el navegador
y carga el idioma con ``importScripts("../lunr/min/lunr.es.min.js")``. Aquí se
sustituye ese archivo del tema por el mismo con ``busqueda_es.js`` al final,
que pliega tildes y mayúsculas en el índice y en la consulta, añade raíces y
sinónimos (ver ese archivo). Nada se descarga al usar el sitio.
"""

from pathlib import Path

from mkdocs.structure.files import File

from ...errors import CnnvizError

LUNR_ES = "assets/javascripts/lunr/min/lunr.es.min.js"
ADDITION = Path(__file__).with_name("busqueda_es.js")


class SearchSetupError(CnnvizError):
    """El tema no trae el archivo de idioma que se esperaba."""


def patch_spanish_search(files, config):
    """Sustituye ``lunr.es.min.js`` del tema por la versión que pliega tildes."""
    theme_file = files.get_file_from_path(LUNR_ES)
    if theme_file is None:
        raise SearchSetupError(f"el tema no tiene {LUNR_ES}: ¿cambió mkdocs-material? "
                               "La búsqueda sin tildes depende de ese archivo")
    original = Path(theme_file.abs_src_path).read_text(encoding="utf-8")
    files.remove(theme_file)
    files.append(File.generated(config, LUNR_ES,
                                content=original + "\n" + ADDITION.read_text(encoding="utf-8")))
    return files
