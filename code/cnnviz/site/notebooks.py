"""Ejecuta los cuadernos con nbclient y guarda el resultado en caché.

La huella de cada cuaderno incluye su contenido y todo el código del
paquete: si cambia ``code/``, los cuadernos se vuelven a ejecutar.
"""

import hashlib
import html
import re
import shutil
from pathlib import Path

import nbformat

from ..cache import PACKAGE_DIR, atomic_write_bytes, cache_dir, library_versions


class NotebookError(RuntimeError):
    """Una celda del cuaderno falló."""


def package_hash():
    """SHA-256 de todos los .py del paquete cnnviz."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        h.update(str(path.relative_to(PACKAGE_DIR)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def notebook_key(path):
    """Huella del cuaderno, de todo el paquete y de las versiones de las bibliotecas."""
    h = hashlib.sha256(Path(path).read_bytes())
    h.update(package_hash().encode())
    h.update(library_versions().encode())
    return h.hexdigest()[:16]


def execute_notebook(path, timeout=900):
    """Ejecuta el cuaderno (o lo toma de la caché); devuelve la ruta ejecutada."""
    from nbclient import NotebookClient

    path = Path(path)
    # <caché>/notebooks/<nombre>/<huella>/<nombre>.ipynb: el archivo conserva
    # su nombre, que es el que recibe quien lo descarga
    out_dir = cache_dir("notebooks", path.stem)
    out = out_dir / notebook_key(path) / path.name
    if out.is_file():
        return out, "en caché"
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            allow_errors=False,
                            resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except Exception as exc:   # celda con error, tiempo agotado, núcleo muerto…
        raise NotebookError(f"el cuaderno «{path.name}» falló al ejecutarse: "
                            f"{type(exc).__name__}: {exc}") from exc
    for old in out_dir.iterdir():                  # versiones anteriores
        if old != out.parent:
            shutil.rmtree(old, ignore_errors=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(out, nbformat.writes(nb).encode())
    return out, "ejecutado"


NBCONVERT_PLACEHOLDER_ALT = 'alt="No description has been provided for this image"'


def image_alts(path):
    """Textos alternativos de las imágenes PNG de las salidas, en orden."""
    nb = nbformat.read(path, as_version=4)
    return [output.get("metadata", {}).get("image/png", {}).get("alt")
            for cell in nb.cells for output in cell.get("outputs", [])
            if "image/png" in output.get("data", {})]


def apply_image_alts(page_html, path):
    """Pone a cada imagen del cuaderno su texto alternativo en español.

    La plantilla de nbconvert ignora el «alt» de los metadatos y escribe uno
    genérico en inglés; aquí se sustituye por el de cada salida.
    """
    alts = image_alts(path)
    parts = page_html.split(NBCONVERT_PLACEHOLDER_ALT)
    if len(parts) - 1 != len(alts) or None in alts:
        raise NotebookError(f"el cuaderno «{Path(path).name}» tiene imágenes sin texto "
                            "alternativo: usa cnnviz.figures.style.as_image")
    out = [parts[0]]
    for alt, rest in zip(alts, parts[1:]):
        # «no-zoom»: glightbox no envuelve la imagen en un enlace con otra copia
        # de sus datos en base64 (duplicaría el peso de la página)
        rest = re.sub(r'^(\s*class=")', r"\1no-zoom ", rest, count=1)
        out.append(f'alt="{html.escape(alt)}"' + rest)
    return "".join(out)


def make_code_focusable(page_html):
    """Las celdas de código desplazables se pueden recorrer con el teclado."""
    return page_html.replace('<div class="highlight-ipynb', '<div tabindex="0" class="highlight-ipynb')
