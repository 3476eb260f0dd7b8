"""Soluciones de los ejercicios de la página «Filtros convolucionales y detección de bordes».

Cada sección es la solución de un ejercicio y se puede copiar sola: trae sus
importaciones. Las pruebas (tests/test_ejercicios.py) ejecutan cada sección y
comprueban que imprime la respuesta que da la página.
"""

# --8<-- [start:suavizado]
import torch

from cnnviz.filters import GAUSSIAN, apply_filters
from cnnviz.spanish import number

uniform = torch.full((5, 5), 0.3)                   # una zona uniforme
dot = torch.zeros(5, 5)
dot[2, 2] = 1.0                                     # un punto brillante
print("zona uniforme:", number(apply_filters(uniform, GAUSSIAN[None]).max().item(), 2))
print("punto, en su centro:", number(apply_filters(dot, GAUSSIAN[None])[0, 1, 1].item(), 2))
# --8<-- [end:suavizado]

# --8<-- [start:signo_laplaciano]
import torch

from cnnviz.data import sample_photo
from cnnviz.filters import LAPLACIAN, apply_filters

photo = sample_photo("camera", size=128)
a = apply_filters(photo, LAPLACIAN[None])           # centro +4
b = apply_filters(photo, -LAPLACIAN[None])          # centro −4
print("el mapa cambia de signo:", torch.allclose(b, -a))
print("el valor absoluto no cambia:", torch.allclose(b.abs(), a.abs()))
# --8<-- [end:signo_laplaciano]

# --8<-- [start:escalon]
import torch

from cnnviz.filters import SOBEL_X, SOBEL_Y, apply_filters

step = torch.zeros(6, 6)
step[:, 3:] = 1                                     # oscuro a la izquierda, claro a la derecha
gx, gy = apply_filters(step, torch.stack([SOBEL_X, SOBEL_Y]))
print("Sobel x, cada fila:", gx[0].int().tolist())
print("Sobel y, máximo |gy|:", int(gy.abs().max()))
# --8<-- [end:escalon]

# --8<-- [start:suma_cero]
import torch

from cnnviz.frequency import frequency_response

central = torch.tensor([[-1., 0., 1.]])             # derivada centrada: suma 0
second = torch.tensor([[1., -2., 1.]])              # segunda derivada: suma 0
for name, kernel in (("(−1, 0, 1)", central), ("(1, −2, 1)", second)):
    h = frequency_response(kernel, n=8)[0]          # ω = 0, π/4, …; la columna 4 es ω = π
    print(f"{name}: |H(0)| = {h[0].item():.0f}, |H(π)| = {h[4].item():.0f}")
# --8<-- [end:suma_cero]
