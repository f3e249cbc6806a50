"""Instant start: the CLI imports a command's heavy libraries only when that command runs.

Checked on ``sys.modules`` in a fresh interpreter (never on a clock: speed is measured by
``benchmarks/bench_cli.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer._click.utils import make_default_short_help

from mindmuscle.cli import app, load_all_commands
from mindmuscle.cli._app import COMMANDS

HEAVY = (
    "alembic",
    "fastapi",
    "matplotlib",
    "numpy",
    "plotly",
    "pydantic",
    "pydantic_settings",
    "scipy",
    "sqlalchemy",
    "starlette",
    "uvicorn",
    "mindmuscle.io",
    "mindmuscle.services",
    "mindmuscle.store",
)
NOT_FOR_LISTS = ("fastapi", "matplotlib", "plotly", "scipy", "starlette", "uvicorn")

_PROBE = """
import json, sys
sys.argv = ["mindmuscle", *json.loads(sys.argv[1])]
from mindmuscle.cli import main
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


def _run(args: list[str], tmp_path: Path) -> tuple[int, set[str], str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "MINDMUSCLE_DATA_DIR": str(tmp_path / "data"),
    }
    proc = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    report = json.loads(proc.stderr.strip().splitlines()[-1])
    return report["code"], set(report["modules"]), proc.stdout


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return [n for n in names if n in modules]


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["--version"], ["-V"], []])
def test_help_and_version_load_no_heavy_library(args: list[str], tmp_path: Path) -> None:
    code, modules, out = _run(args, tmp_path)
    assert code == 0
    # No command module either: the command list comes from COMMANDS in mindmuscle/cli/_app.py
    # (a module missing from it is imported for every --help, with all it imports).
    command_modules = [m for m in modules if m.startswith("mindmuscle.cli.") and "._" not in m]
    assert command_modules == [], f"add the commands of {command_modules} to COMMANDS"
    assert _loaded(modules, HEAVY) == []
    if args in (["--version"], ["-V"]):
        assert out.strip() == "mindmuscle 0.1.0"
    else:
        assert "Commands:" in out and "history" in out and "exercises" in out


def test_exercises_and_plan_load_no_signal_plot_or_web_library(tmp_path: Path) -> None:
    code, modules, out = _run(["exercises"], tmp_path)
    assert code == 0 and "barbell_bench_press" in out
    assert _loaded(modules, NOT_FOR_LISTS) == []
    code, modules, out = _run(["plan", "--json"], tmp_path)
    assert code == 0 and json.loads(out)["decision"] in ("train", "light", "drill", "rest")
    assert _loaded(modules, NOT_FOR_LISTS) == []
    assert not (tmp_path / "data" / "mindmuscle.db").exists()


def test_reading_a_database_at_the_head_loads_no_migration_tool_and_leaves_no_log(
    tmp_path: Path,
) -> None:
    from mindmuscle.store import open_database

    data = tmp_path / "data"
    open_database(str(data / "mindmuscle.db")).close()

    for args in (["history"], ["plan", "--json"], ["exercises"]):
        code, modules, out = _run(args, tmp_path)
        assert code == 0, (args, out)
        assert "alembic" not in modules, args
        # The command closed its database: SQLite folded the write-ahead log back in.
        assert sorted(p.name for p in data.iterdir()) == ["mindmuscle.db"], args
    assert "No sets yet." in _run(["history"], tmp_path)[2]


def test_the_command_table_names_every_command_its_module_and_help() -> None:
    load_all_commands()
    root = typer.main.get_command(app)
    registered = dict(getattr(root, "commands", {}))
    modules = {
        (info.name or info.callback.__name__): info.callback.__module__
        for info in app.registered_commands
        if info.callback is not None
    }
    for group in app.registered_groups:
        callbacks = [c.callback for c in group.typer_instance.registered_commands if c.callback]
        own = group.typer_instance.registered_callback
        if not callbacks and own is not None and own.callback is not None:
            callbacks = [own.callback]  # a group that runs by itself (mindmuscle live)
        if group.name and callbacks:
            modules[group.name] = callbacks[0].__module__
    missing = sorted(set(registered) - set(COMMANDS))
    assert missing == [], f"add these commands to COMMANDS in mindmuscle/cli/_app.py: {missing}"
    assert sorted(set(COMMANDS) - set(registered)) == []
    for name, (module, help_text) in COMMANDS.items():
        assert modules[name] == f"mindmuscle.cli.{module}", name
        real = make_default_short_help(registered[name].help or "", 10_000)
        assert help_text == real, f"{name}: the table says {help_text!r}, the command {real!r}"
