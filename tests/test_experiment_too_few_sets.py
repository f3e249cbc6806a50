"""A design that can never give statistics says so when it is made, not after every set is
done: with fewer than 3 sets of each condition per load and fewer than 3 loads the analysis can
show means only."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from mindmuscle.cli import app

MEANS_ONLY = (
    "Means only: with 2 sets of each condition per load and 1 load, no effect size, interval "
    "or test is possible; they need 3 sets of each condition at a load, or 3 loads."
)


def test_the_terminal_says_a_design_gives_means_only(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "m.db")
    base = ["experiment", "new", "-e", "dumbbell_biceps_curl", "--conditions", "internal,external"]
    few = runner.invoke(app, [*base, "--sets-per-condition", "2", "--seed", "1", "--db", db])
    assert few.exit_code == 0, few.output
    assert few.output.splitlines()[2] == MEANS_ONLY
    for enough in (
        ["--sets-per-condition", "3"],
        ["--sets-per-condition", "2", "--loads", "40,60,80"],
    ):
        out = runner.invoke(app, [*base, *enough, "--seed", "1", "--db", db])
        assert out.exit_code == 0, out.output
        assert "Means only" not in out.output


def test_record_says_what_it_stores_without_reps_or_load(tmp_path: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(app, ["experiment", "record", "--help"], env={"COLUMNS": "200"})
    assert out.exit_code == 0, out.output
    text = " ".join(out.output.split())
    assert "Repetitions done (default: those found in the EMG, else the planned ones)." in text
    assert "Load used, in your units (default: the planned load)." in text
    db = str(tmp_path / "m.db")
    made = runner.invoke(
        app, ["experiment", "new", "--preset", "curl-focus", "--e1rm-kg", "20", "--db", db]
    )
    assert made.exit_code == 0, made.output
    done = runner.invoke(
        app, ["experiment", "record", "1", "--set", "1", "--rating", "6", "--db", db]
    )
    assert done.exit_code == 0, done.output
    assert ": 10 reps at 12 kg, " in done.output.splitlines()[0]


def test_the_analysis_names_a_condition_with_no_sets(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "m.db")
    made = runner.invoke(
        app,
        ["experiment", "new", "--preset", "curl-focus", "--seed", "3", "--e1rm", "20", "--db", db],
    )
    assert made.exit_code == 0, made.output
    # The seed's first set is an external one: internal has no set yet.
    done = runner.invoke(
        app, ["experiment", "record", "1", "--set", "1", "--rating", "5", "--db", db]
    )
    assert "(external)" in done.output
    out = runner.invoke(app, ["experiment", "analyze", "1", "--db", db], env={"COLUMNS": "300"})
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[1] == (
        "  internal vs external, target rating (0-10), 60% e1RM: no internal sets yet, so no "
        "difference; No statistics: 0 and 1 sets; at least 3 sets of each condition are needed "
        "for an effect size or a test."
    )
    assert "difference -" not in out.output
