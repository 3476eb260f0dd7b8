"""Cachés honestas: cada resultado se rehace cuando cambia lo que usa, y solo entonces.

- Claves: editar una figura cambia solo su clave; editar el entrenamiento
  cambia todas las que dependen de los pesos (en una copia del código).
- Pesos cambiados: todo lo que los usa se rehace y todo cita la misma exactitud.
- Entradas dañadas, a medias o borradas: se regeneran y se publican bytes correctos.
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
from cnnviz.site import entries, keys, page_code
from cnnviz.site.page_code import python_sources
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
    assert status["salidas del código de visualizacion.md"] == "ejecutadas"
    assert status["salidas del código de teoria.md"] == "ejecutadas"   # softmax de la red
    assert status["salidas del código de filtros-bordes.md"] == "en caché"
    assert "exactitud_test" in status["datos"]
    # El registro dice qué trabajos acabaron los últimos: de lo rehecho, no de la caché
    last = next(line for line in _log(proc).splitlines() if "trabajos que acabaron últimos" in line)
    assert last.count(" s (hasta el segundo ") == 3 and "«relu»" not in last, last

    # Texto, código de la página, cuaderno y laboratorio citan la misma exactitud
    spanish = f"{swapped['accuracy'] * 100:.1f} %".replace(".", ",")   # 97,9 %
    page = _text(site / "visualizacion" / "index.html")
    assert spanish in page and f"exactitud en prueba: {spanish}" in page   # texto y salida
    notebook = _text(site / "practica" / "entrenar" / "index.html")
    assert f"exactitud en prueba: {spanish}" in notebook
    lab = json.loads((site / "laboratorio" / "modelo.json").read_text())
    assert lab["exactitud"] == swapped["accuracy"]
    assert spanish not in _text(built_site / "visualizacion" / "index.html")   # otra exactitud
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


def _damage(path, how):
    data = path.read_bytes()
    if how == "basura":
        path.write_bytes(random.Random(0).randbytes(len(data)))
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
    # El cuaderno que se ejecuta es el preparado (con la URL del paquete)
    notebook, = (cache / "cuadernos-preparados" / "cnn-basica").glob("*/cnn-basica.ipynb")
    sources = python_sources((built_site / "filtros-bordes" / "index.html").read_text())
    bordes = page_code.outputs_path("filtros-bordes.md", keys.page_outputs_key(sources, weights))
    damaged = {
        entries.figure_path("relu", figure_key, ""): "basura",
        entries.figure_path("relu", figure_key, "-oscuro"): "a medias",
        entries.notebook_path(notebook, keys.notebook_key(notebook, weights)): "a medias",
        bordes: "borrada",
        entries.fact_path("parametros_net",
                       keys.fact_key(fact.__module__, fact.__qualname__, weights)): "otro valor",
        entries.lab_path(keys.lab_key(weights)): "a medias",
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
    for file in ("figuras/relu.png", "figuras/relu-oscuro.png", "laboratorio/modelo.json",
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
    path = write_entry(tmp_path / "a" / "k1" / "f.bin", b"hola", "probar")
    assert read_entry(path) == b"hola"
    path.write_bytes(b"hola!")
    assert read_entry(path) is None
    assert read_entry(path, check=lambda d: None) is None
    assert read_entry(tmp_path / "no" / "existe") is None
    for i in range(KEEP + 3):
        folder = tmp_path / "b" / f"k{i}"
        write_entry(folder / "f.bin", b"x", "probar")
        os.utime(folder, (i, i))
    prune(tmp_path / "b")
    assert sorted(p.name for p in (tmp_path / "b").iterdir()) == \
        sorted(f"k{i}" for i in range(3, KEEP + 3))


def test_lab_files_match_lab_export():
    from cnnviz.site.lab_export import FILES, LAB_PATH
    assert entries.LAB_FILES == FILES and entries.LAB_PATH == LAB_PATH


def test_notebook_and_page_code_keys_follow_their_imports():
    basica = keys.notebook_modules(ROOT / "docs" / "practica" / "cnn-basica.ipynb")
    # Lo que importa su celda (from cnnviz.data …, from cnnviz.filters …, una por línea)
    assert {"cnnviz.data", "cnnviz.filters", "cnnviz.figures.practica"} <= basica
    assert "cnnviz.training" not in basica
    own = {"cnnviz.figures.practica", "cnnviz.figures.style", "cnnviz.figures.restyle"}
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

