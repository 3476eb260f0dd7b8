"""Exporta la CNN entrenada para el laboratorio del navegador (``laboratorio/modelo.json``).

El JSON lleva:

- ``clave``: la huella de los pesos (``training.weights_key()``);
- ``media`` y ``desv``: la normalización del entrenamiento;
- ``capas``: cada tensor del ``state_dict`` con su forma y sus valores como
  Float32 little-endian en base64 (exactos y compactos);
- ``digitos``: un dígito de prueba por clase, con sus píxeles originales
  (enteros de 0 a 255, base64) y su índice en ``split.x_test``.

Se guarda en la caché con una huella de los pesos y de este módulo: generarlo
pide cargar MNIST, que tarda un par de segundos.
"""

import base64
import json

import numpy as np

from ..cache import atomic_write_bytes, cache_dir, source_hash

LAB_PATH = "laboratorio/modelo.json"
LAYERS = ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc.weight", "fc.bias"]


def _b64(array):
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def build_export():
    """El diccionario que se publica como ``modelo.json``."""
    import torch

    from ..data import load_mnist_split
    from ..training import trained_model, weights_key

    model, meta = trained_model()
    split = load_mnist_split()
    state = model.state_dict()
    capas = {}
    for name in LAYERS:
        tensor = state[name].detach().to(torch.float32).cpu().numpy()
        capas[name] = {"forma": list(tensor.shape), "datos": _b64(tensor.astype("<f4"))}
    digitos = []
    labels = split.y_test.tolist()
    for digit in range(10):
        index = labels.index(digit)   # el primero de cada clase en el conjunto de prueba
        raw = split.x_test[index, 0].numpy().astype(np.float64) * split.std + split.mean
        pixels = np.clip(np.rint(raw * 255.0), 0, 255).astype(np.uint8)
        digitos.append({"indice": index, "etiqueta": digit, "pixeles": _b64(pixels)})
    return {
        "clave": weights_key(),
        "exactitud": meta["accuracy"],
        "media": split.mean,
        "desv": split.std,
        "capas": capas,
        "digitos": digitos,
    }


def export_hash():
    from ..training import weights_key
    return source_hash(["site.lab_export", "data"], weights_key())[:16]


def lab_json():
    """Los bytes de ``modelo.json`` (de la caché si los pesos no han cambiado)."""
    folder = cache_dir("lab")
    path = folder / f"modelo-{export_hash()}.json"
    if path.is_file():
        return path.read_bytes(), "en caché"
    data = json.dumps(build_export(), separators=(",", ":")).encode()
    atomic_write_bytes(path, data)
    for old in folder.glob("modelo-*.json"):
        if old != path:
            old.unlink(missing_ok=True)
    return data, "generado"


def decode_layer(entry):
    """Inversa de la exportación de una capa: un array float32 con su forma."""
    data = np.frombuffer(base64.b64decode(entry["datos"]), dtype="<f4")
    return data.reshape(entry["forma"])


def decode_pixels(entry):
    """Píxeles de un dígito exportado, en [0, 1], forma (28, 28)."""
    data = np.frombuffer(base64.b64decode(entry["pixeles"]), dtype=np.uint8)
    return data.reshape(28, 28).astype(np.float32) / 255.0
