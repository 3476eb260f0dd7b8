"""Ayudas para las pruebas de lector: teléfono, esquema oscuro y búsqueda.

Contextos de Chromium como los de un lector real (teléfono de 390×844 con
pantalla táctil, esquema de color del sistema claro u oscuro) y las
comprobaciones que comparten test_phone.py, test_dark.py y test_search.py.
"""

import contextlib
import io

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


@contextlib.contextmanager
def reader_page(browser, base_url, scheme="light", device=DESKTOP):
    """Página de Playwright con el esquema del sistema y el dispositivo dados.

    Anota errores de consola, peticiones fallidas y peticiones a otros
    servidores (que bloquea), como ``site_page`` de conftest.py.
    """
    context = browser.new_context(base_url=base_url, color_scheme=scheme, **device)
    page = context.new_page()
    page.problems = []

    def route(route):
        if route.request.url.startswith(base_url):
            route.continue_()
        else:
            page.problems.append(f"petición a otro servidor: {route.request.url}")
            route.abort()

    context.route("**/*", route)
    page.on("console", lambda msg: msg.type == "error" and page.problems.append(msg.text))
    page.on("pageerror", lambda exc: page.problems.append(str(exc)))
    # Una petición cancelada (una imagen diferida que deja de verse al cambiar
    # de esquema) no es un fallo
    page.on("requestfailed", lambda req: "ERR_ABORTED" not in (req.failure or "")
            and page.problems.append(f"falló {req.url} ({req.failure})"))
    try:
        yield page
    finally:
        context.close()


def open_fully(page, url):
    """Abre la página y espera a que carguen sus imágenes visibles (también las diferidas)."""
    page.goto(url, wait_until="load")
    page.evaluate("""async () => {
        for (const img of document.images) {
            if (!img.checkVisibility()) continue;      // la variante del otro esquema
            img.scrollIntoView();
            await new Promise(r => setTimeout(r, 20));
        }
        // Si alguna aún no empezó a cargar, que cargue ya (no cambia cuál se elige)
        for (const img of document.images) {
            if (img.checkVisibility() && !img.complete) img.loading = "eager";
        }
        window.scrollTo(0, 0);
    }""")
    page.wait_for_function("""Array.from(document.images)
        .every(i => !i.checkVisibility() || (i.complete && i.naturalWidth > 0))""", timeout=120000)
    page.wait_for_timeout(200)   # ResizeObserver y demás tras la carga


def shown_images(page):
    """Imágenes del artículo que se ven (no las ocultas por el esquema de color)."""
    return page.evaluate("""() => Array.from(document.querySelectorAll('article img'))
        .filter(i => i.checkVisibility())
        .map(i => ({src: i.currentSrc, path: new URL(i.currentSrc).pathname,
                    width: i.getBoundingClientRect().width}))""")


def background_luminance(png_bytes):
    """Luminancia relativa (0 negro, 1 blanco) del color más frecuente del borde de la imagen.

    El borde de una figura es su fondo (márgenes alrededor de los ejes).
    """
    from collections import Counter

    from PIL import Image

    img = Image.open(io.BytesIO(png_bytes)).convert("RGB")
    w, h = img.size
    border = ([img.getpixel((x, 0)) for x in range(w)] + [img.getpixel((x, h - 1)) for x in range(w)]
              + [img.getpixel((0, y)) for y in range(h)] + [img.getpixel((w - 1, y)) for y in range(h)])
    r, g, b = Counter(border).most_common(1)[0][0]

    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)
