"""Clave de caché de cada resultado del sitio, calculada sin importar torch ni matplotlib.

Cada clave reúne lo que determina el resultado: el código que ejecuta (ver
``deps``), el del módulo que lo genera, las versiones de las bibliotecas y,
si usa la CNN entrenada, la huella de sus pesos. Si los pesos hacen falta y
aún no existen, se lanza ``WeightsMissing``: la clave se calcula tras entrenar.
"""

import hashlib
import json
from pathlib import Path

from ...cache import library_versions
from ...weights_cache import uses_weights
from ...deps import closure, code_modules, function_digest, modules_digest

KEY_VERSION = "2"


class WeightsMissing(LookupError):
    """La clave depende de los pesos entrenados y aún no hay pesos en la caché."""


def _key(*parts):
    return hashlib.sha256("\0".join([KEY_VERSION, *map(str, parts)]).encode()).hexdigest()[:16]


def _weights_part(modules, weights):
    if not uses_weights(modules):
        return "sin pesos"
    if weights is None:
        raise WeightsMissing
    return weights


def _maker(module):
    """Huella del módulo que genera un tipo de resultado (p. ej. cómo se guarda un PNG)."""
    return modules_digest([module])


def figure_key(module, qualname, weights):
    """Clave de la figura que dibuja ``module.qualname`` (todas sus variantes)."""
    digest, modules = function_digest(module, qualname)
    return _key("figura", digest, _maker("cnnviz.site.build.figure_build"),
                library_versions(), _weights_part(modules, weights))


def fact_key(module, qualname, weights):
    """Clave del valor de un dato (``{{ dato: … }}``)."""
    digest, modules = function_digest(module, qualname)
    return _key("dato", digest, _maker("cnnviz.site.build.jobs"), library_versions(),
                _weights_part(modules, weights))


def notebook_modules(path):
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    code = "\n".join("".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                     for c in cells if c.get("cell_type") == "code")
    return code_modules(code)


def notebook_uses_weights(path):
    return uses_weights(notebook_modules(path))


def notebook_key(path, weights):
    """Clave de un cuaderno ejecutado: el cuaderno, el código que importa y los pesos."""
    data = Path(path).read_bytes()
    modules = notebook_modules(path)
    return _key("cuaderno", hashlib.sha256(data).hexdigest(), modules_digest(modules),
                _maker("cnnviz.site.build.notebooks"), library_versions(),
                _weights_part(modules, weights))


def page_outputs_key(sources, weights):
    """Clave de las salidas de los bloques de Python de una página."""
    modules = code_modules("\n".join(sources))
    return _key("salidas", json.dumps(sources), modules_digest(modules),
                _maker("cnnviz.site.build.page_code"), library_versions(),
                _weights_part(modules, weights))


def notebook_page_key(page_html, notebook, dest_dir, permalink_title):
    """Clave del HTML aligerado de la página de un cuaderno (``notebook_page.for_page``)."""
    return _key("pagina de cuaderno", hashlib.sha256(page_html.encode()).hexdigest(),
                hashlib.sha256(Path(notebook).read_bytes()).hexdigest(), dest_dir,
                permalink_title, modules_digest(closure(["cnnviz.site.html.notebook_page"])),
                library_versions(("beautifulsoup4", "soupsieve", "nbformat")))


LAB_MODULE = "cnnviz.site.reader.lab_export"


def lab_key(weights):
    """Clave de ``laboratorio/modelo.json``."""
    modules = closure([LAB_MODULE])
    return _key("laboratorio", modules_digest(modules), library_versions(),
                _weights_part(modules, weights))


REGISTRY_MODULES = ("cnnviz.figures", "cnnviz.site.facts")


def registry_key():
    """Clave de la descripción de los registros de figuras y de datos."""
    return _key("registro", modules_digest(closure(REGISTRY_MODULES)),
                _maker("cnnviz.site.build.jobs"), library_versions())


def weights_dependent(module, qualname):
    """¿Usa la CNN entrenada la función ``module.qualname``?"""
    return uses_weights(function_digest(module, qualname)[1])
