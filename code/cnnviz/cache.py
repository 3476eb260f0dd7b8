"""Carpeta de caché y huellas (hash) del código del que depende un resultado."""

import hashlib
import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def cache_dir(*parts):
    """Carpeta de caché: $CNNVIZ_CACHE o ``.cache/cnnviz`` junto al repositorio."""
    root = os.environ.get("CNNVIZ_CACHE")
    if root:
        base = Path(root)
    elif PACKAGE_DIR.parent.name == "code":          # instalación editable
        base = PACKAGE_DIR.parent.parent / ".cache" / "cnnviz"
    else:
        base = Path.home() / ".cache" / "cnnviz"
    path = base.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def module_path(module_name):
    """Ruta del archivo de un módulo del paquete, p. ej. ``"figures.teoria"``."""
    rel = Path(*module_name.split("."))
    for candidate in (PACKAGE_DIR / rel.with_suffix(".py"), PACKAGE_DIR / rel / "__init__.py"):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"el paquete cnnviz no tiene el módulo «{module_name}»")


def source_hash(module_names, *extra):
    """SHA-256 del código fuente de esos módulos y de los textos ``extra``."""
    h = hashlib.sha256()
    for name in sorted(set(module_names)):
        h.update(name.encode())
        h.update(module_path(name).read_bytes())
    for item in extra:
        h.update(str(item).encode())
    return h.hexdigest()


# Bibliotecas cuyos resultados entran en figuras, pesos y cuadernos: si cambia
# su versión, cambian las huellas y se regenera todo lo que dependa de ellas
LIBRARIES = ("torch", "numpy", "scipy", "matplotlib", "pillow", "scikit-image",
             "scikit-learn", "mlxtend", "captum")


def library_versions(names=LIBRARIES):
    """Texto con la versión instalada de cada biblioteca, p. ej. ``torch=2.13.0;…``."""
    from importlib.metadata import version
    return ";".join(f"{name}={version(name)}" for name in names)


def file_sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def atomic_write_bytes(path, data):
    """Escribe en un temporal y lo renombra: nunca queda un archivo a medias."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
