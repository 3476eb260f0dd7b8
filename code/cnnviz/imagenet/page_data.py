"""Lo que calculan a la vez las figuras y las frases de la página de SqueezeNet.

Cada función se calcula una vez por proceso; las figuras y los datos de la
página (``cnnviz.site.facts_squeezenet``) leen los mismos valores.
"""

import functools

import numpy as np
import torch

from .attribution import cascade, grad_cam, integrated_gradients, saliency
from .photos import PHOTOS, load_photo, side_by_side
from .prediction import classify, shared_model
from .preprocessing import preprocess

TOP5_PHOTOS = ("coffee", "chelsea", "motorcycle_right", "camera", "astronaut", "rocket")
MAP_PHOTO = "chelsea"
MAP_STAGES = ("conv1", "fire3", "fire5", "fire9")
MAPS_PER_STAGE = 3
PAIR = ("chelsea", "coffee")             # gata a la izquierda, café a la derecha
PAIR_CLASSES = (285, 967)                # gato egipcio, café expreso
ATTRIBUTION_PHOTOS = ("coffee", "chelsea", "motorcycle_right")
SANITY_PHOTO = "chelsea"
SANITY_DEPTH = 3


@functools.cache
def top5():
    """{foto: [(índice, nombre, probabilidad)…]} de las fotos de la tabla."""
    return {name: classify(load_photo(name), k=5) for name in TOP5_PHOTOS}


def top1_matches(name):
    """¿Está la clase más probable entre las que describen la foto? (None si ninguna lo hace)."""
    expected = PHOTOS[name].expected
    return None if expected is None else top5()[name][0][0] in expected


@functools.cache
def stage_maps():
    """{etapa: (mapas (C, H, W), canales elegidos)} de la foto de los mapas.

    Se eligen los ``MAPS_PER_STAGE`` canales con mayor activación media.
    """
    model = shared_model()
    x = preprocess(load_photo(MAP_PHOTO))
    out = {}
    with torch.no_grad():
        for name, module in model.named_children():
            x = module(x)
            if name in MAP_STAGES:
                maps = x[0].numpy()
                chosen = np.argsort(-maps.mean(axis=(1, 2)), kind="stable")[:MAPS_PER_STAGE]
                out[name] = (maps, chosen)
    return out


@functools.cache
def pair_gradcam():
    """Grad-CAM de las dos clases en la foto doble: (imagen, {clase: mapa 227×227}, corte)."""
    image = side_by_side(*PAIR)
    x = preprocess(image)
    left_width = load_photo(PAIR[0]).shape[1] * image.shape[0] / load_photo(PAIR[0]).shape[0]
    cut = left_width / image.shape[1]                  # fracción del ancho de la foto izquierda
    maps = {c: grad_cam(shared_model(), x, c, size=x.shape[2:]).numpy() for c in PAIR_CLASSES}
    return image, maps, cut


def left_share(cam, cut):
    """Fracción de la suma del mapa que cae en la parte izquierda (antes de ``cut``)."""
    column = int(round(cut * cam.shape[1]))
    return float(cam[:, :column].sum() / cam.sum())


@functools.cache
def attributions():
    """{foto: (clase, saliencia, gradientes integrados |·| sumados en canales, Grad-CAM)}."""
    model = shared_model()
    out = {}
    for name in ATTRIBUTION_PHOTOS:
        x = preprocess(load_photo(name))
        target = top5()[name][0][0] if name in top5() else classify(load_photo(name), 1)[0][0]
        ig = integrated_gradients(model, x, target)[0].abs().sum(dim=0).numpy()
        out[name] = (target, saliency(model, x, target).numpy(), ig,
                     grad_cam(model, x, target, size=x.shape[2:]).numpy())
    return out


@functools.cache
def sanity():
    """Prueba de aleatorización en cascada con la foto de la gata.

    Devuelve (clase, [(capas al azar, saliencia, Grad-CAM, ρ saliencia, ρ Grad-CAM)…]),
    el primero con la red entrenada (ρ = 1).
    """
    from ..features.sanity import rank_correlation

    model = shared_model()
    x = preprocess(load_photo(SANITY_PHOTO))
    target = classify(load_photo(SANITY_PHOTO), 1)[0][0]
    ref_s = saliency(model, x, target).numpy()
    ref_c = grad_cam(model, x, target, size=x.shape[2:]).numpy()
    rows = [((), ref_s, ref_c, 1.0, 1.0)]
    for stages, random_model in cascade(model, SANITY_DEPTH):
        s = saliency(random_model, x, target).numpy()
        c = grad_cam(random_model, x, target, size=x.shape[2:]).numpy()
        # Un mapa constante (p. ej. todo ceros) no tiene rangos: ρ indefinida, se cuenta como 0
        rho_s, rho_c = (float(np.nan_to_num(rank_correlation(ref[None], m[None])[0], nan=0.0))
                        for ref, m in ((ref_s, s), (ref_c, c)))
        rows.append((stages, s, c, rho_s, rho_c))
    return target, rows


@functools.cache
def channel_examples():
    """[(etapa, canal, imagen sintética, [(activación, foto, recorte, parche)…])…]."""
    from .dataset_examples import maximize_channels, top_patches

    rows = []
    for stage, channels in top_patches().items():
        synthetic, _ = maximize_channels(stage, [c for c, _ in channels])
        rows += [(stage, c, s, patches) for (c, patches), s in zip(channels, synthetic)]
    return rows
