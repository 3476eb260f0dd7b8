"""Texto más pequeño de cada figura, en px CSS: en la columna de escritorio (688 px)
y en un teléfono de 390 px (358 px; la variante estrecha si la figura la tiene).

Usa la medida de ``tests/test_legibility.py``, pero imprime cifras en vez de
comprobar mínimos, para comparar dos versiones del paquete:

    .venv/bin/python scripts/legibilidad.py                      # este árbol
    PYTHONPATH=/otra/copia/code .venv/bin/python scripts/legibilidad.py
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from test_legibility import (DESKTOP_COLUMN, PHONE_COLUMN, FIGURES, Variant,  # noqa: E402
                            phone_variant, render, smallest_text_px)

for name, spec in FIGURES.items():
    desktop, _ = smallest_text_px(render(spec, Variant()), DESKTOP_COLUMN)
    phone, _ = smallest_text_px(render(spec, phone_variant(spec)), PHONE_COLUMN)
    print(f"{name:18} escritorio {desktop:5.1f} px   teléfono {phone:5.1f} px")
