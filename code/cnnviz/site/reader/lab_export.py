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

Los ``.bin`` son un contenedor sencillo comprimido con gzip: ``CNNV``, la
longitud de una cabecera JSON (uint32 little-endian), la cabecera, relleno
hasta múltiplo de 4 y los datos; la cabecera da el nombre, la forma, el tipo
y la posición de cada tensor. Los tres se guardan juntos en la caché con una
clave que sale del código (este módulo y lo que importa), de las bibliotecas
y de la huella de los pesos (``keys.lab_key``).
"""

import base64
import gzip
import json
import struct

import numpy as np

from ...cache import prune, read_entry, write_entry

LAYERS = ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc.weight", "fc.bias"]
FORMAT = 2
MAGIC = b"CNNV"


def _b64(array):
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


# --- La arquitectura, leída de la red ---------------------------------------

def architecture(model, input_shape=(1, 28, 28)):
    """Lista de capas de ``as_sequential(model)`` con su tipo, parámetros y forma de salida."""
    import torch
    import torch.nn as nn

    from ...features.layers import as_sequential

    layers = as_sequential(model)
    shapes = {}
    hooks = [module.register_forward_hook(
        lambda module, inputs, output, name=name: shapes.__setitem__(name, list(output.shape[1:])))
        for name, module in layers.named_children()]
    try:
        with torch.no_grad():
            layers(torch.zeros(1, *input_shape))
    finally:
        for hook in hooks:
            hook.remove()
    result = []
    for name, module in layers.named_children():
        entry = {"nombre": name, "salida": shapes[name]}
        if isinstance(module, nn.Conv2d):
            k, p = module.kernel_size, module.padding
            if (module.stride != (1, 1) or module.dilation != (1, 1) or module.groups != 1
                    or k[0] != k[1] or p[0] != p[1]):
                raise ValueError(f"el laboratorio solo sabe hacer convoluciones cuadradas de "
                                 f"paso 1; «{name}» es {module}")
            entry.update(tipo="conv", kernel=k[0], relleno=p[0],
                         pesos=f"{name}.weight", sesgo=f"{name}.bias")
        elif isinstance(module, nn.ReLU):
            entry.update(tipo="relu")
        elif isinstance(module, nn.MaxPool2d):
            if module.stride != module.kernel_size or module.padding != 0:
                raise ValueError(f"el laboratorio solo sabe hacer max pooling sin solape; «{name}»")
            entry.update(tipo="maxpool", ventana=module.kernel_size)
        elif isinstance(module, nn.Flatten):
            entry.update(tipo="flatten")
        elif isinstance(module, nn.Linear):
            entry.update(tipo="linear", pesos=f"{name}.weight", sesgo=f"{name}.bias")
        else:
            raise ValueError(f"el laboratorio no sabe ejecutar la capa «{name}» ({module})")
        result.append(entry)
    return result


def method_parameters(mean, std):
    """Los parámetros de los métodos de atribución, los mismos que usa Python."""
    from ...features import integrated_gradients as ig
    from ...features import methods, smoothgrad

    return {
        "smoothgrad": {"muestras": smoothgrad.SAMPLES, "sigma": smoothgrad.NOISE_LEVEL / std,
                       "semilla": smoothgrad.SEED},
        "integrados": {"pasos": ig.STEPS, "lineas_base": {
            "negra": {}, "difuminada": {"sigma": ig.BLUR_SIGMA}, "ruido": {"semilla": ig.NOISE_SEED}}},
        "gradcam": {"capa": "relu2"},
        "oclusion": {"parche": methods.OCCLUSION_PATCH, "paso": methods.OCCLUSION_STRIDE},
        "etiquetas": methods.NAMES,                 # en el orden en que se muestran
        "con_signo": list(methods.SIGNED),
    }


def build_export():
    """El diccionario que se publica como ``modelo.json``."""
    import torch

    from ...data import load_mnist_split
    from ...features.sanity import CASCADE, THRESHOLD
    from ...training import EPOCHS, trained_model, weights_key

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
        "formato": FORMAT,
        "clave": weights_key(),
        "exactitud": meta["accuracy"],
        "media": split.mean,
        "desv": split.std,
        "entrada": [1, 28, 28],
        "arquitectura": architecture(model),
        "capas": capas,
        "metodos": method_parameters(split.mean, split.std),
        "cascada": [list(layers) for layers in CASCADE],
        "umbral_cordura": THRESHOLD,
        "epocas": EPOCHS,
        "digitos": digitos,
    }


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


def decode_layer(entry):
    """Inversa de la exportación de una capa: un array float32 con su forma."""
    data = np.frombuffer(base64.b64decode(entry["datos"]), dtype="<f4")
    return data.reshape(entry["forma"])


def decode_pixels(entry):
    """Píxeles de un dígito exportado, en [0, 1], forma (28, 28)."""
    data = np.frombuffer(base64.b64decode(entry["pixeles"]), dtype=np.uint8)
    return data.reshape(28, 28).astype(np.float32) / 255.0


# --- Contenedor binario -------------------------------------------------------

def pack(header, arrays):
    """``header`` (dict) y ``arrays`` (nombre -> array little-endian) en un contenedor."""
    tensors, chunks, offset = [], [], 0
    for name, array in arrays.items():
        array = np.ascontiguousarray(array)
        kind = {np.dtype("<f4"): "f32", np.dtype("int8"): "i8"}[array.dtype]
        tensors.append({"nombre": name, "tipo": kind, "forma": list(array.shape),
                        "desplazamiento": offset, "bytes": array.nbytes})
        chunk = array.tobytes()
        chunk += b"\0" * (-len(chunk) % 4)          # cada tensor empieza en múltiplo de 4
        chunks.append(chunk)
        offset += len(chunk)
    head = json.dumps({**header, "tensores": tensors}, separators=(",", ":")).encode()
    head += b" " * (-(len(head) + 8) % 4)
    data = MAGIC + struct.pack("<I", len(head)) + head + b"".join(chunks)
    # Comprimido: los servidores (GitHub Pages) no comprimen los .bin. Sin fecha,
    # para que dos construcciones den los mismos bytes
    return gzip.compress(data, 9, mtime=0)


def unpack(data):
    """Inversa de ``pack``: (cabecera, nombre -> array)."""
    data = gzip.decompress(data)
    if data[:4] != MAGIC:
        raise ValueError("no es un contenedor del laboratorio (falta la marca CNNV)")
    (length,) = struct.unpack("<I", data[4:8])
    header = json.loads(data[8:8 + length])
    body = data[8 + length:]
    arrays = {}
    for t in header["tensores"]:
        dtype = {"f32": "<f4", "i8": "int8"}[t["tipo"]]
        raw = body[t["desplazamiento"]:t["desplazamiento"] + t["bytes"]]
        arrays[t["nombre"]] = np.frombuffer(raw, dtype=dtype).reshape(t["forma"])
    return header, arrays


# --- Pesos al azar de la prueba de cordura --------------------------------------

def build_random():
    """``aleatorio.bin``: cada capa de la cascada reiniciada al azar, en Float32 exacto.

    ``randomize`` reinicia las capas en el orden de la cascada tras fijar la
    semilla, así que cada paso repite los números del anterior y añade una
    capa: basta con guardar el último paso, que las tiene todas.
    """
    from ...features.sanity import CASCADE, randomize
    from ...training import trained_model, weights_key

    model, _ = trained_model()
    seed = 0
    last = randomize(model, CASCADE[-1], seed).state_dict()
    arrays = {}
    for layer in CASCADE[-1]:
        for kind in ("weight", "bias"):
            arrays[f"{layer}.{kind}"] = last[f"{layer}.{kind}"].numpy().astype("<f4")
    header = {"formato": FORMAT, "clave": weights_key(), "semilla": seed,
              "cascada": [list(layers) for layers in CASCADE]}
    return pack(header, arrays)


# --- Pesos por época, cuantizados -------------------------------------------------

def quantize(weight):
    """int8 con una escala por canal de salida: w ≈ q · escala, q entre −127 y 127.

    escala = max|w| del canal / 127, así que el error de cada peso es como
    mucho media escala: |w − q · escala| ≤ escala / 2 (más el redondeo de
    float32 al multiplicar). Devuelve (q, escalas float32).
    """
    w = np.asarray(weight, dtype=np.float64).reshape(len(weight), -1)
    scale = (np.abs(w).max(axis=1) / 127).astype(np.float32)
    safe = np.where(scale > 0, scale, 1).astype(np.float64)
    q = np.clip(np.rint(w / safe[:, None]), -127, 127).astype(np.int8)
    return q.reshape(np.shape(weight)), scale


def dequantize(q, scale):
    """Los pesos que usa el navegador: q · escala en float32."""
    shape = q.shape
    flat = q.reshape(len(q), -1).astype(np.float32) * scale[:, None].astype(np.float32)
    return flat.reshape(shape)


def build_epochs():
    """``epocas.bin``: pesos de las épocas 0 … EPOCHS − 1 (int8 por canal) y las exactitudes."""
    from ...training import trained_checkpoints, weights_key

    checkpoints, accuracies = trained_checkpoints()
    arrays = {}
    for epoch, state in enumerate(checkpoints[:-1]):
        for name in LAYERS:
            value = state[name].numpy()
            if name.endswith(".weight"):
                q, scale = quantize(value)
                arrays[f"{epoch}/{name}"] = q
                arrays[f"{epoch}/{name}:escala"] = scale.astype("<f4")
            else:                                   # los sesgos, pocos, en float32
                arrays[f"{epoch}/{name}"] = value.astype("<f4")
    header = {"formato": FORMAT, "clave": weights_key(), "exactitudes": accuracies,
              "cuantizadas": list(range(len(checkpoints) - 1)),
              "cuantizacion": "int8 con una escala por canal de salida; error <= escala / 2"}
    return pack(header, arrays)


def epoch_state(header, arrays, epoch):
    """Los pesos (float32) de la época ``epoch`` tal como los usa el navegador."""
    state = {}
    for name in LAYERS:
        value = arrays[f"{epoch}/{name}"]
        if name.endswith(".weight"):
            value = dequantize(value, arrays[f"{epoch}/{name}:escala"])
        state[name] = value
    return state
