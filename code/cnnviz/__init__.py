"""cnnviz: capas de una CNN y visualización de características (código del sitio)."""
