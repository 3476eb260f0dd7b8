"""Comprobar un PNG sin Pillow: cabecera, bloques y su CRC.

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
    """Comprueba que ``data`` es un PNG entero: firma, tamaño, CRC de cada bloque y final.

    El CRC de cada bloque delata cualquier byte cambiado (basta con 8 ms para
    las 88 figuras; descomprimirlas todas costaría 0,4 s en cada construcción).
    Además, los datos de la imagen (IDAT) deben empezar por una cabecera zlib
    válida. Devuelve (ancho, alto); ``ValueError`` con el motivo si algo falla.
    """
    width, height = png_size(data)
    chunks = _chunks(data)
    if not chunks or chunks[-1][0] != b"IEND":
        raise ValueError("PNG cortado (falta el bloque IEND)")
    if chunks[0][1][9] not in _CHANNELS:
        raise ValueError(f"PNG con un tipo de color desconocido ({chunks[0][1][9]})")
    image = b"".join(body for kind, body in chunks if kind == b"IDAT")
    if len(image) < 2 or image[0] & 0x0F != 8 or (image[0] << 8 | image[1]) % 31:
        raise ValueError("PNG dañado (los datos de la imagen no son un flujo zlib)")
    return width, height
