"""Transferencia de estilo y síntesis de texturas (Gatys, Ecker y Bethge, 2016).

La imagen que se optimiza es RGB con valores de 0 a 1, de forma (N, 3, H, W);
``to_input`` la lleva a la entrada de la red. Las pérdidas devuelven un valor
por imagen, (N,): así se optimizan varias imágenes a la vez, cada una con su
peso del estilo, y el resultado de cada una es el mismo que si se optimizara
sola (Adam actualiza cada píxel por separado).

Cada término está normalizado por el tamaño de su objetivo (un error
relativo, sin unidades): vale 0 si la imagen coincide con el objetivo y 1 si
no activa nada, y los pesos de las capas y de los términos se pueden
comparar entre sí.
"""

# --8<-- [start:imports]
from dataclasses import dataclass, field

import torch


def _check_fmap(x, name, min_side=1):
    """Error claro si ``x`` no es un tensor (N, C, H, W) de al menos min_side×min_side."""
    if not isinstance(x, torch.Tensor) or x.dim() != 4:
        shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
        raise ValueError(f"{name} debe ser un tensor (N, C, H, W); llegó {shape}")
    if x.shape[2] < min_side or x.shape[3] < min_side:
        raise ValueError(f"{name} debe medir al menos {min_side}×{min_side}; "
                         f"llegó {tuple(x.shape)}")
# --8<-- [end:imports]


# --8<-- [start:features]
def layer_outputs(net, x, layers):
    """Salidas de los submódulos ``layers`` (nombres) de ``net``, recorridos en orden.

    Sirve para una red cuyo ``forward`` aplica sus submódulos uno tras otro,
    como SqueezeNet (``conv1``, ``relu1``, ``pool1``, ``fire2``…). Devuelve un
    diccionario nombre -> (N, C, H, W) y se detiene en la capa más profunda
    que se pide: las demás no hacen falta.
    """
    names = [name for name, _ in net.named_children()]
    unknown = [layer for layer in layers if layer not in names]
    if unknown or not layers:
        raise ValueError(f"capas desconocidas {unknown or list(layers)}; la red tiene "
                         f"{', '.join(names)}")
    outputs = {}
    for name, module in net.named_children():
        x = module(x)
        if name in layers:
            outputs[name] = x
            if len(outputs) == len(set(layers)):
                break
    return outputs
# --8<-- [end:features]


# --8<-- [start:content]
def content_loss(fmap, target):
    """Error cuadrático de los mapas respecto a los del contenido, relativo: (N,).

    ``fmap``: (N, C, H, W); ``target``: (1, C, H, W) o (N, C, H, W).
    """
    _check_fmap(fmap, "fmap")
    error = ((fmap - target) ** 2).sum(dim=(1, 2, 3))
    return error / (target ** 2).sum(dim=(1, 2, 3))
# --8<-- [end:content]


# --8<-- [start:gram]
def gram_matrix(fmap):
    """Matriz de Gram de cada imagen: (N, C, H, W) -> (N, C, C).

    G[i, j] es la media, sobre las H·W posiciones, del producto de los
    canales i y j: cuánto se activan juntos, sin importar dónde.
    """
    _check_fmap(fmap, "fmap")
    n, c, h, w = fmap.shape
    flat = fmap.reshape(n, c, h * w)                    # (N, C, H·W)
    return flat @ flat.transpose(1, 2) / (h * w)        # (N, C, C)
# --8<-- [end:gram]


# --8<-- [start:style]
def style_loss(grams, targets, weights):
    """Suma ponderada, capa a capa, del error relativo de las matrices de Gram: (N,).

    ``grams`` y ``targets``: diccionarios capa -> (N, C, C) y (1, C, C);
    ``weights``: capa -> peso de esa capa.
    """
    total = 0
    for layer, weight in weights.items():
        error = ((grams[layer] - targets[layer]) ** 2).sum(dim=(1, 2))
        total = total + weight * error / (targets[layer] ** 2).sum(dim=(1, 2))
    return total
# --8<-- [end:style]


# --8<-- [start:tv]
def tv_loss(image):
    """Variación total: media del cuadrado de la diferencia entre vecinos: (N,).

    ``image``: (N, C, H, W). Suma la de vecinos verticales y la de horizontales.
    """
    _check_fmap(image, "image", min_side=2)
    vertical = (image[:, :, 1:, :] - image[:, :, :-1, :]) ** 2     # (N, C, H-1, W)
    horizontal = (image[:, :, :, 1:] - image[:, :, :, :-1]) ** 2   # (N, C, H, W-1)
    return vertical.mean(dim=(1, 2, 3)) + horizontal.mean(dim=(1, 2, 3))
# --8<-- [end:tv]


# --8<-- [start:synthesize]
@dataclass
class StyleHistory:
    """Pérdidas por paso de cada imagen: listas de arrays (N,)."""
    content: list = field(default_factory=list)
    style: list = field(default_factory=list)
    tv: list = field(default_factory=list)
    total: list = field(default_factory=list)


def synthesize(net, to_input, start, style_image, style_weights, content_image=None,
               content_layer=None, content_weight=1.0, style_weight=1.0, tv_weight=0.0,
               steps=100, lr=0.02):
    """Optimiza la imagen ``start`` (N, 3, H, W) con Adam; devuelve (imágenes, historia).

    Minimiza, para cada imagen n,
    ``content_weight · L_contenido + style_weight[n] · L_estilo + tv_weight · L_TV``.
    ``style_weight`` es un número o un tensor (N,). Sin ``content_image`` es una
    síntesis de textura: solo cuentan el estilo y la variación total.
    ``to_input`` lleva la imagen RGB de 0 a 1 a la entrada de la red; las capas
    se nombran como los submódulos de ``net`` (ver ``layer_outputs``).
    """
    style_layers = sorted(style_weights)
    layers = style_layers + ([content_layer] if content_image is not None else [])
    with torch.no_grad():
        style_maps = layer_outputs(net, to_input(style_image), layers)
        targets = {k: gram_matrix(style_maps[k]) for k in style_layers}
        if content_image is not None:
            content_target = layer_outputs(net, to_input(content_image),
                                           [content_layer])[content_layer]
    beta = torch.as_tensor(style_weight, dtype=start.dtype)
    image = start.clone().requires_grad_(True)
    optimizer = torch.optim.Adam([image], lr=lr)
    history = StyleHistory()
    for _ in range(steps):
        maps = layer_outputs(net, to_input(image), layers)
        l_style = style_loss({k: gram_matrix(maps[k]) for k in style_layers}, targets,
                             style_weights)
        l_content = (content_loss(maps[content_layer], content_target)
                     if content_image is not None else torch.zeros_like(l_style))
        l_tv = tv_loss(image)
        total = content_weight * l_content + beta * l_style + tv_weight * l_tv   # (N,)
        optimizer.zero_grad()
        total.sum().backward()
        optimizer.step()
        with torch.no_grad():
            image.clamp_(0, 1)                   # sigue siendo una imagen válida
        for name, value in (("content", l_content), ("style", l_style), ("tv", l_tv),
                            ("total", total)):
            getattr(history, name).append(value.detach().numpy().copy())
    return image.detach(), history
# --8<-- [end:synthesize]
