"""Los cuadernos se ejecutan sin errores; una celda que falla se nombra."""

import shutil

import nbformat
import pytest
from conftest import ROOT

from cnnviz.site.notebooks import NotebookError, execute_notebook, notebook_key

NOTEBOOKS = sorted((ROOT / "docs").rglob("*.ipynb"))


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNVIZ_CACHE", str(tmp_path / "cache"))
    return tmp_path


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes_without_errors(path, fresh_cache, monkeypatch):
    # Caché nueva (el cuaderno se ejecuta de verdad) con los pesos ya
    # entrenados copiados, para no reentrenar en cada prueba
    monkeypatch.delenv("CNNVIZ_CACHE")
    from cnnviz.cache import cache_dir
    from cnnviz.training import trained_model
    trained_model()
    shutil.copytree(cache_dir("weights"), fresh_cache / "cache" / "weights")
    monkeypatch.setenv("CNNVIZ_CACHE", str(fresh_cache / "cache"))
    out, status = execute_notebook(path)
    assert status == "ejecutado"
    nb = nbformat.read(out, as_version=4)
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert code_cells and all(c.execution_count for c in code_cells)
    errors = [o for c in code_cells for o in c.outputs if o.output_type == "error"]
    assert errors == []
    # El cuaderno importa del paquete en vez de definir sus propias funciones
    assert not any(c.source.lstrip().startswith(("def ", "class ")) for c in code_cells)


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
    import cnnviz.site.keys as keys

    path = NOTEBOOKS[0]
    before = notebook_key(path)
    monkeypatch.setattr(keys, "modules_digest", lambda modules: "otro código")
    assert notebook_key(path) != before
