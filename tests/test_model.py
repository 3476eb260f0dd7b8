"""La red Net corregida y DigitCNN: formas, parámetros y errores de entrada."""

import pytest
import torch

from cnnviz.model import DigitCNN, Net, layer_trace


@pytest.mark.parametrize("size, side", [(8, 2), (9, 2), (12, 4), (28, 12)])
def test_net_output_shape_for_several_input_sizes(size, side):
    torch.manual_seed(0)
    net = Net(n_classes=7, input_size=size)
    # conv 5x5 sin relleno: size - 4; pooling 2x2: la mitad, redondeando abajo
    assert net.fc1.in_features == 32 * side * side
    for batch in (1, 3):
        assert net(torch.randn(batch, 1, size, size)).shape == (batch, 7)


def test_net_32_times_4_for_8x8():
    assert Net(n_classes=10).fc1.in_features == 32 * 4


def test_net_parameter_count_by_hand():
    net = Net(n_classes=10)
    conv1 = 32 * 1 * 5 * 5 + 32       # pesos + sesgos = 832
    fc1 = 128 * 10 + 10               # = 1290
    assert sum(p.numel() for p in net.parameters()) == conv1 + fc1 == 2122


def test_net_returns_negative_logits():
    # Sin ReLU final: las puntuaciones pueden ser negativas
    torch.manual_seed(0)
    out = Net(n_classes=10)(torch.randn(16, 1, 8, 8))
    assert (out < 0).any()


# Entradas que las redes rechazan: (qué se pasa, error, fragmento del mensaje).
# Cada mensaje dice además la forma que acepta el modelo.
def _net_cases(size):
    good = torch.zeros(2, 1, size, size)
    nan, inf = good.clone(), good.clone()
    nan[0, 0, 0, 0] = float("nan")
    inf[1, 0, 3, 3] = float("-inf")
    return [
        ("array de NumPy", good.numpy(), TypeError, "torch.from_numpy"),
        ("lista", good.tolist(), TypeError, "llegó un list"),
        ("enteros", good.to(torch.uint8), TypeError, "torch.uint8"),
        ("booleanos", good.bool(), TypeError, "coma flotante"),
        ("lote vacío", torch.zeros(0, 1, size, size), ValueError, "vacío"),
        ("NaN", nan, ValueError, "1 valor"),
        ("infinito", inf, ValueError, "NaN o infinito"),
        ("canales de más", torch.zeros(2, 3, size, size), ValueError, "(2, 3,"),
        ("sin dimensión de lote", torch.zeros(1, size, size), ValueError, "x[None]"),
        ("un píxel más", torch.zeros(2, 1, size + 1, size + 1), ValueError, "llegó (2, 1,"),
        ("un píxel menos", torch.zeros(2, 1, size - 1, size - 1), ValueError, "llegó (2, 1,"),
        ("no cuadrada", torch.zeros(2, 1, size, size + 2), ValueError, "llegó (2, 1,"),
    ]


NET_CASES = _net_cases(8)
DIGIT_CASES = _net_cases(28)


@pytest.mark.parametrize("case", NET_CASES, ids=[c[0] for c in NET_CASES])
def test_net_rejects_bad_input_and_states_accepted_size(case):
    _, x, error, fragment = case
    with pytest.raises(error) as info:
        Net(n_classes=10)(x)
    assert fragment in str(info.value)
    assert "(N, 1, 8, 8)" in str(info.value)          # la única forma que acepta


@pytest.mark.parametrize("case", DIGIT_CASES, ids=[c[0] for c in DIGIT_CASES])
def test_digit_cnn_rejects_bad_input_and_states_accepted_size(case):
    _, x, error, fragment = case
    with pytest.raises(error) as info:
        DigitCNN()(x)
    assert fragment in str(info.value)
    assert "(N, 1, 28, 28)" in str(info.value)


def test_net_with_another_input_size_accepts_only_that_size():
    net = Net(n_classes=10, input_size=12)
    assert net(torch.zeros(3, 1, 12, 12)).shape == (3, 10)
    with pytest.raises(ValueError, match=r"\(N, 1, 12, 12\)"):
        net(torch.zeros(3, 1, 8, 8))


def test_other_float_types_are_converted_to_float32():
    torch.manual_seed(0)
    model = DigitCNN().eval()
    x = torch.rand(2, 1, 28, 28)
    expected = model(x)
    assert torch.equal(model(x.double()), expected)
    assert model(x.half()).dtype == torch.float32


def test_net_rejects_tiny_input_size():
    with pytest.raises(ValueError, match="input_size"):
        Net(n_classes=10, input_size=5)


def test_layer_trace_of_net():
    rows = layer_trace(Net(n_classes=10), (1, 1, 8, 8))
    assert [(r[0], r[2], r[3]) for r in rows] == [
        ("conv1", (1, 32, 4, 4), 832),
        ("pool", (1, 32, 2, 2), 0),
        ("fc1", (1, 10), 1290),
    ]


def test_digit_cnn_shapes_and_errors():
    model = DigitCNN()
    x = torch.zeros(5, 1, 28, 28)
    assert model(x).shape == (5, 10)
    assert model.features(x).shape == (5, 32 * 7 * 7)
    with pytest.raises(ValueError, match=r"\(N, 1, 28, 28\)"):
        model(torch.zeros(5, 1, 32, 32))
