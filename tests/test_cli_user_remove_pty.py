"""Removing an account in a real terminal: answering no keeps the lifter and says so (it was
called "a question got no answer"); answering yes removes them; any other answer is one line
(what was given, what is allowed) and the question again (it was click's "Error: invalid
input")."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect", reason="pexpect drives the pseudo-terminal")

from typer.testing import CliRunner  # noqa: E402

from mindmuscle.cli import app  # noqa: E402

EXE = str(Path(sys.executable).with_name("mindmuscle"))


PROMPT = "Remove sam and everything they stored? (y or n) [n]: "


def _remove(db: str, *answers: str) -> tuple[str, int]:
    """Answer the question with each of ``answers`` in turn; what the terminal showed after
    the first prompt (answers echoed, lines ending in CRLF), and the exit code."""
    env = {**os.environ, "TERM": "dumb", "COLUMNS": "120"}
    child = pexpect.spawn(
        EXE, ["user", "remove", "sam", "--db", db], env=env, encoding="utf-8", timeout=60
    )
    child.expect_exact(PROMPT)
    for answer in answers:
        child.sendline(answer)
    child.expect(pexpect.EOF)
    child.close()
    return str(child.before).replace("\r\n", "\n"), int(child.exitstatus)


def test_no_keeps_the_lifter_and_yes_removes_them(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    runner = CliRunner()
    added = runner.invoke(
        app, ["user", "add", "sam", "--password-stdin", "--db", db], input="pw-sam-12345\n"
    )
    assert added.exit_code == 0, added.output
    out, code = _remove(db, "n")
    assert (out, code) == ("n\nKept sam: nothing was removed.\n", 1)
    assert "sam " in runner.invoke(app, ["user", "list", "--db", db]).output
    out, code = _remove(db, "maybe", "")  # Enter is no
    assert (out, code) == (
        "maybe\n  'maybe' is not allowed: answer y or n. Please answer again.\n"
        f"{PROMPT}\nKept sam: nothing was removed.\n",
        1,
    )
    assert "sam " in runner.invoke(app, ["user", "list", "--db", db]).output
    out, code = _remove(db, "yes please", "Y")
    assert (out, code) == (
        "yes please\n  'yes please' is not allowed: answer y or n. Please answer again.\n"
        f"{PROMPT}Y\nRemoved sam and their data.\n",
        0,
    )
    assert "sam " not in runner.invoke(app, ["user", "list", "--db", db]).output
