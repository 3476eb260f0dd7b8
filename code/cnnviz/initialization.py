"""Cómo crece o se apaga la señal al atravesar muchas capas según la inicialización."""

import torch
from torch import nn

INITS = ("pytorch", "he")


def activation_stds(init, depth=10, channels=16, side=32, seed=0):
    """Desviación típica de la salida de cada capa de una pila de conv 3×3 + ReLU.

    ``init``: "pytorch" (la de ``nn.Conv2d`` por omisión: uniforme en
    ±1/√fan_in, varianza 1/(3·fan_in)) o "he" (normal con varianza
    2/fan_in, He et al. 2015). Entrada: ruido normal estándar de
    (1, channels, side, side). Sin sesgos, para ver solo el efecto de los pesos.
    Devuelve una lista de ``depth`` desviaciones típicas.
    """
    if init not in INITS:
        raise ValueError(f"inicialización desconocida «{init}»; se esperaba una de {INITS}")
    generator = torch.Generator().manual_seed(seed)
    torch.manual_seed(seed)
    x = torch.randn(1, channels, side, side, generator=generator)
    stds = []
    with torch.no_grad():
        for _ in range(depth):
            conv = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
            if init == "he":
                nn.init.kaiming_normal_(conv.weight, nonlinearity="relu")
            x = torch.relu(conv(x))
            stds.append(float(x.std()))
    return stds
