"""Lo que necesita quien lee para ejecutar el código del sitio por su cuenta.

Puntos de entrada que llama ``hooks.py``:

- ``on_files``: publica el paquete ``cnnviz`` en ``descargas/`` y prepara los
  cuadernos: la URL del paquete en su primera celda y el código del paquete en
  las celdas que lo incluyen (``--8<-- "archivo:sección"``, como las páginas).
- ``on_page_markdown``: los datos del paquete (``{{ paquete: url }}``…), el
  archivo de origen como título de cada bloque incluido, y al principio de
  cada página con código, qué hace falta para ejecutarlo.
- ``on_page_content``: ese título enlaza el archivo en el repositorio.
"""

import ast
import hashlib
import html
import inspect
import logging
import os
import re
import sys
from functools import cache
from importlib.metadata import PackageNotFoundError, distribution, version
from pathlib import Path

import nbformat
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from ..cache import atomic_write_bytes, cache_dir
from . import snippets, wheel

INSTALL_PAGE = "instalar.md"
_MACRO = re.compile(r"\{\{\s*(paquete|fuente):\s*([\w./-]+)\s*\}\}")
_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<ticks>`{3,})[ \t]*python(?P<attrs>[^\n]*)\n"
                    r"(?P<body>.*?)^(?P=indent)(?P=ticks)[ \t]*$", re.M | re.S)
_TITLE = re.compile(r'<span class="filename">(?P<title>code/[^<]*)</span>')
SEPARATOR = " · "
log = logging.getLogger("mkdocs.hooks.cnnviz")


# --- Datos del paquete --------------------------------------------------------

def tested_python():
    """Versión de Python con que se construye y se prueba el sitio, p. ej. «3.11»."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def runtime_requirements():
    """``[(distribución, especificación)]`` de las dependencias del paquete."""
    pattern = re.compile(r"^\s*([A-Za-z0-9._-]+)\s*(.*)$")
    return [pattern.match(req).groups() for req in wheel.project()["dependencies"]]


def dependency_table():
    rows = ["| Paquete | Versión que pide | Versión probada |", "| --- | --- | --- |"]
    for name, spec in runtime_requirements():
        rows.append(f"| `{name}` | `{spec or 'cualquiera'}` | {version(name)} |")
    return "\n".join(rows)


def source_url(config, path):
    """URL de ``path`` (relativa a la raíz) en el repositorio, o None si no se conoce."""
    repo = (config.get("repo_url") or "").rstrip("/")
    if not repo:
        return None
    match = re.match(r"(?:edit|blob)/([^/]+)/", config.get("edit_uri") or "")
    branch = match.group(1) if match else "main"
    return f"{repo}/blob/{branch}/{path}"


def _repository_sentence(config):
    repo = (config.get("repo_url") or "").rstrip("/")
    if not repo:
        return ("Cada bloque de código que sale de la carpeta `code/` del repositorio "
                "lleva como título la ruta de su archivo.")
    return (f"El código fuente está en [{repo.split('://', 1)[-1]}]({repo}): cada página "
            "enlaza arriba su fuente, y cada bloque de código que sale de la carpeta "
            "`code/` lleva como título un enlace a su archivo.")


def _macro(config, page_dir):
    def expand(match):
        kind, name = match.groups()
        if kind == "fuente":
            if not (wheel.ROOT / name).is_file():
                raise ValueError(f"«{name}» no es un archivo del repositorio")
            url = source_url(config, name)
            return f"[`{name}`]({url})" if url else f"`{name}`"
        values = {
            "url": lambda: wheel.wheel_url(config),
            "sitio": lambda: config["site_url"],
            "archivo": wheel.wheel_name,
            "enlace": lambda: os.path.relpath(wheel.wheel_path_in_site(), page_dir),
            "python": tested_python,
            "torch": lambda: version("torch"),
            "dependencias": dependency_table,
            "repositorio": lambda: _repository_sentence(config),
        }
        if name not in values:
            raise ValueError(f"el dato del paquete «{name}» no existe; hay: {sorted(values)}")
        return values[name]()
    return expand


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
            raise ValueError(f"{where} importa «{module}», que el paquete cnnviz no declara "
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


def on_page_markdown(markdown, page, config):
    page_dir = os.path.dirname(page.file.src_uri) or "."
    try:
        markdown = _MACRO.sub(_macro(config, page_dir), markdown)
        code = _python_code(markdown)
        if code:
            note = _needs_note(code, page)
            h1 = re.search(r"^# .*\n", markdown, re.M)
            at = h1.end() if h1 else 0
            markdown = markdown[:at] + "\n" + note + "\n" + markdown[at:]
        return _add_titles(markdown)
    except (ValueError, SyntaxError, OSError, wheel.WheelError) as exc:
        raise PluginError(f"{page.file.src_uri}: {exc}") from exc


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
    """Copia del cuaderno lista para ejecutar y descargar; devuelve su ruta.

    En las celdas de código, ``{{ paquete: url }}`` pasa a ser la URL del
    paquete, y una celda hecha solo de inclusiones (``--8<-- "archivo:sección"``)
    recibe ese código, encabezado por un comentario con su origen. En las de
    texto, ``{{ fuente: archivo }}`` enlaza el archivo en el repositorio.
    """
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    expand = _macro(config, ".")
    code = []
    for cell in nb.cells:
        if cell.cell_type == "code" and snippets.directives(cell.source):
            files = list(dict.fromkeys(p for p, _ in snippets.directives(cell.source)))
            same = (": el mismo que usa el paquete" if all(f.startswith("code/cnnviz/")
                                                            for f in files) else "")
            cell.source = (f"# Código de {', '.join(files)}{same}.\n"
                           "# Puedes cambiarlo y volver a ejecutar la celda.\n"
                           + snippets.expand(cell.source))
        cell.source = _MACRO.sub(expand, cell.source)
        if cell.cell_type == "code":
            code.append(cell.source)
    modules = [m for cell in code for m in imported_modules(_without_magics(cell))]
    third_party(list(dict.fromkeys(modules)), path.name)
    data = nbformat.writes(nb).encode()
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


def _without_magics(code):
    """Cambia las líneas mágicas de IPython (``%pip``…), que no son Python, por ``pass``."""
    return "\n".join(line[:len(line) - len(line.lstrip())] + "pass"
                     if line.lstrip().startswith("%") else line for line in code.splitlines())


def on_files(files, config):
    """Publica el paquete en ``descargas/`` y prepara los cuadernos (antes de ejecutarlos)."""
    name = wheel.wheel_path_in_site()
    try:
        path, status = wheel.build_wheel()
        wheel.wheel_url(config)              # site_url válida para la línea de pip
    except (wheel.WheelError, OSError) as exc:
        raise PluginError(f"paquete {name}: {exc}") from exc
    log.info("paquete %s: %s", name, status)
    files.append(File.generated(config, name, abs_src_path=str(path)))
    for file in list(files):
        if file.src_uri.endswith(".ipynb"):
            try:
                file.abs_src_path = str(prepare_notebook(file.abs_src_path, config))
            except (ValueError, SyntaxError, OSError, wheel.WheelError) as exc:
                raise PluginError(f"{file.src_uri}: {exc}") from exc
    return files
