"""Ejemplo de la página «Filtros convolucionales y detección de bordes».

No es un programa aparte: en la página va después de los filtros y de
``apply_filters`` (incluidos desde ``cnnviz.filters``), y las pruebas ejecutan
los bloques en orden, tal como se ven, desde el paquete instalado.
"""

# --8<-- [start:usage]
from cnnviz.data import sample_photo
from cnnviz.spanish import number        # con coma decimal: 0,0123

photo = sample_photo("camera", size=256)        # (256, 256), valores en [0, 1]
kernels = torch.stack([LAPLACIAN, SOBEL_X, SOBEL_Y])  # (3, 3, 3)
maps = apply_filters(photo, kernels)
print(maps.shape)  # 3 mapas de 254x254: el kernel de 3x3 no cabe en el borde

# Respuesta media (en valor absoluto) de cada filtro: en el cielo, una zona
# uniforme, es mucho menor que en la imagen entera
sky = maps[:, 5:30, 5:60]
for name, in_sky, overall in zip(["laplaciano", "Sobel x", "Sobel y"],
                                 sky.abs().mean(dim=(1, 2)).tolist(),
                                 maps.abs().mean(dim=(1, 2)).tolist()):
    print(f"{name:10}  cielo {number(in_sky, 4)}   foto entera {number(overall, 4)}")
# --8<-- [end:usage]
