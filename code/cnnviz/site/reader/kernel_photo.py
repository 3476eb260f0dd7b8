"""La foto del banco de núcleos (``filtros/camara.png``), publicada en on_files.

La genera ``cnnviz.kernel_photo`` y se guarda en la caché con una clave que
sale de su código (y el que importa) y de las versiones de las bibliotecas:
en caliente no se importa torch.
"""

import hashlib

from mkdocs.structure.files import File

from ... import kernel_photo
from ...cache import entry_dir, library_versions, prune, read_entry, write_entry
from ...deps import function_digest


def _key():
    digest, _ = function_digest("cnnviz.kernel_photo", "photo_png")
    text = "\0".join(["1", digest, library_versions()])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _check(data):
    try:
        kernel_photo.png_levels(data)
    except OSError as exc:   # PIL: no es un PNG
        raise ValueError(str(exc)) from exc


def add_kernel_photo(files, config):
    path = entry_dir("banco_nucleos", "camara", _key()) / "camara.png"
    data = read_entry(path, check=_check)
    if data is None:
        data = kernel_photo.photo_png()
        write_entry(path, data, "guardar la foto del banco de núcleos")
        prune(path.parent.parent)
    files.append(File.generated(config, kernel_photo.PHOTO_PATH, content=data))
    return files
