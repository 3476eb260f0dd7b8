"""Soluciones de los ejercicios de «Una CNN de verdad: SqueezeNet sobre fotos».

Cada sección se puede ejecutar sola (trae sus importaciones); la página las
muestra en las soluciones y las pruebas comprueban lo que dice el texto.
"""

# --8<-- [start:fire9_parametros]
from cnnviz.imagenet import load_model
from cnnviz.layer_math import conv_params        # c_out · (c_in · k · k + 1)
from cnnviz.spanish import integer, percent

fire9 = load_model().fire9
c_in, s, e1, e3 = 512, 64, 256, 256              # s1x1, e1x1 y e3x3 de fire9
parts = {"squeeze 1×1": conv_params(c_in, s, 1),
         "expand 1×1": conv_params(s, e1, 1),
         "expand 3×3": conv_params(s, e3, 3)}
total = sum(parts.values())
for name, n in parts.items():
    print(f"{name}: {integer(n)}")
print(f"total: {integer(total)}; en la rama de 3×3, el {percent(parts['expand 3×3'] / total)}")
assert total == sum(p.numel() for p in fire9.parameters())    # los de PyTorch
# --8<-- [end:fire9_parametros]

# --8<-- [start:forma_300]
import torch

from cnnviz.imagenet import load_model
from cnnviz.imagenet.style import layer_outputs

model = load_model()


def side_after(side):
    """Lado tras conv1 (3×3, paso 2, relleno 1) y cada max pooling (3×3, paso 2)."""
    sides = {"conv1": (side + 2 - 3) // 2 + 1}
    sides["pool1"] = (sides["conv1"] - 3) // 2 + 1     # fire2 y fire3 lo conservan
    sides["pool3"] = (sides["pool1"] - 3) // 2 + 1     # fire4 y fire5 lo conservan
    sides["pool5"] = (sides["pool3"] - 3) // 2 + 1     # fire6… fire9 y conv10 lo conservan
    return sides


with torch.no_grad():
    for side in (227, 300):
        x = torch.zeros(1, 3, side, side)
        out = layer_outputs(model, x, ["fire5", "conv10"])
        print(f"{side}×{side}: fire5 {tuple(out['fire5'].shape[1:])}, "
              f"conv10 {tuple(out['conv10'].shape[1:])}, salida {tuple(model(x).shape)}")
        assert out["fire5"].shape[-1] == side_after(side)["pool3"]
        assert out["conv10"].shape[-1] == side_after(side)["pool5"]
# --8<-- [end:forma_300]

# --8<-- [start:conv_1x1]
import torch

from cnnviz.imagenet import load_model, load_photo, preprocess
from cnnviz.imagenet.style import layer_outputs
from cnnviz.spanish import decimal

model = load_model()
with torch.no_grad():
    a = layer_outputs(model, preprocess(load_photo("chelsea")), ["fire9"])["fire9"]  # (1, 512, 13, 13)
    by_conv = model.conv10(a)                                           # (1, 1000, 13, 13)
    w = model.conv10.weight[:, :, 0, 0]                                 # (1000, 512)
    b = model.conv10.bias
    # En cada píxel (i, j), la misma capa afín: W · a[:, i, j] + b
    by_matrix = torch.einsum("kc,nchw->nkhw", w, a) + b.view(1, -1, 1, 1)
error = ((by_conv - by_matrix).abs().max() / by_conv.abs().max()).item()
print("pesos de conv10:", tuple(model.conv10.weight.shape), "-> matriz", tuple(w.shape))
print(f"error relativo máximo: {decimal(error * 1e6, 2)} millonésimas")
assert error < 1e-6
# --8<-- [end:conv_1x1]

# --8<-- [start:salto_gradcam]
from cnnviz.imagenet import load_model
from cnnviz.imagenet.anatomy import formula_receptive_fields

fields = formula_receptive_fields(load_model())     # {etapa: (campo receptivo r, salto j)}
r, j = fields["fire9"]
print(f"fire9: salto j = {j} píxeles, campo receptivo {r}×{r}")
print(f"13 celdas a {j} píxeles una de otra: {13 * j} píxeles de los 227 de la entrada")
assert j == 2 * 2 * 2 * 2          # conv1 y los tres max pooling, cada uno con paso 2
# --8<-- [end:salto_gradcam]
