"""La anatomía de SqueezeNet: etapas, forma de salida, parámetros y campo receptivo.

Las formas salen de pasar una entrada por el modelo; los parámetros, de contar
los de cada módulo; el campo receptivo, de autograd (como en la página de
teoría con DigitCNN) y, para comprobarlo, de la fórmula r ← r + (k − 1)·j.
"""

import copy

import torch
import torch.nn as nn

from ..layer_math import receptive_fields
from .model import INPUT_SIZE, Fire

# Etapas que cambian la forma, en el orden de la red (las ReLU no cuentan)
def stages(model):
    """Nombres de los submódulos de ``model`` salvo las ReLU y la media final."""
    return [name for name, m in model.named_children()
            if not isinstance(m, (nn.ReLU, nn.AdaptiveAvgPool2d))]


def stage_table(model):
    """Lista de (nombre, tipo, forma de salida (C, H, W), parámetros) de cada etapa."""
    x = torch.zeros(1, 3, INPUT_SIZE, INPUT_SIZE)
    rows = []
    with torch.no_grad():
        for name, module in model.named_children():
            x = module(x)
            if isinstance(module, (nn.ReLU, nn.AdaptiveAvgPool2d)):
                continue
            kind = ("fire" if isinstance(module, Fire) else
                    "conv" if isinstance(module, nn.Conv2d) else "maxpool")
            params = sum(p.numel() for p in module.parameters())
            rows.append((name, kind, tuple(x.shape[1:]), params))
    return rows


def stage_kernels(model):
    """(nombre, k, s) de cada etapa: en un fire module manda el 3×3 de expand."""
    out = []
    for name in stages(model):
        m = getattr(model, name)
        if isinstance(m, Fire):
            out.append((name, 3, 1))
        else:
            k = m.kernel_size if isinstance(m.kernel_size, int) else m.kernel_size[0]
            s = m.stride if isinstance(m.stride, int) else m.stride[0]
            out.append((name, k, s))
    return out


def formula_receptive_fields(model):
    """{etapa: (r, j)} con la fórmula de ``cnnviz.layer_math.receptive_fields``."""
    layers = [(name, k, 0, s) for name, k, s in stage_kernels(model)]
    return {name: (r, j) for name, r, j in receptive_fields(layers)}


def _linearized(model):
    """Copia en la que la red es lineal y positiva: pesos 1/fan_in, sesgos 0, pooling por media.

    Con una entrada positiva todas las activaciones son positivas, así que las
    ReLU no anulan nada, y el pooling por media reparte el gradiente por toda la
    ventana: el gradiente de una neurona llega a todo su campo receptivo.
    """
    linear = copy.deepcopy(model)
    for name, module in list(linear.named_modules()):
        if isinstance(module, nn.Conv2d):
            fan_in = module.in_channels * module.kernel_size[0] * module.kernel_size[1]
            nn.init.constant_(module.weight, 1.0 / fan_in)
            nn.init.zeros_(module.bias)
    for name, module in list(linear.named_children()):
        if isinstance(module, nn.MaxPool2d):
            setattr(linear, name, nn.AvgPool2d(module.kernel_size, module.stride))
    return linear.eval()


def gradient_receptive_field(model, stage, side=INPUT_SIZE):
    """Lado (alto, ancho) de la zona de la entrada que influye en la posición central de ``stage``
    (en alguno de sus canales)."""
    names = [n for n, _ in model.named_children()]
    if stage not in names:
        raise ValueError(f"SqueezeNet no tiene la etapa «{stage}»; las hay: {names}")
    linear = _linearized(model)
    x = torch.ones(1, 3, side, side, requires_grad=True)
    out = x
    for name, module in linear.named_children():
        out = module(out)
        if name == stage:
            break
    h, w = out.shape[2:]
    # Todos los canales de la neurona central: en un fire module, los del 3×3 ven más
    out[0, :, h // 2, w // 2].sum().backward()
    mask = (x.grad[0] != 0).any(0)
    rows, cols = torch.nonzero(mask.any(1)), torch.nonzero(mask.any(0))
    return int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)
