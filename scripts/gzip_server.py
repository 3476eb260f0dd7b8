"""Servidor HTTP local que comprime con gzip, como GitHub Pages.

GitHub Pages envía HTML, CSS, JS, JSON y SVG comprimidos con gzip (no las
imágenes PNG, ya comprimidas) y con ``Cache-Control: max-age=600``. Medir sin
compresión infla el peso y el tiempo de carga de las páginas.
"""

import functools
import gzip
import io
import os
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml",
                "application/xml")


class GzipHandler(SimpleHTTPRequestHandler):
    _compressed = {}   # (ruta, fecha de modificación) -> bytes comprimidos

    def log_message(self, *args):
        pass

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?")[0].endswith("/"):
            path = os.path.join(path, "index.html")
        ctype = self.guess_type(path)
        if not ("gzip" in self.headers.get("Accept-Encoding", "")
                and ctype.startswith(COMPRESSIBLE) and os.path.isfile(path)):
            return super().send_head()   # sin comprimir, redirección o 404
        stat = os.stat(path)
        key = (path, stat.st_mtime_ns)
        if key not in self._compressed:
            with open(path, "rb") as fh:
                self._compressed[key] = gzip.compress(fh.read(), compresslevel=6, mtime=0)
        body = self._compressed[key]
        self.send_response(200)
        self.send_header("Content-Type", ctype + ("; charset=utf-8" if ctype == "text/html" else ""))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
        self.end_headers()
        return io.BytesIO(body)


def serve(directory):
    """Arranca el servidor en un hilo; devuelve (servidor, URL base)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0),
                                 functools.partial(GzipHandler, directory=str(directory)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"
