"""Respuesta en frecuencia de los filtros de la página de bordes, contra las fórmulas
cerradas, y las frases que la citan."""

import math

import pytest
import torch

from cnnviz.filters import GAUSSIAN, LAPLACIAN, SOBEL_X, apply_filters
from cnnviz.frequency import along_x, frequency_response
from cnnviz.site.facts import bordes as facts_bordes


def test_laplacian_matches_its_closed_form():
    n = 16
    h = frequency_response(LAPLACIAN, n)
    w = torch.arange(n, dtype=torch.float64) * 2 * math.pi / n
    expected = (4 - 2 * torch.cos(w)[:, None] - 2 * torch.cos(w)[None, :]).abs()
    torch.testing.assert_close(h, expected)


def test_sobel_is_smoothing_times_derivative():
    # |H| = (2 + 2 cos ωy) · |2 sen ωx|: suavizado en y, derivada centrada en x
    n = 16
    w = torch.arange(n, dtype=torch.float64) * 2 * math.pi / n
    expected = (2 + 2 * torch.cos(w))[:, None] * (2 * torch.sin(w)).abs()[None, :]
    torch.testing.assert_close(frequency_response(SOBEL_X, n), expected)
    torch.testing.assert_close(SOBEL_X, torch.outer(torch.tensor([1., 2., 1.]),
                                                    torch.tensor([-1., 0., 1.])))


def test_gaussian_is_low_pass():
    omega, h = along_x(GAUSSIAN)
    torch.testing.assert_close(h, ((1 + torch.cos(omega)) / 2).abs())
    assert float(GAUSSIAN.sum()) == pytest.approx(1)


def test_frecuencias_resumen_cites_the_computed_values():
    text = facts_bordes.frecuencias_resumen()
    _, hg = along_x(GAUSSIAN)
    _, hl = along_x(LAPLACIAN)
    omega, hs = along_x(SOBEL_X)
    assert f"|H(0)| = {round(float(hg[0]))}" in text and round(float(hg[0])) == 1
    assert f"su máximo, {round(float(hl.max()))}, en ω = π" in text
    peak = float(omega[hs.argmax()])
    assert peak == pytest.approx(math.pi / 2) and f"su máximo, {round(float(hs.max()))}, está en ω = π/2" in text


def test_laplacian_sign_bright_side_positive():
    """Página: con el centro positivo, un píxel más claro que sus vecinos da positivo."""
    image = torch.zeros(7, 7)
    image[:, 3:] = 1                      # borde: oscuro a la izquierda, claro a la derecha
    response = apply_filters(image, LAPLACIAN[None])[0]
    # La columna j de la salida está centrada en la j + 1 de la entrada
    assert response[:, 2].min() > 0                 # centrada en la columna 3: lado claro
    assert response[:, 1].max() < 0                 # centrada en la 2: lado oscuro
    assert response[:, 0].abs().max() == 0 and response[:, 3].abs().max() == 0
    dot = torch.zeros(5, 5)
    dot[2, 2] = 1
    assert apply_filters(dot, LAPLACIAN[None])[0, 1, 1] > 0


def test_frequency_response_rejects_bad_input():
    with pytest.raises(ValueError, match="kernel"):
        frequency_response(torch.zeros(1, 3, 3))
    with pytest.raises(ValueError, match="par"):
        frequency_response(LAPLACIAN, n=7)
