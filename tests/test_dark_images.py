"""Imágenes de los cuadernos en claro y en oscuro (as_image y restyle) y su página.

El contraste se comprueba contra valores de referencia de las WCAG; la
variante oscura, en los píxeles del PNG; la página del cuaderno, pasando un
cuaderno pequeño por el conversor real de mkdocs-jupyter.
"""

import base64
import io

import nbformat
import numpy as np
import pytest
from matplotlib.colors import to_hex, to_rgba
from PIL import Image

from cnnviz.figures.restyle import contrast, readable, restyle
from cnnviz.figures.notebook import as_image
from cnnviz.figures.style import SCHEMES, Variant, new_figure, use_variant
from cnnviz.variants import DARK_PNG_KEY


def corner_rgb(png):
    return Image.open(io.BytesIO(png)).convert("RGB").getpixel((0, 0))


@pytest.mark.parametrize("a, b, expected", [
    ("#000000", "#ffffff", 21.0),      # máximo de la escala WCAG
    ("#777777", "#ffffff", 4.48),      # el gris clásico que no llega a 4,5:1
    ("#767676", "#ffffff", 4.54),      # el más claro que sí llega
    ("#ffffff", "#ffffff", 1.0),
])
def test_contrast_matches_wcag_reference_values(a, b, expected):
    assert contrast(a, b) == pytest.approx(expected, abs=0.01)


def test_readable_keeps_hue_and_reaches_minimum():
    dark_bg = SCHEMES["oscuro"]["background"]
    red = "#cf222e"                    # rojo pensado para fondo blanco
    assert contrast(red, dark_bg) < 4.5
    fixed = readable(red, dark_bg)
    assert contrast(fixed, dark_bg) >= 4.5
    r, g, b, _ = to_rgba(fixed)
    assert r > g and r > b             # sigue siendo rojo
    assert readable("#ffffff", dark_bg)[:3] == (1.0, 1.0, 1.0)   # ya legible: no cambia


def sample_figure():
    """Figura de cuaderno típica: curva, leyenda, título y una imagen con texto encima."""
    fig = new_figure(6, 3)
    ax1, ax2 = fig.subplots(1, 2)
    ax1.plot([0, 1, 2], [2, 1, 0], "k-", label="pérdida")
    ax1.plot([0, 1, 2], [0, 1, 2], color="#4e79a7", label="otra")
    ax1.legend()
    ax1.set_title("Curva", color="#cf222e")
    ax1.set_xlabel("época")
    ax2.imshow(np.eye(3), cmap="Blues")
    ax2.text(0, 0, "9", color="white")
    ax2.text(1, 0, "0", color="black")
    fig.suptitle("Una figura")
    return fig


def test_restyle_changes_background_and_text_but_not_data():
    fig = sample_figure()
    ax1, ax2 = fig.axes[:2]
    with use_variant(Variant(scheme="oscuro")):
        restyle(fig)
    colors = SCHEMES["oscuro"]
    assert to_hex(fig.get_facecolor()) == colors["background"]
    assert to_hex(ax1.get_facecolor()) == colors["background"]
    for text in [fig.texts[0], ax1.xaxis.label, *ax1.get_xticklabels(), *ax1.get_legend().get_texts()]:
        assert contrast(text.get_color(), colors["background"]) >= 4.5, text
    assert contrast(ax1.title.get_color(), colors["background"]) >= 4.5
    assert ax1.lines[0].get_color() != "k"                        # la curva negra se ve
    assert to_hex(ax1.lines[1].get_color()) == "#4e79a7"          # el color de los datos, igual
    # el texto sobre la imagen conserva el color elegido para su celda
    assert [t.get_color() for t in ax2.texts] == ["white", "black"]


def test_as_image_carries_light_and_dark_png_with_alt():
    image = as_image(sample_figure(), alt="Figura de prueba")
    assert image.metadata["alt"] == "Figura de prueba"
    light = image.data
    dark = base64.b64decode(image.metadata[DARK_PNG_KEY])
    assert corner_rgb(light) == (255, 255, 255)
    assert "#%02x%02x%02x" % corner_rgb(dark) == SCHEMES["oscuro"]["background"]
    assert Image.open(io.BytesIO(light)).size == Image.open(io.BytesIO(dark)).size


# --- La página de un cuaderno ------------------------------------------------

def tiny_notebook(tmp_path, dark=True):
    """Cuaderno ejecutado a mano: una celda de Markdown, una de código con texto e imagen."""
    image = as_image(sample_figure(), alt="Figura: una figura")
    metadata = {"alt": image.metadata["alt"]}
    if dark:
        metadata[DARK_PNG_KEY] = image.metadata[DARK_PNG_KEY]
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Título\n\nTexto."),
        nbformat.v4.new_code_cell("x = 1  # comentario\nprint(x)\nprint(x + 1)", outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="1\n"),
            nbformat.v4.new_output("stream", name="stdout", text="2\n"),
            nbformat.v4.new_output("display_data", data={
                "image/png": base64.b64encode(image.data).decode()},
                metadata={"image/png": metadata}),
        ]),
    ]
    path = tmp_path / "mini.ipynb"
    nbformat.write(nb, path)
    return path, image


def render_page(path, site):
    """El cuaderno por el conversor de mkdocs-jupyter y los pasos de la construcción."""
    from mkdocs_jupyter.convert import nb2html

    from cnnviz.site.build import notebooks
    from cnnviz.site.html.notebook_page import to_material

    html = nb2html(str(path), execute=False, no_prompt=True, include_requirejs=False)
    html = notebooks.apply_image_alts(html, path)
    html = notebooks.make_code_focusable(html)
    return html, to_material(html, path, site, "practica/mini", "Enlace a esta sección")


def test_notebook_page_is_light_and_material_native(tmp_path):
    from bs4 import BeautifulSoup

    path, image = tiny_notebook(tmp_path)
    before, after = render_page(path, tmp_path / "site")
    assert len(after) < len(before) / 10                   # sin el CSS de JupyterLab
    soup = BeautifulSoup(after, "html.parser")
    assert not soup.select("style, script, clipboard-copy, .clipboard-copy-txt")
    code = soup.select("div.language-python.highlight > pre > code")
    assert len(code) == 1 and "comentario" in code[0].text
    output = soup.select(".jp-OutputArea-output div.language-text.highlight")
    assert len(output) == 1 and output[0].select_one(".filename").text == "Salida"
    assert output[0].code.text == "1\n2\n"                # dos print, un bloque
    assert soup.select_one("h1 a.headerlink")["title"] == "Enlace a esta sección"
    assert not soup.select("[tabindex]")                  # sin paradas del tabulador de más

    light, dark = soup.select(".jp-RenderedImage img")
    assert light["src"].endswith("#only-light") and dark["src"].endswith("#only-dark")
    assert light["alt"] == dark["alt"] == "Figura: una figura"
    for img, data in ((light, image.data), (dark, base64.b64decode(image.metadata[DARK_PNG_KEY]))):
        written = tmp_path / "site" / "practica" / "mini" / img["src"].split("#")[0]
        assert written.read_bytes() == data
        assert (int(img["width"]), int(img["height"])) == Image.open(io.BytesIO(data)).size
        assert img["loading"] == "lazy"


def test_notebook_image_without_dark_variant_is_an_error(tmp_path):
    from cnnviz.site.html.notebook_page import NotebookPageError

    path, _ = tiny_notebook(tmp_path, dark=False)
    with pytest.raises(NotebookPageError, match="variante oscura.*as_image"):
        render_page(path, tmp_path / "site")


def test_downloaded_notebooks_keep_alt_but_not_dark_copies(built_site):
    """El .ipynb que se descarga trae sus imágenes con texto alternativo y sin la
    variante oscura, que solo usa el sitio (y que está junto a la página)."""
    notebooks = sorted(built_site.glob("practica/*/*.ipynb"))
    assert len(notebooks) >= 2
    for path in notebooks:
        nb = nbformat.read(path, as_version=4)
        metadata = [o.get("metadata", {}).get("image/png", {}) for c in nb.cells
                    for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
        assert metadata, path.name
        assert all(m.get("alt") and DARK_PNG_KEY not in m for m in metadata), path.name
        assert len(list((path.parent / "salidas").glob("*.png"))) == 2 * len(metadata)
