"""Macros de las páginas y los cuadernos: ``{{ tipo: nombre }}``, un solo registro.

``registry`` reúne todos los tipos y quién sustituye cada uno:

- ``{{ figura: nombre }}``: la figura del registro (``html.figure_html``);
- ``{{ dato: nombre }}``: un valor calculado por el código (``facts``);
- ``{{ paquete: url }}``, ``python``, ``torch``…: datos del paquete del lector
  (``reader.package``); valen también dentro de código (la línea de ``pip``);
- ``{{ fuente: code/… }}``: enlace a un archivo del repositorio.

Dónde se reconocen: en el texto. Dentro de código (bloques ``` ``` ``` o
``~~~`` y código en línea entre acentos graves) y de fórmulas (``$…$``,
``$$…$$``) las llaves se publican tal cual, salvo las macros que valen en
código: así una página puede mostrar una expresión de GitHub Actions
(``${{ github.sha }}``) o una plantilla. El marcador ``{{ salida }}`` de los
bloques «Salida» lo rellena ``build.page_code``.

Fuera del código, cualquier ``{{`` que no abra una macro válida hace fallar la
construcción con la página, la línea y el texto: una errata nunca se publica.
"""

import re
from dataclasses import dataclass
from typing import Callable

from ...errors import CnnvizError

# Una macro candidata: lo que haya entre {{ y }} en la misma línea
CANDIDATE = re.compile(r"\{\{(?P<body>[^\n]*?)\}\}")
VALID = re.compile(r"\s*(?P<kind>[a-z]+):\s*(?P<name>\S+?)\s*")
FENCE = re.compile(r"^[ \t>]*(?P<fence>`{3,}|~{3,})")
# Código en línea y fórmulas: se dejan tal cual
VERBATIM = re.compile(
    r"(?P<ticks>`+).+?(?<!`)(?P=ticks)(?!`)"      # `código`, ``código``
    r"|\$\$.+?\$\$"                                # $$ fórmula $$
    r"|\\\[.+?\\\]|\\\(.+?\\\)"                    # \[ … \], \( … \)
    r"|(?<![\\$\w])\$(?=\S)[^$\n]+?(?<=\S)\$(?!\w)",  # $fórmula$
    re.S)


class MacroError(CnnvizError):
    """Una macro mal escrita o que nombra algo que no existe."""


@dataclass(frozen=True)
class Macro:
    """Un tipo de macro: ``handler(nombre)`` da el texto; ``in_code``: vale también en código."""
    handler: Callable[[str], str]
    in_code: bool = False


def registry(config, page_dir=".", build=None):
    """Las macros de una página (o de un cuaderno, sin ``build``), por tipo.

    ``page_dir``: carpeta de la página dentro de ``docs/``, para los enlaces
    relativos. ``build`` (un ``build.pipeline.Build``) da las figuras y los
    datos; sin él, esas macros no existen (los cuadernos no las usan).
    """
    from ..reader import package

    macros = {}
    if build is not None:
        macros["figura"] = Macro(build.figure_placeholder)
        macros["dato"] = Macro(build.fact)
    macros["paquete"] = Macro(lambda name: package.package_value(name, config, page_dir),
                              in_code=True)
    macros["fuente"] = Macro(lambda name: package.source_link(name, config))
    return macros


def _segments(markdown):
    """Parte el Markdown en trozos (es_código, texto), respetando los bloques cercados."""
    segments, text, fence = [], [], None
    for line in markdown.splitlines(keepends=True):
        m = FENCE.match(line)
        if fence is None and m:
            segments.append((False, "".join(text)))
            text, fence = [line], m["fence"]
        elif fence is not None:
            text.append(line)
            if m and m["fence"][0] == fence[0] and len(m["fence"]) >= len(fence) \
                    and not line[m.end():].strip():
                segments.append((True, "".join(text)))
                text, fence = [], None
        else:
            text.append(line)
    segments.append((fence is not None, "".join(text)))
    return segments


def expand(markdown, page, macros):
    """Sustituye las macros del Markdown con ``macros[tipo].handler(nombre)``.

    ``page`` es la ruta de la página, para los mensajes. Un manejador lanza
    ``MacroError`` si el nombre no existe.
    """
    out, line = [], 1
    for is_code, text in _segments(markdown):
        out.append(expand_code(text, page, macros, line) if is_code
                   else _expand_text(text, page, line, macros))
        line += text.count("\n")
    return "".join(out)


def expand_code(text, page, macros, first_line=1):
    """En código solo se sustituyen las macros que valen en código; el resto queda tal cual."""
    def replace(match):
        valid = VALID.fullmatch(match["body"])
        macro = macros.get(valid["kind"]) if valid else None
        if macro is None or not macro.in_code:
            return match.group(0)
        line = first_line + text.count("\n", 0, match.start())
        return _call(macro, valid["name"], match, f"{page}:{line}")
    return CANDIDATE.sub(replace, text)


def _call(macro, name, match, where):
    try:
        return macro.handler(name)
    except (MacroError, ValueError) as exc:
        raise MacroError(f"{where}: «{match.group(0)}»: {exc}") from None


def _expand_text(text, page, first_line, macros):
    out, last = [], 0
    for m in VERBATIM.finditer(text):
        out.append(_expand_prose(text[last:m.start()], page,
                                 first_line + text.count("\n", 0, last), macros))
        out.append(expand_code(m.group(0), page, macros,
                               first_line + text.count("\n", 0, m.start())))
        last = m.end()
    out.append(_expand_prose(text[last:], page, first_line + text.count("\n", 0, last), macros))
    return "".join(out)


def _expand_prose(text, page, first_line, macros):
    kinds = [f"{{{{ {kind}: nombre }}}}" for kind in macros]
    kinds = ", ".join(kinds[:-1]) + " o " + kinds[-1] if len(kinds) > 1 else "".join(kinds)

    def where(position):
        return f"{page}:{first_line + text.count(chr(10), 0, position)}"

    def replace(match):
        valid = VALID.fullmatch(match["body"])
        if match["body"].strip() == "salida":
            raise MacroError(f"{where(match.start())}: «{match.group(0)}» solo vale como "
                             "único contenido de un bloque de código «Salida»")
        if valid is None or valid["kind"] not in macros:
            raise MacroError(f"{where(match.start())}: «{match.group(0)}» no es una macro "
                             f"válida; se esperaba {kinds}")
        return _call(macros[valid["kind"]], valid["name"], match, where(match.start()))

    unclosed = CANDIDATE.sub(lambda m: " " * len(m.group(0)), text).find("{{")
    if unclosed >= 0:
        snippet = text[unclosed:unclosed + 40].split("\n")[0]
        raise MacroError(f"{where(unclosed)}: «{snippet}» abre una macro sin cerrarla en la "
                         f"misma línea; se esperaba {kinds}")
    return CANDIDATE.sub(replace, text)
