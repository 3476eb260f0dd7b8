"""Los seis métodos de atribución del sitio, con sus parámetros y una misma firma.

Cada método es una función ``(model, x, target) -> mapa (N, 1, 28, 28)``, el
mapa que se dibuja: valor absoluto para los gradientes, con signo para los
gradientes integrados y la oclusión. Los usan la prueba de cordura, la curva
de borrado, las figuras y el laboratorio (que recibe estos mismos parámetros
en ``modelo.json``).
"""

from .gradcam import grad_cam
from .integrated_gradients import (STEPS, black_baseline, blurred_baseline,
                                   integrated_gradients, noise_baseline)
from .occlusion import OCCLUSION_PATCH, OCCLUSION_STRIDE, occlusion_attribution
from .saliency import guided_backprop, saliency
from .smoothgrad import NOISE_LEVEL, SAMPLES, smoothgrad, smoothgrad_noise

# --8<-- [start:methods]
NAMES = {"saliencia": "Saliencia", "smoothgrad": "SmoothGrad",
         "integrados": "Gradientes integrados", "gradcam": "Grad-CAM",
         "guiada": "Retropropagación guiada", "oclusion": "Oclusión"}
SIGNED = ("integrados", "oclusion")          # los demás mapas son valores absolutos
BASELINES = {"negra": black_baseline, "difuminada": blurred_baseline, "ruido": noise_baseline}


def attribution_methods(mean, std, baseline="negra", samples=SAMPLES, steps=STEPS):
    """Diccionario nombre -> método, para imágenes normalizadas con ``mean`` y ``std``."""
    if baseline not in BASELINES:
        raise ValueError(f"línea de base desconocida «{baseline}»; las hay: {sorted(BASELINES)}")
    background = (0.0 - mean) / std                  # un píxel negro, normalizado
    noise = smoothgrad_noise(samples, NOISE_LEVEL / std)
    make_baseline = BASELINES[baseline]
    return {
        "saliencia": lambda model, x, t: saliency(model, x, t).abs(),
        "smoothgrad": lambda model, x, t: smoothgrad(model, x, t, noise).abs(),
        "integrados": lambda model, x, t: integrated_gradients(
            model, x, t, make_baseline(x, mean, std), steps),
        "gradcam": lambda model, x, t: grad_cam(model, x, t),
        "guiada": lambda model, x, t: guided_backprop(model, x, t).abs(),
        "oclusion": lambda model, x, t: occlusion_attribution(
            model, x, t, OCCLUSION_PATCH, OCCLUSION_STRIDE, background),
    }
# --8<-- [end:methods]
