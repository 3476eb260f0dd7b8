"""La construcción como conjunto de trabajos: qué falta, en qué orden, y dónde esperar.

``hooks.py`` crea un ``Build`` en cada construcción. En caliente (nada cambió)
todo sale de la caché con su huella comprobada: no se importa torch ni
matplotlib y no arranca ningún proceso. Lo que falta se genera en los
trabajadores (``workers``, uno por núcleo) en este orden: el entrenamiento si
hace falta, lo que no usa los pesos, los datos de las páginas y lo que usa los
pesos. La construcción solo se detiene a esperar donde necesita un resultado:
un dato al leer una página, un cuaderno antes de convertirlo, y todo lo demás
antes de escribir el sitio (``finish``).
"""

import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from ...cache import read_entry
from ...errors import CnnvizError
from ...spanish import decimal
from ...weights_cache import weights_digest
from . import entries, jobs, keys, page_code, workers
from ...png import png_size
from ...variants import variants

log = logging.getLogger("mkdocs.hooks.cnnviz")

FIGURE_DIR = "figuras"


class BuildError(CnnvizError):
    """Un paso de la construcción falló; el mensaje dice cuál y por qué."""


# Orden de los trabajos cuando hay que generar mucho (construcción en frío)
TRAIN, NO_WEIGHTS, FACTS, NOTEBOOK_WEIGHTS, LAB, FIGURE_WEIGHTS = range(6)


class Build:
    """Los resultados de una construcción: de la caché o de un trabajo en marcha."""

    def __init__(self, max_workers=None):
        self.weights = weights_digest()
        self.max_workers = max_workers
        self.registry = None
        self.figures = {}        # nombre -> Figure
        self.facts = {}          # nombre -> {"name", "module", "qualname"}
        self.fact_values = {}
        self.notebooks = {}      # src_uri -> Notebook
        self.lab = {}          # nombre -> File de laboratorio/<nombre>
        self._pool = None
        self._lock = threading.RLock()
        self._threads = ThreadPoolExecutor(max_workers=4, thread_name_prefix="cnnviz")
        self._planned = []       # (orden, id, qué, función, argumentos, al terminar)
        self._running = {}       # id -> (qué, futuro, al terminar)
        self._train = None       # futuro del entrenamiento, si hace falta
        self._outputs = {}       # página -> futuro de sus salidas
        self._started = time.monotonic()
        self.timings = {}        # qué -> (segundo de inicio, segundos, CPU o None) de cada trabajo

    # --- Procesos y errores ----------------------------------------------------

    def _submit(self, fn, *args):
        with self._lock:
            if self._pool is None:
                self._pool = workers.pool(self.max_workers)
            return self._pool.submit(jobs.timed, fn, *args)

    def _result(self, future, what):
        """Resultado de un trabajo de ``_submit``; anota cuándo empezó, cuánto tardó y su CPU."""
        result, start, seconds, cpu = self._unwrap(future, what)
        self.timings[what] = (start - self._started, seconds, cpu)
        return result

    @staticmethod
    def _unwrap(future, what):
        try:
            return future.result()
        except BuildError:
            raise
        except BrokenProcessPool as exc:
            raise BuildError(f"un proceso de trabajo terminó de golpe al generar {what} "
                             "(¿memoria agotada?)") from exc
        except CnnvizError as exc:
            raise BuildError(str(exc)) from exc
        except Exception as exc:
            message = str(exc)
            if what not in message:
                message = f"{what}: {type(exc).__name__}: {message}"
            raise BuildError(message) from exc

    def close(self, failed=False):
        """Libera los procesos; si la construcción falló, los detiene sin esperar."""
        if self._pool is not None:
            if failed:
                workers.stop(self._pool)
            else:
                self._pool.shutdown(wait=True)
            self._pool = None
        self._threads.shutdown(wait=not failed, cancel_futures=failed)
        if not failed:
            self._log_timings()

    def in_background(self, what, fn, *args, done=None):
        """Ejecuta ``fn(*args)`` en un hilo de este proceso; ``finish`` lo espera."""
        def timed():     # sin CPU: la del proceso la comparten todos sus hilos
            start = time.monotonic()
            result = fn(*args)
            return result, start, time.monotonic() - start, None

        self._running[("hilo", what)] = (what, self._threads.submit(timed), done)

    # --- Pesos -------------------------------------------------------------------

    def _need_training(self):
        if self.weights is None and not any(p[1] == "entrenamiento" for p in self._planned):
            self._plan(TRAIN, "entrenamiento", "el entrenamiento de la CNN", jobs.train,
                       done=lambda digest: log.info("CNN: entrenada (pesos %s…)", digest[:12]))

    def trained_weights(self):
        """Huella de los pesos, esperando al entrenamiento si está en marcha."""
        if self.weights is None:
            with self._lock:
                if self._train is None:
                    self._train = self._submit(jobs.train)
            self.weights = self._result(self._train, "el entrenamiento de la CNN")
        return self.weights

    # --- Plan ------------------------------------------------------------------

    def _plan(self, order, job_id, what, fn, *args, done=None):
        self._planned.append((order, job_id, what, fn, args, done))

    def _start(self):
        """Lanza lo planeado, en orden (el de la lista, a igual prioridad)."""
        for order, job_id, what, fn, args, done in sorted(self._planned, key=lambda p: p[0]):
            with self._lock:
                future = self._submit(fn, *args)
                if order == TRAIN:
                    self._train = future
            self._running[job_id] = (what, future, done)
        self._planned = []

    def _registry(self):
        key = keys.registry_key()
        data = read_entry(entries.registry_path(key))
        if data is None:
            log.info("registro de figuras y datos: se actualiza")
            future = self._submit(jobs.describe)
            key = self._result(future, "el registro de figuras y datos")
            data = read_entry(entries.registry_path(key))
        return json.loads(data)

    def plan(self, files, config):
        """Decide qué sale de la caché y qué hay que generar; lo lanza y vuelve enseguida.

        Añade a ``files`` las figuras y ``modelo.json`` (con su contenido vacío
        hasta ``finish``) y devuelve la lista con los cuadernos al final, para que
        mkdocs lea las demás páginas (y lance su código) mientras se ejecutan.
        """
        from mkdocs.structure.files import File, Files

        from .notebooks import check_converter_cache

        check_converter_cache(config)
        self.registry = self._registry()
        self.facts = {spec["name"]: spec for spec in self.registry["facts"]}
        for spec in self.registry["figures"]:
            figure = Figure(spec)
            self.figures[spec["name"]] = figure
            for variant in figure.variants:
                uri = f"{FIGURE_DIR}/{spec['name']}{variant.suffix}.png"
                figure.files[variant.suffix] = File.generated(config, uri, content=b"")
                files.append(figure.files[variant.suffix])
            self._plan_figure(figure)
        self._plan_facts()
        for file in files:
            if file.src_uri.endswith(".ipynb"):
                self.notebooks[file.src_uri] = Notebook(file, config)
                self._plan_notebook(self.notebooks[file.src_uri])
        for name, uri in entries.LAB_FILES.items():
            self.lab[name] = File.generated(config, uri, content=b"")
            files.append(self.lab[name])
        self._plan_lab()
        self._start()
        ordered = [f for f in files if not f.src_uri.endswith(".ipynb")] + \
                  [f for f in files if f.src_uri.endswith(".ipynb")]
        return Files(ordered)

    def _plan_figure(self, figure):
        spec = figure.spec
        uses_weights = keys.weights_dependent(spec["module"], spec["qualname"])
        try:
            key = keys.figure_key(spec["module"], spec["qualname"], self.weights)
            if figure.load(key):
                log.info("figura %s: en caché", spec["name"])
                return
        except keys.WeightsMissing:
            self._need_training()
        self._plan(FIGURE_WEIGHTS if uses_weights else NO_WEIGHTS, ("figura", spec["name"]),
                   f"la figura «{spec['name']}»", jobs.figure, spec, figure.variants,
                   self.weights, done=figure.generated)

    def _plan_facts(self):
        stale = []
        for name, spec in self.facts.items():
            try:
                value = self._cached_fact(spec, keys.fact_key(spec["module"], spec["qualname"],
                                                              self.weights))
            except keys.WeightsMissing:
                self._need_training()
                value = None
            if value is None:
                stale.append(spec)
            else:
                self.fact_values[name] = value
        if stale:
            self._plan(FACTS, "datos", "los datos de las páginas", jobs.facts, stale,
                       self.weights, done=self._facts_computed)

    @staticmethod
    def _cached_fact(spec, key):
        data = read_entry(entries.fact_path(spec["name"], key))
        return None if data is None else json.loads(data)["valor"]

    def _facts_computed(self, found):
        for name, key in found.items():
            value = self._cached_fact(self.facts[name], key)
            if value is None:
                raise BuildError(f"el dato «{name}» no se pudo leer de la caché tras calcularlo")
            self.fact_values[name] = value
        log.info("datos: calculados (%s)", ", ".join(sorted(found)))

    def _plan_notebook(self, notebook):
        source = notebook.source
        try:
            if notebook.load(keys.notebook_key(source, self.weights)):
                log.info("cuaderno %s: en caché", notebook.file.src_uri)
                return
        except keys.WeightsMissing:
            self._need_training()
        order = NOTEBOOK_WEIGHTS if keys.notebook_uses_weights(source) else NO_WEIGHTS
        self._plan(order, ("cuaderno", notebook.file.src_uri),
                   f"el cuaderno «{notebook.file.src_uri}»", jobs.notebook, source,
                   self.weights, done=notebook.executed)

    def _read_lab(self, key):
        """Carga los archivos del laboratorio de la caché; ¿estaban todos enteros?"""
        found = {name: read_entry(entries.lab_path(key, name))
                 for name in self.lab}
        if any(data is None for data in found.values()):
            return False
        for name, data in found.items():
            self.lab[name].content_bytes = data
        return True

    def _plan_lab(self):
        try:
            if self._read_lab(keys.lab_key(self.weights)):
                log.info("laboratorio: en caché (%s)", self._lab_sizes())
                return
        except keys.WeightsMissing:
            self._need_training()
        self._plan(LAB, "laboratorio", "los archivos del laboratorio", jobs.lab,
                   done=self._lab_generated)

    def _lab_sizes(self):
        return ", ".join(f"{name} {len(file.content_bytes)} bytes" for name, file in self.lab.items())

    def _lab_generated(self, result):
        key, status = result
        if not self._read_lab(key):
            raise BuildError("los archivos del laboratorio no se pudieron leer de la caché "
                             "tras generarlos")
        log.info("laboratorio: %s (%s)", status, self._lab_sizes())

    # --- Esperas -----------------------------------------------------------------

    def _wait(self, job_id):
        """Espera al trabajo ``job_id`` (si está en marcha) y aplica su resultado."""
        if job_id not in self._running:
            return
        what, future, done = self._running[job_id]
        result = self._result(future, what)
        if self._running.pop(job_id, None) is not None and done is not None:
            done(result)

    def check_failures(self):
        """Si algún trabajo ya falló, su error ahora: no se espera al resto."""
        for job_id, (what, future, done) in list(self._running.items()):
            if future.done() and future.exception() is not None:
                self._wait(job_id)

    def figure_placeholder(self, name):
        """``{{ figura: nombre }}``: marca provisional que ``complete_page`` completa."""
        from ..facts.macros import MacroError
        from ..html.figure_html import placeholder

        if name not in self.figures:
            raise MacroError(f"la figura «{name}» no está en el registro "
                             f"(hay: {', '.join(self.figures)})")
        return placeholder(name)

    def fact(self, name):
        """``{{ dato: nombre }}``: valor del dato ``name`` (espera a que se calcule)."""
        from ..facts.macros import MacroError

        if name not in self.facts:
            raise MacroError(f"el dato «{name}» no existe (hay: {', '.join(self.facts)})")
        self.check_failures()
        self._wait("datos")
        if name not in self.fact_values:
            raise BuildError(f"el dato «{name}» no se calculó")
        return self.fact_values[name]

    def notebook_path(self, src_uri):
        """Ruta del cuaderno ejecutado (espera a que termine)."""
        self.check_failures()
        self._wait(("cuaderno", src_uri))
        return self.notebooks[src_uri].path

    def finish(self):
        """Espera a todos los trabajos: después, cada archivo tiene su contenido.

        Si uno falla, su error sale en cuanto termina, sin esperar a los demás.
        """
        from concurrent.futures import FIRST_EXCEPTION, wait

        futures = [future for _, future, _ in self._running.values()]
        wait(futures, return_when=FIRST_EXCEPTION)
        self.check_failures()
        for job_id in list(self._running):
            self._wait(job_id)
        missing = [name for name, fig in self.figures.items() if not fig.ready]
        if missing:
            raise BuildError(f"faltan figuras: {', '.join(missing)}")

    def _log_timings(self):
        """Cuándo empezó y terminó cada trabajo (``mkdocs build -v``) y los que acabaron últimos."""
        if not self.timings:
            return
        spans = sorted(((start, start + seconds, cpu, what)
                        for what, (start, seconds, cpu) in self.timings.items()),
                       key=lambda s: s[1])
        for start, end, cpu, what in spans:
            log.debug("tiempo: %s, del segundo %s al %s (%s s%s)", what,
                      decimal(start, 1), decimal(end, 1), decimal(end - start, 1),
                      "" if cpu is None else f"; CPU {decimal(cpu, 1)} s")
        log.info("trabajos que acabaron últimos: %s", "; ".join(
            f"{what}, {decimal(end - start, 1)} s (hasta el segundo {decimal(end, 1)})"
            for start, end, _, what in spans[-3:][::-1]))

    # --- Salidas del código de las páginas -------------------------------------

    def page_outputs(self, html, page):
        """Rellena los bloques «Salida» de la página, o lanza su código en segundo plano."""
        self.check_failures()
        if page_code.PLACEHOLDER not in html:
            return html
        name = page.file.src_uri
        try:
            page_code.check_output_blocks(html)
            sources = page_code.python_sources(html)
            key = keys.page_outputs_key(sources, self.weights)
            outputs = page_code.cached_outputs(name, key)
            if outputs is not None:
                log.info("salidas del código de %s: en caché", name)
                return page_code.fill_outputs(html, outputs)
        except keys.WeightsMissing:
            pass
        except ValueError as exc:
            raise BuildError(f"{name}: {exc}") from None
        self._outputs[name] = self._threads.submit(self._run_outputs, name, sources)
        return html

    def _run_outputs(self, name, sources):
        key = keys.page_outputs_key(sources, self.trained_weights())
        outputs = page_code.cached_outputs(name, key)
        if outputs is None:
            start = time.monotonic()
            try:
                outputs = page_code.run_and_store(name, key, sources)
            except RuntimeError as exc:
                raise BuildError(f"{name}: {exc}") from exc
            # En un subproceso de este proceso, que otros hilos comparten: sin CPU
            self.timings[f"el código de {name}"] = (start - self._started,
                                                    time.monotonic() - start, None)
            log.info("salidas del código de %s: ejecutadas", name)
        return outputs

    def complete_page(self, html, page):
        """Figuras con su marcado final y salidas del código que se ejecutó aparte."""
        from ..html.figure_html import PLACEHOLDER_RE, figure_markup

        name = page.file.src_uri
        if name in self._outputs:
            outputs = self._unwrap(self._outputs.pop(name), f"el código de {name}")
            try:
                html = page_code.fill_outputs(html, outputs)
            except ValueError as exc:
                raise BuildError(f"{name}: {exc}") from None

        def markup(match):
            figure = self.figures[match["name"]]
            return figure_markup(figure.spec, figure.sizes, page.url, FIGURE_DIR)

        return PLACEHOLDER_RE.sub(markup, html)


def render_figures(names=None, max_workers=None):
    """Genera (o toma de la caché) las figuras del registro, todas sus variantes.

    Con ``max_workers=1`` se dibujan una tras otra en este proceso (la
    referencia de las pruebas: en paralelo deben salir los mismos bytes).
    Devuelve ``{nombre: {sufijo: bytes}}`` y ``{nombre: estado}``.
    """
    build = Build(max_workers=max_workers)
    key = jobs.describe() if max_workers == 1 else None
    registry = json.loads(read_entry(entries.registry_path(key))) if key else build._registry()
    specs = [s for s in registry["figures"] if names is None or s["name"] in names]
    results, status, failed = {}, {}, True
    try:
        if max_workers == 1:
            weights = jobs.train() if any(keys.weights_dependent(s["module"], s["qualname"])
                                          for s in specs) else None
            done = {s["name"]: jobs.figure(s, variants(s["narrow"]), weights) for s in specs}
        else:
            weights = build.trained_weights() if any(
                keys.weights_dependent(s["module"], s["qualname"]) for s in specs) else None
            futures = {s["name"]: build._submit(jobs.figure, s, variants(s["narrow"]), weights)
                       for s in specs}
            done = {name: build._result(f, f"la figura «{name}»") for name, f in futures.items()}
        for spec in specs:
            key, drawn = done[spec["name"]]
            results[spec["name"]] = {
                v.suffix: read_entry(entries.figure_path(spec["name"], key, v.suffix))
                for v in variants(spec["narrow"])}
            status[spec["name"]] = "generada" if drawn else "en caché"
        failed = False
    finally:
        build.close(failed=failed)
    return results, status


class Figure:
    """Una figura del registro: sus variantes, sus archivos en el sitio y sus tamaños."""

    def __init__(self, spec):
        self.spec = spec
        self.variants = variants(spec["narrow"])
        self.files = {}          # sufijo -> File del sitio
        self.sizes = {}          # sufijo -> (ancho, alto)
        self.ready = False

    def load(self, key):
        """Toma de la caché todas las variantes; False si falta o falla alguna."""
        found = {}
        for variant in self.variants:
            path = entries.figure_path(self.spec["name"], key, variant.suffix)
            data = read_entry(path)
            if data is None:
                return False
            found[variant.suffix] = data
        for variant_suffix, data in found.items():
            self.files[variant_suffix].content_bytes = data
            self.sizes[variant_suffix] = png_size(data)
        self.ready = True
        return True

    def generated(self, result):
        key, drawn = result
        if not self.load(key):
            raise BuildError(f"la figura «{self.spec['name']}» no se pudo leer de la caché "
                             "tras generarla")
        log.info("figura %s: generada (%s)", self.spec["name"],
                 ", ".join(s.removeprefix("-") or "clara" for s in drawn) or "ya en caché")


class Notebook:
    """Un cuaderno del sitio y la ruta de su versión ejecutada en la caché."""

    def __init__(self, file, config):
        self.file = file
        self.config = config
        self.source = file.abs_src_path
        self.path = None

    def load(self, key):
        """Toma de la caché el cuaderno ejecutado y lo prepara para publicarlo."""
        from ..reader.pages import publish_notebook

        path = entries.notebook_path(self.source, key)
        if read_entry(path) is None:
            return False
        self.path = str(publish_notebook(path, self.config))
        self.file.abs_src_path = self.path
        return True

    def executed(self, result):
        key, status = result
        if not self.load(key):
            raise BuildError(f"el cuaderno «{self.file.src_uri}» no se pudo leer de la caché "
                             "tras ejecutarlo")
        log.info("cuaderno %s: %s", self.file.src_uri, status)
