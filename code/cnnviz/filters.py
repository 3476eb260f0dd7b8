"""Filtros hechos a mano y su aplicación a una imagen con PyTorch."""

# --8<-- [start:imports]
import torch
import torch.nn.functional as F
# --8<-- [end:imports]

# --8<-- [start:four_filters]
# Filtro base de 4x4: negativo a la izquierda, positivo a la derecha.
# Responde a bordes verticales en los que la imagen se aclara hacia la derecha.
base = torch.tensor([[-1., -1., 1., 1.],
                     [-1., -1., 1., 1.],
                     [-1., -1., 1., 1.],
                     [-1., -1., 1., 1.]])

FOUR_FILTERS = {
    "vertical, oscuro → claro": base,
    "vertical, claro → oscuro": -base,
    "horizontal, oscuro → claro": base.T,
    "horizontal, claro → oscuro": -base.T,
}
# --8<-- [end:four_filters]

# --8<-- [start:low_pass]
# Filtro paso bajo: pesos positivos que suman 1. Una zona uniforme sale igual
# y las variaciones finas se promedian con sus vecinas (suaviza).
GAUSSIAN = torch.tensor([[1., 2., 1.],
                         [2., 4., 2.],
                         [1., 2., 1.]]) / 16
# --8<-- [end:low_pass]

# --8<-- [start:edge_kernels]
# Los tres suman 0: anulan las zonas uniformes. El laplaciano (con este signo,
# −∇²) es paso alto; Sobel suaviza en una dirección y deriva en la otra.
LAPLACIAN = torch.tensor([[0., -1., 0.],
                          [-1., 4., -1.],
                          [0., -1., 0.]])

SOBEL_X = torch.tensor([[-1., 0., 1.],
                        [-2., 0., 2.],
                        [-1., 0., 1.]])   # bordes verticales (gradiente en x)
SOBEL_Y = SOBEL_X.T                     # bordes horizontales (gradiente en y)
# --8<-- [end:edge_kernels]


# --8<-- [start:apply_filters]
def apply_filters(image, kernels):
    """Aplica cada kernel a una imagen en escala de grises.

    image: tensor (H, W); kernels: tensor (K, kh, kw).
    Devuelve los K mapas de características (K, H - kh + 1, W - kw + 1).
    Como en una capa ``nn.Conv2d``, es una correlación cruzada sin relleno.
    """
    if image.dim() != 2:
        raise ValueError(f"se esperaba una imagen (H, W); llegó {tuple(image.shape)}")
    if kernels.dim() != 3:
        raise ValueError(f"se esperaban kernels (K, kh, kw); llegó {tuple(kernels.shape)}")
    dtype = image.dtype if image.is_floating_point() else torch.float32
    x = image[None, None].to(dtype)        # (1, 1, H, W)
    w = kernels[:, None].to(dtype)         # (K, 1, kh, kw)
    return F.conv2d(x, w)[0]               # (K, H', W')
# --8<-- [end:apply_filters]


def sobel_magnitude(image):
    """Magnitud del gradiente de Sobel, sqrt(gx² + gy²): (H - 2, W - 2)."""
    gx, gy = apply_filters(image, torch.stack([SOBEL_X, SOBEL_Y]))
    return torch.sqrt(gx ** 2 + gy ** 2)
