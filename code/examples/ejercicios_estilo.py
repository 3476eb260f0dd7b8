"""Soluciones de los ejercicios de «Transferencia de estilo».

Cada sección se puede ejecutar sola (trae sus importaciones); la página las
muestra en las soluciones y las pruebas comprueban lo que dice el texto.
"""

# --8<-- [start:posiciones]
import torch

from cnnviz.imagenet import load_model
from cnnviz.imagenet.style import content_loss, gram_matrix, layer_outputs
from cnnviz.imagenet.style_runs import photo, to_input
from cnnviz.spanish import number

model = load_model()
fmap = layer_outputs(model, to_input(photo("chelsea", 96)), ["fire3"])["fire3"]  # (1, 128, H, W)
n, c, h, w = fmap.shape
order = torch.randperm(h * w, generator=torch.Generator().manual_seed(0))
shuffled = fmap.reshape(n, c, h * w)[:, :, order].reshape(n, c, h, w)   # misma permutación
gram, gram_shuffled = gram_matrix(fmap), gram_matrix(shuffled)
print("diferencia relativa de las matrices de Gram:",
      number(((gram - gram_shuffled).norm() / gram.norm()).item(), 6))
print("pérdida de contenido de los mapas barajados:",
      number(content_loss(shuffled, fmap).item(), 2))
# --8<-- [end:posiciones]

# --8<-- [start:tamano]
from cnnviz.imagenet import load_model
from cnnviz.imagenet.style import gram_matrix, layer_outputs
from cnnviz.imagenet.style_runs import photo, to_input
from cnnviz.spanish import number

model = load_model()
grams, positions = {}, {}
for side in (64, 128):
    fmap = layer_outputs(model, to_input(photo("chelsea", side)), ["fire3"])["fire3"]
    grams[side] = gram_matrix(fmap)                        # dividida entre H·W
    positions[side] = fmap.shape[2] * fmap.shape[3]
small, large = grams[64], grams[128]
print(f"posiciones de fire3: {positions[64]} y {positions[128]} "
      f"({number(positions[128] / positions[64], 2)} veces más)")
print("sin dividir, cociente de normas:",
      number((large * positions[128]).norm().item() / (small * positions[64]).norm().item(), 2))
print("dividiendo, cociente de normas:", number(large.norm().item() / small.norm().item(), 2))
# --8<-- [end:tamano]

# --8<-- [start:profundidad]
import torch

from cnnviz.imagenet import load_model
from cnnviz.imagenet.style import synthesize
from cnnviz.imagenet.style_runs import photo, to_input
from cnnviz.spanish import number

model = load_model()
for p in model.parameters():
    p.requires_grad_(False)
cat = photo("chelsea", 64)
noise = torch.rand(1, 3, 64, 64, generator=torch.Generator().manual_seed(0))
for layer in ("fire2", "fire5"):
    # Solo contenido: el estilo pesa 0 (hace falta una capa de estilo, no cuenta)
    image, history = synthesize(model, to_input, noise, cat, {"relu1": 1.0}, content_image=cat,
                                content_layer=layer, style_weight=0.0, steps=100, lr=0.05)
    print(f"{layer}: pérdida de contenido {number(history.content[-1][0], 3)}, "
          f"diferencia media con la foto {number((image - cat).abs().mean().item(), 3)}")
# --8<-- [end:profundidad]

# --8<-- [start:numeros_estilo]
import torch

from cnnviz.imagenet import load_model
from cnnviz.imagenet.style import gram_matrix, layer_outputs
from cnnviz.imagenet.style_runs import STYLE_LAYERS, photo, to_input
from cnnviz.spanish import integer

model = load_model()
with torch.no_grad():
    for side in (64, 128):
        fmaps = layer_outputs(model, to_input(photo("chelsea", side)), list(STYLE_LAYERS))
        grams = {layer: gram_matrix(f)[0] for layer, f in fmaps.items()}
        print(f"{side}×{side}:", ", ".join(f"{layer} {tuple(g.shape)}" for layer, g in grams.items()))
total = distinct = 0
for g in grams.values():
    c = g.shape[0]
    assert torch.allclose(g, g.T)                # simétrica: G[i, j] = G[j, i]
    total += c * c
    distinct += c * (c + 1) // 2                 # la diagonal y lo que queda por encima
print(f"elementos: {integer(total)}; distintos: {integer(distinct)}")
# --8<-- [end:numeros_estilo]
