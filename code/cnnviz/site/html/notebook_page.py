"""Páginas de cuadernos ligeras y con el aspecto de las demás páginas.

mkdocs-jupyter pega en cada página unos 590 kB de CSS de JupyterLab y las
imágenes de las salidas en base64. Aquí, al construir:

- se quitan esos estilos y scripts (botón de copiar en inglés incluido); lo
  poco que necesitan los cuadernos está en ``docs/estilos/cuadernos.css``;
- las celdas de código pasan a ser bloques de código de Material (mismos
  colores, botón «Copiar al portapapeles», modo oscuro);
- los enlaces «¶» de los títulos pasan a ser los de Material (que la búsqueda
  no indexa);
- cada imagen de una salida se guarda como archivo PNG junto a la página, en
  su variante clara y oscura (la de ``figures.notebook.as_image``), con
  tamaño, carga diferida y visor (glightbox); Material muestra cada una en su
  esquema de color.
"""

import base64
import hashlib
import os
import re
from pathlib import Path

import nbformat
from bs4 import BeautifulSoup

from ...errors import CnnvizError
from ...png import png_size
from ...variants import DARK_PNG_KEY
from ..build.page_code import OUTPUT_TITLE   # el de los bloques «Salida» de las páginas

IMAGE_DIR = "salidas"
_DATA_URI = re.compile(r"^data:image/png;base64,(.*)$", re.S)


class NotebookPageError(CnnvizError):
    """La página del cuaderno no tiene lo que se esperaba."""


def output_images(notebook_path):
    """Imágenes PNG de las salidas, en orden: [(bytes claros, bytes oscuros o None)]."""
    nb = nbformat.read(notebook_path, as_version=4)
    images = []
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                dark = output.get("metadata", {}).get("image/png", {}).get(DARK_PNG_KEY)
                images.append((base64.b64decode(output["data"]["image/png"]),
                               base64.b64decode(dark) if dark else None))
    return images


def _image_name(data):
    return f"{IMAGE_DIR}/{hashlib.sha256(data).hexdigest()[:16]}.png"


def _material_block(soup, pre, language, title=None):
    """Bloque de código de Material con el contenido de ``pre``.

    Mismo marcado que un bloque de Markdown de las demás páginas:
    ``<div class="language-x highlight">[<span class="filename">]<pre><code>``.
    """
    code = soup.new_tag("code")
    for child in list(pre.contents):
        if child.name == "span" and not child.get("class") and not child.contents:
            continue                      # el <span></span> vacío que añade Pygments
        code.append(child.extract())
    block = soup.new_tag("div", attrs={"class": [f"language-{language}", "highlight"]})
    if title:
        label = soup.new_tag("span", attrs={"class": ["filename"]})
        label.string = title
        block.append(label)
    new_pre = soup.new_tag("pre")
    new_pre.append(code)
    block.append(new_pre)
    return block


def _merge_text_outputs(soup):
    """Salidas de texto seguidas de una celda (varios ``print``), en un solo bloque."""
    for child in soup.select(".jp-OutputArea-child"):
        if child.parent is None:
            continue                      # ya unida a la anterior
        pre = child.select_one(".jp-RenderedText[data-mime-type='text/plain'] > pre")
        following = child.find_next_sibling(class_="jp-OutputArea-child")
        while pre is not None and following is not None:
            nxt = following.select_one(".jp-RenderedText[data-mime-type='text/plain'] > pre")
            if nxt is None:
                break
            pre.extend(list(nxt.contents))
            after = following.find_next_sibling(class_="jp-OutputArea-child")
            following.decompose()
            following = after


def _code_cells(soup):
    """Celdas de código y salidas de texto como bloques de código de Material."""
    for div in soup.select("div.highlight-ipynb"):
        language = next((c[3:] for c in div.get("class", []) if c.startswith("hl-")), "python")
        div.replace_with(_material_block(soup, div.find("pre"), language))
    _merge_text_outputs(soup)
    for div in soup.select(".jp-RenderedText"):
        pre = div.find("pre")
        if pre is not None:
            pre.replace_with(_material_block(soup, pre, "text", OUTPUT_TITLE))


def _image_pair(soup, img, light, dark, alt, written):
    """Sustituye la imagen en base64 por sus dos archivos, claro y oscuro."""
    tags = []
    for data, scheme in ((light, "only-light"), (dark, "only-dark")):
        name = _image_name(data)
        written[name] = data
        try:
            width, height = png_size(data)
        except ValueError as exc:
            raise NotebookPageError(f"una imagen de las salidas del cuaderno: {exc}") from None
        tag = soup.new_tag("img", attrs={
            "src": f"{name}#{scheme}", "alt": alt, "width": str(width), "height": str(height),
            "loading": "lazy", "decoding": "async"})
        tags.append(tag)
    img.replace_with(*tags)


def to_material(page_html, notebook_path, site_dir, page_dest_dir, permalink_title):
    """HTML de la página del cuaderno, aligerado; escribe sus imágenes en el sitio.

    ``page_dest_dir``: carpeta de la página dentro de ``site_dir``.
    """
    soup = BeautifulSoup(page_html, "html.parser")
    for tag in soup.select("style, script, .zeroclipboard-container, .clipboard-copy-txt, "
                           ".jp-Collapser"):
        tag.decompose()
    # Solo son enfocables los bloques que se desplazan (de eso se ocupa Material)
    for tag in soup.select(".jp-Cell-inputWrapper[tabindex], .jp-OutputArea-output[tabindex]"):
        del tag["tabindex"]
    for link in soup.select("a.anchor-link"):
        link.attrs = {"class": ["headerlink"], "href": link["href"], "title": permalink_title}
    _code_cells(soup)

    images = output_images(notebook_path)
    tags = soup.select(".jp-OutputArea-output img")
    if len(tags) != len(images):
        raise NotebookPageError(f"«{Path(notebook_path).name}»: {len(images)} imágenes en las "
                                f"salidas y {len(tags)} en la página")
    written = {}
    for number, (img, (light, dark)) in enumerate(zip(tags, images), start=1):
        match = _DATA_URI.match(img.get("src", ""))
        if not match or base64.b64decode(match[1]) != light:
            raise NotebookPageError(f"«{Path(notebook_path).name}»: la imagen {number} de la "
                                    "página no es la de la salida del cuaderno")
        if dark is None:
            raise NotebookPageError(f"«{Path(notebook_path).name}»: la imagen {number} no tiene "
                                    "variante oscura: muéstrala con cnnviz.figures.notebook.as_image")
        _image_pair(soup, img, light, dark, img.get("alt", ""), written)

    _write_images(written, site_dir, page_dest_dir)
    return str(soup)


def for_page(page_html, page, config):
    """Llamada desde el gancho ``on_page_content`` para las páginas .ipynb.

    El HTML resultante se guarda en la caché con la clave de sus entradas (la
    página, el cuaderno, el título de los enlaces y este código): analizarlo
    con BeautifulSoup cuesta 0,25 s en cada construcción, también en cada
    recarga de ``mkdocs serve``. Con la página en caché solo se escriben sus
    imágenes, que salen del cuaderno.
    """
    from ...cache import prune, read_entry, write_entry
    from ..build.keys import notebook_page_key

    toc = config["mdx_configs"].get("toc", {})
    title = toc.get("permalink_title", "Enlace a esta sección")
    dest_dir = os.path.dirname(page.file.dest_uri)
    notebook = page.file.abs_src_path
    path = _page_path(page.file.src_uri, notebook_page_key(page_html, notebook, dest_dir, title))
    cached = read_entry(path)
    if cached is not None:
        _write_images({_image_name(data): data for pair in output_images(notebook)
                       for data in pair}, config["site_dir"], dest_dir)
        return cached.decode()
    html = to_material(page_html, notebook, config["site_dir"], dest_dir, title)
    write_entry(path, html.encode(), f"guardar la página del cuaderno {page.file.src_uri}")
    prune(path.parent.parent)
    return html


def _page_path(src_uri, key):
    from ...cache import entry_dir

    return entry_dir("notebook-pages", Path(src_uri).stem, key) / "pagina.html"


def _write_images(written, site_dir, page_dest_dir):
    out_dir = Path(site_dir) / page_dest_dir
    for name, data in written.items():
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def strip_dark_variants(notebook_path):
    """Quita las variantes oscuras del .ipynb que se descarga desde la página.

    Solo las usa el sitio; en Jupyter se ve la imagen clara, y sin ellas el
    cuaderno pesa la mitad.
    """
    nb = nbformat.read(notebook_path, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            output.get("metadata", {}).get("image/png", {}).pop(DARK_PNG_KEY, None)
    nbformat.write(nb, notebook_path)


def downloaded_copy(page, config):
    """Ruta del .ipynb que mkdocs-jupyter copia junto a la página (include_source)."""
    dest_dir = Path(config["site_dir"]) / os.path.dirname(page.file.dest_uri)
    return dest_dir / os.path.basename(page.file.abs_src_path)
