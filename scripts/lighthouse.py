"""Lighthouse (móvil y escritorio) sobre cada página del sitio, servido con gzip.

Construye el sitio (o usa uno ya construido con ``--sitio``), lo sirve con
compresión gzip como GitHub Pages (scripts/gzip_server.py) y ejecuta los dos
perfiles de Lighthouse en cada página del menú. Imprime una tabla por perfil:
rendimiento, accesibilidad, buenas prácticas, SEO, LCP, bloqueo total (TBT),
kB transferidos y, de ellos, los que no son imágenes.

Objetivos (issue 11): rendimiento ≥ 95 en móvil (ideal 100) y 100 en
escritorio; accesibilidad, buenas prácticas y SEO 100; páginas de cuadernos
≤ 150 kB transferidos sin contar las imágenes; TBT del laboratorio ≤ 100 ms en
móvil. Las cifras dependen de la carga de la máquina: se imprime ``uptime``.

Uso: scripts/lighthouse [--sitio DIR] [--perfil movil|escritorio|ambos] [página ...]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "scripts"))
from conftest import CHROMIUM, CHROMIUM_ARGS, nav_pages  # noqa: E402
from gzip_server import serve  # noqa: E402

NODE_DIR = ROOT / "tests" / "js"
LIGHTHOUSE = NODE_DIR / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PRESETS = {"movil": [], "escritorio": ["--preset=desktop"]}
NOTEBOOK_TARGET_KB = 150


def install_lighthouse():
    """Lighthouse es una dependencia de desarrollo de tests/js (registro de npm)."""
    if LIGHTHOUSE.exists():
        return
    subprocess.run(["npm", "ci", "--prefix", str(NODE_DIR), "--no-audit", "--no-fund",
                    "--loglevel=error"], cwd=ROOT, check=True)
    # scripts/setup-browser no debe reinstalar (sin Lighthouse) lo que ya está
    stamp = NODE_DIR / "node_modules" / ".cnnviz-instalado"
    import hashlib
    stamp.write_text(hashlib.sha256((NODE_DIR / "package-lock.json").read_bytes()).hexdigest() + "\n")


def build_site(work):
    site = work / "site"
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                    "--site-dir", str(site)], cwd=ROOT, check=True,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    return site


def run_lighthouse(url, preset, work):
    """Un informe de Lighthouse (dict) para ``url`` con el perfil dado."""
    report = work / "informe.json"
    subprocess.run([str(LIGHTHOUSE), url, *PRESETS[preset], "--quiet",
                    f"--chrome-path={CHROMIUM}",
                    "--chrome-flags=--headless=new " + " ".join(CHROMIUM_ARGS),
                    "--only-categories=" + ",".join(CATEGORIES),
                    "--output=json", f"--output-path={report}"],
                   check=True, cwd=work)
    return json.loads(report.read_text())


def summarize(data):
    """Puntuaciones y medidas de un informe."""
    audits = data["audits"]
    requests = audits["network-requests"]["details"]["items"]
    total = sum(r.get("transferSize", 0) for r in requests)
    images = sum(r.get("transferSize", 0) for r in requests if r.get("resourceType") == "Image")
    failing = [a["id"] for a in audits.values()
               if a.get("score") is not None and a["score"] < 1
               and a.get("scoreDisplayMode") in ("binary", "metricSavings")
               and a["id"] not in ("network-requests",)]
    return {
        **{c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES},
        "lcp": audits["largest-contentful-paint"]["numericValue"],
        "tbt": audits["total-blocking-time"]["numericValue"],
        "kb": total / 1000,
        "kb_sin_img": (total - images) / 1000,
        "failing": failing,
    }


def print_table(preset, rows):
    head = (f"{'página':24} {'rend.':>5} {'acces.':>6} {'b.pr.':>5} {'SEO':>4} "
            f"{'LCP s':>6} {'TBT ms':>6} {'kB':>7} {'kB sin img':>10}")
    print(f"\nPerfil {preset}:\n{head}\n{'-' * len(head)}")
    for url, r in rows:
        print(f"{url or '/':24} {r['performance']:>5} {r['accessibility']:>6} "
              f"{r['best-practices']:>5} {r['seo']:>4} {r['lcp'] / 1000:>6.2f} {r['tbt']:>6.0f} "
              f"{r['kb']:>7.0f} {r['kb_sin_img']:>10.0f}")
    for url, r in rows:
        if r["failing"]:
            print(f"  {url or '/'}: auditorías por mejorar: {', '.join(r['failing'][:8])}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sitio", type=Path, help="sitio ya construido (si no, se construye)")
    parser.add_argument("--perfil", choices=["movil", "escritorio", "ambos"], default="ambos")
    parser.add_argument("paginas", nargs="*", help="URL relativas (por defecto, todas las del menú)")
    args = parser.parse_args()

    install_lighthouse()
    work = Path(tempfile.mkdtemp(prefix="cnnviz-lh-"))
    site = args.sitio or build_site(work)
    server, base = serve(site)
    urls = args.paginas or [url for _, url in nav_pages()]
    notebooks = {url for src, url in nav_pages() if src.endswith(".ipynb")}
    presets = list(PRESETS) if args.perfil == "ambos" else [args.perfil]
    print("carga de la máquina:", subprocess.run(["uptime"], capture_output=True,
                                                 text=True).stdout.strip())
    problems = []
    try:
        for preset in presets:
            rows = []
            for url in urls:
                r = summarize(run_lighthouse(base + url, preset, work))
                rows.append((url, r))
                target = 95 if preset == "movil" else 100
                if r["performance"] < target:
                    problems.append(f"{preset} {url or '/'}: rendimiento {r['performance']} < {target}")
                for c in CATEGORIES[1:]:
                    if r[c] < 100:
                        problems.append(f"{preset} {url or '/'}: {c} {r[c]} < 100")
                if url in notebooks and r["kb_sin_img"] > NOTEBOOK_TARGET_KB:
                    problems.append(f"{preset} {url}: {r['kb_sin_img']:.0f} kB sin imágenes "
                                    f"> {NOTEBOOK_TARGET_KB}")
                if url.startswith("laboratorio") and preset == "movil" and r["tbt"] > 100:
                    problems.append(f"móvil {url}: TBT {r['tbt']:.0f} ms > 100")
            print_table(preset, rows)
    finally:
        server.shutdown()
    print("\ncarga de la máquina:", subprocess.run(["uptime"], capture_output=True,
                                                   text=True).stdout.strip())
    print("\nObjetivos no alcanzados:" if problems else "\nTodos los objetivos alcanzados.")
    for p in problems:
        print("  -", p)


if __name__ == "__main__":
    main()
