"""El paquete ``cnnviz`` que publica el sitio (``descargas/cnnviz-<versión>-py3-none-any.whl``).

Se construye con setuptools a partir de una copia limpia de ``pyproject.toml``,
``README.md`` y ``code/cnnviz`` (sin ``cnnviz.site``), con la fecha de los
archivos del zip fija: el mismo código da los mismos bytes. Se guarda en
caché con una huella de ese contenido.

Es el paquete del lector: sus metadatos declaran solo las dependencias de
ejecución; los extras ``docs`` y ``test`` (construir y probar el sitio) se
quitan de la copia de pyproject.toml.
"""

import hashlib
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from ...cache import PACKAGE_DIR, cache_dir
from ...errors import CnnvizError

ROOT = PACKAGE_DIR.parent.parent
DOWNLOAD_DIR = "descargas"
# 1980-01-01, la fecha más antigua que admite un zip: fechas fijas, bytes fijos
SOURCE_DATE_EPOCH = "315532800"
# Lo que no viaja en el paquete del lector
EXCLUDED = ("site", "__pycache__")


class WheelError(CnnvizError):
    """No se pudo construir el paquete que se publica."""


def project():
    """La tabla ``[project]`` de pyproject.toml."""
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def wheel_name():
    meta = project()
    return f"{meta['name']}-{meta['version']}-py3-none-any.whl"


def wheel_path_in_site():
    """Ruta del paquete dentro del sitio, p. ej. ``descargas/cnnviz-0.1.0-py3-none-any.whl``."""
    return f"{DOWNLOAD_DIR}/{wheel_name()}"


def reader_pyproject():
    """pyproject.toml sin la tabla de extras (``docs``, ``test``)."""
    text = (ROOT / "pyproject.toml").read_text()
    stripped = re.sub(r"^\[project\.optional-dependencies\]\n.*?(?=^\[)", "", text,
                      flags=re.S | re.M)
    if "optional-dependencies" in tomllib.loads(stripped)["project"]:
        raise WheelError("no se pudieron quitar los extras de pyproject.toml")
    return stripped


def _package_files():
    for path in sorted(PACKAGE_DIR.rglob("*")):
        rel = path.relative_to(PACKAGE_DIR)
        if path.is_file() and not any(part in EXCLUDED for part in rel.parts):
            yield path, rel


def wheel_key():
    """Huella de lo que entra en el paquete, de esta receta y de la versión de setuptools."""
    from importlib.metadata import version

    h = hashlib.sha256()
    h.update(reader_pyproject().encode())
    h.update((ROOT / "README.md").read_bytes())
    h.update(Path(__file__).read_bytes())
    for path, rel in _package_files():
        h.update(str(rel).encode())
        h.update(path.read_bytes())
    h.update(f"setuptools={version('setuptools')};{SOURCE_DATE_EPOCH}".encode())
    return h.hexdigest()[:16]


def cached_wheel_path():
    """Dónde está (o estará, una vez construido) el paquete del código actual."""
    return cache_dir("paquete", wheel_key()) / wheel_name()


def build_wheel():
    """Construye el paquete (o lo toma de la caché); devuelve ``(ruta, estado)``."""
    name = wheel_path_in_site()
    cached = cached_wheel_path()
    folder = cached.parent
    if cached.is_file():
        return cached, "en caché"
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "fuente"
        (source / "code" / "cnnviz").mkdir(parents=True)
        shutil.copy(ROOT / "README.md", source / "README.md")
        (source / "pyproject.toml").write_text(reader_pyproject())
        for path, rel in _package_files():
            target = source / "code" / "cnnviz" / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
        out = Path(tmp) / "dist"
        out.mkdir()
        build = ("import sys; from setuptools import build_meta; "
                 "print(build_meta.build_wheel(sys.argv[1]))")
        env = {"SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH, "PATH": "/usr/bin:/bin",
               "HOME": tmp, "PYTHONHASHSEED": "0"}
        proc = subprocess.run([sys.executable, "-c", build, str(out)], cwd=source, env=env,
                              capture_output=True, text=True)
        built = out / wheel_name()
        if proc.returncode != 0 or not built.is_file():
            raise WheelError(f"no se pudo construir el paquete {name} con setuptools:\n"
                             f"{proc.stderr[-3000:]}")
        check_wheel(built)
        tmp_copy = folder / f".{wheel_name()}.tmp"
        shutil.copy(built, tmp_copy)
        tmp_copy.replace(cached)
    return cached, "construido"


def check_wheel(path):
    """Comprueba lo mínimo: el paquete trae ``cnnviz`` y no trae los ganchos del sitio."""
    import zipfile

    names = zipfile.ZipFile(path).namelist()
    if "cnnviz/__init__.py" not in names:
        raise WheelError(f"el paquete {path.name} no contiene cnnviz/__init__.py")
    if any(n.startswith("cnnviz/site/") for n in names):
        raise WheelError(f"el paquete {path.name} no debe contener cnnviz/site (ganchos de mkdocs)")


def wheel_url(config):
    """URL absoluta del paquete en el sitio publicado (a partir de ``site_url``)."""
    site_url = config["site_url"] or ""
    if not site_url.startswith(("http://", "https://")):
        raise WheelError("site_url debe ser una URL absoluta (http:// o https://) para "
                         f"dar la línea de instalación del paquete; es «{site_url}»")
    return site_url.rstrip("/") + "/" + wheel_path_in_site()
