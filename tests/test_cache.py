"""Cachés honestas: cada resultado se rehace cuando cambia lo que usa, y solo entonces.

- Claves: editar una figura cambia solo su clave; editar el entrenamiento
  cambia todas las que dependen de los pesos (en una copia del código).
- Pesos cambiados: todo lo que los usa se rehace y todo cita la misma exactitud.
- Entradas dañadas, a medias o borradas, o basura con su huella correcta: se
  regeneran y se publican bytes correctos.
- Macros mal escritas y cachés en las que no se puede escribir: un error claro.
- En caliente, la construcción no importa torch ni matplotlib.
"""

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, mkdocs_build, site_env

from cnnviz.cache import CacheError, KEEP, cache_root, prune, read_entry, write_entry
from cnnviz.figures import FIGURES
from cnnviz import deps
from cnnviz.site.build import entries, keys, page_code
from cnnviz.site.build.page_code import python_sources
from cnnviz.site.facts import FACTS
from cnnviz.weights_cache import weights_digest, weights_key

NOTEBOOKS = sorted((ROOT / "docs").rglob("*.ipynb"))
EXAMPLES = ROOT / "code" / "examples" / "visualizacion.py"


def all_keys(weights):
    """Clave de cada resultado del sitio con la huella de pesos ``weights``."""
    found = {"pesos": weights_key(), "laboratorio": keys.lab_key(weights),
             "salidas de visualizacion.md": keys.page_outputs_key([EXAMPLES.read_text()], weights)}
    for name, spec in FIGURES.items():
        found[f"figura {name}"] = keys.figure_key(spec.func.__module__, spec.func.__qualname__,
                                                  weights)
    for name, func in FACTS.items():
        found[f"dato {name}"] = keys.fact_key(func.__module__, func.__qualname__, weights)
    for path in NOTEBOOKS:
        found[f"cuaderno {path.name}"] = keys.notebook_key(path, weights)
    return found


@pytest.fixture
def code_copy(tmp_path, monkeypatch):
    """Copia del paquete: las claves se leen de ella (``deps.PACKAGE_DIR``)."""
    copy = tmp_path / "cnnviz"
    shutil.copytree(deps.PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(deps, "PACKAGE_DIR", copy)
    deps.forget()
    yield copy
    deps.forget()


def changed_after(edit, code_copy, weights="pesos"):
    before = all_keys(weights)
    edit(code_copy)
    after = all_keys(weights)
    return {name for name in before if before[name] != after[name]}


def _edit_function(path, function, old, new):
    source = path.read_text()
    start = source.index(f"def {function}(")
    end = source.index("\ndef ", start + 1)
    body = source[start:end]
    assert old in body, (function, old)
    path.write_text(source[:start] + body.replace(old, new, 1) + source[end:])


def test_keys_of_a_copy_equal_the_originals(code_copy):
    deps.forget()
    copy_keys = all_keys("pesos")
    deps.PACKAGE_DIR = ROOT / "code" / "cnnviz"
    deps.forget()
    assert all_keys("pesos") == copy_keys
    deps.PACKAGE_DIR = code_copy
    deps.forget()


def test_editing_one_figure_function_changes_only_its_key(code_copy):
    changed = changed_after(lambda c: _edit_function(
        c / "figures" / "teoria.py", "fig_relu", "ax.", "ax.  "), code_copy)
    assert changed == {"figura relu"}
    # También una función de la página de visualización, que usa los pesos
    changed = changed_after(lambda c: _edit_function(
        c / "figures" / "visualizacion.py", "fig_filtros_conv1", "fig.", "fig. "), code_copy)
    assert changed == {"figura filtros_conv1"}


def test_editing_a_shared_module_changes_everything_that_imports_it(code_copy):
    changed = changed_after(lambda c: (c / "figures" / "style.py").write_text(
        (c / "figures" / "style.py").read_text() + "\n# cambio\n"), code_copy)
    # Todas las figuras y los cuadernos (importan figures.style); no los datos
    assert {f"figura {name}" for name in FIGURES} <= changed
    assert {f"cuaderno {p.name}" for p in NOTEBOOKS} <= changed
    assert not any(name.startswith(("dato", "pesos")) for name in changed)


def test_editing_the_notebook_recolouring_redraws_no_figure(code_copy):
    # restyle.py solo lo usan los cuadernos (figures.notebook.as_image)
    changed = changed_after(lambda c: (c / "figures" / "restyle.py").write_text(
        (c / "figures" / "restyle.py").read_text() + "\n# cambio\n"), code_copy)
    assert changed == {f"cuaderno {p.name}" for p in NOTEBOOKS}


def test_editing_training_changes_every_key_that_depends_on_the_weights(code_copy):
    before = all_keys("pesos")
    other = all_keys("otros pesos")
    weight_dependent = {name for name in before if before[name] != other[name]}
    # Lo que usa la CNN entrenada, y nada más (comprobado a mano)
    assert {"laboratorio", "salidas de visualizacion.md", "figura filtros_conv1",
            "dato exactitud_test", "cuaderno entrenar.ipynb"} <= weight_dependent
    assert not {"figura relu", "figura sobel", "dato tabla_net",
                "cuaderno cnn-basica.ipynb"} & weight_dependent
    changed = changed_after(lambda c: (c / "training.py").write_text(
        (c / "training.py").read_text().replace("MAX_SHIFT = ", "MAX_SHIFT = 1 + ", 1)), code_copy)
    assert "pesos" in changed
    assert weight_dependent <= changed
    assert not {"figura relu", "cuaderno cnn-basica.ipynb", "dato tabla_net"} & changed


# --- Construcciones con una copia de la caché de la sesión ---------------------

def _cache_copy(tmp_path):
    cache = tmp_path / "cache"
    shutil.copytree(cache_root(), cache)
    return cache


def _log(proc):
    return proc.stdout + proc.stderr


def _status_lines(log):
    return {line.split("INFO    -  ", 1)[1].split(":", 1)[0]: line.split(": ", 1)[1]
            for line in log.splitlines() if "INFO    -  " in line and ": " in line
            and line.split("INFO    -  ", 1)[1].split(":", 1)[0].split(" ")[0]
            in ("figura", "cuaderno", "laboratorio", "datos", "salidas")}


SWAP = r"""
import json
from cnnviz import training
from cnnviz.data import load_mnist_split
from cnnviz.model import DigitCNN
checkpoints, accuracies = training.trained_checkpoints()
_, meta = training.trained_model()
final = f"{meta['accuracy']:.1%}"
epoch = max(e for e, a in enumerate(accuracies) if f"{a:.1%}" != final and e > 1)
model = training.load_weights(DigitCNN(), checkpoints[epoch]).eval()
split = load_mnist_split()
result = training.evaluate(model, split.x_test, split.y_test)
meta = {**meta, "accuracy": result["accuracy"], "per_class": result["per_class"],
        "confusion": result["confusion"],
        "epoch_accuracy": accuracies[:-1] + [accuracies[epoch]]}
training.store_weights(model, checkpoints[:-1] + [checkpoints[epoch]], meta)
print(json.dumps({"epoch": epoch, "accuracy": result["accuracy"]}))
"""


@pytest.mark.slow          # construye con una copia de la caché
def test_swapped_weights_rebuild_every_dependent_output(built_site, site_port, tmp_path):
    cache = _cache_copy(tmp_path)
    env = {**os.environ, **site_env(cache, site_port)}
    before = weights_digest()
    swap = subprocess.run([sys.executable, "-c", SWAP], env=env, capture_output=True,
                          text=True, check=True)
    swapped = json.loads(swap.stdout)
    site = tmp_path / "site"
    proc = mkdocs_build(site, env=site_env(cache, site_port))
    assert proc.returncode == 0, proc.stderr[-3000:]
    status = _status_lines(_log(proc))

    # Todo lo que usa los pesos se rehizo; lo demás salió de la caché
    for name, spec in FIGURES.items():
        uses = keys.weights_dependent(spec.func.__module__, spec.func.__qualname__)
        assert status[f"figura {name}"].startswith("generada" if uses else "en caché"), name
    assert status["cuaderno practica/entrenar.ipynb"] == "ejecutado"
    assert status["cuaderno practica/cnn-basica.ipynb"] == "en caché"
    assert status["laboratorio"].startswith("generado")
    assert status["salidas del código de visualizacion/filtros-mapas.md"] == "ejecutadas"
    assert status["salidas del código de teoria.md"] == "ejecutadas"   # softmax de la red
    assert status["salidas del código de filtros-bordes.md"] == "en caché"
    assert "exactitud_test" in status["datos"]
    # El registro dice qué trabajos acabaron los últimos: de lo rehecho, no de la caché
    last = next(line for line in _log(proc).splitlines() if "trabajos que acabaron últimos" in line)
    assert last.count(" s (hasta el segundo ") == 3 and "«relu»" not in last, last

    # Texto, código de la página, cuaderno y laboratorio citan la misma exactitud
    spanish = f"{swapped['accuracy'] * 100:.1f} %".replace(".", ",")   # 97,9 %
    page = _text(site / "visualizacion" / "filtros-mapas" / "index.html")
    assert spanish in page and f"exactitud en prueba: {spanish}" in page   # texto y salida
    notebook = _text(site / "practica" / "entrenar" / "index.html")
    assert f"exactitud en prueba: {spanish}" in notebook
    lab = json.loads((site / "laboratorio" / "modelo.json").read_text())
    assert lab["exactitud"] == swapped["accuracy"]
    assert spanish not in _text(built_site / "visualizacion" / "filtros-mapas" / "index.html")   # otra exactitud
    # Las figuras son de los pesos nuevos
    assert (site / "figuras" / "filtros_conv1.png").read_bytes() != \
        (built_site / "figuras" / "filtros_conv1.png").read_bytes()
    assert (site / "figuras" / "relu.png").read_bytes() == \
        (built_site / "figuras" / "relu.png").read_bytes()
    assert weights_digest() == before             # la caché de la sesión, intacta


def _text(html_path):
    """Texto visible de una página, con los espacios (también los de no separación) normales."""
    from bs4 import BeautifulSoup
    text = BeautifulSoup(html_path.read_text(), "html.parser").get_text(" ")
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").split())


def _with_checksum(path, data):
    """Escribe ``data`` y una huella que cuadra: solo el contenido delata el daño."""
    import hashlib
    path.write_bytes(data)
    path.with_name(path.name + ".sha256").write_text(hashlib.sha256(data).hexdigest())


def _damage(path, how):
    data = path.read_bytes()
    if how == "basura":
        path.write_bytes(random.Random(0).randbytes(len(data)))
    elif how == "basura con huella":
        _with_checksum(path, random.Random(0).randbytes(len(data)))
    elif how == "dañada con huella":     # bytes cambiados en medio: cabecera y final intactos
        middle = len(data) // 2
        _with_checksum(path, data[:middle] + bytes(b ^ 0x55 for b in data[middle:middle + 64])
                       + data[middle + 64:])
    elif how == "a medias":
        path.write_bytes(data[:len(data) // 2])
    elif how == "borrada":
        path.unlink()
    elif how == "otro valor":
        path.write_bytes(data.replace(b'"valor": "', b'"valor": "9'))


@pytest.mark.slow          # construye con una copia de la caché
def test_damaged_entries_are_regenerated_and_published_correctly(built_site, site_port,
                                                                 tmp_path, monkeypatch):
    cache = _cache_copy(tmp_path)
    monkeypatch.setenv("CNNVIZ_CACHE", str(cache))
    weights = weights_digest()
    relu = FIGURES["relu"].func
    figure_key = keys.figure_key(relu.__module__, relu.__qualname__, weights)
    fact = FACTS["parametros_net"]
    # El cuaderno que se ejecuta es el preparado (sin la URL del sitio: va después)
    notebook, = (cache / "cuadernos-preparados" / "cnn-basica").glob("*/cnn-basica.ipynb")
    sources = python_sources((built_site / "filtros-bordes" / "index.html").read_text())
    bordes = page_code.outputs_path("filtros-bordes.md", keys.page_outputs_key(sources, weights))
    damaged = {
        entries.figure_path("relu", figure_key, ""): "basura",
        entries.figure_path("relu", figure_key, "-oscuro"): "a medias",
        entries.figure_path("relu", figure_key, "-estrecha"): "dañada con huella",
        entries.notebook_path(notebook, keys.notebook_key(notebook, weights)): "a medias",
        bordes: "borrada",
        entries.fact_path("parametros_net",
                       keys.fact_key(fact.__module__, fact.__qualname__, weights)): "otro valor",
        entries.lab_path(keys.lab_key(weights)): "basura con huella",
        entries.lab_path(keys.lab_key(weights), "aleatorio.bin"): "a medias",
        entries.registry_path(keys.registry_key()): "basura",
    }
    for path, how in damaged.items():
        assert path.is_file(), path
        _damage(path, how)
    # El HTML aligerado de la página del otro cuaderno (su clave lleva el HTML de mkdocs-jupyter)
    notebook_pages = sorted((cache / "notebook-pages" / "entrenar").glob("*/pagina.html"))
    assert notebook_pages
    for path in notebook_pages:
        _damage(path, "basura")
    # También la caché de mkdocs-jupyter (el HTML de los cuadernos, sin huella)
    converted = sorted((ROOT / ".cache" / "mkdocs-jupyter").glob("*.json"))
    assert converted
    for path in converted:
        _damage(path, "a medias")
    site = tmp_path / "site"
    proc = mkdocs_build(site, env=site_env(cache, site_port))
    assert proc.returncode == 0, proc.stderr[-3000:]
    log = _log(proc)
    assert "Traceback" not in log
    for path, how in [*damaged.items(), *((p, "a medias") for p in converted)]:
        if how != "borrada":
            assert str(path) in log, (path, how)      # una línea dice qué se regenera
    assert any(str(path) in log for path in notebook_pages)
    status = _status_lines(log)
    assert status["figura relu"].startswith("generada")
    assert status["cuaderno practica/cnn-basica.ipynb"] == "ejecutado"
    assert status["salidas del código de filtros-bordes.md"] == "ejecutadas"
    assert status["laboratorio"].startswith("generado")
    assert status["figura sobel"] == "en caché"
    # Se publica lo mismo que con la caché sana
    for file in ("figuras/relu.png", "figuras/relu-oscuro.png", "figuras/relu-estrecha.png",
                 "laboratorio/modelo.json", "laboratorio/aleatorio.bin",
                 "teoria/index.html", "filtros-bordes/index.html",
                 "practica/cnn-basica/index.html", "practica/cnn-basica/cnn-basica.ipynb",
                 "practica/entrenar/index.html"):
        assert (site / file).read_bytes() == (built_site / file).read_bytes(), file
    # …y la caché queda sana
    for path in damaged:
        assert read_entry(path) is not None, path


def test_warm_build_imports_neither_torch_nor_matplotlib(built_site, site_port, tmp_path):
    script = ("import sys\n"
              "from mkdocs.commands.build import build\n"
              "from mkdocs.config import load_config\n"
              f"build(load_config('mkdocs.yml', site_dir={str(tmp_path / 'site')!r}))\n"
              "print(sorted(m for m in ('torch', 'matplotlib') if m in sys.modules))\n")
    proc = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1",
                                          **site_env(cache_root(), site_port)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stdout.strip().splitlines()[-1] == "[]"
    assert "generada" not in proc.stderr and "ejecutad" not in proc.stderr


# --- Macros y errores de la caché ----------------------------------------------

MINI_SITE = """site_name: prueba
site_url: http://127.0.0.1:8000/
docs_dir: docs
strict: true
theme:
  name: material
  language: es
  font: false
hooks:
  - {hooks}
markdown_extensions:
  - attr_list
  - md_in_html
  - pymdownx.highlight
  - pymdownx.superfences
"""


def _mini_build(tmp_path, markdown):
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "index.md").write_text(markdown)
    config = tmp_path / "mkdocs.yml"
    config.write_text(MINI_SITE.format(hooks=ROOT / "code" / "cnnviz" / "site" / "hooks.py"))
    return mkdocs_build(tmp_path / "site", cwd=tmp_path, config=config)


@pytest.mark.parametrize("macro", ["{{ figuras: relu }}", "{{ figura: relu.png }}",
                                   "{{ Figura: relu }}", "{{ dato: no_existe }}",
                                   "{{ salida }}", "{{ figura: relu"])
def test_malformed_macro_fails_naming_page_line_and_text(built_site, tmp_path, macro):
    proc = _mini_build(tmp_path, f"# Prueba\n\nTexto con {macro} en medio.\n")
    assert proc.returncode != 0
    assert f"index.md:3: «{macro}" in proc.stderr, proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr


def test_braces_in_code_are_published_as_they_are(built_site, tmp_path):
    markdown = ("# Prueba\n\n{{ figura: relu }}\n\n"
                "```yaml\nenv:\n  TOKEN: ${{ secrets.TOKEN }}\n```\n\n"
                "En línea: `{{ x }}`.\n")
    proc = _mini_build(tmp_path, markdown)
    assert proc.returncode == 0, proc.stderr[-2000:]
    from bs4 import BeautifulSoup
    html = (tmp_path / "site" / "index.html").read_text()
    soup = BeautifulSoup(html, "html.parser")
    assert "TOKEN: ${{ secrets.TOKEN }}" in soup.select_one("pre code").get_text()
    assert [c.get_text() for c in soup.select("p code")] == ["{{ x }}"]
    assert 'src="figuras/relu.png#only-light"' in html


def test_unwritable_cache_gives_one_clear_error(site_port, tmp_path):
    blocker = tmp_path / "archivo"
    blocker.write_text("no es una carpeta")
    cache = blocker / "cache"
    proc = mkdocs_build(tmp_path / "site", env=site_env(cache, site_port))
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    error = [line for line in proc.stderr.splitlines() if "ERROR" in line]
    assert len(error) == 1 and str(cache) in error[0] and "caché" in error[0], proc.stderr


def test_full_disk_error_names_path_and_step(tmp_path, monkeypatch):
    import errno

    import cnnviz.cache as cache

    def full(path, data):
        raise OSError(errno.ENOSPC, "No queda espacio en el dispositivo")

    monkeypatch.setattr(cache, "atomic_write_bytes", full)
    with pytest.raises(CacheError) as info:
        write_entry(tmp_path / "x" / "figura.png", b"datos", "guardar la figura «x»")
    message = str(info.value)
    assert "guardar la figura «x»" in message and str(tmp_path / "x" / "figura.png") in message
    assert "espacio" in message


def test_entries_are_checked_and_old_versions_pruned(tmp_path):
    path = write_entry(tmp_path / "a" / "k1" / "f.dat", b"hola", "probar")
    assert read_entry(path) == b"hola"
    path.write_bytes(b"hola!")
    assert read_entry(path) is None
    assert read_entry(path, check=lambda d: None) is None
    assert read_entry(tmp_path / "no" / "existe") is None
    for i in range(KEEP + 3):
        folder = tmp_path / "b" / f"k{i}"
        write_entry(folder / "f.dat", b"x", "probar")
        os.utime(folder, (i, i))
    prune(tmp_path / "b")
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == \
        sorted(f"k{i}" for i in range(3, KEEP + 3))


def _png(width=7, height=5):
    import io

    from PIL import Image
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 60)).save(buffer, format="png")
    return buffer.getvalue()


def test_an_entry_with_a_matching_checksum_must_still_be_readable(tmp_path):
    import gzip
    good = {"modelo.json": b'{"formato": 2}', "figura.png": _png(),
            "epocas.bin": gzip.compress(b"CNNV"), "cuaderno.ipynb": b'{"cells": []}'}
    for name, data in good.items():
        path = write_entry(tmp_path / "bien" / name, data, "probar")
        assert read_entry(path) == data, name
    png = good["figura.png"]
    bad = {"modelo.json": b"\x00basura{", "figura.png": random.Random(1).randbytes(300),
           "cortada.png": png[:-12],                           # sin IEND
           "crc.png": png[:40] + bytes([png[40] ^ 1]) + png[41:],  # un bit de un bloque
           "epocas.bin": b"no es gzip", "cuaderno.ipynb": b"{"}
    for name, data in bad.items():
        path = write_entry(tmp_path / "mal" / name, data, "probar")     # huella correcta
        assert read_entry(path) is None, name


def test_png_check_needs_image_data_in_zlib():
    import struct
    import zlib

    from cnnviz.png import check_png
    png = _png(7, 5)
    assert check_png(png) == (7, 5)
    # Un bloque IDAT con su CRC bien calculado pero sin datos zlib
    idat = b"\x00\x01basura"
    chunk = struct.pack(">I", len(idat)) + b"IDAT" + idat + \
        struct.pack(">I", zlib.crc32(b"IDAT" + idat))
    start = png.index(b"IDAT") - 4
    length = struct.unpack(">I", png[start:start + 4])[0]
    forged = png[:start] + chunk + png[start + 12 + length:]
    with pytest.raises(ValueError, match="zlib"):
        check_png(forged)


def _as_nobody(code):
    """Ejecuta ``code`` con un usuario sin privilegios (root escribe en carpetas de solo lectura)."""
    prefix = []
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("hace falta setpriv para probar permisos como root")
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    return subprocess.run([*prefix, sys.executable, "-c", code], capture_output=True,
                          text=True, cwd=ROOT, env={**os.environ, "HOME": "/tmp"})


def test_read_only_converter_cache_names_the_folder(tmp_path):
    folder = tmp_path / "mkdocs-jupyter"
    folder.mkdir()
    folder.chmod(0o555)
    tmp_path.chmod(0o755)
    code = ("from types import SimpleNamespace as N\n"
            "from cnnviz.site.build.notebooks import check_converter_cache\n"
            f"plugin = N(config={{'cache': True, 'cache_dir': {str(folder)!r}}})\n"
            "check_converter_cache(N(plugins={'mkdocs-jupyter': plugin}))\n")
    proc = _as_nobody(code)
    assert proc.returncode != 0
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("cnnviz.cache.CacheError: no se puede escribir en la caché de "
                           "mkdocs-jupyter"), proc.stderr
    assert str(folder) in last


def test_notebook_key_does_not_depend_on_the_site_url(tmp_path, monkeypatch):
    from cnnviz.site.reader.pages import prepare_notebook, publish_notebook
    monkeypatch.setenv("CNNVIZ_CACHE", str(tmp_path / "cache"))
    source = ROOT / "docs" / "practica" / "cnn-basica.ipynb"
    configs = [{"site_url": f"http://127.0.0.1:{port}/", "repo_url": "", "edit_uri": ""}
               for port in (8000, 23456)]
    prepared = [prepare_notebook(source, config) for config in configs]
    assert prepared[0] == prepared[1]
    assert keys.notebook_key(prepared[0], "pesos") == keys.notebook_key(prepared[1], "pesos")
    # La URL del paquete se pone después de ejecutar, en la copia que se publica
    for config in configs:
        text = publish_notebook(prepared[0], config).read_text()
        assert f"%pip install --quiet {config['site_url']}descargas/" in text
        assert "{{" not in text


def test_notebooks_print_no_wall_clock_time():
    # Dos construcciones deben dar el mismo cuaderno: nada de «entrenada en 9 s»
    import nbformat
    for path in NOTEBOOKS:
        code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells
                         if c.cell_type == "code")
        for clock in ("perf_counter", "time.time", "monotonic", "datetime.now"):
            assert clock not in code, (path.name, clock)


def test_syntax_error_in_code_is_one_line_and_keeps_the_last_site(built_site, tmp_path):
    # Con una copia de code/ (los ganchos la leen de junto a hooks.py)
    shutil.copytree(ROOT / "code", tmp_path / "code",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Prueba\n\nTexto.\n")
    config = tmp_path / "mkdocs.yml"
    config.write_text(MINI_SITE.format(hooks=tmp_path / "code" / "cnnviz" / "site" / "hooks.py"))
    site = tmp_path / "site"
    assert mkdocs_build(site, cwd=tmp_path, config=config).returncode == 0
    broken = tmp_path / "code" / "cnnviz" / "figures" / "teoria.py"
    lines = broken.read_text().splitlines()
    lines[20] = "def roto(:"
    broken.write_text("\n".join(lines) + "\n")
    proc = mkdocs_build(site, cwd=tmp_path, config=config)
    assert proc.returncode != 0
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    errors = [line for line in proc.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1 and "code/cnnviz/figures/teoria.py:21: error de sintaxis" in errors[0], \
        proc.stderr
    assert (site / "index.html").is_file()     # el último sitio bueno sigue ahí


def test_notebook_and_page_code_keys_follow_their_imports():
    basica = keys.notebook_modules(ROOT / "docs" / "practica" / "cnn-basica.ipynb")
    # Lo que importa su celda (from cnnviz.data …, from cnnviz.filters …, una por línea)
    assert {"cnnviz.data", "cnnviz.filters", "cnnviz.figures.practica"} <= basica
    assert "cnnviz.training" not in basica
    own = {"cnnviz.figures.practica", "cnnviz.figures.style", "cnnviz.figures.restyle",
           "cnnviz.figures.notebook"}
    assert not any(m.startswith("cnnviz.figures.") and m not in own
                   for m in basica)                   # no depende de las figuras del sitio
    assert "cnnviz.figures" not in basica              # ni del registro
    entrenar = keys.notebook_modules(ROOT / "docs" / "practica" / "entrenar.ipynb")
    assert "cnnviz.training" in entrenar
    assert Path(deps.module_file("cnnviz.figures")).name == "__init__.py"


def test_imports_of_code_that_is_not_python_yet_are_all_found():
    """Un cuaderno con macros del sitio no es Python válido: se leen sus líneas
    ``import``, cada una con sus nombres (no los de la línea siguiente)."""
    code = ("url = {{ paquete: url }}\n"
            "from cnnviz.data import sample_photo\n"
            "from cnnviz.filters import (FOUR_FILTERS,\n    apply_filters)\n"
            "import cnnviz.pooling as pooling\n"
            "from cnnviz.figures import practica\n")
    found = deps.code_modules(code)
    assert {"cnnviz.data", "cnnviz.filters", "cnnviz.pooling", "cnnviz.figures.practica"} <= found
    assert "cnnviz.figures" not in found

