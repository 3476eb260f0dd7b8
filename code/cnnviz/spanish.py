"""Números en español según la RAE, para el texto de las páginas y de las figuras.

- Coma decimal: 0,97.
- Signo menos «−» (U+2212), no el guion.
- Sin separador en los números de cuatro cifras (1290, 4000); desde cinco
  cifras, grupos de tres separados por un espacio fino que no parte la línea
  (U+202F): 12 345.
- El símbolo % separado de la cifra por un espacio que no parte la línea:
  98,0 %.
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


def decimal(x, places=2):
    """Un número con ``places`` decimales: ``decimal(-0.5, 1)`` → «−0,5»."""
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"se esperaba un número finito; llegó {x}")
    text = f"{abs(x):.{places}f}"
    whole, _, frac = text.partition(".")
    sign = MINUS if x < 0 and float(text) != 0 else ""     # sin «−0,00»
    return sign + _group(whole) + ("," + frac if frac else "")


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def scientific(x, places=2):
    """Notación científica: ``scientific(0.006727, 3)`` → «6,727·10⁻³»; el 0 es «0»."""
    x = float(x)
    if x == 0:
        return "0"
    exponent = math.floor(math.log10(abs(x)))
    if round(abs(x) / 10 ** exponent, places) >= 10:     # 9,9996 no debe dar «10,000»
        exponent += 1
    return f"{decimal(x / 10 ** exponent, places)}·10{str(exponent).translate(_SUPERSCRIPT)}"


def number(x, decimals=0):
    """``x`` con ``decimals`` decimales: ``number(12345.678, 1)`` → «12 345,7»."""
    return decimal(x, decimals)


def integer(n):
    """Un entero: ``integer(1290)`` → «1290»; ``integer(12345)`` → «12 345»."""
    if isinstance(n, float) and not n.is_integer():
        raise ValueError(f"se esperaba un número entero; llegó {n}")
    n = int(n)
    return (MINUS if n < 0 else "") + _group(str(abs(n)))


def percent(fraction, decimals=1):
    """Una fracción como porcentaje: ``percent(0.8973)`` → «89,7 %»."""
    return decimal(100 * float(fraction), decimals) + NO_BREAK_SPACE + "%"


def percent_range(fractions, decimals=0):
    """«entre el 52 y el 72 %» o, si redondeados coinciden, «el 52 %»."""
    low, high = (decimal(100 * float(f), decimals) for f in (min(fractions), max(fractions)))
    if low == high:
        return f"el {low}{NO_BREAK_SPACE}%"
    return f"entre el {low} y el {high}{NO_BREAK_SPACE}%"
