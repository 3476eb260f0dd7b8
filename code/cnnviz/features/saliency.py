"""Mapas de saliencia: gradiente de la puntuación de una clase respecto a los píxeles."""

import torch
import torch.nn as nn

from .layers import as_sequential, check_digits, check_targets


# --8<-- [start:saliency]
def saliency(model, x, target):
    """Gradiente de la puntuación de la clase ``target`` respecto a ``x``.

    ``x``: (N, 1, 28, 28); ``target``: (N,) o un entero. Devuelve (N, 1, 28, 28)
    con signo; el mapa de saliencia habitual es su valor absoluto.
    """
    check_digits(x)
    target = check_targets(target, len(x))
    x = x.detach().clone().requires_grad_(True)
    scores = model(x)                                   # (N, 10)
    # Cada imagen solo influye en su puntuación: sumar da los N gradientes a la vez
    picked = scores.gather(1, target[:, None]).sum()
    (grad,) = torch.autograd.grad(picked, x)            # (N, 1, 28, 28)
    return grad
# --8<-- [end:saliency]


# --8<-- [start:guided]
class GuidedReLUFunction(torch.autograd.Function):
    """ReLU normal hacia delante; hacia atrás solo deja pasar gradiente positivo."""

    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clamp(min=0)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        # ReLU normal: grad_output * (x > 0). Guiada: además, grad_output > 0
        return grad_output * (x > 0) * (grad_output > 0)


class GuidedReLU(nn.Module):
    def forward(self, x):
        return GuidedReLUFunction.apply(x)


def guided_backprop(model, x, target):
    """*Guided backpropagation*: la saliencia con ReLU guiadas (N, 1, 28, 28)."""
    return saliency(as_sequential(model, relu=GuidedReLU), x, target)
# --8<-- [end:guided]
