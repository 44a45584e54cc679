"""The layers run one way and no import circle remains (docs/architecture.md).

Every first-party module's imports (at the top and inside functions alike) are read with `ast`;
a module may import its own layer or the layers below it, and the graph of modules has no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Lowest first. A module may import modules of its own rank or below.
LAYERS: tuple[tuple[str, int], ...] = (
    ("data_access", 0),
    ("dashboard", 1),
    ("layouts", 2),
    ("callbacks", 3),
    ("smq_monitor.web", 4),
    ("smq_monitor.config", 4),  # settings from the environment, read by the web side and the CLI
    ("smq_monitor", 5),
    ("app", 6),
)
PACKAGES = ("data_access", "dashboard", "layouts", "callbacks", "smq_monitor")


def rank(module: str) -> int | None:
    matches = [
        (len(prefix), level)
        for prefix, level in LAYERS
        if module == prefix or module.startswith(prefix + ".")
    ]
    return max(matches)[1] if matches else None


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def first_party_modules() -> dict[str, Path]:
    found = {"app": ROOT / "app.py"}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            found[module_name(path)] = path
    return found


def imports_of(path: Path, modules: dict[str, Path]) -> set[str]:
    """First-party modules imported by the file (resolved to the module, not the name imported)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names] + [node.module]
        else:
            continue
        for name in names:
            # `from layouts import shell` names the module layouts.shell; `from x import func` names x.
            while name and name not in modules:
                name = name.rpartition(".")[0]
            if name:
                found.add(name)
    return found


GRAPH = {name: imports_of(path, first_party_modules()) for name, path in first_party_modules().items()}


def test_every_module_has_a_layer():
    assert all(rank(name) is not None for name in GRAPH), [n for n in GRAPH if rank(n) is None]


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_imports_run_down_the_layers(module):
    upward = [target for target in GRAPH[module] if rank(target) > rank(module)]
    assert not upward, f"{module} imports {upward}, a layer above it"


def test_no_import_circle():
    def is_package(name: str) -> bool:
        return first_party_modules()[name].name == "__init__.py"

    # A package's __init__ importing its own submodules is how Python packages work, not a circle.
    edges = {
        name: {t for t in targets if t != name and not (is_package(t) and name.startswith(t + "."))}
        for name, targets in GRAPH.items()
    }
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == 1:
                cycles.append(stack[stack.index(target) :] + [target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node)
    assert not cycles, "import circles: " + "; ".join(" → ".join(c) for c in cycles[:5])
