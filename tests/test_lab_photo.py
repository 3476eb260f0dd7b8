"""El modo foto del laboratorio: SqueezeNet en el navegador del lector.

- Lo exportado (``laboratorio/foto/``) son los pesos de ``cnnviz.imagenet``
  redondeados a float16, los 1000 nombres en español y las fotos de ejemplo.
- El efecto del float16, medido con PyTorch: el mismo top-5 en 20 fotos y recortes.
- En Chromium, con las mismas 20 fotos y recortes (de ``skimage.data``), en PNG:
  el top-5 es el de PyTorch con los pesos en float32 (mismas clases, mismo
  orden) y cada probabilidad difiere ≤ 0,01; el Grad-CAM del navegador es el de
  ``cnnviz.imagenet.attribution.grad_cam``.
- Un archivo que no es imagen da un mensaje en español y el modo sigue
  funcionando; nada del modo foto se descarga antes de abrirlo; cabe en 390 px.
"""

import io
import json

import numpy as np
import pytest
import torch

from cnnviz.imagenet import class_names, load_model, preprocess
from cnnviz.imagenet.attribution import grad_cam
from cnnviz.imagenet.photos import load_photo
from cnnviz.site.reader import photo_export

PROB_TOL = 0.01
pytestmark = pytest.mark.usefixtures("one_thread")


def _rgb(image):
    return np.repeat(image[:, :, None], 3, axis=2) if image.ndim == 2 else image


def sample_images():
    """20 fotos RGB uint8: las 7 de PHOTOS y 13 recortes (cuadrados, alargados, pequeños)."""
    names = ["coffee", "chelsea", "motorcycle_left", "motorcycle_right", "camera", "astronaut",
             "rocket"]
    photos = {n: _rgb(load_photo(n)) for n in names}
    crops = [("chelsea", (slice(0, 200), slice(50, 250))),      # la cara de la gata
             ("chelsea", (slice(None), slice(0, 225))),
             ("coffee", (slice(50, 350), slice(100, 500))),
             ("coffee", (slice(0, 120), slice(0, 600))),         # muy alargado
             ("astronaut", (slice(0, 256), slice(128, 384))),
             ("astronaut", (slice(300, 512), slice(0, 512))),
             ("rocket", (slice(0, 427), slice(150, 450))),
             ("camera", (slice(50, 300), slice(150, 400))),
             ("camera", (slice(0, 100), slice(0, 100))),         # pequeño: se amplía
             ("motorcycle_left", (slice(100, 400), slice(100, 500))),
             ("motorcycle_right", (slice(0, 250), slice(300, 741))),
             ("coffee", (slice(100, 164), slice(200, 300))),     # 64×100
             ("astronaut", (slice(None, None, 3), slice(None, None, 2)))]
    images = list(photos.values())
    images += [np.ascontiguousarray(photos[n][rows, cols]) for n, (rows, cols) in crops]
    assert len(images) == 20
    return images




def png(rgb):
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def model():
    m = load_model()
    for p in m.parameters():
        p.requires_grad_(False)
    return m


# --- Lo exportado (sin navegador) ---

@pytest.fixture(scope="module")
def files():
    return photo_export.build_photo_files()


def test_export_is_squeezenet_in_float16(files, model):
    header, arrays = photo_export.read_container(files["squeezenet.bin"])
    assert header["tipo"] == "float16"
    state = model.state_dict()
    assert set(arrays) == set(state)
    for name, tensor in state.items():
        expected = tensor.numpy().astype(np.float16).astype(np.float32)   # NumPy, redondeo al par
        np.testing.assert_array_equal(arrays[name], expected, err_msg=name)
    manifest = json.loads(files["foto.json"])
    assert manifest["clases"] == class_names() and len(manifest["clases"]) == 1000
    assert manifest["media_bgr"] == [103.939, 116.779, 123.68] and manifest["lado"] == 227
    from PIL import Image
    for photo in manifest["fotos"]:
        image = np.asarray(Image.open(io.BytesIO(files[photo["archivo"]])))
        assert image.shape == (227, 227, 3), photo
        np.testing.assert_array_equal(image, photo_export.example_photo(photo["id"]))


def test_float16_keeps_the_top5(capsys):
    effect = photo_export.float16_effect(sample_images())
    with capsys.disabled():
        print(f"\nfloat16 frente a float32: top-5 igual en {effect['top5_iguales']} de "
              f"{effect['fotos']}; mayor diferencia de probabilidad {effect['max_dif_prob']:.2e}")
    assert effect["top5_iguales"] == effect["fotos"]
    assert effect["max_dif_prob"] <= PROB_TOL


def test_bad_container_is_rejected():
    with pytest.raises(Exception):
        photo_export.read_container(b"\x00\x00\x00\x10no es json")


# --- En el navegador ---

def open_photo_mode(page):
    page.goto("laboratorio/")
    page.wait_for_selector("#lab-photo-open:not([hidden])")
    page.focus("#lab-photo-open")           # con el teclado
    page.keyboard.press("Enter")
    page.wait_for_selector("#lab-photo[data-ready='true']", timeout=60_000)
    page.wait_for_function("window.cnnLabPhoto.results > 0", timeout=60_000)


def browser_classify(page, data):
    import base64

    return page.evaluate("""async (texto) => {
        const bytes = Uint8Array.from(atob(texto), (c) => c.charCodeAt(0));
        return await window.cnnLabPhoto.classify(new Blob([bytes], {type: 'image/png'}));
    }""", base64.b64encode(data).decode())


def gzip_weight(built_site, urls, base):
    """Bytes que enviaría un servidor que comprime el texto con gzip (como GitHub Pages)."""
    import gzip
    from urllib.parse import urlsplit

    total = 0
    for url in set(urls):
        path = built_site / urlsplit(url).path.lstrip("/")
        if path.is_dir():
            path = path / "index.html"
        if not url.startswith(base) or not path.is_file():
            continue
        data = path.read_bytes()
        compressed = path.suffix in (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")
        total += len(gzip.compress(data, 6)) if compressed else len(data)
    return total


def test_photo_mode_downloads_nothing_until_opened(site_page, built_site, served_site, capsys):
    requests = []
    site_page.on("request", lambda r: requests.append(r.url))
    site_page.goto("laboratorio/")
    site_page.wait_for_selector("#cnn-lab[data-ready='true']", timeout=30_000)
    site_page.wait_for_selector("#cnn-lab[data-epochs-ready]", timeout=30_000)
    heavy = ("/laboratorio/foto/", "/js/foto.js", "trabajador-foto.js", "squeezenet")
    assert not [u for u in requests if any(h in u for h in heavy)], requests
    first = gzip_weight(built_site, requests, served_site)
    with capsys.disabled():
        print(f"\nprimera carga del laboratorio (gzip): {first / 1000:.1f} kB")
    assert first <= 700_000
    site_page.click("#lab-photo-open")
    site_page.wait_for_selector("#lab-photo[data-ready='true']", timeout=60_000)
    assert any(u.endswith("foto/squeezenet.bin") for u in requests)
    site_page.wait_for_function("window.cnnLabPhoto.results > 0", timeout=60_000)
    with capsys.disabled():
        print(f"modo foto (gzip): {(gzip_weight(built_site, requests, served_site) - first) / 1000:.1f} kB más")
    assert site_page.watch.external_requests == []


def test_top5_and_probabilities_match_pytorch(site_page, model, capsys):
    open_photo_mode(site_page)
    worst, lines = 0.0, []
    for i, image in enumerate(sample_images()):
        got = browser_classify(site_page, png(image))
        assert "error" not in got, got
        with torch.no_grad():
            probs = model(preprocess(image)).softmax(1)[0]
        top = probs.topk(5)
        expected = top.indices.tolist()
        browser_top = [t["clase"] for t in got["top"]]
        assert browser_top == expected, (i, browser_top, expected)
        assert [t["nombre"] for t in got["top"]] == [class_names()[k] for k in expected]
        diff = float(np.abs(np.array(got["probs"]) - probs.numpy()).max())
        worst = max(worst, diff)
        lines.append(f"{i}: {image.shape[1]}×{image.shape[0]} top-1 {class_names()[expected[0]]} "
                     f"{float(top.values[0]):.3f}; dif. máx. {diff:.1e}; red {got['ms']['red']:.0f} ms")
        assert diff <= PROB_TOL, (i, diff)
    with capsys.disabled():
        print("\nmodo foto frente a PyTorch (float32):\n  " + "\n  ".join(lines)
              + f"\n  mayor diferencia de probabilidad: {worst:.2e}")


def test_gradcam_matches_python(site_page, model, capsys):
    open_photo_mode(site_page)
    worst_corr, worst_err = 1.0, 0.0
    for image in sample_images()[:6]:
        got = browser_classify(site_page, png(image))
        x = preprocess(image)
        for t in got["top"]:
            cam = site_page.evaluate("(c) => window.cnnLabPhoto.gradcam(c)", t["clase"])
            assert cam["forma"] == [13, 13]
            browser = np.array(cam["cam"])
            expected = grad_cam(model, x, t["clase"]).flatten().numpy()
            scale = max(float(expected.max()), 1e-6)
            err = float(np.abs(browser - expected).max()) / scale
            if expected.std() > 0 and browser.std() > 0:
                corr = float(np.corrcoef(browser, expected)[0, 1])
            else:
                corr = 1.0 if np.allclose(browser, expected, atol=1e-3 * scale) else 0.0
            worst_corr, worst_err = min(worst_corr, corr), max(worst_err, err)
    with capsys.disabled():
        print(f"\nGrad-CAM navegador frente a Python (6 fotos × top-5): correlación mínima "
              f"{worst_corr:.7f}, error máximo relativo al máximo del mapa {worst_err:.2e}")
    assert worst_corr >= 0.999
    assert worst_err <= 0.02


def test_file_input_and_class_buttons(site_page):
    open_photo_mode(site_page)
    image = _rgb(load_photo("chelsea"))
    before = site_page.evaluate("window.cnnLabPhoto.results")
    site_page.set_input_files("#lab-photo-file", files=[
        {"name": "gata.png", "mimeType": "image/png", "buffer": png(image)}])
    site_page.wait_for_function("(n) => window.cnnLabPhoto.results > n", arg=before)
    status = site_page.inner_text("#lab-photo-status")
    assert "SqueezeNet dice" in status and "451×300" in status, status
    buttons = site_page.locator(".lab-photo-class")
    assert buttons.count() == 5
    second = buttons.nth(1)
    second.focus()
    site_page.keyboard.press("Enter")
    site_page.wait_for_function("document.querySelectorAll('.lab-photo-class')[1]"
                                ".getAttribute('aria-pressed') === 'true'")
    assert site_page.evaluate("window.cnnLabPhoto.lastCam.clase") == int(second.get_attribute("data-clase"))
    assert site_page.locator("#lab-photo-conv1 canvas").count() >= 8


def test_a_file_that_is_not_an_image_gives_a_spanish_message(site_page):
    open_photo_mode(site_page)
    before = site_page.evaluate("window.cnnLabPhoto.results")
    site_page.set_input_files("#lab-photo-file", files=[
        {"name": "notas.txt", "mimeType": "text/plain", "buffer": b"esto no es una foto\n"}])
    site_page.wait_for_function("(n) => window.cnnLabPhoto.results > n", arg=before)
    status = site_page.inner_text("#lab-photo-status")
    assert "«notas.txt» no es una imagen" in status and "PNG, JPEG" in status, status
    # Y sigue funcionando
    got = browser_classify(site_page, png(_rgb(load_photo("coffee"))))
    assert "error" not in got and got["top"][0]["clase"] == 967
    assert site_page.watch.console_errors == []


def test_a_dropped_photo_is_classified(site_page, model):
    import base64

    open_photo_mode(site_page)
    image = _rgb(load_photo("camera"))
    before = site_page.evaluate("window.cnnLabPhoto.results")
    site_page.evaluate("""(texto) => {
        const bytes = Uint8Array.from(atob(texto), (c) => c.charCodeAt(0));
        const datos = new DataTransfer();
        datos.items.add(new File([bytes], "fotografo.png", {type: "image/png"}));
        const zona = document.getElementById("lab-photo-drop");
        zona.dispatchEvent(new DragEvent("dragover", {dataTransfer: datos, bubbles: true, cancelable: true}));
        zona.dispatchEvent(new DragEvent("drop", {dataTransfer: datos, bubbles: true, cancelable: true}));
    }""", base64.b64encode(png(image)).decode())
    site_page.wait_for_function("(n) => window.cnnLabPhoto.results > n", arg=before)
    got = site_page.evaluate("window.cnnLabPhoto.last")
    with torch.no_grad():
        expected = model(preprocess(image)).softmax(1)[0].topk(5).indices.tolist()
    assert [t["clase"] for t in got["top"]] == expected


def test_a_transparent_photo_is_composed_over_white(site_page, model):
    open_photo_mode(site_page)
    rgb = _rgb(load_photo("chelsea"))
    alpha = np.full(rgb.shape[:2], 255, np.uint8)
    alpha[:, :150] = 0                                  # la mitad izquierda, transparente
    got = browser_classify(site_page, png(np.dstack([rgb, alpha])))
    assert "error" not in got, got
    assert "se compusieron sobre blanco" in site_page.inner_text("#lab-photo-status")
    white = rgb.copy()
    white[:, :150] = 255
    with torch.no_grad():
        probs = model(preprocess(white)).softmax(1)[0]
    assert [t["clase"] for t in got["top"]] == probs.topk(5).indices.tolist()
    assert float(np.abs(np.array(got["probs"]) - probs.numpy()).max()) <= PROB_TOL


def test_a_huge_photo_is_downscaled_in_the_worker(site_page):
    open_photo_mode(site_page)
    big = np.kron(_rgb(load_photo("coffee")), np.ones((6, 6, 1), np.uint8))   # 2400×3600
    before = site_page.evaluate("window.cnnLabPhoto.results")
    site_page.set_input_files("#lab-photo-file", files=[
        {"name": "enorme.png", "mimeType": "image/png", "buffer": png(big)}])
    site_page.wait_for_function("(n) => window.cnnLabPhoto.results > n", arg=before, timeout=60_000)
    got = site_page.evaluate("window.cnnLabPhoto.last")
    assert site_page.evaluate("window.cnnLabPhoto.error") is None
    assert got["reducida"] and got["original"] == {"ancho": 3600, "alto": 2400}
    status = site_page.inner_text("#lab-photo-status")
    assert "se redujo a 2048×1365" in status, status
    assert got["top"][0]["clase"] == 967          # sigue siendo un expreso


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_photo_mode_fits_a_phone_in_both_schemes(browser, served_site, scheme):
    from conftest import SCREENSHOT_DIR

    context = browser.new_context(base_url=served_site, viewport={"width": 390, "height": 844},
                                  has_touch=True, is_mobile=True, color_scheme=scheme)
    page = context.new_page()
    try:
        open_photo_mode(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"la página desborda: {width} px"
        assert page.locator("#lab-photo-input").bounding_box()["width"] >= 150
        for b in page.locator(".lab-photo-class").all():
            assert b.bounding_box()["height"] >= 40       # blanco táctil
        assert page.evaluate("document.activeElement.id") == "lab-photo-pick"
        from test_browser import AXE
        if AXE.is_file():
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => await axe.run(document.getElementById('lab-photo'))")
            serious = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
                       if v["impact"] in ("serious", "critical")]
            assert serious == [], (scheme, serious)
        SCREENSHOT_DIR.mkdir(exist_ok=True)
        page.locator("#lab-photo").screenshot(path=str(SCREENSHOT_DIR / f"lab-foto-390-{scheme}.png"))
    finally:
        context.close()
