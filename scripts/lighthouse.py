"""Lighthouse (escritorio) sobre las páginas principales del sitio construido.

Imprime, por página, las cuatro categorías (rendimiento, accesibilidad,
buenas prácticas, SEO) y el peso transferido. Objetivos: accesibilidad 100,
buenas prácticas ≥ 95, SEO 100, rendimiento ≥ 90, ninguna página > 1,5 MB.

Uso: scripts/lighthouse [página ...]   (por defecto, todas las del menú)
"""

import functools
import json
import os
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from conftest import CHROMIUM, CHROMIUM_ARGS, nav_pages  # noqa: E402

LIGHTHOUSE = ROOT / "tests" / "js" / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
NAMES = {"performance": "rend.", "accessibility": "acces.", "best-practices": "b. práct.",
         "seo": "SEO"}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main():
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--prefix", "tests/js", "--no-audit", "--no-fund",
                        "--loglevel=error"], cwd=ROOT, check=True)
    work = Path(tempfile.mkdtemp(prefix="cnnviz-lh-"))
    site = work / "site"
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet",
                    "--site-dir", str(site)], cwd=ROOT, check=True,
                   env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(QuietHandler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}/"
    urls = sys.argv[1:] or [url for _, url in nav_pages()]

    print(f"{'página':28} " + " ".join(f"{NAMES[c]:>9}" for c in CATEGORIES) + "   peso")
    worst = {c: 100 for c in CATEGORIES}
    heaviest = ("", 0)
    for url in urls:
        report = work / "informe.json"
        subprocess.run([str(LIGHTHOUSE), base + url, "--preset=desktop", "--quiet",
                        f"--chrome-path={CHROMIUM}",
                        "--chrome-flags=--headless=new " + " ".join(CHROMIUM_ARGS),
                        "--only-categories=" + ",".join(CATEGORIES),
                        "--output=json", f"--output-path={report}"],
                       check=True, cwd=work)
        data = json.loads(report.read_text())
        scores = {c: round(data["categories"][c]["score"] * 100) for c in CATEGORIES}
        weight = data["audits"]["total-byte-weight"]["numericValue"]
        for c in CATEGORIES:
            worst[c] = min(worst[c], scores[c])
        if weight > heaviest[1]:
            heaviest = (url or "/", weight)
        print(f"{url or '/':28} " + " ".join(f"{scores[c]:>9}" for c in CATEGORIES)
              + f"   {weight / 1e6:.2f} MB", flush=True)
        failing = [a["title"] for a in data["audits"].values()
                   if a.get("score") is not None and a["score"] < 1
                   and a.get("scoreDisplayMode") == "binary"]
        if failing:
            print("    auditorías no superadas: " + "; ".join(failing[:6]))
    server.shutdown()
    print("\npeor puntuación: " + ", ".join(f"{NAMES[c]} {worst[c]}" for c in CATEGORIES))
    print(f"página más pesada: {heaviest[0]} ({heaviest[1] / 1e6:.2f} MB; objetivo ≤ 1,5 MB)")


if __name__ == "__main__":
    main()
