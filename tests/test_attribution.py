"""Métodos de atribución de la página y del laboratorio: redes hechas a mano con la
respuesta calculada a mano, captum sobre la CNN entrenada, y la prueba de cordura."""

import numpy as np
import pytest
import torch
import torch.nn as nn
from scipy.ndimage import gaussian_filter

from cnnviz.features.activations import activation_maps
from cnnviz.features.faithfulness import area_under_curve, deletion_curve
from cnnviz.features.gradcam import grad_cam
from cnnviz.features.integrated_gradients import (BLUR_SIGMA, black_baseline, blurred_baseline,
                                                  integrated_gradients, noise_baseline)
from cnnviz.features.layers import as_sequential
from cnnviz.features.methods import (BASELINES, NAMES, OCCLUSION_PATCH, OCCLUSION_STRIDE,
                                     attribution_methods)
from cnnviz.features.noise import gaussian, uniform
from cnnviz.features.occlusion import occlusion_attribution
from cnnviz.features.sanity import THRESHOLD, sanity_check
from cnnviz.features.smoothgrad import smoothgrad, smoothgrad_noise
from cnnviz.model import DigitCNN


@pytest.fixture(scope="module")
def model(model):
    """La CNN entrenada (conftest), sin gradiente para sus pesos."""
    for p in model.parameters():
        p.requires_grad_(False)
    return model


@pytest.fixture(scope="module")
def digits(split):
    return split.x_test[:8], split.y_test[:8]


class LinearDigits(nn.Module):
    """Puntuación k = <W_k, x> + b_k: gradiente W_k en todas partes."""

    def __init__(self, n_classes=10):
        super().__init__()
        gen = torch.Generator().manual_seed(3)
        self.linear = nn.Linear(784, n_classes)
        with torch.no_grad():
            self.linear.weight.copy_(torch.randn(n_classes, 784, generator=gen))
            self.linear.bias.copy_(torch.randn(n_classes, generator=gen))

    def forward(self, x):
        return self.linear(x.flatten(1))


# --- El generador compartido con el navegador ---

def test_uniform_is_mulberry32_step_by_step():
    # mulberry32 escrito número a número con enteros de Python, como en JavaScript
    def reference(seed, n):
        out, a = [], seed
        for _ in range(n):
            a = (a + 0x6D2B79F5) & 0xFFFFFFFF
            t = ((a ^ (a >> 15)) * (a | 1)) & 0xFFFFFFFF
            t = ((t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF) ^ t
            out.append(((t ^ (t >> 14)) & 0xFFFFFFFF) / 2 ** 32)
        return out

    for seed in (0, 1, 2, 123456789, 2 ** 32 - 1):
        assert uniform(500, seed).tolist() == reference(seed, 500)
    with pytest.raises(ValueError, match="seed"):
        uniform(3, -1)


def test_gaussian_has_unit_variance():
    values = gaussian(200_000, 5)
    assert abs(values.mean()) < 0.01 and abs(values.std() - 1) < 0.01
    assert np.isfinite(values).all()


# --- SmoothGrad ---

def test_smoothgrad_of_a_linear_model_is_its_weight_row():
    net = LinearDigits()
    x = torch.randn(2, 1, 28, 28)
    maps = smoothgrad(net, x, torch.tensor([1, 7]), smoothgrad_noise(5, 0.3))
    torch.testing.assert_close(maps[0].flatten(), net.linear.weight[1], rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(maps[1].flatten(), net.linear.weight[7], rtol=1e-6, atol=1e-6)


def test_smoothgrad_matches_captum_noise_tunnel(model, digits):
    from captum.attr import NoiseTunnel, Saliency

    x, y = digits
    sigma = 0.4
    for i in range(4):
        # captum saca el ruido de torch.normal: con la misma semilla, el mismo ruido
        torch.manual_seed(10 + i)
        noise = torch.normal(0, torch.full((16, 1, 28, 28), sigma))
        ours = smoothgrad(model, x[i:i + 1], y[i:i + 1], noise)
        torch.manual_seed(10 + i)
        theirs = NoiseTunnel(Saliency(model)).attribute(
            x[i:i + 1], nt_type="smoothgrad", nt_samples=16, stdevs=sigma,
            target=int(y[i]), abs=False)
        torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-6)


def test_smoothgrad_noise_is_the_shared_generator():
    noise = smoothgrad_noise(3, 0.5, seed=9)
    assert noise.shape == (3, 1, 28, 28) and noise.dtype == torch.float32
    np.testing.assert_array_equal(noise.flatten().numpy(),
                                  (gaussian(3 * 784, 9) * 0.5).astype(np.float32))


# --- Gradientes integrados ---

def test_integrated_gradients_of_a_linear_model_worked_by_hand():
    # Gradiente constante W_t: IG = (x − base) · W_t exactamente, con cualquier número de pasos
    net = LinearDigits()
    x = torch.randn(3, 1, 28, 28)
    base = torch.randn(3, 1, 28, 28)
    target = torch.tensor([0, 5, 9])
    ig = integrated_gradients(net, x, target, base, steps=7)
    for k, t in enumerate(target):
        expected = (x[k] - base[k]).flatten() * net.linear.weight[t]
        torch.testing.assert_close(ig[k].flatten(), expected, rtol=1e-5, atol=1e-6)


def test_integrated_gradients_of_a_square_worked_by_hand():
    # f(x) = (Σ x)²: con base 0, IG_i = x_i · ∫ 2α Σx dα = x_i · Σx exactamente con el punto medio
    class Square(nn.Module):
        def forward(self, x):
            return x.flatten(1).sum(1, keepdim=True) ** 2

    x = torch.rand(1, 1, 28, 28, dtype=torch.float64)
    ig = integrated_gradients(Square(), x, 0, 0.0, steps=4)
    torch.testing.assert_close(ig, x * x.sum())


@pytest.mark.parametrize("baseline", sorted(BASELINES))
def test_integrated_gradients_match_captum(model, digits, split, baseline):
    from captum.attr import IntegratedGradients

    x, y = digits
    base = BASELINES[baseline](x, split.mean, split.std)
    ours = integrated_gradients(model, x, y, base, steps=16)
    theirs = IntegratedGradients(model).attribute(x, baselines=base, target=y, n_steps=16,
                                                  method="riemann_middle")
    torch.testing.assert_close(ours, theirs, rtol=1e-4, atol=1e-5)
    # Completitud: la suma se acerca a puntuación(x) − puntuación(base)
    gap = (model(x) - model(base)).gather(1, y[:, None])[:, 0]
    assert (ours.sum(dim=(1, 2, 3)) - gap).abs().max() < 0.05 * gap.abs().max()


def test_black_baseline_gives_nothing_to_black_pixels(model, digits, split):
    x, y = digits
    base = black_baseline(x, split.mean, split.std)
    ig = integrated_gradients(model, x, y, base)
    black = x == base
    assert black.float().mean() > 0.6        # la mayoría de los píxeles de MNIST
    assert (ig[black] == 0).all()
    assert (ig[~black] != 0).float().mean() > 0.9


def test_blurred_baseline_is_scipy_gaussian_filter(digits, split):
    x, _ = digits
    background = (0 - split.mean) / split.std
    ours = blurred_baseline(x, split.mean, split.std)
    for image, blurred in zip(x, ours):
        expected = gaussian_filter(image[0].double().numpy(), BLUR_SIGMA, mode="constant",
                                   cval=background, truncate=3.0)
        np.testing.assert_allclose(blurred[0].numpy(), expected, atol=1e-5)


def test_noise_baseline_is_uniform_pixels(digits, split):
    x, _ = digits
    base = noise_baseline(x, split.mean, split.std)
    pixels = base * split.std + split.mean
    assert base.shape == x.shape and torch.equal(base[0], base[-1])
    assert pixels.min() >= -1e-6 and pixels.max() <= 1 + 1e-6
    assert 0.45 < pixels[0].mean() < 0.55


# --- Grad-CAM ---

def test_grad_cam_with_a_hand_set_top_layer(digits):
    # fc da a la clase 3 un peso w_k en todas las posiciones del canal k de pool2.
    # El max pooling 2×2 manda ese gradiente a una posición de cada ventana:
    # α_k = w_k · 49 / 196 = w_k / 4, y el mapa es ReLU(Σ_k w_k / 4 · A_k).
    x, _ = digits
    torch.manual_seed(0)
    net = DigitCNN().eval()
    w = torch.linspace(-1, 1, 32)
    with torch.no_grad():
        net.fc.weight.zero_()
        net.fc.weight[3] = w.repeat_interleave(49)
    cam = grad_cam(net, x, 3, upsample=False)
    acts = activation_maps(net, x, stages=("relu2",))["relu2"]
    expected = torch.relu((w[None, :, None, None] / 4 * acts).sum(1, keepdim=True))
    torch.testing.assert_close(cam, expected, rtol=1e-5, atol=1e-6)
    assert expected.max() > 0


def test_grad_cam_matches_captum(model, digits):
    from captum.attr import LayerAttribution, LayerGradCam

    x, y = digits
    layers = as_sequential(model)
    coarse = LayerGradCam(layers, layers.relu2).attribute(x, target=y, relu_attributions=True)
    torch.testing.assert_close(grad_cam(model, x, y, upsample=False), coarse,
                               rtol=1e-5, atol=1e-6)
    theirs = LayerAttribution.interpolate(coarse, (28, 28), interpolate_mode="bilinear")
    torch.testing.assert_close(grad_cam(model, x, y), theirs, rtol=1e-5, atol=1e-6)
    assert theirs.amax(dim=(1, 2, 3)).min() > 0


def test_grad_cam_rejects_unknown_layer(model, digits):
    with pytest.raises(ValueError, match="capa desconocida «conv3»"):
        grad_cam(model, digits[0], 0, layer="conv3")


# --- Oclusión con el parche del laboratorio ---

def test_lab_occlusion_matches_captum(model, digits, split):
    from captum.attr import Occlusion

    x, y = digits
    background = (0 - split.mean) / split.std
    p, s = OCCLUSION_PATCH, OCCLUSION_STRIDE
    ours = occlusion_attribution(model, x, y, p, s, background)
    theirs = Occlusion(model).attribute(x, target=y, sliding_window_shapes=(1, p, p),
                                        strides=(1, s, s), baselines=background)
    torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-5)


# --- Curva de borrado ---

def _two_class_linear():
    """Red lineal de dos clases con la 1 a puntuación 0: p(0) = sigmoide(<w, x> + b)."""
    net = LinearDigits(n_classes=2)
    with torch.no_grad():
        net.linear.weight[1] = 0
        net.linear.bias[1] = 0
    return net


def test_deletion_curve_worked_by_hand():
    # Dos clases, la 1 con puntuación 0: p(0) = sigmoide(<w, x> + b), borrando a mano
    net = _two_class_linear()
    x = torch.randn(1, 1, 28, 28)
    importance = torch.randn(1, 1, 28, 28)
    curve = deletion_curve(net, x, 0, importance, background=-0.5, steps=7)
    order = np.argsort(-importance.flatten().numpy(), kind="stable")
    w, b = net.linear.weight[0].detach().double().numpy(), net.linear.bias[0].item()
    expected = []
    for s in range(8):
        image = x.flatten().numpy().copy()
        image[order[:s * 112]] = -0.5
        expected.append(1 / (1 + np.exp(-(w @ image + b))))
    np.testing.assert_allclose(curve[0].numpy(), expected, rtol=1e-5, atol=1e-6)
    auc = area_under_curve(curve)
    np.testing.assert_allclose(auc.numpy(), [np.trapezoid(expected, dx=1 / 7)], rtol=1e-5)


def test_deletion_in_the_exact_contribution_order_drops_fastest():
    # Modelo lineal de dos clases: borrar primero los píxeles que más suman da la
    # curva más baja; el orden contrario, la más alta
    net = _two_class_linear()
    x = torch.randn(4, 1, 28, 28)
    contribution = (x - (-0.5)) * net.linear.weight[0].view(1, 1, 28, 28)
    best = area_under_curve(deletion_curve(net, x, 0, contribution, -0.5))
    worst = area_under_curve(deletion_curve(net, x, 0, -contribution, -0.5))
    shuffled = area_under_curve(deletion_curve(net, x, 0, torch.randn_like(x), -0.5))
    assert (best < shuffled).all() and (shuffled < worst).all()


def test_deletion_curve_ends_on_a_black_image(model, digits, split):
    x, y = digits
    background = (0 - split.mean) / split.std
    curves = deletion_curve(model, x, y, torch.rand_like(x), background)
    assert curves.shape == (8, 29)
    with torch.no_grad():
        full = torch.softmax(model(x), 1).gather(1, y[:, None])[:, 0]
        black = torch.softmax(model(torch.full_like(x[:1], background)), 1)[0, y]
    torch.testing.assert_close(curves[:, 0], full)
    torch.testing.assert_close(curves[:, -1], black)
    with pytest.raises(ValueError, match="steps debe dividir 784"):
        deletion_curve(model, x, y, x, background, steps=5)


# --- Todos los métodos y la prueba de cordura ---

def test_every_method_gives_one_finite_map_per_digit(model, digits, split):
    x, y = digits
    methods = attribution_methods(split.mean, split.std)
    assert set(methods) == set(NAMES)
    for name, method in methods.items():
        maps = method(model, x, y)
        assert maps.shape == x.shape, name
        assert torch.isfinite(maps).all() and maps.abs().amax(dim=(1, 2, 3)).min() > 0, name
    with pytest.raises(ValueError, match="línea de base desconocida «blanca»"):
        attribution_methods(split.mean, split.std, baseline="blanca")


def test_sanity_check_guided_backprop_fails_and_saliency_passes(model, split):
    # El resultado de Adebayo et al. con la red del sitio y 20 dígitos de prueba
    methods = attribution_methods(split.mean, split.std)
    chosen = {name: methods[name] for name in ("saliencia", "guiada")}
    summary = sanity_check(model, split.x_test[:20], split.y_test[:20], chosen)
    saliency_means, saliency_passes = summary["saliencia"]
    guided_means, guided_passes = summary["guiada"]
    assert len(saliency_means) == 3
    assert saliency_passes and saliency_means[0] < THRESHOLD
    assert not guided_passes and guided_means[0] >= THRESHOLD


# --- Lo que dice la página de los resultados (la misma red y los mismos dígitos) ---

def _roughness(maps):
    maps = maps.abs()
    steps = (maps[..., 1:, :] - maps[..., :-1, :]).abs().mean() + \
        (maps[..., :, 1:] - maps[..., :, :-1]).abs().mean()
    return (steps / maps.mean()).item()


def test_smoothgrad_and_grad_cam_are_smoother_than_saliency(model, split):
    # «la rugosidad de SmoothGrad es menor»; «Grad-CAM no tiene el ruido de la saliencia»
    from cnnviz.features.saliency import saliency
    from cnnviz.features.smoothgrad import NOISE_LEVEL, SAMPLES
    x, y = split.x_test[:4], split.y_test[:4]
    plain = _roughness(saliency(model, x, y))
    smooth = _roughness(smoothgrad(model, x, y, smoothgrad_noise(SAMPLES, NOISE_LEVEL / split.std)))
    assert smooth < plain
    assert _roughness(grad_cam(model, x, y)) < smooth


def test_integrated_gradients_claims_on_the_page(model, split):
    # «la suma de cada mapa es casi igual a la diferencia de puntuación» y «solo la
    # línea de base negra deja a cero la mayoría de los píxeles»
    x, y = split.x_test[:4], split.y_test[:4]
    for name, make in BASELINES.items():
        base = make(x, split.mean, split.std)
        ig = integrated_gradients(model, x, y, base)
        gap = (model(x) - model(base)).gather(1, y[:, None])[:, 0]
        ratio = ig.sum(dim=(1, 2, 3)) / gap
        assert ((ratio - 1).abs() < 0.05).all(), (name, ratio)
        zeros = (ig == 0).float().mean()
        assert (zeros > 0.5) if name == "negra" else (zeros < 0.1), (name, zeros)


def test_report_claims_on_the_page():
    from cnnviz.features.evaluation import attribution_report, ranking
    report = attribution_report()
    assert set(report["sanity"]) == set(NAMES)
    assert set(report["borrado"]) == set(NAMES) | {"azar"}
    # «todos los métodos borran mucho mejor que el azar»
    random_area = report["borrado"]["azar"]["area"]
    assert all(report["borrado"][n]["area"] < 0.75 * random_area for n in NAMES)
    assert ranking(report)[-1] == "azar"
    # «la retropropagación guiada es el caso del artículo original», «los gradientes
    # integrados con la línea de base negra fallan», la saliencia pasa
    assert not report["sanity"]["guiada"]["pasa"] and not report["sanity"]["integrados"]["pasa"]
    assert report["sanity"]["saliencia"]["pasa"]
    # «el 81 % de los píxeles es negro … el 81 % de las atribuciones es exactamente 0»
    assert report["negros"] > 0.5
    assert report["ceros_integrados"] == pytest.approx(report["negros"], abs=0.01)


# --- Figuras: variantes clara, oscura y estrecha, legibles ---

ATTRIBUTION_FIGURES = ["gradcam", "integrados", "smoothgrad", "borrado", "cordura", "cordura_curvas"]
CONTENT_WIDTH = {False: 688, True: 358}      # px CSS del contenido: escritorio y teléfono de 390 px
MIN_TEXT = {False: 11, True: 9}              # px CSS


@pytest.mark.parametrize("narrow", [False, True], ids=["ancha", "estrecha"])
def test_attribution_figures_are_legible_in_every_variant(model, narrow):   # model: un hilo
    import matplotlib.colors
    import matplotlib.text

    from cnnviz.figures import FIGURES
    from cnnviz.figures.style import SCHEMES, Variant, use_variant

    for name in ATTRIBUTION_FIGURES:
        assert FIGURES[name].func.__module__ == "cnnviz.figures.atribucion"
        for scheme in ("claro", "oscuro"):
            with use_variant(Variant(scheme, narrow)):
                fig = FIGURES[name].func()
                fig.draw_without_rendering()                # coloca textos y marcas de los ejes
                dpi = 110                                   # la de style.png_bytes
                width_px = fig.get_figwidth() * dpi
                shown = min(width_px, CONTENT_WIDTH[narrow]) / width_px
                sizes = [t.get_fontsize() * dpi / 72 * shown for t in fig.findobj(matplotlib.text.Text)
                         if t.get_visible() and t.get_text().strip()]
                assert sizes and min(sizes) >= MIN_TEXT[narrow], (name, scheme, min(sizes))
                background = matplotlib.colors.to_hex(fig.get_facecolor())
            assert background == SCHEMES[scheme]["background"], (name, scheme, background)
