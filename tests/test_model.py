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


@pytest.mark.parametrize("shape, fragment", [
    ((2, 3, 8, 8), r"\(N, 1, H, W\)"),        # canales de más
    ((2, 1, 5, 5), r"demasiado pequeña"),     # más pequeña que el kernel
    ((1, 8, 8), r"\(N, 1, H, W\)"),           # falta la dimensión de lote
    ((2, 1, 10, 10), r"\(N, 1, 8, 8\)"),      # otro tamaño que el del modelo
])
def test_net_wrong_input_names_expected_shape(shape, fragment):
    with pytest.raises(ValueError, match=fragment) as info:
        Net(n_classes=10)(torch.zeros(shape))
    assert str(tuple(shape)) in str(info.value)     # también dice qué llegó


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
    with pytest.raises(ValueError, match=r"\(N, 1, H, W\)"):
        model(torch.zeros(5, 3, 28, 28))
