"""Los mapas de características coinciden con una referencia independiente (SciPy)."""

import numpy as np
import pytest
import torch
from scipy.signal import correlate2d

from cnnviz.data import sample_photo
from cnnviz.filters import FOUR_FILTERS, LAPLACIAN, SOBEL_X, SOBEL_Y, apply_filters, sobel_magnitude


@pytest.fixture(scope="module")
def photo():
    return sample_photo("camera", size=96)


@pytest.mark.parametrize("kernels", [
    torch.stack(list(FOUR_FILTERS.values())),
    torch.stack([LAPLACIAN, SOBEL_X, SOBEL_Y]),
])
def test_feature_maps_equal_scipy_correlation(photo, kernels):
    maps = apply_filters(photo, kernels)
    image = photo.double().numpy()
    for fmap, kernel in zip(maps, kernels):
        expected = correlate2d(image, kernel.double().numpy(), mode="valid")
        assert fmap.shape == expected.shape
        np.testing.assert_allclose(fmap.numpy(), expected, atol=1e-5)


def test_hand_computed_small_case():
    # Imagen 3x3 y filtro 2x2: cada salida es una suma de 4 productos a mano
    image = torch.tensor([[1., 2., 3.], [4., 5., 6.], [7., 8., 9.]])
    kernel = torch.tensor([[1., 0.], [0., -1.]])
    maps = apply_filters(image, kernel[None])
    assert maps[0].tolist() == [[1 - 5, 2 - 6], [4 - 8, 5 - 9]]


def test_high_pass_ignores_uniform_regions():
    flat = torch.full((10, 10), 0.7)
    for kernel in (LAPLACIAN, SOBEL_X, SOBEL_Y):
        assert apply_filters(flat, kernel[None]).abs().max() < 1e-6


def test_sobel_magnitude_of_a_vertical_step():
    # Escalón de 0 a 1 en la columna 5: |gx| = 1 + 2 + 1 = 4 junto al borde
    image = torch.zeros(8, 8)
    image[:, 5:] = 1
    magnitude = sobel_magnitude(image)
    assert magnitude.max().item() == pytest.approx(4.0)
    assert magnitude[:, 0].abs().max() == 0


def test_wrong_shapes_give_clear_errors():
    with pytest.raises(ValueError, match=r"\(H, W\)"):
        apply_filters(torch.zeros(1, 8, 8), LAPLACIAN[None])
    with pytest.raises(ValueError, match=r"\(K, kh, kw\)"):
        apply_filters(torch.zeros(8, 8), LAPLACIAN)
