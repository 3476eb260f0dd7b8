"""Datos de la página «Filtros convolucionales y detección de bordes»."""

import torch

from ... import spanish
from ...data import sample_photo
from ...filters import LAPLACIAN, SOBEL_X, SOBEL_Y, apply_filters

__all__ = ["cielo_bordes"]

# El recuadro de cielo del ejemplo de la página (code/examples/bordes.py)
SKY = (slice(5, 30), slice(5, 60))


def sky_ratios():
    """Respuesta media |mapa| en el cielo dividida entre la de toda la foto, por filtro."""
    photo = sample_photo("camera", size=256)
    maps = apply_filters(photo, torch.stack([LAPLACIAN, SOBEL_X, SOBEL_Y]))
    sky = maps[:, SKY[0], SKY[1]]
    return (sky.abs().mean(dim=(1, 2)) / maps.abs().mean(dim=(1, 2))).tolist()


def cielo_bordes():
    ratios = sky_ratios()
    if max(ratios) >= 0.5:
        raise ValueError(f"en el cielo la respuesta no es pequeña: {ratios}")
    names = ("el laplaciano", "Sobel x", "Sobel y")
    parts = [f"el {spanish.percent(r, 0)} para {n}" for r, n in zip(ratios, names)]
    return (f"En el recuadro del cielo, la respuesta media de cada filtro es solo una "
            f"fracción de su media en toda la imagen: {', '.join(parts[:-1])} y {parts[-1]}. "
            "Los filtros paso alto apenas responden en las zonas uniformes.")
