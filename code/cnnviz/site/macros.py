"""Macros de las páginas: ``{{ figura: nombre }}`` y ``{{ dato: nombre }}``.

Dónde se reconocen: en el texto de la página. Dentro de código (bloques
``` ``` ``` o ``~~~`` y código en línea entre acentos graves) y de fórmulas
(``$…$``, ``$$…$$``) las llaves se publican tal cual: así una página puede
mostrar una expresión de GitHub Actions (``${{ github.sha }}``) o una plantilla.
El único marcador del código es ``{{ salida }}``, que rellena ``page_code``.

Fuera del código, cualquier ``{{`` que no abra una macro válida hace fallar la
construcción con la página, la línea y el texto: una errata nunca se publica.
"""

import re

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


class MacroError(ValueError):
    """Una macro mal escrita o que nombra algo que no existe."""


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


def expand(markdown, page, handlers):
    """Sustituye las macros del texto con ``handlers[tipo](nombre)``.

    ``page`` es la ruta de la página, para los mensajes. Un manejador lanza
    ``MacroError`` si el nombre no existe.
    """
    out, line = [], 1
    for is_code, text in _segments(markdown):
        out.append(text if is_code else _expand_text(text, page, line, handlers))
        line += text.count("\n")
    return "".join(out)


def _expand_text(text, page, first_line, handlers):
    out, last = [], 0
    for m in VERBATIM.finditer(text):
        out.append(_expand_prose(text[last:m.start()], page,
                                 first_line + text.count("\n", 0, last), handlers))
        out.append(m.group(0))
        last = m.end()
    out.append(_expand_prose(text[last:], page, first_line + text.count("\n", 0, last), handlers))
    return "".join(out)


def _expand_prose(text, page, first_line, handlers):
    kinds = " o ".join(f"{{{{ {kind}: nombre }}}}" for kind in handlers)

    def where(position):
        return f"{page}:{first_line + text.count(chr(10), 0, position)}"

    def replace(match):
        valid = VALID.fullmatch(match["body"])
        if match["body"].strip() == "salida":
            raise MacroError(f"{where(match.start())}: «{match.group(0)}» solo vale como "
                             "único contenido de un bloque de código «Salida»")
        if valid is None or valid["kind"] not in handlers:
            raise MacroError(f"{where(match.start())}: «{match.group(0)}» no es una macro "
                             f"válida; se esperaba {kinds}")
        try:
            return handlers[valid["kind"]](valid["name"])
        except MacroError as exc:
            raise MacroError(f"{where(match.start())}: «{match.group(0)}»: {exc}") from None

    unclosed = CANDIDATE.sub(lambda m: " " * len(m.group(0)), text).find("{{")
    if unclosed >= 0:
        snippet = text[unclosed:unclosed + 40].split("\n")[0]
        raise MacroError(f"{where(unclosed)}: «{snippet}» abre una macro sin cerrarla en la "
                         f"misma línea; se esperaba {kinds}")
    return CANDIDATE.sub(replace, text)
