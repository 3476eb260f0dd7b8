"""Números en español según la RAE: 1290, 12 345, 0,97, 89,7 %, −3.

- Sin separador hasta cuatro cifras; desde cinco, grupos de tres con un
  espacio fino que no parte la línea (U+202F).
- Coma decimal y signo menos (−, U+2212), no guion.
- El símbolo % va separado de la cifra por un espacio que no parte la línea.
"""

THIN_SPACE = "\u202f"
NO_BREAK_SPACE = "\u00a0"
MINUS = "\u2212"


def number(x, decimals=0):
    """``x`` con ``decimals`` decimales: ``number(12345.678, 1)`` → ``"12 345,7"``."""
    text = f"{abs(x):.{decimals}f}"
    whole, _, frac = text.partition(".")
    if len(whole) > 4:
        groups = []
        while whole:
            groups.insert(0, whole[-3:])
            whole = whole[:-3]
        whole = THIN_SPACE.join(groups)
    sign = MINUS if x < 0 and float(text) != 0 else ""
    return sign + whole + ("," + frac if frac else "")


def percent(fraction, decimals=1):
    """Una fracción como porcentaje: ``percent(0.8973)`` → ``"89,7 %"``."""
    return number(fraction * 100, decimals) + NO_BREAK_SPACE + "%"
