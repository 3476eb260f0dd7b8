"""La construcción: estricta, determinista, sin recursos externos, y falla por nombre."""

import shutil
import subprocess

from conftest import ROOT, mkdocs_build, nav_pages

from cnnviz.figures import FIGURES
from cnnviz.site.offline import external_requests


def test_strict_build_has_every_page_and_figure(built_site):
    for src, url in nav_pages():
        assert (built_site / url / "index.html").is_file(), src
    for name in FIGURES:
        assert (built_site / "figuras" / f"{name}.png").stat().st_size > 1000, name


def test_images_are_byte_identical_to_an_independent_render(built_site, tmp_path):
    # Otra generación, en otro proceso y sin caché, da los mismos bytes
    out = tmp_path / "figuras"
    subprocess.run([ "python", "-m", "cnnviz", "figures", "--out", str(out)],
                   check=True, capture_output=True, env=_env(tmp_path / "cache"))
    for name in FIGURES:
        fresh = next(out.glob(f"{name}-*.png")).read_bytes()
        assert fresh == (built_site / "figuras" / f"{name}.png").read_bytes(), name


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


def test_broken_figure_fails_the_build_and_names_it(tmp_path):
    copy = tmp_path / "repo"
    skip_top = {".venv", ".cache", "site", ".git", "capturas"}
    shutil.copytree(ROOT, copy, ignore=lambda folder, names: [
        n for n in names if n in ("__pycache__", "node_modules")
        or (folder == str(ROOT) and n in skip_top)])
    module = copy / "code" / "cnnviz" / "figures" / "teoria.py"
    source = module.read_text()
    broken = source.replace('    """ReLU(x) = max(0, x) frente a la función escalón que describe el original."""',
                            '    """Rota a propósito."""\n    raise ZeroDivisionError("rota a propósito")')
    assert broken != source
    module.write_text(broken)
    # Pesos ya entrenados en la caché nueva, para no reentrenar en la prueba
    from cnnviz.cache import cache_dir
    from cnnviz.training import trained_model
    trained_model()
    shutil.copytree(cache_dir("weights"), tmp_path / "cache" / "weights")
    proc = mkdocs_build(tmp_path / "site", cwd=copy,
                        env={**_env(tmp_path / "cache"), "PYTHONPATH": str(copy / "code")})
    assert proc.returncode != 0
    assert "«relu»" in proc.stderr and "rota a propósito" in proc.stderr, proc.stderr[-3000:]
    assert not (tmp_path / "site" / "figuras" / "relu.png").exists()


def _env(cache):
    import os
    import sys
    return {**os.environ, "CNNVIZ_CACHE": str(cache),
            "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}"}
