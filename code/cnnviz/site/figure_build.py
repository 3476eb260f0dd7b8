"""Genera las figuras del registro en PNG, con caché por huella (hash)."""

import struct
from pathlib import Path

import torch
from matplotlib.figure import Figure

from ..cache import atomic_write_bytes, cache_dir, library_versions, source_hash
from ..figures import FIGURES
from ..figures.style import png_bytes


class FigureError(RuntimeError):
    """Una función de figura falló o no devolvió una Figure."""


def figure_hash(spec):
    """Huella de todo lo que determina la imagen de ``spec``."""
    modules = [spec.module, "figures.style", *spec.deps]
    return source_hash(modules, spec.name, spec.func.__qualname__, library_versions())[:16]


def render_figure(spec, out_dir=None):
    """Devuelve ``(ruta, estado)``; estado es "generada" o "en caché".

    Si la función falla, lanza ``FigureError`` con el nombre de la figura y
    no escribe nada: nunca se publica una imagen vieja.
    """
    out_dir = Path(out_dir) if out_dir else cache_dir("figures")
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{spec.name}-{figure_hash(spec)}.png"
    if path.is_file():
        return path, "en caché"
    # Con varios hilos, las convoluciones de PyTorch en la CPU pueden sumar en
    # otro orden y cambiar el último bit: con uno, la imagen es reproducible.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        fig = spec.func()
        if not isinstance(fig, Figure):
            raise TypeError(f"devolvió {type(fig).__name__}, no una matplotlib.figure.Figure")
        data = png_bytes(fig)     # dibujar también puede fallar (textos, márgenes)
    except Exception as exc:
        raise FigureError(f"la figura «{spec.name}» ({spec.module}.{spec.func.__name__}) "
                          f"falló: {type(exc).__name__}: {exc}") from exc
    finally:
        torch.set_num_threads(threads)
    atomic_write_bytes(path, data)
    for old in out_dir.glob(f"{spec.name}-*.png"):   # versiones anteriores
        if old != path:
            old.unlink(missing_ok=True)
    return path, "generada"


def prepare_trained_model(specs):
    """Entrena la CNN (si hace falta) antes de generar las figuras que la usan.

    Así el entrenamiento no queda dentro de una figura, que se genera con un solo
    hilo (ver ``render_figure``); ``train_and_cache`` fija sus propios hilos.
    """
    if any("training" in spec.deps for spec in specs):
        from ..training import trained_model
        trained_model()


def render_all(out_dir=None, names=None):
    """Genera (o toma de la caché) todas las figuras; produce (nombre, ruta, estado)."""
    prepare_trained_model([s for n, s in FIGURES.items() if names is None or n in names])
    for name, spec in FIGURES.items():
        if names is None or name in names:
            path, status = render_figure(spec, out_dir)
            yield name, path, status


def png_size(path):
    """(ancho, alto) en píxeles, leídos de la cabecera PNG."""
    with open(path, "rb") as f:
        header = f.read(24)
    return struct.unpack(">II", header[16:24])
