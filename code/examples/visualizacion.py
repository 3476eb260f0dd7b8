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
from cnnviz.spanish import number, percent, scientific   # 0,98, 98,0 % y 1,2·10⁻⁷
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
from scipy.spatial.distance import cdist
from sklearn.decomposition import PCA

with torch.no_grad():   # los 1000 dígitos de la figura, de 500 en 500 como ella
    features = torch.cat([model.features(split.x_test[i:i + 500])
                          for i in range(0, 1000, 500)]).numpy()   # (1000, 1568)
labels = split.y_test.numpy()


def nearest_same(points):
    """Fracción de puntos cuyo vecino más cercano es de su misma clase."""
    dist = cdist(points, points, "sqeuclidean")
    np.fill_diagonal(dist, np.inf)
    return (labels[dist.argmin(1)] == labels).mean()


kept = PCA(n_components=50).fit(features.astype(np.float64)).explained_variance_ratio_
print(f"varianza que conservan 2 componentes: {percent(kept[:2].sum(), 0)}; "
      f"las 50 que recibe t-SNE: {percent(kept.sum(), 0)}")
spaces = {"píxeles (784)": split.x_test.flatten(1).numpy(),   # referencia, sin la red
          "vector (1568)": features,
          "PCA (2)": embed_2d(features, "pca"),
          "t-SNE (2)": embed_2d(features, "tsne")}
for name, points in spaces.items():
    print(f"{name:14} vecino más cercano de la misma clase: {percent(nearest_same(points), 0)}")
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
print("saliencia, diferencia máxima con captum:",
      scientific((grad.abs() - reference).abs().max().item(), 1))
guided = guided_backprop(model, x, y)
reference = GuidedBackprop(as_sequential(model)).attribute(x, target=y)
print("retropropagación guiada, diferencia máxima con captum:",
      scientific((guided - reference).abs().max().item(), 1))
# --8<-- [end:saliency]

# --8<-- [start:actmax]
objective = class_objective(model, range(10))
start = objective(torch.zeros(10, 1, 28, 28))
images, history = maximize(objective, 10)          # (10, 1, 28, 28)
print(f"puntuación media al empezar: {number(start.mean().item(), 2)}")
print(f"puntuación media al terminar: {number(history[-1], 2)}")
print("clase predicha para cada imagen:", model(images).argmax(1).tolist())
# --8<-- [end:actmax]

# --8<-- [start:actmax_channels]
channels = range(16)
mean_objective = channel_objective(model, "conv2", channels)
centre_objective = neuron_objective(model, "conv2", channels)
with torch.no_grad():   # lo mismo con los 1000 dígitos de prueba, antes de ReLU
    real = mean_objective.upto(split.x_test)[:, :16]        # (1000, 16, 14, 14)
best_real = {"media del mapa": real.mean(dim=(2, 3)).amax(0),
             "neurona central": real[:, :, 7, 7].amax(0)}
white = (1 - split.mean) / split.std
for name, objective in (("media del mapa", mean_objective),
                        ("neurona central", centre_objective)):
    images, _ = maximize(objective, 16, l2=0.1, bounds=(background, white))
    with torch.no_grad():
        beaten = (objective(images) > best_real[name]).sum().item()
    print(f"{name + ':':16} la imagen sintética supera al mejor dígito real en {beaten} de 16 canales")
value, n, i, j = top_activations(model, split.x_test, "conv2", 0)[0]
print(f"canal 0: lo activa más un {split.y_test[n].item()} (dígito de prueba n.º {n}), "
      f"{number(value, 1)} en la neurona ({i}, {j})")
# --8<-- [end:actmax_channels]
