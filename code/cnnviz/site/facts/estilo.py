"""Datos de «Transferencia de estilo»: parámetros y lo que muestran las figuras, en frases.

Salen de ``cnnviz.imagenet.style_runs``, los mismos resultados (en caché de
disco) con que se dibujan las figuras.
"""

from ... import spanish
from ...imagenet import style_runs as runs

__all__ = ["estilo_capas", "estilo_tamanos", "estilo_pesos", "estilo_textura_resumen",
           "estilo_rejilla_resumen", "estilo_gato", "estilo_cpu", "estilo_parametros",
           "clases_parametros", "clases_resumen", "deepdream_resumen", "adversario_resumen",
           "clases_cpu"]

_LAYER_NAMES = {"relu1": "`relu1` (tras `conv1`)", "fire2": "`fire2`", "fire3": "`fire3`",
                "fire4": "`fire4`", "fire5": "`fire5`"}


def _list(items):
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " y " + items[-1]


def _weight(beta):
    return spanish.decimal(beta, 1) if beta < 1 else spanish.integer(int(beta))


def estilo_capas():
    """«el contenido en `fire2`; el estilo en `relu1`, `fire3`, … con el mismo peso»."""
    weights = set(runs.STYLE_LAYERS.values())
    same = " con el mismo peso" if len(weights) == 1 else ""
    return (f"el contenido se mide en {_LAYER_NAMES[runs.CONTENT_LAYER]} y el estilo en "
            f"{_list(_LAYER_NAMES[k] for k in runs.STYLE_LAYERS)}{same}")


def estilo_tamanos():
    return (f"La textura mide {runs.TEXTURE_SIZE}×{runs.TEXTURE_SIZE} píxeles y se optimiza "
            f"durante {runs.TEXTURE_STEPS} pasos de Adam; la transferencia, "
            f"{runs.TRANSFER_SIZE}×{runs.TRANSFER_SIZE} píxeles y {runs.TRANSFER_STEPS} pasos")


def estilo_pesos():
    """Pesos de la transferencia principal: α, β y γ."""
    return (f"α = {spanish.decimal(runs.CONTENT_WEIGHT, 0)}, "
            f"β = {_weight(runs.STYLE_WEIGHTS[runs.MAIN])} y "
            f"γ = {spanish.decimal(runs.TV_WEIGHT, 0)}")


def estilo_textura_resumen():
    result = runs.texture()
    first, last = result.losses["style"][[0, -1], 0]
    if not last < first / 100:
        raise ValueError(f"la pérdida de estilo de la textura apenas baja: {first} -> {last}")
    return (f"La pérdida de estilo (la suma, en las {len(runs.STYLE_LAYERS)} capas, del error "
            "relativo de las matrices de Gram) baja de "
            f"{spanish.decimal(first, 0)} en el ruido de partida a {spanish.decimal(last, 3)} "
            f"tras {runs.TEXTURE_STEPS} pasos: unas {spanish.integer(round(first / last))} veces "
            "menos.")


def estilo_rejilla_resumen():
    result = runs.transfer()
    content, style = result.losses["content"][-1], result.losses["style"][-1]
    betas = runs.STYLE_WEIGHTS
    if not (all(a < b for a, b in zip(content, content[1:]))
            and all(a > b for a, b in zip(style, style[1:]))):
        raise ValueError(f"las pérdidas no cambian en un solo sentido con β: {content}, {style}")
    return (f"Al subir el peso del estilo de β = {_weight(betas[0])} a β = {_weight(betas[-1])}, "
            f"la pérdida de estilo final baja de {spanish.decimal(style[0], 2)} a "
            f"{spanish.decimal(style[-1], 2)} y la de contenido sube de "
            f"{spanish.decimal(content[0], 2)} a {spanish.decimal(content[-1], 2)}: cada "
            "imagen es un compromiso entre las dos, y β decide dónde se queda.")


def estilo_gato():
    """Cuánto «gato» ve SqueezeNet en la foto y en cada resultado de la rejilla."""
    probs = runs.cat_probabilities()
    original, results = probs[0], probs[1:]
    parts = _list(f"del {spanish.percent(p, 0)} con β = {_weight(b)}"
                  for p, b in zip(results, runs.STYLE_WEIGHTS))
    text = (f"La propia SqueezeNet da a las cinco clases de gato de ImageNet una probabilidad "
            f"total del {spanish.percent(original, 0)} en la foto original (reducida a "
            f"{runs.TRANSFER_SIZE}×{runs.TRANSFER_SIZE}) y {parts}")
    low = [p < CAT_GONE for p in results]
    if original > 0.5 and any(low) and all(low[low.index(True):]):
        first = runs.STYLE_WEIGHTS[low.index(True)]
        return (text + f": desde β = {_weight(first)}, la red que guió la pintura ya casi no "
                "ve un gato en ella.")
    return text + "."


def estilo_parametros():
    """Parámetros de SqueezeNet en millones, contados en el modelo: «1,2 millones»."""
    from ...imagenet.model import SqueezeNet
    n = sum(p.numel() for p in SqueezeNet().parameters())
    return f"{spanish.decimal(n / 1e6, 1)} millones"


CAT_GONE = 0.05      # por debajo, «ya casi no ve un gato»


def estilo_cpu():
    total = runs.texture().cpu_seconds + runs.transfer().cpu_seconds
    return spanish.decimal(total, 0)


# --- «Lo que imagina SqueezeNet» (cnnviz.imagenet.class_runs) ------------------------

def _probability(p):
    """«0,389»; «más de 0,999»; «menos de 0,001»."""
    if p > 0.9995:
        return "más de 0,999"
    if p < 0.0005:
        return "menos de 0,001"
    return spanish.decimal(p, 3)


def _quoted(label):
    from ...imagenet.classes import class_name
    return f"«{class_name(label)}»"


def clases_parametros():
    from ...imagenet import class_runs as c
    return (f"{c.CLASS_STEPS} pasos sobre imágenes de {c.CLASS_SIZE}×{c.CLASS_SIZE} píxeles, "
            f"con desplazamientos de hasta {c.JITTER} píxeles, un desenfoque gaussiano "
            f"(σ = {spanish.decimal(c.BLUR_SIGMA, 1)} píxeles) cada {c.BLUR_EVERY} pasos y "
            f"una penalización L2 de peso {spanish.decimal(c.CLASS_L2, 1)}")


def clases_resumen():
    from ...imagenet import class_runs as c
    result = c.class_images()
    names = [_quoted(k) for k in c.CLASSES]
    if not all(int(t) == k for t, k in zip(result.top1, c.CLASSES)):
        wrong = [n for n, t, k in zip(names, result.top1, c.CLASSES) if int(t) != k]
        return (f"En las imágenes de {_list(wrong)}, la clase más probable según la red no es "
                "la que se buscaba: la regularización la frena.")
    low = float(result.probs.min())
    text = (f"En las {len(names)} imágenes, la clase buscada es la más probable de las 1000 "
            f"para SqueezeNet, con una probabilidad de {_probability(low)} en la que menos")
    if low > 0.9:
        return text + ": para la red, cada imagen es casi con seguridad de su clase."
    return text + "."


def deepdream_resumen():
    from ...imagenet import class_runs as c
    energy = c.dream().energy
    ratio = energy[-1] / energy[0]
    if ratio < 2:
        raise ValueError(f"DeepDream apenas sube la energía de la capa: ×{ratio}")
    return (f"En {c.DREAM_STEPS} pasos, la media del cuadrado de los mapas de `{c.DREAM_LAYER}` "
            f"se multiplica por {spanish.decimal(ratio, 0)}: la foto cambia para que esa capa "
            "responda mucho más a lo que ya veía.")


def adversario_resumen():
    from ...imagenet import class_runs as c
    result = c.adversarial_example()
    if result.new_label == result.label or result.linf > c.EPS:
        raise ValueError("el ejemplo adversario no cambia la clase o se pasa del límite")
    changed = float((result.attacked != result.original).mean())
    return (f"SqueezeNet clasifica la foto como {_quoted(result.label)} con probabilidad "
            f"{_probability(result.p_original[result.label])}. Tras cambiar el "
            f"{spanish.percent(changed, 0)} de los valores de sus píxeles, ninguno en más de "
            f"{result.linf} niveles de 255 (L∞ = {result.linf}/255), la clase más probable pasa a "
            f"ser {_quoted(result.new_label)}, con probabilidad "
            f"{_probability(result.p_attacked[result.new_label])}, y la de "
            f"{_quoted(result.label)} baja a {_probability(result.p_attacked[result.label])}.")


def clases_cpu():
    from ...imagenet import class_runs as c
    total = (c.class_images().cpu_seconds + c.dream().cpu_seconds
             + c.adversarial_example().cpu_seconds)
    return spanish.decimal(total, 0)
