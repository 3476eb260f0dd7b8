"""Lo que hace un lector: ejecutar en orden los bloques de Python de cada página.

Los bloques se leen del HTML construido con BeautifulSoup (no con el código
que usa la construcción) y se ejecutan en un intérprete nuevo; cada bloque
«Salida» debe mostrar exactamente lo que imprime el bloque de Python anterior.
"""

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, nav_pages

from cnnviz.site.page_code import run_blocks

MARKDOWN_PAGES = [(src, url) for src, url in nav_pages() if src.endswith(".md")]


def page_blocks(html):
    soup = BeautifulSoup(html, "html.parser")
    blocks = []
    for div in soup.select("article div.highlight"):
        classes = div.get("class", [])
        lang = next((c.removeprefix("language-") for c in classes if c.startswith("language-")), "")
        title = div.find("span", class_="filename")
        code = div.find("code")
        blocks.append((lang, title.get_text(strip=True) if title else "", code.get_text()))
    return blocks


@pytest.mark.parametrize("src, url", MARKDOWN_PAGES)
def test_page_code_runs_and_prints_what_the_page_shows(built_site, src, url):
    blocks = page_blocks((built_site / url / "index.html").read_text())
    sources = [text for lang, _, text in blocks if lang == "python"]
    if not sources:
        pytest.skip(f"{src} no tiene bloques de Python")
    outputs = run_blocks(sources)
    n_python = 0
    checked = 0
    for lang, title, text in blocks:
        if lang == "python":
            n_python += 1
        elif title == "Salida":
            assert n_python > 0
            assert text.rstrip("\n") == outputs[n_python - 1].rstrip("\n"), (src, n_python)
            assert text.strip(), f"{src}: bloque «Salida» vacío"
            checked += 1
    assert "{{" not in "".join(t for _, _, t in blocks), f"{src}: marcador sin sustituir"
    # Cada bloque «Salida» del Markdown llegó a la página y se comprobó
    assert checked == (ROOT / "docs" / src).read_text().count("{{ salida }}") > 0


def test_pages_with_code_show_outputs(built_site):
    html = (built_site / "teoria" / "index.html").read_text()
    blocks = page_blocks(html)
    outputs = [t for _, title, t in blocks if title == "Salida"]
    assert any("Net(" in out and "Linear(in_features=128, out_features=10" in out
               for out in outputs)
    assert any("torch.Size([4, 10])" in out for out in outputs)
