"""Lo que page_speed.py cambia en cada página: visor y guion diferidos, líneas de código."""

import re

import pytest

from cnnviz.site.html.page_speed import (MIN_LINES, PageSpeedError, defer_glightbox,
                                    defer_material_bundle, mark_code_lines)

PAGE = ('<html><head><link href="../assets/stylesheets/glightbox.min.css" rel="stylesheet">'
        '<script src="../assets/javascripts/glightbox.min.js"></script><style>x</style></head>'
        '<body><p>hola</p><script src="../assets/javascripts/bundle.a5f9d56c.min.js"></script>'
        '<script id="init-glightbox">const lightbox = GLightbox({});\n</script></body></html>')


def test_glightbox_leaves_the_head_and_waits_for_its_script():
    out = defer_glightbox(PAGE)
    head, body = out.split("</head>")
    assert "glightbox" not in head
    assert '<link href="../assets/stylesheets/glightbox.min.css" rel="stylesheet" media="print"' in body
    assert '<script src="../assets/javascripts/glightbox.min.js" defer></script>' in body
    init = re.search(r'<script id="init-glightbox">(.*?)</script>', body, re.S)[1]
    assert init.startswith('addEventListener("DOMContentLoaded"') and "GLightbox({})" in init
    # el guion diferido va antes del código que lo usa
    assert body.index("glightbox.min.js") < body.index("init-glightbox")


def test_page_without_lightbox_is_unchanged_and_half_markup_is_an_error():
    plain = "<html><head></head><body><p>sin visor</p></body></html>"
    assert defer_glightbox(plain) == plain
    with pytest.raises(PageSpeedError, match="glightbox"):
        defer_glightbox(PAGE.replace('<script id="init-glightbox">', "<script>"))


def test_material_bundle_is_deferred():
    assert '<script src="../assets/javascripts/bundle.a5f9d56c.min.js" defer></script>' in \
        defer_material_bundle(PAGE)
    with pytest.raises(PageSpeedError, match="Material"):
        defer_material_bundle("<html><body></body></html>")


def block(lines, title=""):
    code = "\n".join(f"<span>x = {i}</span>" for i in range(lines)) + "\n"
    return f'<div class="language-python highlight">{title}<pre><span></span><code>{code}</code></pre></div>'


def test_long_code_blocks_carry_their_line_count():
    long, short = block(MIN_LINES + 4, '<span class="filename">Salida</span>'), block(MIN_LINES - 1)
    out = mark_code_lines(short + long)
    assert out.startswith(short)
    assert f'highlight" style="--cnnviz-lineas: {MIN_LINES + 4}">' in out
    assert out.count("--cnnviz-lineas") == 1
