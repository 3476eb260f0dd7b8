"""Ejemplos adversarios (Szegedy et al. 2014; Goodfellow et al. 2015).

Un cambio de la foto tan pequeño que no se ve, pero elegido con el gradiente
de la red, cambia su clase. Aquí, el método iterativo del signo del gradiente
(Kurakin et al., 2017) sobre la foto en enteros de 0 a 255: cada paso mueve
cada píxel un nivel, y ninguno se aleja más de ``eps`` niveles del original
(L∞ ≤ eps/255). El resultado sigue siendo una foto ``uint8`` válida.
"""

# --8<-- [start:attack]
import numpy as np
import torch
import torch.nn.functional as F

from cnnviz.imagenet.preprocessing import MEAN_BGR, check_image


def caffe_input(rgb):
    """(H, W, 3) RGB de 0 a 255 (tensor) -> (1, 3, H, W) BGR menos la media."""
    bgr = rgb.flip(2) - torch.tensor(MEAN_BGR, dtype=rgb.dtype)
    return bgr.permute(2, 0, 1)[None]


def adversarial(model, image, label, eps=2, steps=10):
    """Foto ``uint8`` a ≤ ``eps`` niveles de ``image`` que la red ya no clasifica como ``label``.

    ``image``: H×W×3 ``uint8`` del tamaño de entrada de la red. Para en cuanto
    la clase más probable deja de ser ``label``; si no lo logra en ``steps``
    pasos, lanza un error.
    """
    original = torch.tensor(check_image(image), dtype=torch.float32)
    x = original.clone()
    target = torch.tensor([label])
    for _ in range(steps):
        x.requires_grad_(True)
        logits = model(caffe_input(x))
        if logits.argmax(1).item() != label:
            return x.detach().numpy().astype(np.uint8)
        (grad,) = torch.autograd.grad(F.cross_entropy(logits, target), x)
        with torch.no_grad():   # un nivel en la dirección que más sube la pérdida
            x = original + (x + grad.sign() - original).clamp(-eps, eps)
            x = x.clamp(0, 255)
    with torch.no_grad():
        if model(caffe_input(x)).argmax(1).item() != label:
            return x.numpy().astype(np.uint8)
    raise RuntimeError(f"en {steps} pasos con L∞ ≤ {eps}/255 la clase sigue siendo {label}")
# --8<-- [end:attack]
