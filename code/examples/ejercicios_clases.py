"""Soluciones de los ejercicios de «Lo que imagina SqueezeNet».

Cada sección se puede ejecutar sola (trae sus importaciones); la página las
muestra en las soluciones y las pruebas comprueban lo que dice el texto.
"""

# --8<-- [start:sin_regularizar]
from cnnviz.imagenet import load_model
from cnnviz.imagenet.class_viz import visualize_classes
from cnnviz.imagenet.style import tv_loss
from cnnviz.imagenet.style_runs import to_input
from cnnviz.spanish import number

model = load_model()
for p in model.parameters():
    p.requires_grad_(False)
plain, _ = visualize_classes(model, to_input, [130], size=96, steps=30,
                             jitter=0, blur_every=0, l2=0.0)          # sin regularización
regular, _ = visualize_classes(model, to_input, [130], size=96, steps=30)
print("variación total sin regularizar:", number(tv_loss(plain).item(), 4))
print("variación total con regularización:", number(tv_loss(regular).item(), 4))
# --8<-- [end:sin_regularizar]

# --8<-- [start:fgsm]
import numpy as np
import torch
import torch.nn.functional as F

from cnnviz.imagenet import classify, load_model, load_photo
from cnnviz.imagenet.adversarial import caffe_input
from cnnviz.imagenet.preprocessing import resize_rgb
from cnnviz.spanish import number

model = load_model()
coffee = np.round(resize_rgb(load_photo("coffee"))).astype(np.uint8)   # 227×227×3
label = classify(coffee, k=1)[0][0]
x = torch.tensor(coffee, dtype=torch.float32, requires_grad=True)
loss = F.cross_entropy(model(caffe_input(x)), torch.tensor([label]))
(grad,) = torch.autograd.grad(loss, x)
one_step = (x.detach() + 2 * grad.sign()).clamp(0, 255).numpy().astype(np.uint8)
index, name, p = classify(one_step, k=1)[0]
print(f"un solo paso de 2 niveles: {name} ({number(p, 3)}); ¿cambia la clase? {index != label}")
# --8<-- [end:fgsm]

# --8<-- [start:un_nivel]
import numpy as np

from cnnviz.imagenet import classify, load_model, load_photo
from cnnviz.imagenet.adversarial import adversarial
from cnnviz.imagenet.preprocessing import resize_rgb
from cnnviz.spanish import number

model = load_model()
coffee = np.round(resize_rgb(load_photo("coffee"))).astype(np.uint8)
label = classify(coffee, k=1)[0][0]
attacked = adversarial(model, coffee, label, eps=1)
index, name, p = classify(attacked, k=1)[0]
print("diferencia máxima:", np.abs(attacked.astype(int) - coffee.astype(int)).max(), "nivel")
print(f"clase de la foto atacada: {name} ({number(p, 3)}); ¿cambia? {index != label}")
# --8<-- [end:un_nivel]

# --8<-- [start:linealidad]
import numpy as np
import torch

from cnnviz.imagenet import class_name, load_model, load_photo
from cnnviz.imagenet.adversarial import caffe_input
from cnnviz.imagenet.preprocessing import resize_rgb
from cnnviz.spanish import integer, number

model = load_model()
coffee = torch.tensor(np.round(resize_rgb(load_photo("coffee"))), dtype=torch.float32)
x = coffee.clone().requires_grad_(True)
label = 967
score = model(caffe_input(x))[0, label]                # puntuación de «café expreso»
(grad,) = torch.autograd.grad(score, x)
eps = 2
one_value = eps * grad.abs().max().item()     # solo el valor más sensible, 2 niveles
all_values = eps * grad.abs().sum().item()     # todos, 2 niveles cada uno, según su signo
with torch.no_grad():
    moved = (coffee - eps * grad.sign()).clamp(0, 255)
    real = score.item() - model(caffe_input(moved))[0, label].item()
print(f"«{class_name(label)}»: puntuación {number(score.item(), 1)}; "
      f"{integer(grad.numel())} valores en la foto")
print(f"un solo valor: baja como mucho {number(one_value, 3)} (aproximación lineal)")
print(f"todos los valores: baja {number(all_values, 1)} (aproximación lineal); "
      f"de verdad, {number(real, 1)}")
# --8<-- [end:linealidad]
