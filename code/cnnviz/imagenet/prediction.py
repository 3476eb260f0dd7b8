"""Clasificar una foto con SqueezeNet: las k clases más probables con su nombre en español."""

import functools

import torch

from .classes import class_name
from .model import load_model
from .preprocessing import preprocess


@functools.cache
def shared_model():
    """Un único SqueezeNet por proceso para clasificar (no lo modifiques: usa ``load_model``)."""
    return load_model()


def probabilities(image, model=None):
    """Vector de 1000 probabilidades (softmax de los logits) para una foto RGB ``uint8``."""
    model = model if model is not None else shared_model()
    with torch.no_grad():
        return model(preprocess(image)).softmax(dim=1)[0]


def classify(image, k=5, model=None):
    """Las ``k`` clases más probables: lista de ``(indice, nombre_es, probabilidad)``."""
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= 1000:
        raise ValueError(f"k tiene que ser un entero entre 1 y 1000; llegó {k!r}")
    probs = probabilities(image, model)
    top = probs.topk(k)
    return [(int(i), class_name(int(i)), float(p))
            for i, p in zip(top.indices.tolist(), top.values.tolist())]
