"""Visualización de clases, DeepDream y ejemplo adversario («Lo que imagina SqueezeNet»).

Los métodos se comprueban con redes de pesos puestos a mano y contra SciPy;
lo que afirma la página, con SqueezeNet y los mismos resultados que dibujan
las figuras.
"""

import numpy as np
import pytest
import torch
import torch.nn as nn
from scipy.ndimage import correlate1d

from cnnviz.imagenet.adversarial import adversarial, caffe_input
from cnnviz.imagenet.class_viz import blur_rgb, visualize_classes
from cnnviz.imagenet.deepdream import deep_dream
from example_sections import run_section


class ChannelMeans(nn.Module):
    """«Clasificador» lineal de pesos a mano: la puntuación de la clase k es la media del canal k."""

    def forward(self, x):
        return x.mean(dim=(2, 3))             # (N, 3)


def test_blur_rgb_against_scipy():
    rng = np.random.default_rng(0)
    x = rng.random((2, 3, 9, 11))
    sigma = 0.7
    t = np.arange(-2, 3)
    k = np.exp(-t ** 2 / (2 * sigma ** 2))
    k /= k.sum()
    expected = correlate1d(correlate1d(x, k, axis=3, mode="nearest"), k, axis=2, mode="nearest")
    got = blur_rgb(torch.tensor(x), sigma).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_class_visualization_raises_the_score_of_its_class():
    images, history = visualize_classes(ChannelMeans(), lambda x: x, [0, 2], size=16, steps=30,
                                        lr=0.05, l2=0.1, jitter=2)
    means = images.mean(dim=(2, 3))                    # (2, 3)
    assert means[0, 0] > 0.9 and means[0, 1:].max() < 0.6     # rojo para la clase 0
    assert means[1, 2] > 0.9 and means[1, :2].max() < 0.6     # azul para la clase 2
    assert history[-1] > history[0]
    again, _ = visualize_classes(ChannelMeans(), lambda x: x, [0, 2], size=16, steps=30,
                                 lr=0.05, l2=0.1, jitter=2)
    assert torch.equal(images, again)                   # semilla fija


def test_deep_dream_raises_the_energy_of_the_layer():
    conv = nn.Conv2d(3, 4, 3, padding=1)
    with torch.no_grad():
        conv.weight.copy_(torch.randn(conv.weight.shape, generator=torch.Generator().manual_seed(1)))
        conv.bias.zero_()
    net = nn.Sequential()
    net.add_module("conv", conv)
    image = torch.full((1, 3, 16, 16), 0.5)
    dream, energy = deep_dream(net, lambda x: x, image, "conv", steps=25, lr=0.02, jitter=2)
    assert energy[-1] > 2 * energy[0]
    assert 0 <= dream.min() and dream.max() <= 1


def test_adversarial_step_is_the_sign_of_the_gradient():
    """Con una red lineal, el primer paso mueve cada valor un nivel en contra de la clase."""
    class Linear(nn.Module):
        def forward(self, x):                 # dos clases: media del canal B y del canal R
            return torch.stack([x[:, 0].mean(dim=(1, 2)), x[:, 2].mean(dim=(1, 2))], dim=1)

    # RGB = (120, 100, 101): menos la media, B = −2,939 y R = −3,68: clase 0 (canal B)
    image = np.zeros((32, 32, 3), dtype=np.uint8) + np.array([120, 100, 101], dtype=np.uint8)
    attacked = adversarial(Linear(), image, label=0, eps=2, steps=10)
    diff = attacked.astype(int) - image.astype(int)
    assert attacked.dtype == np.uint8
    # Un paso basta: el azul baja un nivel y el rojo sube uno (B = −3,939 < R = −2,68);
    # el verde no cuenta (gradiente 0, signo 0)
    assert (diff[:, :, 2] == -1).all() and (diff[:, :, 0] == 1).all() and (diff[:, :, 1] == 0).all()
    with pytest.raises(RuntimeError, match="L∞ ≤ 0/255"):
        adversarial(Linear(), image, label=0, eps=0, steps=3)


def test_caffe_input_is_preprocess_on_a_227_photo():
    from cnnviz.imagenet import preprocess

    rng = np.random.default_rng(2)
    photo = rng.integers(0, 256, size=(227, 227, 3), dtype=np.uint8)
    torch.testing.assert_close(caffe_input(torch.tensor(photo, dtype=torch.float32)),
                               preprocess(photo), atol=1e-3, rtol=0)


# --- Lo que afirma la página ------------------------------------------------------

def test_page_claims_on_squeezenet():
    from cnnviz.imagenet import class_runs as runs
    from cnnviz.imagenet import classify
    from cnnviz.site.facts import estilo as facts_estilo

    classes = runs.class_images()
    assert [int(t) for t in classes.top1] == list(runs.CLASSES)
    assert classes.images.shape == (len(runs.CLASSES), 3, runs.CLASS_SIZE, runs.CLASS_SIZE)
    dream = runs.dream()
    assert dream.energy[-1] > 2 * dream.energy[0]
    adv = runs.adversarial_example()
    assert adv.linf <= runs.EPS
    assert adv.new_label != adv.label
    # Las probabilidades que dice la página son las de ``classify`` sobre esas fotos
    for image, probs in ((adv.original, adv.p_original), (adv.attacked, adv.p_attacked)):
        index, _, p = classify(image, k=1)[0]
        assert index == int(probs.argmax()) and p == pytest.approx(float(probs.max()), abs=1e-6)
    for name in ("clases_parametros", "clases_resumen", "deepdream_resumen",
                 "adversario_resumen", "clases_cpu"):
        assert getattr(facts_estilo, name)()
    total = classes.cpu_seconds + dream.cpu_seconds + adv.cpu_seconds
    assert total < 60


# --- Ejercicios de la página ----------------------------------------------------------

def _run_exercise(name):
    return run_section("code/examples/ejercicios_clases.py", name)[1]


def test_exercise_without_regularization_is_rougher():
    from cnnviz.imagenet.style import tv_loss

    ns = _run_exercise("sin_regularizar")
    assert tv_loss(ns["plain"]).item() > 3 * tv_loss(ns["regular"]).item()   # «mucho más rugosa»


def test_exercise_one_fgsm_step_changes_the_coffee():
    from cnnviz.imagenet import class_name

    ns = _run_exercise("fgsm")
    assert class_name(ns["label"]) == "café expreso"          # la página nombra la clase
    assert np.abs(ns["one_step"].astype(int) - ns["coffee"].astype(int)).max() <= 2
    assert ns["index"] != ns["label"]


def test_exercise_one_level_is_enough():
    ns = _run_exercise("un_nivel")
    assert np.abs(ns["attacked"].astype(int) - ns["coffee"].astype(int)).max() == 1
    assert ns["index"] != ns["label"]
