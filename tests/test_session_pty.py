"""The guided session in a real pseudo-terminal, as a lifter at the gym drives it.

Two sets with reflections (one changes reps and load, one accepts them with Enter and names a
muscle felt elsewhere), Ctrl-C in the middle of the third set, then ``--resume``: the stored sets
are checked after each step.
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect", reason="pexpect drives the pseudo-terminal")

from typer.testing import CliRunner  # noqa: E402

from mindmuscle.cli import app  # noqa: E402

EXE = str(Path(sys.executable).with_name("mindmuscle"))
CURL = "dumbbell_biceps_curl"
runner = CliRunner()


def _stored(db: str) -> list[dict[str, object]]:
    out = runner.invoke(app, ["history", "--json", "--db", db]).output
    return list(json.loads(out)["sets"])


def _spawn(db: str, *extra: str) -> pexpect.spawn:
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "110", "LINES": "45"}
    env.pop("NO_COLOR", None)
    args = ["session", "--db", db, "--time-scale", "0.02", "--count-in", "1"]
    args += ["--no-squeeze-test", "--no-voice", *extra]
    child = pexpect.spawn(EXE, args, env=env, encoding="utf-8", timeout=60, dimensions=(45, 110))
    return child


def _reflect(
    child: pexpect.spawn,
    done: str,
    rating: str,
    elsewhere: str,
    load: str = "2 kg",
    source: str = "the plan's",
) -> None:
    # The answer Enter takes is shown, each part saying where it came from.
    child.expect(rf"Reps x load \[12 x {load}\] \(12 counted, {load} {source}; Enter takes them\)")
    child.sendline(done)
    child.expect(r"Target rating 0-10: how strongly did you feel the biceps")
    child.sendline(rating)
    child.expect(r"Felt elsewhere\?")
    child.sendline(elsewhere)


def test_two_sets_ctrl_c_and_resume_in_a_pseudo_terminal(tmp_path: Path) -> None:
    db = str(tmp_path / "gym.db")
    assert runner.invoke(app, ["init", "--no-input", "--db", db]).exit_code == 0
    today = ["today", "--sleep", "4", "--energy", "4", "--stress", "2", "--focus", "4"]
    assert runner.invoke(app, [*today, "-e", CURL, "--db", db]).exit_code == 0

    child = _spawn(db)
    try:
        child.expect(r"Sound: no voice .* the terminal bell rings")  # said once, at the start
        child.expect(r"Ready: press Enter to start the set")
        child.sendline("")
        _reflect(child, "9 x 3", "7", "")  # fewer reps with a heavier dumbbell
        child.expect(r"Rest: press Enter to skip the rest")
        child.expect(r"Set 2 of 3, Dumbbell Biceps Curl")  # the rest panel names the next set
        child.sendline("")
        child.expect(r"Ready: press Enter to start the set")
        child.sendline("")
        # The last set's 3 kg is offered; Enter takes 12 (counted) x 3 kg (the last set).
        _reflect(child, "", "6", "front_delt=3", load="3 kg", source="your last set")
        child.expect(r"Rest: press Enter to skip the rest")
        child.sendline("")
        child.expect(r"Ready: press Enter to start the set")
        child.sendline("")
        child.expect(r"Enter when the set is done")
        child.sendintr()  # Ctrl-C in the middle of set 3
        child.expect(
            r"Stopped: the session is kept\. `mindmuscle session --resume` continues with "
            r"Dumbbell Biceps Curl, set 3 of 3\."
        )
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 130
    sets = _stored(db)
    assert [(s["reps"], s["load_kg"]) for s in sets] == [(9, 3.0), (12, 3.0)]
    reflections = [s["reflection"] for s in sets]
    assert [r["target_rating"] for r in reflections] == [7, 6]  # type: ignore[index]
    assert [r["felt_elsewhere"] for r in reflections] == [{}, {"front_delt": 3}]  # type: ignore[index]

    child = _spawn(db, "--resume")
    try:
        child.expect(
            r"Resuming session \d+: 2 sets done; it continues with Dumbbell Biceps Curl, "
            r"set 3 of 3\."
        )
        child.expect(r"Ready: press Enter to start the set")
        child.sendline("")
        _reflect(child, "", "8", "", load="3 kg", source="your last set")
        child.expect(r"Summary: 3 sets, 33 reps\.")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    sets = _stored(db)
    assert [(s["reps"], s["load_kg"]) for s in sets] == [(9, 3.0), (12, 3.0), (12, 3.0)]
    assert [s["reflection"]["target_rating"] for s in sets] == [7, 6, 8]  # type: ignore[index]


def test_q_during_the_reflection_asks_then_keeps_the_set_for_resume(tmp_path: Path) -> None:
    db = str(tmp_path / "gym.db")
    assert runner.invoke(app, ["init", "--no-input", "--db", db]).exit_code == 0
    today = ["today", "--sleep", "4", "--energy", "4", "--stress", "2", "--focus", "4"]
    assert runner.invoke(app, [*today, "-e", CURL, "--db", db]).exit_code == 0

    child = _spawn(db)
    try:
        child.expect(r"Ready: press Enter to start the set")
        child.sendline("")
        _reflect(child, "", "7", "")  # set 1 stored
        child.expect(r"Rest: press Enter to skip the rest")
        child.sendline("")
        child.expect(r"Ready: press Enter to start the set")
        child.sendline("")
        child.expect(r"Reps x load \[12 x 2 kg\] \(12 counted, 2 kg your last set; Enter takes")
        child.sendline("q")  # not an answer: asks first
        child.expect(r"Stop before rating Dumbbell Biceps Curl, set 2 of 3\? .*\[y/N\]")
        child.sendline("n")
        child.expect(r"Going on\.")
        child.expect(r"Reps x load \[12 x 2 kg\] \(12 counted")  # the same question again
        child.sendline("10 x 4 stone")  # a unit it does not know: asked again, nothing dropped
        child.expect(r"'10 x 4 stone' is not reps or reps x load: give e\.g\. 9, or 9 x 16 ")
        child.expect(r"Reps x load \[12 x 2 kg\]")
        child.sendline("10")
        child.expect(r"Target rating 0-10")
        child.sendline("q")
        child.expect(r"Stop before rating Dumbbell Biceps Curl, set 2 of 3\?")
        child.sendline("y")
        child.expect(
            r"Stopped: the session is kept\. `mindmuscle session --resume` continues with "
            r"Dumbbell Biceps Curl, set 2 of 3\."
        )
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 0
    assert [(s["reps"], s["reflection"]["target_rating"]) for s in _stored(db)] == [(12, 7)]  # type: ignore[index]

    child = _spawn(db, "--resume")
    try:
        child.expect(r"Resuming session \d+: 1 set done; it continues with Dumbbell Biceps Curl, ")
        child.expect(r"set 2 of 3\.")
        # The set done before q is asked about again; a kg lifter's load given in lb is read in lb.
        _reflect(child, "10 x 4.4lb", "8", "", source="your last set")
        child.expect(r"Rest: press Enter to skip the rest")
        child.sendline("q")
        child.expect(r"End the session now\? The sets done are stored\. \[y/N\]")
        # q pauses while it asks; it does not also say "Enter or r to resume".
        assert "Paused" not in child.before
        child.sendline("y")
        child.expect(r"Summary \(ended early\)")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert [(s["reps"], s["reflection"]["target_rating"]) for s in _stored(db)] == [  # type: ignore[index]
        (12, 7),
        (10, 8),
    ]
    assert _stored(db)[1]["load_kg"] == pytest.approx(4.4 * 0.45359237, abs=1e-6)


def test_a_set_with_no_count_asks_for_the_reps_and_enter_stores_nothing(tmp_path: Path) -> None:
    db = str(tmp_path / "gym.db")
    assert runner.invoke(app, ["init", "--no-input", "--db", db]).exit_code == 0
    today = ["today", "--sleep", "4", "--energy", "4", "--stress", "2", "--focus", "4"]
    assert runner.invoke(app, [*today, "-e", CURL, "--db", db]).exit_code == 0

    child = _spawn(db, "--count-in", "3")
    try:
        child.expect(r"Ready: press Enter to start the set")
        child.sendline("")
        child.expect(r"Enter when the set is done")
        child.sendline("")  # done at once: nothing was counted
        child.expect(r"Reps x load \[\? x 2 kg\] \(2 kg the plan's; type the reps\)")
        child.sendline("")  # Enter alone is not an answer: no reps are made up
        child.expect(r"Error: Reps are needed: type how many you did, e\.g\. 10 x 2\.")
        child.expect(r"Reps x load \[\? x 2 kg\]")
        child.sendline("8")
        child.expect(r"Target rating 0-10")
        child.sendline("5")
        child.expect(r"Felt elsewhere\?")
        child.sendline("")
        child.expect(r"Rest: press Enter to skip the rest")
        child.sendline("q")
        child.expect(r"End the session now\?")
        child.sendline("y")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert [(s["reps"], s["load_kg"]) for s in _stored(db)] == [(8, 2.0)]


def test_ctrl_c_in_a_rest_names_the_set_resume_continues_with_in_the_lifters_units(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "gym.db")
    assert runner.invoke(app, ["init", "--no-input", "--db", db]).exit_code == 0
    today = ["today", "--sleep", "4", "--energy", "4", "--stress", "2", "--focus", "4"]
    assert runner.invoke(app, [*today, "-e", CURL, "--db", db]).exit_code == 0  # planned in kg
    out = runner.invoke(app, ["init", "--no-input", "--units", "lb", "--db", db])
    assert out.exit_code == 0, out.output

    child = _spawn(db, "--time-scale", "0.3")
    seen = io.StringIO()
    child.logfile_read = seen
    try:
        # The plan's 2 kg, shown in pounds: every load of the session is in the lifter's units.
        child.expect(r"Load 4\.41 lb, reps 10-12\.")
        child.expect(r"Ready: press Enter to start the set")
        child.sendline("")
        child.expect(r"Set 1 started: 4\.41 lb")
        child.expect(r"Enter when the set is done")
        child.sendline("")
        child.expect(r"Reps x load \[\? x 4\.41 lb\] \(4\.41 lb the plan's; type the reps\)")
        child.sendline("12 x 5")
        child.expect(r"Target rating 0-10")
        child.sendline("7")
        child.expect(r"Felt elsewhere\?")
        child.sendline("")
        child.expect(r"Set confirmed and stored: Dumbbell Biceps Curl set 1, 12 reps at 5 lb")
        child.expect(r"Next set: .*?; (\S+ \S+), tempo")
        assert child.match.group(1).endswith(" lb"), child.match.group(1)
        child.expect(r"Rest: press Enter to skip the rest")
        child.sendintr()  # Ctrl-C in the rest after set 1: set 1 is stored, set 2 is next
        child.expect(
            r"Stopped: the session is kept\. `mindmuscle session --resume` continues with "
            r"Dumbbell Biceps Curl, set 2 of 3\."
        )
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert child.exitstatus == 130
    assert " kg" not in seen.getvalue()  # not one load in kilograms
    assert seen.getvalue().count(" lb") >= 5

    child = _spawn(db, "--resume")
    try:
        child.expect(
            r"Resuming session \d+: 1 set done; it continues with Dumbbell Biceps Curl, "
            r"set 2 of 3\."
        )
        child.expect(r"Ready: press Enter to start the set")
        child.sendline("q")
        child.expect(r"End the session now\?")
        child.sendline("y")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    [stored] = _stored(db)
    assert stored["reps"] == 12
    assert stored["load_kg"] == pytest.approx(5 * 0.45359237)


def test_a_set_goes_unrated_only_when_the_lifter_says_skip(tmp_path: Path) -> None:
    db = str(tmp_path / "gym.db")
    assert runner.invoke(app, ["init", "--no-input", "--db", db]).exit_code == 0
    today = ["today", "--sleep", "4", "--energy", "4", "--stress", "2", "--focus", "4"]
    assert runner.invoke(app, [*today, "-e", CURL, "--db", db]).exit_code == 0

    child = _spawn(db)
    try:
        child.expect(r"Ready: press Enter to start the set")
        child.sendline("")
        child.expect(r"Reps x load \[12 x 2 kg\]")
        child.sendline("")
        child.expect(r"Target rating 0-10: how strongly did you feel the biceps\? \(skip: not ")
        child.sendline("")  # Enter alone is not an answer: nothing is made up
        child.expect(
            r"The rating must be a whole number from 0 to 10, or skip to leave the set not "
            r"rated; got ''\."
        )
        child.expect(r"Target rating 0-10")
        child.sendline("skip")
        child.expect(r"Felt elsewhere\?")
        child.sendline("")
        child.expect(r"Set confirmed and stored: Dumbbell Biceps Curl set 1, 12 reps at 2 kg, ")
        child.expect(r"target not rated")
        child.expect(r"Rest: press Enter to skip the rest")
        child.sendline("q")
        child.expect(r"End the session now\?")
        child.sendline("y")
        child.expect(pexpect.EOF)
    finally:
        child.close()
    assert [(s["reps"], s["reflection"]["target_rating"]) for s in _stored(db)] == [(12, None)]  # type: ignore[index]
