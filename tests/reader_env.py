"""El entorno de quien lee: un Python que solo tiene el paquete que publica el sitio.

Un entorno virtual nuevo, sin la carpeta ``code/`` ni la instalación editable
del repositorio. Las bibliotecas de terceros (torch, numpy…, y Jupyter para
los cuadernos) se toman del entorno del proyecto con una línea ``.pth`` que
apunta a una carpeta de enlaces a ellas, sin ``cnnviz``: así la prueba no
instala varios GB y ``cnnviz`` solo puede venir del paquete.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

PROJECT_SITE_PACKAGES = Path(sysconfig.get_paths()["purelib"])


class BlockError(AssertionError):
    """Un bloque de código de una página falló en el entorno del lector."""


class ReaderEnv:
    def __init__(self, root, cache):
        self.root = Path(root)
        self.python = self.root / "venv" / "bin" / "python"
        self.cache = Path(cache)          # CNNVIZ_CACHE del lector
        self.home = self.root / "home"
        self.workdir = self.root / "trabajo"   # carpeta actual: lejos del repositorio

    def env(self, **extra):
        env = {
            "PATH": f"{self.python.parent}:/usr/bin:/bin",
            "HOME": str(self.home),
            "CNNVIZ_CACHE": str(self.cache),
            "LANG": "C.UTF-8",
            "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        }
        for name in ("PIP_CONFIG_FILE", "PIP_FIND_LINKS", "PIP_CERT", "PIP_INDEX_URL",
                     "PIP_EXTRA_INDEX_URL", "PIP_CONSTRAINT", "CHROMIUM"):
            if name in os.environ:
                env[name] = os.environ[name]
        for name, value in extra.items():       # None quita la variable
            if value is None:
                env.pop(name, None)
            else:
                env[name] = str(value)
        return env

    def run(self, args, timeout=900, **extra_env):
        """Ejecuta ``python args`` en el entorno del lector."""
        return subprocess.run([str(self.python), *args], cwd=self.workdir,
                              env=self.env(**extra_env), capture_output=True, text=True,
                              timeout=timeout)

    def pip_install(self, wheel):
        proc = self.run(["-m", "pip", "install", "--no-index", "--quiet", str(wheel)])
        assert proc.returncode == 0, f"pip no pudo instalar {wheel}:\n{proc.stdout}{proc.stderr}"

    def cnnviz_file(self):
        """``cnnviz.__file__`` en este entorno (o None si no está instalado)."""
        proc = self.run(["-c", "import importlib.util as u; s = u.find_spec('cnnviz'); "
                               "print(s.origin if s else '')"])
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip() or None

    def site_packages(self):
        proc = self.run(["-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"])
        return Path(proc.stdout.strip())


def downloaded_notebook(built_site, url):
    """``(ruta, enlace)``: el .ipynb que descarga el botón de la página ``url`` del sitio."""
    from urllib.parse import urljoin, urlsplit

    from bs4 import BeautifulSoup

    soup = BeautifulSoup((built_site / url / "index.html").read_text(), "html.parser")
    link = soup.select_one("a[data-cuaderno=descargar]")
    assert link is not None, f"{url}: sin botón para descargar el cuaderno"
    path = urlsplit(urljoin(f"http://sitio/{url}", link["href"])).path
    return built_site / path.lstrip("/"), link


def make_reader_env(root, cache):
    """Crea el entorno (sin ``cnnviz``); devuelve un ``ReaderEnv``."""
    reader = ReaderEnv(root, cache)
    for folder in (reader.home, reader.workdir, reader.cache):
        folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root / "venv")],
                   check=True, capture_output=True)
    # Carpeta de enlaces a las bibliotecas del proyecto, sin nada de cnnviz
    third_party = reader.root / "terceros"
    third_party.mkdir()
    for entry in PROJECT_SITE_PACKAGES.iterdir():
        name = entry.name.lower()
        if name.startswith(("cnnviz", "__editable__", "_cnnviz")) or name.endswith(".pth"):
            continue
        (third_party / entry.name).symlink_to(entry)
    site_packages = reader.site_packages()
    (site_packages / "terceros.pth").write_text(f"{third_party}\n")
    # El núcleo de Jupyter de este entorno (no el de otro Python del sistema)
    kernel = reader.root / "venv" / "share" / "jupyter" / "kernels" / "python3"
    kernel.mkdir(parents=True)
    (kernel / "kernel.json").write_text(json.dumps({
        "argv": [str(reader.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3 (lector)", "language": "python"}))
    assert reader.cnnviz_file() is None, "el entorno del lector ve cnnviz sin haberlo instalado"
    return reader


def seed_weights(reader):
    """Copia a la caché del lector los pesos que entrenó la construcción, si son los mismos.

    El lector calcula la huella de los pesos con el código del paquete
    instalado; si coincide con la del repositorio, los pesos que entrenaría son
    los de la construcción y no hace falta volver a entrenar en la prueba.
    """
    from cnnviz import weights_cache
    from cnnviz.cache import cache_root
    from cnnviz.training import trained_model, weights_key

    trained_model()
    proc = reader.run(["-c", "from cnnviz.training import weights_key; print(weights_key())"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == weights_key(), "el paquete publicado entrena otros pesos"
    source = weights_cache.folder()
    shutil.copytree(source, reader.cache / source.relative_to(cache_root()), dirs_exist_ok=True)


# Ejecuta bloques en orden en un mismo espacio de nombres y devuelve lo que
# imprime cada uno; si uno falla, dice cuál (independiente de cnnviz.site).
_RUNNER = r"""
import contextlib, io, json, sys, traceback
blocks = json.load(sys.stdin)
namespace = {"__name__": "__main__"}
outputs = []
for number, source in enumerate(blocks, start=1):
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            exec(compile(source, f"<bloque {number}>", "exec"), namespace)
    except BaseException:
        json.dump({"failed": number, "outputs": outputs, "error": traceback.format_exc()},
                  sys.__stdout__)
        sys.exit(0)
    outputs.append(buffer.getvalue())
json.dump({"outputs": outputs}, sys.__stdout__)
"""


def run_page_blocks(reader, page, sources, timeout=900):
    """Ejecuta los bloques de Python de ``page`` en orden; devuelve lo que imprime cada uno."""
    proc = subprocess.run([str(reader.python), "-c", _RUNNER], input=json.dumps(sources),
                          cwd=reader.workdir, env=reader.env(), capture_output=True,
                          text=True, timeout=timeout)
    if proc.returncode != 0 or not proc.stdout:
        raise BlockError(f"{page}: el intérprete del lector terminó mal:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout)
    if "failed" in result:
        n = result["failed"]
        raise BlockError(f"{page}: el bloque de Python n.º {n} de {len(sources)} falló en el "
                         f"entorno del lector:\n{sources[n - 1]}\n{result['error']}")
    return result["outputs"]


# --- Accesorios de pytest (conftest.py los importa) -----------------------------


@pytest.fixture(scope="session")
def reader(built_site, tmp_path_factory):
    """Entorno del lector con el paquete que publicó la construcción, y los pesos ya entrenados."""
    from cnnviz.site.reader.wheel import wheel_path_in_site

    wheel = built_site / wheel_path_in_site()
    assert wheel.is_file(), f"el sitio construido no publica el paquete {wheel_path_in_site()}"
    root = tmp_path_factory.mktemp("lector")
    env = make_reader_env(root, root / "cache")
    env.pip_install(wheel)
    origin = env.cnnviz_file()
    assert origin and Path(origin).is_relative_to(env.site_packages()), origin
    seed_weights(env)
    return env
