"""Entrenamiento, evaluación y caché de pesos."""

import json

import pytest
import torch

from cnnviz import training
from cnnviz.data import load_mnist_split
from cnnviz.model import DigitCNN, Net
from cnnviz.training import evaluate, load_weights, train


@pytest.fixture(scope="module")
def split():
    return load_mnist_split()


def test_split_is_seeded_and_disjoint(split):
    again = load_mnist_split()
    assert torch.equal(split.y_test, again.y_test)
    assert len(split.y_train) == 4000 and len(split.y_test) == 1000
    # Normalizado con la media y desviación del entrenamiento
    assert abs(split.x_train.mean().item()) < 1e-4
    assert split.x_train.std().item() == pytest.approx(1.0, abs=1e-3)


def test_training_on_a_small_subset_lowers_loss_and_beats_chance(split):
    torch.manual_seed(0)
    model = DigitCNN()
    x, y = split.x_train[:800], split.y_train[:800]
    losses = train(model, x, y, epochs=3, progress=False)
    first, last = sum(losses[:5]) / 5, sum(losses[-5:]) / 5
    assert last < first / 2
    accuracy = evaluate(model, split.x_test[:500], split.y_test[:500])["accuracy"]
    assert accuracy > 0.6        # el azar daría ~0.1


def test_training_is_deterministic(split):
    weights = []
    for _ in range(2):
        torch.manual_seed(0)
        model = DigitCNN()
        train(model, split.x_train[:256], split.y_train[:256], epochs=1, progress=False)
        weights.append(model.conv1.weight.detach().clone())
    assert torch.equal(*weights)


class FixedPredictions(torch.nn.Module):
    """Modelo falso que devuelve logits con el máximo en las clases dadas."""

    def __init__(self, predictions):
        super().__init__()
        self.predictions = predictions

    def forward(self, x):
        logits = torch.zeros(len(x), 3)
        logits[torch.arange(len(x)), self.predictions[:len(x)]] = 1.0
        return logits


def test_evaluate_counts_match_a_manual_count():
    # 6 imágenes etiquetadas a mano: reales y predichas
    real = torch.tensor([0, 0, 1, 1, 2, 2])
    pred = torch.tensor([0, 1, 1, 1, 0, 2])
    result = evaluate(FixedPredictions(pred), torch.zeros(6, 1, 28, 28), real, n_classes=3)
    # aciertos: posiciones 0, 2, 3 y 5 -> 4 de 6
    assert result["accuracy"] == pytest.approx(4 / 6)
    assert result["confusion"] == [[1, 1, 0],
                                   [0, 2, 0],
                                   [1, 0, 1]]
    assert result["per_class"] == pytest.approx([0.5, 1.0, 0.5])


def test_weights_mismatch_names_the_layer():
    state = DigitCNN().state_dict()
    state["conv2.weight"] = torch.zeros(8, 16, 3, 3)
    with pytest.raises(ValueError, match="conv2.weight"):
        load_weights(DigitCNN(), state)
    with pytest.raises(ValueError, match="falta la capa «conv1"):
        load_weights(Net(10), {"fc1.weight": torch.zeros(10, 128)})


@pytest.fixture
def isolated_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNVIZ_CACHE", str(tmp_path))
    # Entrenamiento corto para que la prueba sea rápida
    monkeypatch.setattr(training, "EPOCHS", 1)
    return tmp_path


def test_cache_is_reused_and_corruption_is_detected(isolated_cache, monkeypatch):
    model, meta = training.trained_model(progress=False)
    weights_path, meta_path = training._cache_paths()
    assert weights_path.is_file() and meta_path.is_file()

    calls = []
    monkeypatch.setattr(training, "train_and_cache",
                        lambda progress=None: calls.append(1) or (model, meta))
    training.trained_model()
    assert calls == []                              # en caché: no reentrena

    weights_path.write_bytes(weights_path.read_bytes()[:100])   # archivo a medias
    with pytest.warns(UserWarning, match="caché de pesos inválida"):
        training.trained_model()
    assert calls == [1]                             # detectado: reentrena

    meta_path.write_text("{no es json")
    with pytest.warns(UserWarning):
        training.trained_model()
    assert calls == [1, 1]


def test_cache_key_changes_with_model_code(isolated_cache, monkeypatch):
    before = training.weights_key()
    import cnnviz.cache as cache

    original = cache.module_path

    def edited(name):
        path = original(name)
        if name == "model":
            copy = isolated_cache / "model_editado.py"
            copy.write_text(path.read_text() + "\n# cambio\n")
            return copy
        return path

    monkeypatch.setattr(cache, "module_path", edited)
    assert training.weights_key() != before
