"""The project reaches third-party libraries through their public API only.

A leading underscore marks a library's internals: they change without notice between releases
(Textual's did, more than once). The scan reads every .py file under agent/, tui/, tests/ and bench/
and fails, naming file:line, on:

- an import of a private module of another package (`from textual._compositor import ...`,
  `import httpx2._models`, `from textual import _compositor`);
- `obj._name` (not a dunder) where no project source defines `_name` (as a function, class,
  parameter, variable, dataclass field, `self._name = ...`, import alias...): it can only be someone
  else's internals; `super()._name` likewise, where one of our classes the caller derives from must
  define it (an override of a library's private method defines the name in the overriding class);
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


Owners = dict[str, set[str]]
"""Name -> where the project defines it: "file" (module level or a function) or "file:Class.Inner"."""


def defined_name(node: ast.AST) -> str | None:
    """The name `node` defines, if it defines one: a function, class, parameter, variable, field,
    import alias, or an attribute set on `self` / `cls`."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return node.name
    if isinstance(node, ast.arg):
        return node.arg
    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
        return node.id
    if (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
            and isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
        return node.attr
    if isinstance(node, ast.alias):
        return node.asname or node.name.split(".")[0]
    if isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)):
        return node.name
    return None


def inside(owner: str, node: ast.AST) -> str:
    """Where what `node` holds is defined: in a class, the class; else where `node` is."""
    if isinstance(node, ast.ClassDef):
        return f"{owner}.{node.name}" if ":" in owner else f"{owner}:{node.name}"
    return owner


Bases = dict[str, set[str]]
"""A class of ours ("file:Class") -> the names of its bases."""


def base_name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Name):
        return node.id
    return node.attr if isinstance(node, ast.Attribute) else None


def definitions(file: str, tree: ast.AST, owners: Owners, bases: Bases) -> None:
    """Add what `tree` defines to `owners`, and its classes' bases to `bases`."""

    def visit(node: ast.AST, owner: str) -> None:
        for child in ast.iter_child_nodes(node):
            if (name := defined_name(child)) is not None:
                owners.setdefault(name, set()).add(owner)
            if isinstance(child, ast.ClassDef):
                bases[inside(owner, child)] = {name for base in child.bases if (name := base_name(base))}
            visit(child, inside(owner, child))

    visit(tree, file)


def ancestors(cls: str, bases: Bases) -> set[str]:
    """The classes of ours `cls` derives from (matched by name), not `cls` itself."""
    found: set[str] = set()
    names = set(bases.get(cls, set()))
    while names:
        name = names.pop()
        for other, its_bases in bases.items():
            if other not in found and other.rsplit(".", 1)[-1].rsplit(":", 1)[-1] == name:
                found.add(other)
                names |= its_bases
    return found


def foreign_private_module(module: str) -> bool:
    """`module` is a private module of a package that is neither ours nor the standard library's."""
    parts = module.split(".")
    if parts[0] in OURS or parts[0] in sys.stdlib_module_names:
        return False
    return any(private(part) for part in parts)


def is_super_call(node: ast.expr) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "super"


def node_problems(file: str, node: ast.AST, owner: str, owners: Owners, bases: Bases) -> Iterable[str]:
    if isinstance(node, ast.Import):
        for alias in node.names:
            if foreign_private_module(alias.name):
                yield f"{file}:{node.lineno}: imports the private module {alias.name}"
    elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
        if foreign_private_module(node.module):
            yield f"{file}:{node.lineno}: imports from the private module {node.module}"
        elif node.module.split(".")[0] not in OURS:
            for alias in node.names:
                if private(alias.name):
                    yield f"{file}:{node.lineno}: imports the private {alias.name} from {node.module}"
    elif isinstance(node, ast.Attribute) and private(node.attr):
        if is_super_call(node.value):
            # Overriding a library's private method defines the name in the overriding class: one of
            # our classes it derives from must define it.
            if not owners.get(node.attr, set()) & ancestors(owner, bases):
                yield f"{file}:{node.lineno}: reads super().{node.attr}, private to another library"
        elif node.attr not in owners:
            yield f"{file}:{node.lineno}: reads an object.{node.attr}, private to another library"
    elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in STRING_ACCESS
          and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
          and isinstance(node.args[1].value, str) and private(node.args[1].value)
          and node.args[1].value not in owners):
        yield f"{file}:{node.lineno}: {node.func.id}(..., {node.args[1].value!r}), private to another library"


def module_problems(file: str, tree: ast.AST, owners: Owners, bases: Bases) -> Iterable[str]:
    def visit(node: ast.AST, owner: str) -> Iterable[str]:
        for child in ast.iter_child_nodes(node):
            yield from node_problems(file, child, owner, owners, bases)
            yield from visit(child, inside(owner, child))

    return visit(tree, file)


def problems(sources: Mapping[str, str]) -> list[str]:
    """Every private access to another library in `sources` (file name -> Python source)."""
    trees = {name: ast.parse(text, filename=name) for name, text in sources.items()}
    owners: Owners = {}
    bases: Bases = {}
    for file, tree in trees.items():
        definitions(file, tree, owners, bases)
    return [problem for file, tree in trees.items()
            for problem in sorted(module_problems(file, tree, owners, bases), key=line_of)]


def line_of(problem: str) -> int:
    return int(problem.split(":")[1])


def project_sources() -> dict[str, str]:
    return {str(path.relative_to(ROOT)): path.read_text(encoding="utf-8")
            for folder in SCANNED for path in sorted((ROOT / folder).rglob("*.py"))}


def test_the_project_uses_only_public_api_of_other_libraries() -> None:
    sources = project_sources()
    assert "tui/app.py" in sources and "bench/bench_tui_keys.py" in sources
    found = problems(sources)
    assert found == [], "private access to other libraries:\n" + "\n".join(found)


# The snippets below are the scan's input, never run; their private names are spelt from parts so
# that a text search for private access finds only real code.
BINDINGS = "_" + "bindings"
BUTTON = "_" + "button"


def test_the_scan_finds_a_private_attribute_of_a_library() -> None:
    found = problems({"snippet.py": f'app.bind("x", "y")\napp.{BINDINGS}.bind("s", "sync")\n'})
    assert found == [f"snippet.py:2: reads an object.{BINDINGS}, private to another library"]


def test_the_scan_leaves_our_own_private_names_alone() -> None:
    source = ("from dataclasses import dataclass\n\n\n@dataclass\nclass Row:\n    _kept: int\n\n\n"
              "class Box:\n    def __init__(self, _given: int) -> None:\n        self._x = _given\n\n"
              "    def get(self, row: Row) -> int:\n        return self._x + row._kept\n")
    assert problems({"ours.py": source}) == []
    # A name defined in one of our files is ours in every other.
    assert problems({"ours.py": source, "other.py": "def f(box: object) -> object:\n    return box._x\n"}) == []
    # An override of our own base class's private method may call it.
    base = ("class Base:\n    def _hook(self) -> int:\n        return 1\n\n\n"
            "class Child(Base):\n    def _hook(self) -> int:\n        return super()._hook() + 1\n")
    assert problems({"base.py": base}) == []


def test_the_scan_finds_private_modules_super_and_string_access() -> None:
    source = ("import httpx2._models\nfrom textual._compositor import CompositorUpdate\n"
              "from textual import _compositor\nfrom agent._inner import thing\nfrom _thread import get_ident\n\n\n"
              f"class Tick(Checkbox):\n    @property\n    def {BUTTON}(self) -> object:\n"
              f"        return super().{BUTTON}\n\n"
              "x = getattr(app, '_driver')\n")
    assert problems({"snippet.py": source}) == [
        "snippet.py:1: imports the private module httpx2._models",
        "snippet.py:2: imports from the private module textual._compositor",
        "snippet.py:3: imports the private _compositor from textual",
        f"snippet.py:11: reads super().{BUTTON}, private to another library",
        "snippet.py:13: getattr(..., '_driver'), private to another library",
    ]
