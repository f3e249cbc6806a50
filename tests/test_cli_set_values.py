"""A bad load or reps on any command that takes one: exit 2 and the set model's one line (what
was given, as typed; what is allowed, in the lifter's unit), whether the type checker or the
set model catches it; and nothing is stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mindmuscle.cli import app

LOAD = "the load must be a finite number from 0 to 1500 kg"
LOAD_LB = f"{LOAD} (0 to 3306.9 lb)"
REPS = "the reps must be a whole number from 0 to 200"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A profile in kg, one logged set (id 1) and an experiment (id 1)."""
    root = tmp_path_factory.mktemp("set-values")
    env = {
        "MINDMUSCLE_DATA_DIR": str(root),
        "MINDMUSCLE_DATABASE_URL": f"sqlite:///{root / 'm.db'}",
        "COLUMNS": "200",
    }
    runner = CliRunner()
    for args in (
        ["init", "--units", "kg", "--experience", "some", "--goal", "hypertrophy", "--no-input"],
        ["log", "dumbbell_biceps_curl", "--reps", "10", "--load", "12", "--rating", "6"],
        ["experiment", "new", "--preset", "curl-focus", "--seed", "3", "--e1rm-kg", "20"],
    ):
        result = runner.invoke(app, args, env=env)
        assert result.exit_code == 0, (args, result.output)
    return env


def _run(env: dict[str, str], args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, args, env=env, input="")
    return result.exit_code, result.stderr.strip()


LOG = ["log", "dumbbell_biceps_curl", "--rating", "6"]
EDIT = ["set", "edit", "1"]
RECORD = ["experiment", "record", "1", "--set", "1", "--rating", "6"]
BAD_LOADS = ["inf", "nan", "-5", "1e9", "abc", "-inf", "3400"]
BAD_REPS = ["inf", "nan", "-5", "1e9", "abc", "201", "1000000000", "7.5"]


@pytest.mark.parametrize("value", BAD_LOADS)
@pytest.mark.parametrize(
    ("command", "allowed", "extra"),
    [
        (["log", "dumbbell_biceps_curl", "--reps", "8", "--rating", "6"], LOAD, []),
        (EDIT, LOAD, []),
        (EDIT, LOAD_LB, ["--units", "lb"]),
        (RECORD, LOAD, []),
    ],
    ids=["log", "set-edit", "set-edit-lb", "experiment-record"],
)
def test_a_bad_load_exits_2_with_the_set_models_line(
    env: dict[str, str], command: list[str], allowed: str, extra: list[str], value: str
) -> None:
    before = _run(env, ["history", "--json"])
    code, line = _run(env, [*command, *extra, "--load", value])
    path = "mindmuscle " + " ".join(c for c in command[:2] if not c[0].isdigit())
    path = path.replace(" dumbbell_biceps_curl", "")
    assert (code, line) == (
        2,
        f"Error: --load {value} is not allowed: {allowed}. See '{path} --help'.",
    )
    assert _run(env, ["history", "--json"]) == before  # nothing stored, nothing changed


@pytest.mark.parametrize("value", BAD_REPS)
@pytest.mark.parametrize(
    ("command", "path"),
    [
        ([*LOG, "--load", "10"], "mindmuscle log"),
        (EDIT, "mindmuscle set edit"),
        (RECORD, "mindmuscle experiment record"),
    ],
    ids=["log", "set-edit", "experiment-record"],
)
def test_bad_reps_exit_2_with_the_set_models_line(
    env: dict[str, str], command: list[str], path: str, value: str
) -> None:
    code, line = _run(env, [*command, "--reps", value])
    assert (code, line) == (
        2,
        f"Error: --reps {value} is not allowed: {REPS}. See '{path} --help'.",
    )


def test_the_equals_form_and_a_good_load_in_pounds(env: dict[str, str]) -> None:
    code, line = _run(env, [*EDIT, "--units", "lb", "--load=3400"])
    assert (code, line) == (
        2,
        f"Error: --load 3400 is not allowed: {LOAD_LB}. See 'mindmuscle set edit --help'.",
    )
    result = CliRunner().invoke(app, [*EDIT, "--units", "lb", "--load", "22.5", "--json"], env=env)
    assert result.exit_code == 0, result.output
    assert '"load_kg": 10.205828325' in result.output


RATING_LINE = "a rating must be a whole number from 0 to 10"
RIR_LINE = "the reps in reserve must be a whole number from 0 to 10"


@pytest.mark.parametrize("value", ["11", "-1", "abc", "7.5"])
@pytest.mark.parametrize(
    ("command", "option", "allowed", "path"),
    [
        ([*LOG[:2], "--reps", "8"], "--rating", RATING_LINE, "mindmuscle log"),
        (EDIT, "--rating", RATING_LINE, "mindmuscle set edit"),
        (EDIT, "--rir", RIR_LINE, "mindmuscle set edit"),
        (RECORD[:5], "--rating", RATING_LINE, "mindmuscle experiment record"),
    ],
    ids=["log-rating", "set-edit-rating", "set-edit-rir", "experiment-record-rating"],
)
def test_a_bad_rating_exits_2_with_the_set_models_line_everywhere(
    env: dict[str, str], command: list[str], option: str, allowed: str, path: str, value: str
) -> None:
    before = _run(env, ["history", "--json"])
    code, line = _run(env, [*command, option, value])
    assert (code, line) == (
        2,
        f"Error: {option} {value} is not allowed: {allowed}. See '{path} --help'.",
    )
    assert _run(env, ["history", "--json"]) == before


def test_experiment_commands_take_and_show_loads_in_the_lifters_unit(tmp_path: Path) -> None:
    env = {"MINDMUSCLE_DATA_DIR": str(tmp_path), "COLUMNS": "200"}
    runner = CliRunner()

    def run(*args: str) -> str:
        result = runner.invoke(app, list(args), env=env)
        assert result.exit_code == 0, (args, result.output)
        return result.output

    run("init", "--units", "lb", "--no-input")
    out = run("experiment", "new", "--preset", "curl-focus", "--seed", "3", "--e1rm", "45")
    # 60% of 45 lb (20.41 kg), kept unrounded in kg: 27 lb.
    assert "Next: set 1 of 10, external, 60% e1RM (27 lb), 10 reps" in out
    design = json.loads(run("experiment", "status", "1", "--json"))["design"]
    assert design["e1rm_kg"] == pytest.approx(20.41165665)
    # The older --e1rm-kg still works for scripts, in kilograms.
    out = run("experiment", "new", "--preset", "curl-focus", "--seed", "3", "--e1rm-kg", "20")
    assert "(26.46 lb)" in out
    out = run("experiment", "record", "1", "--set", "1", "--rating", "6", "--load", "25")
    assert "Recorded set 1 (external): 10 reps at 25 lb, target felt 6/10" in out
    rec = json.loads(run("experiment", "status", "1", "--json"))["sets"][0]
    assert rec["done"] is True
    code, line = _run(env, ["experiment", "new", "--preset", "curl-focus", "--e1rm", "4000"])
    assert (code, line) == (
        2,
        "Error: --e1rm 4000 is not allowed: an e1RM must be a finite number above 0 and at "
        "most 1500 kg (0 to 3306.9 lb). See 'mindmuscle experiment new --help'.",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            [*LOG, "--reps", "10", "--load", "10", "--mode", "sideways"],
            "Error: --mode sideways is not allowed: it must be 'internal', 'external' or 'none'. "
            "See 'mindmuscle log --help'.",
        ),
        (
            [*LOG, "--reps", "10", "--load", "10", "--set-type", "huge"],
            "Error: --set-type huge is not allowed: it must be 'warmup', 'working', 'drop', "
            "'failure', 'amrap' or 'test'. See 'mindmuscle log --help'.",
        ),
        (
            [*LOG, "--reps", "10", "--load", "10", "--units", "stone"],
            "Error: --units stone is not allowed: it must be 'kg' or 'lb'. "
            "See 'mindmuscle log --help'.",
        ),
        (
            ["motion", "x.csv", "--units", "furlongs"],
            "Error: --units furlongs is not allowed: it must be 'g' or 'ms2'. "
            "See 'mindmuscle motion --help'.",
        ),
        (
            ["motion", "x.csv", "--rate", "-1"],
            "Error: Invalid value for '--rate': -1 Hz is not a sampling rate: give the samples "
            "per second, above 0 (for example 100). See 'mindmuscle motion --help'.",
        ),
        (
            ["motion", "analyse", "x.csv", "--rate", "-1"],
            "Error: Invalid value for '--rate': -1 Hz is not a sampling rate: give the samples "
            "per second, above 0 (for example 100). See 'mindmuscle motion analyse --help'.",
        ),
    ],
)
def test_a_refused_choice_is_a_usage_error_naming_the_command_typed(
    env: dict[str, str], args: list[str], message: str
) -> None:
    code, err = _run(env, args)
    assert (code, " ".join(err.split())) == (2, message)


def test_motion_help_names_the_command_typed(env: dict[str, str]) -> None:
    typed = CliRunner().invoke(app, ["motion", "--help"], env=env)
    assert typed.exit_code == 0
    assert typed.output.splitlines()[0] == "Usage: mindmuscle motion [OPTIONS] FILE"
    full = CliRunner().invoke(app, ["motion", "analyse", "--help"], env=env)
    assert full.output.splitlines()[0] == "Usage: mindmuscle motion analyse [OPTIONS] FILE"


def test_a_set_dated_before_1970_is_refused_in_the_terminal(env: dict[str, str]) -> None:
    code, err = _run(env, [*LOG, "--reps", "10", "--load", "10", "--at", "1900-01-01T10:00"])
    assert (code, err) == (
        1,
        "Error: --at '1900-01-01 10:00 UTC' is not allowed: a set can be dated from 1970-01-01 on.",
    )
