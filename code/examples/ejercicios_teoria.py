"""Soluciones de los ejercicios de la página «Teoría: capas de una CNN».

Cada sección es la solución de un ejercicio y se puede copiar sola: trae sus
importaciones. Las pruebas (tests/test_ejercicios.py) ejecutan cada sección y
comprueban que imprime la respuesta que da la página.
"""

# --8<-- [start:forma]
import torch
from torch import nn

conv = nn.Conv2d(3, 8, kernel_size=5, stride=2, padding=2)
x = torch.zeros(1, 3, 32, 32)                 # una imagen en color de 32×32
print(tuple(conv(x).shape))                   # (lote, canales, alto, ancho)
print((32 + 2 * 2 - 5) // 2 + 1)              # la fórmula: ⌊(n + 2p − k)/s⌋ + 1
# --8<-- [end:forma]

# --8<-- [start:parametros]
from torch import nn

from cnnviz.spanish import integer          # 20 490, con espacio de miles

conv = nn.Conv2d(3, 8, kernel_size=5, stride=2, padding=2)
fc = nn.Linear(8 * 16 * 16, 10)
print("conv:", integer(sum(p.numel() for p in conv.parameters())), "=",
      integer(8 * (3 * 5 * 5 + 1)))
print("fc:  ", integer(sum(p.numel() for p in fc.parameters())), "=",
      integer(10 * (8 * 16 * 16 + 1)))
# --8<-- [end:parametros]

# --8<-- [start:pooling]
import torch.nn.functional as F

from cnnviz.pooling import POOL_EXAMPLE
from cnnviz.spanish import number           # con coma decimal

averaged = F.avg_pool2d(POOL_EXAMPLE[None, None], 2)[0, 0]
for row in averaged.tolist():
    print("  ".join(number(v, 1) for v in row))
# --8<-- [end:pooling]

# --8<-- [start:gradiente_pooling]
import torch
import torch.nn.functional as F

x = torch.tensor([[1., 3., 2., 1.],
                  [4., 6., 5., 0.],
                  [3., 1., 9., 8.],
                  [0., 2., 7., 4.]], requires_grad=True)
y = F.max_pool2d(x[None, None], 2)[0, 0]      # (2, 2)
L = (y * torch.tensor([[1., 2.], [3., 4.]])).sum()   # ∂L/∂y = [[1, 2], [3, 4]]
L.backward()
print(x.grad.int().tolist())
# --8<-- [end:gradiente_pooling]

# --8<-- [start:campo_receptivo]
from cnnviz.layer_math import receptive_fields

layers = [("conv_a", 3, 1, 1), ("pool", 2, 0, 2), ("conv_b", 3, 1, 1)]   # (nombre, k, p, s)
for name, r, j in receptive_fields(layers):
    print(f"{name}: campo receptivo {r}×{r}, salto {j}")
# --8<-- [end:campo_receptivo]

# --8<-- [start:desplazamiento]
import torch
import torch.nn.functional as F

torch.manual_seed(0)
x = torch.zeros(1, 1, 12, 12)
x[0, 0, 3:7, 4:6] = 1                          # un trazo vertical
k = torch.randn(1, 1, 3, 3)


def shift(t, d):
    """Desplaza d píxeles a la derecha, entrando ceros por la izquierda."""
    return F.pad(t, (d, 0))[..., :t.shape[-1]]


y, y2 = F.conv2d(x, k, padding=1), F.conv2d(shift(x, 2), k, padding=1)
print("convolución: la salida se desplaza 2:", torch.allclose(y2, shift(y, 2)))
p, p2 = F.max_pool2d(y, 2), F.max_pool2d(y2, 2)
print("max pooling: la salida se desplaza 1:", torch.allclose(p2, shift(p, 1)))
# --8<-- [end:desplazamiento]
