"""The floor plan of src/kotan (docs/architecture.md, "Floors"): imports only go down.

Read from the source with ``ast``, so an import inside a function counts as much as one at the
top of a module. Migrations are left out: they are history, and Django loads them itself.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

import kotan

ROOT = Path(kotan.__file__).resolve().parent

# Lowest first. An app may import its own modules and those of any lower floor, never of its
# own floor's other apps or of a floor above.
FLOORS: tuple[tuple[str, ...], ...] = (
    ("method",),  # plain Python: the method of the index, no Django
    ("core",),  # Django infrastructure: errors, limits, health, watchdog, PDF
    ("regions",),
    ("accounts",),  # people, organisations, contacts, roles, scope, audit
    ("notifications",),  # in-app notices, the email queue, per-kind email opt-out
    ("jobs",),  # long work run as a task: progress, result, failure, retry
    ("instruments",),
    ("collection",),
    ("scoring",),
    ("monev",),
    ("outreach",),  # the chasing: reminders, escalation, message log, sending links in bulk
    ("dashboard", "demo", "public"),  # pages that read everything; the demo loader; /publik/
    ("settings", "urls", "wsgi", "cli"),  # the project: wires the apps together
)
FLOOR = {app: n for n, apps in enumerate(FLOORS) for app in apps}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources() -> dict[str, Path]:
    return {
        _module_name(p): p
        for p in sorted(ROOT.rglob("*.py"))
        if "migrations" not in p.parts and "__pycache__" not in p.parts
    }


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, module: str) -> list[tuple[str, int, bool]]:
    """(imported module, line, at import time) for every import of ``kotan.*`` in the file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, int, bool]] = []

    def visit(node: ast.AST, eager: bool) -> None:
        for child in ast.iter_child_nodes(node):
            child_eager = eager and not isinstance(
                child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
            )
            if isinstance(child, ast.If) and _is_type_checking(child):
                child_eager = False
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                names = [base]
                # ``from kotan.x import y`` may name a module y: count it as the module.
                names += [f"{base}.{alias.name}" for alias in child.names]
            for name in names:
                if name == "kotan" or name.startswith("kotan."):
                    found.append((name, child.lineno, child_eager))
            visit(child, child_eager)

    visit(ast.parse(path.read_text(encoding="utf-8")), eager=True)
    return found


def _app(module: str) -> str:
    return module.split(".")[1]


SOURCES = _sources()


def test_every_app_has_a_floor() -> None:
    apps = {_app(m) for m in SOURCES if m != "kotan"}
    assert sorted(apps - set(FLOOR)) == [], "add the new app to FLOORS and docs/architecture.md"


def test_imports_only_go_down() -> None:
    wrong = []
    for module, path in SOURCES.items():
        if module == "kotan":
            continue
        here = _app(module)
        for target, line, _ in _imports(path, module):
            if target == "kotan" or _app(target) == here:
                continue
            there = _app(target)
            if FLOOR.get(there, len(FLOORS)) >= FLOOR[here]:
                wrong.append(f"{path.relative_to(ROOT)}:{line} {here} -> {there} ({target})")
    assert wrong == []


def test_no_module_imports_close_a_loop() -> None:
    """Module-level imports form no cycle (a lazy import inside a function is not one)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for module, path in SOURCES.items():
        for target, _, eager in _imports(path, module):
            if eager and target in SOURCES and target != module:
                graph[module].add(target)

    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []

    def connect(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                loops.append(sorted(component))

    for module in sorted(SOURCES):
        if module not in index:
            connect(module)
    assert loops == []


def test_the_method_imports_no_framework() -> None:
    """kotan.method imports neither Django nor any other part of kotan, and loads without it."""
    method = {m: p for m, p in SOURCES.items() if m.startswith("kotan.method")}
    assert len(method) > 5
    outside = []
    for module, path in method.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                if top == "django" or (top == "kotan" and not name.startswith("kotan.method")):
                    outside.append(f"{module}:{node.lineno} {name}")
    assert outside == []
    # Loaded for real, every module and the file commands' entry point: Django stays out.
    code = (
        "import importlib, sys\n"
        f"for name in {sorted(method)!r}:\n"
        "    importlib.import_module(name)\n"
        "leaked = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')"
        " or (m.startswith('kotan.') and not m.startswith('kotan.method')))\n"
        "print(leaked)\n"
    )
    done = subprocess.run(  # noqa: S603 (our own interpreter, our own code)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "from kotan.scoring import runs\n",
            [("kotan.scoring", True), ("kotan.scoring.runs", True)],
        ),
        ("def f():\n    import kotan.monev.models\n", [("kotan.monev.models", False)]),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from kotan.a import b\n",
            [("kotan.a", False), ("kotan.a.b", False)],
        ),
    ],
)
def test_the_reader_sees_every_kind_of_import(
    tmp_path: Path, source: str, expected: list[tuple[str, bool]]
) -> None:
    path = tmp_path / "mod.py"
    path.write_text(source, encoding="utf-8")
    assert [(name, eager) for name, _, eager in _imports(path, "kotan.x.mod")] == expected
