"""Exporta la CNN entrenada para el laboratorio del navegador.

Tres archivos junto a ``laboratorio/index.md``:

- ``modelo.json``: la arquitectura (capa a capa, leída de la red, con sus
  formas), los pesos entrenados (Float32 little-endian en base64, exactos),
  la normalización, los parámetros de los métodos de atribución
  (``cnnviz.features.methods``) y diez dígitos de prueba (píxeles 0–255).
- ``aleatorio.bin``: las capas reiniciadas al azar de la prueba de cordura
  (``cnnviz.features.sanity.randomize``, semilla fija), en Float32 exacto:
  el navegador y PyTorch aleatorizan con los mismos números.
- ``epocas.bin``: los pesos al final de cada época, de la 0 (sin entrenar) a
  la penúltima (la última es la de ``modelo.json``), en int8 con una escala
  por canal de salida (ver ``quantize``).

El formato (el JSON, el contenedor de los ``.bin`` y la cuantización) es el de
``cnnviz.lab_format``, el mismo con el que ``export_lab`` escribe la red del
lector; aquí solo se le pasa la red del sitio. Los tres se guardan juntos en la
caché con una clave que sale del código (este módulo y lo que importa), de las
bibliotecas y de la huella de los pesos (``keys.lab_key``).
"""

import json

from ...cache import prune, read_entry, write_entry
from ...lab_format import epochs_container, model_dict, random_container, test_digits


def build_export():
    """El diccionario que se publica como ``modelo.json``."""
    from ...data import load_mnist_split
    from ...training import EPOCHS, trained_model, weights_key

    model, meta = trained_model()
    split = load_mnist_split()
    return model_dict(model, mean=split.mean, std=split.std, key=weights_key(),
                      accuracy=meta["accuracy"], digits=test_digits(split), epochs=EPOCHS)


def lab_files():
    """Los archivos del laboratorio, ``{nombre: bytes}``, y su estado ("en caché" o "generado").

    Otros pesos, otro código de este módulo (o de lo que importa) u otras
    bibliotecas dan otra clave: se regeneran los tres juntos.
    """
    from ...training import trained_model
    from ...weights_cache import weights_digest
    from ..build.entries import LAB_FILES, lab_path
    from ..build.keys import lab_key

    _, meta = trained_model()
    key = lab_key(meta["sha256"])
    found = {name: read_entry(lab_path(key, name)) for name in LAB_FILES}
    if all(data is not None for data in found.values()):
        return found, "en caché"
    data = {"modelo.json": json.dumps(build_export(), separators=(",", ":")).encode(),
            "aleatorio.bin": build_random(),
            "epocas.bin": build_epochs()}
    if weights_digest() != meta["sha256"]:
        raise RuntimeError("los pesos de la caché cambiaron mientras se exportaban")
    for name, content in data.items():
        write_entry(lab_path(key, name), content, f"guardar laboratorio/{name}")
    prune(lab_path(key).parent.parent)
    return data, "generado"


def build_random():
    """``aleatorio.bin``: cada capa de la cascada reiniciada al azar, en Float32 exacto."""
    from ...training import trained_model, weights_key

    model, _ = trained_model()
    return random_container(model, weights_key())


def build_epochs():
    """``epocas.bin``: pesos de las épocas 0 … EPOCHS − 1 (int8 por canal) y las exactitudes."""
    from ...training import trained_checkpoints, trained_model, weights_key

    model, _ = trained_model()
    checkpoints, accuracies = trained_checkpoints()
    return epochs_container(model, checkpoints, accuracies, weights_key())
