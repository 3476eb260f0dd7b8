"""Mapas de activación capa a capa, capturados con *forward hooks*."""

import torch

from .layers import as_sequential, check_digits

# --8<-- [start:activation_maps]
# Capas cuya salida se muestra: tras cada conv + ReLU y tras cada pooling
STAGES = ("relu1", "pool1", "relu2", "pool2")


@torch.no_grad()
def activation_maps(model, x, stages=STAGES):
    """Salida de cada capa de ``stages`` para el lote ``x`` (N, 1, 28, 28).

    Devuelve un diccionario nombre -> tensor (N, C, H, W).
    """
    check_digits(x)
    layers = as_sequential(model)
    maps = {}

    def keep(name):
        def hook(module, inputs, output):   # PyTorch la llama tras cada forward
            maps[name] = output.detach()
        return hook

    handles = [getattr(layers, name).register_forward_hook(keep(name))
               for name in stages]
    try:
        layers(x)
    finally:
        for handle in handles:                # quitar siempre los hooks
            handle.remove()
    return maps
# --8<-- [end:activation_maps]
