"""La construcción: estricta, determinista, sin recursos externos, y falla por nombre.

También el marcado de las figuras (variante clara u oscura según el esquema,
estrecha en pantallas pequeñas) y la fecha reproducible del mapa del sitio.
"""

import os
import re
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, build_copy, nav_pages, site_env
from PIL import Image

from cnnviz.cache import cache_root
from cnnviz.figures import FIGURES
from cnnviz.variants import variants
from cnnviz.site.html.offline import external_requests


def _variant_suffixes(spec):
    return [v.suffix for v in variants(spec.narrow)]


def test_strict_build_has_every_page_and_figure_variant(built_site):
    for src, url in nav_pages():
        assert (built_site / url / "index.html").is_file(), src
    for name, spec in FIGURES.items():
        for variant_suffix in _variant_suffixes(spec):
            path = built_site / "figuras" / f"{name}{variant_suffix}.png"
            assert path.stat().st_size > 1000, path


@pytest.mark.slow          # dibuja todas las figuras una tras otra
def test_images_are_byte_identical_to_a_serial_render(built_site, tmp_path):
    # La construcción dibuja en paralelo; otra generación en otro proceso, sin
    # caché de figuras y una figura tras otra, da los mismos bytes (también el
    # diseño de kiwisolver, que depende de direcciones de memoria: ver
    # figures.style.freeze_layout)
    out = tmp_path / "figuras"
    cache = tmp_path / "cache"
    shutil.copytree(cache_root() / "weights", cache / "weights")
    subprocess.run([sys.executable, "-m", "cnnviz", "figures", "--jobs", "1", "--out", str(out)],
                   check=True, capture_output=True, env={**os.environ, **site_env(cache)})
    for name, spec in FIGURES.items():
        for variant_suffix in _variant_suffixes(spec):
            file = f"{name}{variant_suffix}.png"
            assert (out / file).read_bytes() == (built_site / "figuras" / file).read_bytes(), file


def test_dark_variant_has_the_slate_background(built_site):
    from PIL import Image
    for name in FIGURES:
        light = Image.open(built_site / "figuras" / f"{name}.png").convert("RGB")
        dark = Image.open(built_site / "figuras" / f"{name}-oscuro.png").convert("RGB")
        assert light.getpixel((1, 1)) == (255, 255, 255), name
        assert dark.getpixel((1, 1)) == (0x1e, 0x21, 0x29), name


def test_figure_markup_switches_scheme_and_keeps_alt_size_lazy_and_lightbox(built_site):
    from bs4 import BeautifulSoup
    page = BeautifulSoup((built_site / "teoria" / "index.html").read_text(), "html.parser")
    links = page.select("article a.glightbox")
    by_name = {}
    for link in links:
        img = link.select_one("picture > img")
        name = img["src"].split("/")[-1].split("#")[0].removesuffix(".png")
        by_name[name] = (link, img)
    for name in ("relu", "arquitectura"):
        spec = FIGURES[name]
        for scheme, file, fragment in (("claro", name, "only-light"),
                                       ("oscuro", f"{name}-oscuro", "only-dark")):
            link, img = by_name[file]
            assert img["src"] == f"../figuras/{file}.png#{fragment}"
            assert link["href"] == f"../figuras/{file}.png"        # el visor abre la ancha
            assert f"cnnviz-figura--{scheme}" in link["class"]
            assert img["alt"] == spec.alt and img["loading"] == "lazy"
            assert "off-glb" in img["class"]       # glightbox no la envuelve otra vez
            with Image.open(built_site / "figuras" / f"{file}.png") as png:
                assert (int(img["width"]), int(img["height"])) == png.size


def test_narrow_variant_is_served_to_small_screens():
    from cnnviz.site.html.figure_html import NARROW_MAX, figure_markup
    spec = {"name": "f", "alt": "Una «figura» & más", "narrow": True}
    sizes = {"": (900, 300), "-oscuro": (900, 300), "-estrecha": (400, 600),
             "-estrecha-oscuro": (400, 600)}
    html = figure_markup(spec, sizes, "teoria/", "figuras")
    assert html.count("<picture>") == 2
    assert (f'<source media="(max-width: {NARROW_MAX - 0.02}px)" '
            'srcset="../figuras/f-estrecha.png" width="400" height="600">') in html
    assert 'srcset="../figuras/f-estrecha-oscuro.png"' in html
    assert 'alt="Una «figura» &amp; más"' in html
    # Sin composición estrecha: sin <source>
    wide = {k: v for k, v in sizes.items() if "estrecha" not in k}
    assert "<source" not in figure_markup({**spec, "narrow": False}, wide, "teoria/", "figuras")


def test_no_page_loads_from_another_host(built_site):
    for page in built_site.rglob("*.html"):
        assert external_requests(page.read_text()) == [], page


def test_figures_and_outputs_are_not_committed():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    assert not [f for f in tracked if f.startswith("docs/") and f.endswith(".png")]
    import nbformat
    for nb_path in (ROOT / "docs").rglob("*.ipynb"):
        nb = nbformat.read(nb_path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert cell.outputs == [] and cell.execution_count is None, nb_path


def _srcsets(html, name):
    return [suffix for suffix in ("-estrecha", "-estrecha-oscuro")
            if f'srcset="../figuras/{name}{suffix}.png"' in html]


@pytest.mark.slow          # construye una copia
def test_narrow_variant_is_drawn_and_served(built_site, site_port, tmp_path):
    # En el sitio: «relu» pide composición estrecha; se dibuja y la página la ofrece
    html = (built_site / "teoria" / "index.html").read_text()
    for variant_suffix in ("-estrecha", "-estrecha-oscuro"):
        with Image.open(built_site / "figuras" / f"relu{variant_suffix}.png") as png:
            width, height = png.size
        assert (f'srcset="../figuras/relu{variant_suffix}.png" width="{width}" '
                f'height="{height}"') in html
    # Una copia en la que «relu» ya no la pide: ni se publica ni se ofrece
    def drop_narrow(copy):
        registry = copy / "code" / "cnnviz" / "figures" / "__init__.py"
        source = registry.read_text()
        start = source.index('FigureSpec("relu"')
        end = source.index("FigureSpec(", start + 1)
        entry = source[start:end]
        assert entry.count(", narrow=True)") == 1
        registry.write_text(source[:start] + entry.replace(", narrow=True)", ")") + source[end:])

    proc, site = build_copy(tmp_path, drop_narrow, site_port)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not list((site / "figuras").glob("relu-estrecha*.png"))
    assert _srcsets((site / "teoria" / "index.html").read_text(), "relu") == []
    # La ancha no se volvió a dibujar: su clave no depende de las variantes pedidas
    assert "figura relu: en caché" in proc.stderr
    assert (site / "figuras" / "relu.png").read_bytes() == \
        (built_site / "figuras" / "relu.png").read_bytes()


@pytest.mark.slow          # construye una copia
def test_broken_figure_fails_the_build_and_names_it(built_site, site_port, tmp_path):
    def break_relu(copy):
        module = copy / "code" / "cnnviz" / "figures" / "teoria.py"
        source = module.read_text()
        broken = source.replace(
            '    """ReLU(x) = max(0, x) frente a la función escalón que describe el original."""',
            '    """Rota a propósito."""\n    raise ZeroDivisionError("rota a propósito")')
        assert broken != source
        module.write_text(broken)

    # Con una copia de la caché de la sesión: solo «relu» cambió, solo ella se dibuja
    proc, site = build_copy(tmp_path, break_relu, site_port)
    assert proc.returncode != 0
    assert "«relu»" in proc.stderr and "rota a propósito" in proc.stderr, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    assert not (site / "figuras" / "relu.png").exists()


def test_sitemap_is_dated_by_the_last_commit_not_today(built_site):
    import gzip
    from datetime import datetime, timezone
    commit = int(subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, text=True,
                                capture_output=True, check=True).stdout)
    day = datetime.fromtimestamp(commit, timezone.utc).strftime("%Y-%m-%d")
    sitemap = (built_site / "sitemap.xml").read_text()
    assert set(re.findall(r"<lastmod>(.*?)</lastmod>", sitemap)) <= {day}
    header = (built_site / "sitemap.xml.gz").read_bytes()[:10]
    midnight = int(datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp())
    assert int.from_bytes(header[4:8], "little") == midnight
    assert gzip.decompress((built_site / "sitemap.xml.gz").read_bytes()).decode() == sitemap

