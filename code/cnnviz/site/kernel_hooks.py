"""Gancho de mkdocs: la foto del banco de núcleos (``filtros/camara.png``).

La genera ``cnnviz.kernel_photo`` y se guarda en la caché con una clave que
sale de su código (y el que importa) y de las versiones de las bibliotecas:
en caliente no se importa torch.
"""

import hashlib
import importlib

from mkdocs.structure.files import File


def _key():
    deps = importlib.import_module("cnnviz.deps")
    cache = importlib.import_module("cnnviz.cache")
    digest, _ = deps.function_digest("cnnviz.kernel_photo", "photo_png")
    text = "\0".join(["1", digest, cache.library_versions()])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _check(kernel_photo):
    def check(data):
        try:
            kernel_photo.png_levels(data)
        except OSError as exc:   # PIL: no es un PNG
            raise ValueError(str(exc)) from exc
    return check


def on_files(files, config):
    cache = importlib.import_module("cnnviz.cache")
    kernel_photo = importlib.import_module("cnnviz.kernel_photo")
    path = cache.entry_dir("banco_nucleos", "camara", _key()) / "camara.png"
    data = cache.read_entry(path, check=_check(kernel_photo))
    if data is None:
        data = kernel_photo.photo_png()
        cache.write_entry(path, data, "guardar la foto del banco de núcleos")
        cache.prune(path.parent.parent)
    files.append(File.generated(config, kernel_photo.PHOTO_PATH, content=data))
    return files
