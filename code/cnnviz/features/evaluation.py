"""Los seis métodos de atribución comparados sobre la red del sitio.

Calcula, con la red entrenada y dígitos de prueba:

- la prueba de cordura por aleatorización en cascada (``sanity``) de cada
  método, con 20 dígitos, como el código de la página;
- la curva de borrado (``faithfulness``) de cada método y de un orden al azar,
  con los mismos 20 dígitos;
- cuántos píxeles reciben atribución exactamente 0 con la línea de base negra
  de los gradientes integrados, y cuántos son negros.

Las figuras y las frases de la página salen de aquí. El resultado se guarda
en la caché con la huella de los pesos y del código de los métodos: se
calcula una vez (unos segundos) y no en cada construcción.
"""

import hashlib
import json

import torch

from ..cache import entry_dir, file_lock, library_versions, prune, read_entry, write_entry
from ..deps import closure, modules_digest
from .faithfulness import area_under_curve, deletion_curve
from .methods import NAMES, attribution_methods
from .sanity import sanity_check

N_SANITY = 20          # dígitos de la prueba de cordura (los primeros del conjunto de prueba)
N_DELETION = 20        # dígitos de la curva de borrado (los mismos)
RANDOM_ORDER_SEED = 0


def _compute():
    from ..data import load_mnist_split
    from ..training import trained_model

    model, _ = trained_model()
    for p in model.parameters():
        p.requires_grad_(False)
    split = load_mnist_split()
    methods = attribution_methods(split.mean, split.std)
    background = (0.0 - split.mean) / split.std
    threads = torch.get_num_threads()
    torch.set_num_threads(1)            # mismo resultado con cualquier número de núcleos
    try:
        x, y = split.x_test[:N_SANITY], split.y_test[:N_SANITY]
        sanity = sanity_check(model, x, y, methods)
        x, y = split.x_test[:N_DELETION], split.y_test[:N_DELETION]
        deletion = {}
        for name, method in methods.items():
            curves = deletion_curve(model, x, y, method(model, x, y), background)
            deletion[name] = (curves.mean(0).tolist(), area_under_curve(curves).mean().item())
        gen = torch.Generator().manual_seed(RANDOM_ORDER_SEED)
        curves = deletion_curve(model, x, y, torch.rand(x.shape, generator=gen), background)
        deletion["azar"] = (curves.mean(0).tolist(), area_under_curve(curves).mean().item())
        ig = methods["integrados"](model, x, y)
        black = x == background
    finally:
        torch.set_num_threads(threads)
    return {
        "n_sanity": N_SANITY, "n_deletion": N_DELETION,
        "sanity": {name: {"medias": means, "pasa": passes} for name, (means, passes) in sanity.items()},
        "borrado": {name: {"curva": curve, "area": area} for name, (curve, area) in deletion.items()},
        "negros": float(black.float().mean()),
        "ceros_integrados": float((ig == 0).float().mean()),
    }


def _report_key():
    """Clave del informe: el código de este módulo y lo que importa, las
    bibliotecas y la huella de los pesos entrenados."""
    from ..training import trained_model

    _, meta = trained_model()
    parts = [modules_digest(closure([__name__])), library_versions(), meta["sha256"]]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def attribution_report():
    """Los resultados (diccionario), de la caché si los pesos y el código no han cambiado."""
    key = _report_key()
    path = entry_dir("atribucion", "informe", key) / "informe.json"
    # Varias figuras lo piden a la vez desde procesos distintos: lo calcula uno
    with file_lock(path.parent.parent.with_name("informe.lock"), "calcular el informe de atribución"):
        data = read_entry(path, check=json.loads)    # una entrada dañada se recalcula
        if data is not None:
            return json.loads(data)
        report = _compute()
        write_entry(path, json.dumps(report).encode(), "guardar el informe de atribución")
    prune(path.parent.parent)
    return report


def ranking(report):
    """Métodos de menor a mayor área bajo la curva de borrado (el primero, el más fiel)."""
    areas = {name: entry["area"] for name, entry in report["borrado"].items()}
    return sorted(areas, key=areas.get)


def method_names():
    """Nombre de cada método en español, con el orden al azar de referencia."""
    return {**NAMES, "azar": "Orden al azar"}

