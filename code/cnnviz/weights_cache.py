"""Dónde se guardan los pesos entrenados y cómo se comprueban, sin importar torch.

Una versión de los pesos vive en ``<caché>/weights/digitcnn/<clave>/``:

- ``pesos.pt``: el ``state_dict`` final;
- ``epocas.pt``: los pesos al final de cada época (la 0 es la inicialización);
- ``meta.json``: exactitud, pérdidas… y ``sha256``, la huella de ``pesos.pt``.

La clave sale del código del que dependen los pesos (el cierre de
``cnnviz.training``) y de las versiones de las bibliotecas. La huella de los
pesos (``weights_digest``) entra en la clave de todo lo que usa la CNN
entrenada: si cambian los pesos, se rehace todo lo que depende de ellos.
"""

import hashlib
import json

from .cache import cache_root, file_lock, library_versions, log, read_entry
from .deps import closure, modules_digest

TRAINING_MODULE = "cnnviz.training"


def weights_key():
    """Huella del código y de las bibliotecas de los que dependen los pesos."""
    code = modules_digest(closure([TRAINING_MODULE]))
    return hashlib.sha256(f"{code};{library_versions()}".encode()).hexdigest()[:16]


def folder(key=None):
    return cache_root() / "weights" / "digitcnn" / (key or weights_key())


def paths(key=None):
    """Rutas de ``pesos.pt``, ``epocas.pt`` y ``meta.json`` de una versión."""
    base = folder(key)
    return base / "pesos.pt", base / "epocas.pt", base / "meta.json"


def lock(key=None):
    """Candado del entrenamiento: dos construcciones a la vez entrenan una sola vez."""
    base = folder(key)
    return file_lock(base.with_name(base.name + ".lock"), "entrenar la CNN")


def read_meta(key=None):
    """Metadatos de los pesos si las tres entradas están enteras; si no, None."""
    weights, epochs, meta_path = paths(key)
    raw = read_entry(meta_path)
    if raw is None:
        return None
    try:
        meta = json.loads(raw)
        expected = (meta["sha256"], meta["checkpoints_sha256"])
    except (ValueError, KeyError, TypeError):
        return None
    for path, digest in zip((weights, epochs), expected):
        data = read_entry(path)
        if data is None:
            return None
        if hashlib.sha256(data).hexdigest() != digest:
            log.warning("caché: %s no corresponde a %s, se reentrena", path, meta_path)
            return None
    return meta


def weights_digest(key=None):
    """SHA-256 de los pesos en caché (None si no hay pesos válidos)."""
    meta = read_meta(key)
    return meta["sha256"] if meta else None


def uses_weights(modules):
    """¿Usa la CNN entrenada un resultado que importa esos módulos?"""
    return TRAINING_MODULE in modules
