"""Trabajos de la construcción que corren en procesos aparte (ver ``workers``).

Cada trabajo calcula sus claves (tras entrenar, si usa los pesos), genera solo
lo que falta en la caché, lo guarda con su huella y devuelve las claves. El
proceso de mkdocs lee luego las entradas comprobando su huella.
"""

import importlib
import json
import resource
import time

from ...cache import prune, read_entry, write_entry
from ...weights_cache import weights_digest
from . import keys
from .entries import fact_path, figure_path, notebook_path, registry_path
from .figure_build import draw


def _trained_weights():
    """Huella de los pesos, entrenando antes si no los hay (una vez, con candado)."""
    digest = weights_digest()
    if digest is None:
        from ...training import trained_model
        digest = trained_model(progress=False)[1]["sha256"]
    return digest


def _check_weights(digest):
    """Los pesos no cambiaron mientras se generaba algo con ellos."""
    if digest is not None and weights_digest() != digest:
        raise RuntimeError("los pesos de la caché cambiaron durante la construcción; "
                           "vuelve a construir")


def _key_with_weights(make_key, weights):
    """``make_key(pesos)``; si faltan los pesos, entrena y vuelve a intentarlo."""
    try:
        return make_key(weights), weights
    except keys.WeightsMissing:
        weights = _trained_weights()
        return make_key(weights), weights


def _function(module, qualname):
    return getattr(importlib.import_module(module), qualname)


def _cpu_seconds():
    """CPU de este proceso y de sus hijos terminados y esperados (núcleos de Jupyter)."""
    own, children = (resource.getrusage(who) for who in (resource.RUSAGE_SELF,
                                                          resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(fn, *args):
    """``fn(*args)``, cuándo empezó (``time.monotonic``, común a todos los procesos),
    cuánto tardó y cuánta CPU usó, para el registro de la construcción."""
    start, cpu = time.monotonic(), _cpu_seconds()
    result = fn(*args)
    return result, start, time.monotonic() - start, _cpu_seconds() - cpu


def train():
    """Entrena la CNN si no está en la caché; devuelve la huella de sus pesos."""
    return _trained_weights()


# --- Registros ----------------------------------------------------------------

def describe():
    """Guarda qué figuras y qué datos hay (importarlos pide torch y matplotlib)."""
    from ...figures import FIGURES
    from ..facts import FACTS

    key = keys.registry_key()
    figures = [{"name": name, "module": spec.func.__module__,
                "qualname": spec.func.__qualname__, "alt": spec.alt,
                "narrow": bool(getattr(spec, "narrow", False))}
               for name, spec in FIGURES.items()]
    facts = [{"name": name, "module": func.__module__, "qualname": func.__qualname__}
             for name, func in FACTS.items()]
    data = json.dumps({"figures": figures, "facts": facts}, ensure_ascii=False).encode()
    path = registry_path(key)
    write_entry(path, data, "registrar las figuras y los datos")
    prune(path.parent.parent)
    return key


# --- Figuras ------------------------------------------------------------------

def figure(spec, variants, weights=None):
    """Dibuja las variantes de la figura que no estén en caché.

    Devuelve ``(clave, sufijos dibujados)``.
    """
    key, weights = _key_with_weights(
        lambda w: keys.figure_key(spec["module"], spec["qualname"], w), weights)
    func, drawn = None, []
    for variant in variants:
        path = figure_path(spec["name"], key, variant.suffix)
        if read_entry(path) is not None:
            continue
        func = func or _function(spec["module"], spec["qualname"])
        data = draw(func, spec["name"], variant)
        write_entry(path, data, f"guardar la figura «{path.name}»")
        drawn.append(variant.suffix)
    if drawn:
        if keys.weights_dependent(spec["module"], spec["qualname"]):
            _check_weights(weights)
        prune(path.parent.parent)
    return key, drawn


# --- Datos ({{ dato: … }}) ----------------------------------------------------

def _one_thread(fn):
    """``fn()`` con un hilo de torch, como las figuras (``figure_build.draw``): lo que un dato
    deja calculado en la caché del proceso (p. ej. ``imagenet.page_data``) y luego lee una
    figura en el mismo trabajador da los mismos bits que si lo hubiera calculado la figura."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return fn()
    finally:
        torch.set_num_threads(threads)


def facts(specs, weights=None):
    """Calcula los datos que no estén en caché; devuelve {nombre: clave}."""
    found = {}
    for spec in specs:
        key, weights = _key_with_weights(
            lambda w, s=spec: keys.fact_key(s["module"], s["qualname"], w), weights)
        path = fact_path(spec["name"], key)
        if read_entry(path) is None:
            value = str(_one_thread(_function(spec["module"], spec["qualname"])))
            write_entry(path, json.dumps({"valor": value}, ensure_ascii=False).encode(),
                        f"guardar el dato «{spec['name']}»")
            prune(path.parent.parent)
        found[spec["name"]] = key
    return found


# --- Cuadernos y laboratorio --------------------------------------------------

def notebook_key(source, weights=None):
    """Clave del cuaderno en la caché (entrena antes si usa los pesos y faltan)."""
    return _key_with_weights(lambda w: keys.notebook_key(source, w), weights or weights_digest())[0]


def notebook(source, weights=None):
    """Ejecuta el cuaderno si no está en caché; devuelve ``(clave, estado)``."""
    from .notebooks import execute

    key = notebook_key(source, weights)
    path = notebook_path(source, key)
    if read_entry(path) is not None:
        return key, "en caché"
    data = execute(source)
    write_entry(path, data, f"guardar el cuaderno ejecutado «{path.name}»")
    prune(path.parent.parent)
    return key, "ejecutado"


def lab():
    """Genera los archivos del laboratorio si no están en caché; devuelve ``(clave, estado)``."""
    from ..reader.lab_export import lab_files

    _, status = lab_files()
    return keys.lab_key(weights_digest()), status
