"""Los experimentos del cuaderno «Entrenar la CNN» y los números en español."""

import pytest
import torch

from cnnviz.experiments import DigitCNNVariant, History, loss_and_accuracy, validation_split
from cnnviz.model import DigitCNN
from cnnviz.spanish import number, percent, scientific
from cnnviz.training import train


def test_spanish_numbers_follow_the_rae():
    assert number(1290) == "1290"
    assert number(12345) == "12\u202f345"
    assert number(1234567.891, 2) == "1\u202f234\u202f567,89"
    assert number(-3.5, 1) == "\u22123,5"
    assert number(-0.001, 2) == "0,00"           # sin «−0,00»
    assert percent(0.8973) == "89,7\u00a0%"


def test_scientific_notation_has_a_comma_and_superscripts():
    assert scientific(0.006727, 3) == "6,727·10⁻³"
    assert scientific(261.7, 3) == "2,617·10²"
    assert scientific(9.9996, 3) == "1,000·10¹"     # no «10,000·10⁰»
    assert scientific(-5.88e-5, 2) == "\u22125,88·10⁻⁵"
    assert scientific(0.0, 1) == "0"


def test_validation_split_is_disjoint_and_seeded():
    x = torch.arange(50.0)[:, None]
    y = torch.arange(50)
    x_tr, y_tr, x_val, y_val = validation_split(x, y, n_val=10)
    assert len(x_val) == 10 and len(x_tr) == 40
    assert set(y_tr.tolist()).isdisjoint(y_val.tolist())
    assert sorted(y_tr.tolist() + y_val.tolist()) == list(range(50))
    assert torch.equal(validation_split(x, y, 10)[3], y_val)
    with pytest.raises(ValueError, match="n_val"):
        validation_split(x, y, n_val=50)


def test_variant_without_extras_is_digitcnn():
    torch.manual_seed(0)
    variant = DigitCNNVariant().eval()
    torch.manual_seed(0)
    reference = DigitCNN().eval()
    x = torch.randn(3, 1, 28, 28)
    assert torch.equal(variant(x), reference(x))


def test_dropout_only_acts_while_training_and_batch_norm_normalizes():
    torch.manual_seed(0)
    net = DigitCNNVariant(dropout=0.5, batch_norm=True)
    x = torch.randn(8, 1, 28, 28)
    net.eval()
    assert torch.equal(net(x), net(x))               # evaluación: determinista
    net.train()
    assert not torch.equal(net(x), net(x))           # entrenamiento: dropout al azar
    # La normalización por lotes deja cada canal con media 0 en el lote (antes de ReLU)
    out = net.norm1(net.conv1(x))
    assert out.mean(dim=(0, 2, 3)).abs().max() < 1e-5
    with pytest.raises(ValueError, match="se esperaba"):
        net(torch.randn(2, 3, 28, 28))


def test_history_records_train_and_validation_each_epoch():
    from cnnviz.data import load_mnist_split

    split = load_mnist_split()
    x, y = split.x_train[:96], split.y_train[:96]
    torch.manual_seed(0)
    net = DigitCNN()
    history = History(x[:64], y[:64], x[64:], y[64:])
    train(net, x[:64], y[:64], epochs=4, batch_size=16, on_epoch=history)
    assert len(history.loss["train"]) == len(history.accuracy["val"]) == 4
    assert history.loss["train"][-1] < history.loss["train"][0]
    loss, acc = loss_and_accuracy(net, x[64:], y[64:])
    assert (loss, acc) == (history.loss["val"][-1], history.accuracy["val"][-1])
    assert history.best_epoch() == history.loss["val"].index(min(history.loss["val"])) + 1
