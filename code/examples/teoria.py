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
# Max pooling 2x2 con paso 2: el máximo de cada bloque de 2x2
pooled = F.max_pool2d(POOL_EXAMPLE[None, None], kernel_size=2, stride=2)
print(pooled[0, 0])

# Global average pooling: la media de todo el mapa, un solo número
print(POOL_EXAMPLE.mean().item())
# --8<-- [end:pooling]
