"""Entrenamiento y evaluación de ``DigitCNN``, con semilla y pesos en caché."""

import hashlib
import io
import json
import time
import warnings

# --8<-- [start:train_imports]
import sys

import torch
import torch.nn.functional as F
from tqdm import tqdm
# --8<-- [end:train_imports]

from . import weights_cache
from .cache import prune, read_entry, touch, write_entry
from .data import load_mnist_split
from .model import DigitCNN

# Hiperparámetros del modelo que usa todo el sitio
EPOCHS = 15
BATCH_SIZE = 64
MAX_LR = 5e-3
SEED = 0
MAX_SHIFT = 2   # desplazamiento aleatorio (píxeles) para aumentar los datos
# Los pesos en la CPU dependen del número de hilos (cambia el orden de las
# sumas): se entrena siempre con los mismos para que sean reproducibles
TRAIN_THREADS = 2


# --8<-- [start:train]
def train(model, x, y, epochs=EPOCHS, batch_size=BATCH_SIZE, max_lr=MAX_LR,
          seed=SEED, max_shift=MAX_SHIFT, progress=None, on_epoch=None):
    """Entrena ``model`` con Adam y entropía cruzada; devuelve la pérdida por lote.

    Cada lote se desplaza al azar hasta ``max_shift`` píxeles (aumento de
    datos). Todo el azar sale de generadores con semilla: en la CPU, dos
    ejecuciones dan los mismos pesos. Si se da ``on_epoch``, se llama con
    ``(época, modelo)`` al terminar cada época (1, 2, …).
    """
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    steps_per_epoch = -(-len(x) // batch_size)
    opt = torch.optim.Adam(model.parameters(), lr=max_lr / 10)
    sched = torch.optim.lr_scheduler.OneCycleLR(
        opt, max_lr=max_lr, total_steps=epochs * steps_per_epoch)
    if progress is None:
        progress = sys.stderr.isatty()
    losses = []
    bar = tqdm(total=epochs * steps_per_epoch, disable=not progress, desc="entrenando",
               unit="lote")
    for epoch in range(1, epochs + 1):
        model.train()
        order = torch.randperm(len(x), generator=gen)
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            xb, yb = x[idx], y[idx]                       # (B, 1, 28, 28), (B,)
            if max_shift:
                dy, dx = torch.randint(-max_shift, max_shift + 1, (2,), generator=gen).tolist()
                xb = torch.roll(xb, shifts=(dy, dx), dims=(2, 3))
            loss = F.cross_entropy(model(xb), yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            losses.append(loss.item())
            bar.update(1)
        if on_epoch is not None:
            on_epoch(epoch, model)
    bar.close()
    model.eval()
    return losses
# --8<-- [end:train]


# --8<-- [start:evaluate]
@torch.no_grad()
def evaluate(model, x, y, n_classes=10, batch_size=500):
    """Exactitud global, exactitud por clase y matriz de confusión.

    ``confusion[i, j]`` cuenta las imágenes de clase real ``i`` que el modelo
    predijo como ``j``.
    """
    model.eval()
    preds = torch.cat([model(x[i:i + batch_size]).argmax(1)
                       for i in range(0, len(x), batch_size)])
    confusion = torch.zeros(n_classes, n_classes, dtype=torch.long)
    for real, pred in zip(y.tolist(), preds.tolist()):
        confusion[real, pred] += 1
    per_class = confusion.diag().float() / confusion.sum(1).clamp(min=1).float()
    accuracy = confusion.diag().sum().item() / max(len(y), 1)
    return {"accuracy": accuracy, "per_class": per_class.tolist(),
            "confusion": confusion.tolist(), "predictions": preds}
# --8<-- [end:evaluate]


def load_weights(model, state_dict):
    """Carga pesos comprobando nombre y forma de cada capa.

    Si no encajan, el error dice qué capa difiere (en lugar del mensaje
    genérico de PyTorch).
    """
    own = model.state_dict()
    for name in sorted(set(own) | set(state_dict)):
        if name not in state_dict:
            raise ValueError(f"a los pesos les falta la capa «{name}» que tiene el modelo")
        if name not in own:
            raise ValueError(f"los pesos traen la capa «{name}», que el modelo no tiene")
        if own[name].shape != state_dict[name].shape:
            raise ValueError(f"la capa «{name}» difiere: el modelo espera "
                             f"{tuple(own[name].shape)} y los pesos tienen "
                             f"{tuple(state_dict[name].shape)}")
    model.load_state_dict(state_dict)
    return model


def weights_key():
    """Huella del código (cierre de ``cnnviz.training``) y de las bibliotecas de los pesos."""
    return weights_cache.weights_key()


def _cache_paths():
    """Rutas de los pesos finales y de sus metadatos en la caché."""
    weights, _, meta = weights_cache.paths()
    return weights, meta


def _checkpoints_path():
    """Pesos al final de cada época (la 0 es la inicialización), junto a los finales."""
    return weights_cache.paths()[1]


def _read_cache():
    """Modelo y metadatos de la caché, o None si faltan o están dañados."""
    meta = weights_cache.read_meta()
    if meta is None:
        return None
    weights_path = weights_cache.paths()[0]
    try:
        state = torch.load(weights_path, weights_only=True)
        model = load_weights(DigitCNN(), state).eval()
    except Exception as exc:   # caché ilegible: se avisa y se reentrena
        warnings.warn(f"caché de pesos inválida ({weights_path}): {exc}; se reentrena")
        return None
    return model, meta


def train_and_cache(progress=None):
    """Entrena ``DigitCNN`` con MNIST y guarda pesos + métricas en la caché."""
    split = load_mnist_split()
    torch.manual_seed(SEED)
    model = DigitCNN()
    before = evaluate(model, split.x_test, split.y_test)["accuracy"]
    checkpoints = [_snapshot(model)]
    epoch_accuracy = [before]

    def record_epoch(epoch, model):
        checkpoints.append(_snapshot(model))
        epoch_accuracy.append(evaluate(model, split.x_test, split.y_test)["accuracy"])

    threads = torch.get_num_threads()
    torch.set_num_threads(TRAIN_THREADS)
    try:
        start = time.perf_counter()
        losses = train(model, split.x_train, split.y_train, epochs=EPOCHS, progress=progress,
                       on_epoch=record_epoch)
        seconds = time.perf_counter() - start
    finally:
        torch.set_num_threads(threads)
    result = evaluate(model, split.x_test, split.y_test)
    meta = {
        "key": weights_key(),
        "accuracy_before": before,
        "accuracy": result["accuracy"],
        "per_class": result["per_class"],
        "confusion": result["confusion"],
        "losses": losses,
        "train_seconds": seconds,
        "n_train": len(split.y_train),
        "n_test": len(split.y_test),
        "epoch_accuracy": epoch_accuracy,     # exactitud en prueba tras cada época (0..EPOCHS)
    }
    return model, store_weights(model, checkpoints, meta)


def store_weights(model, checkpoints, meta):
    """Guarda en la caché los pesos, los de cada época y los metadatos (con sus huellas).

    Devuelve los metadatos completados con ``sha256`` (la huella de los pesos,
    que entra en la clave de todo lo que los usa) y ``checkpoints_sha256``.
    """
    weights_path, checkpoints_path, meta_path = weights_cache.paths()
    data, checkpoint_data = _serialize(model.state_dict()), _serialize(checkpoints)
    meta = {**meta, "sha256": hashlib.sha256(data).hexdigest(),
            "checkpoints_sha256": hashlib.sha256(checkpoint_data).hexdigest()}
    step = "guardar los pesos entrenados"
    # Primero los pesos, luego los metadatos: sin metadatos válidos no hay caché
    write_entry(checkpoints_path, checkpoint_data, step)
    write_entry(weights_path, data, step)
    write_entry(meta_path, json.dumps(meta).encode(), step)
    prune(weights_path.parent.parent)
    return meta


def _serialize(obj):
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


def _snapshot(model):
    """Copia de los pesos de ``model`` (no cambia con el entrenamiento posterior)."""
    return {name: tensor.detach().clone() for name, tensor in model.state_dict().items()}


def trained_model(progress=None):
    """El modelo entrenado que comparten todas las páginas (entrena si hace falta).

    Devuelve ``(modelo, metadatos)``; los metadatos incluyen la exactitud, la
    curva de pérdida y el tiempo de entrenamiento. Si dos procesos lo piden a la
    vez con la caché vacía, uno entrena y el otro espera y usa sus pesos.
    """
    cached = _read_cache()
    if cached is not None:
        touch(weights_cache.folder())
        return cached
    with weights_cache.lock():
        cached = _read_cache()      # quizá otro proceso acaba de entrenar
        if cached is not None:
            return cached
        return train_and_cache(progress=progress)


def trained_checkpoints():
    """Pesos de la CNN del sitio al final de cada época, de la 0 (sin entrenar) a EPOCHS.

    Devuelve ``(checkpoints, exactitudes)``: una lista de ``state_dict`` y la
    exactitud en prueba de cada uno. El último es el modelo de ``trained_model()``.
    """
    _, meta = trained_model()
    data = read_entry(_checkpoints_path())
    if data is None or hashlib.sha256(data).hexdigest() != meta["checkpoints_sha256"]:
        raise RuntimeError(f"los pesos por época de la caché cambiaron: {_checkpoints_path()}")
    checkpoints = torch.load(io.BytesIO(data), weights_only=True)
    return checkpoints, meta["epoch_accuracy"]
