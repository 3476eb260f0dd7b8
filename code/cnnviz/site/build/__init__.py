"""La construcción como trabajos: qué generar, dónde esperar, claves y caché (ver pipeline)."""
