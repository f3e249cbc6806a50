"""Interactive init and today: every question shows what is allowed and asks again."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.services.profile import get_profile
from mindmuscle.store import LOCAL_USER_ID, open_database

runner = CliRunner()


def test_init_asks_a_bad_answer_again_and_keeps_the_others(tmp_path: Path) -> None:
    db = str(tmp_path / "p.db")
    answers = [
        "stone", "lb",          # units: refused, then lb
        "muscle", "strength",   # goal
        "",                     # experience: the default (new)
        "-70", "180",           # body weight in lb
        "45",                   # bar
        "45,x", "45,25,10,5",   # plates
        "0", "5",               # dumbbell step
        "2", "100",             # heaviest dumbbell: below the lightest, then 100
        "",                     # stack step: default
    ]  # fmt: skip
    result = runner.invoke(app, ["init", "--db", db], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output + result.stderr
    out = result.output
    assert "Units (kg or lb)" in out
    assert "Goal (hypertrophy, strength or endurance)" in out
    assert "Body weight in lb (0 to skip)" in out
    refused = result.stderr.splitlines()
    assert len(refused) == 6
    assert "'stone'" in refused[0]
    assert "'muscle' is not allowed: choose hypertrophy, strength or endurance." in refused[1]
    assert (
        "-70 is not allowed: the body weight must be a finite number from 20 to 400 kg"
        in (refused[2])
    )
    assert "'45,x' is not allowed: give the plates as numbers separated by commas" in refused[3]
    assert refused[4].startswith("  0 is not allowed")
    assert "must not be above the heaviest" in refused[5]
    profile = get_profile(db=open_database(db), user_id=LOCAL_USER_ID)
    assert (profile.units, profile.goal, profile.experience) == ("lb", "strength", "new")
    assert profile.bodyweight_kg is not None and abs(profile.bodyweight_kg - 81.65) < 0.01
    eq = profile.equipment
    assert (eq.bar, eq.plates, eq.dumbbell_step, eq.dumbbell_max) == (45, [45, 25, 10, 5], 5, 100)


def test_init_options_are_checked_without_asking(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init", "--no-input", "--bar", "-20", "--db", str(tmp_path / "x")])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: --bar -20 is not allowed")


def test_today_asks_each_readiness_question_until_it_is_allowed(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    runner.invoke(app, ["init", "--no-input", "--db", db])
    result = runner.invoke(
        app,
        ["today", "--json", "-e", "dumbbell_biceps_curl", "--db", db],
        input="7\n3\nlots\n0\n4\n2\n5\n",
    )
    assert result.exit_code == 0, result.output + result.stderr
    assert result.stderr.splitlines() == [
        "  7 is not allowed: it must be less than or equal to 5. Please answer again.",
        "  'lots' is not a whole number. Please answer again.",
        "  0 is not allowed: it must be greater than or equal to 1. Please answer again.",
    ]
    today = json.loads(result.output[result.output.index("{") :])
    # sleep 3, energy 4, stress 2, focus 5: the answers that were allowed, none lost
    assert "sleep 3/5, energy 4/5, stress 2/5, focus 5/5" in today["plan"]["reason"]
    assert "Sleep last night (1 very poor - 5 very good)" in result.output


def test_a_bad_init_option_is_refused_before_the_other_questions(tmp_path: Path) -> None:
    db = str(tmp_path / "b.db")
    result = runner.invoke(app, ["init", "--bar", "-20", "--db", db], input="kg\n")
    assert result.exit_code == 1
    assert "Units (kg or lb) [kg]:" in result.output  # the bar's unit is asked first
    assert "Goal" not in result.output and "Plates" not in result.output
    assert result.stderr.strip() == (
        "Error: --bar -20 is not allowed: the bar must be a finite number from 0 to 50 kg."
    )


def test_a_question_without_an_answer_says_how_to_give_it(tmp_path: Path) -> None:
    result = runner.invoke(app, ["log", "dumbbell_biceps_curl", "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: Aborted: a question got no answer (Ctrl-C, or the input was closed). Nothing "
        "was stored; give the answer as an option instead (see the command's --help)."
    )


def test_an_answer_that_breaks_an_earlier_one_is_asked_again(tmp_path: Path) -> None:
    # A heaviest dumbbell of 10 kg under a step of 30 kg already given: the heaviest is asked
    # again with the reason, and the step and every other answer are kept.
    db = str(tmp_path / "p.db")
    answers = ["kg", "strength", "some", "0", "", "", "30", "10", "40", ""]
    result = CliRunner().invoke(app, ["init", "--db", db], input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "10 is not allowed: the dumbbell step (30 kg) is larger than the rack" in result.output
    assert "dumbbells 2-40 by 30" in result.output and "strength, some lifter" in result.output
