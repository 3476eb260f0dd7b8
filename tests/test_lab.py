"""El laboratorio: la CNN del sitio y sus explicaciones, ejecutadas en el navegador.

- Lo exportado (modelo.json, aleatorio.bin, epocas.bin) es el modelo entrenado,
  la cascada de ``sanity.randomize`` y los pesos de cada época (con el error de
  cuantización documentado).
- En Chromium, con 20 entradas fijas (dígitos de prueba y casos límite), cada
  mapa de cada método coincide con PyTorch/captum para los pesos entrenados,
  cada paso de la aleatorización y cada época.
- Archivos dañados o ausentes dan un mensaje en español; el teclado basta para usarlo.
"""

import copy
import json
import math

import numpy as np
import pytest
import torch
import torch.nn as nn
from scipy.stats import spearmanr

from cnnviz.features.integrated_gradients import STEPS
from cnnviz.features.layers import as_sequential
from cnnviz.features.methods import BASELINES, NAMES, OCCLUSION_PATCH, OCCLUSION_STRIDE
from cnnviz.features.noise import gaussian, uniform
from cnnviz.features.sanity import CASCADE, randomize
from cnnviz.features.smoothgrad import NOISE_LEVEL, SAMPLES, smoothgrad, smoothgrad_noise
from cnnviz.model import DigitCNN
from cnnviz.lab_format import LAYERS, decode_layer, decode_pixels, epoch_state, unpack

TOL = 1e-4          # error máximo, relativo al mayor valor del mapa (como mínimo, 1)
# Con los pesos entrenados, SmoothGrad y los gradientes integrados usan sus 32
# muestras; con los pesos al azar y los de cada época, las 8 primeras (el mismo
# código y el mismo ruido, en la cuarta parte de tiempo)
FEW = 8


# --- Accesorios ---

@pytest.fixture(scope="module")
def exported(built_site):
    return json.loads((built_site / "laboratorio" / "modelo.json").read_text())


pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def trained(model, split):
    """La CNN entrenada, la partición y los metadatos del entrenamiento."""
    from cnnviz.training import trained_model
    return model, split, trained_model()[1]


@pytest.fixture(scope="module")
def inputs(trained):
    """Las 20 entradas fijas, píxeles en [0, 1]: 16 dígitos de prueba y 4 casos límite."""
    _, split, _ = trained
    digits = (split.x_test[:16, 0] * split.std + split.mean).clamp(0, 1).numpy()
    blank = np.zeros((28, 28), np.float32)
    full = np.ones((28, 28), np.float32)
    dot = blank.copy()
    dot[13:15, 13:15] = 1
    bar = blank.copy()
    bar[12:15, 4:24] = 1
    return [d for d in digits] + [blank, full, dot, bar]


def open_lab(page):
    page.goto("laboratorio/")
    page.wait_for_selector("#cnn-lab[data-ready='true']", timeout=30_000)
    page.wait_for_function("window.cnnLab.mapsDone > 0", timeout=30_000)


def model_from(state):
    model = DigitCNN().eval()
    model.load_state_dict({k: torch.as_tensor(np.array(v)) for k, v in state.items()})
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def start_browser_maps(page, raw_images, **options):
    """Pide al trabajador del laboratorio los mapas de cada entrada, sin esperar.

    Mientras el navegador calcula, PyTorch puede calcular los suyos;
    ``finish_browser_maps`` espera el resultado.
    """
    page.evaluate("""([images, options]) => {
        window.__maps = (async () => {
            const out = [];
            for (const [i, pixeles] of images.entries()) {
                const clase = Array.isArray(options.clase) ? options.clase[i] : options.clase;
                out.push(await window.cnnLab.compute({...options, pixeles, clase}));
            }
            return out;
        })();
    }""", [[np.asarray(r, np.float32).flatten().tolist() for r in raw_images], options])


def finish_browser_maps(page):
    return page.evaluate("window.__maps")


def browser_maps(page, raw_images, **options):
    """Lo que calcula el trabajador del laboratorio para cada entrada (espera)."""
    start_browser_maps(page, raw_images, **options)
    return finish_browser_maps(page)


def normalize(raw_images, mean, std):
    """Como el navegador: (píxel − media) / desv en float64, guardado en float32."""
    raw = np.array(raw_images, np.float32).astype(np.float64)
    return torch.tensor((raw - mean) / std, dtype=torch.float32).view(-1, 1, 28, 28)


def reference_map(method, model, x, target, mean, std, baseline="negra", samples=None):
    """El mismo mapa con PyTorch: captum y, para SmoothGrad, cnnviz (probado contra captum)."""
    from captum.attr import (GuidedBackprop, IntegratedGradients, LayerAttribution, LayerGradCam,
                             Occlusion, Saliency)

    layers = as_sequential(model)
    if method == "saliencia":
        return Saliency(model).attribute(x, target=target)
    if method == "smoothgrad":
        return smoothgrad(model, x, target, smoothgrad_noise(samples or SAMPLES, NOISE_LEVEL / std)).abs()
    if method == "integrados":
        return IntegratedGradients(model).attribute(
            x, baselines=BASELINES[baseline](x, mean, std), target=target, n_steps=samples or STEPS,
            method="riemann_middle")
    if method == "gradcam":
        cam = LayerGradCam(layers, layers.relu2).attribute(x, target=target, relu_attributions=True)
        return LayerAttribution.interpolate(cam, (28, 28), interpolate_mode="bilinear")
    if method == "guiada":
        return GuidedBackprop(layers).attribute(x, target=target).abs()
    if method == "oclusion":
        return Occlusion(model).attribute(
            x, target=target, sliding_window_shapes=(1, OCCLUSION_PATCH, OCCLUSION_PATCH),
            strides=(1, OCCLUSION_STRIDE, OCCLUSION_STRIDE), baselines=(0 - mean) / std)
    raise ValueError(method)


class RoundedLayer(nn.Module):
    """Una capa con pesos calculada en float64 y con la salida redondeada a float32."""

    def __init__(self, layer):
        super().__init__()
        self.layer = copy.deepcopy(layer).double()

    def forward(self, x):
        return self.layer(x.double()).float()


def like_the_browser(model):
    """La misma red, capa a capa, sumando como el navegador: en float64 y guardando float32.

    Con float32 en todas las sumas (PyTorch), dos valores de una ventana de max
    pooling que difieren en el último bit pueden salir en otro orden, y el
    gradiente pasa por otro píxel: esos empates no tienen una respuesta más
    correcta que otra. Con las mismas sumas, captum y el navegador deben
    coincidir casi bit a bit.
    """
    layers = copy.deepcopy(as_sequential(model))
    for name in ("conv1", "conv2", "fc"):
        setattr(layers, name, RoundedLayer(getattr(layers, name)))
    return layers.eval()


def compare(page, model, raw_images, mean, std, errors, label, class_model=None,
            float32=True, **options):
    """Calcula en el navegador y en PyTorch (a la vez) y anota el error de cada método.

    El error es el máximo de |navegador − PyTorch| dividido por el mayor valor
    absoluto del mapa (o por 1, si es menor). Contra la red sumando como el
    navegador debe ser <= TOL. Con ``float32``, también contra la red de
    PyTorch tal cual: se anota, y solo puede superar TOL en una fracción
    ínfima de píxeles (los empates).
    """
    x = normalize(raw_images, mean, std)
    # La clase explicada: la que predice la red sin aleatorizar (class_model)
    with torch.no_grad():
        target = (class_model or model)(x).argmax(1)
    start_browser_maps(page, raw_images, clase=target.tolist(), **options)
    rounded = like_the_browser(model)
    nets = [(label, rounded)] + ([(label + " (float32)", model)] if float32 else [])
    methods = options.get("metodos", list(NAMES))
    references = {(key, method): reference_map(method, net, x, target, mean, std,
                                               options.get("lineaBase", "negra"),
                                               options.get("muestras")).detach().numpy()
                  for method in methods for key, net in nets}
    results = finish_browser_maps(page)
    assert np.array_equal(np.array([r["normalizada"] for r in results], np.float32).ravel(),
                          x.numpy().ravel()), label
    with torch.no_grad():
        logits = rounded(x)
    np.testing.assert_allclose([r["logits"] for r in results], logits.numpy(), rtol=1e-5, atol=1e-5)
    for (key, method), ref in references.items():
        ours = np.array([r["mapas"][method] for r in results]).reshape(x.shape)
        scale = np.maximum(1.0, np.abs(ref).reshape(len(ref), -1).max(1))[:, None, None, None]
        relative = np.abs(ours - ref) / scale
        errors[(key, method)] = relative.max()
        if key == label:
            assert relative.max() <= TOL, f"{label}, {NAMES[method]}: error {relative.max():.2e}"
            assert np.abs(ours).max() > 0, (label, method)
        else:
            assert (relative > TOL).mean() <= 1e-2, f"{key}, {NAMES[method]}: {(relative > TOL).mean():.2%}"


# --- Lo exportado ---

def test_export_is_the_trained_model(exported, trained, built_site):
    from cnnviz.features.sanity import THRESHOLD
    from cnnviz.lab_format import architecture
    from cnnviz.training import EPOCHS, weights_key

    model, split, _ = trained
    assert exported["clave"] == weights_key()
    assert exported["media"] == pytest.approx(split.mean) and exported["desv"] == pytest.approx(split.std)
    state = model.state_dict()
    for name in LAYERS:
        np.testing.assert_array_equal(decode_layer(exported["capas"][name]), state[name].numpy())
    # La arquitectura es la de la red (formas por una pasada real), no una lista escrita a mano
    assert exported["arquitectura"] == architecture(model)
    assert [c["nombre"] for c in exported["arquitectura"]] == [n for n, _ in as_sequential(model).named_children()]
    assert exported["arquitectura"][-1]["salida"] == [10]
    assert exported["metodos"]["etiquetas"] == NAMES
    assert exported["metodos"]["smoothgrad"]["sigma"] == NOISE_LEVEL / split.std
    assert exported["cascada"] == [list(c) for c in CASCADE]
    assert exported["umbral_cordura"] == THRESHOLD and exported["epocas"] == EPOCHS
    assert sorted(d["etiqueta"] for d in exported["digitos"]) == list(range(10))
    for digit in exported["digitos"]:
        pixels = decode_pixels(digit)
        assert split.y_test[digit["indice"]].item() == digit["etiqueta"]
        np.testing.assert_allclose((pixels - split.mean) / split.std,
                                   split.x_test[digit["indice"], 0].numpy(), atol=1e-5)


def test_random_export_is_the_sanity_cascade(built_site, trained):
    model, _, _ = trained
    header, arrays = unpack((built_site / "laboratorio" / "aleatorio.bin").read_bytes())
    assert header["cascada"] == [list(c) for c in CASCADE]
    for step, layers in enumerate(CASCADE, start=1):
        expected = randomize(model, layers, seed=header["semilla"]).state_dict()
        state = {**{k: v.numpy() for k, v in model.state_dict().items()},
                 **{k: v for k, v in arrays.items() if k.split(".")[0] in layers}}
        for name in LAYERS:
            np.testing.assert_array_equal(state[name], expected[name].numpy(), err_msg=f"paso {step}: {name}")
        assert not np.array_equal(state[f"{layers[-1]}.weight"], model.state_dict()[f"{layers[-1]}.weight"].numpy())


def test_epoch_export_is_within_the_quantization_bound(built_site, trained):
    from cnnviz.data import load_mnist_split
    from cnnviz.training import evaluate, trained_checkpoints

    model, _, meta = trained
    checkpoints, accuracies = trained_checkpoints()
    header, arrays = unpack((built_site / "laboratorio" / "epocas.bin").read_bytes())
    assert header["exactitudes"] == accuracies == meta["epoch_accuracy"]
    assert header["cuantizadas"] == list(range(len(checkpoints) - 1))
    for name in LAYERS:   # la última época es el modelo entrenado, que va exacto en modelo.json
        assert torch.equal(checkpoints[-1][name], model.state_dict()[name])
    split = load_mnist_split()
    worst = 0.0
    for epoch in header["cuantizadas"]:
        state = epoch_state(header, arrays, epoch)
        for name in LAYERS:
            original = checkpoints[epoch][name].numpy()
            if name.endswith(".bias"):
                np.testing.assert_array_equal(state[name], original)
                continue
            scale = arrays[f"{epoch}/{name}:escala"].astype(np.float64)
            bound = scale / 2 * (1 + 1e-6) + 1e-12      # media escala, más el redondeo de float32
            error = np.abs(state[name] - original).reshape(len(original), -1).max(1)
            assert (error <= bound).all(), (epoch, name, (error / scale).max())
            assert np.allclose(scale, np.abs(original).reshape(len(original), -1).max(1) / 127, rtol=1e-6)
        # Con los pesos cuantizados la red acierta casi lo mismo que con los originales
        quantized = evaluate(model_from(state), split.x_test, split.y_test)["accuracy"]
        worst = max(worst, abs(quantized - accuracies[epoch]))
    assert worst <= 0.005, f"la cuantización cambia la exactitud {worst:.1%}"


# --- El navegador contra PyTorch ---

def test_noise_blur_and_rank_correlation_match_python(site_page, trained):
    model, split, _ = trained
    open_lab(site_page)
    js = site_page.evaluate("""async () => {
        const azar = await import('./js/azar.js');
        const T = await import('./js/tensores.js');
        const x = Array.from({length: 784}, (_, i) => (i % 29) / 7 - 1);
        return {u: Array.from(azar.uniforme(1000, 7)), g: Array.from(azar.gaussiana(1000, 7)),
                blur: Array.from(T.desenfoqueGaussiano(Float32Array.from(x), 28, 28, 3, -0.4)),
                rho: [T.spearmanAbs([1, 1, 0, 0, 2, -3], [0, 1, 0, 4, 4, 5]),
                      T.spearmanAbs([0, 0, 0], [1, 2, 3])]};
    }""")
    assert js["u"] == uniform(1000, 7).tolist()
    np.testing.assert_allclose(js["g"], gaussian(1000, 7), rtol=1e-14, atol=1e-14)
    x = torch.tensor([(i % 29) / 7 - 1 for i in range(784)], dtype=torch.float32).view(1, 1, 28, 28)
    from cnnviz.features.integrated_gradients import blurred_baseline
    mean, std = 0.4 / (1 + 0.4), 1 / (1 + 0.4)      # fondo (0 − mean) / std = −0,4
    np.testing.assert_allclose(js["blur"], blurred_baseline(x, mean, std, 3.0).flatten().numpy(), atol=1e-6)
    assert js["rho"][0] == pytest.approx(spearmanr([1, 1, 0, 0, 2, 3], [0, 1, 0, 4, 4, 5]).statistic)
    assert math.isnan(js["rho"][1])                      # un mapa constante
    assert site_page.watch.console_errors == []


def test_maps_match_pytorch_with_the_trained_weights(site_page, trained, inputs, capsys):
    model, split, _ = trained
    open_lab(site_page)
    errors = {}
    compare(site_page, model, inputs, split.mean, split.std, errors, "entrenada")
    for baseline in ("difuminada", "ruido"):
        compare(site_page, model, inputs, split.mean, split.std, errors, f"entrenada, base {baseline}",
                lineaBase=baseline, metodos=["integrados"])
    _report(errors, capsys)


def test_maps_match_pytorch_at_each_randomization_step(site_page, trained, inputs, capsys):
    model, split, _ = trained
    open_lab(site_page)
    errors = {}
    for step, layers in enumerate(CASCADE, start=1):
        random_model = randomize(model, layers, seed=0)
        for p in random_model.parameters():
            p.requires_grad_(False)
        compare(site_page, random_model, inputs, split.mean, split.std, errors, f"paso {step}",
                class_model=model, paso=step, muestras=FEW)
    _report(errors, capsys)


def test_maps_match_pytorch_at_each_epoch(site_page, trained, inputs, built_site, capsys):
    _, split, _ = trained
    header, arrays = unpack((built_site / "laboratorio" / "epocas.bin").read_bytes())
    open_lab(site_page)
    errors = {}
    for epoch in header["cuantizadas"]:
        compare(site_page, model_from(epoch_state(header, arrays, epoch)), inputs,
                split.mean, split.std, errors, f"época {epoch}", float32=False, epoca=epoch,
                muestras=FEW)
    _report(errors, capsys)


def _report(errors, capsys):
    with capsys.disabled():
        for kind, pick in (("sumando como el navegador", lambda k: "float32" not in k),
                           ("float32 de PyTorch", lambda k: "float32" in k)):
            by_method = {}
            for (key, method), error in errors.items():
                if pick(key):
                    by_method[method] = max(by_method.get(method, 0), error)
            if by_method:
                print(f"\n  navegador vs PyTorch/captum ({kind}), error máximo relativo: " +
                      ", ".join(f"{NAMES[m]} {e:.1e}" for m, e in by_method.items()))


def test_test_digit_matches_pytorch(site_page, exported, trained):
    model, split, _ = trained
    open_lab(site_page)
    for position in (0, 3, 8):
        digit = exported["digitos"][position]
        site_page.select_option("#lab-digit", str(position))
        site_page.wait_for_function(f"""window.cnnLab.lastInput &&
            document.getElementById('lab-digit').value === '{position}' && !window.cnnLab.busy()""")
        probs = np.array(json.loads(site_page.get_attribute("#cnn-lab", "data-probabilities")))
        normalized = (decode_pixels(digit) - exported["media"]) / exported["desv"]
        with torch.no_grad():
            expected = torch.softmax(model(torch.tensor(normalized).view(1, 1, 28, 28)), 1)[0].numpy()
        np.testing.assert_allclose(probs, expected, atol=TOL)
        predicted = int(site_page.get_attribute("#cnn-lab", "data-prediction"))
        assert predicted == int(expected.argmax())
        np.testing.assert_allclose(site_page.evaluate("window.cnnLab.lastInput"),
                                   split.x_test[digit["indice"], 0].flatten().numpy(), atol=1e-5)
        assert int(site_page.locator("#lab-bars li.is-pred .lab-bar-label").inner_text()) == predicted
        # Los seis mapas que se ven son los de la entrada actual y su clase
        maps = site_page.evaluate("window.cnnLab.lastMaps")
        assert sorted(maps) == sorted(NAMES)
        assert site_page.locator(".lab-attr-map.is-stale").count() == 0
    assert site_page.watch.console_errors == []
    assert site_page.watch.external_requests == []


def test_drawing_updates_maps_and_bars(site_page, trained):
    model, _, _ = trained
    page = site_page
    open_lab(page)
    page.click("#lab-clear")
    page.wait_for_function("!window.cnnLab.busy()")
    before = page.evaluate("""() => Array.from(document.querySelectorAll(
        '#lab-input, .lab-maps-canvas, .lab-attr-map canvas'), c => c.toDataURL())""")
    updates = page.evaluate("window.cnnLab.updates")
    page.locator("#lab-pad").scroll_into_view_if_needed()
    box = page.locator("#lab-pad").bounding_box()

    def at(fx, fy):
        return box["x"] + fx * box["width"], box["y"] + fy * box["height"]

    page.mouse.move(*at(0.38, 0.3))      # un «1»: un trazo vertical con un gancho arriba
    page.mouse.down()
    page.mouse.move(*at(0.52, 0.18), steps=4)
    page.mouse.move(*at(0.52, 0.82), steps=12)
    page.mouse.up()
    page.wait_for_function(f"window.cnnLab.updates > {updates + 1} && !window.cnnLab.busy()")
    after = page.evaluate("""() => Array.from(document.querySelectorAll(
        '#lab-input, .lab-maps-canvas, .lab-attr-map canvas'), c => c.toDataURL())""")
    assert after[0] != before[0]
    changed = sum(a != b for a, b in zip(before[1:], after[1:]))
    assert changed >= 0.9 * (len(before) - 1), f"solo cambiaron {changed} mapas"
    x = np.array(page.evaluate("window.cnnLab.lastInput"), dtype=np.float32)
    raw = (x * page.evaluate("window.cnnLab.model.desv") + page.evaluate("window.cnnLab.model.media")).reshape(28, 28)
    assert raw.max() == pytest.approx(1, abs=0.05) and raw.min() == pytest.approx(0, abs=1e-6)
    rows = np.nonzero(raw.max(1) > 0.01)[0]
    assert rows.max() - rows.min() + 1 <= 20          # encajado en 20×20 …
    ys, xs = np.mgrid[0:28, 0:28]
    assert abs((raw * ys).sum() / raw.sum() - 13.5) <= 1   # … y centrado por su centro de masas
    assert abs((raw * xs).sum() / raw.sum() - 13.5) <= 1
    with torch.no_grad():
        expected = torch.softmax(model(torch.tensor(x).view(1, 1, 28, 28)), 1)[0].numpy()
    np.testing.assert_allclose(json.loads(page.get_attribute("#cnn-lab", "data-probabilities")), expected, atol=TOL)
    saliency = np.array(page.evaluate("window.cnnLab.lastMaps.saliencia"))
    from captum.attr import Saliency
    reference = Saliency(model).attribute(torch.tensor(x).view(1, 1, 28, 28),
                                          target=int(expected.argmax())).flatten().numpy()
    np.testing.assert_allclose(saliency, reference, atol=TOL * max(1, reference.max()))
    assert page.watch.console_errors == [] and page.watch.failed_requests == []


def test_randomization_slider_and_training_replay(site_page, trained):
    from cnnviz.features.methods import attribution_methods
    from cnnviz.features.sanity import rank_correlation

    model, split, meta = trained
    page = site_page
    open_lab(page)
    page.wait_for_selector("#cnn-lab[data-random-ready='true'][data-epochs-ready='true']")
    page.select_option("#lab-digit", "2")
    page.wait_for_function("document.getElementById('lab-digit').value === '2' && !window.cnnLab.busy()")
    page.focus("#lab-step")
    page.keyboard.press("ArrowRight")              # fc al azar
    page.wait_for_function("window.cnnLab.mapsDone && !window.cnnLab.busy() && "
                           "Object.keys(window.cnnLab.lastRho).length === 6")
    assert "fc al azar" in page.inner_text("#lab-step-text")
    rho = page.evaluate("window.cnnLab.lastRho")
    # La correlación de rangos del navegador es la de cnnviz.features.sanity con PyTorch
    x = torch.tensor(page.evaluate("window.cnnLab.lastInput"), dtype=torch.float32).view(1, 1, 28, 28)
    target = page.evaluate("window.cnnLab.lastClass")
    methods = attribution_methods(split.mean, split.std)
    random_model = randomize(model, CASCADE[0], seed=0)
    for name in ("saliencia", "gradcam", "guiada"):
        expected = rank_correlation(methods[name](model, x, target), methods[name](random_model, x, target))[0]
        assert rho[name] == pytest.approx(expected, abs=1e-3), name
    assert page.locator("#lab-rho .lab-chart-bar").count() == 6
    page.focus("#lab-step")
    page.keyboard.press("Home")
    # Repetición del entrenamiento: la época 0 es la red sin entrenar
    page.focus("#lab-epoch")
    page.keyboard.press("Home")
    page.wait_for_function("!window.cnnLab.busy() && window.cnnLab.lastMaps.oclusion")
    text = page.inner_text("#lab-epoch-text")
    from cnnviz.spanish import percent      # «11,7 %», con espacio de no separación
    assert "época 0 de 15" in text and percent(meta["epoch_accuracy"][0]) in text, text
    filters_epoch0 = page.evaluate("document.getElementById('lab-filters').toDataURL()")
    page.keyboard.press("End")
    page.wait_for_function("!window.cnnLab.busy() && window.cnnLab.lastMaps.oclusion")
    assert page.evaluate("document.getElementById('lab-filters').toDataURL()") != filters_epoch0
    assert "la red entrenada" in page.inner_text("#lab-epoch-text")
    assert page.watch.console_errors == []


# --- Teclado ---

def test_keyboard_flow_and_tab_stops(site_page):
    page = site_page
    open_lab(page)
    stops = page.evaluate("""() => Array.from(document.querySelectorAll(
        '#cnn-lab a[href], #cnn-lab button, #cnn-lab select, #cnn-lab input, #cnn-lab [tabindex]'))
        .filter(el => el.tabIndex >= 0 && !el.disabled && el.getClientRects().length + (el.matches('.lab-skip') ? 1 : 0) > 0)
        .map(el => el.id || el.className)""")
    assert len(stops) <= 16, stops
    # Del enlace para saltar, con el tabulador: se llega a la lista de dígitos y se elige uno
    page.focus(".lab-skip")
    assert page.evaluate("document.activeElement.classList.contains('lab-skip')")
    assert page.locator(".lab-skip").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "lab-load"    # «Cargar tu red»
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "lab-clear"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "lab-digit"
    page.keyboard.press("ArrowDown")      # Chromium cambia la opción sin abrir la lista
    page.wait_for_function("document.getElementById('lab-digit').value !== '' && !window.cnnLab.busy()")
    # Hasta los mapas: una sola parada, y dentro las flechas
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('lab-map')"):
            break
    assert page.inner_text("#lab-detail-title") == "conv1 + ReLU · mapa 0"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert page.inner_text("#lab-detail-title") == "conv1 + ReLU · mapa 2"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.inner_text("#lab-detail-title") == "pool1 · mapa 2"
    page.keyboard.press("End")
    assert page.inner_text("#lab-detail-title") == "pool2 · mapa 31"
    assert page.evaluate("document.querySelectorAll('.lab-map[tabindex=\"0\"]').length") == 1
    # Salir de los mapas y volver: una sola parada, en el último elegido
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('aria-label')").startswith("pool2, mapa 31")
    # Borrar con el teclado
    page.focus("#lab-clear")
    page.keyboard.press("Enter")
    page.wait_for_function("!window.cnnLab.busy() && document.getElementById('lab-pred').textContent.startsWith('Lienzo vacío')")
    assert page.watch.console_errors == []


def test_feature_maps_show_their_kernel(site_page):
    page = site_page
    open_lab(page)
    page.locator("#lab-layers .lab-map").nth(4).click()
    assert page.inner_text("#lab-detail-title") == "conv1 + ReLU · mapa 4"
    assert page.evaluate("document.getElementById('lab-detail-kernel').width") == 5
    page.locator("#lab-layers .lab-map").nth(32 + 9).click()
    assert page.inner_text("#lab-detail-title") == "conv2 + ReLU · mapa 9"
    assert page.evaluate("document.getElementById('lab-detail-kernel').width") == 15
    assert page.get_attribute("#lab-layers .lab-map >> nth=41", "aria-pressed") == "true"
    page.locator("#lab-layers .lab-map").nth(16 + 2).hover()
    assert page.inner_text("#lab-detail-title") == "pool1 · mapa 2"
    page.mouse.move(0, 0)
    assert page.inner_text("#lab-detail-title") == "conv2 + ReLU · mapa 9"
    assert page.locator(".lab-map[aria-label]").count() == 16 + 16 + 32 + 32
    assert page.watch.console_errors == []


# --- Archivos dañados o ausentes ---

def _b64_float32(values):
    import base64
    return base64.b64encode(np.asarray(values, "<f4").tobytes()).decode()


def _corrupt(exported, case):
    data = json.loads(json.dumps(exported))
    if case == "datos cortos":
        entry = data["capas"]["fc.weight"]
        entry["datos"] = entry["datos"][:len(entry["datos"]) // 8 * 4]
        return data, "«fc.weight» trae"
    if case == "falta una capa":
        del data["capas"]["conv2.bias"]
        return data, "falta la capa «conv2.bias»"
    if case == "NaN":
        values = decode_layer(data["capas"]["conv1.weight"]).copy()
        values.flat[3] = np.nan
        data["capas"]["conv1.weight"]["datos"] = _b64_float32(values)
        return data, "«conv1.weight» tiene un valor no finito"
    if case == "forma equivocada":
        data["capas"]["conv2.weight"]["forma"] = [32, 16, 5, 5]
        return data, "«conv2.weight» tiene forma (32, 16, 5, 5); se esperaba (32, 16, 3, 3)"
    if case == "arquitectura incoherente":
        data["arquitectura"][3]["salida"] = [32, 12, 12]
        return data, "«conv2» dice que su salida es (32, 12, 12)"
    raise ValueError(case)


@pytest.mark.parametrize("case", ["datos cortos", "falta una capa", "NaN", "forma equivocada",
                                  "arquitectura incoherente", "no es JSON", "no existe"])
def test_a_bad_model_file_gives_a_spanish_message_and_no_predictions(site_page, exported, case):
    page = site_page
    if case == "no es JSON":
        body, expected = '{"formato": 2, "capas": ', "modelo.json no es JSON válido"
    elif case == "no existe":
        body, expected = None, "no se encontró modelo.json (HTTP 404)"
    else:
        data, expected = _corrupt(exported, case)
        body = json.dumps(data)
    page.route("**/laboratorio/modelo.json", lambda route: route.fulfill(status=404, body="")
               if body is None else route.fulfill(status=200, body=body, content_type="application/json"))
    page.goto("laboratorio/")
    page.wait_for_selector("#cnn-lab[data-error='modelo']", timeout=30_000)
    status = page.inner_text("#lab-status")
    assert status.startswith("No se pudo usar el modelo:") and expected in status, status
    assert page.get_attribute("#cnn-lab", "data-prediction") is None
    assert page.get_attribute("#cnn-lab", "data-ready") is None
    assert page.locator("#lab-bars li").count() == 0
    assert page.is_disabled("#lab-clear")


@pytest.mark.parametrize("case", ["aleatorio falta", "aleatorio cortado", "aleatorio sin tensor",
                                  "epocas falta", "epocas de otro modelo", "epocas con NaN"])
def test_a_bad_extra_file_disables_only_its_panel(site_page, built_site, case):
    page = site_page
    name = case.split()[0]
    data = (built_site / "laboratorio" / f"{name}.bin").read_bytes()
    if case.endswith("falta"):
        body, expected = None, f"no se encontró {name}.bin (HTTP 404)"
    elif case == "aleatorio cortado":
        body, expected = data[:len(data) - 1000], "aleatorio.bin está cortado o dañado"
    else:
        from cnnviz.lab_format import pack
        header, arrays = unpack(data)
        header.pop("tensores")
        arrays = dict(arrays)
        if case == "aleatorio sin tensor":
            del arrays["conv2.bias"]
            expected = "aleatorio.bin: falta el tensor «conv2.bias»"
        elif case == "epocas de otro modelo":
            header["clave"] = "0123456789abcdef"
            expected = "epocas.bin es de otros pesos (clave 0123456789abcdef)"
        else:
            arrays["3/conv1.bias"] = arrays["3/conv1.bias"].copy()
            arrays["3/conv1.bias"][0] = np.nan
            expected = "«3/conv1.bias» tiene un valor no finito"
        body = pack(header, arrays)
    page.route(f"**/laboratorio/{name}.bin", lambda route: route.fulfill(status=404, body="")
               if body is None else route.fulfill(status=200, body=body))
    open_lab(page)
    ready = "randomReady" if name == "aleatorio" else "epochsReady"
    page.wait_for_function(f"document.getElementById('cnn-lab').dataset.{ready} === 'false'")
    panel = "#lab-random-status" if name == "aleatorio" else "#lab-epoch-status"
    message = page.inner_text(panel)
    assert expected in message and "El resto del laboratorio funciona" in message, message
    assert page.is_disabled("#lab-step" if name == "aleatorio" else "#lab-epoch")
    # El resto sigue: predicción y mapas de un dígito de prueba
    page.select_option("#lab-digit", "4")
    page.wait_for_function("document.getElementById('lab-digit').value === '4' && !window.cnnLab.busy()")
    assert page.get_attribute("#cnn-lab", "data-prediction") == "4"
    assert page.locator(".lab-attr-map.is-stale").count() == 0
    other = "#lab-epoch" if name == "aleatorio" else "#lab-step"
    assert not page.is_disabled(other)


# --- Pantallas ---

def test_lab_fits_a_phone_screen(browser, served_site):
    context = browser.new_context(base_url=served_site, viewport={"width": 390, "height": 844},
                                  has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        open_lab(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"la página desborda: {width} px"
        assert page.locator("#lab-pad").bounding_box()["width"] >= 200
        assert page.locator(".lab-attr-map canvas").first.bounding_box()["width"] >= 90
    finally:
        context.close()


# --- Contraste en los dos esquemas ---

def _luminance(rgb):
    def channel(c):
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a, b):
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _blend(color, background):
    """Un color rgba(...) de CSS sobre un fondo opaco: (r, g, b)."""
    import re
    parts = [float(v) for v in re.findall(r"[\d.]+", color)]
    alpha = parts[3] if len(parts) == 4 else 1.0
    return tuple(alpha * c + (1 - alpha) * f for c, f in zip(parts[:3], background))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_clear_button_and_controls_have_contrast_in_both_schemes(browser, served_site, scheme):
    from test_browser import AXE

    context = browser.new_context(base_url=served_site, viewport={"width": 1280, "height": 900},
                                  color_scheme=scheme)
    page = context.new_page()
    try:
        open_lab(page)
        page.wait_for_function("!window.cnnLab.busy()")
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == \
            ("slate" if scheme == "dark" else "default")
        for state in ("reposo", "foco"):
            if state == "foco":
                page.focus("#lab-clear")
            style = page.evaluate("""() => { const s = getComputedStyle(document.getElementById('lab-clear'));
                return [s.color, s.backgroundColor, s.borderTopColor, s.outlineColor, s.outlineStyle]; }""")
            background = _blend(style[1], (0, 0, 0))
            assert _contrast(_blend(style[0], background), background) >= 4.5, (scheme, state, style)
            assert _contrast(_blend(style[2], background), background) >= 3, (scheme, state, style)
            if state == "foco":
                assert style[4] != "none" and _contrast(_blend(style[3], background), background) >= 3
        if AXE.is_file():
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => await axe.run(document.getElementById('cnn-lab'))")
            serious = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
                       if v["impact"] in ("serious", "critical")]
            assert serious == [], (scheme, serious)
    finally:
        context.close()
