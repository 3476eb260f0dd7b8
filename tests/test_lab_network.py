"""La red del lector en el laboratorio, y los números del laboratorio.

- ``cnnviz.lab_format``: una red de la familia ``DigitCNN`` (otros canales y
  kernels, normalización por lotes, dropout) pasa al formato del laboratorio
  con las mismas puntuaciones que en PyTorch; lo que no es de la familia da un
  error claro en español.
- En Chromium, una variante con otros números de canales cargada con el botón
  «Cargar tu red» da las probabilidades de PyTorch (≤ 1e-5), también con sus
  capas al azar; todos los paneles se rehacen con ella.
- Un JSON que no es un modelo, otra arquitectura o capas que faltan: mensaje
  en español y el laboratorio sigue con su red; un modelo sin dígitos de
  prueba arranca con el lienzo vacío. Nada sale del navegador.
- ``numeros.js`` da los mismos textos que ``cnnviz.spanish``.
"""

import json
import shutil
import subprocess

import numpy as np
import pytest
import torch
import torch.nn as nn

from cnnviz import spanish
from cnnviz.experiments import DigitCNNVariant
from cnnviz.features.sanity import CASCADE, randomize
from cnnviz.lab_format import (FamilyCNN, LabFormatError, architecture, as_lab_sequence, decode_layer,
                               export_lab, lab_dict, model_from_state, unpack)
from cnnviz.model import DigitCNN

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
NUMEROS = ROOT / "docs" / "laboratorio" / "js" / "numeros.js"
PROBABILITY_TOL = 1e-5


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def with_batch_statistics(model, seed=1):
    """Medias y varianzas móviles que no son las iniciales: la integración en la convolución cuenta."""
    generator = torch.Generator().manual_seed(seed)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            n = module.num_features
            module.running_mean.copy_(torch.randn(n, generator=generator) * 0.3)
            module.running_var.copy_(torch.rand(n, generator=generator) + 0.5)
            module.weight.data.copy_(torch.rand(n, generator=generator) + 0.5)
            module.bias.data.copy_(torch.randn(n, generator=generator) * 0.2)
    return model.eval()


def variant():
    """Una red de la familia con otros canales y kernels (8 y 12; 3×3 y 5×5) y normalización por lotes."""
    torch.manual_seed(3)
    return with_batch_statistics(FamilyCNN(channels=(8, 12), kernels=(3, 5), batch_norm=True))


def digits(n=12, seed=0):
    """Entradas al azar con forma de dígito: trazos en [0, 1] sobre fondo negro."""
    from cnnviz.data import load_mnist_split
    split = load_mnist_split()
    raw = (split.x_test[:n, 0] * split.std + split.mean).clamp(0, 1).numpy()
    return raw, split


# --- cnnviz.lab_format, sin navegador ---------------------------------------------------

@pytest.mark.parametrize("make", [
    lambda: DigitCNN(),
    lambda: with_batch_statistics(DigitCNNVariant(batch_norm=True, dropout=0.5)),
    lambda: DigitCNNVariant(dropout=0.3),
    lambda: variant(),
    lambda: FamilyCNN(channels=(4, 6), kernels=(7, 1)),
], ids=["DigitCNN", "variante con normalización y dropout", "variante con dropout",
        "8 y 12 canales", "4 y 6 canales, kernels 7 y 1"])
def test_family_networks_keep_their_scores(make):
    torch.manual_seed(0)
    model = make().eval()
    sequence = as_lab_sequence(model)
    x = torch.randn(5, 1, 28, 28)
    with torch.no_grad():
        np.testing.assert_allclose(sequence(x).numpy(), model(x).numpy(), atol=1e-5, rtol=1e-5)
    layers = architecture(sequence)
    assert [c["nombre"] for c in layers] == ["conv1", "relu1", "pool1", "conv2", "relu2", "pool2",
                                             "flatten", "fc"]
    conv2 = layers[3]
    assert conv2["salida"] == [model.conv2.out_channels, 14, 14]
    assert conv2["kernel"] == model.conv2.kernel_size[0]


class Sideways(nn.Module):
    """conv1 … fc con otro forward (sin ReLU tras conv2): no es de la familia."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.conv1, self.pool1 = nn.Conv2d(1, 4, 3, padding=1), nn.MaxPool2d(2)
        self.conv2, self.pool2 = nn.Conv2d(4, 4, 3, padding=1), nn.MaxPool2d(2)
        self.fc = nn.Linear(4 * 49, 10)
        with torch.no_grad():
            self.conv2.bias.fill_(-1.0)      # salidas negativas: sin ReLU, otras puntuaciones

    def forward(self, x):
        x = self.pool1(torch.relu(self.conv1(x)))
        return self.fc(self.pool2(self.conv2(x)).flatten(1))


class Extra(DigitCNN):
    def __init__(self):
        super().__init__()
        self.conv3 = nn.Conv2d(32, 32, 3, padding=1)


@pytest.mark.parametrize("make, expected", [
    (lambda: nn.Sequential(nn.Flatten(), nn.Linear(784, 10)), "le falta «conv1»"),
    (Extra, "no sabe ejecutar la capa «conv3»"),
    (Sideways, "da otras puntuaciones"),
    (lambda: FamilyCNN(n_classes=3), "10 puntuaciones"),
], ids=["lineal", "conv3 de más", "sin ReLU tras conv2", "3 clases"])
def test_networks_outside_the_family_get_a_spanish_error(make, expected):
    with pytest.raises(LabFormatError, match=expected):
        as_lab_sequence(make().eval())


def test_a_state_dict_rebuilds_the_network():
    model = variant()
    rebuilt = with_batch_statistics(model_from_state(model.state_dict()))
    rebuilt.load_state_dict(model.state_dict())
    x = torch.randn(3, 1, 28, 28)
    with torch.no_grad():
        assert torch.equal(rebuilt(x), model(x))
    with pytest.raises(LabFormatError, match="faltan conv2.weight"):
        model_from_state({"conv1.weight": torch.zeros(8, 1, 3, 3)})


def test_export_lab_writes_the_weights_and_the_randomized_layers(tmp_path):
    model = variant()
    path = export_lab(model, tmp_path / "mi_red.json")
    data = json.loads(path.read_text())
    sequence = as_lab_sequence(model)
    for name, entry in data["capas"].items():
        np.testing.assert_array_equal(decode_layer(entry), sequence.state_dict()[name].numpy())
    assert data["epocas"] is None and "pesos_epocas" not in data
    assert [d["etiqueta"] for d in data["digitos"]] == list(range(10))
    header, arrays = unpack(__import__("base64").b64decode(data["aleatorio"]))
    assert header["clave"] == data["clave"]
    expected = as_lab_sequence(randomize(model, CASCADE[-1], 0)).state_dict()
    for name, value in arrays.items():
        np.testing.assert_array_equal(value, expected[name].numpy())


def test_cli_export_lab(tmp_path):
    from cnnviz.__main__ import main

    weights = tmp_path / "pesos.pt"
    torch.save(variant().state_dict(), weights)
    assert main(["export-lab", "--out", str(tmp_path / "red.json"), "--pesos", str(weights)]) == 0
    data = json.loads((tmp_path / "red.json").read_text())
    assert data["arquitectura"][0]["salida"] == [8, 28, 28]
    (tmp_path / "malo.pt").write_bytes(b"esto no es un state_dict")
    assert main(["export-lab", "--out", str(tmp_path / "x.json"), "--pesos", str(tmp_path / "malo.pt")]) == 2
    assert not (tmp_path / "x.json").exists()


# --- numeros.js y cnnviz.spanish -------------------------------------------------------------

def test_javascript_numbers_match_spanish_py():
    node = shutil.which("node")
    if node is None:
        pytest.skip("falta node: no se puede ejecutar numeros.js fuera del navegador")
    rng = np.random.default_rng(0)
    values = [0.0, -0.0, 0.125, -0.125, 0.375, 2.5, 3.5, -2.5, 0.005, 0.015, 1290, 4000, 12345.678,
              -12345.5, 999.995, 9999.5, 99999.5, 1e21, 1.5e22, 123456789.25, -0.004, 1 / 3, 5e-7]
    values += rng.uniform(-1e6, 1e6, 100).tolist() + rng.uniform(-1, 1, 100).tolist()
    values += np.round(rng.uniform(-100, 100, 100), 3).tolist()
    cases = [(v, d) for v in values for d in (0, 1, 2, 3)]
    integers = [0, 7, -7, 1290, 4000, 12345, -123456, 1234567, 10 ** 15]
    script = f"""
        import {{ decimal, entero, porcentaje }} from {json.dumps(NUMEROS.as_uri())};
        const [cases, integers] = JSON.parse(process.argv[1]);
        console.log(JSON.stringify([cases.map(([v, d]) => [decimal(v, d), porcentaje(v, d)]),
                                    integers.map(entero)]));
    """
    out = subprocess.run([node, "--input-type=module", "-e", script, json.dumps([cases, integers])],
                         capture_output=True, text=True, check=True)
    got, got_integers = json.loads(out.stdout)
    expected = [[spanish.decimal(v, d), spanish.percent(v, d)] for v, d in cases]
    assert got == expected
    assert got_integers == [spanish.integer(n) for n in integers]
    assert "\u00a0%" in got[0][1] and "\u202f" in spanish.integer(12345)


# --- En el navegador ---------------------------------------------------------------------------

def open_lab(page):
    page.goto("laboratorio/")
    page.wait_for_selector("#cnn-lab[data-ready='true']", timeout=30_000)
    page.wait_for_function("window.cnnLab.mapsDone > 0", timeout=30_000)


def load_file(page, path):
    """Como el lector: el botón «Cargar tu red» abre el selector y se elige el archivo."""
    with page.expect_file_chooser() as chooser:
        page.click("#lab-load")
    chooser.value.set_files(str(path))


def browser_probabilities(page, raw_images, **options):
    return page.evaluate("""async ([images, options]) => {
        const out = [];
        for (const pixeles of images) out.push((await window.cnnLab.compute({...options, pixeles,
                                                metodos: []})).probs);
        return out;
    }""", [[np.asarray(r, np.float32).ravel().tolist() for r in raw_images], options])


def torch_probabilities(model, raw_images, mean, std):
    raw = np.array(raw_images, np.float32).astype(np.float64)
    x = torch.tensor((raw - mean) / std, dtype=torch.float32).view(-1, 1, 28, 28)
    with torch.no_grad():
        return torch.softmax(model.eval()(x), 1).numpy()


def test_a_variant_with_other_channels_gives_pytorchs_probabilities(site_page, tmp_path):
    page = site_page
    open_lab(page)
    model = variant()
    export_lab(model, tmp_path / "mi_red.json")
    load_file(page, tmp_path / "mi_red.json")
    page.wait_for_selector("#cnn-lab[data-source='propio'][data-random-ready='true']", timeout=30_000)
    page.wait_for_function("window.cnnLab.mapsDone > 1 && !window.cnnLab.busy()", timeout=30_000)
    raw, split = digits()
    inputs = list(raw) + [np.zeros((28, 28), np.float32), np.ones((28, 28), np.float32)]
    got = np.array(browser_probabilities(page, inputs))
    expected = torch_probabilities(model, inputs, split.mean, split.std)
    error = np.abs(got - expected).max()
    print(f"\nvariante de 8 y 12 canales: error máximo de las probabilidades {error:.2e}")
    assert error <= PROBABILITY_TOL
    # Con todas sus capas al azar, las de PyTorch con la misma semilla
    got = np.array(browser_probabilities(page, inputs[:4], paso=len(CASCADE)))
    expected = torch_probabilities(randomize(model, CASCADE[-1], 0), inputs[:4], split.mean, split.std)
    assert np.abs(got - expected).max() <= PROBABILITY_TOL
    # Todos los paneles son los de la variante
    assert page.locator("#lab-layers .lab-map").count() == 8 + 8 + 12 + 12
    assert page.locator(".lab-attr-map.is-stale").count() == 0
    assert sorted(page.evaluate("Object.keys(window.cnnLab.lastMaps)")) == sorted(
        page.evaluate("window.cnnLab.model.metodos"))
    page.locator("#lab-layers .lab-map").nth(16 + 3).click()
    assert page.inner_text("#lab-detail-title") == "conv2 + ReLU · mapa 3"
    assert page.evaluate("document.getElementById('lab-detail-kernel').width") == 3 * 6 - 1   # 8 kernels 5×5
    assert not page.is_disabled("#lab-step")
    assert page.is_disabled("#lab-epoch") and page.is_hidden("#lab-epoch-body")
    assert "no trae los pesos de cada época" in page.inner_text("#lab-epoch-status")
    assert "mi_red.json" in page.inner_text("#lab-meta")
    assert page.watch.console_errors == [] and page.watch.external_requests == []


def test_a_reader_network_with_its_epochs_and_no_randomization(site_page, tmp_path):
    page = site_page
    open_lab(page)
    model = FamilyCNN(channels=(6, 10), kernels=(5, 3)).eval()
    torch.manual_seed(1)
    checkpoints = [FamilyCNN(channels=(6, 10), kernels=(5, 3)).state_dict(), model.state_dict()]
    export_lab(model, tmp_path / "red.json", checkpoints=checkpoints, accuracies=[0.1, 0.5],
               randomization=False)
    load_file(page, tmp_path / "red.json")
    page.wait_for_selector("#cnn-lab[data-source='propio'][data-epochs-ready='true']", timeout=30_000)
    assert page.is_hidden("#lab-random-body") and page.is_disabled("#lab-step")
    assert "no trae los pesos al azar" in page.inner_text("#lab-random-status")
    page.focus("#lab-epoch")
    page.keyboard.press("Home")
    page.wait_for_function("!window.cnnLab.busy() && window.cnnLab.lastMaps.oclusion", timeout=30_000)
    assert "época 0 de 1" in page.inner_text("#lab-epoch-text")
    assert f"10,0{chr(0xa0)}%" in page.inner_text("#lab-epoch-text")
    assert page.watch.console_errors == []


def _site_model(built_site):
    return json.loads((built_site / "laboratorio" / "modelo.json").read_text())


@pytest.mark.parametrize("case", ["no es JSON", "no es un modelo", "otra arquitectura", "otra entrada",
                                  "falta una capa", "de 100 clases"])
def test_a_bad_reader_file_gives_a_message_and_the_lab_keeps_working(site_page, built_site, tmp_path, case):
    page = site_page
    open_lab(page)
    before = page.evaluate("window.cnnLab.updates")
    data = lab_dict(FamilyCNN(channels=(4, 8)).eval(), randomization=False)
    if case == "no es JSON":
        text, expected = '{"formato": 2, "capas": ', "no es JSON válido"
    else:
        if case == "no es un modelo":
            data, expected = {"nombre": "Ana", "edad": 7}, "no es un modelo del laboratorio"
        elif case == "otra arquitectura":
            data["arquitectura"].insert(1, {"nombre": "bn1", "tipo": "batchnorm", "salida": [4, 28, 28]})
            expected = "«bn1» es de un tipo que el laboratorio no sabe ejecutar («batchnorm»)"
        elif case == "otra entrada":
            data["entrada"] = [3, 32, 32]
            expected = "la red espera entradas (3, 32, 32); el lienzo da (1, 28, 28)"
        elif case == "falta una capa":
            del data["capas"]["conv2.weight"]
            expected = "falta la capa «conv2.weight» en red.json"
        else:
            data["arquitectura"][-1]["salida"] = [100]
            expected = "la red da (100) puntuaciones; se esperaban 10"
        text = json.dumps(data)
    (tmp_path / "red.json").write_text(text)
    load_file(page, tmp_path / "red.json")
    page.wait_for_selector("#cnn-lab[data-file-error='true']", timeout=30_000)
    message = page.inner_text("#lab-file-status")
    assert message.startswith("No se pudo usar «red.json»:") and expected in message, message
    assert "sigue con la red que tenía" in message
    # El laboratorio sigue con la red del sitio: un dígito de prueba da su predicción
    assert page.get_attribute("#cnn-lab", "data-source") == "sitio"
    page.select_option("#lab-digit", "4")
    page.wait_for_function(f"window.cnnLab.updates > {before} && document.getElementById('lab-digit').value === '4' "
                           "&& !window.cnnLab.busy()")
    assert page.get_attribute("#cnn-lab", "data-prediction") == "4"
    assert page.watch.console_errors == [] and page.watch.external_requests == []


def test_a_model_without_test_digits_starts_with_an_empty_pad(site_page, built_site):
    page = site_page
    data = _site_model(built_site)
    data["digitos"] = []
    body = json.dumps(data)
    page.route("**/laboratorio/modelo.json",
               lambda route: route.fulfill(status=200, body=body, content_type="application/json"))
    page.goto("laboratorio/")
    page.wait_for_selector("#cnn-lab[data-ready='true']", timeout=30_000)
    page.wait_for_function("window.cnnLab.mapsDone > 0 && !window.cnnLab.busy()", timeout=30_000)
    assert page.is_hidden("#lab-status")
    assert page.is_disabled("#lab-digit") and page.is_visible("#lab-digit-note")
    assert page.inner_text("#lab-pred").startswith("Lienzo vacío")
    # Se puede dibujar
    updates = page.evaluate("window.cnnLab.updates")
    page.locator("#lab-pad").scroll_into_view_if_needed()
    box = page.locator("#lab-pad").bounding_box()
    page.mouse.move(box["x"] + 0.5 * box["width"], box["y"] + 0.2 * box["height"])
    page.mouse.down()
    page.mouse.move(box["x"] + 0.5 * box["width"], box["y"] + 0.8 * box["height"], steps=8)
    page.mouse.up()
    page.wait_for_function(f"window.cnnLab.updates > {updates} && !window.cnnLab.busy()")
    assert not page.inner_text("#lab-pred").startswith("Lienzo vacío")
    assert page.watch.console_errors == []
