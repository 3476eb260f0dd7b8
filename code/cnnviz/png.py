"""Comprobar un PNG sin decodificarlo con Pillow: cabecera, bloques y datos.

Lo usan la caché (una imagen dañada no se publica: se regenera) y las
páginas de los cuadernos (el tamaño de cada imagen). Sin dependencias.
"""

import struct
import zlib

SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}    # tipo de color -> canales


def png_size(data):
    """(ancho, alto) en píxeles, leídos de la cabecera; ``ValueError`` si no es un PNG."""
    if len(data) < 33 or data[:8] != SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("no es un PNG")
    width, height = struct.unpack(">II", data[16:24])
    if not (0 < width <= 20000 and 0 < height <= 20000):
        raise ValueError(f"tamaño imposible {width}×{height}")
    return width, height


def _chunks(data):
    """``[(tipo, datos)]`` de los bloques, comprobando el CRC de cada uno."""
    chunks, at = [], len(SIGNATURE)
    while at < len(data):
        if at + 12 > len(data):
            raise ValueError("PNG cortado (bloque incompleto)")
        (length,) = struct.unpack(">I", data[at:at + 4])
        kind, body = data[at + 4:at + 8], data[at + 8:at + 8 + length]
        if len(body) != length or at + 12 + length > len(data):
            raise ValueError("PNG cortado (bloque incompleto)")
        (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise ValueError(f"PNG dañado (el CRC del bloque {kind!r} no cuadra)")
        chunks.append((kind, body))
        at += 12 + length
        if kind == b"IEND":
            break
    return chunks


def check_png(data):
    """Comprueba que ``data`` es un PNG entero que se puede decodificar.

    Firma, tamaño, el CRC de cada bloque, el bloque final IEND y que los datos
    de la imagen (IDAT) se descomprimen en los bytes que pide su tamaño.
    Devuelve (ancho, alto); ``ValueError`` con el motivo si algo falla.
    """
    width, height = png_size(data)
    chunks = _chunks(data)
    if not chunks or chunks[-1][0] != b"IEND":
        raise ValueError("PNG cortado (falta el bloque IEND)")
    depth, color, _, _, interlace = struct.unpack(">BBBBB", chunks[0][1][8:13])
    if color not in _CHANNELS:
        raise ValueError(f"PNG con un tipo de color desconocido ({color})")
    try:
        pixels = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    except zlib.error as exc:
        raise ValueError(f"PNG dañado (los datos de la imagen no se descomprimen: {exc})") from None
    row = 1 + (width * _CHANNELS[color] * depth + 7) // 8     # byte de filtro + píxeles
    if not interlace and len(pixels) != height * row:
        raise ValueError(f"PNG dañado ({len(pixels)} bytes de imagen; se esperaban {height * row})")
    return width, height
