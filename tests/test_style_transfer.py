"""Transferencia de estilo: matrices de Gram, pérdidas y optimización.

Las pérdidas se comprueban con ejemplos calculados a mano y contra NumPy; la
optimización, con redes pequeñas de pesos puestos a mano. Lo que afirma la
página sobre SqueezeNet se comprueba al final con el mismo modelo.
"""

from collections import OrderedDict

import numpy as np
import pytest
import torch
import torch.nn as nn

from cnnviz.imagenet.style import (content_loss, gram_matrix, layer_outputs, style_loss,
                                   synthesize, tv_loss)
from example_sections import run_section


def identity_net():
    """Una red de un módulo: convolución 1×1 identidad (sus mapas son los píxeles)."""
    conv = nn.Conv2d(3, 3, 1, bias=False)
    with torch.no_grad():
        conv.weight.copy_(torch.eye(3).view(3, 3, 1, 1))
    return nn.Sequential(OrderedDict(conv=conv))


def small_net():
    """Dos convoluciones de 3×3 con pesos fijos (semilla) y ReLU: cinco módulos con nombre."""
    gen = torch.Generator().manual_seed(0)
    conv1, conv2 = nn.Conv2d(3, 8, 3, padding=1), nn.Conv2d(8, 8, 3, padding=1)
    with torch.no_grad():
        for conv in (conv1, conv2):
            conv.weight.copy_(torch.randn(conv.weight.shape, generator=gen) * 0.3)
            conv.bias.zero_()
    net = nn.Sequential(OrderedDict(conv1=conv1, relu1=nn.ReLU(), pool1=nn.AvgPool2d(2),
                                    conv2=conv2, relu2=nn.ReLU()))
    for p in net.parameters():
        p.requires_grad_(False)
    return net


# --- Matriz de Gram -------------------------------------------------------------

def test_gram_of_a_hand_example():
    # Dos canales de 1×2: a = (1, 2), b = (3, 0)
    fmap = torch.tensor([[[[1.0, 2.0]], [[3.0, 0.0]]]])          # (1, 2, 1, 2)
    # G = [[1+4, 3+0], [3+0, 9+0]] / 2 posiciones
    expected = torch.tensor([[[2.5, 1.5], [1.5, 4.5]]])
    torch.testing.assert_close(gram_matrix(fmap), expected)


def test_gram_against_numpy():
    rng = np.random.default_rng(1)
    fmap = rng.normal(size=(3, 5, 4, 6))
    flat = fmap.reshape(3, 5, 24)
    expected = np.einsum("nip,njp->nij", flat, flat) / 24
    got = gram_matrix(torch.tensor(fmap)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-12)
    # Simétrica y semidefinida positiva
    np.testing.assert_allclose(got, got.transpose(0, 2, 1))
    assert np.linalg.eigvalsh(got).min() > -1e-10


def test_gram_ignores_where_a_pattern_is():
    """Barajar las posiciones (las mismas para todos los canales) no cambia la matriz."""
    gen = torch.Generator().manual_seed(2)
    fmap = torch.randn(1, 4, 5, 5, generator=gen)
    order = torch.randperm(25, generator=gen)
    shuffled = fmap.reshape(1, 4, 25)[:, :, order].reshape(1, 4, 5, 5)
    torch.testing.assert_close(gram_matrix(shuffled), gram_matrix(fmap))


# --- Pérdidas ---------------------------------------------------------------------

def test_content_loss_by_hand():
    target = torch.tensor([[[[1.0, 2.0], [2.0, 0.0]]]])            # ‖P‖² = 1 + 4 + 4 = 9
    fmap = torch.tensor([[[[1.0, 2.0], [2.0, 0.0]]],
                         [[[1.0, 2.0], [2.0, 3.0]]],               # error 3² = 9
                         [[[0.0, 0.0], [0.0, 0.0]]]])              # error = ‖P‖²
    torch.testing.assert_close(content_loss(fmap, target), torch.tensor([0.0, 1.0, 1.0]))


def test_style_loss_against_numpy():
    rng = np.random.default_rng(3)
    grams = {1: rng.normal(size=(2, 4, 4)), 4: rng.normal(size=(2, 6, 6))}
    targets = {1: rng.normal(size=(1, 4, 4)), 4: rng.normal(size=(1, 6, 6))}
    weights = {1: 2.0, 4: 0.5}
    expected = sum(w * ((grams[k] - targets[k]) ** 2).sum(axis=(1, 2))
                   / (targets[k] ** 2).sum() for k, w in weights.items())
    got = style_loss({k: torch.tensor(v) for k, v in grams.items()},
                     {k: torch.tensor(v) for k, v in targets.items()}, weights)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-12)


def test_style_loss_is_zero_for_the_style_itself_and_one_for_nothing():
    gram = {0: torch.tensor([[[2.0, 1.0], [1.0, 3.0]]])}
    torch.testing.assert_close(style_loss(gram, gram, {0: 1.0}), torch.tensor([0.0]))
    zero = {0: torch.zeros(1, 2, 2)}
    torch.testing.assert_close(style_loss(zero, gram, {0: 1.0}), torch.tensor([1.0]))


def test_tv_loss_by_hand():
    # Un canal de 2×3: columnas 0, 1, 3 -> diferencias horizontales 1 y 2, verticales 0
    image = torch.tensor([[[[0.0, 1.0, 3.0], [0.0, 1.0, 3.0]]]])
    # horizontales: (1 + 4 + 1 + 4) / 4 = 2,5; verticales: 0
    torch.testing.assert_close(tv_loss(image), torch.tensor([2.5]))
    torch.testing.assert_close(tv_loss(image.transpose(2, 3)), torch.tensor([2.5]))
    torch.testing.assert_close(tv_loss(torch.full((2, 3, 4, 4), 0.7)), torch.zeros(2))


def test_tv_loss_against_numpy():
    rng = np.random.default_rng(4)
    image = rng.random((2, 3, 5, 7))
    expected = (np.diff(image, axis=2) ** 2).mean(axis=(1, 2, 3)) + \
        (np.diff(image, axis=3) ** 2).mean(axis=(1, 2, 3))
    np.testing.assert_allclose(tv_loss(torch.tensor(image)).numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize("bad, message", [
    (torch.zeros(3, 4, 4), r"\(N, C, H, W\)"),
    (np.zeros((1, 3, 4, 4)), "ndarray"),
])
def test_bad_inputs_are_refused_clearly(bad, message):
    for fn in (gram_matrix, tv_loss):
        with pytest.raises(ValueError, match=message):
            fn(bad)


def test_tv_needs_two_pixels_each_way():
    with pytest.raises(ValueError, match="al menos 2×2"):
        tv_loss(torch.zeros(1, 3, 1, 4))


# --- Capas y optimización con redes pequeñas --------------------------------------

def test_layer_outputs_are_the_outputs_of_those_modules():
    net = small_net()
    x = torch.rand(2, 3, 8, 8, generator=torch.Generator().manual_seed(5))
    out = layer_outputs(net, x, ["relu1", "relu2"])
    torch.testing.assert_close(out["relu1"], torch.relu(net.conv1(x)))
    torch.testing.assert_close(out["relu2"], net(x))
    with pytest.raises(ValueError, match="conv1, relu1, pool1, conv2, relu2"):
        layer_outputs(net, x, ["fire2"])


def test_texture_synthesis_matches_colour_statistics():
    """Con mapas = píxeles, la matriz de Gram son los momentos de segundo orden del
    color: la textura sintetizada acaba con los del estilo."""
    net = identity_net()
    gen = torch.Generator().manual_seed(6)
    style = torch.rand(1, 3, 16, 16, generator=gen) * torch.tensor([0.9, 0.5, 0.2]).view(1, 3, 1, 1)
    start = torch.rand(1, 3, 16, 16, generator=gen)
    image, history = synthesize(net, lambda x: x, start, style, {"conv": 1.0}, steps=300, lr=0.03)
    assert history.style[-1][0] < 1e-4 * history.style[0][0]
    second_moments = lambda x: (x.reshape(3, -1) @ x.reshape(3, -1).T / 256).numpy()  # noqa: E731
    np.testing.assert_allclose(second_moments(image[0]), second_moments(style[0]), atol=0.005)
    assert image.min() >= 0 and image.max() <= 1


def test_synthesis_is_deterministic_and_batches_are_independent_runs():
    net = small_net()
    gen = torch.Generator().manual_seed(7)
    content, style = torch.rand(1, 3, 12, 12, generator=gen), torch.rand(1, 3, 12, 12, generator=gen)
    kwargs = dict(style_weights={"relu1": 1.0, "relu2": 1.0}, content_image=content,
                  content_layer="relu2",
                  tv_weight=0.1, steps=20, lr=0.05)
    weights = torch.tensor([0.1, 10.0])
    batch, hist = synthesize(net, lambda x: x, content.repeat(2, 1, 1, 1), style,
                             style_weight=weights, **kwargs)
    again, _ = synthesize(net, lambda x: x, content.repeat(2, 1, 1, 1), style,
                          style_weight=weights, **kwargs)
    assert torch.equal(batch, again)
    for n, beta in enumerate(weights.tolist()):
        alone, hist_alone = synthesize(net, lambda x: x, content, style, style_weight=beta, **kwargs)
        torch.testing.assert_close(batch[n:n + 1], alone, atol=1e-5, rtol=0)
        np.testing.assert_allclose([h[n] for h in hist.total],
                                   [h[0] for h in hist_alone.total], rtol=1e-4)
    # Más peso al estilo: menos pérdida de estilo y más de contenido al final
    assert hist.style[-1][1] < hist.style[-1][0]
    assert hist.content[-1][1] > hist.content[-1][0]
    # Se empieza en el contenido: su pérdida vale 0 en el primer paso
    np.testing.assert_allclose(hist.content[0], [0.0, 0.0], atol=1e-10)


# --- Caché de disco de los resultados ---------------------------------------------

def test_results_are_computed_once_and_read_from_disk(tmp_path, monkeypatch):
    from cnnviz.imagenet import style_runs as runs

    monkeypatch.setenv("CNNVIZ_CACHE", str(tmp_path))
    calls = []

    def fake():
        calls.append(1)
        return {"image": np.arange(6.0).reshape(1, 1, 2, 3)}

    monkeypatch.setattr(runs, "_compute_texture", fake)
    fake.__module__, fake.__name__ = runs.__name__, "_compute_texture"
    first = runs._stored("prueba", runs._compute_texture)
    second = runs._stored("prueba", runs._compute_texture)
    assert len(calls) == 1
    np.testing.assert_array_equal(first["image"], second["image"])
    assert float(first["cpu_seconds"]) >= 0
    # Una entrada dañada no se usa: se vuelve a calcular
    stored = next(tmp_path.glob("estilo/prueba/*/resultado.npz"))
    stored.write_bytes(b"roto")
    third = runs._stored("prueba", runs._compute_texture)
    assert len(calls) == 2
    np.testing.assert_array_equal(third["image"], first["image"])


def test_to_input_is_the_caffe_preprocessing():
    """La conversión derivable da lo mismo que ``preprocess`` sobre la foto en uint8."""
    from cnnviz.imagenet import preprocess
    from cnnviz.imagenet.style_runs import to_input

    rng = np.random.default_rng(8)
    photo = rng.integers(0, 256, size=(227, 227, 3), dtype=np.uint8)
    image = torch.tensor(photo / 255.0, dtype=torch.float32).permute(2, 0, 1)[None]
    torch.testing.assert_close(to_input(image), preprocess(photo), atol=1e-3, rtol=0)


# --- Lo que afirma la página, con SqueezeNet ----------------------------------------

@pytest.fixture(scope="module")
def squeezenet():
    from cnnviz.imagenet import load_model

    model = load_model()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def test_page_claims_on_the_loss_examples(squeezenet):
    from cnnviz.imagenet.style_runs import photo, to_input

    cat = photo("chelsea", 128)
    maps = layer_outputs(squeezenet, to_input(cat), ["fire2"])
    assert content_loss(maps["fire2"], maps["fire2"]).item() == 0
    # «la variación total de una foto es mucho menor que la del ruido»
    noise = torch.rand(1, 3, 128, 128, generator=torch.Generator().manual_seed(0))
    assert tv_loss(cat).item() < tv_loss(noise).item() / 10


def test_page_claims_on_the_small_synthesis(squeezenet):
    """«En 30 pasos … la pérdida de estilo ya baja mucho y la de contenido sube desde 0»."""
    from cnnviz.imagenet.style_runs import photo, to_input

    content, style = photo("chelsea", 64), photo("immunohistochemistry", 64)
    image, history = synthesize(squeezenet, to_input, content, style,
                                {"relu1": 1.0, "fire3": 1.0}, content_image=content,
                                content_layer="fire2", style_weight=10.0, tv_weight=10.0,
                                steps=30, lr=0.03)
    assert history.content[0][0] < 1e-6 < 0.1 < history.content[-1][0]
    assert history.style[-1][0] < history.style[0][0] / 10
    assert 0 <= image.min() and image.max() <= 1


def test_page_claims_on_the_figures():
    """Las curvas de la transferencia empiezan con pérdida de contenido 0 (se parte de la
    foto) y las frases de la página se pueden redactar con los resultados."""
    from cnnviz.imagenet import style_runs as runs
    from cnnviz.site.facts import estilo as facts_estilo

    result = runs.transfer()
    np.testing.assert_allclose(result.losses["content"][0], 0, atol=1e-6)
    # «mientras el estilo entra en la imagen, el contenido se pierde en parte»
    main = runs.MAIN
    assert result.losses["style"][-1, main] < result.losses["style"][0, main] / 10
    assert 0.05 < result.losses["content"][-1, main] < 1
    assert result.images.shape == (len(runs.STYLE_WEIGHTS), 3, runs.TRANSFER_SIZE,
                                   runs.TRANSFER_SIZE)
    texture = runs.texture()
    assert texture.images.shape == (1, 3, runs.TEXTURE_SIZE, runs.TEXTURE_SIZE)
    for name in facts_estilo.__all__:
        assert getattr(facts_estilo, name)()
    # Presupuesto: las dos optimizaciones caben en un minuto de CPU
    assert texture.cpu_seconds + result.cpu_seconds < 60


def test_results_are_deterministic():
    """Dos cálculos del mismo resultado dan los mismos píxeles (un hilo y semillas fijas)."""
    from cnnviz.imagenet import style_runs as runs

    def small_texture():
        net = runs._network()
        texture = runs.photo(runs.TEXTURE_PHOTO, 32)
        start = torch.rand(1, 3, 32, 32, generator=torch.Generator().manual_seed(runs.SEED))
        return synthesize(net, runs.to_input, start, texture, runs.STYLE_LAYERS, steps=5)[0]

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        assert torch.equal(small_texture(), small_texture())
    finally:
        torch.set_num_threads(threads)


# --- Ejercicios de la página ----------------------------------------------------------

def _run_exercise(name):
    return run_section("code/examples/ejercicios_estilo.py", name)[1]


def test_exercise_gram_ignores_positions():
    ns = _run_exercise("posiciones")
    assert ((ns["gram"] - ns["gram_shuffled"]).norm() / ns["gram"].norm()).item() < 1e-5
    assert content_loss(ns["shuffled"], ns["fmap"]).item() > 0.5


def test_exercise_dividing_by_positions_makes_sizes_comparable():
    ns = _run_exercise("tamano")
    small, large, m = ns["small"], ns["large"], ns["positions"]
    raw = ((large * m[128]).norm() / (small * m[64]).norm()).item()
    normalized = (large.norm() / small.norm()).item()
    assert raw > 2                                    # «varias veces mayor»
    assert abs(normalized - 1) < abs(raw - 1) / 4     # «el cociente se acerca a 1»
    assert normalized != pytest.approx(1, abs=1e-3)   # «no son iguales»


def test_exercise_deeper_content_is_farther_from_the_photo():
    ns = _run_exercise("profundidad")
    # La última reconstrucción del bucle es la de fire5; se repite la de fire2
    fire5 = (ns["image"] - ns["cat"]).abs().mean().item()
    image, _ = synthesize(ns["model"], ns["to_input"], ns["noise"], ns["cat"], {"relu1": 1.0},
                          content_image=ns["cat"], content_layer="fire2", style_weight=0.0,
                          steps=100, lr=0.05)
    fire2 = (image - ns["cat"]).abs().mean().item()
    assert fire2 < fire5
