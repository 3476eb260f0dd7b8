"""Atribución en SqueezeNet: saliencia, Grad-CAM, gradientes integrados y la prueba de cordura.

Son los mismos métodos de ``cnnviz.features`` (escritos allí para las imágenes
de 1×28×28 de DigitCNN), para entradas de 3×227×227 y un modelo cualquiera
cuyos submódulos estén en el orden de ``forward``.
"""

import copy

import torch
import torch.nn as nn
import torch.nn.functional as F

from .preprocessing import MEAN_BGR

GRADCAM_STAGE = "fire9"        # última etapa convolucional antes de las clases (13×13)
IG_STEPS = 24
# Etapas que se reinician al azar en la prueba de cordura, de la salida a la entrada
CASCADE_ORDER = ("conv10", "fire9", "fire8", "fire7", "fire6", "fire5", "fire4", "fire3",
                 "fire2", "conv1")


def saliency(model, x, target):
    """|∂ puntuación / ∂ píxel|, máximo sobre los tres canales: (H, W)."""
    x = x.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(model(x)[0, target], x)
    return grad[0].abs().amax(dim=0)


def _split(model, stage):
    children = list(model.named_children())
    names = [n for n, _ in children]
    if stage not in names:
        raise ValueError(f"SqueezeNet no tiene la etapa «{stage}»; las hay: {names}")
    cut = names.index(stage) + 1
    return nn.Sequential(*[m for _, m in children[:cut]]), nn.Sequential(*[m for _, m in children[cut:]])


def grad_cam(model, x, target, stage=GRADCAM_STAGE, size=None):
    """Grad-CAM de ``target`` en la salida de ``stage``: ReLU(Σ_k α_k A_k), ampliado a ``size``."""
    head, tail = _split(model, stage)
    acts = head(x).detach().requires_grad_(True)
    score = tail(acts).flatten(1)[0, target]
    (grad,) = torch.autograd.grad(score, acts)
    alpha = grad.mean(dim=(2, 3), keepdim=True)
    cam = F.relu((alpha * acts).sum(dim=1, keepdim=True))
    if size:
        cam = F.interpolate(cam, size=size, mode="bilinear", align_corners=False)
    return cam[0, 0].detach()


def black_baseline(x):
    """La imagen negra en la escala de la red: 0 − media de cada canal."""
    return -torch.tensor(MEAN_BGR, dtype=x.dtype).view(1, 3, 1, 1).expand_as(x)


def integrated_gradients(model, x, target, baseline=None, steps=IG_STEPS):
    """(x − base) · gradiente medio en el camino recto (regla del punto medio): (1, 3, H, W).

    Con una red cuyo gradiente se calcula por lotes, los ``steps`` puntos van juntos.
    """
    baseline = black_baseline(x) if baseline is None else baseline
    alphas = (torch.arange(steps, dtype=x.dtype) + 0.5) / steps
    path = (baseline + alphas.view(-1, 1, 1, 1) * (x - baseline)).requires_grad_(True)
    (grad,) = torch.autograd.grad(model(path)[:, target].sum(), path)
    return (x - baseline) * grad.mean(dim=0, keepdim=True)


def randomize(model, stages, seed=0):
    """Copia de ``model`` con las convoluciones de ``stages`` reiniciadas al azar."""
    torch.manual_seed(seed)
    random_model = copy.deepcopy(model)
    for stage in stages:
        for module in getattr(random_model, stage).modules():
            if isinstance(module, nn.Conv2d):
                module.reset_parameters()
    return random_model.eval()


def cascade(model, depth, seed=0):
    """Las ``depth`` redes de la cascada: conv10 al azar; conv10 y fire9;…"""
    return [(CASCADE_ORDER[:k], randomize(model, CASCADE_ORDER[:k], seed))
            for k in range(1, depth + 1)]
