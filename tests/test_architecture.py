"""The import rules of PRODUCT.md, checked on the source with the ast module."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "mindmuscle"

PURE = {"catalog", "coach", "session", "signals", "experiments"}
BASE = {"errors", "units"}
ALLOWED: dict[str, set[str]] = {
    **{p: PURE | BASE for p in PURE},
    "errors": set(),
    "units": {"errors"},
    "config": {"errors"},
    "io": PURE | BASE,
    "store": {"config", "errors"},
    "services": PURE | BASE | {"config", "io", "store"},
    # The web server (serve's process, its certificate): started by the CLI, it builds the web
    # app by its import path, so neither channel imports the other.
    "server": {"config", "errors"},
    "web": PURE | BASE | {"config", "io", "store", "services", "server"},
    "cli": PURE | BASE | {"config", "io", "store", "services", "server"},
    "__init__": PURE | BASE,
}
# Third-party packages that would give a pure module a database, a network, a UI or a device.
EDGE_LIBRARIES = {
    "sqlalchemy",
    "alembic",
    "sqlite3",
    "psycopg",
    "fastapi",
    "starlette",
    "uvicorn",
    "jinja2",
    "typer",
    "click",
    "rich",
    "plotly",
    "socket",
    "http",
    "urllib",
    "httpx",
    "requests",
    "pylsl",
    "brainflow",
    "pyedflib",
    "pyxdf",
    "fitdecode",
}


def _layer(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py") if len(rel.parts) > 1 else rel.stem


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "mindmuscle":
                # `from mindmuscle import catalog` names a layer; `__version__` is an attribute.
                names.update(
                    f"mindmuscle.{a.name}"
                    for a in node.names
                    if (SRC / a.name).is_dir() or (SRC / f"{a.name}.py").is_file()
                )
        elif isinstance(node, ast.ImportFrom) and node.level > 0:
            raise AssertionError(f"{path}: use absolute imports (from mindmuscle...)")
    return names


MODULES = sorted(SRC.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_import_rules(path: Path) -> None:
    layer = _layer(path)
    assert layer in ALLOWED, f"{path}: layer {layer!r} has no import rule; add one"
    for name in _imports(path):
        parts = name.split(".")
        if parts[0] == "mindmuscle" and len(parts) > 1:
            target = parts[1]
            if target == layer:
                continue
            assert target in ALLOWED[layer], (
                f"{path.relative_to(SRC)} imports mindmuscle.{target}, "
                f"but {layer} may import only {sorted(ALLOWED[layer])}"
            )
        elif layer in PURE:
            assert parts[0] not in EDGE_LIBRARIES, (
                f"{path.relative_to(SRC)} is pure but imports {name}"
            )


def test_rule_checker_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from mindmuscle.store import x\nimport sqlalchemy\n")
    assert _imports(bad) == {"mindmuscle.store", "sqlalchemy"}
    assert "store" not in ALLOWED["coach"]


# --- SQL only in the store ---------------------------------------------------------------------

# What writes or runs SQL: statement builders, raw text, and the calls that execute a statement.
SQL_NAMES = frozenset({"select", "insert", "update", "delete", "text", "func", "bindparam"})
SQL_CALLS = frozenset({"execute", "scalars", "scalar", "query"})


def _sql_uses(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: list[str] = []  # "line N: what", sorted by line below
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            found += [
                f"line {node.lineno}: from {node.module} import {a.name}"
                for a in node.names
                if a.name in SQL_NAMES
                or node.module in ("sqlalchemy.sql", "sqlalchemy.sql.expression")
            ]
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in ("sqlalchemy", "sa")
            and node.attr in SQL_NAMES
        ):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SQL_CALLS
        ):
            found.append(f"line {node.lineno}: .{node.func.attr}(...)")
    return sorted(found, key=lambda f: int(f.split(":")[0].removeprefix("line ")))


@pytest.mark.parametrize(
    "path",
    [p for p in MODULES if _layer(p) != "store"],
    ids=lambda p: str(p.relative_to(SRC)),
)
def test_no_sql_outside_the_store(path: Path) -> None:
    uses = _sql_uses(path)
    assert not uses, (
        f"{path.relative_to(SRC)} writes or runs SQL ({'; '.join(uses)}); ask the store for what "
        "you need by name: add a function to mindmuscle/store/repo.py or store/bulk.py"
    )


def test_sql_checker_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import sqlalchemy\nfrom sqlalchemy import select, text\n"
        "q = sqlalchemy.insert(t)\nsession.execute(select(t))\n"
    )
    assert _sql_uses(bad) == [
        "line 2: from sqlalchemy import select",
        "line 2: from sqlalchemy import text",
        "line 3: sqlalchemy.insert",
        "line 4: .execute(...)",
    ]
    fine = tmp_path / "fine.py"
    fine.write_text(
        "from sqlalchemy.orm import Session\nfrom sqlalchemy.exc import IntegrityError\n"
    )
    assert _sql_uses(fine) == []


# --- no import cycles between modules ------------------------------------------------------------


def _module_name(path: Path) -> str:
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _module_graph() -> dict[str, set[str]]:
    """Module -> the mindmuscle modules it imports (packages resolved to their __init__)."""
    names = {_module_name(p) for p in MODULES}
    graph: dict[str, set[str]] = {}
    for path in MODULES:
        me = _module_name(path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        deps: set[str] = set()
        for node in ast.walk(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                # `from pkg import mod` imports the module pkg.mod when there is one.
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            for t in targets:
                if t in names and t != me:
                    deps.add(t)
        graph[me] = deps
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
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
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(groups)


def _is_package_reexport(group: list[str]) -> bool:
    # A package's __init__ that re-exports its own modules, which import their siblings through
    # the package (mindmuscle.io.logs <-> mindmuscle.io.logs.reader), is one unit; a ring that
    # leaves the package is a cycle.
    return any(all(m == p or m.startswith(p + ".") for m in group) for p in group)


def test_no_import_cycles_between_modules() -> None:
    cycles = [g for g in _cycles(_module_graph()) if not _is_package_reexport(g)]
    assert not cycles, (
        "modules that import each other (directly or in a ring): "
        + "; ".join(" <-> ".join(g) for g in cycles)
        + ". Move what both need into a third module."
    )


def test_cycle_checker_catches_a_ring() -> None:
    graph = {"a.x": {"a.y"}, "a.y": {"b.z"}, "b.z": {"a.x"}, "c": {"a.x"}}
    assert _cycles(graph) == [["a.x", "a.y", "b.z"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_export_and_imports_do_not_import_each_other() -> None:
    graph = _module_graph()
    assert "mindmuscle.services.imports" not in graph["mindmuscle.services.export"]
    assert "mindmuscle.services.export" not in graph["mindmuscle.services.imports"]


# --- rooms by concern: no channel-named services, web-only libraries only in web/ --------------

CHANNELS = ("web", "cli")
# Libraries only a web app uses (routes, requests, templates): a module importing them belongs
# in web/ (the server that runs the app, server.py, imports uvicorn, not these).
WEB_ONLY_LIBRARIES = frozenset({"fastapi", "starlette", "jinja2", "multipart", "python_multipart"})


def _channel_named(path: Path) -> bool:
    """A service module named after the channel that calls it (``web_emg``, ``cli_log``)."""
    return any(path.stem == c or path.stem.startswith(f"{c}_") for c in CHANNELS)


# Jinja also writes the experiment reports, HTML files the CLI saves (`experiment analyze
# --report`, `experiment group --report`): templates for files, not for pages. Only those
# modules may use it outside web/.
FILE_TEMPLATES = {
    "io/plots/experiments.py": {"jinja2"},
    "io/plots/experiment_groups.py": {"jinja2"},
}


def _web_only_imports(path: Path) -> list[str]:
    allowed = FILE_TEMPLATES.get(str(path.relative_to(SRC)) if path.is_relative_to(SRC) else "")
    return sorted(
        n
        for n in _imports(path)
        if n.split(".")[0] in WEB_ONLY_LIBRARIES and n.split(".")[0] not in (allowed or set())
    )


def test_services_are_named_by_domain_not_by_channel() -> None:
    named = [
        str(p.relative_to(SRC)) for p in MODULES if _layer(p) == "services" and _channel_named(p)
    ]
    assert not named, (
        f"{named}: a service is named by what it does (sets, sessions, emg, progress), not by "
        "who calls it; fold it into its domain's module, or move what only one channel needs "
        "into that channel's package"
    )


@pytest.mark.parametrize(
    "path", [p for p in MODULES if _layer(p) != "web"], ids=lambda p: str(p.relative_to(SRC))
)
def test_web_only_libraries_only_in_web(path: Path) -> None:
    found = _web_only_imports(path)
    assert not found, (
        f"{path.relative_to(SRC)} imports {found}, which only the web app uses: move the code "
        "into mindmuscle/web/"
    )


def test_room_checkers_catch_a_violation(tmp_path: Path) -> None:
    services = tmp_path / "services"
    services.mkdir()
    for name in ("web_emg.py", "cli_log.py", "web.py"):
        assert _channel_named(services / name), name
    for name in ("emg.py", "progress.py", "webhooks.py", "client.py"):
        assert not _channel_named(services / name), name
    bad = tmp_path / "uploads.py"
    bad.write_text(
        "from fastapi import UploadFile\nimport jinja2\nfrom starlette.requests import Request\n"
        "import uvicorn\nimport pydantic\n"
    )
    assert _web_only_imports(bad) == ["fastapi", "jinja2", "starlette.requests"]


# --- tests of the pure core mirror its modules ---------------------------------------------------

CORE_TESTS = Path(__file__).resolve().parent / "core"


def _missing_mirrors(src: Path, tests: Path) -> list[str]:
    """Pure-core modules under ``src`` without their test file under ``tests``
    (``coach/limits.py`` -> ``coach/test_limits.py``; ``emg/_checks.py`` -> ``emg/test_checks.py``),
    and test folders without the ``__init__.py`` that keeps their module names unique."""
    missing: list[str] = []
    for package in sorted(PURE):
        for path in sorted((src / package).rglob("*.py")):
            if path.name == "__init__.py":
                continue
            rel = path.relative_to(src)
            mirror = tests.joinpath(*rel.parts[:-1], f"test_{path.stem.lstrip('_')}.py")
            if not mirror.is_file():
                missing.append(f"{rel} has no {mirror.relative_to(tests.parent)}")
            for folder in (mirror.parent, *mirror.parent.parents):
                if folder == tests.parent:
                    break
                if not (folder / "__init__.py").is_file():
                    missing.append(f"{folder.relative_to(tests.parent)} has no __init__.py")
    return sorted(set(missing))


def test_every_pure_module_has_its_mirrored_test_file() -> None:
    missing = _missing_mirrors(SRC, CORE_TESTS)
    assert not missing, (
        "; ".join(missing)
        + ". Test each pure-core module in its own file beside the others of its package, so a "
        "regression is caught next to its code."
    )


def test_mirror_checker_catches_a_missing_test_file(tmp_path: Path) -> None:
    src, tests = tmp_path / "src", tmp_path / "tests" / "core"
    for rel in ("coach/limits.py", "coach/__init__.py", "signals/emg/_checks.py"):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        (src / rel).write_text("")
    for rel in ("__init__.py", "coach/__init__.py", "coach/test_limits.py"):
        (tests / rel).parent.mkdir(parents=True, exist_ok=True)
        (tests / rel).write_text("")
    assert _missing_mirrors(src, tests) == [
        "core/signals has no __init__.py",
        "core/signals/emg has no __init__.py",
        "signals/emg/_checks.py has no core/signals/emg/test_checks.py",
    ]
    for rel in ("signals/__init__.py", "signals/emg/__init__.py", "signals/emg/test_checks.py"):
        (tests / rel).parent.mkdir(parents=True, exist_ok=True)
        (tests / rel).write_text("")
    assert _missing_mirrors(src, tests) == []


def test_readers_and_signals_name_no_command_line_option() -> None:
    """A file reader or the signal code says what is missing (a weight unit, a sampling rate) and
    carries it as the error's ``needs``; the terminal and the web pages each name their own
    control for it, so no option of the command line is written there."""
    options = re.compile(r"--(unit|units|rate)\b")
    found = [
        f"{path.relative_to(SRC)}:{n}"
        for package in ("io", "signals")
        for path in sorted((SRC / package).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if options.search(line)
    ]
    assert found == []


PLOTTING_LIBRARIES = frozenset({"matplotlib", "plotly"})
# The web app serves plotly.js as a file (it finds it in the plotly package); it draws nothing.
PLOTLY_ASSET = "web/app.py"


def _plotting_imports(path: Path) -> list[str]:
    return sorted(n for n in _imports(path) if n.split(".")[0] in PLOTTING_LIBRARIES)


@pytest.mark.parametrize(
    "path",
    [
        p
        for p in MODULES
        if not p.is_relative_to(SRC / "io" / "plots") and str(p.relative_to(SRC)) != PLOTLY_ASSET
    ],
    ids=lambda p: str(p.relative_to(SRC)),
)
def test_figures_are_drawn_only_in_io_plots(path: Path) -> None:
    found = _plotting_imports(path)
    assert not found, (
        f"{path.relative_to(SRC)} imports {found}: every figure is drawn in mindmuscle/io/plots/"
    )


def test_plot_checker_catches_a_violation(tmp_path: Path) -> None:
    bad = tmp_path / "report.py"
    bad.write_text("def f():\n    import matplotlib.pyplot as plt\n", encoding="utf-8")
    assert _plotting_imports(bad) == ["matplotlib.pyplot"]
