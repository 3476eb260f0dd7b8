"""Ganchos de mkdocs para el lector: búsqueda, páginas de cuadernos y velocidad.

Se cargan junto a hooks.py (``hooks:`` en mkdocs.yml):
- on_files: la búsqueda en español pliega tildes (search_index.py);
- on_page_content: las páginas de cuadernos, sin el CSS de JupyterLab y con
  sus imágenes en claro y oscuro (notebook_page.py); va después de
  hooks.py, que pone los textos alternativos (prioridad 10), y antes de
  glightbox, que envuelve las imágenes (prioridad 0);
- on_post_page: ni el visor de imágenes ni el guion de Material bloquean el
  primer dibujo (page_speed.py); el .ipynb que se descarga, sin las
  variantes oscuras de sus imágenes (solo las usa el sitio).

Como hooks.py, importa ``cnnviz`` en cada evento: tras cada construcción de
``mkdocs serve`` se usa el código recién editado.
"""

import importlib

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority


def _cnnviz(module):
    return importlib.import_module(f"cnnviz.{module}")


def on_files(files, config):
    search_index = _cnnviz("site.search_index")
    try:
        return search_index.patch_spanish_search(files, config)
    except search_index.SearchSetupError as exc:
        raise PluginError(str(exc)) from exc


@event_priority(5)
def on_page_content(html, page, config, files):
    if not (page.file.abs_src_path or "").endswith(".ipynb"):
        return html
    notebook_page = _cnnviz("site.notebook_page")
    try:
        return notebook_page.for_page(html, page, config)
    except (notebook_page.NotebookPageError, _cnnviz("cache").CacheError) as exc:
        raise PluginError(str(exc)) from exc


@event_priority(-10)   # después de mkdocs-jupyter, que copia el .ipynb junto a la página
def on_post_page(output, page, config):
    if (page.file.abs_src_path or "").endswith(".ipynb"):
        copy = _cnnviz("site.notebook_page").downloaded_copy(page, config)
        if copy.is_file():
            _cnnviz("site.notebook_page").strip_dark_variants(copy)
    page_speed = _cnnviz("site.page_speed")
    try:
        return page_speed.speed_up(output)
    except page_speed.PageSpeedError as exc:
        raise PluginError(f"{page.file.src_uri}: {exc}") from exc
