"""Lo que hace quien lee: copiar en orden los bloques de Python de cada página y ejecutarlos.

Los bloques se leen del HTML construido con BeautifulSoup (no con el código
que usa la construcción) y se ejecutan, en orden y en un mismo intérprete, en
el entorno del lector: un Python nuevo con solo el paquete que publica el
sitio (``tests/reader_env.py``). Cada bloque «Salida» debe mostrar
exactamente lo que imprime el bloque de Python anterior.
"""

import re

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, nav_pages
from reader_env import BlockError, run_page_blocks

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
def test_page_code_runs_from_the_wheel_and_prints_what_the_page_shows(built_site, reader, src, url):
    blocks = page_blocks((built_site / url / "index.html").read_text())
    sources = [text for lang, _, text in blocks if lang == "python"]
    if not sources:
        pytest.skip(f"{src} no tiene bloques de Python")
    outputs = run_page_blocks(reader, src, sources)
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
    # Nada de comentarios para el linter en lo que ve el lector
    assert not [s for s in sources if "noqa" in s], f"{src}: un bloque lleva «# noqa»"


def test_a_failing_block_names_the_page_and_the_block(reader):
    sources = ["x = 1\nprint(x)", "import cnnviz\nraise ValueError('roto a propósito')", "print(2)"]
    with pytest.raises(BlockError) as info:
        run_page_blocks(reader, "pagina-rota.md", sources)
    message = str(info.value)
    assert "pagina-rota.md" in message and "n.º 2 de 3" in message
    assert "roto a propósito" in message


def test_a_block_that_needs_the_repository_fails_in_the_reader_env(reader):
    # Sin la carpeta code/ ni la instalación editable: cnnviz.site no existe
    with pytest.raises(BlockError, match="cnnviz.site"):
        run_page_blocks(reader, "x.md", ["import cnnviz.site"])


def test_pages_with_code_show_outputs(built_site):
    html = (built_site / "teoria" / "index.html").read_text()
    blocks = page_blocks(html)
    outputs = [t for _, title, t in blocks if title == "Salida"]
    assert any("Net(" in out and "Linear(in_features=128, out_features=10" in out
               for out in outputs)
    assert any("torch.Size([4, 10])" in out for out in outputs)


@pytest.mark.parametrize("src, url", MARKDOWN_PAGES)
def test_pages_with_code_say_first_what_they_need(built_site, src, url):
    soup = BeautifulSoup((built_site / url / "index.html").read_text(), "html.parser")
    article = soup.select_one("article")
    first_code = article.select_one("div.language-python.highlight")
    if first_code is None:
        pytest.skip(f"{src} no tiene bloques de Python")
    note = article.select_one("div.admonition")
    assert note is not None and "Para ejecutar el código de esta página" in note.get_text()
    # El aviso va antes que cualquier bloque de código y enlaza la instalación
    assert str(article).index(str(note)) < str(article).index(str(first_code))
    assert note.find("a", href=re.compile(r"instalar/$")), src


@pytest.mark.parametrize("src, url", MARKDOWN_PAGES)
def test_each_included_block_links_its_file_in_the_repository(built_site, src, url):
    from conftest import TEST_REPO_URL

    soup = BeautifulSoup((built_site / url / "index.html").read_text(), "html.parser")
    markdown = (ROOT / "docs" / src).read_text()
    # También los bloques sangrados (p. ej. dentro de una solución plegable)
    n_included = len(re.findall(r"^([ \t]*)```python\n\1--8<--", markdown, re.M))
    linked = 0
    for div in soup.select("article div.language-python.highlight"):
        title = div.find("span", class_="filename")
        links = title.find_all("a") if title else []
        if not links:
            continue
        code_lines = [line.strip() for line in div.find("code").get_text().splitlines()
                      if line.strip()]
        files_text = ""
        for a in links:
            prefix = f"{TEST_REPO_URL}/blob/main/"
            assert a["href"].startswith(prefix), a["href"]
            path = a["href"].removeprefix(prefix)
            assert a.get_text() == path and (ROOT / path).is_file(), path
            files_text += (ROOT / path).read_text()
        # Cada línea del bloque está en los archivos que enlaza su título
        assert all(line in files_text for line in code_lines), (src, title.get_text())
        linked += 1
    assert linked == n_included, f"{src}: {n_included} bloques incluidos, {linked} enlazados"
