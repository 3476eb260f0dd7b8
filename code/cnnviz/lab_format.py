"""El formato del laboratorio del navegador, y ``export_lab`` para tu red.

El laboratorio (``docs/laboratorio/``) ejecuta en el navegador una red de la
familia ``DigitCNN``: ``conv1`` → ReLU → ``pool1`` → ``conv2`` → ReLU →
``pool2`` → aplanar → ``fc``, con cualquier número de canales y tamaño de
kernel, y opcionalmente normalización por lotes tras cada convolución
(``norm1``, ``norm2``) y dropout antes de ``fc`` (``drop``), como las variantes
de ``cnnviz.experiments.DigitCNNVariant``. La normalización por lotes se
integra en los pesos de su convolución (la red en modo evaluación calcula lo
mismo) y el dropout, que al evaluar no hace nada, desaparece.

Un modelo es un JSON (``model_dict``):

- la arquitectura capa a capa, leída de la red, con su forma de salida;
- los pesos en Float32 little-endian, en base64 (exactos);
- la normalización de la entrada, los parámetros de los métodos de atribución
  (``cnnviz.features.methods``) y dígitos de prueba (píxeles 0–255);
- opcionalmente, dentro del mismo JSON, los pesos al azar de la prueba de
  aleatorización (``"aleatorio"``) y los de cada época (``"pesos_epocas"``), en
  el contenedor binario de ``pack`` y en base64. El sitio publica esos dos como
  archivos aparte (``aleatorio.bin`` y ``epocas.bin``, ver
  ``cnnviz.site.reader.lab_export``).

El contenedor binario, comprimido con gzip: ``CNNV``, la longitud de una
cabecera JSON (uint32 little-endian), la cabecera, relleno hasta múltiplo de 4
y los datos; la cabecera da el nombre, la forma, el tipo y la posición de cada
tensor.

Para tu red: ``export_lab(model, "mi_red.json")`` o, desde la terminal,
``python -m cnnviz export-lab --out mi_red.json``; el archivo se carga en el
laboratorio con el botón «Cargar tu red».
"""

import base64
import copy
import gzip
import hashlib
import json
import struct
from collections import OrderedDict
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn

FORMAT = 2
MAGIC = b"CNNV"
LAYERS = ["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc.weight", "fc.bias"]
INPUT_SHAPE = (1, 28, 28)
N_CLASSES = 10


class LabFormatError(ValueError):
    """La red no es de la familia que sabe ejecutar el laboratorio."""


def _b64(array):
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


# --- La red de la familia DigitCNN, como secuencia de capas del laboratorio ----------

_FAMILY = "conv1, pool1, conv2, pool2 y fc (más norm1, norm2 y drop, opcionales)"


def _fold(conv, norm):
    """Una Conv2d equivalente a ``norm(conv(x))`` en modo evaluación (float32)."""
    folded = copy.deepcopy(conv).float()
    if norm is None or isinstance(norm, nn.Identity):
        return folded
    if not isinstance(norm, nn.BatchNorm2d) or not norm.track_running_stats or norm.running_var is None:
        raise LabFormatError(f"tras una convolución, el laboratorio solo sabe integrar nn.BatchNorm2d con "
                             f"medias móviles; llegó {norm}")
    with torch.no_grad():
        scale = (norm.weight if norm.affine else torch.ones_like(norm.running_var)) / torch.sqrt(
            norm.running_var.double() + norm.eps)
        shift = norm.bias.double() if norm.affine else torch.zeros_like(norm.running_mean, dtype=torch.float64)
        bias = conv.bias.double() if conv.bias is not None else torch.zeros_like(shift)
        folded.weight.copy_((conv.weight.double() * scale.double().view(-1, 1, 1, 1)).float())
        new_bias = ((bias - norm.running_mean.double()) * scale.double() + shift).float()
        if folded.bias is None:
            folded.bias = nn.Parameter(new_bias)
        else:
            folded.bias.copy_(new_bias)
    return folded


def as_lab_sequence(model):
    """La red como ``nn.Sequential`` de las capas que ejecuta el laboratorio.

    Nombres: conv1, relu1, pool1, conv2, relu2, pool2, flatten, fc. Comprueba
    que ``model`` sea de la familia ``DigitCNN`` y que la secuencia dé las
    mismas puntuaciones que ``model`` (en modo evaluación) con entradas al azar.
    """
    if not isinstance(model, nn.Module):
        raise LabFormatError(f"se esperaba una red de PyTorch (nn.Module); llegó {type(model).__name__}")
    kinds = {"conv1": nn.Conv2d, "pool1": nn.MaxPool2d, "conv2": nn.Conv2d, "pool2": nn.MaxPool2d,
             "fc": nn.Linear}
    for name, kind in kinds.items():
        if not isinstance(getattr(model, name, None), kind):
            raise LabFormatError(f"el laboratorio ejecuta redes de la familia DigitCNN ({_FAMILY}); "
                                 f"a esta red le falta «{name}» ({kind.__name__})")
    optional = {"norm1": (nn.BatchNorm2d, nn.Identity), "norm2": (nn.BatchNorm2d, nn.Identity),
                "drop": (nn.Dropout, nn.Identity)}
    for name, child in model.named_children():
        if name in kinds:
            continue
        if name not in optional or not isinstance(child, optional[name]):
            raise LabFormatError(f"el laboratorio no sabe ejecutar la capa «{name}» ({child}): "
                                 f"las redes de la familia DigitCNN tienen {_FAMILY}")
    norms = {name: getattr(model, name, None) for name in ("norm1", "norm2")}
    sequence = nn.Sequential(OrderedDict(
        conv1=_fold(model.conv1, norms["norm1"]), relu1=nn.ReLU(), pool1=copy.deepcopy(model.pool1),
        conv2=_fold(model.conv2, norms["norm2"]), relu2=nn.ReLU(), pool2=copy.deepcopy(model.pool2),
        flatten=nn.Flatten(), fc=copy.deepcopy(model.fc).float(),
    )).eval()
    _check_same_scores(model, sequence)
    return sequence


def _check_same_scores(model, sequence):
    was_training = model.training
    model.eval()
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(4, *INPUT_SHAPE, generator=generator)
    try:
        with torch.no_grad():
            expected = model(x).float()
            got = sequence(x)
    except RuntimeError as exc:
        raise LabFormatError(f"la red no acepta dígitos de 28×28 con las capas de DigitCNN: {exc}") from exc
    finally:
        model.train(was_training)
    if expected.shape != (4, N_CLASSES):
        raise LabFormatError(f"la red debe dar {N_CLASSES} puntuaciones por imagen; da {tuple(expected.shape[1:])}")
    scale = max(1.0, expected.abs().max().item())
    if (expected - got).abs().max().item() > 1e-4 * scale:
        raise LabFormatError("el forward de la red no es conv1 → ReLU → pool1 → conv2 → ReLU → pool2 → fc "
                             "(con las mismas capas, da otras puntuaciones): el laboratorio no puede ejecutarla")


def architecture(model, input_shape=INPUT_SHAPE):
    """Lista de capas de ``as_lab_sequence(model)`` con su tipo, parámetros y forma de salida."""
    layers = model if isinstance(model, nn.Sequential) else as_lab_sequence(model)
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
                    or k[0] != k[1] or not isinstance(p, tuple) or p[0] != p[1]
                    or module.padding_mode != "zeros"):
                raise LabFormatError(f"el laboratorio solo sabe hacer convoluciones cuadradas de "
                                     f"paso 1 con relleno de ceros; «{name}» es {module}")
            entry.update(tipo="conv", kernel=k[0], relleno=p[0],
                         pesos=f"{name}.weight", sesgo=f"{name}.bias")
        elif isinstance(module, nn.ReLU):
            entry.update(tipo="relu")
        elif isinstance(module, nn.MaxPool2d):
            k = module.kernel_size
            stride = module.stride if module.stride is not None else k
            if (k != stride or module.padding != 0 or module.dilation != 1 or module.ceil_mode
                    or not isinstance(k, int)):
                raise LabFormatError(f"el laboratorio solo sabe hacer max pooling cuadrado sin solape; «{name}» es {module}")
            entry.update(tipo="maxpool", ventana=k)
        elif isinstance(module, nn.Flatten):
            entry.update(tipo="flatten")
        elif isinstance(module, nn.Linear):
            entry.update(tipo="linear", pesos=f"{name}.weight", sesgo=f"{name}.bias")
        else:
            raise LabFormatError(f"el laboratorio no sabe ejecutar la capa «{name}» ({module})")
        result.append(entry)
    return result


def lab_weights(sequence):
    """Los pesos del laboratorio (``LAYERS``) de una secuencia: nombre -> float32 little-endian."""
    state = sequence.state_dict()
    missing = [name for name in LAYERS if name not in state]
    if missing:
        raise LabFormatError(f"faltan los pesos {', '.join(missing)} (¿convolución sin sesgo?)")
    return {name: state[name].detach().to(torch.float32).cpu().numpy().astype("<f4") for name in LAYERS}


def weights_digest(arrays):
    """Huella corta (16 cifras hexadecimales) de unos pesos."""
    h = hashlib.sha256()
    for name in LAYERS:
        h.update(name.encode())
        h.update(np.ascontiguousarray(arrays[name], "<f4").tobytes())
    return h.hexdigest()[:16]


# --- Métodos, dígitos y el JSON del modelo ---------------------------------------------

def method_parameters(mean, std):
    """Los parámetros de los métodos de atribución, los mismos que usa Python."""
    from .features import integrated_gradients as ig
    from .features import methods, smoothgrad

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


def test_digits(split):
    """El primer dígito de cada clase del conjunto de prueba, con sus píxeles 0–255."""
    digits = []
    labels = split.y_test.tolist()
    for digit in range(N_CLASSES):
        if digit not in labels:
            continue
        index = labels.index(digit)
        raw = split.x_test[index, 0].numpy().astype(np.float64) * split.std + split.mean
        pixels = np.clip(np.rint(raw * 255.0), 0, 255).astype(np.uint8)
        digits.append({"indice": index, "etiqueta": digit, "pixeles": _b64(pixels)})
    return digits


def model_dict(model, *, mean, std, key=None, accuracy=None, digits=(), epochs=None):
    """El diccionario de un modelo del laboratorio (sin los pesos al azar ni por época)."""
    from .features.sanity import CASCADE, THRESHOLD

    sequence = as_lab_sequence(model)
    arrays = lab_weights(sequence)
    return {
        "formato": FORMAT,
        "clave": key or weights_digest(arrays),
        "exactitud": accuracy,
        "media": float(mean),
        "desv": float(std),
        "entrada": list(INPUT_SHAPE),
        "arquitectura": architecture(sequence),
        "capas": {name: {"forma": list(a.shape), "datos": _b64(a)} for name, a in arrays.items()},
        "metodos": method_parameters(mean, std),
        "cascada": [list(layers) for layers in CASCADE],
        "umbral_cordura": THRESHOLD,
        "epocas": epochs,
        "digitos": list(digits),
    }


def decode_layer(entry):
    """Inversa de la exportación de una capa: un array float32 con su forma."""
    data = np.frombuffer(base64.b64decode(entry["datos"]), dtype="<f4")
    return data.reshape(entry["forma"])


def decode_pixels(entry):
    """Píxeles de un dígito exportado, en [0, 1], forma (28, 28)."""
    data = np.frombuffer(base64.b64decode(entry["pixeles"]), dtype=np.uint8)
    return data.reshape(28, 28).astype(np.float32) / 255.0


# --- Contenedor binario -------------------------------------------------------------

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


# --- Pesos al azar de la prueba de cordura ----------------------------------------------

def random_container(model, key, seed=0):
    """Cada capa de la cascada reiniciada al azar (``sanity.randomize``), en Float32 exacto.

    ``randomize`` reinicia las capas en el orden de la cascada tras fijar la
    semilla, así que cada paso repite los números del anterior y añade una
    capa: basta con guardar el último paso, que las tiene todas. Con
    normalización por lotes, la capa al azar se integra con la suya, como en
    la red aleatorizada de PyTorch.
    """
    from .features.sanity import CASCADE, randomize

    arrays = lab_weights(as_lab_sequence(randomize(model, CASCADE[-1], seed)))
    random = {f"{layer}.{kind}": arrays[f"{layer}.{kind}"]
              for layer in CASCADE[-1] for kind in ("weight", "bias")}
    header = {"formato": FORMAT, "clave": key, "semilla": seed,
              "cascada": [list(layers) for layers in CASCADE]}
    return pack(header, random)


# --- Pesos por época, cuantizados ---------------------------------------------------------

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


def epochs_container(model, checkpoints, accuracies, key):
    """Los pesos de las épocas 0 … E − 1 (int8 por canal) y las exactitudes de las E + 1.

    ``checkpoints``: los ``state_dict`` de ``model`` al final de cada época, de la
    0 (sin entrenar) a la E (la red que se exporta); ``accuracies``: la
    exactitud en prueba de cada uno.
    """
    if len(checkpoints) < 2 or len(accuracies) != len(checkpoints):
        raise LabFormatError(f"se esperaban al menos dos checkpoints (épocas 0 y 1) y una exactitud por "
                             f"checkpoint; llegaron {len(checkpoints)} y {len(accuracies)}")
    arrays = {}
    work = copy.deepcopy(model)
    for epoch, state in enumerate(checkpoints[:-1]):
        work.load_state_dict(state)
        weights = lab_weights(as_lab_sequence(work))
        for name in LAYERS:
            value = weights[name]
            if name.endswith(".weight"):
                q, scale = quantize(value)
                arrays[f"{epoch}/{name}"] = q
                arrays[f"{epoch}/{name}:escala"] = scale.astype("<f4")
            else:                                   # los sesgos, pocos, en float32
                arrays[f"{epoch}/{name}"] = value.astype("<f4")
    header = {"formato": FORMAT, "clave": key, "exactitudes": [float(a) for a in accuracies],
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


# --- Tu red -------------------------------------------------------------------------------

def lab_dict(model, *, checkpoints=None, accuracies=None, split=None, randomization=True):
    """El diccionario que escribe ``export_lab``, con los mismos argumentos (ver allí)."""
    from .data import load_mnist_split
    from .training import evaluate

    split = split if split is not None else load_mnist_split()
    was_training = model.training
    model.eval()
    try:
        accuracy = evaluate(model, split.x_test, split.y_test)["accuracy"]
        epochs = len(checkpoints) - 1 if checkpoints is not None else None
        data = model_dict(model, mean=split.mean, std=split.std, accuracy=float(accuracy),
                          digits=test_digits(split), epochs=epochs)
        if randomization:
            data["aleatorio"] = base64.b64encode(random_container(model, data["clave"])).decode("ascii")
        if checkpoints is not None:
            if accuracies is None:
                raise LabFormatError("con checkpoints hacen falta sus exactitudes (accuracies), una por época")
            data["pesos_epocas"] = base64.b64encode(
                epochs_container(model, checkpoints, accuracies, data["clave"])).decode("ascii")
    finally:
        model.train(was_training)
    return data


def export_lab(model, path, *, checkpoints=None, accuracies=None, split=None, randomization=True):
    """Escribe ``model`` (una red de la familia ``DigitCNN``) en un archivo del laboratorio.

    - ``path``: el archivo .json que se escribe.
    - ``checkpoints`` y ``accuracies`` (opcionales): los ``state_dict`` al final
      de cada época, de la 0 a la última, y su exactitud en prueba; con ellos
      el laboratorio repite el entrenamiento época a época.
    - ``split``: los datos (``load_mnist_split()`` por defecto) de los que salen
      la normalización, la exactitud en prueba y los diez dígitos de prueba.
    - ``randomization``: incluir las capas al azar de la prueba de
      aleatorización.

    Devuelve la ruta escrita. En el laboratorio del sitio, se carga con el
    botón «Cargar tu red»; el archivo no sale del navegador.
    """
    data = lab_dict(model, checkpoints=checkpoints, accuracies=accuracies, split=split,
                    randomization=randomization)
    path = Path(path)
    try:
        path.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    except OSError as exc:
        raise OSError(f"no se pudo escribir «{path}»: {exc.strerror or exc}") from exc
    return path


def model_from_state(state):
    """Una red de la familia ``DigitCNN`` con los pesos de ``state`` (un ``state_dict``).

    Los canales y los tamaños de kernel salen de las formas de los pesos; el
    relleno es el de ``DigitCNN`` (kernel // 2, para conservar el tamaño) y
    cada pooling es de 2×2. Con ``norm1.*``/``norm2.*``, normalización por lotes.
    """
    if not isinstance(state, dict):
        raise LabFormatError(f"se esperaba un state_dict (un diccionario de pesos); llegó {type(state).__name__}")
    needed = ["conv1.weight", "conv2.weight", "fc.weight"]
    missing = [name for name in needed if name not in state]
    if missing:
        raise LabFormatError(f"al state_dict le faltan {', '.join(missing)}: no es una red de la familia DigitCNN")
    c1, c2, fc = (tuple(state[name].shape) for name in needed)
    if len(c1) != 4 or len(c2) != 4 or len(fc) != 2 or c1[1] != 1 or c2[1] != c1[0]:
        raise LabFormatError(f"formas que no encajan con DigitCNN: conv1 {c1}, conv2 {c2}, fc {fc}")
    model = FamilyCNN(channels=(c1[0], c2[0]), kernels=(c1[2], c2[2]), n_classes=fc[0],
                      batch_norm="norm1.running_mean" in state)
    try:
        model.load_state_dict(state)
    except RuntimeError as exc:
        raise LabFormatError(f"los pesos no encajan con una DigitCNN de esas formas: {exc}") from exc
    return model.eval()


class FamilyCNN(nn.Module):
    """Una red de la familia ``DigitCNN`` con otros canales y kernels.

    Con ``channels=(16, 32)``, ``kernels=(5, 3)`` y sin ``batch_norm`` tiene las
    mismas capas que ``DigitCNN``; con ``batch_norm``, las de
    ``DigitCNNVariant(batch_norm=True)``.
    """

    def __init__(self, channels=(16, 32), kernels=(5, 3), n_classes=N_CLASSES, batch_norm=False):
        super().__init__()
        (c1, c2), (k1, k2) = channels, kernels
        if k1 % 2 == 0 or k2 % 2 == 0:
            raise LabFormatError(f"los kernels deben ser impares (relleno k // 2); llegaron {k1} y {k2}")
        self.conv1 = nn.Conv2d(1, c1, k1, padding=k1 // 2)
        self.norm1 = nn.BatchNorm2d(c1) if batch_norm else nn.Identity()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(c1, c2, k2, padding=k2 // 2)
        self.norm2 = nn.BatchNorm2d(c2) if batch_norm else nn.Identity()
        self.pool2 = nn.MaxPool2d(2)
        self.fc = nn.Linear(c2 * 7 * 7, n_classes)

    def forward(self, x):
        x = self.pool1(torch.relu(self.norm1(self.conv1(x))))
        x = self.pool2(torch.relu(self.norm2(self.conv2(x))))
        return self.fc(x.flatten(1))
