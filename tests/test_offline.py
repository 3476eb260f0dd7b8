"""La guardia de la construcción detecta lo que cargaría algo de otro servidor."""

import pytest

from cnnviz.site.html.offline import external_requests, strip_notebook_cdn


@pytest.mark.parametrize("fragment", [
    '<img src="https://example.org/a.png">',
    "<img src='//example.org/a.png'>",
    '<img srcset="https://example.org/a.png 2x">',
    "<embed src=https://example.org/x>",
    '<object data="http://example.org/x">',
    '<script src="https://cdn.example.org/x.js"></script>',
    '<link rel="stylesheet" href="https://fonts.example.org/css">',
    '<div style="background: url(https://example.org/a.png)">',
])
def test_external_resources_are_detected(fragment):
    assert external_requests(f"<p>texto</p>{fragment}") != []


@pytest.mark.parametrize("fragment", [
    '<a href="https://example.org/">un enlace no se carga</a>',
    '<link rel="canonical" href="https://example.org/pagina/">',
    '<img src="../figuras/relu.png">',
    '<script src="assets/javascripts/bundle.js"></script>',
])
def test_local_resources_and_plain_links_are_fine(fragment):
    assert external_requests(fragment) == []


def test_notebook_cdn_scripts_are_removed():
    page = ('<script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/MathJax.js">'
            '</script><script type="text/x-mathjax-config">MathJax.Hub.Config({})</script>'
            '<p>resto</p>')
    cleaned = strip_notebook_cdn(page)
    assert cleaned == "<p>resto</p>"
    assert external_requests(cleaned) == []
