"""The project reaches third-party libraries through their public API only.

A leading underscore marks a library's internals: they change without notice between releases
(Textual's did, more than once). The scan reads every .py file under agent/, tui/, tests/ and bench/
and fails, naming file:line, on:

- an import of a private module of another package (`from textual._compositor import ...`,
  `import httpx2._models`, `from textual import _compositor`);
- `obj._name` (not a dunder) where no project source defines `_name` (as a function, class,
  parameter, variable, dataclass field, `self._name = ...`, import alias...): it can only be someone
  else's internals; `super()._name` likewise;
- `getattr(obj, "_name")` (and setattr / hasattr / delattr) with such a name, the same access spelled
  as a string.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCANNED = ("agent", "tui", "tests", "bench")
OURS = frozenset(SCANNED)
STRING_ACCESS = frozenset({"getattr", "setattr", "hasattr", "delattr"})


def private(name: str) -> bool:
    """A leading underscore that is not a dunder."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def defined_names(tree: ast.AST) -> set[str]:
    """Every name the module defines: functions, classes, parameters, variables, fields, aliases,
    and attributes set on `self` / `cls`."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
              and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
            names.add(node.attr)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
            names.add(node.name)
    return names


def foreign_private_module(module: str) -> bool:
    """`module` is a private module of a package that is neither ours nor the standard library's."""
    parts = module.split(".")
    if parts[0] in OURS or parts[0] in sys.stdlib_module_names:
        return False
    return any(private(part) for part in parts)


def is_super_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


def module_problems(name: str, tree: ast.AST, ours: set[str]) -> Iterable[str]:
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if foreign_private_module(alias.name):
                    yield f"{name}:{node.lineno}: imports the private module {alias.name}"
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if foreign_private_module(node.module):
                yield f"{name}:{node.lineno}: imports from the private module {node.module}"
            elif node.module.split(".")[0] not in OURS:
                for alias in node.names:
                    if private(alias.name):
                        yield f"{name}:{node.lineno}: imports the private {alias.name} from {node.module}"
        elif isinstance(node, ast.Attribute) and private(node.attr) and node.attr not in ours:
            whose = "super()" if is_super_call(node.value) else "an object"
            yield f"{name}:{node.lineno}: reads {whose}.{node.attr}, private to another library"
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in STRING_ACCESS
              and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
              and isinstance(node.args[1].value, str) and private(node.args[1].value)
              and node.args[1].value not in ours):
            yield f"{name}:{node.lineno}: {node.func.id}(..., {node.args[1].value!r}), private to another library"


def problems(sources: Mapping[str, str]) -> list[str]:
    """Every private access to another library in `sources` (file name -> Python source)."""
    trees = {name: ast.parse(text, filename=name) for name, text in sources.items()}
    ours: set[str] = set()
    for tree in trees.values():
        ours |= defined_names(tree)
    return [problem for name, tree in trees.items()
            for problem in sorted(module_problems(name, tree, ours), key=lambda found: int(found.split(":")[1]))]


def project_sources() -> dict[str, str]:
    return {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
            for folder in SCANNED for path in sorted((ROOT / folder).rglob("*.py"))}


def test_the_project_uses_only_public_api_of_other_libraries() -> None:
    sources = project_sources()
    assert "tui/app.py" in sources and "bench/bench_tui_keys.py" in sources
    found = problems(sources)
    assert found == [], "private access to other libraries:\n" + "\n".join(found)


def test_the_scan_finds_a_private_attribute_of_a_library() -> None:
    found = problems({"snippet.py": 'app.bind("x", "y")\napp._bindings.bind("s", "sync")\n'})
    assert found == ["snippet.py:2: reads an object._bindings, private to another library"]


def test_the_scan_leaves_our_own_private_names_alone() -> None:
    source = ("from dataclasses import dataclass\n\n\n@dataclass\nclass Row:\n    _kept: int\n\n\n"
              "class Box:\n    def __init__(self, _given: int) -> None:\n        self._x = _given\n\n"
              "    def get(self, row: Row) -> int:\n        return self._x + row._kept\n")
    assert problems({"ours.py": source}) == []
    # A name defined in one of our files is ours in every other.
    assert problems({"ours.py": source, "other.py": "def f(box: object) -> object:\n    return box._x\n"}) == []


def test_the_scan_finds_private_modules_super_and_string_access() -> None:
    source = ("import httpx2._models\nfrom textual._compositor import CompositorUpdate\n"
              "from textual import _compositor\nfrom agent._inner import thing\nfrom _thread import get_ident\n\n\n"
              "class Tick(Checkbox):\n    def render(self) -> object:\n        return super()._button\n\n\n"
              "x = getattr(app, '_driver')\n")
    assert problems({"snippet.py": source}) == [
        "snippet.py:1: imports the private module httpx2._models",
        "snippet.py:2: imports from the private module textual._compositor",
        "snippet.py:3: imports the private _compositor from textual",
        "snippet.py:10: reads super()._button, private to another library",
        "snippet.py:13: getattr(..., '_driver'), private to another library",
    ]
