"""Texto más pequeño de cada figura, en px CSS: en la columna de escritorio (688 px)
y en un teléfono de 390 px (358 px; la variante estrecha si la figura la tiene).

Mismo cálculo que tests/test_legibility.py, pero imprime cifras en vez de
comprobar mínimos, para comparar dos versiones:

    .venv/bin/python scripts/legibilidad.py                      # este árbol
    PYTHONPATH=/otra/copia/code .venv/bin/python scripts/legibilidad.py
"""
import matplotlib
matplotlib.use("Agg")
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.text import Text
from cnnviz.figures import FIGURES, style

DPI = getattr(style, "FIGURE_DPI", 110)


def smallest(fig):
    renderer = FigureCanvasAgg(fig).get_renderer()
    sizes, orig = [], Text.draw

    def rec(self, r):
        if self.get_visible() and self.get_text().strip():
            sizes.append(self.get_fontsize())
        return orig(self, r)
    Text.draw = rec
    try:
        fig.draw(renderer)
    finally:
        Text.draw = orig
    return min(sizes)


def px(fig, column):
    w = fig.get_figwidth()
    return min(w * DPI, column) / w / 72


out = {}
for name, spec in FIGURES.items():
    fig = spec.func()
    desk = smallest(fig) * px(fig, 688)
    phone = smallest(fig) * px(fig, 358)
    if getattr(spec, "narrow", False):
        with style.use_variant(style.Variant(narrow=True)):
            f2 = spec.func()
        phone = smallest(f2) * px(f2, 358)
    out[name] = (round(desk, 1), round(phone, 1))
for name, (desk, phone) in out.items():
    print(f"{name:18} escritorio {desk:5.1f} px   teléfono {phone:5.1f} px")
