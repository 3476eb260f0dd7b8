"""Dónde guarda la caché cada resultado del sitio: ``<caché>/<tipo>/<nombre>/<clave>/…``.

Solo rutas (sin importar nada pesado): lo usan el proceso de mkdocs, que lee
las entradas, y los trabajadores, que las escriben.
"""

from pathlib import Path

from ...cache import entry_dir

# Los archivos del laboratorio (``reader.lab_export``) y su ruta en el sitio
LAB_FILES = {"modelo.json": "laboratorio/modelo.json",
             "aleatorio.bin": "laboratorio/aleatorio.bin",
             "epocas.bin": "laboratorio/epocas.bin"}


def registry_path(key):
    return entry_dir("registro", "sitio", key) / "registro.json"


def figure_path(name, key, variant_suffix):
    return entry_dir("figures", name, key) / f"{name}{variant_suffix}.png"


def fact_path(name, key):
    return entry_dir("datos", name, key) / "valor.json"


def notebook_path(source, key):
    """``<caché>/notebooks/<nombre>/<clave>/<nombre>.ipynb``: el archivo conserva
    su nombre, que es el que recibe quien lo descarga."""
    source = Path(source)
    return entry_dir("notebooks", source.stem, key) / source.name


def lab_path(key, name="modelo.json"):
    return entry_dir("laboratorio", "modelo", key) / name
