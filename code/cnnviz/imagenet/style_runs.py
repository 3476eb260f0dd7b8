"""Los resultados de la página «Transferencia de estilo», calculados una vez y guardados en disco.

Las figuras y las frases de la página salen de estas funciones. Cada
optimización cuesta segundos de CPU y la construcción dibuja cada figura en
cuatro variantes y en procesos distintos: el resultado se guarda en la caché
(``<caché>/estilo/<nombre>/<clave>/resultado.npz``) con una clave que sale de
su código y de las versiones de las bibliotecas (``cnnviz.imagenet.stored``).

Todo se calcula con un solo hilo de PyTorch y semillas fijas: dos
construcciones dan los mismos píxeles.
"""

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from .preprocessing import MEAN_BGR
from .stored import stored
from .style import synthesize

# Capas de SqueezeNet y sus pesos: las mismas que la práctica de cs231n
CONTENT_LAYER = "fire2"
STYLE_LAYERS = {"relu1": 1.0, "fire3": 1.0, "fire4": 1.0, "fire5": 1.0}

# Imágenes de scikit-image: foto del contenido, imagen del estilo y textura
CONTENT_PHOTO = "chelsea"
STYLE_PHOTO = "immunohistochemistry"
TEXTURE_PHOTO = "immunohistochemistry"

# Tamaños y pasos, elegidos para que todo quepa en unos segundos de CPU
TEXTURE_SIZE = 128
TEXTURE_STEPS = 250
TEXTURE_LR = 0.1
TEXTURE_TV_WEIGHT = 10.0
TRANSFER_SIZE = 160
TRANSFER_STEPS = 150
TRANSFER_LR = 0.03
CONTENT_WEIGHT = 1.0
TV_WEIGHT = 10.0
STYLE_WEIGHTS = (0.1, 1.0, 10.0, 100.0)   # la rejilla; la transferencia principal es MAIN
MAIN = 2
SEED = 0


# --8<-- [start:to_input]
def to_input(image):
    """RGB de 0 a 1, (N, 3, H, W) -> entrada de SqueezeNet: BGR de 0 a 255 menos la media."""
    mean = torch.tensor(MEAN_BGR, dtype=image.dtype).view(1, 3, 1, 1)
    return image.flip(1) * 255 - mean                 # flip(1): RGB -> BGR
# --8<-- [end:to_input]


def photo(name, size):
    """Foto de scikit-image en color: el cuadrado central reducido a size×size, (1, 3, size, size) de 0 a 1."""
    import skimage.data
    from skimage.transform import resize

    image = getattr(skimage.data, name)()
    if image.ndim != 3 or image.shape[2] != 3:
        raise ValueError(f"la foto «{name}» no es RGB: forma {image.shape}")
    h, w = image.shape[:2]
    s = min(h, w)
    top, left = (h - s) // 2, (w - s) // 2
    image = resize(image[top:top + s, left:left + s] / 255.0, (size, size),
                   anti_aliasing=True, order=1)
    return torch.tensor(image, dtype=torch.float32).permute(2, 0, 1)[None].contiguous()


@lru_cache(maxsize=1)
def _network():
    from .model import load_model

    model = load_model()
    for p in model.parameters():
        p.requires_grad_(False)      # solo se deriva respecto a la imagen
    return model


def _stored(name, compute):
    return stored("estilo", name, compute)


def _history_arrays(history):
    return {f"loss_{k}": np.stack(getattr(history, k)) for k in ("content", "style", "tv", "total")}


# --- Síntesis de textura ----------------------------------------------------------

def _compute_texture():
    texture = photo(TEXTURE_PHOTO, TEXTURE_SIZE)
    gen = torch.Generator().manual_seed(SEED)
    start = torch.rand(1, 3, TEXTURE_SIZE, TEXTURE_SIZE, generator=gen)
    image, history = synthesize(_network(), to_input, start, texture, STYLE_LAYERS,
                                tv_weight=TEXTURE_TV_WEIGHT, steps=TEXTURE_STEPS, lr=TEXTURE_LR)
    return {"texture": texture.numpy(), "start": start.numpy(), "image": image.numpy(),
            **_history_arrays(history)}


@dataclass(frozen=True)
class Result:
    images: np.ndarray        # (N, 3, H, W) RGB de 0 a 1
    losses: dict              # "content", "style", "tv", "total" -> (pasos, N)
    cpu_seconds: float
    inputs: dict              # imágenes de partida: nombre -> (3, H, W)


def _result(arrays, inputs):
    return Result(arrays["image"], {k: arrays[f"loss_{k}"] for k in
                                    ("content", "style", "tv", "total")},
                  float(arrays["cpu_seconds"]), {k: arrays[k][0] for k in inputs})


@lru_cache(maxsize=1)
def texture():
    """Textura sintetizada desde ruido con el estilo de ``TEXTURE_PHOTO``."""
    return _result(_stored("textura", _compute_texture), ("texture", "start"))


# --- Transferencia de estilo con varios pesos del estilo ---------------------------

def _compute_transfer():
    content = photo(CONTENT_PHOTO, TRANSFER_SIZE)
    style = photo(STYLE_PHOTO, TRANSFER_SIZE)
    weights = torch.tensor(STYLE_WEIGHTS)
    images, history = synthesize(_network(), to_input, content.repeat(len(weights), 1, 1, 1),
                                 style, STYLE_LAYERS, content_image=content,
                                 content_layer=CONTENT_LAYER, content_weight=CONTENT_WEIGHT,
                                 style_weight=weights, tv_weight=TV_WEIGHT,
                                 steps=TRANSFER_STEPS, lr=TRANSFER_LR)
    return {"content": content.numpy(), "style": style.numpy(), "image": images.numpy(),
            **_history_arrays(history)}


@lru_cache(maxsize=1)
def transfer():
    """La foto del contenido con el estilo de ``STYLE_PHOTO``, un resultado por peso del estilo."""
    return _result(_stored("transferencia", _compute_transfer), ("content", "style"))


# --- Lo que ve SqueezeNet en el resultado --------------------------------------------

def as_uint8(image):
    """(3, H, W) RGB de 0 a 1 -> H×W×3 ``uint8``, la foto que recibe ``classify``."""
    return np.round(np.clip(image, 0, 1).transpose(1, 2, 0) * 255).astype(np.uint8)


@lru_cache(maxsize=1)
def cat_probabilities():
    """Probabilidad total de las clases de gato (281–285) en la foto y en cada resultado: (1 + N,)."""
    from .photos import CATS
    from .prediction import probabilities

    result = transfer()
    images = [result.inputs["content"], *result.images]
    cats = sorted(CATS)
    return np.array([float(probabilities(as_uint8(image))[cats].sum()) for image in images])
