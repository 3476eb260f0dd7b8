"""Ejemplos de la página «Teoría: capas de una CNN», en el orden de la página.

Cada sección es un bloque de la página (o su final). No es un programa
aparte: en la página, cada bloque va después del código que usa (los filtros,
el ejemplo de pooling y la red, incluidos desde ``cnnviz``), y las pruebas
ejecutan los bloques en orden, tal como se ven, desde el paquete instalado.
"""

# --8<-- [start:print_net]
# Instanciar e imprimir la red
n_classes = 10  # número de clases (los dígitos del 0 al 9)
net = Net(n_classes)
print(net)
# --8<-- [end:print_net]

# --8<-- [start:shapes]
# Cuatro dígitos reales de 8x8 (scikit-learn), en escala de grises
from cnnviz.data import load_digits_8x8

x, labels = load_digits_8x8()
x = x[:4]                      # (4, 1, 8, 8)
scores = net(x)
print(scores.shape)            # una puntuación por clase para cada imagen
print(labels[:4].tolist())     # sus clases reales (la red aún no está entrenada)

# Con otra forma de entrada, la red explica qué esperaba
try:
    net(torch.randn(4, 3, 8, 8))
except ValueError as error:
    print(error)
# --8<-- [end:shapes]

# --8<-- [start:pooling]
from cnnviz.spanish import number       # con coma decimal

x = POOL_EXAMPLE[None, None]             # (1, 1, 4, 4): lote y canal
# Max pooling 2x2 con paso 2: el máximo de cada bloque de 2x2
print("max:    ", F.max_pool2d(x, kernel_size=2, stride=2)[0, 0].int().tolist())

# Average pooling 2x2 con paso 2: la media de cada bloque
averaged = F.avg_pool2d(x, kernel_size=2, stride=2)[0, 0]
for row in averaged.tolist():
    print("media:  ", "  ".join(number(v, 1) for v in row))

# Global average pooling: la media de todo el mapa, un solo número
print("global: ", number(POOL_EXAMPLE.mean().item(), 1))
# --8<-- [end:pooling]
