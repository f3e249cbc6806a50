"""A group's focus experiment in the terminal: participants named when their experiments are
made, pooled by `experiment group`, and a wrong group refused in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mindmuscle.cli import app


def _record(runner: CliRunner, db: str, experiment: int, ratings: dict[str, int]) -> None:
    status = runner.invoke(app, ["experiment", "status", str(experiment), "--json", "--db", db])
    for s in json.loads(status.output)["sets"]:
        out = runner.invoke(
            app,
            [
                "experiment",
                "record",
                str(experiment),
                "--set",
                str(s["number"]),
                "--rating",
                str(ratings[s["condition"]]),
                "--db",
                db,
            ],
        )
        assert out.exit_code == 0, out.output


def test_the_terminal_pools_participants_named_when_made(tmp_path: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "lab.db")
    new = ["experiment", "new", "--preset", "curl-focus", "--e1rm", "20", "--seed", "2"]
    for who, internal in (("Ann", 7), ("Ben", 8), ("Cai", 6)):
        made = runner.invoke(app, [*new, "--participant", who, "--db", db])
        assert made.exit_code == 0, made.output
        assert made.output.splitlines()[0].endswith(f"internal vs external focus ({who})")
        _record(
            runner, db, {"Ann": 1, "Ben": 2, "Cai": 3}[who], {"internal": internal, "external": 5}
        )
    out = runner.invoke(
        app,
        ["experiment", "group", "1", "2", "3", "--report", str(tmp_path / "g.html"), "--db", db],
    )
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == (
        "Dumbbell Biceps Curl: internal vs external focus: a group of 3: Ann (10 sets), "
        "Ben (10 sets), Cai (10 sets)."
    )
    assert lines[1].startswith(
        "  internal vs external, target rating (0-10): 3 people (3 higher, 0 lower); "
        "difference +2.00 ["
    )
    # differences 2, 3, 1: g_z = (1 - 3/7) * 2 / 1; two of 2^3 sign flips are as far
    assert lines[1].endswith("; g_z 1.14; p 0.250")
    assert (tmp_path / "g.html").is_file()
    listed = runner.invoke(app, ["experiment", "list", "--db", db])
    assert "internal vs external focus (Cai)" in listed.output


@pytest.mark.parametrize(
    ("refs", "line", "code"),
    [
        (
            ["1", "1"],
            "Error: Experiment 1 is in the group twice: give each participant's experiment once.",
            1,
        ),
        (["1", "9"], "Error: No experiment 9.", 1),
        (["1", "bob:2"], "Error: No account is called 'bob' (in 'bob:2').", 1),
        (
            ["1", "x-2"],
            "Error: Experiment 'x-2' is not allowed: give its id (3) or, for another "
            "account's, the account and the id (ben:3). See 'mindmuscle experiment group --help'.",
            2,
        ),
    ],
)
def test_a_wrong_group_gets_one_line(tmp_path: Path, refs: list[str], line: str, code: int) -> None:
    runner = CliRunner()
    db = str(tmp_path / "lab.db")
    made = runner.invoke(app, ["experiment", "new", "--preset", "curl-focus", "--db", db])
    assert made.exit_code == 0, made.output
    out = runner.invoke(app, ["experiment", "group", *refs, "--db", db])
    assert out.output.splitlines() == [line]
    assert out.exit_code == code


def test_experiments_of_several_accounts_are_named_by_account(tmp_path: Path) -> None:
    from mindmuscle.services.accounts import add_user
    from mindmuscle.services.experiment_groups import analyze_experiment_group, group_members
    from mindmuscle.services.experiments import new_experiment
    from mindmuscle.store import LOCAL_USER_ID, open_database

    db = open_database(str(tmp_path / "team.db"))
    ben = add_user(db=db, name="ben", password="a long enough password")
    mine = new_experiment(db=db, user_id=LOCAL_USER_ID, preset="curl-focus", seed=1)
    his = new_experiment(db=db, user_id=ben, preset="curl-focus", seed=2)
    members = group_members(db=db, user_id=LOCAL_USER_ID, refs=[str(mine.id), f"ben:{his.id}"])
    assert [(m.user_id, m.experiment_id, m.ref) for m in members] == [
        (LOCAL_USER_ID, mine.id, str(mine.id)),
        (ben, his.id, f"ben:{his.id}"),
    ]
    result = analyze_experiment_group(db=db, members=members, n_resamples=100)
    assert result.analysis.participants == ["local", "ben"]
    assert not result.participants_named
    # Nothing recorded yet: every comparison says so, none invents a number.
    rating = result.analysis.effect("internal", "target_rating")
    assert rating.participants == [] and rating.comparison.mean_difference is None
    assert [lo.participant for lo in rating.left_out] == ["local", "ben"]
