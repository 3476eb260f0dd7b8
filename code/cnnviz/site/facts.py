"""Datos que citan las páginas, calculados con el código: ``{{ dato: nombre }}``.

Cada dato es una función sin argumentos que devuelve texto (Markdown). Los
que describen una figura o un resultado redactan la frase entera a partir de
los valores calculados, así que un reentrenamiento que cambie la figura cambia
también la frase; si los valores caen fuera de lo que una frase sabe decir, la
función lanza un error y la construcción falla en lugar de publicar algo falso.
"""

from .. import spanish
from ..model import Net, layer_trace
from . import facts_bordes, facts_teoria, facts_visualizacion


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
    from ..training import trained_model
    return trained_model()[1]


def exactitud_test():
    return spanish.percent(_meta()["accuracy"], 1)


def n_test():
    return spanish.integer(_meta()["n_test"])


def n_train():
    return spanish.integer(_meta()["n_train"])


FACTS = {f.__name__: f for f in (tabla_net, parametros_net, exactitud_test, n_test, n_train)}
for _module in (facts_teoria, facts_bordes, facts_visualizacion):
    for _name in _module.__all__:
        if _name in FACTS:
            raise RuntimeError(f"el dato «{_name}» está definido dos veces")
        FACTS[_name] = getattr(_module, _name)
