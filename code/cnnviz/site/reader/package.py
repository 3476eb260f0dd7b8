"""Datos del paquete del lector para las macros ``{{ paquete: … }}`` y ``{{ fuente: … }}``.

La URL y el nombre del paquete, la versión de Python y de torch con que se
prueba, sus dependencias y los enlaces al repositorio. Los manejadores lanzan
``ValueError`` si el nombre no existe (``facts.macros`` añade la página y la línea).
"""

import os
import re
import sys
from importlib.metadata import version

from . import wheel

def tested_python():
    """Versión de Python con que se construye y se prueba el sitio, p. ej. «3.11»."""
    return f"{sys.version_info.major}.{sys.version_info.minor}"


def runtime_requirements():
    """``[(distribución, especificación)]`` de las dependencias del paquete."""
    pattern = re.compile(r"^\s*([A-Za-z0-9._-]+)\s*(.*)$")
    return [pattern.match(req).groups() for req in wheel.project()["dependencies"]]


def dependency_table():
    rows = ["| Paquete | Versión que pide | Versión probada |", "| --- | --- | --- |"]
    for name, spec in runtime_requirements():
        rows.append(f"| `{name}` | `{spec or 'cualquiera'}` | {version(name)} |")
    return "\n".join(rows)


def source_url(config, path):
    """URL de ``path`` (relativa a la raíz) en el repositorio, o None si no se conoce."""
    repo = (config.get("repo_url") or "").rstrip("/")
    if not repo:
        return None
    match = re.match(r"(?:edit|blob)/([^/]+)/", config.get("edit_uri") or "")
    branch = match.group(1) if match else "main"
    return f"{repo}/blob/{branch}/{path}"


def _repository_sentence(config):
    repo = (config.get("repo_url") or "").rstrip("/")
    if not repo:
        return ("Cada bloque de código que sale de la carpeta `code/` del repositorio "
                "lleva como título la ruta de su archivo.")
    return (f"El código fuente está en [{repo.split('://', 1)[-1]}]({repo}): cada página "
            "enlaza arriba su fuente, y cada bloque de código que sale de la carpeta "
            "`code/` lleva como título un enlace a su archivo.")


def source_link(name, config):
    """``{{ fuente: archivo }}``: enlace al archivo en el repositorio (o su ruta, sin él)."""
    if not (wheel.ROOT / name).is_file():
        raise ValueError(f"«{name}» no es un archivo del repositorio")
    url = source_url(config, name)
    return f"[`{name}`]({url})" if url else f"`{name}`"


def package_value(name, config, page_dir):
    """``{{ paquete: nombre }}``: la URL del paquete, su archivo, la versión de Python…"""
    values = {
        "url": lambda: wheel.wheel_url(config),
        "sitio": lambda: config["site_url"],
        "archivo": wheel.wheel_name,
        "enlace": lambda: os.path.relpath(wheel.wheel_path_in_site(), page_dir),
        "python": tested_python,
        "torch": lambda: version("torch"),
        "dependencias": dependency_table,
        "repositorio": lambda: _repository_sentence(config),
    }
    if name not in values:
        raise ValueError(f"el dato del paquete «{name}» no existe; hay: {sorted(values)}")
    return values[name]()
