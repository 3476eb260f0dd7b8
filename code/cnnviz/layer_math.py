"""Aritmética de las capas: tamaño de salida, número de parámetros y campo receptivo.

Son las fórmulas de la página de teoría, escritas como funciones; las pruebas
las comparan con lo que calcula PyTorch.
"""

# --8<-- [start:imports]
import torch
import torch.nn as nn
import torch.nn.functional as F
# --8<-- [end:imports]


# --8<-- [start:formulas]
def output_size(n, kernel, padding=0, stride=1):
    """Lado de la salida de una convolución o un pooling: ⌊(n + 2p − k)/s⌋ + 1."""
    if n + 2 * padding < kernel:
        raise ValueError(f"el kernel ({kernel}) no cabe en la entrada con relleno "
                         f"({n} + 2·{padding})")
    return (n + 2 * padding - kernel) // stride + 1


def conv_params(in_channels, out_channels, kernel):
    """Pesos y sesgos de ``nn.Conv2d``: un filtro de in×k×k más un sesgo por salida."""
    return out_channels * (in_channels * kernel * kernel + 1)


def linear_params(in_features, out_features):
    """Pesos y sesgos de ``nn.Linear``: una fila de pesos más un sesgo por salida."""
    return out_features * (in_features + 1)
# --8<-- [end:formulas]


def _pair(value):
    """Lado de un kernel, paso o relleno de PyTorch (entero o par de iguales)."""
    if isinstance(value, tuple):
        if len(set(value)) != 1:
            raise ValueError(f"solo se admiten kernels, pasos y rellenos cuadrados; llegó {value}")
        return value[0]
    return value


def spatial_layers(model):
    """Capas que cambian el alto y el ancho, en orden: (nombre, k, p, s).

    Recorre los submódulos de ``model`` en el orden en que se definieron
    (el de ``forward`` en las redes de este sitio).
    """
    layers = []
    for name, module in model.named_children():
        if isinstance(module, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)):
            layers.append((name, _pair(module.kernel_size), _pair(module.padding),
                           _pair(module.stride)))
    return layers


# --8<-- [start:receptive_field]
def receptive_fields(layers):
    """Campo receptivo y salto de cada capa, de la entrada hacia arriba.

    ``layers``: lista de (nombre, kernel k, relleno p, paso s). Una neurona de
    la capa l ve r_l = r_{l−1} + (k − 1)·j_{l−1} píxeles de lado, y dos
    neuronas vecinas de esa capa están a j_l = j_{l−1}·s píxeles en la entrada.
    Devuelve una lista de (nombre, r, j).
    """
    r, j = 1, 1                    # un píxel de la entrada se ve a sí mismo
    rows = []
    for name, k, _, s in layers:
        r = r + (k - 1) * j
        j = j * s
        rows.append((name, r, j))
    return rows
# --8<-- [end:receptive_field]


# --8<-- [start:padding_example]
# Ejemplo pequeño de relleno y paso: una entrada de 5×5 y un filtro de 3×3
PADDING_INPUT = torch.tensor([[3., 1., 0., 2., 1.],
                              [0., 2., 4., 1., 0.],
                              [1., 3., 2., 0., 2.],
                              [2., 0., 1., 3., 1.],
                              [1., 2., 0., 1., 4.]])
PADDING_KERNEL = torch.tensor([[1., 0., 1.],
                               [0., 1., 0.],
                               [1., 0., 1.]])
# --8<-- [end:padding_example]


# --8<-- [start:contributions]
def channel_contributions(conv, x, out_channel):
    """Lo que aporta cada canal de entrada a un canal de salida de ``conv``.

    ``x``: (1, C_in, H, W). Devuelve (C_in, H', W'): el canal c es la
    convolución de x_c con el filtro K_{o,c}. Su suma más el sesgo b_o es
    exactamente la salida ``conv(x)[0, out_channel]``.
    """
    weight = conv.weight[out_channel]                  # (C_in, k, k)
    return torch.stack([
        F.conv2d(x[:, c:c + 1], weight[c][None, None], padding=conv.padding,
                 stride=conv.stride)[0, 0]
        for c in range(x.shape[1])])
# --8<-- [end:contributions]


def gradient_receptive_field(model, layer, side=28):
    """Lado (alto, ancho) de la zona de la entrada que influye en la neurona central de ``layer``.

    Se mide con autograd, sin usar la fórmula: una copia de las capas hasta
    ``layer`` con todos los pesos a 1, sin sesgos ni ReLU y con pooling por
    media en lugar de máximo (mismo kernel y paso: el campo receptivo es el
    mismo, pero el gradiente llega a toda la ventana y no solo al máximo).
    Devuelve también la máscara (side, side) de píxeles con gradiente no nulo.
    """
    modules = []
    for name, module in model.named_children():
        if isinstance(module, nn.Conv2d):
            copy = nn.Conv2d(module.in_channels, module.out_channels, module.kernel_size,
                             stride=module.stride, padding=module.padding, bias=False)
            nn.init.ones_(copy.weight)
            modules.append(copy)
        elif isinstance(module, (nn.MaxPool2d, nn.AvgPool2d)):
            modules.append(nn.AvgPool2d(module.kernel_size, module.stride, module.padding))
        if name == layer:
            break
    else:
        raise ValueError(f"la red no tiene la capa «{layer}»")
    x = torch.ones(1, 1, side, side, requires_grad=True)
    out = nn.Sequential(*modules)(x)                      # (1, C, H, W)
    h, w = out.shape[2:]
    out[0, 0, h // 2, w // 2].backward()
    mask = x.grad[0, 0] != 0
    rows = torch.nonzero(mask.any(1))
    cols = torch.nonzero(mask.any(0))
    return (int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)), mask
