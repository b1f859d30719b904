"""No import cycles inside the package: each module's imports lead away from it and never back.

The graph is read from the sources with :mod:`ast`: an edge for every import a module makes, lazy
ones (in a function, under ``TYPE_CHECKING``) included, plus the packages Python loads on the way
(importing ``a.b.c`` runs ``a/b/__init__.py`` too, unless the importer lives in ``a.b`` already).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]


def package_modules() -> dict[str, Path]:
    """:return: every module of the package by dotted name, from pyproject's ``package-dir``."""
    folders = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["setuptools"]["package-dir"]
    modules: dict[str, Path] = {}
    for package, folder in folders.items():
        for path in (ROOT / folder).rglob("*.py"):
            parts = list(path.relative_to(ROOT / folder).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            modules.setdefault(".".join([package, *parts]), path)
    return modules


def _imports(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth: a cycle hidden in a function or behind
    ``TYPE_CHECKING`` is still a cycle (of design, and of type checking)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node


def imported_names(module: str, path: Path) -> Iterator[str]:
    """:return: the absolute names each load-time import of ``module`` asks for (``from x import y``
    yields ``x.y`` and ``x``: ``y`` may be a submodule)."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in _imports(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            yield base
            yield from (f"{base}.{alias.name}" for alias in node.names)


def import_graph() -> dict[str, set[str]]:
    """:return: for each module of the package, the modules of the package its loading loads first."""
    modules = package_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        own_ancestors = {name.rsplit(".", i)[0] for i in range(1, name.count(".") + 1)}
        for target in imported_names(name, path):
            parts = target.split(".")
            for end in range(1, len(parts) + 1):
                step = ".".join(parts[:end])
                if step in modules and step != name and step not in own_ancestors:
                    graph[name].add(step)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """:return: one cycle as the list of modules along it (first == last), or ``None``."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)) is not None:
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (found := visit(start)) is not None:
            return found
    return None


def test_the_graph_covers_the_package() -> None:
    graph = import_graph()
    assert len(graph) > 100
    assert "sparkwire.engine.execution" in graph["sparkwire.engine.sql.transfer"]
    # Lazy imports count: Engine loads the SQL transfer only when first used.
    assert "sparkwire.engine.sql.transfer" in graph["sparkwire.engine.core"]
    # Importing a submodule of another package loads that package first.
    assert "sparkwire.livy" in graph["sparkwire.engine.execution"]


def test_the_checker_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycles() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, (
        "import cycle: " + " -> ".join(cycle or []) + ". Move what both need into a module of its own, or "
        "move the code to the side that uses it (a lazy import is still a cycle)."
    )


def test_engine_sql_sits_between_the_engines_layers() -> None:
    """engine.sql uses the engine's lower modules (execution, errors, rendering); of the engine's own
    modules only the facade (``core``) and the results it returns (``frames``) use engine.sql, and
    nothing engine.sql loads leads back to them: the two packages depend on each other one way."""
    graph = import_graph()

    def in_sql(module: str) -> bool:
        return module == "sparkwire.engine.sql" or module.startswith("sparkwire.engine.sql.")

    sql_users = {
        module
        for module, targets in graph.items()
        if module.startswith("sparkwire.engine.") and not in_sql(module) and any(map(in_sql, targets))
    }
    assert sql_users == {"sparkwire.engine.core", "sparkwire.engine.frames"}
    reached: set[str] = set()
    stack = [module for module in graph if in_sql(module)]
    while stack:
        for target in graph[stack.pop()] - reached:
            reached.add(target)
            stack.append(target)
    assert not reached & sql_users, sorted(reached & sql_users)
