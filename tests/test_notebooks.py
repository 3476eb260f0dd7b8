"""Los cuadernos, tal como se descargan del sitio, se ejecutan en el entorno de quien lee.

Cada página de cuaderno enlaza su .ipynb; ese archivo es el que se prueba: en
un entorno nuevo sin ``cnnviz`` (``tests/reader_env.py``), la primera celda
instala el paquete desde el sitio servido en la prueba, y después el cuaderno
se ejecuta de principio a fin con nbclient. El segundo cuaderno encuentra el
paquete ya instalado y su primera celda no hace nada.
"""

import inspect
import shutil
import time

import nbformat
import pytest
from conftest import ROOT, nav_pages
from reader_env import downloaded_notebook, make_reader_env, seed_weights

from cnnviz.site.build.jobs import notebook as execute_notebook
from cnnviz.site.build.jobs import notebook_key
from cnnviz.site.build.notebooks import NotebookError

NOTEBOOK_PAGES = [(src, url) for src, url in nav_pages() if src.endswith(".ipynb")]

_EXECUTE = r"""
import sys, time
import nbformat
from nbclient import NotebookClient
source, folder, out = sys.argv[1:4]
nb = nbformat.read(source, as_version=4)
start = time.perf_counter()
NotebookClient(nb, timeout=1800, kernel_name="python3", allow_errors=False,
               resources={"metadata": {"path": folder}}).execute()
nbformat.write(nb, out)
print(f"{time.perf_counter() - start:.1f}")
"""

_CHECK_CELL = "import cnnviz\nprint(cnnviz.__file__)"


@pytest.mark.parametrize("src, url", NOTEBOOK_PAGES)
def test_download_is_the_prepared_notebook(built_site, site_port, src, url):
    from cnnviz.site.reader.wheel import wheel_path_in_site

    path, link = downloaded_notebook(built_site, url)
    assert path.is_file() and link["download"] == path.name
    nb = nbformat.read(path, as_version=4)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    text = "\n".join(c.source for c in nb.cells)
    # La primera celda instala el paquete que publica este sitio, solo si falta
    wheel_url = f"http://127.0.0.1:{site_port}/{wheel_path_in_site()}"
    assert 'importlib.util.find_spec("cnnviz") is None' in code[0]
    assert f"%pip install --quiet {wheel_url}" in code[0]
    assert (built_site / wheel_path_in_site()).is_file()
    # Nada sin rellenar: ni marcadores ni inclusiones
    assert "{{" not in text and "--8<--" not in text
    assert "inspect.getsource" not in text


def test_training_loop_cell_is_the_package_function():
    # La celda del bucle, tal como la rellena la construcción, contiene el
    # código de cnnviz.training.train (leído aquí con inspect, no con snippets)
    from cnnviz.site.reader.pages import prepare_notebook
    from cnnviz.training import train

    config = {"site_url": "http://127.0.0.1:8000/", "repo_url": "", "edit_uri": ""}
    nb = nbformat.read(prepare_notebook(ROOT / "docs/practica/entrenar.ipynb", config), 4)
    cells = [c.source for c in nb.cells if c.cell_type == "code" and "def train(" in c.source]
    assert len(cells) == 1
    assert inspect.getsource(train).strip() in cells[0]
    assert "code/cnnviz/training.py" in cells[0]


def test_downloaded_notebooks_run_in_a_fresh_reader_env(built_site, served_site, tmp_path):
    reader = make_reader_env(tmp_path / "lector", tmp_path / "cache")
    order = sorted(NOTEBOOK_PAGES, key=lambda page: "cnn-basica" not in page[0])
    timings = {}
    for i, (src, url) in enumerate(order):
        path, _ = downloaded_notebook(built_site, url)
        nb = nbformat.read(path, as_version=4)
        nb.cells.append(nbformat.v4.new_code_cell(_CHECK_CELL))
        copy = reader.workdir / path.name
        nbformat.write(nb, copy)
        if i == 1:
            seed_weights(reader)      # el primer cuaderno ya instaló cnnviz
        out = reader.workdir / f"ejecutado-{path.name}"
        start = time.perf_counter()
        proc = reader.run(["-c", _EXECUTE, str(copy), str(reader.workdir), str(out)], timeout=2400)
        assert proc.returncode == 0, f"{src} falló en el entorno del lector:\n{proc.stderr[-4000:]}"
        timings[src] = time.perf_counter() - start
        executed = nbformat.read(out, as_version=4)
        code = [c for c in executed.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code)
        install_output = "".join(o.get("text", "") for o in code[0].outputs)
        if i == 0:
            # Sin cnnviz: la primera celda lo instaló desde el sitio servido
            assert reader.cnnviz_file() is not None
        else:
            assert code[0].outputs == [], f"{src}: con cnnviz instalado, la celda hizo algo: " \
                                          f"{install_output}"
        origin = code[-1].outputs[0]["text"].strip()
        assert origin.startswith(str(reader.site_packages())), origin
    print("tiempo de cada cuaderno en el entorno del lector (s):",
          {src: round(t, 1) for src, t in timings.items()})


def test_source_notebooks_import_instead_of_defining():
    # En el repositorio, un cuaderno no define lo que ya tiene el paquete: el
    # código que enseña (el bucle, las variantes) lo incluye de code/
    for path in sorted((ROOT / "docs").rglob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.source.lstrip().startswith(("def ", "class ")):
                pytest.fail(f"{path.name} define código en lugar de incluirlo: {cell.source[:60]}")


def test_bad_inclusion_fails_naming_the_section(tmp_path):
    from cnnviz.site.reader.pages import prepare_notebook

    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('--8<-- "code/cnnviz/training.py:no_existe"')])
    path = tmp_path / "malo.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(ValueError, match="no_existe"):
        prepare_notebook(path, {"site_url": "http://127.0.0.1:8000/"})


def test_undeclared_import_fails(tmp_path):
    from cnnviz.site.reader.pages import prepare_notebook

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("import mkdocs")])
    path = tmp_path / "otro.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(ValueError, match="«mkdocs», que el paquete cnnviz no declara"):
        prepare_notebook(path, {"site_url": "http://127.0.0.1:8000/"})


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNVIZ_CACHE", str(tmp_path / "cache"))
    return tmp_path


def test_failing_cell_raises_with_the_notebook_name(fresh_cache):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("x = 1"),
        nbformat.v4.new_code_cell("raise ValueError('celda rota a propósito')"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                "language": "python"}})
    path = fresh_cache / "roto.ipynb"
    nbformat.write(nb, path)
    with pytest.raises(NotebookError, match="roto.ipynb") as info:
        execute_notebook(path)
    assert "celda rota a propósito" in str(info.value)
    assert not list((fresh_cache / "cache").rglob("roto.ipynb"))    # nada en caché


def test_notebook_key_depends_on_package_code(fresh_cache, monkeypatch):
    import cnnviz.site.build.keys as keys

    path = sorted((ROOT / "docs").rglob("*.ipynb"))[0]
    shutil.copy(path, fresh_cache / path.name)
    before = notebook_key(fresh_cache / path.name)
    monkeypatch.setattr(keys, "modules_digest", lambda modules: "otro código")
    assert notebook_key(fresh_cache / path.name) != before


# --- «Tu foto en SqueezeNet» ---------------------------------------------------------

def _independent_grad_cam(model, x, target):
    """Grad-CAM con un gancho en la salida de fire9 (sin ``cnnviz.imagenet.attribution``)."""
    import torch
    import torch.nn.functional as F

    kept = {}
    handle = model.fire9.register_forward_hook(lambda m, i, out: kept.update(a=out))
    try:
        score = model(x)[0, target]
    finally:
        handle.remove()
    (grad,) = torch.autograd.grad(score, kept["a"])
    cam = F.relu((grad.mean(dim=(2, 3), keepdim=True) * kept["a"]).sum(dim=1, keepdim=True))
    return F.interpolate(cam, size=x.shape[-2:], mode="bilinear", align_corners=False)[0, 0]


@pytest.mark.slow         # ejecuta el cuaderno en un núcleo de Jupyter
def test_tu_foto_with_the_readers_own_file(tmp_path):
    # El lector cambia las tres variables: su archivo (la taza de café como PNG),
    # otra clase y otra capa. Lo que imprime el cuaderno se recalcula aquí.
    import re

    import skimage.data
    import skimage.io
    import torch

    from cnnviz.imagenet import PHOTOS, class_name, load_model, preprocess
    from cnnviz.site.build.notebooks import execute
    from cnnviz.site.reader.pages import prepare_notebook
    from cnnviz.spanish import decimal

    photo = skimage.data.coffee()
    file = tmp_path / "mi foto.png"
    skimage.io.imsave(file, photo)
    other, layer = 285, "fire3"                   # gato egipcio: no hay ningún gato en la foto
    config = {"site_url": "http://127.0.0.1:8000/", "repo_url": "", "edit_uri": ""}
    nb = nbformat.read(prepare_notebook(ROOT / "docs/practica/tu-foto.ipynb", config), 4)
    changes = {"PHOTO_PATH = None": f"PHOTO_PATH = {str(file)!r}",
               "OTHER_CLASS = None": f"OTHER_CLASS = {other}",
               'LAYER = "fire5"': f'LAYER = "{layer}"'}
    for old, new in changes.items():
        cells = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith(old)]
        assert len(cells) == 1, f"el cuaderno no empieza una celda con «{old}»"
        cells[0].source = cells[0].source.replace(old, new, 1)
    nbformat.write(nb, tmp_path / "tu-foto.ipynb")
    executed = nbformat.reads(execute(tmp_path / "tu-foto.ipynb").decode(), 4)
    text = "".join(o.get("text", "") for c in executed.cells if c.cell_type == "code"
                   for o in c.outputs)

    assert f"foto: {photo.shape} uint8" in text
    first = int(re.search(r"^ *(\d+)  ", text, re.M)[1])
    assert first in PHOTOS["coffee"].expected          # café expreso, elegido mirando la foto
    assert f"La clase más probable es «{class_name(first)}»" in text

    model = load_model()
    x = preprocess(photo)
    cams = [_independent_grad_cam(model, x, c).detach() for c in (first, other)]
    r = torch.corrcoef(torch.stack([c.flatten() for c in cams]))[0, 1].item()
    assert f"Correlación entre los dos mapas: {decimal(r, 2)}." in text
    assert ("casi coinciden" in text) == (r > 0.8) and ("son distintos" in text) == (r < 0.3)

    kept = {}
    model.get_submodule(layer).register_forward_hook(lambda m, i, out: kept.update(a=out))
    with torch.no_grad():
        model(x)
    maps = kept["a"][0]
    silent = sum(int(maps[k].max() == 0) for k in range(maps.shape[0]))
    assert f"{layer}: {maps.shape[0]} canales de {maps.shape[1]}×{maps.shape[2]}" in text
    assert (f"{silent} de los {maps.shape[0]} canales valen 0 en toda la foto" in text if silent
            else "Ningún canal vale 0 en toda la foto" in text)
    # Tres figuras, cada una con su variante oscura y texto alternativo
    images = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs
              if "image/png" in o.get("data", {})]
    assert len(images) == 3
    from cnnviz.variants import DARK_PNG_KEY
    metadata = [o.get("metadata", {}).get("image/png", {}) for o in images]
    assert all(m.get("alt") and m.get(DARK_PNG_KEY) for m in metadata)


def test_photo_figures_refuse_bad_inputs():
    import numpy as np

    from cnnviz.figures.practica import fig_gradcam, fig_photo_top5

    photo = np.zeros((8, 8, 3))
    with pytest.raises(ValueError, match="alto×ancho×3"):
        fig_photo_top5(photo[:, :, 0], [(1, "pez", 0.5)])
    with pytest.raises(ValueError, match="al menos una clase"):
        fig_photo_top5(photo, [])
    with pytest.raises(ValueError, match="tantos títulos como mapas"):
        fig_gradcam(photo, [np.zeros((8, 8))], ["a", "b"])
    with pytest.raises(ValueError, match="del tamaño de la foto"):
        fig_gradcam(photo, [np.zeros((4, 4))], ["a"])
