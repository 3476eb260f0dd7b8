"""De qué código depende cada resultado, leído del código sin ejecutarlo.

Un resultado (una figura, un cuaderno, las salidas de una página, un dato,
``modelo.json``) depende de los módulos de ``cnnviz`` que importa, de los que
importan éstos, y así hasta cerrar el conjunto (el *cierre*). Las sentencias
``import`` se encuentran con ``ast``: calcular una huella no importa torch ni
matplotlib.

Tres reglas:

- El ``__init__.py`` de un paquete entra solo si se usa algo definido en él
  (``from cnnviz.figures import FIGURES``), no por importar un submódulo: un
  cuaderno que usa ``cnnviz.figures.practica`` no depende de las demás figuras.
- De una función (una figura, un dato) cuenta su código y lo que usa de su
  módulo, no el módulo entero: editar una figura no rehace las de al lado.
- ``INFRASTRUCTURE`` (la caché, sus rutas y el cálculo de claves) guarda
  resultados y calcula huellas, no resultados: no entra en ningún cierre.
"""

import ast
import functools
import hashlib
import re
from pathlib import Path

PACKAGE = "cnnviz"
PACKAGE_DIR = Path(__file__).resolve().parent
INFRASTRUCTURE = frozenset({"cnnviz.cache", "cnnviz.weights_cache", "cnnviz.deps",
                            "cnnviz.site.build.keys", "cnnviz.site.build.entries"})

_parsed = {}   # ruta -> (mtime_ns, tamaño, bytes, árbol, importaciones): se relee si cambia


@functools.lru_cache(maxsize=None)
def module_file(module):
    """Archivo de ``cnnviz.a.b`` (``a/b.py`` o ``a/b/__init__.py``), o None si no existe."""
    if module != PACKAGE and not module.startswith(PACKAGE + "."):
        return None
    rel = Path(*module.split(".")[1:])
    for candidate in (PACKAGE_DIR / rel.with_suffix(".py") if rel.parts else None,
                      PACKAGE_DIR / rel / "__init__.py"):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def forget():
    """Olvida lo leído (si aparecen o desaparecen módulos durante el proceso)."""
    module_file.cache_clear()
    _parsed.clear()
    _digests.clear()
    _digest_inputs.clear()


def _entry(module):
    path = module_file(module)
    if path is None:
        raise ModuleNotFoundError(f"el paquete cnnviz no tiene el módulo «{module}»")
    stat = path.stat()
    cached = _parsed.get(path)
    if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size):
        return cached
    data = path.read_bytes()
    tree = ast.parse(data, filename=str(path))
    _parsed[path] = (stat.st_mtime_ns, stat.st_size, data, tree,
                     frozenset(imports_in(tree.body, module)))
    return _parsed[path]


def _read(module):
    """(bytes, árbol) del módulo, con caché por fecha y tamaño del archivo."""
    return _entry(module)[2:4]


def _is_package(module):
    path = module_file(module)
    return path is not None and path.name == "__init__.py"


def _imported(node, module):
    """Módulos de cnnviz que trae un nodo ``import`` / ``from … import`` de ``module``."""
    found = set()
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.name == PACKAGE or alias.name.startswith(PACKAGE + "."):
                found.add(alias.name)
        return found
    if node.level:   # importación relativa: desde el paquete de ``module``
        package = module if _is_package(module) else module.rpartition(".")[0]
        parts = package.split(".")
        base = ".".join(parts[:len(parts) - node.level + 1])
        base = f"{base}.{node.module}" if node.module else base
    else:
        base = node.module or ""
    if base != PACKAGE and not base.startswith(PACKAGE + "."):
        return found
    for alias in node.names:
        sub = f"{base}.{alias.name}"
        # ``from paquete import submódulo`` trae el submódulo; cualquier otro
        # nombre sale del módulo (o del __init__ del paquete) ``base``
        found.add(sub if module_file(sub) else base)
    return found


def imports_in(nodes, module):
    """Módulos de cnnviz importados en ``nodes`` (también dentro de funciones)."""
    found = set()
    for top in nodes:
        for node in ast.walk(top):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                found |= _imported(node, module)
    return {m for m in found if module_file(m)}


def closure(modules):
    """Los módulos dados y todos los que importan, sin la infraestructura."""
    seen, todo = set(), [m for m in modules if m not in INFRASTRUCTURE]
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo.extend(m for m in _entry(module)[4] if m not in seen and m not in INFRASTRUCTURE)
    return seen


def modules_digest(modules):
    """SHA-256 del código (bytes tal cual, comentarios incluidos) de esos módulos."""
    h = hashlib.sha256()
    for module in sorted(modules):
        h.update(module.encode() + b"\0")
        h.update(_read(module)[0] + b"\0")
    return h.hexdigest()


# --- Dependencias de un fragmento de código (cuadernos, bloques de una página)

# Los nombres importados, en la misma línea o entre paréntesis (nunca en la línea siguiente)
_IMPORT_LINE = re.compile(
    r"^[ \t]*(?:from[ \t]+(cnnviz[\w.]*)[ \t]+import[ \t]+(\([^)]*\)|[\w \t,]+)"
    r"|import[ \t]+(cnnviz[\w.]*))", re.M)


def code_modules(source):
    """Módulos de cnnviz que importa un texto de Python (cierre incluido).

    Las líneas mágicas de IPython (``%…``, ``!…``) se ignoran; si aun así el
    texto no es Python válido, se buscan las líneas ``import`` con una expresión
    regular (mejor de más que de menos).
    """
    clean = "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                      for line in source.splitlines())
    try:
        tree = ast.parse(clean)
        found = imports_in(tree.body, "__main__")
    except SyntaxError:
        found = set()
        for m in _IMPORT_LINE.finditer(clean):
            base = m[1] or m[3]
            names = re.findall(r"\w+", m[2] or "")
            subs = {f"{base}.{n}" for n in names if module_file(f"{base}.{n}")}
            found |= subs if subs and len(subs) == len(names) else {base} | subs
        found = {m for m in found if module_file(m)}
    return closure(found)


# --- Dependencias de una función de un módulo ----------------------------------

def _bound_names(stmt):
    """Nombres que define una sentencia de nivel superior (sin entrar en funciones)."""
    names = set()

    def visit(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
            return
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(stmt)
    return names


def _used_names(stmt):
    return {node.id for node in ast.walk(stmt) if isinstance(node, ast.Name)}


def _segment(lines, stmt):
    """Texto de la sentencia, decoradores incluidos."""
    first = min([d.lineno for d in getattr(stmt, "decorator_list", [])] + [stmt.lineno])
    return "".join(lines[first - 1:stmt.end_lineno])


def function_parts(module, name):
    """(texto propio, módulos importados) de la función ``name`` de ``module``.

    El texto reúne la función y, de su módulo, las sentencias de nivel superior
    que usa (otras funciones, constantes, importaciones), de forma transitiva,
    más las que no definen nombres (p. ej. ``matplotlib.use("Agg")``). Si
    ``name`` no es una función de nivel superior, cuenta el módulo entero.
    """
    data, tree = _read(module)
    body = [s for s in tree.body
            if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    target = next((s for s in body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
                   and s.name == name), None)
    if target is None:
        return data.decode(), imports_in(tree.body, module)
    bound = {id(s): _bound_names(s) for s in body}
    chosen = [s for s in body if not bound[id(s)]] + [target]
    needed = set().union(*(_used_names(s) for s in chosen))
    changed = True
    while changed:
        changed = False
        for stmt in body:
            if stmt not in chosen and bound[id(stmt)] & needed:
                chosen.append(stmt)
                needed |= _used_names(stmt)
                changed = True
    chosen.sort(key=lambda s: s.lineno)
    lines = data.decode().splitlines(keepends=True)
    text = "".join(_segment(lines, s) for s in chosen)
    return text, imports_in(chosen, module) - {module}


def function_digest(module, name):
    """SHA-256 de una función: su texto y el cierre de los módulos que usa."""
    signature = tuple(_entry(m)[:2] for m in sorted(_digest_inputs.get((module, name), ())))
    cached = _digests.get((module, name))
    if cached and cached[0] == signature:
        return cached[1]
    text, modules = function_parts(module, name)
    deps = closure(modules)
    h = hashlib.sha256(f"{module}.{name}\0".encode() + text.encode() + b"\0")
    h.update(modules_digest(deps).encode())
    _digest_inputs[(module, name)] = deps | {module}
    signature = tuple(_entry(m)[:2] for m in sorted(deps | {module}))
    _digests[(module, name)] = (signature, (h.hexdigest(), deps))
    return h.hexdigest(), deps


_digests = {}         # (módulo, función) -> (fechas y tamaños de sus archivos, resultado)
_digest_inputs = {}   # (módulo, función) -> módulos de los que depende
