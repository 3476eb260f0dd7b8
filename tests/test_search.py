"""Búsqueda en español, tecleada en la caja de búsqueda de Chromium.

- Con y sin tildes, o en mayúsculas, los términos del sitio dan los mismos
  resultados, en el mismo orden.
- «agrupación» (la palabra española para pooling) lleva a una sección sobre
  pooling; «convolución» encuentra la página «Filtros convolucionales…».
- Los títulos de los resultados no llevan «¶» (el enlace de cada título de
  los cuadernos) y la sugerencia que completa la palabra lleva sus tildes.
"""

import json
import unicodedata

import pytest
from reader import reader_page

# Términos del sitio con tilde (al menos diez, de páginas distintas)
ACCENTED = ["convolución", "activación", "visualización", "características", "detección",
            "oclusión", "retropropagación", "agrupación", "parámetros", "teoría",
            "función", "dígitos", "pérdida", "matriz de confusión", "época"]


def unaccented(text):
    return "".join(c for c in unicodedata.normalize("NFD", text)
                   if unicodedata.category(c) != "Mn")


def search(page, query):
    """Teclea la consulta; devuelve los grupos de resultados (uno por página),
    cada uno como lista de (dirección sin ?h=, título)."""
    box = page.locator("input.md-search__input")
    box.click()
    box.fill("")
    page.wait_for_function("""() => !document.querySelector('.md-search-result__item')""")
    box.press_sequentially(query, delay=15)
    # La lista está completa cuando deja de cambiar
    page.wait_for_function("""() => {
        const now = document.querySelector('.md-search-result').innerHTML;
        const same = window.__ultimo === now;
        window.__ultimo = now;
        return same && document.querySelector('.md-search-result__meta').textContent.trim()
            && !/Inicializando|Teclee/.test(document.querySelector('.md-search-result__meta').textContent);
    }""", polling=250, timeout=15000)
    return page.evaluate("""() => Array.from(document.querySelectorAll('.md-search-result__item'))
        .map(group => Array.from(group.querySelectorAll(':scope > a')).map(a => {
            const u = new URL(a.href); u.searchParams.delete('h');
            return [u.pathname + u.hash, (a.querySelector('h1, h2') || {}).textContent || ''];
        }))""")


@pytest.fixture(scope="module")
def search_page(browser, served_site):
    with reader_page(browser, served_site) as page:
        page.goto("")
        yield page
        assert page.problems == []


@pytest.mark.parametrize("term", ACCENTED)
def test_accents_and_case_do_not_matter(search_page, term):
    accented = search(search_page, term)
    assert accented, f"«{term}» no encuentra nada"
    for variant in (unaccented(term), unaccented(term).upper()):
        assert search(search_page, variant) == accented, f"«{variant}» no da lo mismo que «{term}»"


@pytest.mark.parametrize("query", ["agrupación", "agrupacion"])
def test_agrupacion_finds_pooling(search_page, query):
    groups = search(search_page, query)
    assert groups, f"«{query}» no encuentra nada"
    titles = [title.lower() for _, title in groups[0]]
    assert any("pooling" in t for t in titles), f"«{query}»: primer resultado {groups[0]}"


def test_convolucion_finds_filters_page(search_page):
    pages = {href.split("#")[0] for group in search(search_page, "convolución") for href, _ in group}
    assert any(p.endswith("/filtros-bordes/") for p in pages), pages


def test_titles_without_pilcrow(search_page, built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text())
    notebook_titles = [d["title"] for d in index["docs"] if d["location"].startswith("practica/")]
    assert len(notebook_titles) >= 8
    assert not [t for t in notebook_titles if "¶" in t]
    shown = [title for group in search(search_page, "entrenar") for _, title in group]
    assert shown and not [t for t in shown if "¶" in t]


def test_suggestion_keeps_accents(search_page):
    search(search_page, "visuali")
    suggestion = search_page.locator(".md-search__suggest").inner_text()
    assert suggestion.replace("\xa0", " ") == "visualización"


def test_missing_terms_shown_as_typed(search_page):
    """Material dice qué palabras le faltan a cada resultado: las tecleadas
    (con sus tildes si se escribieron sin ellas), no las raíces del índice
    («activ», «map»). Con esas palabras resalta después la página de destino."""
    typed = ["mapas", "activacion", "sobel"]
    search(search_page, " ".join(typed))
    missing = search_page.locator(".md-search-result__terms del").all_text_contents()
    assert missing, "ningún resultado dice qué le falta (¿cambió Material?)"
    assert {unaccented(word) for word in missing} <= set(typed), missing
    assert "activación" in missing
    highlight = search_page.evaluate("""() => Array.from(document.querySelectorAll(
        '.md-search-result__item > a')).map(a => new URL(a.href).searchParams.get('h'))""")
    assert any("activación" in (h or "") for h in highlight), highlight
