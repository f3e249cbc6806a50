"""``mindmuscle plan`` and ``mindmuscle drill`` with the real catalogue, through CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.units import from_kg

runner = CliRunner()

PRESCRIPTION_KEYS = {
    "exercise_id",
    "sets",
    "reps",
    "load_kg",
    "percent_e1rm",
    "tempo",
    "focus",
    "rest_s",
    "breathing",
    "prime",
}


def run_json(*args: str) -> dict:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_plan_without_arguments_is_a_useful_plan() -> None:
    result = runner.invoke(app, ["plan"])
    assert result.exit_code == 0, result.output
    assert "Today: TRAIN" in result.stdout
    assert "Dumbbell Biceps Curl" in result.stdout
    assert "starting-load test" in result.stdout
    assert "[schoenfeld2015" in result.stdout  # evidence ids are shown, not eaten as markup


def test_plan_json_has_the_documented_fields() -> None:
    data = run_json("plan", "--e1rm", "dumbbell_biceps_curl=20", "--readiness", "4,4,2,4")
    assert data["decision"] == "train" and data["reason"]
    assert len(data["exercises"]) == 4
    for e in data["exercises"]:
        assert set(e) >= PRESCRIPTION_KEYS
        assert set(e["tempo"]) == {"eccentric_s", "bottom_pause_s", "concentric_s", "top_squeeze_s"}
        assert set(e["focus"]) == {"mode", "cue", "rationale", "evidence"}
        assert e["focus"]["mode"] in ("internal", "external") and e["focus"]["cue"]
        assert set(e["prime"]) == {"visualisation", "touch", "squeeze_test_s"}
        assert len(e["reps"]) == 2 and e["reps"][0] <= e["reps"][1]
    curl = data["exercises"][0]
    assert curl["exercise_id"] == "dumbbell_biceps_curl" and curl["role"] == "focus"
    assert curl["load_kg"] == 12.0 and curl["percent_e1rm"] == 60.0
    assert curl["focus"]["mode"] == "internal"
    assert "calatayud2016" in curl["focus"]["evidence"]


def test_strength_squat_gets_an_external_cue() -> None:
    data = run_json(
        "plan",
        "--goal",
        "strength",
        "--exercise",
        "barbell_back_squat",
        "--e1rm",
        "barbell_back_squat=140",
    )
    (sq,) = data["exercises"]
    assert sq["load_kg"] == 115.0 and sq["percent_e1rm"] == 82.1
    assert sq["focus"]["mode"] == "external"
    assert "grgic2021" in sq["focus"]["evidence"]


def test_very_poor_readiness_gives_rest_or_drill() -> None:
    rest = run_json("plan", "--readiness", "1,1,5,1")
    assert rest["decision"] == "rest" and rest["exercises"] == []
    assert "adjunct" in rest["imagery"]
    drill = run_json("plan", "--readiness", "2,2,4,2")
    assert drill["decision"] == "drill" and drill["drill"]["total_s"] == 600
    assert "Drill only today" in runner.invoke(app, ["plan", "--readiness", "2,2,4,2"]).stdout


def test_plan_in_pounds() -> None:
    data = run_json(
        "plan",
        "--units",
        "lb",
        "--exercise",
        "barbell_bench_press",
        "--e1rm",
        "barbell_bench_press=225lb",
    )
    (bp,) = data["exercises"]
    assert data["units"] == "lb"
    # 70% of 225 lb = 157.5 lb: halfway between 155 and 160, so the lighter one
    assert bp["load_display"] == "155 lb"
    assert from_kg(bp["load_kg"], "lb") == pytest.approx(155.0)
    assert bp["e1rm_kg"] == pytest.approx(102.06, abs=0.01)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--exercise", "biceps_curlz"], "No exercise has the name, alias or id 'biceps_curlz'"),
        (["--readiness", "4,4,2"], "has 3 values: give four whole numbers 1-5"),
        (["--readiness", "4,4,2,9"], "focus 9 is out of range 1-5"),
        (["--readiness", "4,x,2,4"], "energy 'x' is not a whole number"),
        (
            ["--e1rm", "barbell_back_squat=-100"],
            "--e1rm barbell_back_squat=-100 is not allowed: an e1RM must be a finite number above "
            "0 and at most 1500 kg.",
        ),
        (
            ["--e1rm", "barbell_back_squat=5000lb"],
            "--e1rm barbell_back_squat=5000 is not allowed: an e1RM must be a finite number above "
            "0 and at most 1500 kg (0 to 3306.9 lb).",
        ),
        (["--e1rm", "squat100"], "is not EXERCISE_ID=E1RM"),
        (["--e1rm", "nope=100"], "Unknown exercise id 'nope'"),
        (["--goal", "bulk"], "--goal 'bulk' is not allowed: choose one of hypertrophy"),
        (["--experience", "pro"], "choose one of new, some, experienced"),
        (["--units", "stone"], "allowed units are 'kg' and 'lb'"),
        (["--sore", "quadriceps=2"], "without --readiness"),
        (["--readiness", "4,4,2,4", "--sore", "quadriceps=5"], "with a level 0-3"),
        (["--readiness", "4,4,2,4", "--sore", "quads=2"], "Unknown muscle id 'quads'"),
    ],
)
def test_bad_input_exits_1_with_a_message(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["plan", *args])
    assert result.exit_code == 1
    assert "Error:" in result.output and message in result.output
    assert "Traceback" not in result.output


def test_plan_has_help() -> None:
    result = runner.invoke(app, ["plan", "--help"])
    assert result.exit_code == 0 and "--json" in result.stdout and "--readiness" in result.stdout


def test_soreness_skips_the_sore_muscles_exercises() -> None:
    data = run_json("plan", "--readiness", "4,4,2,4", "--sore", "quadriceps=3")
    ids = [e["exercise_id"] for e in data["exercises"]]
    assert "barbell_back_squat" not in ids and "dumbbell_biceps_curl" in ids


def test_plan_takes_exercises_by_name_as_history_does() -> None:
    data = run_json("plan", "-e", "Barbell Bench Press", "-e", "dumbbell biceps curl")
    assert [e["exercise_id"] for e in data["exercises"]] == [
        "dumbbell_biceps_curl", "barbell_bench_press"
    ]  # fmt: skip
    result = runner.invoke(app, ["plan", "-e", "Bench pres"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: No exercise has the name, alias or id 'Bench pres'. Did you mean: "
        "barbell_bench_press, "
        "dumbbell_bench_press, close_grip_bench_press, incline_dumbbell_press, "
        "decline_barbell_bench_press?"
    ]


def _lb_profile(tmp_path: Path) -> str:
    db = str(tmp_path / "lb.db")
    made = runner.invoke(app, ["init", "--units", "lb", "--no-input", "--db", db])
    assert made.exit_code == 0, made.output
    return db


def test_an_e1rm_without_a_unit_is_in_the_lifters_unit(tmp_path: Path) -> None:
    db = _lb_profile(tmp_path)
    squat = ["plan", "--exercise", "barbell_back_squat", "--db", db]
    data = run_json(*squat, "--e1rm", "barbell_back_squat=225")
    (sq,) = data["exercises"]
    assert data["units"] == "lb"
    # 225 lb, not 225 kg (the plan rounds an e1RM to 0.01 kg)
    assert sq["e1rm_kg"] == pytest.approx(225 * 0.45359237, abs=0.005)
    shown = runner.invoke(app, [*squat, "--e1rm", "barbell_back_squat=225"])
    assert shown.exit_code == 0, shown.output
    assert " ".join(shown.stdout.split()).startswith(
        "e1RM as given: barbell_back_squat 225 lb (a number without a unit is in lb, your "
        "profile's unit)."
    )
    # --units overrides the profile, and a number with its unit keeps it.
    kg = run_json(*squat, "--units", "kg", "--e1rm", "barbell_back_squat=100")
    assert kg["exercises"][0]["e1rm_kg"] == pytest.approx(100.0)
    explicit = runner.invoke(app, [*squat, "--e1rm", "barbell_back_squat=100kg"])
    assert explicit.exit_code == 0, explicit.output
    assert explicit.stdout.splitlines()[0] == "e1RM as given: barbell_back_squat 100 kg."
    assert run_json(*squat, "--e1rm", "barbell_back_squat=100 kgs")["exercises"][0][
        "e1rm_kg"
    ] == pytest.approx(100.0)


def test_an_e1rm_in_a_unit_not_allowed_is_one_line(tmp_path: Path) -> None:
    db = _lb_profile(tmp_path)
    result = runner.invoke(app, ["plan", "--db", db, "--e1rm", "barbell_back_squat=16stone"])
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: --e1rm 'barbell_back_squat=16stone': the unit 'stone' is not allowed: give kg "
        "or lb (e.g. =225lb), or no unit for lb."
    )
