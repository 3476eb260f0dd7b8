"""La clase base de los errores propios de ``cnnviz``.

Un ``CnnvizError`` lleva un mensaje en español que dice qué falló y qué se
esperaba; quien lo recibe (los ganchos de mkdocs, un script) lo muestra tal
cual, en una línea, sin traza. Los errores de Python que no son de esta
familia (``TypeError``, ``KeyError``…) son fallos de programación y sí
llevan su traza.
"""


class CnnvizError(RuntimeError):
    """Error propio de cnnviz con un mensaje para quien lo lee."""
