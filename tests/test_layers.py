"""The package's layout is its pipeline: every import runs down the layers, and none is circular.

Layers, bottom to top (a module may import its own layer's siblings and anything below):
the base modules, `validate`, `templating`, `pack`, `answers`, `cost`, `diagram`, `render`, `update`,
`write`, `authoring`, `commands`, `cli`, `__main__`. Imports under `TYPE_CHECKING` and inside functions count:
a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "infrascaffold"
BASE = ("__init__", "errors", "versions", "user_cache")
LAYERS = (
    *BASE,
    "validate",
    "templating",
    "pack",
    "answers",
    "cost",
    "diagram",
    "render",
    "update",
    "write",
    "authoring",
    "commands",
    "cli",
    "__main__",
)


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        found[".".join(("infrascaffold", *parts))] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> Iterator[str]:
    """Every infrascaffold module that `path` imports, wherever the import statement is."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name.startswith("infrascaffold"))
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("infrascaffold"):
            module = node.module or ""
            for alias in node.names:
                child = f"{module}.{alias.name}"
                yield child if child in MODULES else module


def _layer(module: str) -> int:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    return LAYERS.index(top)


GRAPH = {m: sorted({i for i in _imports(p) if i in MODULES and i != m}) for m, p in MODULES.items()}


def test_every_top_level_name_has_a_layer() -> None:
    tops = {m.split(".")[1] for m in MODULES if m.count(".") >= 1}
    assert tops <= set(LAYERS)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_run_down_the_layers(module: str) -> None:
    upward = [i for i in GRAPH[module] if _layer(i) > _layer(module)]
    assert not upward, f"{module} imports a higher layer: {upward}"


def test_no_import_cycle() -> None:
    """Depth-first search over the module graph; a back edge is a circle."""
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        stack.append(module)
        for dep in GRAPH[module]:
            if dep.endswith(".__init__") or dep == "infrascaffold":
                continue
            if state.get(dep) == 1:
                circle = stack[stack.index(dep) :] + [dep]
                pytest.fail("import circle: " + " -> ".join(circle))
            if dep not in state:
                visit(dep)
        stack.pop()
        state[module] = 2

    for module in GRAPH:
        if module not in state:
            visit(module)
