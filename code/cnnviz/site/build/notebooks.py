"""Ejecuta los cuadernos con nbclient; la caché y su clave están en ``jobs`` y ``keys``.

La clave de cada cuaderno incluye su contenido, el código de ``cnnviz`` que
importan sus celdas (y lo que éste importa) y, si usa la CNN entrenada, la
huella de sus pesos: editar una figura que el cuaderno no usa no lo vuelve a
ejecutar.
"""

import html
import json
import logging
import os
import re
import tempfile
from pathlib import Path

import nbformat

from ...cache import CacheError
from ...errors import CnnvizError


class NotebookError(CnnvizError):
    """Una celda del cuaderno falló."""


def execute(path, timeout=900):
    """Ejecuta el cuaderno en un núcleo nuevo; devuelve el cuaderno ejecutado (bytes)."""
    from nbclient import NotebookClient

    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    # Sin tiempos de ejecución en los metadatos: el mismo código da el mismo archivo
    # En una carpeta temporal: lo que escribe el cuaderno (mi_red.json) no cae en docs/
    with tempfile.TemporaryDirectory(prefix="cuaderno-") as folder:
        client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                                allow_errors=False, record_timing=False,
                                resources={"metadata": {"path": folder}})
        try:
            client.execute()
        except Exception as exc:   # celda con error, tiempo agotado, núcleo muerto…
            raise NotebookError(f"el cuaderno «{path.name}» falló al ejecutarse: "
                                f"{type(exc).__name__}: {exc}") from exc
    _coalesce_streams(nb)
    return nbformat.writes(nb).encode()


def _coalesce_streams(nb):
    """Une las salidas de texto seguidas de una celda en una sola.

    El núcleo envía lo impreso en trozos que dependen del momento (dos
    ``print`` pueden llegar juntos o separados); unidos, el mismo código da
    siempre el mismo cuaderno y la misma página.
    """
    for cell in nb.cells:
        merged = []
        for output in cell.get("outputs", []):
            if merged and output.output_type == "stream" and \
                    merged[-1].output_type == "stream" and merged[-1].name == output.name:
                merged[-1].text += output.text
            else:
                merged.append(output)
        if cell.cell_type == "code":
            cell.outputs = merged


def check_converter_cache(config):
    """Comprueba la caché de mkdocs-jupyter (el HTML de cada cuaderno) antes de usarla.

    Si no se puede escribir en ella, un error que nombra la carpeta (mkdocs-jupyter
    fallaría más tarde con una traza). Las entradas ilegibles se borran: esa
    caché no lleva huella y una entrada cortada rompería la construcción;
    borrada, mkdocs-jupyter la vuelve a generar.
    """
    plugin = config.plugins.get("mkdocs-jupyter")
    if plugin is None or not plugin.config.get("cache"):
        return
    folder = Path(plugin.config["cache_dir"])
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".prueba-de-escritura-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        for path in folder.glob("*.json"):
            if not _readable_converter_entry(path):
                logging.getLogger("cnnviz.cache").warning(
                    "caché de mkdocs-jupyter: entrada dañada, se regenera: %s", path.resolve())
                path.unlink(missing_ok=True)
    except OSError as exc:
        raise CacheError(f"no se puede escribir en la caché de mkdocs-jupyter (el HTML de los "
                         f"cuadernos), {folder.resolve()}: {exc.strerror or exc}. Revisa sus "
                         "permisos o bórrala; se vuelve a crear sola.") from None


def _readable_converter_entry(path):
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        return isinstance(entry.get("content"), str) and "toc_tokens" in entry
    except (ValueError, AttributeError):
        return False


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
                            "alternativo: usa cnnviz.figures.notebook.as_image")
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
