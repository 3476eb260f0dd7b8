"""Ejecuta los bloques de Python de una página y captura lo que imprime cada uno.

Lo usan la construcción (para rellenar los bloques «Salida») y las pruebas
(``run_blocks``, para comprobar que la página imprime lo que dice). Los bloques se ejecutan
en orden, en un intérprete nuevo, como los copiaría un lector.
"""

import hashlib
import html
import json
import re
import subprocess
import sys

from ..cache import atomic_write_bytes, cache_dir

# Bloque resaltado de Material: <div class="language-xxx highlight">...<code>...</code>
BLOCK_RE = re.compile(
    r'<div class="language-(?P<lang>\w+) highlight">(?P<head>.*?)<pre>.*?<code>(?P<code>.*?)</code></pre></div>',
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


def fill_outputs(page_html, package_key):
    """Sustituye cada ``{{ salida }}`` por lo que imprime el bloque anterior.

    Las salidas se guardan en caché por el código de la página y del paquete.
    """
    if PLACEHOLDER not in page_html:
        return page_html
    sources = python_sources(page_html)
    key = hashlib.sha256(json.dumps([sources, package_key]).encode()).hexdigest()[:16]
    cached = cache_dir("page-outputs") / f"{key}.json"
    if cached.is_file():
        outputs = json.loads(cached.read_text())
    else:
        outputs = run_blocks(sources)
        atomic_write_bytes(cached, json.dumps(outputs).encode())

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
