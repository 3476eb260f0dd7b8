"""Una CNN de verdad: SqueezeNet 1.1 entrenada en ImageNet, sobre fotos.

API::

    from cnnviz.imagenet import load_model, preprocess, classify
    model = load_model()                 # nn.Module en modo evaluación
    x = preprocess(foto_rgb_uint8)       # (1, 3, 227, 227), BGR, 0–255 menos la media
    classify(foto_rgb_uint8, k=5)        # [(indice, nombre_es, probabilidad), …]
"""

from .classes import class_name, class_names
from .model import SqueezeNet, load_model
from .photos import PHOTOS, load_photo
from .prediction import classify, probabilities, shared_model
from .preprocessing import deprocess, preprocess

__all__ = ["load_model", "preprocess", "deprocess", "classify", "probabilities", "shared_model",
           "class_name", "class_names", "SqueezeNet", "PHOTOS", "load_photo"]
