"""Números en español según la RAE, para el texto de las páginas y de las figuras.

- Coma decimal: 0,97.
- Signo menos «−» (U+2212), no el guion.
- Sin separador en los números de cuatro cifras (1290, 4000); desde cinco
  cifras, grupos de tres separados por un espacio fino que no se parte
  (U+202F): 12 345.
- El signo % separado del número por un espacio que no se parte: 98,0 %.
"""

import math

MINUS = "\N{MINUS SIGN}"
THIN_SPACE = "\N{NARROW NO-BREAK SPACE}"
NO_BREAK_SPACE = "\N{NO-BREAK SPACE}"


def _group(digits):
    """Agrupa de tres en tres una cadena de cifras si tiene cinco o más."""
    if len(digits) < 5:
        return digits
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i:i + 3] for i in range(head, len(digits), 3)]
    return THIN_SPACE.join(groups)


def integer(n):
    """Un entero: ``integer(1290)`` → «1290»; ``integer(12345)`` → «12 345»."""
    if isinstance(n, float):
        if not n.is_integer():
            raise ValueError(f"se esperaba un número entero; llegó {n}")
        n = int(n)
    n = int(n)
    return (MINUS if n < 0 else "") + _group(str(abs(n)))


def decimal(x, places=2):
    """Un número con ``places`` decimales: ``decimal(-0.5, 1)`` → «−0,5»."""
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"se esperaba un número finito; llegó {x}")
    text = f"{abs(x):.{places}f}"
    whole, _, frac = text.partition(".")
    sign = MINUS if x < 0 and float(text) != 0 else ""
    return sign + _group(whole) + ("," + frac if frac else "")


def percent(fraction, places=0):
    """Una fracción como porcentaje: ``percent(0.9804, 1)`` → «98,0 %»."""
    return decimal(100 * float(fraction), places) + NO_BREAK_SPACE + "%"



def percent_range(fractions, places=0):
    """«entre el 52 y el 72 %» o, si redondeados coinciden, «el 52 %»."""
    low, high = (percent(f, places).removesuffix(NO_BREAK_SPACE + "%")
                 for f in (min(fractions), max(fractions)))
    if low == high:
        return f"el {low}{NO_BREAK_SPACE}%"
    return f"entre el {low} y el {high}{NO_BREAK_SPACE}%"


def decimal_range(values, places=2):
    """«entre 0,44 y 0,58» o, si redondeados coinciden, «0,44»."""
    low, high = decimal(min(values), places), decimal(max(values), places)
    return low if low == high else f"entre {low} y {high}"
