"""Comprobador de enlaces sin red sobre el HTML construido.

Independiente de la validación de mkdocs: recorre cada página del sitio,
resuelve cada enlace interno (href y src) a un archivo de ``site/`` y, si
lleva ancla (#...), comprueba que la página de destino tenga ese id.
"""

import posixpath
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from bs4 import BeautifulSoup

LINK_ATTRS = {"a": "href", "img": "src", "link": "href", "script": "src", "source": "src"}


def internal_links(html):
    soup = BeautifulSoup(html, "html.parser")
    for tag, attr in LINK_ATTRS.items():
        for element in soup.find_all(tag):
            value = element.get(attr)
            if not value:
                continue
            parts = urlsplit(value)
            if parts.scheme or parts.netloc or value.startswith(("data:", "mailto:")):
                continue
            yield value


def broken_links(site):
    @lru_cache(maxsize=None)
    def ids_of(path):
        soup = BeautifulSoup(path.read_text(errors="replace"), "html.parser")
        return {el.get("id") for el in soup.find_all(id=True)} | \
               {el.get("name") for el in soup.find_all("a", attrs={"name": True})}

    broken = []
    for page in sorted(site.rglob("*.html")):
        rel_dir = posixpath.dirname(page.relative_to(site).as_posix())
        for link in internal_links(page.read_text(errors="replace")):
            parts = urlsplit(link)
            if parts.path:
                path = unquote(parts.path)
                # Rutas absolutas (la página 404 las usa): desde la raíz del sitio
                base = "" if path.startswith("/") else rel_dir
                target_rel = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
                if target_rel.startswith(".."):
                    broken.append((page.relative_to(site), link, "sale del sitio"))
                    continue
                target = site / target_rel
                if link.split("#")[0].split("?")[0].endswith("/") or target.is_dir():
                    target = target / "index.html"
            else:
                target = page
            if not target.is_file():
                broken.append((page.relative_to(site), link, "no existe"))
            elif parts.fragment and target.suffix == ".html" and \
                    unquote(parts.fragment) not in ids_of(target):
                broken.append((page.relative_to(site), link, "ancla inexistente"))
    return broken


def test_no_broken_internal_links(built_site):
    assert broken_links(built_site) == []


def test_checker_detects_broken_links(tmp_path):
    # El comprobador sí encuentra enlaces rotos (no es una prueba que no puede fallar)
    (tmp_path / "a").mkdir()
    (tmp_path / "index.html").write_text(
        '<a href="a/">ok</a><a href="b/">roto</a><a href="a/#sec">ancla</a>'
        '<a href="#nada">ancla local</a><img src="x.png">')
    (tmp_path / "a" / "index.html").write_text('<h2 id="otra">t</h2>')
    found = {(link, why) for _, link, why in broken_links(tmp_path)}
    assert found == {("b/", "no existe"), ("a/#sec", "ancla inexistente"),
                     ("#nada", "ancla inexistente"), ("x.png", "no existe")}
