"""Ejemplos de la página «Transferencia de estilo», en el orden de la página.

En la página, cada bloque muestra primero el código de ``cnnviz.imagenet.style``
y luego esta sección, que lo usa. Las pruebas ejecutan los bloques de la
página en orden, tal como se ven, desde el paquete instalado.
"""

# --8<-- [start:setup]
import numpy as np
import torch

from cnnviz.imagenet import load_model
from cnnviz.imagenet.preprocessing import MEAN_BGR
from cnnviz.imagenet.style_runs import photo      # foto de scikit-image, (1, 3, n, n) de 0 a 1
from cnnviz.spanish import number

torch.manual_seed(0)
model = load_model()
for p in model.parameters():          # solo se deriva respecto a la imagen
    p.requires_grad_(False)
print("capas:", ", ".join(name for name, _ in model.named_children()))
# --8<-- [end:setup]


# --8<-- [start:losses]
cat = photo("chelsea", 128)
tissue = photo("immunohistochemistry", 128)
maps = layer_outputs(model, to_input(cat), ["fire2", "fire3"])
for name, fmap in maps.items():
    print(f"{name}: mapas {tuple(fmap.shape)} -> Gram {tuple(gram_matrix(fmap).shape)}")

# La misma matriz de Gram con NumPy: F Fᵀ / (H·W)
f = maps["fire3"][0].reshape(maps["fire3"].shape[1], -1).numpy().astype(np.float64)
diff = np.abs(gram_matrix(maps["fire3"])[0].numpy() - f @ f.T / f.shape[1]).max()
print("diferencia relativa máxima con NumPy:", number(diff / np.abs(f @ f.T / f.shape[1]).max(), 7))

targets = {"fire3": gram_matrix(layer_outputs(model, to_input(tissue), ["fire3"])["fire3"])}
print("pérdida de estilo, la gata frente a la tinción:",
      number(style_loss({"fire3": gram_matrix(maps["fire3"])}, targets, {"fire3": 1.0}).item(), 3))
print("pérdida de contenido de la gata consigo misma:",
      number(content_loss(maps["fire2"], maps["fire2"]).item(), 3))
print("variación total: gata", number(tv_loss(cat).item(), 4),
      "| ruido", number(tv_loss(torch.rand(1, 3, 128, 128)).item(), 4))
# --8<-- [end:losses]

# --8<-- [start:synthesis]
content, style = photo("chelsea", 64), photo("immunohistochemistry", 64)
image, history = synthesize(model, to_input, content, style, {"relu1": 1.0, "fire3": 1.0},
                            content_image=content, content_layer="fire2",
                            style_weight=10.0, tv_weight=10.0, steps=30, lr=0.03)
print("imagen:", tuple(image.shape), "entre", number(image.min().item(), 2),
      "y", number(image.max().item(), 2))
for name in ("content", "style", "tv"):
    losses = getattr(history, name)
    print(f"{name:8} paso 1: {number(losses[0][0], 3):>6}   paso 30: {number(losses[-1][0], 3):>6}")
# --8<-- [end:synthesis]
