"""DeepDream (Mordvintsev, Olah y Tyka, 2015): exagerar lo que una capa ya ve en una foto."""

# --8<-- [start:dream]
import torch

from cnnviz.imagenet.style import layer_outputs


def deep_dream(model, to_input, image, layer, steps=20, lr=0.01, jitter=8, seed=0):
    """Sube la energía de los mapas de ``layer`` (la media de su cuadrado) modificando la foto.

    ``image``: (1, 3, H, W) RGB de 0 a 1. Cada paso desplaza la imagen al azar
    hasta ``jitter`` píxeles y da un paso de tamaño ``lr`` en la dirección del
    gradiente normalizado. Devuelve la imagen y la energía por paso.
    """
    gen = torch.Generator().manual_seed(seed)
    x = image.clone()
    history = []
    for _ in range(steps):
        dy, dx = torch.randint(-jitter, jitter + 1, (2,), generator=gen).tolist()
        shifted = torch.roll(x, (dy, dx), dims=(2, 3)).requires_grad_(True)
        energy = (layer_outputs(model, to_input(shifted), [layer])[layer] ** 2).mean()
        (grad,) = torch.autograd.grad(energy, shifted)
        grad = torch.roll(grad, (-dy, -dx), dims=(2, 3))
        x = (x + lr * grad / (grad.abs().mean() + 1e-12)).clamp(0, 1)
        history.append(energy.item())
    return x, history
# --8<-- [end:dream]
