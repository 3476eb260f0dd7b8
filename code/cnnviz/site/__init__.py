"""Piezas de la construcción del sitio (ganchos de mkdocs)."""
