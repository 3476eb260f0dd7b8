"""Accesorios comunes: el sitio construido una vez por sesión de pruebas."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]


def mkdocs_build(site_dir, env=None, cwd=ROOT, config=None):
    """Ejecuta ``mkdocs build --strict``; devuelve el proceso terminado."""
    cmd = [*MKDOCS, "build", "--strict", "--site-dir", str(site_dir)]
    if config:
        cmd += ["--config-file", str(config)]
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=1800)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """Carpeta del sitio construido con ``mkdocs build --strict``."""
    site = tmp_path_factory.mktemp("sitio") / "site"
    proc = mkdocs_build(site)
    assert proc.returncode == 0, f"mkdocs build --strict falló:\n{proc.stderr[-5000:]}"
    return site


def nav_pages():
    """Páginas del menú: (ruta del archivo fuente, URL relativa)."""
    import yaml

    def walk(items):
        for item in items:
            for value in item.values():
                if isinstance(value, list):
                    yield from walk(value)
                else:
                    yield value

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    config = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=Loader)
    pages = []
    for src in walk(config["nav"]):
        stem = src.rsplit(".", 1)[0]
        url = "" if stem == "index" else stem + "/"
        pages.append((src, url))
    return pages
