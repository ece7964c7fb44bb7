"""The library is laid out as its pipeline, and its import graph says so.

Every ``import`` statement in ``indicators/`` and ``ui/`` — at the top of a module or inside a function — is read
with :mod:`ast` (nothing is imported), giving a graph of module → module. The graph has no circle, and no arrow
goes from a lower layer back up: ``core`` imports nothing else of the library; ``sources`` only ``core``; the
snapshot reader only ``core``; the build the three of them; ``metrics`` reads snapshots and never builds one;
``tracker`` and ``briefs`` stand beside ``metrics``; only ``cli`` and the app see everything, and the library never
imports the app.
"""

from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

#: layer → the layers it may import (besides itself)
ALLOWED = {
    "core": set(),
    "sources": {"core"},
    "snapshot": {"core"},
    "build": {"core", "sources", "snapshot"},
    "metrics": {"core", "snapshot"},
    "tracker": {"core", "sources", "snapshot"},
    "briefs": {"core", "snapshot", "metrics", "tracker"},
    "cli": {"core", "sources", "snapshot", "build", "metrics", "tracker", "briefs"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    files = [p for folder in ("indicators", "ui") for p in (REPO / folder).rglob("*.py")
             if "migrations" not in p.parts]
    modules = {module_name(p): p for p in files}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        targets = set()
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
                # "from package import module" names the module; "from module import name", the module
                found = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                         for alias in node.names]
            else:
                continue
            for target in found:
                # the longest known module the dotted name starts with ("from x import f" names x)
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                # a module's own parent packages run first on any import of it: that is no arrow back
                if target and target != name and not name.startswith(target + "."):
                    targets.add(target)
        graph[name] = targets
    return graph


def layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[0] != "indicators" or len(parts) < 2:
        return None
    return parts[1] if parts[1] in ALLOWED else None


def test_every_library_module_belongs_to_a_layer():
    stray = [m for m in import_graph() if m.startswith("indicators.") and layer(m) is None
             and m not in ("indicators.__main__",)]
    assert stray == []


def test_the_import_graph_has_no_circle():
    graph = import_graph()
    # Tarjan's strongly connected components: any component of more than one module is a circle
    index, low, stack, on_stack, circles = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert circles == []


def test_no_arrow_goes_from_a_lower_layer_back_up():
    wrong = []
    for module, targets in import_graph().items():
        here = layer(module)
        if module.startswith("indicators.") and any(t.startswith("ui") for t in targets):
            wrong.append(f"{module} → the app")
        if here is None:
            continue
        for target in targets:
            there = layer(target)
            if there is not None and there != here and there not in ALLOWED[here]:
                wrong.append(f"{module} → {target}")
    assert wrong == []


def test_the_library_never_imports_streamlit():
    offenders = [str(p.relative_to(REPO)) for p in (REPO / "indicators").rglob("*.py")
                 if any(isinstance(n, (ast.Import, ast.ImportFrom)) and "streamlit" in ast.unparse(n)
                        for n in ast.walk(ast.parse(p.read_text(encoding="utf-8"))))]
    assert offenders == []
