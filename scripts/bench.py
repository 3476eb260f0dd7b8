"""Benchmark de la construcción: imprime medianas de varias ejecuciones.

- construcción en frío (cachés vacías: pesos, figuras, cuadernos, salidas),
- construcción en caliente (nada cambió),
- construcción tras editar una página de Markdown,
- memoria máxima (suma del RSS del árbol de procesos, muestreada),
- cociente caliente / construcción sin generar nada (CNNVIZ_SKIP_GENERATION=1).

Uso: scripts/bench [--runs N]
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
EDITED_PAGE = ROOT / "docs" / "glosario.md"


def build(cache, site, extra_env=None, strict=True):
    """Una construcción; devuelve (segundos, memoria máxima en MiB)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "CNNVIZ_CACHE": str(cache),
           **(extra_env or {})}
    cmd = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)]
    if strict:
        cmd.append("--strict")
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True)
    peak = [0]

    def sample():
        parent = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                procs = [parent, *parent.children(recursive=True)]
                peak[0] = max(peak[0], sum(p.memory_info().rss for p in procs))
            except psutil.Error:
                pass
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, stderr = proc.communicate()
    sampler.join()
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"la construcción falló:\n{stderr[-3000:]}")
    return seconds, peak[0] / 2**20


def clear_jupyter_cache():
    shutil.rmtree(ROOT / ".cache" / "mkdocs-jupyter", ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cnnviz-bench-"))
    site = work / "site"
    results = {"frío": [], "caliente": [], "tras editar una página": [],
               "sin generar nada": []}
    peaks = []
    try:
        for i in range(args.runs):
            cache = work / f"cache-frio-{i}"
            clear_jupyter_cache()
            seconds, peak = build(cache, site)
            results["frío"].append(seconds)
            peaks.append(peak)
            print(f"  frío #{i + 1}: {seconds:.1f} s, {peak:.0f} MiB", flush=True)
        warm_cache = work / f"cache-frio-{args.runs - 1}"
        for i in range(args.runs):
            seconds, peak = build(warm_cache, site)
            results["caliente"].append(seconds)
            peaks.append(peak)
        original = EDITED_PAGE.read_text()
        try:
            for i in range(args.runs):
                EDITED_PAGE.write_text(original + f"\n<!-- edición de prueba {i} -->\n")
                seconds, _ = build(warm_cache, site)
                results["tras editar una página"].append(seconds)
        finally:
            EDITED_PAGE.write_text(original)
        for i in range(args.runs):
            seconds, _ = build(work / "cache-vacia", site,
                               {"CNNVIZ_SKIP_GENERATION": "1"}, strict=False)
            results["sin generar nada"].append(seconds)
        training_meta = json.loads(next((work / "cache-frio-0" / "weights").glob("*.json"))
                                   .read_text())
        sections = section_times(work / "cache-frio-0")
    finally:
        shutil.rmtree(work, ignore_errors=True)

    median = {k: statistics.median(v) for k, v in results.items()}
    print(f"\nConstrucción del sitio (mediana de {args.runs} ejecuciones, "
          f"{os.cpu_count()} núcleos)")
    targets = {"frío": 90, "caliente": 5, "tras editar una página": 5}
    for name, value in median.items():
        target = f"  (objetivo ≤ {targets[name]} s)" if name in targets else ""
        print(f"  {name:24} {value:6.1f} s{target}")
    print(f"  {'memoria máxima':24} {max(peaks):6.0f} MiB  (objetivo ≤ 1536 MiB)")
    ratio = median["caliente"] / median["sin generar nada"]
    print(f"  {'caliente / sin generar':24} {ratio:6.2f}    (objetivo ≤ 2)")
    print("\nCNN entrenada (primera construcción en frío)")
    print(f"  exactitud en prueba      {training_meta['accuracy']:.1%} de "
          f"{training_meta['n_test']} imágenes  (objetivo ≥ 98 %)")
    print(f"  entrenamiento            {training_meta['train_seconds']:6.1f} s  (objetivo ≤ 20 s)")
    print("\nGeneración en frío por página (pesos ya entrenados; figuras + salidas del código)")
    for page, seconds in sections.items():
        print(f"  {page:24} {seconds:6.1f} s")


def section_times(weights_cache):
    """Segundos de generar las figuras y las salidas de código de cada página."""
    code = """
import json, sys, time, tempfile
from collections import defaultdict
from cnnviz.figures import FIGURES
from cnnviz.site.figure_build import render_figure
from cnnviz.training import trained_model
trained_model()
times = defaultdict(float)
out = tempfile.mkdtemp()
for spec in FIGURES.values():
    start = time.perf_counter()
    render_figure(spec, out)
    times[spec.module.removeprefix("figures.")] += time.perf_counter() - start
json.dump(times, sys.stdout)
"""
    env = {**os.environ, "CNNVIZ_CACHE": str(weights_cache)}
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, check=True)
    figures = json.loads(proc.stdout)
    from cnnviz.site.page_code import python_sources, run_blocks
    site = Path(tempfile.mkdtemp(prefix="cnnviz-bench-site-"))
    build(weights_cache, site)
    times = {}
    for page in ("teoria", "filtros-bordes", "visualizacion"):
        html = (site / page / "index.html").read_text()
        start = time.perf_counter()
        run_blocks(python_sources(html))
        code_seconds = time.perf_counter() - start
        module = {"filtros-bordes": "bordes"}.get(page, page)
        times[page] = figures.get(module, 0.0) + code_seconds
    shutil.rmtree(site, ignore_errors=True)
    return times


if __name__ == "__main__":
    main()
