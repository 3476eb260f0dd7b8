"""Ejecuta los bloques de Python de una página y captura lo que imprime cada uno.

Lo usan la construcción (para rellenar los bloques «Salida», con las salidas
en caché por ``keys.page_outputs_key``) y las pruebas (``run_blocks``, para
comprobar que la página imprime lo que dice). Los bloques se ejecutan
en orden, en un intérprete nuevo, como los copiaría un lector.
"""

import html
import json
import re
import subprocess
import sys

from ...cache import entry_dir, prune, read_entry, write_entry

# Bloque resaltado de Material: <div class="language-xxx highlight">...<code>...</code>
BLOCK_RE = re.compile(
    r'<div class="language-(?P<lang>\w+) highlight"[^>]*>(?P<head>.*?)<pre>.*?<code>(?P<code>.*?)</code></pre></div>',
    re.S)
OUTPUT_TITLE = "Salida"
PLACEHOLDER = "{{ salida }}"

_RUNNER = r"""
import contextlib, io, json, sys
blocks = json.load(sys.stdin)
namespace = {"__name__": "__main__"}
outputs = []
for i, source in enumerate(blocks):
    buffer = io.StringIO()
    try:
        with contextlib.redirect_stdout(buffer):
            exec(compile(source, f"<bloque {i + 1}>", "exec"), namespace)
    except Exception as exc:
        import traceback
        sys.stderr.write(f"El bloque {i + 1} falló:\n{source}\n")
        traceback.print_exc()
        sys.exit(1)
    outputs.append(buffer.getvalue())
json.dump(outputs, sys.__stdout__)
"""


def _text_of(code_html):
    """Texto de un bloque resaltado (sin etiquetas de Pygments ni anclas de línea)."""
    return html.unescape(re.sub(r"<[^>]+>", "", code_html))


def code_blocks(page_html):
    """Lista de (lenguaje, título, texto) de los bloques de la página, en orden."""
    blocks = []
    for m in BLOCK_RE.finditer(page_html):
        title = _text_of(m["head"]).strip()
        blocks.append((m["lang"], title, _text_of(m["code"])))
    return blocks


def run_blocks(sources, timeout=600):
    """Ejecuta los bloques en un proceso nuevo; devuelve la salida de cada uno."""
    try:
        proc = subprocess.run([sys.executable, "-c", _RUNNER], input=json.dumps(sources),
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise RuntimeError(f"el código de la página tardó más de {timeout} s") from exc
    if proc.returncode != 0:
        raise RuntimeError(f"el código de la página falló:\n{proc.stderr}")
    return json.loads(proc.stdout)


def python_sources(page_html):
    return [text for lang, _, text in code_blocks(page_html) if lang == "python"]


def check_output_blocks(page_html):
    """Un bloque «Salida» con llaves debe contener exactamente ``{{ salida }}``."""
    for lang, title, text in code_blocks(page_html):
        if title == OUTPUT_TITLE and "{{" in text and text.strip() != PLACEHOLDER:
            raise ValueError(f"bloque «{OUTPUT_TITLE}» con un marcador mal escrito: "
                             f"«{text.strip()[:40]}»; se esperaba «{PLACEHOLDER}»")


def outputs_path(page, key):
    """``<caché>/page-outputs/<página>/<clave>/salidas.json``."""
    return entry_dir("page-outputs", page.replace("/", "_"), key) / "salidas.json"


def _check_outputs(data):
    outputs = json.loads(data)
    if not (isinstance(outputs, list) and all(isinstance(o, str) for o in outputs)):
        raise ValueError("no es una lista de textos")


def cached_outputs(page, key):
    """Salidas guardadas de la página con esa clave, o None."""
    data = read_entry(outputs_path(page, key), check=_check_outputs)
    return None if data is None else json.loads(data)


def run_and_store(page, key, sources):
    """Ejecuta los bloques y guarda sus salidas en la caché."""
    outputs = run_blocks(sources)
    path = outputs_path(page, key)
    write_entry(path, json.dumps(outputs, ensure_ascii=False).encode(),
                f"guardar las salidas del código de {page}")
    prune(path.parent.parent)
    return outputs


def fill_outputs(page_html, outputs):
    """Sustituye cada ``{{ salida }}`` por lo que imprime el bloque de Python anterior."""
    if len(outputs) != len(python_sources(page_html)):
        raise ValueError("las salidas guardadas no corresponden a los bloques de la página")
    result, n_python, last = [], 0, 0
    for m in BLOCK_RE.finditer(page_html):
        result.append(page_html[last:m.start()])
        block = m.group(0)
        if m["lang"] == "python":
            n_python += 1
        elif PLACEHOLDER in block:
            if n_python == 0:
                raise ValueError("un bloque «Salida» sin bloque de Python antes")
            text = html.escape(outputs[n_python - 1].rstrip("\n"))
            block = block.replace(PLACEHOLDER, text)
        result.append(block)
        last = m.end()
    result.append(page_html[last:])
    return "".join(result)
