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
_EXTERNAL = re.compile(
    r'<(?:script|img|iframe|source|audio|video)\b[^>]*\bsrc="(?:https?:)?//[^"]*"'
    r'|<link\b(?![^>]*rel="(?:canonical|alternate)")[^>]*\bhref="(?:https?:)?//[^"]*"'
    r'|url\((?:["\']?)(?:https?:)?//',
    re.I)


def strip_notebook_cdn(page_html):
    return _NOTEBOOK_CDN.sub("", page_html)


def external_requests(page_html):
    """Lista de fragmentos que cargarían algo de otro servidor."""
    return [m.group(0)[:160] for m in _EXTERNAL.finditer(page_html)]
