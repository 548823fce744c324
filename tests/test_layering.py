"""The import graph of the project's own code, read with ``ast``: the folders' layers hold.

Every ``import`` and ``from ... import`` counts, at module level and inside functions; an
import under ``if TYPE_CHECKING:`` is *type-only* (it never runs). The rules:

- no import cycle, except through type-only imports;
- ``core`` imports no Streamlit, no Altair and nothing of ``present``, ``ui``, ``views`` or
  ``serve``;
- ``present`` (what the screens say and draw) imports no Streamlit and nothing of ``ui``,
  ``views`` or ``serve``: the kit and the views import it, never the other way;
- the kit (``ui``) imports no view; a view imports no other view;
- ``serve`` imports nothing of ``present``, ``ui`` or ``views`` (what it serves is passed in);
- ``deploy`` and ``benchmarks`` reach the app only through ``serve`` (and the page files, which
  ``benchmarks/pages.py`` runs with ``AppTest``), except for :data:`ALLOWED`;
- the page files import ``ui``, ``views`` and ``present`` only, of the project's code.

The checks are functions of a graph, so the tests below also run them on graphs that break
each rule and see them fail.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The folders of the project's code (tests are not part of the graph).
FOLDERS = ("core", "present", "ui", "views", "serve", "pages", "deploy", "benchmarks", "scripts")
PAGES = ("streamlit_app", "pages")
#: What ``deploy``/``benchmarks`` modules may import of ``present``/``ui``/``views`` besides
#: ``serve``, and why: the page benchmark measures each page of the one page list; the budget
#: benchmark records each page's own budget check (``ui.controls.within_budget``) to set its
#: estimate beside the measurement.
ALLOWED = {"benchmarks.pages": {"ui.screens"}, "benchmarks.budget": {"ui.controls"}}


@dataclass(frozen=True)
class Edge:
    """``source`` imports ``target`` at ``line`` (``type_only``: under ``if TYPE_CHECKING``)."""

    source: str
    target: str
    line: int
    type_only: bool = False

    def __str__(self) -> str:
        kind = " (type-only)" if self.type_only else ""
        return f"{self.source}:{self.line} imports {self.target}{kind}"


def module_name(path: Path) -> str:
    """``ui/comparison.py`` -> ``ui.comparison``; a package's ``__init__.py`` -> the package."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_files() -> dict[str, Path]:
    """Every Python file of :data:`FOLDERS` and ``streamlit_app.py``, by module name."""
    files = [ROOT / "streamlit_app.py"]
    for folder in FOLDERS:
        files += sorted((ROOT / folder).rglob("*.py"))
    return {module_name(p): p for p in files}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(
    name: str, source: str, modules: Iterable[str], *, is_package: bool = False
) -> list[Edge]:
    """The imports of module ``name`` (a package's ``__init__`` if ``is_package``) whose text
    is ``source``; ``from a import b`` names ``a.b`` when that is one of ``modules``, else
    ``a``."""
    known = set(modules)
    package = name if is_package else name.rpartition(".")[0]
    edges: list[Edge] = []

    def visit(nodes: Iterable[ast.AST], type_only: bool) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and _is_type_checking(node.test):
                visit(node.body, True)
                visit(node.orelse, type_only)
                continue
            if isinstance(node, ast.Import):
                edges.extend(Edge(name, a.name, node.lineno, type_only) for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # relative: from the package, up level - 1
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([base] if base else [])])
                for a in node.names:
                    full = f"{base}.{a.name}"
                    edges.append(
                        Edge(name, full if full in known else base, node.lineno, type_only)
                    )
            visit(ast.iter_child_nodes(node), type_only)

    visit(ast.parse(source).body, False)
    return edges


def graph() -> list[Edge]:
    """Every import of the project's code."""
    files = project_files()
    return [
        e
        for n, p in files.items()
        for e in imports(n, p.read_text("utf-8"), files, is_package=p.name == "__init__.py")
    ]


# --------------------------------------------------------------------------- the rules


def top(module: str) -> str:
    """The first part of a module name (``ui.comparison`` -> ``ui``)."""
    return module.split(".")[0]


def in_folder(module: str, *folders: str) -> bool:
    return top(module) in folders


def cycles(edges: Iterable[Edge]) -> list[list[str]]:
    """The import cycles among the sources of ``edges`` (type-only imports left out): each
    strongly connected set of two or more modules, or a module that imports itself."""
    real = [e for e in edges if not e.type_only]
    nodes = {e.source for e in real}
    out: dict[str, set[str]] = {n: set() for n in nodes}
    for e in real:
        if e.target in nodes:
            out[e.source].add(e.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(out[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1 or v in out[v]:
                found.append(sorted(group))

    for v in sorted(nodes):
        if v not in index:
            connect(v)
    return found


def violations(edges: Iterable[Edge]) -> list[str]:
    """Every import that breaks a layer rule (see the module's text), as a sentence."""
    bad = []
    for e in edges:
        src, dst = e.source, e.target
        if in_folder(src, "core") and in_folder(
            dst, "streamlit", "altair", "present", "ui", "views", "serve"
        ):
            bad.append(f"{e}: core imports no Streamlit, Altair, present, ui, views or serve")
        if in_folder(src, "present") and in_folder(dst, "streamlit", "ui", "views", "serve"):
            bad.append(f"{e}: present imports no Streamlit, ui, views or serve")
        if in_folder(src, "ui") and in_folder(dst, "views"):
            bad.append(f"{e}: the kit imports no view")
        if in_folder(src, "views") and in_folder(dst, "views") and src != dst:
            bad.append(f"{e}: a view imports no other view")
        if in_folder(src, "serve") and in_folder(dst, "present", "ui", "views"):
            bad.append(f"{e}: serve imports nothing of present, ui or views")
        if (
            in_folder(src, "deploy", "benchmarks")
            and in_folder(dst, "present", "ui", "views")
            and dst not in ALLOWED.get(src, set())
        ):
            bad.append(f"{e}: deploy and benchmarks reach the app through serve")
        if in_folder(src, *PAGES) and in_folder(dst, *FOLDERS, "streamlit_app", "tests"):
            if not in_folder(dst, "present", "ui", "views"):
                bad.append(f"{e}: a page imports ui, views and present only")
    return bad


# --------------------------------------------------------------------------- the tests


@pytest.fixture(scope="module")
def edges() -> list[Edge]:
    return graph()


def test_the_graph_is_read_whole(edges):
    sources = {e.source for e in edges}
    assert {"core.train", "ui.frame", "views.boundaries", "serve.warmup"} <= sources
    assert any(e.source.startswith("pages.") for e in edges)
    # function-level imports count too (the charts import the exporter when a download asks)
    assert any(e.source == "ui.charts" and e.target == "ui.export" for e in edges)


def test_no_import_cycle_but_type_only_ones(edges):
    assert cycles(edges) == []


def test_every_layer_imports_only_downwards(edges):
    assert violations(edges) == []


# --------------------------------------------------------------------------- the rules can fail


def _edges(*pairs: tuple[str, str], type_only: bool = False) -> list[Edge]:
    return [Edge(a, b, 1, type_only) for a, b in pairs]


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("core.train", "streamlit"),
        ("core.cost", "altair"),
        ("core.datasets", "ui.frame"),
        ("core.experiment", "serve.workers"),
        ("core.evidence", "present.wording"),
        ("present.identity", "streamlit"),
        ("present.charts", "streamlit.runtime.scriptrunner"),
        ("present.state", "ui.frame"),
        ("present.evidence", "views.boundaries"),
        ("present.payloads", "serve.jobs"),
        ("ui.player", "views.boundaries"),
        ("views.home", "views.boundaries"),
        ("serve.warmup", "ui.screens"),
        ("serve.jobs", "views.home"),
        ("serve.workers", "present.identity"),
        ("deploy.replicas", "ui.frame"),
        ("benchmarks.load", "views.training"),
        ("benchmarks.pages", "ui.frame"),
        ("benchmarks.load", "present.payloads"),
        ("pages.5_Decision_boundaries", "core.train"),
        ("streamlit_app", "serve.jobs"),
    ],
    ids=lambda s: s,
)
def test_each_rule_catches_its_violation(source, target):
    assert len(violations(_edges((source, target)))) == 1


def test_allowed_imports_pass():
    fine = _edges(
        ("ui.comparison", "core.experiment"),
        ("ui.frame", "serve.jobs"),
        ("views.boundaries", "present.wording"),
        ("ui.frame", "present.state"),
        ("present.charts", "altair"),
        ("present.pictures", "core.boundaries"),
        ("present.default_path", "present.paths"),
        ("pages.9_Lecture_path", "present.paths"),
        ("serve.jobs", "streamlit"),
        ("benchmarks.load", "serve.session"),
        ("benchmarks.pages", "ui.screens"),
        ("pages.5_Decision_boundaries", "views.boundaries"),
        ("pages.5_Decision_boundaries", "streamlit"),
    )
    assert violations(fine) == []


def test_a_cycle_is_found_unless_one_of_its_imports_is_type_only():
    ring = _edges(("core.cost", "core.train"), ("core.train", "core.metrics"))
    back = _edges(("core.metrics", "core.cost"))
    assert cycles(ring + back) == [["core.cost", "core.metrics", "core.train"]]
    assert cycles(ring + _edges(("core.metrics", "core.cost"), type_only=True)) == []
    assert cycles(_edges(("ui.frame", "ui.frame"))) == [["ui.frame"]]


def test_imports_are_read_at_every_level_and_type_only_ones_marked():
    source = """
from typing import TYPE_CHECKING
import core.train
from core import cost, numpy_thing
from . import sibling
if TYPE_CHECKING:
    from ui.frame import page
def f():
    from views import home
"""
    found = imports("core.experiment", source, ["core.cost", "core.sibling", "views.home"])
    assert {(e.target, e.type_only) for e in found} == {
        ("typing", False),
        ("core.train", False),
        ("core.cost", False),
        ("core", False),  # numpy_thing is a name, not a module
        ("core.sibling", False),
        ("ui.frame", True),
        ("views.home", False),
    }


def _walk(edges: list[Edge], start: str) -> Iterator[str]:
    seen, todo = set(), [start]
    while todo:
        m = todo.pop()
        if m in seen:
            continue
        seen.add(m)
        yield m
        todo += [e.target for e in edges if e.source == m and not e.type_only]


def test_a_page_reaches_core_through_views_and_the_kit(edges):
    reached = set(_walk(edges, "pages.5_Decision_boundaries"))
    assert {"views.boundaries", "ui.comparison", "core.experiment", "serve.jobs"} <= reached
    assert {"present.wording", "present.identity"} <= reached
