"""Métodos de visualización: redes hechas a mano con la respuesta calculada a mano,
comparación con captum sobre la CNN entrenada, y errores claros."""

import numpy as np
import pytest
import torch
import torch.nn as nn

from cnnviz.features.activations import activation_maps
from cnnviz.features.actmax import channel_objective, class_objective, maximize
from cnnviz.features.embedding import embed_2d, feature_vectors
from cnnviz.features.layers import as_sequential
from cnnviz.features.occlusion import occlusion_attribution, occlusion_scores
from cnnviz.features.saliency import guided_backprop, saliency
from cnnviz.features.sanity import randomization_test, randomize, rank_correlation


@pytest.fixture(scope="module")
def digits(split):
    return split.x_test[:16], split.y_test[:16], split


# --- Redes diminutas con respuesta calculada a mano ---

class LinearDigits(nn.Module):
    """Puntuación k = <W_k, x> + b_k: su gradiente respecto a x es exactamente W_k."""

    def __init__(self):
        super().__init__()
        gen = torch.Generator().manual_seed(1)
        self.linear = nn.Linear(784, 10)
        with torch.no_grad():
            self.linear.weight.copy_(torch.randn(10, 784, generator=gen))

    def forward(self, x):
        return self.linear(x.flatten(1))


def test_saliency_of_a_linear_model_is_its_weight_row():
    net = LinearDigits()
    x = torch.randn(3, 1, 28, 28)
    target = torch.tensor([0, 4, 9])
    grad = saliency(net, x, target)
    assert grad.shape == (3, 1, 28, 28)
    for k, t in enumerate(target):
        assert torch.equal(grad[k].flatten(), net.linear.weight[t])


def test_saliency_through_a_relu_is_zero_where_the_relu_is_off():
    # f(x) = ReLU(x[0,0] - 1) + 2 x[0,1]: gradiente (1, 2) si x[0,0] > 1, (0, 2) si no
    class Tiny(nn.Module):
        def forward(self, x):
            flat = x.flatten(1)
            return torch.stack([torch.relu(flat[:, 0] - 1) + 2 * flat[:, 1]], dim=1)

    x = torch.zeros(2, 1, 28, 28)
    x[0, 0, 0, 0] = 3.0          # ReLU activa
    x[1, 0, 0, 0] = 0.5          # ReLU apagada
    grad = saliency(Tiny(), x, 0).flatten(1)
    assert grad[0, :2].tolist() == [1.0, 2.0]
    assert grad[1, :2].tolist() == [0.0, 2.0]
    assert grad[:, 2:].abs().sum() == 0


def test_guided_relu_blocks_negative_gradients():
    # Puntuación = -ReLU(x1) + ReLU(x2), con x1, x2 > 0.
    # Gradiente normal: (-1, +1). Guiada: la ReLU de x1 recibe -1 y lo anula: (0, +1).
    from cnnviz.features.saliency import GuidedReLUFunction

    x = torch.tensor([2.0, 3.0], requires_grad=True)
    y = GuidedReLUFunction.apply(x)
    (-y[0] + y[1]).backward()
    assert x.grad.tolist() == [0.0, 1.0]
    # Y hacia delante es una ReLU normal
    assert GuidedReLUFunction.apply(torch.tensor([-1.0, 2.0])).tolist() == [0.0, 2.0]


class SumRegion(nn.Module):
    """Una sola puntuación: la suma de los píxeles de la región [2:4, 2:4] de una imagen 6×6."""

    def forward(self, x):
        return x[:, :, 2:4, 2:4].sum(dim=(1, 2, 3))[:, None]


def test_occlusion_scores_of_a_region_sum_worked_by_hand():
    x = torch.ones(1, 1, 6, 6)
    # Parche 2×2, paso 2, valor 0: 3×3 posiciones; solo la del centro tapa la región
    scores = occlusion_scores(SumRegion(), x, 0, patch=2, stride=2, baseline=0.0)
    expected = torch.full((3, 3), 4.0)
    expected[1, 1] = 0.0
    assert torch.equal(scores[0], expected)
    # Parche 3×3, paso 1: 4×4 posiciones; cada una tapa tantos píxeles de la región
    # como el solape entre [i, i+3) × [j, j+3) y [2, 4) × [2, 4)
    scores = occlusion_scores(SumRegion(), x, 0, patch=3, stride=1, baseline=0.0)
    overlap = torch.tensor([1.0, 2.0, 2.0, 1.0])   # solape en una dimensión, i = 0..3
    assert torch.equal(scores[0], 4.0 - overlap[:, None] * overlap[None, :])


def test_occlusion_attribution_worked_by_hand():
    # Parche 2×2 con paso 2: cada píxel lo tapa una sola posición. La caída es 4
    # en la posición central y 0 en el resto: atribución 4 en [2:4, 2:4] y 0 fuera.
    x = torch.ones(1, 1, 6, 6)
    attribution = occlusion_attribution(SumRegion(), x, 0, patch=2, stride=2)
    expected = torch.zeros(1, 1, 6, 6)
    expected[..., 2:4, 2:4] = 4.0
    assert torch.equal(attribution, expected)


# --- Contra captum, sobre la CNN entrenada ---

def test_sequential_version_is_the_same_network(model, digits):
    x, _, _ = digits
    layers = as_sequential(model)
    assert torch.equal(layers(x), model(x))
    assert torch.equal(layers[:-1](x), model.features(x))
    assert layers.conv1 is model.conv1          # mismos pesos, no una copia


def test_saliency_matches_captum(model, digits):
    from captum.attr import Saliency

    x, y, _ = digits
    ours = saliency(model, x, y).abs()
    theirs = Saliency(model).attribute(x.clone().requires_grad_(True), target=y)
    torch.testing.assert_close(ours, theirs, rtol=1e-6, atol=1e-7)
    assert ours.abs().sum() > 0


def test_guided_backprop_matches_captum(model, digits):
    from captum.attr import GuidedBackprop

    x, y, _ = digits
    ours = guided_backprop(model, x, y)
    # captum solo modifica módulos nn.ReLU: se le da la versión con ReLU como módulos
    theirs = GuidedBackprop(as_sequential(model)).attribute(
        x.clone().requires_grad_(True), target=y)
    torch.testing.assert_close(ours, theirs, rtol=1e-6, atol=1e-7)
    # y no es la saliencia normal
    assert (ours - saliency(model, x, y)).abs().max() > 0.01


def test_occlusion_matches_captum(model, digits):
    from captum.attr import Occlusion

    x, y, split = digits
    background = (0 - split.mean) / split.std
    ours = occlusion_attribution(model, x[:4], y[:4], patch=6, stride=2, baseline=background)
    theirs = Occlusion(model).attribute(x[:4], target=y[:4], sliding_window_shapes=(1, 6, 6),
                                        strides=(1, 2, 2), baselines=background)
    torch.testing.assert_close(ours, theirs, rtol=1e-5, atol=1e-5)
    assert ours.abs().max() > 1


def test_activation_maps_match_captum_layer_activation(model, digits):
    from captum.attr import LayerActivation

    x, _, _ = digits
    maps = activation_maps(model, x)
    assert {k: tuple(v.shape[1:]) for k, v in maps.items()} == {
        "relu1": (16, 28, 28), "pool1": (16, 14, 14),
        "relu2": (32, 14, 14), "pool2": (32, 7, 7)}
    layers = as_sequential(model)
    for name in ("relu1", "relu2"):
        theirs = LayerActivation(layers, getattr(layers, name)).attribute(x)
        assert torch.equal(maps[name], theirs), name
    for name in ("pool1", "pool2"):      # también sobre el modelo original
        theirs = LayerActivation(model, getattr(model, name)).attribute(x)
        assert torch.equal(maps[name], theirs), name
    assert (maps["relu1"] >= 0).all() and (maps["relu1"] == 0).any()


def test_hooks_are_removed(model, digits):
    x, _, _ = digits
    activation_maps(model, x)
    assert not model.conv1._forward_hooks and not model.pool2._forward_hooks


# --- Maximización de la activación ---

def test_activation_maximization_increases_the_class_score(model):
    for p in model.parameters():
        p.requires_grad_(False)
    objective = class_objective(model, [3, 7])
    start = objective(torch.zeros(2, 1, 28, 28))
    images, history = maximize(objective, 2, steps=60)
    final = objective(images)
    assert (final > start + 5).all(), (start, final)
    assert history[-1] > history[0]
    assert model(images).argmax(1).tolist() == [3, 7]


def test_activation_maximization_increases_a_channel(model):
    objective = channel_objective(model, "conv2", [0, 5])
    start = objective(torch.zeros(2, 1, 28, 28))
    images, _ = maximize(objective, 2, steps=60, l2=0.1)
    assert (objective(images) > start).all()
    assert images.min() >= -0.43 - 1e-6 and images.max() <= 2.8 + 1e-6   # rango de píxeles


def test_channel_objective_rejects_unknown_layer(model):
    with pytest.raises(ValueError, match="capa desconocida «conv3»"):
        channel_objective(model, "conv3", [0])


# --- PCA y t-SNE ---

def test_pca_matches_numpy_svd():
    rng = np.random.default_rng(0)
    data = rng.normal(size=(40, 6)) * np.array([5, 3, 1, 0.5, 0.2, 0.1])
    points = embed_2d(data, "pca")
    centered = data - data.mean(0)
    _, _, vt = np.linalg.svd(centered, full_matrices=False)
    reference = centered @ vt[:2].T
    # Igual salvo el signo de cada componente
    np.testing.assert_allclose(np.abs(points), np.abs(reference), rtol=1e-8, atol=1e-8)


def test_tsne_is_deterministic_and_separates_classes(model, digits):
    _, _, split = digits
    x, y = split.x_test[:300], split.y_test[:300].numpy()
    features = feature_vectors(model, x)
    assert features.shape == (300, 1568)
    a = embed_2d(features, "tsne", seed=0)
    b = embed_2d(features, "tsne", seed=0)
    assert np.array_equal(a, b)
    # Vecino más cercano en el plano de t-SNE: casi siempre de la misma clase
    dist = ((a[:, None] - a[None]) ** 2).sum(-1)
    np.fill_diagonal(dist, np.inf)
    assert (y[dist.argmin(1)] == y).mean() > 0.9


def test_embed_rejects_bad_input():
    with pytest.raises(ValueError, match="pca.*tsne"):
        embed_2d(np.zeros((10, 3)), "umap")
    with pytest.raises(ValueError, match=r"\(N, D\)"):
        embed_2d(np.zeros(10), "pca")


# --- Prueba de cordura por aleatorización ---

def test_randomization_changes_the_saliency(model, digits):
    x, y, _ = digits
    results = randomization_test(model, x, y, saliency, seed=0)
    assert [layers for layers, _, _ in results] == [
        (), ("fc",), ("fc", "conv2"), ("fc", "conv2", "conv1")]
    assert np.all(results[0][2] == 1)
    # Con toda la red al azar, el mapa de saliencia ya no se parece al entrenado
    fully_random = results[-1][2]
    assert fully_random.mean() < 0.3, fully_random
    assert fully_random.max() < 0.5, fully_random


def test_guided_backprop_barely_changes_when_the_top_layer_is_random(model, digits):
    # El hallazgo de Adebayo et al.: guided backprop se parece mucho más a sí
    # mismo tras aleatorizar fc que la saliencia (sigue dibujando el dígito)
    x, y, _ = digits
    guided = randomization_test(model, x, y, guided_backprop)[1][2]
    plain = randomization_test(model, x, y, saliency)[1][2]
    assert guided.mean() > plain.mean() + 0.2, (guided.mean(), plain.mean())


def test_randomize_leaves_the_original_untouched(model, digits):
    x, _, _ = digits
    before = model(x)
    random_model = randomize(model, ("fc",), seed=0)
    assert torch.equal(model(x), before)
    assert not torch.equal(random_model.fc.weight, model.fc.weight)
    assert torch.equal(random_model.conv1.weight, model.conv1.weight)


def test_rank_correlation_worked_by_hand():
    a = np.array([[1.0, -2.0, 3.0, 4.0]])          # |a| = 1, 2, 3, 4
    assert rank_correlation(a, np.array([[10.0, 20.0, 30.0, 40.0]])) == pytest.approx(1.0)
    assert rank_correlation(a, np.array([[4.0, 3.0, -2.0, 1.0]])) == pytest.approx(-1.0)
    with pytest.raises(ValueError, match="misma forma"):
        rank_correlation(a, np.zeros((1, 3)))


# --- Formas de entrada incorrectas ---

@pytest.mark.parametrize("bad", [torch.zeros(28, 28), torch.zeros(2, 3, 28, 28),
                                 torch.zeros(2, 1, 32, 32)])
@pytest.mark.parametrize("method", [saliency, guided_backprop])
def test_gradient_methods_reject_wrong_shapes(model, method, bad):
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        method(model, bad, 0)


def test_other_methods_reject_wrong_shapes(model):
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        activation_maps(model, torch.zeros(1, 28, 28))
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        feature_vectors(model, torch.zeros(4, 784))
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        occlusion_scores(model, torch.zeros(28, 28), 0)
    with pytest.raises(ValueError, match="múltiplo de stride"):
        occlusion_scores(model, torch.zeros(1, 1, 28, 28), 0, patch=5, stride=2)
    with pytest.raises(ValueError, match=r"una clase por imagen, forma \(2,\)"):
        saliency(model, torch.zeros(2, 1, 28, 28), torch.tensor([1, 2, 3]))
