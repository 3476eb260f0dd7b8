"""Respuesta en frecuencia de un filtro pequeño: cuánto deja pasar de cada frecuencia.

Una imagen es una suma de ondas (cosenos) de frecuencias distintas. Un filtro
lineal multiplica cada onda por un número, su **respuesta en frecuencia**
H(ω); su módulo |H| dice si esa frecuencia pasa (|H| grande) o se atenúa
(|H| ≈ 0). ω va de 0 (una zona uniforme) a π (la onda más rápida posible:
píxeles alternos claro, oscuro, claro…).
"""

import math

# --8<-- [start:imports]
import torch
# --8<-- [end:imports]


# --8<-- [start:frequency_response]
def frequency_response(kernel, n=64):
    """|H(ωy, ωx)| de un kernel (kh, kw) en una rejilla de n×n frecuencias.

    Es el módulo de la transformada de Fourier discreta del kernel rellenado
    con ceros hasta n×n; las frecuencias van de 0 a 2π en pasos de 2π/n
    (la fila y la columna 0 son ω = 0, y la n/2 es ω = π).
    """
    if kernel.dim() != 2:
        raise ValueError(f"se esperaba un kernel (kh, kw); llegó {tuple(kernel.shape)}")
    if n < max(kernel.shape) or n % 2:
        raise ValueError(f"n debe ser par y no menor que el kernel; llegó n = {n}")
    return torch.fft.fft2(kernel.double(), s=(n, n)).abs()
# --8<-- [end:frequency_response]


def along_x(kernel, n=64):
    """(ω, |H(0, ω)|) para ω de 0 a π: la respuesta a ondas que varían de izquierda a derecha."""
    response = frequency_response(kernel, n)[0, : n // 2 + 1]
    omega = torch.arange(n // 2 + 1, dtype=torch.float64) * 2 * math.pi / n
    return omega, response


def along_diagonal(kernel, n=64):
    """(ω, |H(ω, ω)|): ondas que varían en diagonal (en x y en y a la vez)."""
    full = frequency_response(kernel, n)
    idx = torch.arange(n // 2 + 1)
    omega = idx.double() * 2 * math.pi / n
    return omega, full[idx, idx]
