"""Esquema claro y oscuro: figuras del esquema que se ve y contraste suficiente.

En Chromium, con el esquema de color del sistema claro u oscuro (Material
elige su paleta según ``prefers-color-scheme``):
- cada figura o imagen de cuaderno que se ve es la de ese esquema: el color
  de su borde (el fondo de la figura) es oscuro en oscuro y claro en claro;
- al cambiar de esquema con el botón de la cabecera, cambian las imágenes;
- axe-core no encuentra texto ni controles con contraste insuficiente
  (regla color-contrast: 4,5:1, o 3:1 en texto grande).
Deja una captura de cada página en oscuro: capturas/<página>-oscuro.png.
"""

import os

import pytest
from conftest import ROOT, SCREENSHOT_DIR, nav_pages
from reader import background_luminance, open_fully, reader_page, shown_images

PAGES = nav_pages()
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
MATERIAL_SCHEME = {"light": "default", "dark": "slate"}


def wrong_scheme_images(page, built_site, scheme):
    """Imágenes visibles cuyo fondo no es del esquema: [(ruta, luminancia)]."""
    wrong = []
    for img in shown_images(page):
        path = built_site / img["path"].lstrip("/")
        luminance = background_luminance(path.read_bytes())
        if (scheme == "dark" and luminance > 0.2) or (scheme == "light" and luminance < 0.6):
            wrong.append((img["path"], round(luminance, 3)))
    return wrong


def contrast_failures(page):
    """Nodos sin contraste suficiente según axe-core (regla color-contrast)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("""async () => await axe.run(document,
        {runOnly: {type: "rule", values: ["color-contrast"]}})""")
    return [(node["target"], node["any"][0]["message"][:160] if node["any"] else "")
            for v in result["violations"] for node in v["nodes"]]


CASES = [pytest.param(src, url, scheme, id=f"{src}-{scheme}")
         for src, url in PAGES for scheme in ("light", "dark")]


@pytest.mark.parametrize("src, url, scheme", CASES)
def test_scheme_images_and_contrast(browser, served_site, built_site, src, url, scheme):
    if not AXE.is_file():
        message = "falta axe-core: ejecuta ./scripts/setup-browser (necesita npm)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with reader_page(browser, served_site, scheme=scheme) as page:
        open_fully(page, url)
        assert page.evaluate("document.body.dataset.mdColorScheme") == MATERIAL_SCHEME[scheme]
        if scheme == "dark":
            SCREENSHOT_DIR.mkdir(exist_ok=True)
            name = src.rsplit(".", 1)[0].replace("/", "_")
            page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-oscuro.png"), full_page=True)
        failing = contrast_failures(page)
        wrong = wrong_scheme_images(page, built_site, scheme)
        assert failing == [], f"{src} ({scheme}): {len(failing)} sin contraste: {failing[:8]}"
        assert page.problems == [], f"{src}: {page.problems}"
        assert wrong == [], f"{src}: imágenes de otro esquema en {scheme}: {wrong}"


def test_toggle_switches_notebook_images(browser, served_site, built_site):
    """El botón claro/oscuro cambia también las imágenes de los cuadernos."""
    with reader_page(browser, served_site, scheme="dark") as page:
        open_fully(page, "practica/entrenar/")
        dark = [img["path"] for img in shown_images(page)]
        assert dark and wrong_scheme_images(page, built_site, "dark") == []
        page.locator("form[data-md-component=palette] label:visible").first.click()
        page.wait_for_function("document.body.dataset.mdColorScheme === 'default'")
        open_fully(page, "practica/entrenar/")   # misma página: su paleta elegida se guarda
        light = [img["path"] for img in shown_images(page)]
        assert len(light) == len(dark) and set(light).isdisjoint(dark)
        assert wrong_scheme_images(page, built_site, "light") == []
