"""The import rules of PRODUCT.md, checked on the source with the ast module."""

from __future__ import annotations

import ast
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
    "web": PURE | BASE | {"config", "io", "store", "services"},
    "cli": PURE | BASE | {"config", "io", "store", "services"},
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
