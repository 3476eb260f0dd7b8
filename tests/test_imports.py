"""Cada importación relativa de ``code/cnnviz`` apunta a un módulo que existe.

Las importaciones dentro de funciones solo fallan cuando se ejecuta la
función (a veces solo en la construcción, en un proceso de trabajo); esta
prueba las lee todas con ``ast`` sin ejecutar nada.
"""

import ast
from pathlib import Path

CODE = Path(__file__).resolve().parents[1] / "code"


def _missing_targets():
    missing = []
    for path in sorted((CODE / "cnnviz").rglob("*.py")):
        parts = path.relative_to(CODE).with_suffix("").parts
        package = parts[:-1]          # el paquete del módulo (o del __init__)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.level:
                continue
            base = package[: len(package) - node.level + 1]
            target = CODE.joinpath(*base, *(node.module.split(".") if node.module else []))
            if node.module is None:   # from .. import a, b: módulos o nombres del paquete
                names = [target / alias.name for alias in node.names]
                init = (target / "__init__.py").read_text(encoding="utf-8")
                for name, alias in zip(names, node.names):
                    if not (name.with_suffix(".py").exists() or (name / "__init__.py").exists()
                            or alias.name in init):
                        missing.append(f"{path.relative_to(CODE)}:{node.lineno}: {alias.name}")
            elif not (target.with_suffix(".py").exists() or (target / "__init__.py").exists()):
                missing.append(f"{path.relative_to(CODE)}:{node.lineno}: "
                               f"{'.' * node.level}{node.module}")
    return missing


def test_relative_imports_resolve():
    assert _missing_targets() == []


def test_detects_a_wrong_depth(tmp_path, monkeypatch):
    """La comprobación falla con una importación a la profundidad equivocada."""
    package = tmp_path / "cnnviz" / "site" / "facts"
    package.mkdir(parents=True)
    for folder in (tmp_path / "cnnviz", tmp_path / "cnnviz" / "site", package):
        (folder / "__init__.py").write_text("")
    (tmp_path / "cnnviz" / "features.py").write_text("")
    (package / "bueno.py").write_text("def f():\n    from ...features import x\n")
    (package / "malo.py").write_text("def f():\n    from ..features import x\n")
    monkeypatch.setattr(__import__(__name__), "CODE", tmp_path)
    assert _missing_targets() == ["cnnviz/site/facts/malo.py:2: ..features"]
