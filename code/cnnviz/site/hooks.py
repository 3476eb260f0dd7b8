"""Ganchos de mkdocs: figuras, cuadernos, datos, fórmulas y páginas sin CDN.

mkdocs carga este archivo por su ruta (``hooks:`` en mkdocs.yml). En cada
construcción se vuelve a importar el paquete ``cnnviz``, para que
``mkdocs serve`` use el código recién editado.
"""

import importlib
import logging
import os
import re
import sys

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

log = logging.getLogger("mkdocs.hooks.cnnviz")

FIGURE_DIR = "figuras"
_MACRO = re.compile(r"\{\{\s*(figura|dato):\s*([\w-]+)\s*\}\}")
_state = {}


def _cnnviz(module):
    """``cnnviz.<module>``, recién importado en cada construcción (ver on_config)."""
    return importlib.import_module(f"cnnviz.{module}")


def on_config(config):
    for name in [m for m in sys.modules if m == "cnnviz" or m.startswith("cnnviz.")]:
        del sys.modules[name]
    _state.clear()
    # Solo para el benchmark: construir sin generar nada (ni figuras, ni
    # cuadernos, ni salidas, ni pesos) para medir lo que cuesta la generación
    _state["skip"] = os.environ.get("CNNVIZ_SKIP_GENERATION") == "1"
    return config


@event_priority(-50)   # después de mkdocs-jupyter, que envuelve los .ipynb
def on_files(files, config):
    _cnnviz("site.reader").on_files(files, config)   # paquete del lector y cuadernos preparados
    figure_build = _cnnviz("site.figure_build")
    notebooks = _cnnviz("site.notebooks")
    figures = _cnnviz("figures")
    sizes = {}
    if _state["skip"]:
        _state.update(sizes={}, figures=figures.FIGURES)
        return files
    figure_build.prepare_trained_model(figures.FIGURES.values())
    for name, spec in figures.FIGURES.items():
        try:
            path, status = figure_build.render_figure(spec)
        except figure_build.FigureError as exc:
            raise PluginError(str(exc)) from exc
        log.info("figura %s: %s", name, status)
        sizes[name] = figure_build.png_size(path)
        files.append(File.generated(config, f"{FIGURE_DIR}/{name}.png", abs_src_path=str(path)))
    _state["sizes"] = sizes
    _state["figures"] = figures.FIGURES

    # Laboratorio: los pesos recién entrenados, junto a su página
    lab_export = _cnnviz("site.lab_export")
    lab_data, lab_status = lab_export.lab_json()
    log.info("laboratorio %s: %s (%d bytes)", lab_export.LAB_PATH, lab_status, len(lab_data))
    files.append(File.generated(config, lab_export.LAB_PATH, content=lab_data))
    for path, data, status in lab_export.extra_files():   # pesos al azar y por época
        log.info("laboratorio %s: %s (%d bytes)", path, status, len(data))
        files.append(File.generated(config, path, content=data))

    for file in list(files):
        if file.src_uri.endswith(".ipynb"):
            try:
                executed, status = notebooks.execute_notebook(file.abs_src_path)
            except notebooks.NotebookError as exc:
                raise PluginError(str(exc)) from exc
            log.info("cuaderno %s: %s", file.src_uri, status)
            file.abs_src_path = str(executed)
    return files


def _figure_markdown(name, page):
    spec = _state["figures"].get(name)
    if spec is None:
        raise PluginError(f"{page.file.src_uri}: la figura «{name}» no está en el registro")
    rel = os.path.relpath(f"{FIGURE_DIR}/{name}.png", os.path.dirname(page.file.src_uri) or ".")
    width, height = _state["sizes"].get(name, (0, 0))
    size = f' width="{width}" height="{height}"' if width else ""
    return f'![{spec.alt}]({rel}){{ loading=lazy{size} }}'


def on_page_markdown(markdown, page, config, files):
    markdown = _cnnviz("site.reader").on_page_markdown(markdown, page, config)
    facts = _cnnviz("site.facts").FACTS

    def expand(match):
        kind, name = match.groups()
        if kind == "figura":
            return _figure_markdown(name, page)
        if name not in facts:
            raise PluginError(f"{page.file.src_uri}: el dato «{name}» no existe")
        if _state["skip"]:
            return "—"
        return str(facts[name]())

    return _MACRO.sub(expand, markdown)


@event_priority(10)   # antes de glightbox, que lee las clases de las imágenes
def on_page_content(html, page, config, files):
    if page.file.abs_src_path and page.file.abs_src_path.endswith(".ipynb"):
        notebooks = _cnnviz("site.notebooks")
        try:
            html = notebooks.apply_image_alts(html, page.file.abs_src_path)
            return notebooks.make_code_focusable(html)
        except notebooks.NotebookError as exc:
            raise PluginError(str(exc)) from exc
    html = _cnnviz("site.reader").on_page_content(html, config)   # enlaces a code/
    html = _cnnviz("site.mathml").render_math(html)
    page_code = _cnnviz("site.page_code")
    if _state["skip"]:
        return html
    try:
        package_key = _cnnviz("site.notebooks").package_hash() + _cnnviz("cache").library_versions()
        return page_code.fill_outputs(html, package_key)
    except (RuntimeError, ValueError) as exc:
        raise PluginError(f"{page.file.src_uri}: {exc}") from exc


def on_post_page(output, page, config):
    offline = _cnnviz("site.offline")
    output = offline.strip_notebook_cdn(output)
    found = offline.external_requests(output)
    if found:
        raise PluginError(f"{page.file.src_uri} cargaría recursos de otro servidor: {found}")
    return output
