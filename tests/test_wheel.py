"""El paquete que publica el sitio: reproducible, con lo que usan páginas y cuadernos, y nada más."""

import ast
import re
import sys
import tomllib
import zipfile
from email.parser import Parser
from importlib.metadata import packages_distributions

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, build_copy, nav_pages
from reader_env import downloaded_notebook

from cnnviz.site.reader.wheel import build_wheel, wheel_name, wheel_path_in_site

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def requirement_name(req):
    return re.match(r"[A-Za-z0-9._-]+", req).group(0).lower()


def metadata(wheel):
    with zipfile.ZipFile(wheel) as z:
        name = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA"))
        return Parser().parsestr(z.read(name).decode())


def code_of_site(built_site):
    """Código de Python de las páginas (bloques) y de los cuadernos que se descargan."""
    import nbformat

    code = {}
    for src, url in nav_pages():
        soup = BeautifulSoup((built_site / url / "index.html").read_text(), "html.parser")
        if src.endswith(".ipynb"):
            nb = nbformat.read(downloaded_notebook(built_site, url)[0], as_version=4)
            cells = [c.source for c in nb.cells if c.cell_type == "code"]
            code[src] = [re.sub(r"^(\s*)%.*$", r"\1pass", c, flags=re.M) for c in cells]
        else:
            code[src] = [d.find("code").get_text()
                         for d in soup.select("article div.language-python.highlight")]
    return code


def imports(source):
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def test_site_publishes_a_reproducible_wheel(built_site, tmp_path, monkeypatch):
    published = built_site / wheel_path_in_site()
    assert published.name == wheel_name() == f"cnnviz-{PYPROJECT['version']}-py3-none-any.whl"
    # Otra construcción, sin caché, da los mismos bytes (fechas fijas en el zip)
    monkeypatch.setenv("CNNVIZ_CACHE", str(tmp_path / "cache"))
    fresh, status = build_wheel()
    assert status == "construido"
    assert fresh.read_bytes() == published.read_bytes()
    with zipfile.ZipFile(fresh) as z:
        assert {info.date_time for info in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert build_wheel() == (fresh, "en caché")


def test_wheel_metadata_lists_only_runtime_dependencies(built_site):
    meta = metadata(built_site / wheel_path_in_site())
    requires = meta.get_all("Requires-Dist")
    assert sorted(requires) == sorted(PYPROJECT["dependencies"]), requires
    assert meta.get_all("Provides-Extra") is None
    build_and_test = {requirement_name(r) for extra in PYPROJECT["optional-dependencies"].values()
                      for r in extra}
    assert {"mkdocs", "pytest", "nbclient"} <= build_and_test
    assert not build_and_test & {requirement_name(r) for r in requires}
    # Rangos compatibles, no las versiones exactas de la construcción
    assert not [r for r in requires if "==" in r]
    assert "torch>=2.4" in requires
    assert meta["Requires-Python"] == ">=3.11"


def test_wheel_has_every_module_that_pages_and_notebooks_import(built_site):
    with zipfile.ZipFile(built_site / wheel_path_in_site()) as z:
        names = set(z.namelist())
    # Todo el paquete menos los ganchos de mkdocs
    package = {p.relative_to(ROOT / "code").as_posix()
               for p in (ROOT / "code" / "cnnviz").rglob("*.py") if "site" not in p.parts}
    assert package <= names
    assert not [n for n in names if n.startswith("cnnviz/site/")]
    declared = {requirement_name(r) for r in PYPROJECT["dependencies"]}
    dists = packages_distributions()
    for src, blocks in code_of_site(built_site).items():
        for module in {m for block in blocks for m in imports(block)}:
            top = module.split(".")[0]
            if top == "cnnviz":
                parts = module.split(".")
                candidates = {"/".join(parts) + ".py", "/".join(parts) + "/__init__.py",
                              "/".join(parts[:-1]) + ".py",     # from cnnviz.x import nombre
                              "/".join(parts[:-1]) + "/__init__.py"}   # … de un subpaquete
                assert candidates & names, f"{src} importa {module}, que el paquete no trae"
            elif top not in sys.stdlib_module_names and top != "IPython":
                found = {d.lower() for d in dists.get(top, [])}
                assert found & declared, f"{src} importa {top}, que el paquete no declara"


def test_install_page_gives_the_pip_line_python_and_what_it_brings(built_site, site_port):
    soup = BeautifulSoup((built_site / "instalar" / "index.html").read_text(), "html.parser")
    bash = [c.get_text() for c in soup.select("div.language-bash code")]
    url = f"http://127.0.0.1:{site_port}/{wheel_path_in_site()}"
    assert bash[0].strip() == f"pip install {url}"
    assert (built_site / wheel_path_in_site()).is_file()
    text = soup.select_one("article").get_text(" ")
    assert f"Python {sys.version_info.major}.{sys.version_info.minor}" in text
    table = soup.select_one("article table").get_text(" ")
    for req in PYPROJECT["dependencies"]:
        assert requirement_name(req) in table.lower()
    # El enlace de descarga directa lleva al mismo archivo
    link = soup.find("a", href=re.compile(r"\.whl$"))
    assert (built_site / "instalar" / link["href"]).resolve() == \
        (built_site / wheel_path_in_site()).resolve()


def test_reader_cache_is_home_or_cnnviz_cache_and_training_writes_there(reader, tmp_path):
    proc = reader.run(["-c", "from cnnviz.cache import cache_dir; print(cache_dir('weights'))"],
                      CNNVIZ_CACHE=None)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == str(reader.home / ".cache" / "cnnviz" / "weights")
    # Un entrenamiento corto (1 época) desde el paquete escribe en $CNNVIZ_CACHE
    cache = tmp_path / "otra-cache"
    script = ("import cnnviz.training as t\n"
              "t.EPOCHS = 1\n"
              "model, meta = t.trained_model()\n"
              "print(len(meta['epoch_accuracy']), meta['accuracy'])")
    proc = reader.run(["-c", script], CNNVIZ_CACHE=cache, timeout=900)
    assert proc.returncode == 0, proc.stderr
    epochs, accuracy = proc.stdout.split()
    assert epochs == "2" and float(accuracy) > 0.5
    assert len(list((cache / "weights").rglob("*.pt"))) == 2      # finales y por época
    assert not list(reader.site_packages().joinpath("cnnviz").rglob("*.pt"))


@pytest.mark.slow          # construye una copia (con la caché vacía)
def test_broken_package_fails_the_build_by_name(tmp_path):
    def break_pyproject(copy):
        pyproject = copy / "pyproject.toml"
        text = pyproject.read_text()
        pyproject.write_text(text.replace('"numpy>=1.26"', '"numpy>>>1.26"'))

    proc, site = build_copy(tmp_path, break_pyproject, copy_cache=False)
    assert proc.returncode != 0
    assert f"paquete {wheel_path_in_site()}" in proc.stderr, proc.stderr[-3000:]
    assert not (site / wheel_path_in_site()).exists()


@pytest.mark.parametrize("command", [["-m", "cnnviz", "figures"]])
def test_build_only_commands_say_they_need_the_repository(reader, command):
    proc = reader.run(command)
    assert proc.returncode == 2 and "copia del repositorio" in proc.stderr
