"""Grad-CAM (Selvaraju et al., 2017) sobre la última capa convolucional."""

import torch
import torch.nn.functional as F

from .layers import as_sequential, check_digits, check_targets

# --8<-- [start:grad_cam]
def grad_cam(model, x, target, layer="relu2", upsample=True):
    """Mapa de Grad-CAM de ``target`` en la salida de ``layer`` (conv2 + ReLU).

    Cada canal k de esa capa, A_k, pesa la media de su gradiente, α_k; el
    mapa es ReLU(Σ_k α_k A_k), de 14×14. Con ``upsample`` se amplía a 28×28
    por interpolación bilineal, para ponerlo sobre la imagen.
    """
    check_digits(x)
    target = check_targets(target, len(x))
    layers = as_sequential(model)
    names = [name for name, _ in layers.named_children()]
    if layer not in names:
        raise ValueError(f"capa desconocida «{layer}»; las hay: {names}")
    cut = names.index(layer) + 1
    acts = layers[:cut](x).detach().requires_grad_(True)   # A: (N, 32, 14, 14)
    scores = layers[cut:](acts)                            # (N, 10)
    picked = scores.gather(1, target[:, None]).sum()
    (grad,) = torch.autograd.grad(picked, acts)
    alpha = grad.mean(dim=(2, 3), keepdim=True)            # (N, 32, 1, 1)
    cam = F.relu((alpha * acts).sum(dim=1, keepdim=True))  # (N, 1, 14, 14)
    if upsample:
        cam = F.interpolate(cam, size=x.shape[2:], mode="bilinear",
                            align_corners=False)
    return cam.detach()
# --8<-- [end:grad_cam]
