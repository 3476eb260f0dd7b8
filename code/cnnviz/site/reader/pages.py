"""Lo que necesita quien lee para ejecutar el código del sitio por su cuenta.

Puntos de entrada que llama ``hooks.py``:

- ``on_files``: publica el paquete ``cnnviz`` en ``descargas/`` y prepara los
  cuadernos: la URL del paquete en su primera celda y el código del paquete en
  las celdas que lo incluyen (``--8<-- "archivo:sección"``, como las páginas).
- ``on_page_markdown``: el archivo de origen como título de cada bloque
  incluido y, al principio de cada página con código, qué hace falta para
  ejecutarlo.
- ``on_page_content``: ese título enlaza el archivo en el repositorio.

Las macros ``{{ paquete: … }}`` y ``{{ fuente: … }}`` (``package_value``,
``source_link``) están en el registro de ``facts.macros``.
"""

import ast
import hashlib
import html
import inspect
import json
import logging
import os
import re
import sys
from functools import cache
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path

import nbformat
from mkdocs.structure.files import File

from ...cache import (atomic_write_bytes, cache_dir, entry_dir, prune, read_entry,
                      write_entry)
from ...errors import CnnvizError
from ..facts import macros
from . import snippets, wheel
from .package import runtime_requirements, source_url, tested_python

INSTALL_PAGE = "instalar.md"
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>`{3,})[ \t]*python(?P<attrs>[^\n]*)\n"
                    r"(?P<body>.*?)^(?P=indent)(?P=ticks)[ \t]*$", re.M | re.S)
_TITLE = re.compile(r'<span class="filename">(?P<title>code/[^<]*)</span>')
SEPARATOR = " · "
log = logging.getLogger("mkdocs.hooks.cnnviz")


class PageCodeError(CnnvizError, ValueError):
    """El código de una página o de un cuaderno no se puede ejecutar tal cual."""


# --- Importaciones del código de una página o de un cuaderno ------------------

def imported_modules(code):
    """Módulos de primer nivel que importa ``code``, en orden de aparición."""
    found = []
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top not in found:
                found.append(top)
    return found


@cache
def _dependency_modules():
    """Módulos de primer nivel que traen las dependencias declaradas e instaladas.

    Solo se leen esas distribuciones: ``packages_distributions()`` recorre
    todo el entorno y tardaba 0,3 s en cada construcción (también al guardar
    un archivo bajo ``mkdocs serve``).
    """
    modules = set()
    for name, _ in runtime_requirements():
        try:
            dist = distribution(name)
        except PackageNotFoundError:    # si una página la importa, su comprobación falla
            continue
        declared = (dist.read_text("top_level.txt") or "").split()
        modules.update(declared or _top_level_of_files(dist))
    return modules


def _top_level_of_files(dist):
    """Módulos de primer nivel según la lista de archivos de la distribución (RECORD)."""
    names = set()
    for path in dist.files or ():
        if len(path.parts) == 1 and inspect.getmodulename(path.name):
            names.add(inspect.getmodulename(path.name))      # foo.py o foo.cpython-311-….so
        elif len(path.parts) > 1 and "." not in path.parts[0] and path.parts[0] != "__pycache__":
            names.add(path.parts[0])      # una carpeta de paquete (no *.dist-info ni *.data)
    return names


def third_party(modules, where):
    """Los módulos que no son de la biblioteca estándar; error si el paquete no los trae."""
    provided = _dependency_modules()
    outside = [m for m in modules if m not in sys.stdlib_module_names]
    for module in outside:
        if module == "cnnviz" or module == "IPython" and where.endswith(".ipynb"):
            continue        # el propio paquete; IPython lo trae Jupyter
        if module not in provided:
            raise PageCodeError(f"{where} importa «{module}», que el paquete cnnviz no declara "
                             "como dependencia (pyproject.toml, [project] dependencies)")
    return outside


def _spanish_list(items):
    items = [f"`{i}`" for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " y " + items[-1]


# --- Páginas ------------------------------------------------------------------

def _python_code(markdown):
    """Código de los bloques de Python de la página, con las inclusiones expandidas."""
    code = []
    for m in _FENCE.finditer(markdown):
        body = _unindent(m["body"], m["indent"])
        code.append(snippets.expand(body) if snippets.directives(body) else body)
    return code


def _unindent(body, indent):
    return "\n".join(line[len(indent):] if line.startswith(indent) else line
                     for line in body.splitlines())


def _add_titles(markdown):
    """``title="code/…"`` en cada bloque de Python hecho solo de inclusiones."""
    def add(m):
        body = _unindent(m["body"], m["indent"])
        files = list(dict.fromkeys(path for path, _ in snippets.directives(body)))
        if not files or "title=" in m["attrs"]:
            return m.group(0)
        title = SEPARATOR.join(files)
        return (f'{m["indent"]}{m["ticks"]}python title="{title}"{m["attrs"]}\n'
                f'{m["body"]}{m["indent"]}{m["ticks"]}')
    return _FENCE.sub(add, markdown)


def _needs_note(code, page):
    """Aviso al principio de una página con código: qué hace falta para ejecutarlo."""
    modules = third_party(imported_modules("\n".join(code)), page.file.src_uri)
    install = os.path.relpath(INSTALL_PAGE, os.path.dirname(page.file.src_uri) or ".")
    note = [
        '!!! info "Para ejecutar el código de esta página"',
        "",
        f"    Python {tested_python()} y el paquete `cnnviz`, que se instala con una "
        f"línea de `pip` (ver [Ejecútalo tú]({install})). Los bloques de Python se "
        "ejecutan en orden, tal cual, en un mismo intérprete"
        + (f"; importan {_spanish_list(modules)}, y el paquete los trae todos." if modules
           else "."),
    ]
    if any("trained_model(" in block for block in code):
        note += ["", "    La primera vez, `trained_model()` entrena la CNN en tu máquina y "
                 "guarda sus pesos en `~/.cache/cnnviz` (o en la carpeta de la variable "
                 "`CNNVIZ_CACHE`); las siguientes veces los lee de ahí."]
    return "\n".join(note) + "\n"


def on_page_markdown(markdown, page):
    """Títulos de los bloques incluidos y, arriba, qué hace falta para ejecutar el código."""
    try:
        code = _python_code(markdown)
        if code:
            note = _needs_note(code, page)
            h1 = re.search(r"^# .*\n", markdown, re.M)
            at = h1.end() if h1 else 0
            markdown = markdown[:at] + "\n" + note + "\n" + markdown[at:]
        return _add_titles(markdown)
    except (ValueError, SyntaxError, OSError) as exc:
        raise PageCodeError(f"{page.file.src_uri}: {exc}") from exc


def on_page_content(page_html, config):
    """El título ``code/…`` de cada bloque enlaza el archivo en el repositorio."""
    def link(m):
        parts = []
        for path in html.unescape(m["title"]).split(SEPARATOR):
            url = source_url(config, path)
            parts.append(f'<a href="{html.escape(url)}">{html.escape(path)}</a>' if url
                         else html.escape(path))
        return f'<span class="filename">{SEPARATOR.join(parts)}</span>'
    return _TITLE.sub(link, page_html)


# --- Paquete y cuadernos ------------------------------------------------------

def prepare_notebook(path, config):
    """Copia del cuaderno lista para ejecutar; devuelve su ruta.

    Una celda hecha solo de inclusiones (``--8<-- "archivo:sección"``) recibe
    ese código, encabezado por un comentario con su origen. Las macros
    (``{{ paquete: url }}``, ``{{ fuente: archivo }}``) se comprueban aquí pero
    se sustituyen después de ejecutarlo (``publish_notebook``): así la
    ejecución, y su clave en la caché, no dependen de la dirección del sitio.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    code = []
    for cell in nb.cells:
        if cell.cell_type == "code" and snippets.directives(cell.source):
            files = list(dict.fromkeys(p for p, _ in snippets.directives(cell.source)))
            same = (": el mismo que usa el paquete" if all(f.startswith("code/cnnviz/")
                                                            for f in files) else "")
            cell.source = (f"# Código de {', '.join(files)}{same}.\n"
                           "# Puedes cambiarlo y volver a ejecutar la celda.\n"
                           + snippets.expand(cell.source))
        if cell.cell_type == "code":
            code.append(cell.source)
    modules = [m for cell in code for m in imported_modules(_without_magics(cell))]
    third_party(list(dict.fromkeys(modules)), path.name)
    data = nbformat.writes(nb).encode()
    _expand_macros(nbformat.reads(data.decode(), as_version=4), config, path.name)  # errores ya
    folder = cache_dir("cuadernos-preparados", path.stem)
    out = folder / hashlib.sha256(data).hexdigest()[:16] / path.name
    for old in folder.iterdir():
        if old != out.parent:
            for f in old.iterdir():
                f.unlink()
            old.rmdir()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not out.is_file():
        atomic_write_bytes(out, data)
    return out


def _expand_macros(nb, config, name):
    """Sustituye las macros de las celdas: en el código, solo las que valen en código."""
    registry = macros.registry(config)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = macros.expand_code(cell.source, name, registry)
        else:
            cell.source = macros.expand(cell.source, name, registry)
    return nb


def publish_notebook(executed, config):
    """El cuaderno ejecutado con las macros sustituidas: el que se publica y se descarga.

    Se guarda en la caché con una clave del cuaderno ejecutado y de la
    dirección del sitio y del repositorio; devuelve su ruta.
    """
    executed = Path(executed)
    data = executed.read_bytes()
    site = json.dumps([config.get(k) for k in ("site_url", "repo_url", "edit_uri")])
    key = hashlib.sha256(data + b"\0" + site.encode()).hexdigest()[:16]
    path = entry_dir("cuadernos-publicados", executed.stem, key) / executed.name
    if read_entry(path) is None:
        nb = _expand_macros(nbformat.reads(data.decode(), as_version=4), config, executed.name)
        write_entry(path, nbformat.writes(nb).encode(), f"guardar el cuaderno {executed.name}")
        prune(path.parent.parent)
    return path


def _without_magics(code):
    """Cambia las líneas mágicas de IPython (``%pip``…), que no son Python, por ``pass``."""
    return "\n".join(line[:len(line) - len(line.lstrip())] + "pass"
                     if line.lstrip().startswith("%") else line for line in code.splitlines())


def on_files(files, config, build):
    """Publica el paquete en ``descargas/`` y prepara los cuadernos (antes de ejecutarlos).

    Si el paquete no está en la caché, se construye en segundo plano
    (``build.in_background``): ninguna página lo necesita y la construcción lo
    espera solo antes de copiar los archivos al sitio.
    """
    name = wheel.wheel_path_in_site()
    wheel.wheel_url(config)              # site_url válida para la línea de pip
    path = wheel.cached_wheel_path()
    if path.is_file():
        log.info("paquete %s: en caché", name)
    else:
        build.in_background(f"el paquete {name}", wheel.build_wheel,
                            done=lambda result: log.info("paquete %s: %s", name, result[1]))
    files.append(File.generated(config, name, abs_src_path=str(path)))
    for file in list(files):
        if file.src_uri.endswith(".ipynb"):
            try:
                file.abs_src_path = str(prepare_notebook(file.abs_src_path, config))
            except (ValueError, SyntaxError, OSError) as exc:
                raise PageCodeError(f"{file.src_uri}: {exc}") from exc
    return files
