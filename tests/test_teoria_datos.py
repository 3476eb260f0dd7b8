"""Las frases nuevas de la teoría (desplazamientos, ReLU muertas, inicialización)
recalculadas por otro camino."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy.signal import correlate2d

from cnnviz import results
from cnnviz.initialization import activation_stds
from cnnviz.model import DigitCNN
from cnnviz.shift import SHIFTS, digit_example, shift_right
from cnnviz.site.facts import teoria as facts_teoria
from cnnviz.spanish import decimal, integer, percent


def test_shift_right_fills_with_black_and_rejects_bad_shifts():
    x = torch.arange(1., 6.).view(1, 1, 1, 5)
    assert shift_right(x, 2).flatten().tolist() == [0, 0, 1, 2, 3]
    with pytest.raises(ValueError, match="desplazamiento"):
        shift_right(x, 5)


def test_conv1_is_equivariant_by_scipy():
    """Un conv1 cualquiera, calculado con SciPy: desplazar la entrada desplaza la salida."""
    torch.manual_seed(1)
    conv = DigitCNN().conv1
    image = np.zeros((28, 28))
    image[8:20, 9:13] = 1
    w = conv.weight.detach().double().numpy()[3, 0]
    out = correlate2d(np.pad(image, 2), w, mode="valid")
    moved = np.zeros_like(image)
    moved[:, 3:] = image[:, :-3]
    out_moved = correlate2d(np.pad(moved, 2), w, mode="valid")
    np.testing.assert_allclose(out_moved[:, 3:], out[:, :-3], atol=1e-12)


def _changes_by_numpy_shift(model, pixels, normalize, d):
    """Cambio relativo de cada capa con el desplazamiento hecho en NumPy."""
    image = pixels[0, 0].numpy()
    moved = np.zeros_like(image)
    moved[:, d:] = image[:, :image.shape[1] - d]
    out = {}
    for name, img in (("a", image), ("b", moved)):
        x = normalize(torch.tensor(img)[None, None])
        with torch.no_grad():
            c1 = F.relu(model.conv1(x))
            p1 = F.max_pool2d(c1, 2)
            c2 = F.relu(model.conv2(p1))
            p2 = F.max_pool2d(c2, 2)
            probs = F.softmax(model(x), 1)
        out[name] = dict(conv1=c1, pool1=p1, conv2=c2, pool2=p2, probs=probs)
    return {k: float((out["b"][k] - out["a"][k]).norm() / out["a"][k].norm())
            for k in ("conv1", "pool1", "conv2", "pool2")}, out


def test_desplazamiento_resumen():
    model = results.model()
    pixels, label, report, normalize = digit_example()
    with results.one_thread():
        one, _ = _changes_by_numpy_shift(model, pixels, normalize, 1)
        two, _ = _changes_by_numpy_shift(model, pixels, normalize, 2)
        probs = [float(_changes_by_numpy_shift(model, pixels, normalize, d)[1]["b"]["probs"]
                       [0, label]) for d in SHIFTS]
    text = facts_teoria.desplazamiento_resumen()
    assert f"cambia un {percent(one['conv1'], 0)}" in text
    assert max(report.conv1_aligned) < 1e-4 and "Es la equivariancia" in text
    if one["pool2"] < one["conv1"]:
        assert f"`pool2` cambia menos, un {percent(one['pool2'], 0)}" in text
        assert f"{percent(two['conv1'], 0)} en `conv1` y {percent(two['pool2'], 0)}" in text
    else:
        assert "no reducen el cambio" in text
    if min(probs) >= 0.99:
        assert f"es al menos {decimal(math.floor(min(probs) * 1e4) / 1e4, 4)} con todos" in text
    else:
        assert f"a {decimal(min(probs), 3)}" in text and f"de {decimal(probs[0], 3)}" in text


def test_relu_muertas():
    from cnnviz.features.activations import activation_maps

    model, data = results.model(), results.split()
    with results.one_thread():
        maps = activation_maps(model, data.x_test, stages=("relu1", "relu2"))
    text = facts_teoria.relu_muertas()
    lows = []
    dead_total = 0
    for name in ("relu1", "relu2"):
        act = maps[name]
        counts = [int((act[:, c] > 0).sum()) for c in range(act.shape[1])]   # canal a canal
        dead_total += counts.count(0)
        alive = [n / act[:, 0].numel() for n in counts if n]
        lows.append(min(alive))
    assert (dead_total == 0) == ("no hay ningún canal muerto" in text)
    assert f"en el {percent(lows[0], 1)}" in text and f"en el {percent(lows[1], 1)}" in text
    assert integer(len(data.x_test)) in text


def test_inicializacion_resumen_and_the_variance_argument():
    default, he = activation_stds("pytorch"), activation_stds("he")
    # La cuenta de la página: la varianza se multiplica por n·σ²/2 = 1/6 en cada capa
    factor = (default[-1] / default[0]) ** (1 / (len(default) - 1))
    assert 0.7 * math.sqrt(1 / 6) < factor < 1.1 * math.sqrt(1 / 6)
    assert 0.3 < min(he) and max(he) < 1.5
    text = facts_teoria.inicializacion_resumen()
    assert f"baja de {decimal(default[0], 2)}" in text
    assert f"se multiplica por {decimal(factor, 2)}" in text
    assert f"entre {decimal(min(he), 2)} y {decimal(max(he), 2)}" in text
    with pytest.raises(ValueError, match="inicialización desconocida"):
        activation_stds("xavier")
