"""Every command of the CLI documents itself (sqlite-utils style: a test that help text exists)."""

from __future__ import annotations

import typer
from typer.main import get_command
from typer.testing import CliRunner

from mindmuscle.cli import app, load_all_commands


def _walk(command: object, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], object]]:
    found = [(path, command)]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        found.extend(_walk(sub, (*path, name)))
    return found


def test_every_command_has_help_text_and_help_runs() -> None:
    load_all_commands()
    root = get_command(app)
    commands = _walk(root)
    assert len(commands) > 20  # the whole CLI is registered, not an empty app
    runner = CliRunner()
    for path, command in commands:
        assert (getattr(command, "help", None) or "").strip(), f"{' '.join(path)} has no help"
        result = runner.invoke(app, [*path, "--help"])
        assert result.exit_code == 0, f"{' '.join(path)} --help: {result.output}"
        assert "Usage:" in result.output
        for python_type in ("<str>", "<int>", "<float>", "<path>", "<list[", "<bool>", "{"):
            assert python_type not in result.output, f"{' '.join(path)} --help: {python_type}"


def test_the_same_short_option_means_the_same_thing_everywhere() -> None:
    runner = CliRunner()
    for path in (["plan"], ["history"], ["motion"], ["today"], ["session"]):
        out = runner.invoke(app, [*path, "-h"]).output
        assert "-e, --exercise EXERCISE" in out, path
    assert "-o, --out FILE" in runner.invoke(app, ["export", "-h"]).output
    assert "-m, --muscle MUSCLE" in runner.invoke(app, ["exercises", "-h"]).output
    assert "-V, --version" in runner.invoke(app, ["-h"]).output


def test_version() -> None:
    for flag in ("-V", "--version"):
        result = CliRunner().invoke(app, [flag])
        assert result.exit_code == 0
        assert result.output == "mindmuscle 0.1.0\n"


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command" in result.output


def test_app_is_a_typer_app() -> None:
    assert isinstance(app, typer.Typer)
