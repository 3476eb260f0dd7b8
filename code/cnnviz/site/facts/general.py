"""Datos que citan las páginas, calculados con el código: ``{{ dato: nombre }}``.

Cada dato es una función sin argumentos que devuelve texto (Markdown). Los
que describen una figura o un resultado redactan la frase entera a partir de
los valores calculados, así que un reentrenamiento que cambie la figura cambia
también la frase; si los valores caen fuera de lo que una frase sabe decir, la
función lanza un error y la construcción falla en lugar de publicar algo falso.
"""

from ... import spanish
from ...model import Net, layer_trace

__all__ = ["tabla_net", "parametros_net", "exactitud_test", "n_test", "n_train",
           "smoothgrad_muestras", "smoothgrad_ruido", "ig_pasos", "oclusion_parche",
           "oclusion_paso", "umbral_cordura", "pixeles_negros", "ig_ceros_negra",
           "n_borrado", "borrado_orden", "borrado_azar", "cordura_n",
           "cordura_guiada_fc", "cordura_integrados_fc"]


def tabla_net():
    """Tabla de capas de Net con entrada (1, 1, 8, 8): forma de salida y parámetros."""
    net = Net(n_classes=10)
    rows = layer_trace(net, (1, 1, 8, 8))
    lines = ["| Capa | Tipo | Forma de salida | Parámetros |",
             "| --- | --- | --- | ---: |",
             "| entrada | — | `(1, 1, 8, 8)` | 0 |"]
    for name, kind, shape, n_params in rows:
        if name == "fc1":   # el aplanado ocurre en forward, justo antes de fc1
            flat = rows[-2][2]
            lines.append(f"| `x.view(x.size(0), -1)` | aplanado | "
                         f"`(1, {flat[1] * flat[2] * flat[3]})` | 0 |")
        lines.append(f"| `{name}` | `{kind}` | `{shape}` | {spanish.integer(n_params)} |")
    total = sum(p.numel() for p in net.parameters())
    lines.append(f"| **total** | | | **{spanish.integer(total)}** |")
    return "\n".join(lines)


def parametros_net():
    return spanish.integer(sum(p.numel() for p in Net(n_classes=10).parameters()))


def _meta():
    from ...training import trained_model
    return trained_model()[1]


def exactitud_test():
    return spanish.percent(_meta()["accuracy"], 1)


def n_test():
    return spanish.integer(_meta()["n_test"])


def n_train():
    return spanish.integer(_meta()["n_train"])


# --- Atribución, prueba de cordura y laboratorio ------------------------------
# Datos de las secciones de atribución de «Visualización de características» y
# del laboratorio: parámetros de los métodos y resultados calculados con la red.

def smoothgrad_muestras():
    from ...features.smoothgrad import SAMPLES
    return spanish.integer(SAMPLES)


def smoothgrad_ruido():
    from ...features.smoothgrad import NOISE_LEVEL
    return spanish.percent(NOISE_LEVEL, 0)


def ig_pasos():
    from ...features.integrated_gradients import STEPS
    return spanish.integer(STEPS)


def oclusion_parche():
    from ...features.methods import OCCLUSION_PATCH
    return f"{OCCLUSION_PATCH}×{OCCLUSION_PATCH}"


def oclusion_paso():
    from ...features.methods import OCCLUSION_STRIDE
    return spanish.integer(OCCLUSION_STRIDE)


def umbral_cordura():
    from ...features.sanity import THRESHOLD
    return spanish.decimal(THRESHOLD, 1)


# Los métodos con su artículo, para las frases
_WITH_ARTICLE = {"saliencia": "la saliencia", "smoothgrad": "SmoothGrad",
                 "integrados": "los gradientes integrados con la línea de base negra",
                 "gradcam": "Grad-CAM", "guiada": "la retropropagación guiada",
                 "oclusion": "la oclusión"}


def _report():
    from ...features.evaluation import attribution_report
    return attribution_report()


def _list(items):
    """«a», «a y b», «a, b y c»."""
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " y " + items[-1]


def pixeles_negros():
    return spanish.percent(_report()["negros"], 0)


def ig_ceros_negra():
    return spanish.percent(_report()["ceros_integrados"], 0)


def n_borrado():
    return spanish.integer(_report()["n_deletion"])


def borrado_orden():
    """Los métodos de más a menos fieles según la curva de borrado, con su área."""
    from ...features.evaluation import ranking
    report = _report()
    return _list(f"{_WITH_ARTICLE[name]} ({spanish.decimal(report['borrado'][name]['area'], 2)})"
                 for name in ranking(report) if name != "azar")


def borrado_azar():
    return spanish.decimal(_report()["borrado"]["azar"]["area"], 2)


def cordura_n():
    return spanish.integer(_report()["n_sanity"])


def cordura_guiada_fc():
    return spanish.decimal(_report()["sanity"]["guiada"]["medias"][0], 2)


def cordura_integrados_fc():
    return spanish.decimal(_report()["sanity"]["integrados"]["medias"][0], 2)
