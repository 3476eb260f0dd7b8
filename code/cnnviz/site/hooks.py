"""Ganchos de mkdocs: reparten cada evento al módulo de ``cnnviz.site`` que lo resuelve.

mkdocs carga este archivo por su ruta (``hooks:`` en mkdocs.yml). En cada
construcción se vuelve a importar el paquete ``cnnviz``, para que ``mkdocs
serve`` use el código recién editado. Lo que hay que generar (figuras,
cuadernos, datos, salidas del código, ``modelo.json``) lo decide y lo espera
``pipeline.Build``; en caliente, sin importar torch ni matplotlib.
"""

import functools
import importlib
import sys

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority

_state = {}


def _cnnviz(module):
    """``cnnviz.<module>``, recién importado en cada construcción (ver on_config)."""
    return importlib.import_module(f"cnnviz.{module}")


def _plugin_errors(hook):
    """Los errores de la construcción llegan a mkdocs como un mensaje claro, sin traza."""
    @functools.wraps(hook)
    def wrapper(*args, **kwargs):
        try:
            return hook(*args, **kwargs)
        except PluginError:
            raise
        except (_cnnviz("site.pipeline").BuildError, _cnnviz("cache").CacheError,
                _cnnviz("site.macros").MacroError,
                _cnnviz("site.notebooks").NotebookError) as exc:
            raise PluginError(str(exc)) from exc
    return wrapper


def on_startup(command, dirty):
    if command == "serve":
        _cnnviz("site.workers").warm_up()


def on_config(config):
    for name in [m for m in sys.modules if m == "cnnviz" or m.startswith("cnnviz.")]:
        del sys.modules[name]
    _state.clear()
    if not config.repo_url:     # sin repositorio conocido, sin enlaces «editar» (serían rotos)
        config.edit_uri = None
    _cnnviz("site.build_date").ensure_source_date_epoch(config.config_file_path)
    return config


@event_priority(-50)   # después de mkdocs-jupyter, que envuelve los .ipynb
@_plugin_errors
def on_files(files, config):
    _cnnviz("site.reader").on_files(files, config)   # paquete del lector y cuadernos preparados
    _state["build"] = _cnnviz("site.pipeline").Build()
    return _state["build"].plan(files, config)


@event_priority(90)    # antes de mkdocs-jupyter, que lee el cuaderno ejecutado
@_plugin_errors
def on_pre_page(page, config, files):
    if page.file.src_uri in _state["build"].notebooks:
        page.file.abs_src_path = _state["build"].notebook_path(page.file.src_uri)
    return page


@_plugin_errors
def on_page_markdown(markdown, page, config, files):
    markdown = _cnnviz("site.reader").on_page_markdown(markdown, page, config)
    if page.file.src_uri.endswith(".ipynb"):
        return markdown
    build = _state["build"]
    figure_html = _cnnviz("site.figure_html")
    macros = _cnnviz("site.macros")

    def figure(name):
        if name not in build.figures:
            raise macros.MacroError(f"la figura «{name}» no está en el registro "
                                    f"(hay: {', '.join(build.figures)})")
        return figure_html.placeholder(name)

    def fact(name):
        if name not in build.facts:
            raise macros.MacroError(f"el dato «{name}» no existe (hay: {', '.join(build.facts)})")
        return build.fact(name)

    return macros.expand(markdown, page.file.src_uri, {"figura": figure, "dato": fact})


@event_priority(10)   # antes de glightbox, que lee las clases de las imágenes
@_plugin_errors
def on_page_content(html, page, config, files):
    if page.file.src_uri.endswith(".ipynb"):
        notebooks = _cnnviz("site.notebooks")
        html = notebooks.apply_image_alts(html, page.file.abs_src_path)
        return notebooks.make_code_focusable(html)
    html = _cnnviz("site.reader").on_page_content(html, config)   # enlaces a code/
    html = _cnnviz("site.mathml").render_math(html)
    try:
        return _state["build"].page_outputs(html, page)
    except ValueError as exc:
        raise PluginError(f"{page.file.src_uri}: {exc}") from exc


@_plugin_errors
def on_env(env, config, files):
    _state["build"].finish()
    return env


@event_priority(100)   # antes de que la búsqueda indexe el contenido
@_plugin_errors
def on_page_context(context, page, config, nav):
    page.content = _state["build"].complete_page(page.content, page)
    return context


def on_post_page(output, page, config):
    offline = _cnnviz("site.offline")
    output = offline.strip_notebook_cdn(output)
    found = offline.external_requests(output)
    if found:
        raise PluginError(f"{page.file.src_uri} cargaría recursos de otro servidor: {found}")
    return output


def on_post_build(config):
    if "build" in _state:
        _state.pop("build").close()


def on_build_error(error):
    if "build" in _state:
        _state.pop("build").close(failed=True)
