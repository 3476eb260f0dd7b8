"""Retropropagación a mano (cnnviz.backprop) frente a bucles de NumPy y a autograd,
y el ejemplo de la página."""

import re
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnnviz.backprop import avg_pool_backward, conv_backward, max_pool_backward

ROOT = Path(__file__).resolve().parent.parent


def numpy_conv_grads(x, k, g):
    """Las derivadas por la definición: recorrer cada salida y repartir su gradiente."""
    dx, dk = np.zeros_like(x), np.zeros_like(k)
    kh, kw = k.shape
    for i in range(g.shape[0]):
        for j in range(g.shape[1]):
            dk += g[i, j] * x[i:i + kh, j:j + kw]        # y(i, j) usa esa ventana
            dx[i:i + kh, j:j + kw] += g[i, j] * k
    return dx, dk, g.sum()


@pytest.mark.parametrize("side,k", [(6, 3), (9, 5), (4, 1)])
def test_conv_backward_matches_numpy_loops_and_autograd(side, k):
    gen = torch.Generator().manual_seed(side * 10 + k)
    x = torch.randn(side, side, generator=gen, dtype=torch.float64)
    kernel = torch.randn(k, k, generator=gen, dtype=torch.float64)
    g = torch.randn(side - k + 1, side - k + 1, generator=gen, dtype=torch.float64)
    dx, dk, db = conv_backward(x, kernel, g)
    ex, ek, eb = numpy_conv_grads(x.numpy(), kernel.numpy(), g.numpy())
    np.testing.assert_allclose(dx.numpy(), ex, atol=1e-12)
    np.testing.assert_allclose(dk.numpy(), ek, atol=1e-12)
    assert float(db) == pytest.approx(eb)
    xr, kr = x.clone().requires_grad_(), kernel.clone().requires_grad_()
    br = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    (F.conv2d(xr[None, None], kr[None, None], br)[0, 0] * g).sum().backward()
    torch.testing.assert_close(dx, xr.grad)
    torch.testing.assert_close(dk, kr.grad)


def test_max_pool_backward_sends_each_gradient_to_the_window_maximum():
    x = torch.tensor([[1., 3., 2., 1.], [4., 6., 5., 0.], [3., 1., 9., 8.], [0., 2., 7., 4.]])
    g = torch.tensor([[1., 2.], [3., 4.]])
    expected = torch.zeros(4, 4)
    expected[1, 1], expected[1, 2], expected[2, 0], expected[2, 2] = 1, 2, 3, 4
    assert torch.equal(max_pool_backward(x, g), expected)
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(8, 6, generator=gen, requires_grad=True)
    g = torch.randn(4, 3, generator=gen)
    (F.max_pool2d(x[None, None], 2)[0, 0] * g).sum().backward()
    assert torch.equal(max_pool_backward(x.detach(), g), x.grad)


def test_avg_pool_backward_shares_the_gradient():
    g = torch.tensor([[4., 8.], [-4., 0.]])
    out = avg_pool_backward(g)
    assert out[:2, :2].eq(1).all() and out[:2, 2:].eq(2).all() and out[2:, :2].eq(-1).all()
    x = torch.randn(4, 4, requires_grad=True)
    (F.avg_pool2d(x[None, None], 2)[0, 0] * g).sum().backward()
    torch.testing.assert_close(out, x.grad)


def test_wrong_shapes_give_clear_errors():
    with pytest.raises(ValueError, match="forma de la salida"):
        conv_backward(torch.zeros(6, 6), torch.zeros(3, 3), torch.zeros(3, 3))
    with pytest.raises(ValueError, match="múltiplos de 2"):
        max_pool_backward(torch.zeros(5, 4), torch.zeros(2, 2))


def test_page_example_prints_true_everywhere():
    import contextlib
    import io

    text = (ROOT / "code/examples/teoria_calculos.py").read_text(encoding="utf-8")
    code = "".join(re.search(rf"# --8<-- \[start:{n}\]\n(.*?)# --8<-- \[end:{n}\]", text, re.S)[1]
                   for n in ("retropropagacion_imports", "retropropagacion"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(code, {"__name__": "__main__"})
    lines = out.getvalue().splitlines()
    assert lines[0].count("True") == 3 and "False" not in out.getvalue()
    assert lines[1].endswith("True") and lines[-1].endswith("True")
