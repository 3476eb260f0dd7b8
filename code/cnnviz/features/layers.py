"""``DigitCNN`` como secuencia de capas con nombre, ReLU incluidas.

``DigitCNN`` aplica ReLU con ``F.relu`` dentro de ``forward``: no es un
submódulo, así que no se le puede poner un *hook* ni sustituirla. Aquí se
rearma la misma red (los mismos objetos ``conv1``, ``pool1``..., con sus
pesos) como un ``nn.Sequential`` en el que cada ReLU es un módulo.
"""

from collections import OrderedDict

import torch
import torch.nn as nn

# --8<-- [start:as_sequential]
IMAGE_SHAPE = (1, 28, 28)


def check_digits(x):
    """Comprueba que ``x`` sea un lote de dígitos (N, 1, 28, 28)."""
    if not isinstance(x, torch.Tensor) or x.dim() != 4 or tuple(x.shape[1:]) != IMAGE_SHAPE:
        shape = tuple(x.shape) if hasattr(x, "shape") else type(x).__name__
        raise ValueError(f"se esperaba un lote de dígitos (N, 1, 28, 28); llegó {shape}")


def check_targets(target, n):
    """Clases objetivo: un tensor de enteros (N,), una por imagen."""
    target = torch.as_tensor(target, dtype=torch.long)
    if target.dim() == 0:
        target = target.expand(n)
    if target.shape != (n,):
        raise ValueError(f"se esperaba una clase por imagen, forma ({n},); "
                         f"llegó {tuple(target.shape)}")
    return target


def as_sequential(model, relu=nn.ReLU):
    """La misma ``DigitCNN`` capa a capa; ``relu`` es la clase de cada ReLU."""
    return nn.Sequential(OrderedDict(
        conv1=model.conv1,            # (N, 16, 28, 28)
        relu1=relu(),
        pool1=model.pool1,            # (N, 16, 14, 14)
        conv2=model.conv2,            # (N, 32, 14, 14)
        relu2=relu(),
        pool2=model.pool2,            # (N, 32, 7, 7)
        flatten=nn.Flatten(),         # (N, 1568): model.features(x)
        fc=model.fc,                  # (N, 10)
    )).eval()
# --8<-- [end:as_sequential]
