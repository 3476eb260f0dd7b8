"""Cálculos de la página «Teoría: capas de una CNN»: varios canales, relleno y
paso, softmax, parámetros y campo receptivo, en el orden de la página.

Cada bloque muestra sus importaciones. Se puede ejecutar tal cual:
``python code/examples/teoria_calculos.py``.
"""

# --8<-- [start:multicanal_imports]
import torch
import torch.nn.functional as F

from cnnviz.data import load_mnist_split
from cnnviz.spanish import number        # con coma decimal: 0,0123
from cnnviz.training import trained_model
# --8<-- [end:multicanal_imports]

from cnnviz.layer_math import channel_contributions

# --8<-- [start:multicanal]
model, _ = trained_model()                # la DigitCNN entrenada del sitio
split = load_mnist_split()
x = split.x_test[split.y_test == 2][:1]   # el primer «2» de prueba
with torch.no_grad():
    h = model.pool1(F.relu(model.conv1(x)))    # entrada de conv2: (1, 16, 14, 14)
    y = model.conv2(h)                         # (1, 32, 14, 14)
    o = int(y[0].amax(dim=(1, 2)).argmax())    # el canal que más se activa
    parts = channel_contributions(model.conv2, h, o)      # (16, 14, 14)
    total = parts.sum(dim=0) + model.conv2.bias[o]
    print("canal de salida:", o)
    print("¿suma de aportes + sesgo = conv2?",
          torch.allclose(total, y[0, o], atol=1e-5))

    # Un valor a mano: suma sobre canales c, filas m y columnas n, más b
    i, j = 7, 7
    w, b = model.conv2.weight[o], model.conv2.bias[o]     # (16, 3, 3) y escalar
    hp = F.pad(h, (1, 1, 1, 1))                           # relleno de 1 píxel
    value = b + sum(hp[0, c, i + m, j + n] * w[c, m, n]
                    for c in range(16) for m in range(3) for n in range(3))
    print(f"posición ({i}, {j}): a mano {number(value.item(), 4)}, "
          f"conv2 {number(y[0, o, i, j].item(), 4)}")
# --8<-- [end:multicanal]

# --8<-- [start:relleno_imports]
import torch
import torch.nn.functional as F
# --8<-- [end:relleno_imports]

from cnnviz.layer_math import PADDING_INPUT, PADDING_KERNEL, output_size

# --8<-- [start:relleno]
x, k = PADDING_INPUT[None, None], PADDING_KERNEL[None, None]
out = F.conv2d(x, k, padding=1, stride=2)
print(out[0, 0].int().tolist())                       # (3, 3)
print("lado de salida:", output_size(5, kernel=3, padding=1, stride=2))
# Paso 2 = paso 1 y quedarse con una posición de cada dos en cada eje
print("¿igual que paso 1 tomando una de cada dos?",
      torch.equal(out, F.conv2d(x, k, padding=1)[..., ::2, ::2]))
# --8<-- [end:relleno]

# --8<-- [start:softmax]
import torch
import torch.nn.functional as F

from cnnviz.data import load_mnist_split
from cnnviz.spanish import number
from cnnviz.training import trained_model

model, _ = trained_model()
split = load_mnist_split()
with torch.no_grad():
    logits = model(split.x_test)                       # (1000, 10)
probs = F.softmax(logits, dim=1)
# El primer dígito bien clasificado del que la red no está segura (p < 0,9)
ok = (probs.argmax(1) == split.y_test) & (probs.max(1).values < 0.9)
i = int(torch.nonzero(ok)[0])
z, label = logits[i], split.y_test[i]
p = torch.exp(z) / torch.exp(z).sum()                  # softmax a mano
print("dígito de prueba", i, "- clase real:", label.item())
print("logits: ", "  ".join(number(v, 2) for v in z.tolist()))
print("softmax:", "  ".join(number(v, 4) for v in p.tolist()))
print("pérdida a mano:  ", number(-torch.log(p[label]).item(), 4))
print("F.cross_entropy: ", number(F.cross_entropy(z[None], label[None]).item(), 4))
# --8<-- [end:softmax]

# --8<-- [start:parametros]
from cnnviz.layer_math import conv_params, linear_params
from cnnviz.model import DigitCNN, Net


def count(module):
    """Parámetros de un módulo según PyTorch."""
    return sum(p.numel() for p in module.parameters())


net = Net(n_classes=10)
print("conv1:", conv_params(1, 32, 5), "fórmula,", count(net.conv1), "PyTorch")
print("fc1:  ", linear_params(128, 10), "fórmula,", count(net.fc1), "PyTorch")
print("DigitCNN:", number(count(DigitCNN())), "parámetros")   # 12 345: espacio de miles
# --8<-- [end:parametros]

# --8<-- [start:campo_receptivo_imports]
from cnnviz.layer_math import gradient_receptive_field, spatial_layers
from cnnviz.model import DigitCNN
# --8<-- [end:campo_receptivo_imports]

from cnnviz.layer_math import receptive_fields

# --8<-- [start:campo_receptivo]
layers = spatial_layers(DigitCNN())        # (nombre, k, p, s) de cada capa
for name, r, j in receptive_fields(layers):
    (height, width), _ = gradient_receptive_field(DigitCNN(), name)
    print(f"{name}: fórmula r = {r} (salto {j}); autograd {height}×{width}")
# --8<-- [end:campo_receptivo]

# --8<-- [start:retropropagacion_imports]
import torch
import torch.nn.functional as F

from cnnviz.backprop import avg_pool_backward, conv_backward, max_pool_backward
from cnnviz.pooling import POOL_EXAMPLE
# --8<-- [end:retropropagacion_imports]

# --8<-- [start:retropropagacion]
torch.manual_seed(0)
x = torch.randn(6, 6, requires_grad=True)          # entrada
k = torch.randn(3, 3, requires_grad=True)          # filtro
b = torch.zeros(1, requires_grad=True)             # sesgo
y = F.conv2d(x[None, None], k[None, None], b)[0, 0]   # salida (4, 4)
G = torch.randn(4, 4)                              # un ∂L/∂y cualquiera: L = Σ G·y
(G * y).sum().backward()                           # autograd

dx, dk, db = conv_backward(x.detach(), k.detach(), G)   # las fórmulas
print("convolución, ¿igual que autograd?  ∂L/∂x:", torch.allclose(dx, x.grad, atol=1e-6),
      " ∂L/∂K:", torch.allclose(dk, k.grad, atol=1e-6),
      " ∂L/∂b:", torch.allclose(db, b.grad[0], atol=1e-6))

# Max pooling y average pooling 2×2 del ejemplo, con ∂L/∂y = 1 en las cuatro salidas
m = POOL_EXAMPLE.clone().requires_grad_()
F.max_pool2d(m[None, None], 2)[0, 0].sum().backward()
print("max pooling, ¿igual que autograd?", torch.equal(max_pool_backward(POOL_EXAMPLE, torch.ones(2, 2)), m.grad))
print(m.grad.int())                                # un 1 en el máximo de cada ventana
a = POOL_EXAMPLE.clone().requires_grad_()
F.avg_pool2d(a[None, None], 2)[0, 0].sum().backward()
print("average pooling, ¿igual que autograd?", torch.equal(avg_pool_backward(torch.ones(2, 2)), a.grad))
# --8<-- [end:retropropagacion]
