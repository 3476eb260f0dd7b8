"""Visualización de clases: la imagen que más puntuación da a una clase (Simonyan et al. 2014).

Ascenso por gradiente sobre los píxeles con la regularización de Yosinski et
al. (2015): desplazamiento aleatorio (*jitter*), desenfoque gaussiano cada
pocos pasos y penalización L2. Sin ella, la imagen que maximiza la puntuación
es ruido de alta frecuencia sin nada reconocible.
"""

# --8<-- [start:visualize]
import torch

from cnnviz.features.actmax import gaussian_blur


def blur_rgb(x, sigma):
    """Desenfoque gaussiano de cada canal de (N, 3, H, W)."""
    n, c, h, w = x.shape
    return gaussian_blur(x.reshape(n * c, 1, h, w), sigma).reshape(n, c, h, w)


def visualize_classes(model, to_input, classes, size=160, steps=100, lr=0.01, l2=0.5,
                      jitter=8, blur_every=5, blur_sigma=0.5, seed=0):
    """Una imagen RGB de 0 a 1 por clase que maximiza su puntuación: (N, 3, size, size).

    En cada paso: desplaza la imagen al azar hasta ``jitter`` píxeles, sube la
    puntuación de la clase menos ``l2`` veces la media del cuadrado de
    (píxel − 0,5), da un paso de tamaño ``lr`` en la dirección del gradiente
    (normalizado por su media en valor absoluto) y recorta a [0, 1]; cada
    ``blur_every`` pasos, desenfoca. Devuelve también la puntuación media por paso.
    """
    classes = torch.as_tensor(classes, dtype=torch.long)
    gen = torch.Generator().manual_seed(seed)
    x = 0.5 + 0.02 * torch.randn(len(classes), 3, size, size, generator=gen)
    history = []
    for step in range(steps):
        dy, dx = torch.randint(-jitter, jitter + 1, (2,), generator=gen).tolist()
        shifted = torch.roll(x, (dy, dx), dims=(2, 3)).requires_grad_(True)
        scores = model(to_input(shifted)).gather(1, classes[:, None])[:, 0]      # (N,)
        penalty = ((shifted - 0.5) ** 2).mean(dim=(1, 2, 3))                       # (N,)
        (grad,) = torch.autograd.grad((scores - l2 * penalty).sum(), shifted)
        grad = torch.roll(grad, (-dy, -dx), dims=(2, 3))
        grad = grad / (grad.abs().mean(dim=(1, 2, 3), keepdim=True) + 1e-12)
        x = (x + lr * grad).clamp(0, 1)
        if blur_every and (step + 1) % blur_every == 0:
            x = blur_rgb(x, blur_sigma)
        history.append(scores.detach().mean().item())
    return x, history
# --8<-- [end:visualize]
