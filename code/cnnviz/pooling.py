"""Ejemplo numérico de pooling: el mismo que dibuja la figura de la página."""

import torch

# --8<-- [start:example]
# Un mapa de características de 4x4 (por ejemplo, la salida de una ReLU)
POOL_EXAMPLE = torch.tensor([[1., 3., 2., 1.],
                             [4., 6., 5., 0.],
                             [3., 1., 9., 8.],
                             [0., 2., 7., 4.]])
# --8<-- [end:example]
