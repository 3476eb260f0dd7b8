"""Procesos de trabajo de la construcción: uno por núcleo.

Se crean con ``forkserver``: un proceso servidor importa una vez las
bibliotecas pesadas (torch, matplotlib…) y cada trabajador nace de él ya con
ellas cargadas. El código de ``cnnviz`` no se precarga: cada construcción lo
importa de nuevo, así que ``mkdocs serve`` usa siempre el código recién editado.
"""

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

PRELOAD = ["torch", "numpy", "scipy.stats", "scipy.ndimage", "matplotlib",
           "matplotlib.figure", "matplotlib.patches", "matplotlib.colors",
           "nbformat", "nbclient"]

# Variables que el trabajador toma del proceso de mkdocs en cada construcción
# (el servidor pudo arrancar en una construcción anterior, con otras)
ENVIRONMENT = ("CNNVIZ_CACHE", "SOURCE_DATE_EPOCH", "PYTHONPATH")


def _init(environment):
    for name in ENVIRONMENT:
        if name in environment:
            os.environ[name] = environment[name]
        else:
            os.environ.pop(name, None)


def _context():
    # Con dos núcleos, el entrenamiento (2 hilos de OpenMP), los cuadernos y las
    # figuras se reparten la máquina; los hilos de OpenMP que esperan girando
    # en vacío la hacían diez veces más lenta (un entrenamiento del cuaderno:
    # 36 s frente a 4). En espera pasiva ceden el núcleo. Lo hereda el servidor
    # de procesos al arrancar y, de él, los trabajadores y los núcleos de Jupyter.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(PRELOAD)
    return context


def warm_up():
    """Arranca ya el servidor de procesos (en segundo plano) para que la primera
    edición bajo ``mkdocs serve`` no espere a importar torch."""
    import threading
    from multiprocessing import forkserver

    _context()
    threading.Thread(target=forkserver.ensure_running, daemon=True).start()


def pool(max_workers=None):
    """Un ``ProcessPoolExecutor`` con un trabajador por núcleo."""
    context = _context()
    environment = {name: os.environ[name] for name in ENVIRONMENT if name in os.environ}
    return ProcessPoolExecutor(max_workers or os.cpu_count() or 1, mp_context=context,
                               initializer=_init, initargs=(environment,))


def stop(executor):
    """Detiene los trabajadores sin esperar a que terminen (la construcción falló)."""
    processes = list((getattr(executor, "_processes", None) or {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
