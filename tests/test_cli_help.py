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


def test_unknown_command_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command" in result.output


def test_app_is_a_typer_app() -> None:
    assert isinstance(app, typer.Typer)
