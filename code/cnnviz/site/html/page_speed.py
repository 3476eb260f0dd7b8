"""Que nada retrase el primer dibujo de una página más de lo necesario.

Lo que bloquea el primer dibujo en un teléfono (Lighthouse, perfil móvil):
- mkdocs-glightbox pone su hoja de estilo y su guion en la cabecera, aunque
  el visor solo haga falta al tocar una figura: la hoja pasa a cargarse sin
  bloquear (``media="print"`` hasta que llega) y el guion con ``defer``; el
  código que crea el visor espera al evento DOMContentLoaded, que llega
  después de los guiones diferidos;
- el guion principal de Material, al final del cuerpo y sin ``defer``: con
  ``defer`` se ejecuta en el mismo momento (el documento ya leído, antes de
  DOMContentLoaded, cuando Material arranca) sin bloquear el dibujo;
- los bloques de código largos: el navegador no los dibuja mientras están
  lejos de la pantalla (``content-visibility: auto``, en extra.css); para que
  la página no salte, cada uno lleva su número de líneas, con el que el CSS
  estima su alto.
"""

import re

from ...errors import CnnvizError

_GLIGHTBOX_CSS = re.compile(r'<link href="([^"]*glightbox\.min\.css)" rel="stylesheet">')
_GLIGHTBOX_JS = re.compile(r'<script src="([^"]*glightbox\.min\.js)"></script>')
_GLIGHTBOX_INIT = re.compile(r'<script id="init-glightbox">(.*?)</script>', re.S)
_MATERIAL_BUNDLE = re.compile(r'<script src="([^"]*assets/javascripts/bundle\.[0-9a-f]+\.min\.js)"></script>')


class PageSpeedError(CnnvizError):
    """La página no tiene el marcado que se esperaba (¿cambió el tema o un plugin?)."""


def defer_glightbox(page_html):
    found = [p.search(page_html) for p in (_GLIGHTBOX_CSS, _GLIGHTBOX_JS, _GLIGHTBOX_INIT)]
    if not any(found):
        return page_html                  # página sin visor (glightbox: false)
    if not all(found):
        raise PageSpeedError("el marcado de mkdocs-glightbox cambió: falta la hoja, el guion "
                             "o su inicialización; revisa code/cnnviz/site/html/page_speed.py")
    css, js, init = found
    for pattern in (_GLIGHTBOX_CSS, _GLIGHTBOX_JS, _GLIGHTBOX_INIT):
        page_html = pattern.sub("", page_html, count=1)
    tail = (f'<link href="{css[1]}" rel="stylesheet" media="print" onload="this.media=\'all\'">'
            f'<script src="{js[1]}" defer></script>'
            f'<script id="init-glightbox">addEventListener("DOMContentLoaded", () => {{\n'
            f'{init[1].strip()}\n}});</script>')
    return page_html.replace("</body>", tail + "</body>", 1)


def defer_material_bundle(page_html):
    page_html, count = _MATERIAL_BUNDLE.subn(r'<script src="\1" defer></script>', page_html, count=1)
    if count != 1:
        raise PageSpeedError("no se encontró el guion principal de Material "
                             "(assets/javascripts/bundle.*.min.js)")
    return page_html


_CODE_BLOCK = re.compile(r'<div class="language-[\w-]+ highlight">(?:(?!</pre>).)*?<code>(.*?)</code></pre>',
                         re.S)
MIN_LINES = 8   # los bloques cortos cuestan poco: se dibujan siempre


def mark_code_lines(page_html):
    """``style="--cnnviz-lineas: N"`` en cada bloque de código de al menos MIN_LINES líneas."""
    def mark(match):
        lines = match[1].rstrip("\n").count("\n") + 1
        if lines < MIN_LINES:
            return match[0]
        return match[0].replace(' highlight">', f' highlight" style="--cnnviz-lineas: {lines}">', 1)
    return _CODE_BLOCK.sub(mark, page_html)


def speed_up(page_html):
    return mark_code_lines(defer_material_bundle(defer_glightbox(page_html)))
