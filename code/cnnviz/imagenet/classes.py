"""Nombres de las 1000 clases de ImageNet, en español (``clases.tsv``, junto a este módulo).

El archivo lleva en la cabecera de dónde sale cada columna: el nombre inglés
(los synsets de WordNet de ILSVRC 2012) y la traducción al español.
"""

import functools
from importlib import resources

N_CLASSES = 1000
DATA_FILE = "clases.tsv"


@functools.cache
def _table():
    """Filas ``(indice, ingles, espanol)`` del archivo, comprobadas."""
    text = resources.files(__package__).joinpath(DATA_FILE).read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines()
            if line and not line.startswith("#")]
    header, rows = rows[0], rows[1:]
    if header != ["indice", "ingles", "espanol"] or len(rows) != N_CLASSES:
        raise RuntimeError(f"{DATA_FILE}: se esperaban la cabecera indice/ingles/espanol y "
                           f"{N_CLASSES} filas; hay {len(rows)}")
    table = []
    for expected, row in enumerate(rows):
        if len(row) != 3 or row[0] != str(expected) or not all(c.strip() for c in row):
            raise RuntimeError(f"{DATA_FILE}: fila mal formada para la clase {expected}: {row}")
        table.append((expected, row[1], row[2]))
    return tuple(table)


def class_names():
    """Los 1000 nombres en español, en el orden de las salidas de la red."""
    return [spanish for _, _, spanish in _table()]


def english_names():
    """Los 1000 nombres ingleses de WordNet (con sinónimos separados por comas)."""
    return [english for _, english, _ in _table()]


def class_name(index):
    """Nombre en español de la clase ``index`` (0–999)."""
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < N_CLASSES:
        raise ValueError(f"el índice de clase tiene que ser un entero de 0 a {N_CLASSES - 1}; "
                         f"llegó {index!r}")
    return _table()[index][2]
