"""En Chromium: cada página enlaza su fuente, y cada cuaderno se descarga con un botón visible."""

import nbformat
import pytest
from conftest import SCREENSHOT_DIR, TEST_REPO_URL, nav_pages

NOTEBOOK_PAGES = [(src, url) for src, url in nav_pages() if src.endswith(".ipynb")]


@pytest.mark.parametrize("src, url", NOTEBOOK_PAGES)
def test_notebook_page_downloads_a_notebook_and_links_its_source(site_page, tmp_path, src, url):
    site_page.goto(url)
    button = site_page.locator("a[data-cuaderno=descargar]")
    assert button.is_visible() and "Descargar el cuaderno" in button.inner_text()
    with site_page.expect_download() as info:
        button.click()
    download = info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.name == src.rsplit("/", 1)[-1]
    nb = nbformat.read(saved, as_version=4)
    nbformat.validate(nb)
    assert [c for c in nb.cells if c.cell_type == "code"]
    # La fuente del cuaderno en el repositorio (acción «ver» de Material)
    source = site_page.locator(f'a.md-content__button[href="{TEST_REPO_URL}/raw/main/docs/{src}"]')
    assert source.count() == 1 and source.is_visible()
    # Colab abre la copia publicada de este mismo cuaderno (rama «cuadernos»)
    colab = site_page.locator("a[data-cuaderno=colab]")
    assert colab.get_attribute("href") == ("https://colab.research.google.com/github/"
                                           f"{TEST_REPO_URL.removeprefix('https://github.com/')}"
                                           f"/blob/cuadernos/{saved.name}")
    assert site_page.watch.external_requests == []
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    site_page.screenshot(path=SCREENSHOT_DIR / f"cuaderno-{saved.stem}-arriba.png")


@pytest.mark.parametrize("src, url", nav_pages())
def test_every_page_links_its_source(site_page, src, url):
    site_page.goto(url)
    view = site_page.locator(f'a.md-content__button[href="{TEST_REPO_URL}/raw/main/docs/{src}"]')
    edit = site_page.locator(f'a.md-content__button[href="{TEST_REPO_URL}/edit/main/docs/{src}"]')
    assert view.count() == 1 and view.is_visible(), src
    assert edit.count() == 1, src
    # El enlace al repositorio de la cabecera no pide nada a la API de GitHub
    assert site_page.watch.external_requests == []
