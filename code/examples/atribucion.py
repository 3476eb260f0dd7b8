"""Código de las secciones de atribución de «Visualización de características».

En la página, cada bloque muestra primero el método (incluido desde su módulo
de ``cnnviz.features``) y luego este código, que lo usa. Los bloques siguen al
de preparación de ``visualizacion.py`` (``model``, ``split``, ``x``, ``y`` y
``background``) y a los métodos que la página muestra antes (``saliency``,
``as_sequential``): se ejecutan en ese orden, en un intérprete nuevo, como los
copiaría un lector.
"""

# --8<-- [start:gradcam]
from captum.attr import LayerAttribution, LayerGradCam

cam = grad_cam(model, x, y)                        # (4, 1, 28, 28)
layers = as_sequential(model)
reference = LayerGradCam(layers, layers.relu2).attribute(
    x, target=y, relu_attributions=True)           # (4, 1, 14, 14)
reference = LayerAttribution.interpolate(reference, (28, 28),
                                         interpolate_mode="bilinear")
print("Grad-CAM:", tuple(cam.shape))
difference = (cam - reference).abs().max().item()
print("diferencia máxima con captum:", scientific(difference, 1))
# --8<-- [end:gradcam]

# --8<-- [start:smoothgrad]
noise = smoothgrad_noise(SAMPLES, NOISE_LEVEL / split.std)   # (32, 1, 28, 28)
plain = saliency(model, x, y).abs()
smooth = smoothgrad(model, x, y, noise).abs()


def roughness(maps):
    """Cambio medio entre píxeles vecinos, relativo al valor medio del mapa."""
    steps = (maps[..., 1:, :] - maps[..., :-1, :]).abs().mean() + \
        (maps[..., :, 1:] - maps[..., :, :-1]).abs().mean()
    return (steps / maps.abs().mean()).item()


print(f"ruido: σ = {percent(NOISE_LEVEL, 0)} del rango, {SAMPLES} copias")
print(f"rugosidad de la saliencia: {number(roughness(plain), 2)}")
print(f"rugosidad de SmoothGrad:   {number(roughness(smooth), 2)}")
# --8<-- [end:smoothgrad]

# --8<-- [start:integrated_gradients]
from captum.attr import IntegratedGradients

baselines = {"negra": black_baseline, "difuminada": blurred_baseline,
             "ruido": noise_baseline}
print("base        suma / diferencia   atribución 0   con captum")
for name, make in baselines.items():
    base = make(x, split.mean, split.std)
    attribution = integrated_gradients(model, x, y, base)    # (4, 1, 28, 28)
    reference = IntegratedGradients(model).attribute(
        x, baselines=base, target=y, n_steps=STEPS, method="riemann_middle")
    # Completitud: suma del mapa frente a puntuación(x) − puntuación(base)
    gap = (model(x) - model(base)).gather(1, y[:, None])[:, 0]
    ratio = attribution.sum(dim=(1, 2, 3)) / gap
    zeros = (attribution == 0).float().mean().item()
    difference = (attribution - reference).abs().max().item()
    print(f"{name:10}  {number(ratio.min(), 3)}–{number(ratio.max(), 3)}         {percent(zeros, 0):>5}"
          f"           {difference:.0e}")
# --8<-- [end:integrated_gradients]

# --8<-- [start:deletion]
from cnnviz.features.methods import NAMES, attribution_methods

methods = attribution_methods(split.mean, split.std)   # nombre -> método
digits, labels = split.x_test[:20], split.y_test[:20]
maps = {name: method(model, digits, labels) for name, method in methods.items()}
# Referencia: borrar en un orden al azar
maps["azar"] = torch.rand(digits.shape,
                          generator=torch.Generator().manual_seed(0))
areas = {}
for name, importance in maps.items():
    curves = deletion_curve(model, digits, labels, importance, background)
    areas[name] = area_under_curve(curves).mean().item()
for name in sorted(areas, key=areas.get):
    print(f"{NAMES.get(name, 'orden al azar'):24} área: {number(areas[name], 2)}")
# --8<-- [end:deletion]

# --8<-- [start:sanity]
summary = sanity_check(model, digits, labels, methods)
print(f"{'Spearman medio de |mapa|:':26} {'fc':>5} {'+conv2':>7} {'+conv1':>7}")
for name, (means, passes) in summary.items():
    print(f"{NAMES[name]:26} {number(means[0], 2):>5} {number(means[1], 2):>7} "
          f"{number(means[2], 2):>7}   {'pasa' if passes else 'no pasa'}")

# Los dos mapas con signo, comparados también con su signo (solo fc al azar)
print("Spearman medio con signo, fc al azar:")
for name in ("integrados", "oclusion"):
    trained = methods[name](model, digits, labels)
    shuffled = methods[name](randomize(model, ("fc",)), digits, labels)
    rho = [spearmanr(a.flatten(), b.flatten()).statistic for a, b in zip(trained, shuffled)]
    print(f"  {NAMES[name]:24} {number(np.mean(rho), 2):>5}")
# --8<-- [end:sanity]
