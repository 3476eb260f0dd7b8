"""El banco de núcleos de «Filtros convolucionales», en Chromium.

- La foto exportada (filtros/camara.png) es la de la página, en 256 niveles.
- La convolución en JavaScript (docs/filtros/js/nucleos.js) da lo mismo que
  ``cnnviz.filters.apply_filters`` (PyTorch) con cada preajuste y con núcleos
  al azar de 3×3 y 5×5, sobre la foto de la página y sobre imágenes generadas
  aquí (≤ 1e-5); también lo que dibuja la página al subir una foto.
- Entrada mala (no es imagen, 50 megapíxeles, transparente, de un tono, un
  peso que no es número): mensaje en español y el banco sigue funcionando.
- Arrastrar y soltar, y la cámara falsa de Chromium, dan una foto que se filtra.
- Ninguna petición sale del sitio; el teclado basta; 390 px y modo oscuro.
"""

import io

import numpy as np
import pytest
import torch
from PIL import Image

from cnnviz.filters import LAPLACIAN, SOBEL_X, SOBEL_Y, apply_filters
from cnnviz.kernel_photo import PHOTO_PATH, photo_levels, png_levels
from conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOT_DIR

TOL = 1e-5
PAGE = "filtros-bordes/"


# --- Lo exportado -------------------------------------------------------------

def test_exported_photo_is_page_photo(built_site):
    from cnnviz.data import sample_photo

    levels = png_levels((built_site / PHOTO_PATH).read_bytes())
    photo = sample_photo("camera", size=256).numpy()
    assert levels.shape == photo.shape == (256, 256)
    assert np.array_equal(levels, photo_levels())
    # Cuantizar a 256 niveles mueve cada píxel como mucho medio nivel
    assert np.abs(levels / 255 - photo).max() <= 0.5 / 255 + 1e-6


# --- En el navegador ----------------------------------------------------------

def open_playground(page):
    page.goto(PAGE)
    page.wait_for_selector("#banco-nucleos[data-listo='true']", timeout=30_000)


def torch_filter(gray, kernel):
    image = torch.as_tensor(np.asarray(gray, np.float32))
    return apply_filters(image, torch.as_tensor(np.asarray(kernel, np.float32))[None])[0].numpy()


def browser_filter(page, gray, kernel):
    """Lo que calcula nucleos.js, importado en la página, sobre una imagen dada."""
    h, w = gray.shape
    k = kernel.shape[0]
    result = page.evaluate("""async ([gris, w, h, nucleo, k]) => {
        const m = await import(new URL("../filtros/js/nucleos.js", location.href).href);
        const r = m.filtrar(Float32Array.from(gris), w, h, nucleo, k);
        return {datos: Array.from(r.datos), ancho: r.ancho, alto: r.alto};
    }""", [gray.astype(np.float32).ravel().tolist(), w, h, kernel.ravel().tolist(), k])
    assert (result["alto"], result["ancho"]) == (h - k + 1, w - k + 1)
    return np.array(result["datos"], np.float32).reshape(h - k + 1, w - k + 1)


def presets(page):
    return page.evaluate("""async () => {
        const m = await import(new URL("../filtros/js/nucleos.js", location.href).href);
        return m.PREAJUSTES;
    }""")


def test_presets_match_page_filters(site_page):
    open_playground(site_page)
    p = presets(site_page)
    for name, tensor in [("laplaciano", LAPLACIAN), ("sobel_x", SOBEL_X), ("sobel_y", SOBEL_Y)]:
        assert np.array_equal(np.reshape(p[name]["valores"], (3, 3)), tensor.numpy()), name
    for name, spec in p.items():
        total = sum(spec["valores"])
        if name in ("laplaciano", "sobel_x", "sobel_y"):
            assert total == 0, name
        else:
            assert abs(total - 1) < 1e-12, name


def test_javascript_matches_pytorch(site_page):
    """Cada preajuste y núcleos al azar, sobre la foto de la página y una imagen al azar."""
    open_playground(site_page)
    photo = photo_levels().astype(np.float32) / 255
    rng = np.random.default_rng(19)
    noise = rng.random((61, 47), dtype=np.float32)
    kernels = [np.reshape(spec["valores"], (spec["tamano"],) * 2) for spec in presets(site_page).values()]
    kernels += [rng.normal(size=(3, 3)), rng.normal(size=(5, 5)) * 3]
    worst = 0.0
    for gray in (photo, noise):
        for kernel in kernels:
            ours = browser_filter(site_page, gray, kernel)
            theirs = torch_filter(gray, kernel)
            worst = max(worst, float(np.abs(ours - theirs).max()))
    assert worst <= TOL, f"diferencia máxima con PyTorch: {worst:.2e}"
    assert not site_page.watch.console_errors


def test_page_photo_output_matches_pytorch(site_page):
    """Lo que la página filtra y dibuja: la foto exportada, tal como la lee el navegador."""
    open_playground(site_page)
    photo = photo_levels().astype(np.float32) / 255
    for preset in ["laplaciano", "sobel_x", "gaussiano5"]:
        site_page.evaluate(f"window.bancoNucleos.ponerPreajuste('{preset}')")
        out = site_page.evaluate("""() => {
            const u = window.bancoNucleos.estado.ultimo;
            return {datos: Array.from(u.datos), ancho: u.ancho, alto: u.alto,
                    valores: window.bancoNucleos.estado.valores, k: window.bancoNucleos.estado.tamano};
        }""")
        k = out["k"]
        ours = np.array(out["datos"], np.float32).reshape(out["alto"], out["ancho"])
        theirs = torch_filter(photo, np.reshape(out["valores"], (k, k)))
        assert ours.shape == theirs.shape == (257 - k, 257 - k)
        assert np.abs(ours - theirs).max() <= TOL, preset
    text = site_page.locator("#kb-rango").inner_text()
    assert "valores de" in text and "negro" in text


def test_weights_parsing_and_kernel_errors(site_page):
    """Pesos escritos a la española o como fracciones; núcleos imposibles dan un mensaje claro."""
    open_playground(site_page)
    out = site_page.evaluate("""async () => {
        const b = await import(new URL("../filtros/js/banco.js", location.href).href);
        const m = await import(new URL("../filtros/js/nucleos.js", location.href).href);
        const pesos = ["−1", "-2", "0,5", "0.25", " 1/9 ", "−3/4", ",5", "1/0", "abc", "1,2,3", "", "2/3/4"]
            .map((t) => [t, b.leerPeso(t)]);
        const errores = [];
        for (const f of [() => m.filtrar(new Float32Array(16), 4, 4, [1, 2], 3),
                         () => m.filtrar(new Float32Array(4), 2, 2, Array(9).fill(0), 3),
                         () => m.filtrar(new Float32Array(16), 4, 4, Array(16).fill(0), 4),
                         () => m.filtrar(new Float32Array(16), 4, 4, [0, 0, 0, 0, NaN, 0, 0, 0, 0], 3)]) {
            try { f(); errores.push(null); } catch (e) { errores.push(e.message); }
        }
        return {pesos, errores};
    }""")
    parsed = dict(out["pesos"])
    assert parsed["−1"] == -1 and parsed["-2"] == -2 and parsed["0,5"] == 0.5 and parsed["0.25"] == 0.25
    assert parsed[" 1/9 "] == pytest.approx(1 / 9, abs=0) and parsed["−3/4"] == -0.75 and parsed[",5"] == 0.5
    for bad in ["1/0", "abc", "1,2,3", "", "2/3/4"]:
        assert parsed[bad] is None or np.isnan(parsed[bad]), bad
    assert out["errores"] == [
        "un núcleo de 3×3 tiene 9 pesos; llegaron 2",
        "la imagen (2×2) es menor que el núcleo (3×3)",
        "el núcleo debe ser de 3×3 o 5×5; llegó 4×4",
        "el peso de la fila 2, columna 2 no es un número",
    ]


def png_bytes(array, mode):
    buffer = io.BytesIO()
    Image.fromarray(array, mode=mode).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(page, name, data, mime):
    """Elige un archivo (bytes o ruta) con el botón y espera a que se haya leído."""
    before = int(page.locator("#banco-nucleos").get_attribute("data-cargas") or 0)
    files = data if not isinstance(data, bytes) else [{"name": name, "mimeType": mime, "buffer": data}]
    page.set_input_files("#kb-archivo", files=files)
    page.wait_for_function(f"Number(document.getElementById('banco-nucleos').dataset.cargas) > {before}",
                           timeout=60_000)


def notice(page):
    box = page.locator("#kb-aviso")
    return box.inner_text() if box.is_visible() else ""


def test_reader_photo_colour_matches_pytorch(site_page):
    """Una foto en color del lector: gris con los pesos de rgb2gray y el filtro de PyTorch."""
    open_playground(site_page)
    rng = np.random.default_rng(7)
    rgb = rng.integers(0, 256, size=(40, 64, 3), dtype=np.uint8)
    upload(site_page, "color.png", png_bytes(rgb, "RGB"), "image/png")
    site_page.evaluate("window.bancoNucleos.ponerPreajuste('sobel_y')")
    out = site_page.evaluate("""() => {
        const u = window.bancoNucleos.estado.ultimo;
        return {datos: Array.from(u.datos), ancho: u.ancho, alto: u.alto};
    }""")
    gray = (rgb.astype(np.float64) @ np.array([0.2125, 0.7154, 0.0721]) / 255).astype(np.float32)
    theirs = torch_filter(gray, SOBEL_Y.numpy())
    ours = np.array(out["datos"], np.float32).reshape(out["alto"], out["ancho"])
    assert ours.shape == theirs.shape == (38, 62)
    assert np.abs(ours - theirs).max() <= TOL
    assert "«color.png», 64×40" in site_page.locator("#kb-fuente").inner_text()


def test_bad_input_keeps_working(site_page):
    open_playground(site_page)
    page = site_page
    # No es una imagen
    upload(page, "notas.txt", b"hola", "text/plain")
    assert "no es una imagen" in notice(page) and "PNG, JPEG" in notice(page)
    upload(page, "falsa.png", b"esto no es un PNG", "image/png")
    assert "no se puede leer como imagen" in notice(page)
    assert "la foto de la página" in page.locator("#kb-fuente").inner_text()   # sigue la anterior
    # Transparente del todo, y de un solo tono
    upload(page, "vacia.png", png_bytes(np.zeros((30, 30, 4), np.uint8), "RGBA"), "image/png")
    assert "transparente" in notice(page) and "un solo tono" in notice(page)
    upload(page, "gris.png", png_bytes(np.full((30, 30), 128, np.uint8), "L"), "image/png")
    assert "un solo tono" in notice(page)
    assert page.evaluate("window.bancoNucleos.estado.ultimo.rango.max") == 0
    # Un peso que no es número: aviso, y se sigue usando el último válido
    field = page.locator("#kb-peso-4")
    field.fill("abc")
    assert "no es un número" in notice(page)
    assert field.get_attribute("aria-invalid") == "true"
    field.fill("1/2")
    assert page.evaluate("window.bancoNucleos.estado.valores[4]") == 0.5
    assert field.get_attribute("aria-invalid") is None
    # Sigue funcionando con una foto buena
    stripes = np.zeros((20, 20), np.uint8)
    stripes[:, 10:] = 255
    upload(page, "rayas.png", png_bytes(stripes, "L"), "image/png")
    assert not notice(page)
    assert page.evaluate("window.bancoNucleos.estado.ultimo.ancho") == 18
    assert not page.watch.console_errors
    assert not page.watch.external_requests


def test_huge_photo_is_downscaled_without_freezing(site_page, tmp_path):
    """Una foto de 50 megapíxeles se reduce a 512 de lado; el hilo principal no se congela.

    La foto se pasa como archivo (no como bytes, que Playwright decodificaría en
    el hilo principal de la página).
    """
    page = site_page
    open_playground(page)
    h, w = 6124, 8165   # 50,0 megapíxeles
    y, x = np.mgrid[0:h:8, 0:w:8]
    small = ((x // 40 + y // 40) % 2 * 200 + 20).astype(np.uint8)
    big = np.asarray(Image.fromarray(small).resize((w, h), Image.NEAREST))
    path = tmp_path / "enorme.jpg"
    Image.fromarray(big).save(path, format="JPEG", quality=80)
    page.evaluate("""() => {
        window.__largas = [];
        new PerformanceObserver((l) => { for (const e of l.getEntries()) window.__largas.push(e.duration); })
            .observe({type: "longtask"});
    }""")
    upload(page, "enorme.jpg", path, "image/jpeg")
    assert "8165×6124" in notice(page) and "512×384" in notice(page)
    state = page.evaluate("({a: window.bancoNucleos.estado.imagen.ancho, h: window.bancoNucleos.estado.imagen.alto})")
    assert (state["a"], state["h"]) == (512, 384)
    longest = max(page.evaluate("window.__largas"), default=0)
    assert longest <= 150, f"el hilo principal se bloqueó {longest:.0f} ms"
    assert not page.watch.console_errors


def test_drop_and_keyboard(site_page):
    page = site_page
    open_playground(page)
    # Arrastrar y soltar una foto sobre las imágenes
    stripes = np.zeros((24, 24), np.uint8)
    stripes[12:] = 255
    data = list(png_bytes(stripes, "L"))
    before = int(page.locator("#banco-nucleos").get_attribute("data-cargas"))
    page.evaluate("""(bytes) => {
        const dt = new DataTransfer();
        dt.items.add(new File([new Uint8Array(bytes)], "soltada.png", {type: "image/png"}));
        document.getElementById("kb-zona").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
    }""", data)
    page.wait_for_function(f"Number(document.getElementById('banco-nucleos').dataset.cargas) > {before}")
    assert "«soltada.png», 24×24" in page.locator("#kb-fuente").inner_text()
    # Teclado: el preajuste y el tamaño con teclas; cada control con nombre
    page.focus("#kb-preajuste")
    page.select_option("#kb-preajuste", "caja5")
    assert page.evaluate("window.bancoNucleos.estado.tamano") == 5
    assert page.locator("#kb-rejilla input").count() == 25
    page.focus("#kb-t3")
    page.keyboard.press("Space")
    assert page.locator("#kb-rejilla input").count() == 9
    page.focus("#kb-peso-0")
    page.keyboard.press("Alt+ArrowRight")
    assert page.evaluate("document.activeElement.id") == "kb-peso-1"
    unnamed = page.evaluate("""() => [...document.querySelectorAll('#banco-nucleos input, #banco-nucleos select, #banco-nucleos button')]
        .filter((e) => !e.hidden && !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                 && !(e.tagName === 'BUTTON' && e.textContent.trim())).map((e) => e.id)""")
    assert unnamed == []


def test_privacy_statement_and_no_external_requests(site_page):
    open_playground(site_page)
    text = site_page.locator("article").inner_text()
    assert "Tu foto no sale de tu equipo" in text
    assert not site_page.watch.external_requests
    assert not site_page.watch.failed_requests
    assert not site_page.watch.bad_responses


@pytest.mark.parametrize("width,scheme", [(1280, "light"), (390, "light"), (390, "dark")])
def test_layout_and_screenshots(browser, served_site, width, scheme):
    context = browser.new_context(base_url=served_site, viewport={"width": width, "height": 900},
                                  color_scheme=scheme)
    page = context.new_page()
    open_playground(page)
    page.locator("#banco-nucleos").scroll_into_view_if_needed()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"la página se sale {overflow} px a {width} px"
    box = page.locator("#banco-nucleos").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    SCREENSHOT_DIR.mkdir(exist_ok=True)
    page.locator("#banco-nucleos").screenshot(path=SCREENSHOT_DIR / f"banco-nucleos-{width}-{scheme}.png")
    context.close()


def test_camera_with_fake_device(browser, served_site):
    """Con la cámara falsa de Chromium: abrir, tomar la foto, filtrarla y cerrar.

    Otro Chromium (con la cámara falsa), lanzado con el Playwright del accesorio
    ``browser``: dos ``sync_playwright`` no pueden convivir en un hilo.
    """
    args = [*CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream"]
    camera_browser = browser.browser_type.launch(executable_path=CHROMIUM, args=args)
    try:
        context = camera_browser.new_context(base_url=served_site)
        context.grant_permissions(["camera"])
        page = context.new_page()
        page.set_default_timeout(60_000)   # la máquina puede estar ocupada
        open_playground(page)
        page.click("#kb-camara")
        page.wait_for_function("document.getElementById('kb-video').videoWidth > 0")
        page.click("#kb-capturar")
        source = page.locator("#kb-fuente").inner_text()
        assert "la cámara" in source
        image = page.evaluate("({a: bancoNucleos.estado.imagen.ancho, h: bancoNucleos.estado.imagen.alto})")
        assert max(image["a"], image["h"]) <= 512
        assert page.evaluate("bancoNucleos.estado.ultimo.ancho") == image["a"] - 2
        page.click("#kb-camara")   # cerrar
        assert page.locator("#kb-video").is_hidden()
    finally:
        camera_browser.close()
