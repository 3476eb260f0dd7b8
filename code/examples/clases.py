"""Ejemplos de la página «Lo que imagina SqueezeNet», en el orden de la página.

Cada bloque de la página muestra el método (incluido desde su módulo de
``cnnviz.imagenet``) y luego esta sección, que lo usa. Las pruebas ejecutan
los bloques de la página en orden, tal como se ven, desde el paquete instalado.
"""

# --8<-- [start:setup]
import numpy as np
import torch

from cnnviz.imagenet import class_name, classify, load_model, load_photo
from cnnviz.imagenet.preprocessing import resize_rgb
from cnnviz.imagenet.style_runs import photo, to_input   # foto (1, 3, n, n) de 0 a 1 y su entrada
from cnnviz.spanish import number

model = load_model()
for p in model.parameters():          # solo se deriva respecto a la imagen
    p.requires_grad_(False)
# --8<-- [end:setup]

# --8<-- [start:classes]
images, history = visualize_classes(model, to_input, [130], size=96, steps=30)
with torch.no_grad():
    probs = model(to_input(images)).softmax(1)[0]
print(f"puntuación de «{class_name(130)}»: {number(history[0], 1)} al empezar, "
      f"{number(history[-1], 1)} tras 30 pasos")
print(f"probabilidad: {number(probs[130].item(), 3)}")
# --8<-- [end:classes]

# --8<-- [start:dream]
cat = photo("chelsea", 96)
dream, energy = deep_dream(model, to_input, cat, "fire5", steps=5)
print(f"energía de fire5: {number(energy[0], 0)} -> {number(energy[-1], 0)}")
print("cambio máximo de un píxel:", number((dream - cat).abs().max().item(), 2))
# --8<-- [end:dream]

# --8<-- [start:adversarial]
coffee = np.round(resize_rgb(load_photo("coffee"))).astype(np.uint8)   # 227×227×3
label = classify(coffee, k=1)[0][0]
attacked = adversarial(model, coffee, label, eps=2)
print("diferencia máxima:", np.abs(attacked.astype(int) - coffee.astype(int)).max(), "niveles")
for name, image in (("original", coffee), ("atacada", attacked)):
    index, title, p = classify(image, k=1)[0]
    print(f"{name:9} {title} ({number(p, 3)})")
# --8<-- [end:adversarial]
