"""Datos de la página «Filtros convolucionales y detección de bordes»."""

import math

import torch

from ... import spanish
from ...data import sample_photo
from ...filters import GAUSSIAN, LAPLACIAN, SOBEL_X, SOBEL_Y, apply_filters
from ...frequency import along_x

__all__ = ["cielo_bordes", "frecuencias_resumen"]

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
            "Los tres suman cero y apenas responden en las zonas uniformes.")


def _ends(kernel):
    """|H| en ω = 0 y en ω = π, y el máximo con su ω, a lo largo de x."""
    omega, h = along_x(kernel)
    peak = int(h.argmax())
    return float(h[0]), float(h[-1]), float(h[peak]), float(omega[peak])


def _omega_text(omega):
    fractions = {0.0: "0", 0.25: "π/4", 0.5: "π/2", 0.75: "3π/4", 1.0: "π"}
    ratio = round(omega / math.pi, 6)
    if ratio not in fractions:
        raise ValueError(f"el máximo no cae en una fracción sencilla de π: ω = {omega}")
    return fractions[ratio]


def frecuencias_resumen():
    """Lo que deja pasar cada filtro, de su respuesta en frecuencia calculada."""
    g0, gpi, _, _ = _ends(GAUSSIAN)
    l0, lpi, lmax, lw = _ends(LAPLACIAN)
    s0, spi, smax, sw = _ends(SOBEL_X)
    tiny = 1e-9
    if not (abs(g0 - 1) < tiny and gpi < tiny):
        raise ValueError(f"el suavizado no es paso bajo: |H(0)| = {g0}, |H(π)| = {gpi}")
    if not (l0 < tiny and abs(lpi - lmax) < tiny):
        raise ValueError(f"el laplaciano no es paso alto en x: {l0}, {lpi}, {lmax}")
    if not (s0 < tiny and spi < tiny and 0 < sw < math.pi):
        raise ValueError(f"Sobel x no es paso banda en x: {s0}, {spi}, ω = {sw}")
    n = spanish.integer
    return (f"El suavizado deja intacta una zona uniforme (|H(0)| = {n(round(g0))}) y anula "
            f"la onda más rápida (|H(π)| = {n(round(gpi))}). El laplaciano hace lo contrario: "
            f"|H(0)| = {n(round(l0))} y su máximo, {n(round(lmax))}, en ω = "
            f"{_omega_text(lw)}. Sobel x anula las dos puntas, ω = 0 y ω = π, y deja pasar "
            f"sobre todo las frecuencias intermedias: su máximo, {n(round(smax))}, está en "
            f"ω = {_omega_text(sw)}.")
