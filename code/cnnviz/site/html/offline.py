"""Garantiza que las páginas no pidan nada a otros servidores."""

import re

# Scripts que nbconvert añade a los cuadernos desde un CDN (MathJax, mermaid,
# require.js): los cuadernos del sitio no los necesitan.
_NOTEBOOK_CDN = re.compile(
    r'<script[^>]*src="https?://[^"]*(?:mathjax|mermaid|require)[^"]*"[^>]*>\s*</script>'
    r'|<script type="text/x-mathjax-config">.*?</script>'
    r'|<script type="module">[^<]*https?://cdn\.[^<]*</script>',
    re.S | re.I)

# Etiquetas que harían una petición al cargar la página
_URL = r"""\s*=\s*["']?(?:https?:)?//"""     # atributo con una URL de otro servidor
_EXTERNAL = re.compile(
    r'<(?:script|img|iframe|source|audio|video|embed|track)\b[^>]*\b(?:src|srcset)' + _URL
    + r'|<object\b[^>]*\bdata' + _URL
    + r'|<link\b(?![^>]*rel=["\']?(?:canonical|alternate))[^>]*\bhref' + _URL
    + r'|url\(\s*["\']?(?:https?:)?//',
    re.I)


def strip_notebook_cdn(page_html):
    return _NOTEBOOK_CDN.sub("", page_html)


def external_requests(page_html):
    """Lista de fragmentos que cargarían algo de otro servidor."""
    return [m.group(0)[:160] for m in _EXTERNAL.finditer(page_html)]
