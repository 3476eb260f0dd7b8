"""Ejemplos de la página «Visualización de características», en el orden de la página.

En la página, cada bloque muestra primero el método (incluido desde su módulo
de ``cnnviz.features``) y luego esta sección, que lo usa. No es un programa
aparte: las pruebas ejecutan los bloques de la página en orden, tal como se
ven, desde el paquete instalado.
"""

# --8<-- [start:setup]
import copy
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from scipy.stats import spearmanr

from cnnviz.data import load_mnist_split
from cnnviz.spanish import number, percent   # 0,98 y 98,0 %, con coma decimal
from cnnviz.training import trained_model

model, meta = trained_model()     # la CNN que entrena la construcción del sitio
for p in model.parameters():      # solo derivaremos respecto a la imagen
    p.requires_grad_(False)
split = load_mnist_split()
x, y = split.x_test[:4], split.y_test[:4]          # (4, 1, 28, 28), (4,)
background = (0 - split.mean) / split.std          # un píxel negro, normalizado
print(f"exactitud en prueba: {percent(meta['accuracy'])}")
print("clases reales:   ", y.tolist())
print("clases predichas:", model(x).argmax(1).tolist())
# --8<-- [end:setup]

# --8<-- [start:activations]
maps = activation_maps(model, x)
for name, fmaps in maps.items():
    zeros = (fmaps == 0).float().mean().item()
    print(f"{name:6} {tuple(fmaps.shape)}  valores a cero: {percent(zeros, 0)}")
# --8<-- [end:activations]

# --8<-- [start:embedding]
with torch.no_grad():
    features = model.features(split.x_test[:300]).numpy()    # (300, 1568)
labels = split.y_test[:300].numpy()
for method in ("pca", "tsne"):
    points = embed_2d(features, method)                        # (300, 2)
    # ¿Es de la misma clase el punto más cercano de cada punto en el plano?
    dist = ((points[:, None] - points[None]) ** 2).sum(-1)
    np.fill_diagonal(dist, np.inf)
    same = (labels[dist.argmin(1)] == labels).mean()
    print(f"{method:4}: el vecino más cercano es de la misma clase el {percent(same, 0)} de las veces")
# --8<-- [end:embedding]

# --8<-- [start:occlusion]
scores = occlusion_scores(model, x[:1], y[:1], patch=8, stride=1, baseline=background)
print("mapa de puntuaciones:", tuple(scores.shape))      # (1, 21, 21)
print(f"puntuación de «{y[0].item()}» sin parche: {number(model(x[:1])[0, y[0]].item(), 1)}")
worst = scores[0].argmin().item()
row, col = divmod(worst, scores.shape[2])
print(f"con el peor parche (esquina en fila {row}, columna {col}): "
      f"{number(scores[0].min().item(), 1)}")
# --8<-- [end:occlusion]

# --8<-- [start:saliency]
from captum.attr import GuidedBackprop, Saliency

grad = saliency(model, x, y)                       # (4, 1, 28, 28)
reference = Saliency(model).attribute(x, target=y)   # captum devuelve |gradiente|
print("saliencia, diferencia máxima con captum:", (grad.abs() - reference).abs().max().item())
guided = guided_backprop(model, x, y)
reference = GuidedBackprop(as_sequential(model)).attribute(x, target=y)
print("retropropagación guiada, diferencia máxima con captum:", (guided - reference).abs().max().item())
# --8<-- [end:saliency]

# --8<-- [start:actmax]
objective = class_objective(model, range(10))
start = objective(torch.zeros(10, 1, 28, 28))
images, history = maximize(objective, 10)          # (10, 1, 28, 28)
print(f"puntuación media al empezar: {number(start.mean().item(), 2)}")
print(f"puntuación media al terminar: {number(history[-1], 2)}")
print("clase predicha para cada imagen:", model(images).argmax(1).tolist())
# --8<-- [end:actmax]
