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


def page_problems(page):
    """Lo que falla en una página abierta con ``open_page``: lista vacía si nada.

    - una imagen del artículo que no cargó o no se decodifica (ancho natural 0);
    - una respuesta HTTP >= 400, una petición fallida o un error de consola;
    - una imagen cancelada (``net::ERR_ABORTED``) solo si la página la muestra:
      las variantes de un ``<picture>`` que el navegador deja de necesitar (la
      estrecha en pantalla ancha, la del otro esquema) se cancelan sin fallo.
    """
    images = page.evaluate("""() => Array.from(document.querySelectorAll('article img'))
        .filter(i => i.currentSrc || i.src)
        .map(i => ({src: i.currentSrc || i.src, w: i.naturalWidth, complete: i.complete}))""")
    shown = {img["src"].split("#")[0] for img in images}
    watch = page.watch
    return ([f"no cargó {img['src'][:100]}" for img in images
             if not (img["complete"] and img["w"] > 0)]
            + [f"HTTP: {bad}" for bad in watch.bad_responses]
            + [f"falló {failed}" for failed in watch.failed_requests]
            + [f"cancelada y mostrada: {url}" for url in watch.aborted_images
               if url.split("#")[0] in shown]
            + [f"consola: {error}" for error in watch.console_errors])


# Página de prueba del comprobador: la figura «relu» y, según el caso, otra imagen
_CHECK_PAGE = """<!doctype html><html lang="es"><head><title>p</title><link rel="icon" href="data:,"></head><body><article>
<img src="../figuras/relu.png" alt="figura de prueba">{extra}</article></body></html>"""
_CHECK_CASES = {
    # caso: (marcado extra, ¿es un fallo?)
    "variante cancelada sin mostrar": (
        '<script>new Image().src = "../figuras/relu-estrecha.png";</script>', False),
    "imagen cancelada y mostrada": ('<img src="../figuras/relu-oscuro.png" alt="oscura">', True),
    "imagen rota": ('<img src="rota.png" alt="rota">', True),
    "imagen ausente": ('<img src="no-existe.png" alt="ausente">', True),
}


@pytest.mark.parametrize("case", sorted(_CHECK_CASES))
def test_page_check_fails_on_broken_images_only(site_page, served_site, case):
    extra, fails = _CHECK_CASES[case]
    site_page.route(f"{served_site}prueba/", lambda route: route.fulfill(
        content_type="text/html", body=_CHECK_PAGE.format(extra=extra)))
    site_page.route(f"{served_site}prueba/rota.png", lambda route: route.fulfill(
        content_type="image/png", body=b"\x89PNG\r\n\x1a\n esto no es un PNG"))
    for variant in ("relu-estrecha.png", "relu-oscuro.png"):
        site_page.route(f"{served_site}figuras/{variant}", lambda route: route.abort("aborted"))
    open_page(site_page, "prueba/")
    site_page.wait_for_timeout(300)        # que llegue el aviso de la petición cancelada
    problems = page_problems(site_page)
    if case == "variante cancelada sin mostrar":
        assert site_page.watch.aborted_images, "la prueba no canceló ninguna petición"
    assert bool(problems) == fails, problems


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
    assert page_problems(site_page) == [], src


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
    ("practica/tu-foto/", "La clase más probable es «"),
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
