"""Benchmark de la construcción; imprime una tabla (medianas) y la carga de la máquina.

Para el árbol de trabajo y, con ``--contra REF`` (por defecto ``main``), para una
copia limpia de esa referencia, medidos uno tras otro en la misma ejecución:

- en frío: caché vacía (entrenamiento, figuras, cuadernos, salidas del código);
- en caliente: nada cambió;
- mkdocs sin ganchos: las mismas páginas con mkdocs-material y sin generar nada
  (``hooks: []``), y el cociente caliente / sin ganchos;
- bajo ``mkdocs serve``: editar una función de figura (``relu``) hasta que el
  sitio se recarga, y deshacer la edición;
- memoria máxima (RSS sumado del árbol de procesos) en frío, y tiempo de CPU
  de todos los procesos (con la máquina cargada, el de pared depende de los demás);
- coste de las variantes: dibujar cada figura solo en claro frente a todas sus
  variantes, en un proceso.

Uso: scripts/bench [--runs N] [--cold-runs N] [--contra REF | --solo]
"""

import argparse
import ast
import json
import os
import queue
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PLAIN_CONFIG = ".bench-sin-ganchos.yml"
EDITED_FIGURE = "relu"


class Tree:
    """Un árbol del proyecto (el de trabajo o una copia de otra referencia) y su caché."""

    def __init__(self, label, path, work):
        self.label, self.path = label, path
        self.cache = work / f"cache-{label}"
        self.site = work / f"site-{label}"

    def env(self, extra=None):
        # Con repositorio, como el flujo de Pages (sin él, edit_uri avisa y --strict falla)
        return {"CNNVIZ_REPO_URL": "https://github.com/ejemplo/cnnviz", **os.environ,
                "NO_MKDOCS_2_WARNING": "1", "CNNVIZ_CACHE": str(self.cache),
                "PYTHONPATH": str(self.path / "code"), **(extra or {})}


def load():
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


JOB_TIME = re.compile(r"tiempo: (.*), del segundo ([\d,]+) al ([\d,]+) \(([\d,]+) s"
                      r"(?:; CPU ([\d,]+) s)?\)")


def job_times(log):
    """Trabajos del registro de ``mkdocs build -v``: (qué, inicio, fin, CPU o None)."""
    number = lambda text: float(text.replace(",", "."))  # noqa: E731
    return [(what, number(start), number(end), number(cpu) if cpu else None)
            for what, start, end, _, cpu in JOB_TIME.findall(log)]


def build(tree, config=None, strict=True, jobs=False):
    """Una construcción; devuelve (segundos, memoria máxima en MiB).

    En ``tree.cpu`` queda el tiempo de CPU (usuario + sistema) de todos sus
    procesos, muestreado cada 50 ms: con la máquina cargada, el de pared
    depende de los demás; éste apenas. Con ``jobs``, en ``tree.jobs`` quedan
    los trabajos de la construcción con su inicio, fin y CPU (``-v``).
    """
    cmd = [sys.executable, "-m", "mkdocs", "build", "-v" if jobs else "--quiet",
           "--site-dir", str(tree.site)]
    cmd += ["--strict"] if strict else []
    cmd += ["--config-file", config] if config else []
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=tree.path, env=tree.env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    peak, cpu = [0], {}

    def sample():
        parent = psutil.Process(proc.pid)
        while proc.poll() is None:
            rss = 0
            for p in [parent, *_children(parent)]:
                try:
                    with p.oneshot():
                        rss += p.memory_info().rss
                        times = p.cpu_times()
                        cpu[(p.pid, p.create_time())] = times.user + times.system
                except psutil.Error:
                    pass
            peak[0] = max(peak[0], rss)
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, stderr = proc.communicate()
    sampler.join()
    seconds = time.perf_counter() - start
    tree.cpu = sum(cpu.values())
    tree.jobs = job_times(stderr) if jobs else []
    if proc.returncode != 0:
        sys.exit(f"[{tree.label}] la construcción falló:\n{stderr[-3000:]}")
    return seconds, peak[0] / 2**20


def _children(parent):
    try:
        return parent.children(recursive=True)
    except psutil.Error:
        return []


def cold(tree):
    shutil.rmtree(tree.cache, ignore_errors=True)
    shutil.rmtree(tree.path / ".cache" / "mkdocs-jupyter", ignore_errors=True)
    return build(tree, jobs=True)


def print_jobs(tree, top=8):
    """La ruta crítica de la última construcción en frío: lo que acabó último y lo que más costó."""
    if not tree.jobs:
        return
    last = sorted(tree.jobs, key=lambda job: job[2])[-top:][::-1]
    costly = sorted(tree.jobs, key=lambda job: job[3] or 0)[-top:][::-1]
    print(f"\nTrabajos de la última construcción en frío ({tree.label}; {len(tree.jobs)} trabajos, "
          f"CPU sumada {sum(job[3] or 0 for job in tree.jobs):.0f} s)")
    print("  acabaron últimos (la ruta crítica):")
    for what, start, end, cpu in last:
        print(f"    {what:58} {start:7.1f} → {end:7.1f} s" + (f"  CPU {cpu:6.1f} s" if cpu else ""))
    print("  más CPU:")
    for what, start, end, cpu in costly:
        print(f"    {what:58} {end - start:7.1f} s  CPU {cpu or 0:6.1f} s")


def plain(tree):
    config = tree.path / PLAIN_CONFIG
    config.write_text("INHERIT: mkdocs.yml\nhooks: []\n")
    try:
        return build(tree, config=PLAIN_CONFIG, strict=False)[0]
    finally:
        config.unlink()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def edit_figure_source(tree, name):
    """(archivo, texto original, texto editado): una línea más en la función de la figura."""
    code = ("from cnnviz.figures import FIGURES; f = FIGURES[%r].func; "
            "import inspect; print(inspect.getsourcefile(f)); print(f.__name__)" % name)
    out = subprocess.run([sys.executable, "-c", code], env=tree.env(), capture_output=True,
                         text=True, check=True).stdout.split()
    path, func = Path(out[0]), out[1]
    source = path.read_text()
    node = next(n for n in ast.parse(source).body
                if isinstance(n, ast.FunctionDef) and n.name == func)
    ret = node.body[-1]
    lines = source.splitlines(keepends=True)
    indent = " " * ret.col_offset
    if isinstance(ret, ast.Return) and isinstance(ret.value, ast.Name):
        token = time.time_ns()      # otra edición en cada ejecución: nunca en caché
        extra = f'{indent}{ret.value.id}.text(0.5, 0.01, "prueba {token}", fontsize=6)\n'
    else:
        extra = f"{indent}pass  # prueba del benchmark\n"
    edited = "".join(lines[:ret.lineno - 1] + [extra] + lines[ret.lineno - 1:])
    return path, source, edited


def serve_edit(tree):
    """Segundos hasta recargar tras editar la figura y tras deshacerlo; y qué se regeneró."""
    path, original, edited = edit_figure_source(tree, EDITED_FIGURE)
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "-a",
                             f"127.0.0.1:{port}"], cwd=tree.path, env=tree.env(),
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    lines = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stderr],
                     daemon=True).start()

    def wait_for(text, timeout=900):
        seen, end = [], time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                if proc.poll() is not None:
                    break
                continue
            seen.append(line)
            if text in line:
                return seen
        raise RuntimeError(f"[{tree.label}] serve no llegó a «{text}»:\n{''.join(seen)[-3000:]}")

    try:
        wait_for("Serving on")
        time.sleep(2)
        results = {}
        for label, text in (("editar", edited), ("deshacer", original)):
            start = time.perf_counter()
            path.write_text(text)
            seen = wait_for("Reloading browsers")
            results[label] = time.perf_counter() - start
            results[label + " (regenerado)"] = [
                line.split("-  ", 1)[1].strip() for line in seen
                if any(w in line for w in ("generada", "ejecutado", "generado", "calculados",
                                           "ejecutadas"))]
            time.sleep(1)
        return results
    finally:
        path.write_text(original)
        proc.terminate()
        proc.wait(timeout=60)


VARIANTS_SCRIPT = r"""
import json, time
from cnnviz.figures import FIGURES
from cnnviz.site.build.figure_build import draw
from cnnviz.variants import Variant, variants
from cnnviz.training import trained_model
trained_model()
light = every = 0.0
for name, spec in FIGURES.items():
    start = time.perf_counter()
    draw(spec.func, name, Variant("claro"))
    light += time.perf_counter() - start
    start = time.perf_counter()
    for variant in variants(spec.narrow):
        draw(spec.func, name, variant)
    every += time.perf_counter() - start
print(json.dumps([light, every]))
"""


def variants_cost(tree):
    proc = subprocess.run([sys.executable, "-c", VARIANTS_SCRIPT], env=tree.env(),
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout.splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3,
                        help="construcciones en caliente y sin ganchos")
    parser.add_argument("--cold-runs", type=int, default=1)
    parser.add_argument("--contra", default="main", help="referencia con la que comparar")
    parser.add_argument("--solo", action="store_true", help="medir solo el árbol de trabajo")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cnnviz-bench-"))
    trees = [Tree("ahora", ROOT, work)]
    if not args.solo:
        copy = work / "referencia"
        copy.mkdir()
        archive = subprocess.run(["git", "archive", args.contra], cwd=ROOT, capture_output=True,
                                 check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(copy)], input=archive, check=True)
        trees.insert(0, Tree(args.contra, copy, work))
    results = {t.label: {} for t in trees}
    loads = [load()]
    try:
        for i in range(args.cold_runs):
            for tree in trees:
                seconds, peak = cold(tree)
                results[tree.label].setdefault("frío", []).append(seconds)
                results[tree.label].setdefault("memoria", []).append(peak)
                results[tree.label].setdefault("CPU en frío", []).append(tree.cpu)
                print(f"  [{tree.label}] frío #{i + 1}: {seconds:.1f} s, CPU {tree.cpu:.0f} s, "
                      f"{peak:.0f} MiB (carga {load()})", flush=True)
        for i in range(args.runs):
            for tree in trees:
                results[tree.label].setdefault("caliente", []).append(build(tree)[0])
                results[tree.label].setdefault("CPU en caliente", []).append(tree.cpu)
                results[tree.label].setdefault("sin ganchos", []).append(plain(tree))
        loads.append(load())
        for tree in trees:
            edit = serve_edit(tree)
            results[tree.label]["editar una figura (serve)"] = [edit["editar"]]
            results[tree.label]["deshacer la edición (serve)"] = [edit["deshacer"]]
            print(f"  [{tree.label}] editar {EDITED_FIGURE}: {edit['editar']:.1f} s, regenerado: "
                  f"{edit['editar (regenerado)']}", flush=True)
            print(f"  [{tree.label}] deshacer: {edit['deshacer']:.1f} s, regenerado: "
                  f"{edit['deshacer (regenerado)']}", flush=True)
        loads.append(load())
        light, every = variants_cost(trees[-1])
        loads.append(load())
    finally:
        shutil.rmtree(work, ignore_errors=True)

    labels = [t.label for t in trees]
    median = {label: {row: statistics.median(values) for row, values in rows.items()}
              for label, rows in results.items()}
    print(f"\nConstrucción (medianas; {args.cold_runs} en frío, {args.runs} en caliente; "
          f"{os.cpu_count()} núcleos; carga 1/5/15 min durante la medida: {', '.join(loads)})")
    print(f"  {'':32}" + "".join(f"{label:>14}" for label in labels))
    for row in ("frío", "CPU en frío", "caliente", "CPU en caliente", "sin ganchos",
                "editar una figura (serve)", "deshacer la edición (serve)"):
        print(f"  {row:32}" + "".join(f"{median[label][row]:12.1f} s" for label in labels))
    print(f"  {'caliente / sin ganchos':32}" + "".join(
        f"{median[label]['caliente'] / median[label]['sin ganchos']:14.2f}" for label in labels))
    print(f"  {'memoria máxima (frío)':32}" + "".join(
        f"{max(results[label]['memoria']):10.0f} MiB" for label in labels))
    print("  objetivos (issue 21): frío ≤ 60 s; memoria ≤ 1536 MiB; caliente / sin ganchos ≤ 1,5; "
          "editar ≤ 5 s; deshacer ≤ 2 s")
    for tree in trees:
        print_jobs(tree)
    print(f"\nVariantes de las figuras ({labels[-1]}, un proceso): solo claras {light:.1f} s, "
          f"todas {every:.1f} s (+{(every / light - 1) * 100:.0f} % de dibujo)")
    if len(labels) == 2:
        ratio = median[labels[1]]["frío"] / median[labels[0]]["frío"]
        print(f"Frío con todas las variantes / frío de {labels[0]} (una variante): {ratio:.2f}  "
              "(objetivo ≤ 1,25)")


if __name__ == "__main__":
    main()
