"""Ganchos de mkdocs: reparten cada evento al módulo de ``cnnviz.site`` que lo resuelve.

mkdocs carga este archivo por su ruta (``hooks:`` en mkdocs.yml). En cada
construcción se vuelve a importar el paquete ``cnnviz``, para que ``mkdocs
serve`` use el código recién editado. Lo que hay que generar (figuras,
cuadernos, datos, salidas del código, ``modelo.json``) lo decide y lo espera
``build.pipeline.Build``; en caliente, sin importar torch ni matplotlib.

Los errores propios (``cnnviz.errors.CnnvizError``) se tratan en un solo
sitio, ``_plugin_errors``: llegan a mkdocs como un mensaje de una línea, sin
traza. Un archivo de ``code/`` con un error de sintaxis también (archivo y
línea), y ``mkdocs serve`` sigue sirviendo el último sitio bueno.

Orden de los eventos de una página (prioridad mayor, antes):
- on_page_markdown: macros ``{{ … }}`` (``facts.macros``), títulos de los
  bloques incluidos y el aviso de qué hace falta para ejecutar el código;
- on_page_content (10): en los cuadernos, textos alternativos y página
  aligerada; en las demás, enlaces a ``code/``, fórmulas en MathML y salidas
  del código; después, glightbox envuelve las imágenes;
- on_post_page: nada de otros servidores, visor y guion diferidos.
"""

import ast
import functools
import importlib
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

_state = {}
CODE = Path(__file__).resolve().parents[2]     # la carpeta code/ del repositorio


def _cnnviz(module):
    """``cnnviz.<module>``, recién importado en cada construcción (ver on_config)."""
    return importlib.import_module(f"cnnviz.{module}")


def _one_line(exc):
    """Mensaje de un error de sintaxis en ``code/``: archivo, línea y qué falla."""
    path = Path(exc.filename or "?")
    if path.is_relative_to(CODE.parent):
        path = path.relative_to(CODE.parent)
    return f"{path}:{exc.lineno}: error de sintaxis: {exc.msg}"


_parsed = {}     # ruta -> (fecha, tamaño) de los archivos de code/ ya leídos sin error


def _check_syntax():
    """Todo ``code/`` se puede leer como Python.

    Se comprueba en on_config, antes de que mkdocs vacíe la carpeta del sitio:
    con un error, ``mkdocs serve`` sigue sirviendo el último sitio bueno. Solo
    se vuelven a leer los archivos que cambiaron (este módulo se carga una vez
    por proceso).
    """
    for path in CODE.rglob("*.py"):
        stat = path.stat()
        if _parsed.get(path) != (stat.st_mtime_ns, stat.st_size):
            ast.parse(path.read_bytes(), filename=str(path))
            _parsed[path] = (stat.st_mtime_ns, stat.st_size)


def _plugin_errors(hook):
    """Los errores de la construcción llegan a mkdocs como un mensaje claro, sin traza."""
    @functools.wraps(hook)
    def wrapper(*args, **kwargs):
        try:
            return hook(*args, **kwargs)
        except PluginError:
            raise
        except SyntaxError as exc:     # al leer las dependencias de code/ o al importarlo
            raise PluginError(_one_line(exc)) from None
        except Exception as exc:
            errors = sys.modules.get("cnnviz.errors")
            if errors is not None and isinstance(exc, errors.CnnvizError):
                raise PluginError(str(exc)) from exc
            raise
    return wrapper


@_plugin_errors
def on_startup(command, dirty):
    if command == "serve":
        _cnnviz("site.build.workers").warm_up()


@_plugin_errors
def on_config(config):
    _check_syntax()
    for name in [m for m in sys.modules if m == "cnnviz" or m.startswith("cnnviz.")]:
        del sys.modules[name]
    _state.clear()
    if not config.repo_url:     # sin repositorio conocido, sin enlaces «editar» (serían rotos)
        config.edit_uri = None
    _cnnviz("site.build.build_date").ensure_source_date_epoch(config.config_file_path)
    return config


@event_priority(-50)   # después de mkdocs-jupyter, que envuelve los .ipynb
@_plugin_errors
def on_files(files, config):
    build = _state["build"] = _cnnviz("site.build.pipeline").Build()
    files = _cnnviz("site.html.search_index").patch_spanish_search(files, config)
    _cnnviz("site.reader.pages").on_files(files, config, build)   # paquete y cuadernos
    _cnnviz("site.reader.kernel_photo").add_kernel_photo(files, config)   # banco de núcleos
    _cnnviz("site.reader.photo_export").add_photo_files(files, config)   # modo foto del laboratorio
    return build.plan(files, config)


@event_priority(90)    # antes de mkdocs-jupyter, que lee el cuaderno ejecutado
@_plugin_errors
def on_pre_page(page, config, files):
    if page.file.src_uri in _state["build"].notebooks:
        page.file.abs_src_path = _state["build"].notebook_path(page.file.src_uri)
    return page


@_plugin_errors
def on_page_markdown(markdown, page, config, files):
    if not page.file.src_uri.endswith(".ipynb"):    # los cuadernos, en reader.pages.on_files
        macros = _cnnviz("site.facts.macros")
        page_dir = "/".join(page.file.src_uri.split("/")[:-1]) or "."
        markdown = macros.expand(markdown, page.file.src_uri,
                                 macros.registry(config, page_dir, _state["build"]))
    return _cnnviz("site.reader.pages").on_page_markdown(markdown, page)


@event_priority(10)   # antes de glightbox, que lee las clases de las imágenes
@_plugin_errors
def on_page_content(html, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        # Textos alternativos en español y, después, la página sin el CSS de
        # JupyterLab, con las imágenes en claro y oscuro
        notebooks = _cnnviz("site.build.notebooks")
        html = notebooks.apply_image_alts(html, page.file.abs_src_path)
        html = notebooks.make_code_focusable(html)
        return _cnnviz("site.html.notebook_page").for_page(html, page, config)
    html = _cnnviz("site.reader.pages").on_page_content(html, config)   # enlaces a code/
    html = _cnnviz("site.html.mathml").render_math(html)
    return _state["build"].page_outputs(html, page)


@_plugin_errors
def on_env(env, config, files):
    _state["build"].finish()
    return env


@event_priority(100)   # antes de que la búsqueda indexe el contenido
@_plugin_errors
def on_page_context(context, page, config, nav):
    page.content = _state["build"].complete_page(page.content, page)
    return context


@event_priority(-10)   # después de mkdocs-jupyter, que copia el .ipynb junto a la página
@_plugin_errors
def on_post_page(output, page, config):
    if (page.file.abs_src_path or "").endswith(".ipynb"):
        notebook_page = _cnnviz("site.html.notebook_page")
        copy = notebook_page.downloaded_copy(page, config)
        if copy.is_file():      # sin las variantes oscuras: solo las usa el sitio
            notebook_page.strip_dark_variants(copy)
    offline = _cnnviz("site.html.offline")
    output = offline.strip_notebook_cdn(output)
    found = offline.external_requests(output)
    if found:
        raise PluginError(f"{page.file.src_uri} cargaría recursos de otro servidor: {found}")
    return _cnnviz("site.html.page_speed").speed_up(output)


def on_post_build(config):
    if "build" in _state:
        _state.pop("build").close()


def on_build_error(error):
    if "build" in _state:
        _state.pop("build").close(failed=True)
