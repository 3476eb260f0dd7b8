"""Lo que ve un lector en un navegador de verdad (Chromium con Playwright).

Para cada página del menú: idioma, título, imágenes cargadas con texto
alternativo en español, sin errores de consola ni peticiones fallidas, y
ninguna petición a otro servidor. Además: el cambio claro/oscuro, la
búsqueda en español, los cuadernos con sus salidas, accesibilidad con
axe-core y una captura de pantalla completa de cada página.
"""

import re

import pytest
from conftest import ROOT, SCREENSHOT_DIR, nav_pages

PAGES = nav_pages()
SPANISH = re.compile(r"\b(de|del|la|el|los|las|y|con|en|un|una|para|por)\b", re.I)
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"


def open_page(page, url):
    page.goto(url, wait_until="load")
    # Recorrer la página para que carguen las imágenes diferidas (loading=lazy)
    page.evaluate("""async () => {
        for (const img of document.images) {
            img.scrollIntoView();
            await new Promise(r => setTimeout(r, 20));
        }
        // Si alguna aún no empezó a cargar, que cargue ya (no cambia qué se mide)
        for (const img of document.images) { if (!img.complete) img.loading = "eager"; }
        window.scrollTo(0, 0);
    }""")
    page.wait_for_function("Array.from(document.images).every(i => i.complete)",
                           timeout=60000)


@pytest.mark.parametrize("src, url", PAGES, ids=[s for s, _ in PAGES])
def test_page_loads_cleanly(site_page, src, url):
    open_page(site_page, url)
    assert site_page.evaluate("document.documentElement.lang") == "es"
    title = site_page.title()
    assert "Capas de una CNN" in title, title
    assert site_page.locator("article h1").first.inner_text().strip()

    images = site_page.evaluate("""() => Array.from(document.querySelectorAll('article img'))
        .map(i => ({src: i.currentSrc || i.src, w: i.naturalWidth, alt: i.alt}))""")
    for img in images:
        assert img["w"] > 0, f"{src}: no cargó {img['src'][:80]}"
        assert img["alt"].strip(), f"{src}: imagen sin texto alternativo {img['src'][:80]}"
        assert SPANISH.search(img["alt"]), f"{src}: alt no parece español: {img['alt']}"

    SCREENSHOT_DIR.mkdir(exist_ok=True)
    name = src.rsplit(".", 1)[0].replace("/", "_")
    site_page.screenshot(path=str(SCREENSHOT_DIR / f"{name}.png"), full_page=True)

    watch = site_page.watch
    assert watch.external_requests == [], f"{src} pidió a otro servidor: {watch.external_requests}"
    assert watch.console_errors == [], f"{src}: errores de consola {watch.console_errors}"
    assert watch.failed_requests == [], f"{src}: peticiones fallidas {watch.failed_requests}"


@pytest.mark.parametrize("src, url", PAGES, ids=[s for s, _ in PAGES])
def test_no_serious_accessibility_violations(site_page, src, url):
    if not AXE.is_file():
        message = "falta axe-core: ejecuta ./scripts/setup-browser (necesita npm)"
        if __import__("os").environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    open_page(site_page, url)
    site_page.add_script_tag(path=str(AXE))
    result = site_page.evaluate("async () => await axe.run(document)")
    serious = [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
               for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == [], f"{src}: {serious}"


def test_light_dark_toggle_switches_scheme(site_page):
    site_page.goto("teoria/")
    scheme = lambda: site_page.evaluate("document.body.getAttribute('data-md-color-scheme')")  # noqa: E731
    first = scheme()
    site_page.locator("form[data-md-component=palette] label:visible").first.click()
    site_page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') !== '{first}'")
    second = scheme()
    assert {first, second} == {"default", "slate"}
    site_page.locator("form[data-md-component=palette] label:visible").first.click()
    site_page.wait_for_function(f"document.body.getAttribute('data-md-color-scheme') === '{first}'")


@pytest.mark.parametrize("query, expected_page", [
    ("convolución", "teoria/"),
    ("pooling", "teoria/"),
    ("saliencia", "visualizacion/atribucion/"),
])
def test_spanish_search_finds_pages(site_page, query, expected_page):
    site_page.goto("")
    box = site_page.locator("input.md-search__input")
    box.click()
    box.press_sequentially(query, delay=20)   # teclear, como un lector
    results = site_page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=15000)
    hrefs = results.evaluate_all("links => links.map(a => a.href)")
    assert any(expected_page in h for h in hrefs), (query, hrefs)
    assert site_page.watch.console_errors == []


@pytest.mark.parametrize("url, text", [
    ("practica/cnn-basica/", "igual que apply_filters: True"),
    ("practica/entrenar/", "exactitud en prueba:"),
])
def test_notebook_pages_show_executed_outputs(site_page, url, text):
    open_page(site_page, url)
    outputs = site_page.locator(".jp-OutputArea-output")
    assert outputs.count() >= 4
    assert site_page.locator(".jp-OutputArea-output img").count() >= 3
    joined = " ".join(outputs.all_inner_texts())
    assert text in joined
    # La descarga del .ipynb funciona
    name = url.strip("/").split("/")[-1]
    response = site_page.request.get(f"{url}{name}.ipynb")
    assert response.ok and b'"cells"' in response.body()
