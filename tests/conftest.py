"""Accesorios comunes: el sitio construido una vez por sesión de pruebas.

- Modelo: ``one_thread``, ``split`` y ``model`` (la CNN entrenada del sitio).
- Construcciones: ``built_site`` (el sitio, una vez por sesión), ``build_copy``
  (copia el repositorio y la caché, la edita y la construye) y ``site_env``.
- Navegador: ``browser``, ``served_site`` y ``site_page``.
- Marcador ``slow``: lo llevan solas las pruebas que construyen copias, usan el
  navegador o ejecutan cuadernos (``-m "not slow"`` las deja fuera).
"""

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from reader_env import reader  # accesorio: el entorno de quien lee, solo con el paquete publicado

ROOT = Path(__file__).resolve().parent.parent
MKDOCS = [sys.executable, "-m", "mkdocs"]
# Repositorio de las pruebas: el sitio se construye como en el flujo de Pages,
# con enlaces a la fuente (la dirección no se visita: las pruebas no tienen red)
TEST_REPO_URL = "https://github.com/ejemplo/cnnviz"


# --- La CNN del sitio ----------------------------------------------------------

@pytest.fixture(scope="module")
def one_thread():
    """Un hilo de PyTorch, como al generar las figuras; se restaura al terminar el módulo."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def split():
    """La partición de MNIST del sitio (entrenamiento y prueba)."""
    from cnnviz.data import load_mnist_split

    return load_mnist_split()


@pytest.fixture(scope="module")
def model(one_thread):
    """La CNN entrenada del sitio (de la caché, o se entrena), en modo evaluación y con un hilo."""
    from cnnviz.training import trained_model

    return trained_model()[0].eval()


# --- Marcador «slow» ---------------------------------------------------------------

# Accesorios que hacen lenta una prueba: el navegador y el entorno del lector
# (instala el paquete publicado)
SLOW_FIXTURES = {"browser", "served_site", "site_page", "search_page", "reader"}


def pytest_collection_modifyitems(items):
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def repo_copy(tmp_path):
    """Copia del repositorio sin entorno, cachés, sitio ni git (para editarla en una prueba)."""
    import shutil

    copy = tmp_path / "repo"
    skip_top = {".venv", ".cache", "site", ".git", "capturas"}
    shutil.copytree(ROOT, copy, ignore=lambda folder, names: [
        n for n in names if n in ("__pycache__", "node_modules")
        or (folder == str(ROOT) and n in skip_top)])
    return copy


def site_env(cache, site_port=None):
    """Variables de una construcción con la caché ``cache`` y, con ``site_port``, la
    misma dirección del sitio y del repositorio que ``built_site``."""
    env = {"CNNVIZ_CACHE": str(cache)}
    if site_port:
        env.update(CNNVIZ_SITE_URL=f"http://127.0.0.1:{site_port}/",
                   CNNVIZ_REPO_URL=TEST_REPO_URL)
    return env


def build_copy(tmp_path, edit=None, site_port=None, copy_cache=True):
    """Copia el repositorio (y la caché de la sesión), aplica ``edit(copia)`` y la construye.

    La caché copiada hace que solo se rehaga lo que cambió la edición. Devuelve
    ``(proceso terminado, carpeta del sitio)``.
    """
    import shutil

    from cnnviz.cache import cache_root

    copy = repo_copy(tmp_path)
    if edit is not None:
        edit(copy)
    cache = tmp_path / "cache"
    if copy_cache:
        shutil.copytree(cache_root(), cache)
    site = tmp_path / "site"
    # El código de la copia; el PATH del entorno de las pruebas (núcleo de Jupyter)
    proc = mkdocs_build(site, cwd=copy, env={
        **site_env(cache, site_port), "PYTHONPATH": str(copy / "code"),
        "PATH": f"{os.path.dirname(sys.executable)}:{os.environ['PATH']}"})
    return proc, site


def mkdocs_build(site_dir, env=None, cwd=ROOT, config=None):
    """Ejecuta ``mkdocs build --strict``; devuelve el proceso terminado."""
    cmd = [*MKDOCS, "build", "--strict", "--site-dir", str(site_dir)]
    if config:
        cmd += ["--config-file", str(config)]
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(cmd, cwd=cwd, env=full_env, capture_output=True, text=True,
                          timeout=1800)




def shared_dir(tmp_path_factory):
    """Carpeta común a todos los procesos de la sesión.

    Con pytest-xdist (``./scripts/test`` usa dos procesos) cada proceso tiene
    su carpeta temporal; la de encima es de todos. Sin xdist, la de la sesión.
    """
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def site_port(tmp_path_factory):
    """Puerto libre en que se servirá el sitio: su site_url apunta ahí.

    El mismo de una ejecución a otra en una misma copia del repositorio (así
    los cuadernos, que llevan la URL del paquete, salen de la caché); si está
    ocupado, otro cualquiera. Lo elige el primer proceso y los demás lo leen.
    """
    import zlib

    from cnnviz.cache import file_lock

    shared = shared_dir(tmp_path_factory)
    chosen = shared / "puerto-del-sitio"
    with file_lock(shared / "puerto-del-sitio.lock", "elegir el puerto del sitio"):
        if chosen.exists():
            return int(chosen.read_text())
        preferred = 20000 + zlib.crc32(str(ROOT).encode()) % 20000
        for port in (preferred, 0):
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue
                port = sock.getsockname()[1]
                chosen.write_text(str(port))
                return port


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, site_port):
    """Carpeta del sitio construido con ``mkdocs build --strict``, una vez por sesión.

    Su site_url es la dirección de ``served_site``: la línea de pip de la
    página de instalación y la primera celda de los cuadernos instalan el
    paquete desde el sitio servido en la prueba. Con varios procesos, el primero
    que lo pide construye y los demás esperan su resultado (también si falla).
    """
    from cnnviz.cache import file_lock

    shared = shared_dir(tmp_path_factory)
    site = shared / "sitio" / "site"
    built, failed = shared / "sitio" / "construido", shared / "sitio" / "fallo.txt"
    with file_lock(shared / "sitio.lock", "construir el sitio de las pruebas"):
        if not built.exists() and not failed.exists():
            proc = mkdocs_build(site, env={"CNNVIZ_SITE_URL": f"http://127.0.0.1:{site_port}/",
                                           "CNNVIZ_REPO_URL": TEST_REPO_URL})
            if proc.returncode == 0:
                built.touch()
            else:
                failed.write_text(proc.stderr[-5000:])
    assert built.exists(), f"mkdocs build --strict falló:\n{failed.read_text()}"
    return site


@pytest.fixture(scope="session", autouse=True)
def site_before_everything(request):
    """Si alguna prueba de la sesión usa el sitio, se construye antes que nada.

    La construcción ya usa los dos núcleos y deja en la caché lo que las demás
    pruebas leen (pesos, resultados de SqueezeNet, de estilo…); sin esto, con
    dos procesos, una prueba podía calcular lo mismo a la vez que la construcción.
    """
    if any("built_site" in getattr(item, "fixturenames", ()) for item in request.session.items):
        request.getfixturevalue("built_site")


def nav_pages():
    """Páginas del menú: (ruta del archivo fuente, URL relativa)."""
    import yaml

    def walk(items):
        for item in items:
            if isinstance(item, str):        # entrada sin título: «- carpeta/index.md»
                yield item
                continue
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
        if stem == "index" or stem.endswith("/index"):   # carpeta/index.md -> carpeta/
            stem = stem.removesuffix("index").rstrip("/")
        url = stem + "/" if stem else ""
        pages.append((src, url))
    return pages


# --- Navegador: el sitio servido en un puerto local y Chromium con Playwright ---

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking",
                 "--disable-component-update", "--disable-gpu", "--no-first-run",
                 "--disable-sync", "--disable-quic"]


SERVER_DIR_VARIABLE = "CNNVIZ_PRUEBAS_SERVIDOR"


@pytest.fixture(scope="session")
def served_site(built_site, site_port):
    """URL base (http://127.0.0.1:<puerto>/) del sitio construido.

    Lo sirve un proceso aparte, uno para toda la sesión aunque haya varios
    procesos de pruebas (pytest-xdist): lo arranca el primero que lo pide y lo
    para el proceso principal al terminar (``pytest_unconfigure``).
    """
    import time

    from cnnviz.cache import file_lock

    folder = Path(os.environ[SERVER_DIR_VARIABLE])
    url = f"http://127.0.0.1:{site_port}/"
    with file_lock(folder / "servidor.lock", "arrancar el servidor del sitio"):
        pid_file = folder / "servidor.pid"
        if not pid_file.exists():
            server = subprocess.Popen(
                [sys.executable, "-m", "http.server", str(site_port), "--bind", "127.0.0.1",
                 "--directory", str(built_site)],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            pid_file.write_text(str(server.pid))
            deadline = time.monotonic() + 60
            while True:
                try:
                    socket.create_connection(("127.0.0.1", site_port), timeout=1).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"el servidor del sitio no arrancó en el puerto {site_port}")
                    time.sleep(0.1)
    return url


def pytest_configure(config):
    # El proceso principal crea la carpeta del servidor; los de xdist la heredan
    if not hasattr(config, "workerinput"):
        import tempfile
        os.environ[SERVER_DIR_VARIABLE] = tempfile.mkdtemp(prefix="cnnviz-servidor-")


def pytest_unconfigure(config):
    if hasattr(config, "workerinput"):
        return
    import shutil
    import signal

    folder = Path(os.environ.pop(SERVER_DIR_VARIABLE, ""))
    pid_file = folder / "servidor.pid"
    if pid_file.is_file():
        try:
            os.killpg(int(pid_file.read_text()), signal.SIGTERM)
        except ProcessLookupError:
            pass
    if folder.name.startswith("cnnviz-servidor-"):
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def browser():
    """Chromium de Debian controlado por Playwright.

    Sin Chromium, las pruebas en navegador se saltan con un aviso; con
    CI=true fallan, para que CI nunca las salte.
    """
    if not os.path.exists(CHROMIUM):
        message = (f"falta {CHROMIUM}: instálalo con `sudo apt-get install chromium` "
                   "(./scripts/test lo hace si tiene permisos)")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageWatch:
    """Registra errores de consola, peticiones fallidas, respuestas de error y peticiones externas.

    Una imagen cuya petición se cancela (``net::ERR_ABORTED``) va aparte, a
    ``aborted_images``: el navegador cancela las variantes de un ``<picture>``
    que deja de necesitar (la estrecha, la oscura), y eso no es un fallo. Sí lo
    es si la página muestra esa imagen (``test_browser.page_problems``).
    """

    def __init__(self, base_url):
        self.base_url = base_url
        self.console_errors = []
        self.failed_requests = []
        self.aborted_images = []
        self.bad_responses = []           # HTTP >= 400
        self.external_requests = []

    def request_failed(self, request):
        if request.resource_type == "image" and "ERR_ABORTED" in (request.failure or ""):
            self.aborted_images.append(request.url)
        else:
            self.failed_requests.append(f"{request.url} ({request.failure})")

    def response(self, response):
        if response.status >= 400:
            self.bad_responses.append(f"{response.url} (HTTP {response.status})")


@pytest.fixture
def site_page(browser, served_site):
    """Página de Playwright que bloquea (y anota) cualquier petición a otro servidor."""
    context = browser.new_context(base_url=served_site, viewport={"width": 1280, "height": 900})
    watch = PageWatch(served_site)

    def route(route):
        if route.request.url.startswith(served_site):
            route.continue_()
        else:
            watch.external_requests.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and watch.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: watch.console_errors.append(str(exc)))
    page.on("requestfailed", watch.request_failed)
    page.on("response", watch.response)
    page.watch = watch
    yield page
    context.close()


SCREENSHOT_DIR = ROOT / "capturas"


def pytest_sessionstart(session):
    # Las capturas de una ejecución anterior no deben confundirse con las nuevas
    # (las borra el proceso principal, no cada proceso de xdist)
    if hasattr(session.config, "workerinput"):
        return
    for old in SCREENSHOT_DIR.glob("*.png"):
        old.unlink()


def pytest_terminal_summary(terminalreporter):
    shots = sorted(SCREENSHOT_DIR.glob("*.png")) if SCREENSHOT_DIR.is_dir() else []
    if shots:
        terminalreporter.write_line(
            f"Capturas de pantalla de cada página ({len(shots)}): {SCREENSHOT_DIR}")
