"""El laboratorio: la CNN entrenada del sitio ejecutada en el navegador.

Las probabilidades que calcula lab.js deben coincidir con las de PyTorch
(hasta 1e-4) para la misma entrada, tanto con un dígito de prueba como con un
trazo dibujado con el ratón.
"""

import json

import numpy as np
import pytest
import torch

from cnnviz.site.lab_export import LAYERS, decode_layer, decode_pixels

TOL = 1e-4


@pytest.fixture(scope="module")
def exported(built_site):
    return json.loads((built_site / "laboratorio" / "modelo.json").read_text())


@pytest.fixture(scope="module")
def trained():
    from cnnviz.data import load_mnist_split
    from cnnviz.training import trained_model
    model, _ = trained_model()
    return model.eval(), load_mnist_split()


def torch_probabilities(model, normalized):
    x = torch.as_tensor(np.asarray(normalized, dtype=np.float32)).view(1, 1, 28, 28)
    with torch.no_grad():
        return torch.softmax(model(x), dim=1)[0].numpy()


def open_lab(page):
    page.goto("laboratorio/")
    page.wait_for_selector("#cnn-lab[data-ready='true']", timeout=30_000)


def page_probabilities(page):
    return np.array(json.loads(page.get_attribute("#cnn-lab", "data-probabilities")))


def test_export_is_the_trained_model(exported, trained, built_site):
    from cnnviz.training import weights_key
    model, split = trained
    assert exported["clave"] == weights_key()
    assert exported["media"] == pytest.approx(split.mean) and exported["desv"] == pytest.approx(split.std)
    state = model.state_dict()
    for name in LAYERS:
        np.testing.assert_array_equal(decode_layer(exported["capas"][name]), state[name].numpy())
    assert sorted(d["etiqueta"] for d in exported["digitos"]) == list(range(10))
    for digit in exported["digitos"]:
        pixels = decode_pixels(digit)
        assert split.y_test[digit["indice"]].item() == digit["etiqueta"]
        np.testing.assert_allclose((pixels - split.mean) / split.std,
                                   split.x_test[digit["indice"], 0].numpy(), atol=1e-5)
    # Peso de la página propia: JSON + JS + CSS + HTML, lejos de 500 kB
    total = sum(p.stat().st_size for p in (built_site / "laboratorio").iterdir())
    assert total < 500_000, total


def test_test_digit_matches_pytorch(site_page, exported, trained):
    model, split = trained
    open_lab(site_page)
    for position in (0, 3, 8):
        digit = exported["digitos"][position]
        site_page.select_option("#lab-digit", str(position))
        site_page.wait_for_function(
            f"window.cnnLab.lastInput && document.getElementById('lab-digit').value === '{position}'")
        probs = page_probabilities(site_page)
        normalized = (decode_pixels(digit) - exported["media"]) / exported["desv"]
        expected = torch_probabilities(model, normalized)
        np.testing.assert_allclose(probs, expected, atol=TOL)
        assert probs.sum() == pytest.approx(1, abs=1e-9)
        predicted = int(site_page.get_attribute("#cnn-lab", "data-prediction"))
        assert predicted == int(expected.argmax())
        # La entrada que recibió la red es la del conjunto de prueba
        np.testing.assert_allclose(site_page.evaluate("window.cnnLab.lastInput"),
                                   split.x_test[digit["indice"], 0].flatten().numpy(), atol=1e-5)
        bold = site_page.locator("#lab-bars li.is-pred .lab-bar-label").inner_text()
        assert int(bold) == predicted
    assert site_page.watch.console_errors == []
    assert site_page.watch.external_requests == []


def _canvas_snapshots(page):
    return page.evaluate("""() => Array.from(
        document.querySelectorAll('#lab-input, .lab-map canvas'), c => c.toDataURL())""")


def _bar_widths(page):
    return page.evaluate("""() => Array.from(
        document.querySelectorAll('#lab-bars .lab-bar > span'), s => s.style.width)""")


def test_drawing_updates_maps_and_bars(site_page, trained):
    model, _ = trained
    page = site_page
    open_lab(page)
    page.click("#lab-clear")
    before_maps, before_bars = _canvas_snapshots(page), _bar_widths(page)
    updates = page.evaluate("window.cnnLab.updates")
    page.locator("#lab-pad").scroll_into_view_if_needed()
    box = page.locator("#lab-pad").bounding_box()

    def at(fx, fy):
        return box["x"] + fx * box["width"], box["y"] + fy * box["height"]

    # Un «1»: un trazo vertical, con un gancho arriba
    page.mouse.move(*at(0.38, 0.3))
    page.mouse.down()
    page.mouse.move(*at(0.52, 0.18), steps=4)
    page.mouse.move(*at(0.52, 0.82), steps=12)
    page.mouse.up()
    page.wait_for_function(f"window.cnnLab.updates > {updates + 1}")
    page.wait_for_timeout(100)   # la última actualización pendiente
    after_maps, after_bars = _canvas_snapshots(page), _bar_widths(page)
    assert after_maps[0] != before_maps[0]   # la entrada
    # Los mapas (algún filtro puede dar cero con las dos entradas)
    changed = sum(a != b for a, b in zip(before_maps[1:], after_maps[1:]))
    assert changed >= 0.9 * (len(before_maps) - 1), f"solo cambiaron {changed} mapas"
    assert after_bars != before_bars
    # La red del navegador da, para lo que recibió, lo mismo que PyTorch
    x = np.array(page.evaluate("window.cnnLab.lastInput"), dtype=np.float32)
    assert x.shape == (784,)
    raw = x * page.evaluate("window.cnnLab.model.desv") + page.evaluate("window.cnnLab.model.media")
    assert raw.max() == pytest.approx(1, abs=0.05) and raw.min() == pytest.approx(0, abs=1e-6)
    # Encajado en 20×20 y centrado por su centro de masas, como MNIST
    ink = raw.reshape(28, 28)
    rows = np.nonzero(ink.max(1) > 0.01)[0]
    assert rows.max() - rows.min() + 1 <= 20
    ys, xs = np.mgrid[0:28, 0:28]
    assert abs((ink * ys).sum() / ink.sum() - 13.5) <= 1
    assert abs((ink * xs).sum() / ink.sum() - 13.5) <= 1
    expected = torch_probabilities(model, x)
    np.testing.assert_allclose(page_probabilities(page), expected, atol=TOL)
    assert int(page.get_attribute("#cnn-lab", "data-prediction")) == int(expected.argmax())
    assert page.watch.console_errors == []
    assert page.watch.external_requests == []
    assert page.watch.failed_requests == []


def test_feature_maps_show_their_kernel(site_page):
    page = site_page
    open_lab(page)
    page.locator("#lab-conv1 .lab-map").nth(4).focus()
    assert page.inner_text("#lab-detail-title") == "conv1 · mapa 5"
    assert page.evaluate("document.getElementById('lab-detail-kernel').width") == 5
    page.locator("#lab-conv2 .lab-map").nth(9).click()
    assert page.inner_text("#lab-detail-title") == "conv2 · mapa 10"
    assert page.evaluate("document.getElementById('lab-detail-kernel').width") == 15
    assert page.get_attribute("#lab-conv2 .lab-map >> nth=9", "aria-pressed") == "true"
    page.locator("#lab-pool1 .lab-map").nth(2).hover()
    assert page.inner_text("#lab-detail-title") == "pool1 · mapa 3"
    page.mouse.move(0, 0)   # al salir de los mapas vuelve el fijado
    assert page.inner_text("#lab-detail-title") == "conv2 · mapa 10"
    # Nombres accesibles en español
    assert page.get_attribute("#lab-pad", "role") == "img"
    assert "dibujar" in page.get_attribute("#lab-pad", "aria-label")
    assert page.locator(".lab-map[aria-label]").count() == 16 + 16 + 32 + 32
    assert page.watch.console_errors == []


def test_lab_fits_a_phone_screen(browser, served_site):
    context = browser.new_context(base_url=served_site, viewport={"width": 390, "height": 844},
                                  has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        open_lab(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"la página desborda: {width} px"
        pad = page.locator("#lab-pad").bounding_box()
        assert pad["width"] >= 200
    finally:
        context.close()
