"""Resultados caros de las páginas de SqueezeNet, calculados una vez y guardados en disco.

La construcción dibuja cada figura en cuatro variantes y en procesos
distintos, y las frases de la página usan los mismos valores: cada
optimización se guarda en ``<caché>/<tipo>/<nombre>/<clave>/resultado.npz``
con una clave que sale de su código (la función, lo que usa de su módulo y
los módulos de cnnviz que importa, ver ``cnnviz.deps``) y de las versiones de
las bibliotecas. Un candado entre procesos hace que solo uno lo calcule; los
demás lo leen. Se calcula con un solo hilo de PyTorch: el mismo resultado en
cada construcción.
"""

import hashlib
import io
import resource

import numpy as np
import torch

from ..cache import entry_dir, file_lock, library_versions, prune, read_entry, write_entry
from ..deps import function_digest


def _cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def stored(kind, name, compute):
    """Resultado de ``compute()`` (dict de arrays), de la caché de disco si ya está.

    ``compute`` debe ser una función de nivel superior de su módulo (su código
    entra en la clave). El resultado lleva además ``cpu_seconds``, la CPU que
    costó calcularlo.
    """
    digest, _ = function_digest(compute.__module__, compute.__name__)
    key = hashlib.sha256(f"{digest};{library_versions()}".encode()).hexdigest()[:16]
    path = entry_dir(kind, name, key) / "resultado.npz"
    data = read_entry(path)
    if data is None:
        with file_lock(path.parent.with_name(key + ".lock"), f"calcular «{name}»"):
            data = read_entry(path)
            if data is None:
                data = _compute(compute)
                write_entry(path, data, f"guardar «{name}»")
                prune(path.parent.parent)
    with np.load(io.BytesIO(data)) as arrays:
        return {k: arrays[k] for k in arrays.files}


def _compute(compute):
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    start = _cpu_seconds()
    try:
        arrays = compute()
    finally:
        torch.set_num_threads(threads)
    arrays["cpu_seconds"] = np.array(_cpu_seconds() - start)
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()
