"""Números al azar reproducibles, iguales en Python y en el navegador.

El laboratorio calcula SmoothGrad y la línea de base de ruido en JavaScript
(``docs/laboratorio/azar.js``) y debe dar los mismos mapas que PyTorch: los
dos lados usan este mismo generador, *mulberry32* (un hash de 32 bits de un
contador), en lugar de ``torch.randn``, que no existe en el navegador.
"""

import numpy as np

_MASK = 0xFFFFFFFF


def _imul(a, b):
    """Producto de enteros de 32 bits con desbordamiento, como ``Math.imul``."""
    return (a * b) & _MASK


def uniform(n, seed):
    """``n`` números uniformes en [0, 1) (float64) a partir de la semilla ``seed``."""
    if n < 0 or not 0 <= seed <= _MASK:
        raise ValueError(f"se esperaba n >= 0 y 0 <= seed < 2**32; llegó n={n}, seed={seed}")
    # El estado avanza 0x6D2B79F5 por número; cada salida es un hash del estado
    a = (seed + 0x6D2B79F5 * np.arange(1, n + 1, dtype=np.uint64)) & _MASK
    t = _imul(a ^ (a >> 15), a | 1)
    t = ((t + _imul(t ^ (t >> 7), t | 61)) & _MASK) ^ t
    return ((t ^ (t >> 14)) & _MASK).astype(np.float64) / 2.0 ** 32


def gaussian(n, seed):
    """``n`` números de una normal N(0, 1) (Box-Muller con dos uniformes cada uno)."""
    u = uniform(2 * n, seed)
    u1, u2 = 1.0 - u[0::2], u[1::2]          # u1 en (0, 1]: el logaritmo es finito
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)
