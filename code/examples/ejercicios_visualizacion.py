"""Soluciones de los ejercicios de la sección «Visualización de características».

Cada sección con nombre es la solución de un ejercicio y se incluye en el
bloque plegable «Solución» de su página. No es un programa aparte: se ejecuta
al final de su página, tras los bloques anteriores (``model``, ``split``,
``x``, ``y``, ``background`` y los métodos que la página muestra), en la
construcción y en las pruebas. Cada ``assert`` comprueba la respuesta que da
la solución: si dejara de ser cierta, la construcción fallaría.
"""

# --8<-- [start:filtros_parametros]
from cnnviz.spanish import integer

counts = {name: sum(p.numel() for p in getattr(model, name).parameters())
          for name in ("conv1", "conv2", "fc")}
# A mano: filtros × canales de entrada × alto × ancho, más un sesgo por filtro
assert counts["conv1"] == 16 * 1 * 5 * 5 + 16
assert counts["conv2"] == 32 * 16 * 3 * 3 + 32
assert counts["fc"] == 10 * 32 * 7 * 7 + 10
assert counts["fc"] > counts["conv1"] + counts["conv2"]
for name, n in counts.items():
    print(f"{name:5} {integer(n):>6} parámetros")
# --8<-- [end:filtros_parametros]

# --8<-- [start:filtros_desplazamiento]
shifted = torch.full_like(x, background)       # fondo negro…
shifted[..., 3:] = x[..., :-3]                 # …y el dígito, 3 píxeles a la derecha
maps = activation_maps(model, x)["relu1"]
maps_shifted = activation_maps(model, shifted)["relu1"]
# Lejos del borde (donde el relleno de ceros no interviene), el mapa se desplaza igual
inside = (maps_shifted[..., 5:26] - maps[..., 2:23]).abs().max().item()
assert inside < 1e-5
print(f"relu1: diferencia máxima con el mapa desplazado: {number(inside, 1)}")
pooled = model.features(x).view(-1, 32, 7, 7)
pooled_shifted = model.features(shifted).view(-1, 32, 7, 7)
change = ((pooled_shifted - pooled).norm() / pooled.norm()).item()
assert change > 0.1                             # pool2 no se limita a desplazarse
print(f"pool2: cambio relativo del vector de características: {percent(change, 0)}")
# --8<-- [end:filtros_desplazamiento]

# --8<-- [start:filtros_pca]
from sklearn.decomposition import PCA

values = features.astype(np.float64)                     # (N, 1568)
singular = np.linalg.svd(values - values.mean(0), compute_uv=False)
share = singular ** 2 / (singular ** 2).sum()            # varianza de cada componente
assert np.allclose(share[:2], PCA(n_components=2).fit(values).explained_variance_ratio_)
print(f"2 componentes: {percent(share[:2].sum(), 0)} de la varianza; "
      f"50 componentes: {percent(share[:50].sum(), 0)}")
# --8<-- [end:filtros_pca]

# --8<-- [start:atribucion_lineal]
linear = nn.Sequential(nn.Flatten(), nn.Linear(28 * 28, 10))   # una sola capa afín
grad = saliency(linear, x, y)                                  # (4, 1, 28, 28)
weights = linear[1].weight[y].view(-1, 1, 28, 28)              # fila W[y] de cada dígito
assert torch.allclose(grad, weights)
other = saliency(linear, torch.randn(4, 1, 28, 28), y)         # otras imágenes, misma clase
assert torch.allclose(grad, other)
print("saliencia de la red afín = fila de pesos de la clase:", torch.allclose(grad, weights))
# --8<-- [end:atribucion_lineal]

# --8<-- [start:atribucion_oclusion_fondo]
one = x[:1]                                              # el primer dígito de prueba
scores = occlusion_scores(model, one, y[:1], patch=4, stride=4, baseline=background)
intact = model(one)[0, y[0]]
blank = torch.tensor([[(one[0, 0, i:i + 4, j:j + 4] == background).all().item()
                       for j in range(0, 28, 4)] for i in range(0, 28, 4)])
assert blank.any()
same = torch.allclose(scores[0][blank], intact.expand(int(blank.sum())), atol=1e-5)
assert same                                              # la imagen tapada es la misma
print(f"parches de 4×4 que solo tapan fondo: {int(blank.sum())} de {blank.numel()}; "
      f"la puntuación con ellos es la de la imagen sin parche: {same}")
# --8<-- [end:atribucion_oclusion_fondo]

# --8<-- [start:atribucion_completitud]
base = black_baseline(x, split.mean, split.std)
gap = (model(x) - model(base)).gather(1, y[:, None])[:, 0]          # (4,)
errors = {}
for steps in (4, 16, 64):
    total = integrated_gradients(model, x, y, base, steps).sum(dim=(1, 2, 3))
    errors[steps] = ((total - gap).abs() / gap.abs()).max().item()
    print(f"{steps:3} pasos: error relativo máximo de la completitud {percent(errors[steps], 2)}")
assert errors[64] < errors[4]
# --8<-- [end:atribucion_completitud]

# --8<-- [start:maximizacion_relu]
start = torch.zeros(1, 1, 28, 28, requires_grad=True)   # la imagen de partida
before = as_sequential(model)[:4](start)[0]              # conv2, antes de ReLU: (32, 14, 14)
off = [c for c in range(32) if (before[c] <= 0).all()]   # canales apagados en todo el mapa
assert off
channel = off[0]
after = torch.relu(before[channel]).mean()               # el objetivo tras ReLU
(gradient,) = torch.autograd.grad(after, start)
assert (gradient == 0).all()
print(f"canales de conv2 apagados en toda la imagen de partida: {len(off)} de 32")
print(f"gradiente del canal {channel} tras ReLU: todo cero = {bool((gradient == 0).all())}")
# --8<-- [end:maximizacion_relu]

# --8<-- [start:maximizacion_campo]
noise = torch.randn(16, 1, 28, 28, generator=torch.Generator().manual_seed(0),
                    requires_grad=True)
centre = as_sequential(model)[:4](noise)[:, :, 7, 7].sum()    # conv2, todos los canales
(gradient,) = torch.autograd.grad(centre, noise)
rows, cols = torch.nonzero(gradient.abs().sum(dim=(0, 1)), as_tuple=True)
box = (rows.min().item(), rows.max().item(), cols.min().item(), cols.max().item())
assert box == (10, 19, 10, 19)
assert (gradient.abs().sum(dim=(0, 1))[10:20, 10:20] > 0).all()
print(f"filas {box[0]}–{box[1]}, columnas {box[2]}–{box[3]}: "
      f"{box[1] - box[0] + 1}×{box[3] - box[2] + 1} píxeles")
# --8<-- [end:maximizacion_campo]

# --8<-- [start:maximizacion_afin]
fc = model.fc                                      # puntuación = W · f + b
f1 = model.features(x[:1])
f2 = model.features(x[1:2])
# Una función afín conserva las combinaciones afines: mezcla al 30 % / 70 %
mix = fc(0.3 * f1 + 0.7 * f2)
assert torch.allclose(mix, 0.3 * fc(f1) + 0.7 * fc(f2), atol=1e-4)
# …pero no es lineal: fc(0) es el sesgo, no 0
assert not torch.allclose(fc(torch.zeros_like(f1)), torch.zeros(1, 10))
assert torch.equal(fc(torch.zeros_like(f1))[0], fc.bias)
print("fc(0) = sesgo:", torch.equal(fc(torch.zeros_like(f1))[0], fc.bias))
# --8<-- [end:maximizacion_afin]

# --8<-- [start:cordura_rangos]
noise = torch.rand(3, 1, 28, 28, generator=torch.Generator().manual_seed(0))
same_order = rank_correlation(noise, noise ** 3)          # otra escala, mismo orden
assert np.allclose(same_order, 1)
flipped = rank_correlation(noise - 0.5, 0.5 - noise)      # signo contrario
assert np.allclose(flipped, 1)                           # |mapa| no ve el cambio de signo
signed = [spearmanr(a.flatten(), b.flatten()).statistic
          for a, b in zip(noise - 0.5, 0.5 - noise)]
assert np.allclose(signed, -1)
print("Spearman de |mapa| con el signo cambiado:", number(flipped.mean(), 2))
print("Spearman con signo:                      ", number(np.mean(signed), 2))
# --8<-- [end:cordura_rangos]

# --8<-- [start:cordura_ceros]
ig = methods["integrados"]
black = digits == background                              # píxeles negros de los 20 dígitos
for layers in ((),) + CASCADE:                           # la entrenada y la cascada
    random_ig = ig(randomize(model, layers), digits, labels)
    assert (random_ig[black] == 0).all()                  # con cualquier peso
print(f"píxeles negros: {percent(black.float().mean().item(), 0)}; "
      "su atribución es 0 con la red entrenada y con cada paso de la cascada")
# --8<-- [end:cordura_ceros]

# --8<-- [start:cordura_inverso]
importance = maps["saliencia"]                            # del bloque de la curva de borrado
forward = area_under_curve(deletion_curve(model, digits, labels, importance,
                                          background)).mean().item()
backward = area_under_curve(deletion_curve(model, digits, labels, -importance,
                                           background)).mean().item()
assert backward > forward
print(f"saliencia, de más a menos importante: {number(forward, 2)}")
print(f"saliencia, de menos a más importante: {number(backward, 2)}")
# --8<-- [end:cordura_inverso]
