"""Datos que citan las páginas (``{{ dato: nombre }}``) y las macros que los insertan.

Cada módulo de datos define funciones sin argumentos que devuelven texto
(Markdown) y las lista en ``__all__``; ``FACTS`` las reúne todas por nombre.
Importar este paquete no carga esos módulos (usan torch): ``FACTS`` se arma
la primera vez que se pide. La construcción lo describe una vez en un
proceso de trabajo (``build.jobs.describe``) y guarda la descripción en la
caché; ``macros`` sí se usa en el proceso de mkdocs.

Para añadir un módulo de datos (p. ej. ``facts/estilo.py``): escríbelo con su
``__all__`` y añádelo a ``_modules`` (la importación y la tupla). Un nombre
repetido hace fallar la construcción.
"""


def _modules():
    """Los módulos de datos, uno por página o tema. Añade aquí los nuevos."""
    from . import bordes, estilo, general, squeezenet, teoria, visualizacion

    return (general, teoria, bordes, visualizacion, squeezenet, estilo)


def _registry(modules):
    facts = {}
    for module in modules:
        for name in module.__all__:
            if name in facts:
                raise RuntimeError(f"el dato «{name}» está definido dos veces "
                                   f"({facts[name].__module__} y {module.__name__})")
            facts[name] = getattr(module, name)
    return facts


def __getattr__(name):
    """``FACTS``: ``{nombre: función}`` de todos los datos, armado al pedirlo."""
    if name == "FACTS":
        globals()["FACTS"] = _registry(_modules())
        return globals()["FACTS"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
