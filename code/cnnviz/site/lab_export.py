"""Exporta la CNN entrenada para el laboratorio del navegador (``laboratorio/modelo.json``).

El JSON lleva:

- ``clave``: la huella de los pesos (``training.weights_key()``);
- ``media`` y ``desv``: la normalización del entrenamiento;
- ``capas``: cada tensor del ``state_dict`` con su forma y sus valores como
  Float32 little-endian en base64 (exactos y compactos);
- ``digitos``: un dígito de prueba por clase, con sus píxeles originales
  (enteros de 0 a 255, base64) y su índice en ``split.x_test``.

Se guarda en la caché con una huella de los pesos y del código: generarlo
pide cargar MNIST, que tarda un par de segundos.
"""

import base64
import json

import numpy as np

from ..cache import prune, read_entry, write_entry

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


def lab_json():
    """Los bytes de ``modelo.json`` y su estado ("en caché" o "generado").

    La clave (``keys.lab_key``) sale del código de este módulo y de lo que
    importa, de las bibliotecas y de la huella de los pesos: otros pesos, otro
    ``modelo.json``.
    """
    from ..training import trained_model
    from ..weights_cache import weights_digest
    from .entries import lab_path
    from .keys import lab_key

    _, meta = trained_model()
    key = lab_key(meta["sha256"])
    path = lab_path(key)
    data = read_entry(path)
    if data is not None:
        return data, "en caché"
    data = json.dumps(build_export(), separators=(",", ":")).encode()
    if weights_digest() != meta["sha256"]:
        raise RuntimeError("los pesos de la caché cambiaron mientras se exportaban")
    write_entry(path, data, f"guardar {LAB_PATH}")
    prune(path.parent.parent)
    return data, "generado"


def decode_layer(entry):
    """Inversa de la exportación de una capa: un array float32 con su forma."""
    data = np.frombuffer(base64.b64decode(entry["datos"]), dtype="<f4")
    return data.reshape(entry["forma"])


def decode_pixels(entry):
    """Píxeles de un dígito exportado, en [0, 1], forma (28, 28)."""
    data = np.frombuffer(base64.b64decode(entry["pixeles"]), dtype=np.uint8)
    return data.reshape(28, 28).astype(np.float32) / 255.0
