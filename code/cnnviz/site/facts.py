"""Datos que citan las páginas, calculados con el código: ``{{ dato: nombre }}``."""

from ..model import Net, layer_trace


def _fmt_int(n):
    return f"{n:,}".replace(",", " ")


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
        lines.append(f"| `{name}` | `{kind}` | `{shape}` | {_fmt_int(n_params)} |")
    total = sum(p.numel() for p in net.parameters())
    lines.append(f"| **total** | | | **{_fmt_int(total)}** |")
    return "\n".join(lines)


def parametros_net():
    return _fmt_int(sum(p.numel() for p in Net(n_classes=10).parameters()))


def _meta():
    from ..training import trained_model
    return trained_model()[1]


def exactitud_test():
    return f"{_meta()['accuracy'] * 100:.1f} %".replace(".", ",")


def n_test():
    return _fmt_int(_meta()["n_test"])


def n_train():
    return _fmt_int(_meta()["n_train"])


FACTS = {f.__name__: f for f in (tabla_net, parametros_net, exactitud_test, n_test, n_train)}


# --- Atribución, prueba de cordura y laboratorio ------------------------------
# Datos de las secciones de atribución de «Visualización de características» y
# del laboratorio: parámetros de los métodos y resultados calculados con la red.

def _decimal(x, digits=1):
    return f"{x:.{digits}f}".replace(".", ",").replace("-", "−")


def smoothgrad_muestras():
    from ..features.smoothgrad import SAMPLES
    return str(SAMPLES)


def ig_pasos():
    from ..features.integrated_gradients import STEPS
    return str(STEPS)


def oclusion_parche():
    from ..features.methods import OCCLUSION_PATCH
    return f"{OCCLUSION_PATCH}×{OCCLUSION_PATCH}"


def oclusion_paso():
    from ..features.methods import OCCLUSION_STRIDE
    return str(OCCLUSION_STRIDE)


def umbral_cordura():
    from ..features.sanity import THRESHOLD
    return _decimal(THRESHOLD)


FACTS.update({f.__name__: f for f in (smoothgrad_muestras, ig_pasos, oclusion_parche,
                                      oclusion_paso, umbral_cordura)})
