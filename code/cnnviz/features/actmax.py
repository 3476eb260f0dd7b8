"""Maximización de la activación: sintetizar la entrada que más excita una unidad."""

import torch
import torch.nn.functional as F

from .layers import as_sequential


# --8<-- [start:maximize]
def class_objective(model, classes):
    """Objetivo: la puntuación (logit) de ``classes[k]`` para la imagen k."""
    classes = torch.as_tensor(classes, dtype=torch.long)

    def objective(x):                                    # (K, 1, 28, 28) -> (K,)
        return model(x).gather(1, classes[:, None])[:, 0]
    return objective


def channel_objective(model, layer, channels):
    """Objetivo: la activación media del canal ``channels[k]`` de ``layer``.

    Se usa la salida de la convolución antes de ReLU: así el gradiente no se
    anula cuando el canal aún no responde.
    """
    layers = as_sequential(model)
    names = [name for name, _ in layers.named_children()]
    if layer not in names:
        raise ValueError(f"capa desconocida «{layer}»; las hay: {names}")
    upto = layers[:names.index(layer) + 1]
    channels = torch.as_tensor(channels, dtype=torch.long)

    def objective(x):
        out = upto(x)                                    # (K, C, H, W)
        return out[torch.arange(len(channels)), channels].mean(dim=(1, 2))
    objective.upto = upto                                # las capas hasta ``layer``
    return objective


def neuron_objective(model, layer, channels, position=None):
    """Objetivo: una sola neurona, la de ``position`` (fila, columna) del canal
    ``channels[k]`` de ``layer``, antes de ReLU; por omisión, la del centro."""
    mean_objective = channel_objective(model, layer, channels)
    upto = mean_objective.upto
    channels = torch.as_tensor(channels, dtype=torch.long)

    def objective(x):
        out = upto(x)                                    # (K, C, H, W)
        i, j = position or (out.shape[2] // 2, out.shape[3] // 2)
        return out[torch.arange(len(channels)), channels, i, j]
    return objective


def gaussian_blur(x, sigma):
    """Desenfoque gaussiano separable de (K, 1, H, W), kernel de 5×5."""
    t = torch.arange(-2, 3, dtype=x.dtype)
    k = torch.exp(-t ** 2 / (2 * sigma ** 2))
    k = k / k.sum()
    x = F.conv2d(F.pad(x, (2, 2, 0, 0), mode="replicate"), k.view(1, 1, 1, 5))
    return F.conv2d(F.pad(x, (0, 0, 2, 2), mode="replicate"), k.view(1, 1, 5, 1))


def maximize(objective, n, steps=200, lr=0.05, jitter=2, blur_sigma=0.5,
             l2=10.0, bounds=(-0.43, 2.8), seed=0):
    """Ascenso por gradiente sobre la imagen para maximizar ``objective``.

    ``objective``: función (n, 1, 28, 28) -> (n,). Regularización para que
    la imagen se pueda leer: desplazamiento al azar (*jitter*) en cada paso,
    penalización L2 y un desenfoque suave tras cada paso. Los píxeles se
    mantienen en el rango de las imágenes (``bounds``, en la escala
    normalizada). Devuelve las imágenes (n, 1, 28, 28) y la curva del
    objetivo medio.
    """
    gen = torch.Generator().manual_seed(seed)
    x = (0.01 * torch.randn(n, 1, 28, 28, generator=gen)).requires_grad_(True)
    opt = torch.optim.Adam([x], lr=lr)
    history = []
    for _ in range(steps):
        dy, dx = torch.randint(-jitter, jitter + 1, (2,), generator=gen).tolist()
        shifted = torch.roll(x, shifts=(dy, dx), dims=(2, 3))
        value = objective(shifted)                       # (n,)
        penalty = (x ** 2).mean(dim=(1, 2, 3))           # (n,)
        loss = -(value - l2 * penalty).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            if blur_sigma:
                x.copy_(gaussian_blur(x, blur_sigma))
            x.clamp_(*bounds)
        history.append(value.mean().item())
    return x.detach(), history
# --8<-- [end:maximize]


# --8<-- [start:examples]
@torch.no_grad()
def top_activations(model, x, layer, channel, k=3):
    """Las ``k`` neuronas del canal ``channel`` de ``layer`` (antes de ReLU) que
    más se activan con las imágenes ``x``, cada una de un dígito distinto.

    Devuelve una lista de (valor, índice del dígito, fila, columna), de mayor a
    menor valor.
    """
    upto = channel_objective(model, layer, [channel]).upto
    maps = upto(x)[:, channel]                           # (N, H, W)
    best, where = maps.flatten(1).max(dim=1)             # la mejor neurona de cada dígito
    order = best.argsort(descending=True)[:k]
    width = maps.shape[2]
    return [(best[n].item(), n.item(), *divmod(where[n].item(), width)) for n in order]
# --8<-- [end:examples]
