"""En un teléfono (390×844, táctil): nada cortado ni desbordado sin una señal.

Para cada página del menú, en Chromium con Playwright:
- la página no se desplaza en horizontal;
- todo elemento visible del artículo cabe en su contenedor o está dentro de
  uno que se desplaza (fórmulas, tablas, código), nunca en uno que lo corte;
- cada contenedor que se desplaza muestra una señal visible en el borde por
  el que sigue el contenido (se comprueba en píxeles, con el contenido oculto:
  el borde cambia entre el principio y el final del desplazamiento);
- nada se desplaza en vertical dentro del artículo;
- cada figura con variante estrecha en el sitio se sirve en esa variante, en
  claro y, tras pulsar el botón de la cabecera, en oscuro;
- en el visor, una figura ancha se ve a su tamaño natural y el dedo la desplaza.
Deja capturas de la página entera: capturas/<página>-telefono(-oscuro).png.
"""

import io
from pathlib import PurePosixPath

import pytest
from conftest import SCREENSHOT_DIR, nav_pages
from reader import PHONE, open_fully, reader_page, shown_images

PAGES = nav_pages()

# Elementos que sobresalen de su contenedor: si este se desplaza, se anota
# (el contenedor) para comprobar su señal; si no, es un problema.
OVERFLOW_JS = """() => {
    const visible = el => el.checkVisibility({visibilityProperty: true, checkVisibilityCSS: true});
    const clipping = el => {
        const s = getComputedStyle(el);
        return s.overflowX !== "visible" || s.overflowY !== "visible";
    };
    const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\\s+/).join(".") : "");
    const vw = document.documentElement.clientWidth;
    const problems = [], scrollers = new Set(), vertical = new Set();
    for (const el of document.querySelectorAll("article *")) {
        if (!visible(el)) continue;
        const r = el.getBoundingClientRect();
        if (!r.width || !r.height) continue;
        let box = el.parentElement;
        while (box && !clipping(box)) box = box.parentElement;
        const b = box ? box.getBoundingClientRect() : {left: 0, right: vw};
        if (box && clipping(box) && box.scrollHeight > box.clientHeight + 1
                && /(auto|scroll)/.test(getComputedStyle(box).overflowY)
                && box.closest("article")) vertical.add(box);
        if (box && getComputedStyle(box).overflowY !== "visible"
                && (r.bottom > b.bottom + 1 || r.top < b.top - 1)
                && box.scrollHeight <= box.clientHeight + 1)
            problems.push(`${name(el)} queda cortado en vertical por ${name(box)}`);
        if (r.right <= b.right + 1 && r.left >= b.left - 1) continue;
        const scrolls = box && /(auto|scroll)/.test(getComputedStyle(box).overflowX)
            && box.scrollWidth > box.clientWidth + 1;
        if (scrolls) { scrollers.add(box); continue; }
        problems.push(`${name(el)} sobresale ${Math.round(Math.max(r.right - b.right, b.left - r.left))} px `
            + (box ? `de ${name(box)}, que lo corta` : "de la pantalla"));
    }
    let i = 0;
    for (const s of scrollers) s.dataset.desplazable = String(i++);
    return {problems: [...new Set(problems)].slice(0, 20), scrollers: i,
            vertical: [...vertical].map(name),
            pageWidth: document.documentElement.scrollWidth, viewport: vw};
}"""

HIDE_CONTENT = """
.cnnviz-sin-contenido, .cnnviz-sin-contenido * {
  color: transparent !important; -webkit-text-fill-color: transparent !important;
  caret-color: transparent !important; }
.cnnviz-sin-contenido * { visibility: hidden !important; }
"""


def _right_edge(page, selector):
    """Franja del borde derecho del elemento, en la parte que está en pantalla
    (sin la cabecera fija de Material)."""
    from PIL import Image

    box = page.evaluate(f"""() => {{ const r = document.querySelector('{selector}').getBoundingClientRect();
        const top = Math.max(r.top, document.querySelector('.md-header').getBoundingClientRect().bottom);
        return {{x: r.right - 14, y: top, width: 12, height: Math.min(r.bottom, innerHeight) - top}}; }}""")
    shot = page.screenshot(clip=box, scale="css", animations="disabled")
    return Image.open(io.BytesIO(shot)).convert("L")


def cue_difference(page, selector):
    """Diferencia media (0–255) del borde derecho, sin contenido, entre el
    principio del desplazamiento y el final: sin señal visible, 0."""
    from PIL import ImageChops, ImageStat

    page.evaluate(f"""() => {{ const el = document.querySelector('{selector}');
        el.scrollIntoView({{block: "center"}});
        el.scrollLeft = 0; el.classList.add("cnnviz-sin-contenido"); }}""")
    page.wait_for_timeout(100)   # dibujar lo que acaba de entrar en pantalla
    start = _right_edge(page, selector)
    page.evaluate(f"document.querySelector('{selector}').scrollLeft = 1e6")
    page.wait_for_timeout(100)   # el evento «scroll» y lo que cambie con él
    end = _right_edge(page, selector)
    page.evaluate(f"""() => {{ const el = document.querySelector('{selector}');
        el.scrollLeft = 0; el.classList.remove("cnnviz-sin-contenido"); }}""")
    return ImageStat.Stat(ImageChops.difference(start, end)).mean[0]


def narrow_variant(path):
    """figuras/x.png -> figuras/x-estrecha.png (y lo mismo con -oscuro)."""
    p = PurePosixPath(path)
    dark = p.stem.endswith("-oscuro")
    base = p.stem.removesuffix("-oscuro")
    if base.endswith("-estrecha"):
        return None
    return str(p.with_name(f"{base}-estrecha{'-oscuro' if dark else ''}.png"))


def wide_instead_of_narrow(page, built_site):
    """Figuras que el sitio tiene en versión estrecha y llegan anchas: [(ancha, estrecha)]."""
    wrong = []
    for img in shown_images(page):
        path = img["path"].lstrip("/")
        narrow = narrow_variant(path)
        if narrow and (built_site / narrow).is_file() and path != narrow:
            wrong.append((path, narrow))
    return wrong


@pytest.mark.parametrize("src, url", PAGES, ids=[s for s, _ in PAGES])
def test_phone_nothing_clipped_without_cue(browser, served_site, built_site, src, url):
    name = src.rsplit(".", 1)[0].replace("/", "_")
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    with reader_page(browser, served_site, device=PHONE) as page:
        open_fully(page, url)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-telefono.png"), full_page=True,
                        scale="css")
        result = page.evaluate(OVERFLOW_JS)
        assert result["pageWidth"] <= result["viewport"], (
            f"{src}: la página se desplaza en horizontal ({result['pageWidth']} px en "
            f"{result['viewport']})")
        assert result["problems"] == [], f"{src}: {result['problems']}"
        assert result["vertical"] == [], f"{src}: se desplazan en vertical: {result['vertical']}"
        assert wide_instead_of_narrow(page, built_site) == [], f"{src}: el teléfono recibe la figura ancha"

        page.add_style_tag(content=HIDE_CONTENT)
        weak = []
        for i in range(result["scrollers"]):
            selector = f'[data-desplazable="{i}"]'
            if cue_difference(page, selector) < 2:
                weak.append(page.evaluate(f"""() => {{ const el = document.querySelector('{selector}');
                    return el.tagName + "." + el.className + ": " + el.textContent.trim().slice(0, 40); }}"""))
        assert weak == [], f"{src}: se desplazan sin señal visible en el borde: {weak}"

        # En oscuro (botón de la cabecera), también la variante estrecha
        page.locator("form[data-md-component=palette] label:visible").first.tap()
        page.wait_for_function("document.body.dataset.mdColorScheme === 'slate'")
        open_fully(page, url)
        page.screenshot(path=str(SCREENSHOT_DIR / f"{name}-telefono-oscuro.png"), full_page=True,
                        scale="css")
        assert wide_instead_of_narrow(page, built_site) == [], f"{src}: el teléfono recibe la figura ancha (oscuro)"
        assert page.problems == [], f"{src}: {page.problems}"


def test_narrow_variants_are_used(built_site):
    """Cada variante estrecha generada la ofrece alguna página (``srcset``)."""
    narrow = sorted((built_site / "figuras").glob("*-estrecha*.png"))
    assert narrow, "ninguna figura del sitio tiene variante estrecha (figuras/*-estrecha.png)"
    pages = "".join(p.read_text() for p in built_site.rglob("index.html"))
    unused = [p.name for p in narrow if f"{p.name}" not in pages]
    assert unused == [], f"variantes estrechas que ninguna página ofrece: {unused}"


def swipe(page, x, y, dx):
    """Desliza un dedo en horizontal (eventos táctiles de verdad, vía CDP)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 11):
        cdp.send("Input.dispatchTouchEvent",
                 {"type": "touchMove", "touchPoints": [{"x": x + dx * step / 10, "y": y}]})
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    page.wait_for_timeout(300)


# Las figuras de las páginas llegan al teléfono en composición estrecha; las
# anchas que quedan son las salidas de los cuadernos
@pytest.mark.parametrize("url", ["practica/entrenar/"])
def test_phone_lightbox_shows_wide_figure_at_legible_size(browser, served_site, url):
    """Al tocar una figura ancha, el visor la muestra a su tamaño natural y el
    dedo la desplaza (en vez de pasar a otra figura)."""
    with reader_page(browser, served_site, device=PHONE) as page:
        open_fully(page, url)
        widths = page.locator("article a.glightbox:visible img").evaluate_all(
            "imgs => imgs.map(i => i.naturalWidth)")
        widest = max(range(len(widths)), key=widths.__getitem__)
        assert widths[widest] > 600, f"{url}: no hay figuras anchas ({widths})"
        link = page.locator("article a.glightbox:visible").nth(widest)
        link.scroll_into_view_if_needed()
        link.tap()
        image = page.locator(".gslide.current img")
        image.wait_for()
        page.wait_for_function("() => { const i = document.querySelector('.gslide.current img');"
                               " return i.complete && i.naturalWidth > 0; }")
        page.wait_for_timeout(600)          # animación de apertura
        shown = image.evaluate("i => [i.getBoundingClientRect().width, i.naturalWidth, i.currentSrc]")
        assert shown[0] >= shown[1] - 1, f"{url}: el visor la encoge a {shown[0]:.0f} px de {shown[1]}"
        box = page.locator(".gslide.current .gslide-media")
        swipe(page, 300, image.bounding_box()["y"] + 40, -200)
        assert box.evaluate("b => b.scrollLeft") > 100, f"{url}: el dedo no desplaza la figura"
        assert image.evaluate("i => i.currentSrc") == shown[2], f"{url}: pasó a otra figura"
        assert page.problems == [], page.problems
