"""Fórmulas de LaTeX a MathML durante la construcción: sin MathJax ni CDN.

``pymdownx.arithmatex`` (modo genérico) marca las fórmulas; aquí se
sustituyen por MathML, que el navegador dibuja por sí mismo.
"""

import html
import re

from latex2mathml.converter import convert

_INLINE = re.compile(r'<span class="arithmatex">\\\((.*?)\\\)</span>', re.S)
_BLOCK = re.compile(r'<div class="arithmatex">\\\[(.*?)\\\]</div>', re.S)


def _mathml(latex, display):
    mathml = convert(html.unescape(latex).strip(), display="block" if display else "inline")
    # Texto alternativo: el propio LaTeX, para lectores de pantalla sin MathML
    return mathml.replace("<math ", f'<math alttext="{html.escape(html.unescape(latex).strip())}" ', 1)


def render_math(page_html):
    page_html = _BLOCK.sub(lambda m: f'<div class="formula">{_mathml(m[1], True)}</div>',
                           page_html)
    return _INLINE.sub(lambda m: _mathml(m[1], False), page_html)
