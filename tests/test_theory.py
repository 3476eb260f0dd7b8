"""Los números de la teoría (tamaños, parámetros, campo receptivo, softmax) frente a PyTorch.

Las fórmulas de ``cnnviz.layer_math`` y las tablas de la página se comparan
con lo que calcula PyTorch al ejecutar las capas, no con las mismas fórmulas.
"""

import math
import re

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from cnnviz import spanish
from cnnviz.layer_math import (PADDING_INPUT, PADDING_KERNEL, channel_contributions,
                               conv_params, gradient_receptive_field, linear_params,
                               output_size, receptive_fields, spatial_layers)
from cnnviz.model import DigitCNN, Net, layer_trace
from cnnviz.site.facts import teoria as facts_teoria

N = spanish.integer


@pytest.mark.parametrize("n, k, p, s", [(28, 5, 2, 1), (28, 2, 0, 2), (14, 3, 1, 1),
                                        (8, 5, 0, 1), (4, 2, 0, 2), (5, 3, 1, 2),
                                        (9, 5, 0, 1), (7, 3, 0, 3), (10, 4, 2, 3)])
def test_output_size_formula_matches_pytorch(n, k, p, s):
    conv = nn.Conv2d(1, 1, k, stride=s, padding=p)
    pool = nn.MaxPool2d(k, stride=s, padding=min(p, k // 2))
    x = torch.zeros(1, 1, n, n)
    assert conv(x).shape[-1] == output_size(n, k, p, s)
    assert pool(x).shape[-1] == output_size(n, k, min(p, k // 2), s)


def test_output_size_rejects_a_kernel_that_does_not_fit():
    with pytest.raises(ValueError, match="no cabe"):
        output_size(3, kernel=5)


@pytest.mark.parametrize("c_in, c_out, k", [(1, 32, 5), (1, 16, 5), (16, 32, 3), (3, 8, 7)])
def test_conv_params_match_pytorch(c_in, c_out, k):
    assert conv_params(c_in, c_out, k) == sum(p.numel() for p in nn.Conv2d(c_in, c_out, k).parameters())


@pytest.mark.parametrize("n_in, n_out", [(128, 10), (1568, 10), (784, 12544)])
def test_linear_params_match_pytorch(n_in, n_out):
    assert linear_params(n_in, n_out) == sum(p.numel() for p in nn.Linear(n_in, n_out).parameters())


def test_net_parameter_derivation_gives_832_and_1290():
    net = Net(n_classes=10)
    text = facts_teoria.cuenta_parametros_net()
    assert sum(p.numel() for p in net.conv1.parameters()) == 832
    assert sum(p.numel() for p in net.fc1.parameters()) == 1290
    assert "= 832$" in text and "= 1290$" in text
    assert "32 \\cdot (1 \\cdot 5 \\cdot 5 + 1)" in text and "10 \\cdot (128 + 1)" in text


def test_digitcnn_table_matches_layer_trace_and_numel():
    model = DigitCNN()
    table = facts_teoria.tabla_digitcnn()
    trace = {name: (shape, n) for name, _, shape, n in layer_trace(model, (1, 1, 28, 28))}
    for name in ("conv1", "pool1", "conv2", "pool2"):
        shape, n_params = trace[name]
        row = next(line for line in table.splitlines() if line.startswith(f"| `{name}`"))
        assert f"= {shape[2]} |" in row and f"{shape[1]}×{shape[2]}×{shape[3]}" in row, row
        assert row.endswith(f"| {N(n_params)} |"), row
    fc_row = next(line for line in table.splitlines() if line.startswith("| `fc`"))
    assert f"= {N(model.fc.in_features)}" in fc_row
    assert fc_row.endswith(f"| {N(trace['fc'][1])} |")
    total = sum(p.numel() for p in model.parameters())
    assert f"**{N(total)}**" in table
    n_fc = sum(p.numel() for p in model.fc.parameters())
    assert facts_teoria.parametros_digitcnn().startswith(
        f"En total, {N(total)} parámetros, el {spanish.percent(n_fc / total, 0)} en la capa final")


def test_weight_sharing_numbers_match_a_real_dense_layer():
    model = DigitCNN()
    out = model.conv1(torch.zeros(1, 1, 28, 28))
    dense = nn.Linear(28 * 28, out[0].numel())       # misma entrada y misma salida
    n_dense = sum(p.numel() for p in dense.parameters())
    n_conv = sum(p.numel() for p in model.conv1.parameters())
    text = facts_teoria.compartir_pesos()
    assert f"devuelve {N(out[0].numel())} " in text
    assert f"con solo {N(n_conv)} parámetros" in text
    assert f"= {N(n_dense)} parámetros" in text
    assert f"unas {N(round(n_dense / n_conv, -2))} veces" in text


def test_why_32_times_4():
    """Los números de «¿Por qué 32*4?», escritos en la página, frente a PyTorch."""
    for size in (8, 9):
        net = Net(n_classes=10, input_size=size)
        assert net.fc1.in_features == 32 * 4 == 128
    x = torch.zeros(1, 1, 8, 8)
    net = Net(n_classes=10)
    assert net.conv1(x).shape[-1] == 4 and net.pool(net.conv1(x)).shape[-1] == 2
    big = Net(n_classes=10, input_size=28)
    assert big.pool(big.conv1(torch.zeros(1, 1, 28, 28))).shape[1:] == (32, 12, 12)
    assert big.fc1.in_features == 32 * 144 == 4608


def test_padding_example_of_the_page():
    """Entrada de 5×5, filtro de 3×3, relleno 1 y paso 2: salida de 3×3 (la figura y el texto)."""
    out = F.conv2d(PADDING_INPUT[None, None], PADDING_KERNEL[None, None], padding=1, stride=2)
    assert out.shape[-2:] == (3, 3) == (output_size(5, 3, 1, 2),) * 2
    # La casilla (0, 1) de la figura, a mano: la ventana pisa la fila de ceros del relleno
    padded = F.pad(PADDING_INPUT, (1, 1, 1, 1))
    window = padded[0:3, 2:5]
    assert out[0, 0, 0, 1] == (window * PADDING_KERNEL).sum() == 3


def test_channel_contributions_add_up_to_conv2d():
    gen = torch.Generator().manual_seed(0)
    conv = nn.Conv2d(16, 32, 3, padding=1)
    x = torch.randn(1, 16, 14, 14, generator=gen)
    with torch.no_grad():
        for o in (0, 7, 31):
            parts = channel_contributions(conv, x, o)
            assert parts.shape == (16, 14, 14)
            torch.testing.assert_close(parts.sum(0) + conv.bias[o], conv(x)[0, o],
                                       atol=1e-5, rtol=1e-5)
            # Un canal, a mano: solo ese canal de entrada con su kernel
            single = F.conv2d(x[:, 3:4], conv.weight[o:o + 1, 3:4], padding=1)[0, 0]
            torch.testing.assert_close(parts[3], single)


def test_receptive_field_formula_on_textbook_cases():
    # Dos convoluciones de 3×3: 5; con paso 2 en la primera: 3 + 2·2 = 7
    assert receptive_fields([("a", 3, 1, 1), ("b", 3, 1, 1)])[-1][1:] == (5, 1)
    assert receptive_fields([("a", 3, 1, 2), ("b", 3, 1, 1)])[-1][1:] == (7, 2)


def test_receptive_fields_of_digitcnn_match_autograd():
    model = DigitCNN()
    layers = spatial_layers(model)
    assert [name for name, *_ in layers] == ["conv1", "pool1", "conv2", "pool2"]
    table = facts_teoria.tabla_campo_receptivo()
    for name, r, j in receptive_fields(layers):
        (height, width), mask = gradient_receptive_field(model, name)
        assert height == width == r, name
        assert int(mask.sum()) == r * r         # un cuadrado macizo
        assert f"= **{r}** |" in next(line for line in table.splitlines() if f"`{name}`" in line)
    assert [r for _, r, _ in receptive_fields(layers)] == [5, 6, 10, 12]


def test_receptive_field_of_an_actual_maxpool_network_is_inside_the_formula():
    """Con la red de verdad (max pooling, pesos al azar), el gradiente cae dentro del campo."""
    torch.manual_seed(0)
    model = DigitCNN()
    x = torch.rand(1, 1, 28, 28, requires_grad=True)
    h = model.pool2(F.relu(model.conv2(model.pool1(F.relu(model.conv1(x))))))
    h[0, :, 3, 3].sum().backward()
    rows = torch.nonzero(x.grad[0, 0].abs().sum(1)).flatten()
    cols = torch.nonzero(x.grad[0, 0].abs().sum(0)).flatten()
    assert rows.max() - rows.min() + 1 <= 12 and cols.max() - cols.min() + 1 <= 12


def test_fc_sees_the_whole_image():
    text = facts_teoria.campo_receptivo_fc()
    assert "12 + (7 − 1)·4 = 36" in text
    # Comprobación con autograd: una salida de fc depende de todos los píxeles
    model = DigitCNN()
    x = torch.rand(1, 1, 28, 28, requires_grad=True)
    model(x)[0].abs().sum().backward()
    assert (x.grad != 0).float().mean() > 0.9


def _numbers(cell):
    """Un número escrito en español («−18,00», «1,524·10⁻⁸», «2,617·10²», «12 345») a float."""
    cell = cell.strip().replace("*", "").replace(spanish.THIN_SPACE, "").replace(spanish.MINUS, "-")
    match = re.fullmatch(r"(-?[\d,]+)·10([⁻]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+)", cell)
    if match:
        exponent = match[2].translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789"))
        return float(match[1].replace(",", ".")) * 10 ** int(exponent)
    return float(cell.replace(",", "."))


def test_softmax_table_matches_pytorch():
    from cnnviz.training import trained_model
    from cnnviz.data import load_mnist_split

    from cnnviz.results import one_thread

    model, _ = trained_model()
    split = load_mnist_split()
    with one_thread(), torch.no_grad():
        logits = model(split.x_test)
    probs = F.softmax(logits, dim=1)
    ok = (probs.argmax(1) == split.y_test) & (probs.max(1).values < 0.9)
    i = int(torch.nonzero(ok)[0])
    label = int(split.y_test[i])
    rows = [line.split("|")[1:-1] for line in facts_teoria.tabla_softmax().splitlines()[2:]]
    for k, (cls, z, e, p) in enumerate(rows[:10]):
        assert _numbers(cls) == k
        assert _numbers(z) == pytest.approx(logits[i, k].item(), abs=0.006)
        assert _numbers(e) == pytest.approx(math.exp(logits[i, k].item()), rel=2e-3)
        assert _numbers(p) == pytest.approx(probs[i, k].item(), abs=6e-5)
    assert rows[10][0].strip() == "**suma**" and _numbers(rows[10][3]) == pytest.approx(1)
    # La columna de e^z se escribe toda igual (no «6,727·10⁻³» junto a «0,05698»)
    assert all("·10" in row[2] for row in rows)
    assert f"**{label}**" in rows[label][0]
    loss = F.cross_entropy(logits[i:i + 1], split.y_test[i:i + 1]).item()
    text = facts_teoria.softmax_resumen()
    assert f"de índice {i}, un {label}" in text
    assert f"\\log p_{{{label}}} \\approx {spanish.decimal(loss, 4).replace(',', '{,}')}$" in text


def test_multichannel_example_of_the_page_is_the_digit_of_the_figure():
    """El bloque de código toma el primer «2» de prueba; la figura, el primero bien clasificado."""
    from cnnviz import results
    from cnnviz.data import load_mnist_split

    split = load_mnist_split()
    x_fig, _ = results.examples((2,))
    assert torch.equal(split.x_test[split.y_test == 2][:1], x_fig)
