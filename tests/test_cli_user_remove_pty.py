"""Removing an account in a real terminal: answering no keeps the lifter and says so (it was
called "a question got no answer"); answering yes removes them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect", reason="pexpect drives the pseudo-terminal")

from typer.testing import CliRunner  # noqa: E402

from mindmuscle.cli import app  # noqa: E402

EXE = str(Path(sys.executable).with_name("mindmuscle"))


def _remove(db: str, answer: str) -> tuple[str, int]:
    env = {**os.environ, "TERM": "dumb", "COLUMNS": "120"}
    child = pexpect.spawn(
        EXE, ["user", "remove", "sam", "--db", db], env=env, encoding="utf-8", timeout=60
    )
    child.expect(r"Remove sam and everything they stored\? \[y/N\]: ")
    child.sendline(answer)
    child.expect_exact(answer + "\r\n")  # the terminal's echo of the answer
    child.expect(pexpect.EOF)
    child.close()
    return str(child.before), int(child.exitstatus)


def test_no_keeps_the_lifter_and_yes_removes_them(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    runner = CliRunner()
    added = runner.invoke(
        app, ["user", "add", "sam", "--password-stdin", "--db", db], input="pw-sam-12345\n"
    )
    assert added.exit_code == 0, added.output
    out, code = _remove(db, "n")
    assert (out.strip(), code) == ("Kept sam: nothing was removed.", 1)
    assert "sam " in runner.invoke(app, ["user", "list", "--db", db]).output
    out, code = _remove(db, "y")
    assert (out.strip(), code) == ("Removed sam and their data.", 0)
    assert "sam " not in runner.invoke(app, ["user", "list", "--db", db]).output
