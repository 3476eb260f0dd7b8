"""Resultados de la página «Lo que imagina SqueezeNet», en la caché de disco.

Visualización de clases, DeepDream y un ejemplo adversario, calculados una
vez (``cnnviz.imagenet.stored``) para las figuras y las frases de la página.
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from .stored import stored
from .style_runs import _network, photo, to_input   # un solo SqueezeNet sin gradiente por proceso

# Visualización de clases: flamenco, tarántula, volcán y piña
CLASSES = (130, 76, 980, 953)
CLASS_SIZE = 160
CLASS_STEPS = 100
CLASS_LR = 0.03
CLASS_L2 = 0.5
JITTER = 8
BLUR_EVERY = 5
BLUR_SIGMA = 0.5

# DeepDream sobre la foto de la gata
DREAM_PHOTO = "chelsea"
DREAM_LAYER = "fire5"
DREAM_SIZE = 227
DREAM_STEPS = 20
DREAM_LR = 0.01

# Ejemplo adversario sobre la taza de café
ADVERSARIAL_PHOTO = "coffee"
EPS = 2                   # niveles de 0 a 255: L∞ ≤ 2/255
ADVERSARIAL_STEPS = 10
SEED = 0


def _compute_classes():
    from .class_viz import visualize_classes

    images, history = visualize_classes(_network(), to_input, CLASSES, size=CLASS_SIZE,
                                        steps=CLASS_STEPS, lr=CLASS_LR, l2=CLASS_L2,
                                        jitter=JITTER, blur_every=BLUR_EVERY,
                                        blur_sigma=BLUR_SIGMA, seed=SEED)
    with torch.no_grad():
        probs = _network()(to_input(images)).softmax(1)          # (N, 1000)
    return {"images": images.numpy(), "history": np.array(history),
            "probs": probs[torch.arange(len(CLASSES)), torch.tensor(CLASSES)].numpy(),
            "top1": probs.argmax(1).numpy()}


@dataclass(frozen=True)
class ClassImages:
    images: np.ndarray        # (N, 3, H, W) RGB de 0 a 1
    probs: np.ndarray         # (N,) probabilidad de la clase buscada en su imagen
    top1: np.ndarray          # (N,) clase más probable de cada imagen
    history: np.ndarray       # (pasos,) puntuación media
    cpu_seconds: float


@lru_cache(maxsize=1)
def class_images():
    a = stored("clases", "visualizacion", _compute_classes)
    return ClassImages(a["images"], a["probs"], a["top1"], a["history"], float(a["cpu_seconds"]))


def _compute_dream():
    from .deepdream import deep_dream

    image = photo(DREAM_PHOTO, DREAM_SIZE)
    dream, history = deep_dream(_network(), to_input, image, DREAM_LAYER, steps=DREAM_STEPS,
                                lr=DREAM_LR, jitter=JITTER, seed=SEED)
    return {"photo": image.numpy(), "dream": dream.numpy(), "history": np.array(history)}


@dataclass(frozen=True)
class Dream:
    photo: np.ndarray         # (3, H, W)
    dream: np.ndarray         # (3, H, W)
    energy: np.ndarray        # (pasos,) media del cuadrado de los mapas de la capa
    cpu_seconds: float


@lru_cache(maxsize=1)
def dream():
    a = stored("clases", "deepdream", _compute_dream)
    return Dream(a["photo"][0], a["dream"][0], a["history"], float(a["cpu_seconds"]))


def _compute_adversarial():
    from .adversarial import adversarial
    from .photos import load_photo
    from .prediction import probabilities
    from .preprocessing import resize_rgb

    # La foto ya a 227×227 en uint8: lo que se ataca es exactamente lo que clasifica la red
    original = np.round(resize_rgb(load_photo(ADVERSARIAL_PHOTO))).astype(np.uint8)
    p_original = probabilities(original, _network()).numpy()
    label = int(p_original.argmax())
    attacked = adversarial(_network(), original, label, eps=EPS, steps=ADVERSARIAL_STEPS)
    p_attacked = probabilities(attacked, _network()).numpy()
    return {"original": original, "attacked": attacked, "p_original": p_original,
            "p_attacked": p_attacked}


@dataclass(frozen=True)
class Adversarial:
    original: np.ndarray      # (227, 227, 3) uint8
    attacked: np.ndarray      # (227, 227, 3) uint8
    p_original: np.ndarray    # (1000,) probabilidades de la foto
    p_attacked: np.ndarray    # (1000,) probabilidades de la foto atacada
    cpu_seconds: float

    @property
    def label(self):
        return int(self.p_original.argmax())

    @property
    def new_label(self):
        return int(self.p_attacked.argmax())

    @property
    def linf(self):
        """Máxima diferencia de un píxel, en niveles de 0 a 255."""
        return int(np.abs(self.attacked.astype(int) - self.original.astype(int)).max())


@lru_cache(maxsize=1)
def adversarial_example():
    a = stored("clases", "adversario", _compute_adversarial)
    return Adversarial(a["original"], a["attacked"], a["p_original"], a["p_attacked"],
                       float(a["cpu_seconds"]))
