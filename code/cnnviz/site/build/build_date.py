"""Fecha de la construcción reproducible: la del último commit, no la de hoy.

mkdocs pone la fecha de la construcción en ``sitemap.xml`` (``<lastmod>``) y
en la cabecera de ``sitemap.xml.gz``; con ``SOURCE_DATE_EPOCH`` usa esa. Si no
está definida, se toma la fecha del último commit: el mismo código da el mismo
sitio cualquier día. Sin git (p. ej. un archivo descargado), 0 (1970-01-01):
una fecha fija, mejor que una que cambia cada día.
"""

import os
import subprocess
from pathlib import Path


def source_date_epoch(repo):
    """Segundos desde 1970 del último commit de ``repo`` (0 si no hay git)."""
    try:
        proc = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=repo,
                              capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return 0
    value = proc.stdout.strip()
    return int(value) if proc.returncode == 0 and value.isdigit() else 0


def ensure_source_date_epoch(config_file):
    """Define ``SOURCE_DATE_EPOCH`` (si no lo está) para la construcción de ``config_file``."""
    if "SOURCE_DATE_EPOCH" not in os.environ:
        os.environ["SOURCE_DATE_EPOCH"] = str(source_date_epoch(Path(config_file).parent))
