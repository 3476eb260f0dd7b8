"""Caché de resultados: carpeta, entradas con su SHA-256, candados y poda.

Cada entrada es un archivo más su huella (``<archivo>.sha256``). Al leerla se
comprueba la huella: una entrada dañada o a medias no se usa nunca (se avisa y
se regenera). Las entradas de un resultado viven en
``<caché>/<tipo>/<nombre>/<clave>/``; se guardan las ``KEEP`` más recientes,
así que deshacer una edición vuelve a una entrada que aún existe.
"""

import contextlib
import functools
import gzip
import hashlib
import json
import logging
import os
import shutil
import sys
import zlib
from pathlib import Path

from .errors import CnnvizError
from .png import check_png

PACKAGE_DIR = Path(__file__).resolve().parent
KEEP = 4          # versiones que se guardan de cada resultado

log = logging.getLogger("cnnviz.cache")


class CacheError(CnnvizError):
    """No se puede escribir en la caché (solo lectura, disco lleno…)."""


def cache_root():
    """Carpeta de caché: $CNNVIZ_CACHE o ``.cache/cnnviz`` junto al repositorio."""
    root = os.environ.get("CNNVIZ_CACHE")
    if root:
        return Path(root)
    if PACKAGE_DIR.parent.name == "code":          # instalación editable
        return PACKAGE_DIR.parent.parent / ".cache" / "cnnviz"
    return Path.home() / ".cache" / "cnnviz"


def cache_dir(*parts, step="preparar la caché"):
    """Carpeta ``<caché>/<parts…>``, creada si hace falta."""
    path = cache_root().joinpath(*parts)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cache_error(step, path, exc) from exc
    return path


def _cache_error(step, path, exc):
    reason = exc.strerror or str(exc)
    return CacheError(f"no se puede escribir en la caché al {step}: {path}: {reason}. "
                      "Libera espacio, revisa los permisos o elige otra carpeta con "
                      "la variable CNNVIZ_CACHE.")


# Bibliotecas cuyos resultados entran en figuras, pesos y cuadernos: si cambia
# su versión, cambian las huellas y se regenera todo lo que dependa de ellas
LIBRARIES = ("torch", "numpy", "scipy", "matplotlib", "pillow", "scikit-image",
             "scikit-learn", "mlxtend", "captum", "nbclient", "ipykernel")


@functools.cache
def library_versions(names=LIBRARIES):
    """Texto con la versión de Python y de cada biblioteca, p. ej. ``torch=2.13.0;…``."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(name):
        try:
            return version(name)
        except PackageNotFoundError:     # p. ej. ipykernel en el entorno de un lector
            return "no instalada"

    python = "python=" + ".".join(map(str, sys.version_info[:3]))
    return ";".join([python] + [f"{name}={installed(name)}" for name in names])


def atomic_write_bytes(path, data):
    """Escribe en un temporal y lo renombra: nunca queda un archivo a medias."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


# --- Entradas con huella ------------------------------------------------------

def entry_dir(kind, name, key):
    """``<caché>/<kind>/<name>/<key>``: las entradas de una versión de un resultado."""
    return cache_root() / kind / name / key


def _sidecar(path):
    return path.with_name(path.name + ".sha256")


def write_entry(path, data, step):
    """Guarda ``data`` y su SHA-256 (primero los datos: sin huella no hay entrada)."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)
        atomic_write_bytes(_sidecar(path), hashlib.sha256(data).hexdigest().encode())
    except OSError as exc:
        raise _cache_error(step, path, exc) from exc
    return path


def _check_json(data):
    json.loads(data)


def _check_gzip(data):
    if data[:2] != b"\x1f\x8b":
        raise ValueError("no es un archivo gzip")
    try:
        gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"gzip dañado: {exc}") from None


def _check_text(data):
    data.decode("utf-8")


# La comprobación de cada tipo de entrada, por su extensión: además de la huella,
# una entrada debe poder leerse (una huella correcta de un archivo basura no basta)
CHECKS = {".json": _check_json, ".ipynb": _check_json, ".png": check_png,
          ".bin": _check_gzip, ".html": _check_text}


def read_entry(path, check=None):
    """Bytes de la entrada si existe, su SHA-256 cuadra y se puede leer; si no, None.

    Según la extensión, el contenido debe ser JSON válido, un PNG que se
    decodifica, gzip o texto UTF-8 (``CHECKS``); ``check(datos)`` añade una
    comprobación propia. Una entrada dañada, a medias o que no pasa las
    comprobaciones (lanzan ``ValueError``) se anuncia en el registro y se trata
    como ausente: quien llama la regenera y la sobrescribe.
    """
    path = Path(path)
    sidecar = _sidecar(path)
    if not path.exists() and not sidecar.exists():
        return None
    try:
        data = path.read_bytes()
        expected = sidecar.read_text().strip()
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("caché: entrada incompleta, se regenera: %s (%s)", path,
                    exc.strerror if isinstance(exc, OSError) else exc)
        return None
    if hashlib.sha256(data).hexdigest() != expected:
        log.warning("caché: entrada dañada, se regenera: %s (el SHA-256 no coincide)", path)
        return None
    checks = [c for c in (CHECKS.get(path.suffix), check) if c is not None]
    for each in checks:
        try:
            each(data)
        except ValueError as exc:
            log.warning("caché: entrada no válida, se regenera: %s (%s)", path, exc)
            return None
    return data


def touch(path):
    """Marca una entrada como recién usada (para la poda); en solo lectura no hace nada."""
    with contextlib.suppress(OSError):
        os.utime(path)


def prune(folder, keep=KEEP):
    """Borra las versiones de ``folder`` salvo las ``keep`` usadas más recientemente."""
    try:
        versions = sorted((p for p in Path(folder).iterdir() if p.is_dir()),
                          key=lambda p: p.stat().st_mtime_ns, reverse=True)
    except OSError:
        return
    for old in versions[keep:]:
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def file_lock(path, step):
    """Candado entre procesos (``flock``): una sola construcción hace el trabajo."""
    import fcntl

    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+b")
    except OSError as exc:
        raise _cache_error(step, path, exc) from exc
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
