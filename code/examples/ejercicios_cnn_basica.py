"""Soluciones de los ejercicios del cuaderno «CNN básica con PyTorch».

Cada sección es la solución de un ejercicio y trae sus importaciones; el
cuaderno la incluye en una celda. Las pruebas (tests/test_ejercicios.py) la
ejecutan y comprueban la respuesta que da el cuaderno.
"""

# --8<-- [start:formas]
# Solución del ejercicio 1
import torch
from torch import nn

conv = nn.Conv2d(in_channels=1, out_channels=4, kernel_size=4, bias=False)
print("pesos:", tuple(conv.weight.shape))
print("salida con una foto de 64×64:", tuple(conv(torch.zeros(1, 1, 64, 64)).shape))
# --8<-- [end:formas]

# --8<-- [start:relleno]
# Solución del ejercicio 2
import torch
from torch import nn

conv = nn.Conv2d(1, 4, kernel_size=4, padding=2, bias=False)
print("salida:", tuple(conv(torch.zeros(1, 1, 128, 128)).shape))
# --8<-- [end:relleno]

# --8<-- [start:opuestos]
# Solución del ejercicio 3
import torch

from cnnviz.data import sample_photo
from cnnviz.filters import FOUR_FILTERS, apply_filters

photo = sample_photo("camera", size=128)
maps = apply_filters(photo, torch.stack(list(FOUR_FILTERS.values())))
together = torch.relu(maps[0]) + torch.relu(maps[1])
print("ReLU(mapa 0) + ReLU(mapa 1) = |mapa 0|:", torch.allclose(together, maps[0].abs()))
# --8<-- [end:opuestos]
