"""Correcting the log from the terminal: ``set show|edit|delete|restore`` and ``workout ...``.

After each change the e1RM (``history --json``) and the connection map (``map --json``) are
checked with exact values: every set is logged at the same moment, so the recency weights are
equal and the e1RM is the mean of the sets' estimates and the map score the mean rating.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.services import history as history_service
from mindmuscle.store import LOCAL_USER_ID, SessionCreate, open_database, repo

runner = CliRunner()
AT = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0).isoformat()
IN_WORKOUT = "00000000-0000-4000-8000-00000000abcd"


@pytest.fixture
def db(tmp_path: Path) -> str:
    return str(tmp_path / "mm.db")


def run(db: str, *args: str) -> str:
    result = runner.invoke(app, [*args, "--db", db])
    assert result.exit_code == 0, result.output
    return result.output


def fail(db: str, *args: str, code: int = 1) -> str:
    """Run a command that must be refused: exit 1 (2 for a bad option value that the set model
    refuses) and one line ``Error: ...``."""
    result = runner.invoke(app, [*args, "--db", db])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    return lines[0]


def log(db: str, load: str, reps: str, rating: str, *extra: str) -> dict[str, Any]:
    out = run(
        db, "log", "leg_extension", "--reps", reps, "--load", load, "--rating", rating,
        "--at", AT, "--json", *extra,
    )  # fmt: skip
    stored: dict[str, Any] = json.loads(out)
    return stored


def state(db: str) -> tuple[float | None, dict[str, tuple[float, int, int]], list[int]]:
    """(e1RM of leg_extension in kg, {muscle: (score to 1e-9, count, compensation)}, ids in
    history)."""
    hist = json.loads(run(db, "history", "--json"))
    e1rm = hist["e1rm"].get("leg_extension")
    scores = json.loads(run(db, "map", "--json"))
    return (
        None if e1rm is None else e1rm["e1rm_kg"],
        {m: (round(v["score"], 9), v["count"], v["compensation_count"]) for m, v in scores.items()},
        [s["id"] for s in hist["sets"]],
    )


def test_edit_delete_restore_follow_through_e1rm_and_the_map(db: str) -> None:
    a = log(db, "80", "1", "6")
    b = log(db, "90", "1", "8", "--elsewhere", "hip_flexors=6")
    assert isinstance(a["id"], int) and isinstance(b["id"], int) and a["uuid"] != b["uuid"]
    e1rm, scores, ids = state(db)
    assert e1rm == pytest.approx(85.0, abs=1e-9)  # (80 + 90) / 2: one rep, Brzycki = load
    assert scores == {"quadriceps": (7.0, 2, 0)}
    assert ids == [a["id"], b["id"]]

    out = run(db, "set", "edit", str(b["id"]), "--load", "70", "--rating", "4",
              "--elsewhere", "none", "--note", "grip slipped")  # fmt: skip
    assert "load 90 kg -> 70 kg" in out and "target rating 8 -> 4" in out
    e1rm, scores, _ = state(db)
    assert e1rm == pytest.approx(75.0, abs=1e-9)
    assert scores == {"quadriceps": (5.0, 2, 0)}
    edited = json.loads(run(db, "set", "show", b["uuid"], "--json"))
    assert edited["set"]["load_kg"] == 70.0
    assert edited["set"]["reflection"]["note"] == "grip slipped"
    (rev,) = edited["revisions"]
    assert rev["kind"] == "edit"
    assert rev["changes"] == {
        "load_kg": [90.0, 70.0],
        "target_rating": [8, 4],
        "felt_elsewhere": [{"hip_flexors": 6}, {}],
        "note": ["", "grip slipped"],
    }

    out = run(db, "set", "delete", str(b["id"]))
    assert f"mindmuscle set restore {b['id']}" in out
    e1rm, scores, ids = state(db)
    assert e1rm == pytest.approx(80.0, abs=1e-9)
    assert scores == {"quadriceps": (6.0, 1, 0)}
    assert ids == [a["id"]]
    with_deleted = json.loads(run(db, "history", "--json", "--deleted"))["sets"]
    assert [(s["id"], s["deleted_at"] is not None) for s in with_deleted] == [
        (a["id"], False),
        (b["id"], True),
    ]

    run(db, "set", "restore", str(b["id"]))
    e1rm, scores, ids = state(db)
    assert e1rm == pytest.approx(75.0, abs=1e-9)
    assert scores == {"quadriceps": (5.0, 2, 0)}
    assert ids == [a["id"], b["id"]]
    restored = json.loads(run(db, "set", "show", str(b["id"]), "--json"))
    assert restored["set"] == edited["set"]  # exactly the values it had before the delete
    assert [r["kind"] for r in restored["revisions"]] == ["edit", "delete", "restore"]


def test_load_is_edited_in_the_profile_units(db: str) -> None:
    run(db, "init", "--no-input", "--units", "lb")
    a = log(db, "100", "5", "6")
    run(db, "set", "edit", str(a["id"]), "--load", "200")
    assert "(0 to 3306.9 lb)" in fail(db, "set", "edit", str(a["id"]), "--load", "4000", code=2)
    shown = json.loads(run(db, "set", "show", str(a["id"]), "--json"))
    assert shown["set"]["load_kg"] == pytest.approx(200 * 0.45359237, abs=1e-9)
    assert "load 100 lb -> 200 lb" in run(db, "set", "show", str(a["id"]))


def test_an_abandoned_zero_rep_set_is_not_in_the_e1rm(db: str) -> None:
    log(db, "60", "1", "6")
    abandoned = log(db, "20", "0", "5")
    e1rm, scores, _ = state(db)
    assert e1rm == pytest.approx(60.0, abs=1e-9)
    assert scores["quadriceps"] == (5.5, 2, 0)  # it was rated, so the map counts it
    run(db, "set", "delete", str(abandoned["id"]))
    e1rm, scores, _ = state(db)
    assert (e1rm, scores["quadriceps"]) == (pytest.approx(60.0, abs=1e-9), (6.0, 1, 0))


def test_bad_edits_are_refused_in_one_line_and_change_nothing(db: str) -> None:
    a = log(db, "60", "5", "6")
    before = json.loads(run(db, "set", "show", str(a["id"]), "--json"))
    sid = str(a["id"])
    for args, code, line in (
        (("--reps", "-1"), 2, "Error: --reps -1 is not allowed: the reps must be a whole number "
         "from 0 to 200."),
        (("--reps", "201"), 2, "Error: --reps 201 is not allowed"),
        (("--rir", "11"), 2, "Error: --rir 11 is not allowed"),
        (("--rating", "12"), 2, "Error: --rating 12 is not allowed"),
        (("--load", "-5"), 2, "Error: --load -5 is not allowed"),
        (("--load", "inf"), 2, "Error: --load inf is not allowed"),
        (("--load", "1e308"), 2, "Error: --load 1e308 is not allowed"),
        (("--note", "x" * 2001), 1, "Error: --note 'xxxx"),
        (("--elsewhere", "hip_flexors=99"), 1, "Error: --elsewhere"),
        (("--elsewhere", "no_such_muscle=3"), 1, "Error: --elsewhere"),
    ):  # fmt: skip
        assert fail(db, "set", "edit", sid, *args, code=code).startswith(line), args
    assert "no_such_muscle" in fail(db, "set", "edit", sid, "--elsewhere", "no_such_muscle=3")
    assert json.loads(run(db, "set", "show", sid, "--json")) == before
    for missing in ("999", str(2**70), "0", "no-such-uuid"):
        assert "No set with id" in fail(db, "set", "show", missing)
        assert "No set with id" in fail(db, "set", "delete", missing)
    assert fail(db, "workout", "delete", "77") == (
        "Error: No workout with id 77. `mindmuscle history --workouts` lists your workouts."
    )


def test_deleting_a_deleted_set_or_restoring_a_live_one_says_so_and_changes_nothing(
    db: str,
) -> None:
    sid = log(db, "40", "10", "7")["id"]
    revisions = json.loads(run(db, "set", "show", str(sid), "--json"))["revisions"]
    assert run(db, "set", "restore", str(sid)).strip() == (
        f"Set {sid} (Leg Extension) is not deleted: nothing to restore, nothing changed."
    )
    run(db, "set", "delete", str(sid))
    deleted = json.loads(run(db, "set", "show", str(sid), "--json"))
    again = run(db, "set", "delete", str(sid))  # exit 0: nothing to do, as a stored import
    assert again.startswith(f"Set {sid} (Leg Extension) is already deleted (")
    assert again.rstrip().endswith(
        f"nothing changed. Bring it back with `mindmuscle set restore {sid}`."
    )
    after = json.loads(run(db, "set", "show", str(sid), "--json"))
    assert after == deleted  # the same deletion time, no second "deleted" revision
    assert len(after["revisions"]) == len(revisions) + 1
    assert json.loads(run(db, "set", "delete", str(sid), "--json"))["set"]["deleted_at"]


def test_set_edit_without_a_change_says_which_options_it_takes(db: str) -> None:
    sid = log(db, "40", "10", "7")["id"]
    before = run(db, "set", "show", str(sid), "--json")
    for extra in ([], ["--units", "lb"]):
        result = runner.invoke(app, ["set", "edit", str(sid), *extra, "--db", db])
        assert result.exit_code == 2, result.output  # a usage error, as any other
        assert result.output.strip().splitlines() == [
            f"Error: nothing to change in set {sid}: give one or more of --reps, --load (with "
            f"--units), --rir, --rating, --elsewhere and --note, e.g. `mindmuscle set edit {sid} "
            "--reps 9`. See 'mindmuscle set edit --help'."
        ]
    assert run(db, "set", "show", str(sid), "--json") == before


def test_a_workout_is_deleted_and_restored_with_its_sets(db: str) -> None:
    database = open_database(db)
    with database.session() as s:
        sid = repo.create_session(session=s, user_id=LOCAL_USER_ID, data=SessionCreate()).id
    database.close()
    a = log(db, "80", "1", "6")
    inside = [
        log(db, load, "1", rating, "--uuid", f"00000000-0000-4000-8000-{int(float(load)):012d}")
        for load, rating in (("90", "8"), ("30", "2"))
    ]
    database = open_database(db)
    with database.session() as s:  # as the guided session stores them: in its workout
        for st in inside:
            repo.get_set(session=s, user_id=LOCAL_USER_ID, uuid=st["uuid"]).session_id = sid
    database.close()
    run(db, "set", "delete", str(inside[1]["id"]))  # deleted on its own, before
    assert state(db)[0] == pytest.approx(85.0, abs=1e-9)

    assert run(db, "workout", "restore", str(sid)).strip() == (
        f"Workout {sid} is not deleted: nothing to restore, nothing changed."
    )
    out = run(db, "workout", "delete", str(sid))
    assert f"mindmuscle workout restore {sid}" in out
    again = run(db, "workout", "delete", str(sid))
    assert again.startswith(f"Workout {sid} is already deleted (") and "nothing changed" in again
    e1rm, scores, ids = state(db)
    assert (e1rm, scores, ids) == (
        pytest.approx(80.0, abs=1e-9),
        {"quadriceps": (6.0, 1, 0)},
        [a["id"]],
    )
    assert "restore the workout" in fail(db, "set", "restore", str(inside[0]["id"]))

    out = run(db, "workout", "restore", str(sid))
    e1rm, scores, ids = state(db)
    assert e1rm == pytest.approx(85.0, abs=1e-9)
    assert scores == {"quadriceps": (7.0, 2, 0)}
    assert ids == [a["id"], inside[0]["id"]]  # the set deleted before stays deleted
    w = history_service.get_workout(db=open_database(db), user_id=LOCAL_USER_ID, session_id=sid)
    assert [(s.id, s.deleted_at is not None) for s in w.sets] == [
        (inside[0]["id"], False),
        (inside[1]["id"], True),
    ]


def test_deleted_sets_and_workouts_are_not_exported(db: str, tmp_path: Path) -> None:
    database = open_database(db)
    with database.session() as s:
        sid = repo.create_session(session=s, user_id=LOCAL_USER_ID, data=SessionCreate()).id
    database.close()
    kept = log(db, "60", "1", "6")
    gone = log(db, "90", "1", "8")
    in_workout = log(db, "30", "1", "2", "--uuid", IN_WORKOUT)
    database = open_database(db)
    with database.session() as s:
        repo.get_set(session=s, user_id=LOCAL_USER_ID, uuid=IN_WORKOUT).session_id = sid
    database.close()
    run(db, "set", "delete", str(gone["id"]))
    run(db, "workout", "delete", str(sid))

    doc = json.loads(run(db, "export", "--format", "json"))
    assert [s["uuid"] for s in doc["sets"]] == [kept["uuid"]]
    assert doc["sessions"] == []
    rows = run(db, "export", "--format", "csv").strip().splitlines()
    assert len(rows) == 2  # the header and the one set that counts
    assert kept["uuid"] in rows[1]
    assert gone["uuid"] not in rows[1] and in_workout["uuid"] not in rows[1]

    # Importing the export into the same database adds nothing and brings nothing back.
    path = tmp_path / "export.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    run(db, "import", str(path))
    assert state(db)[2] == [kept["id"]]


def test_imported_sets_are_edited_and_a_deleted_workout_is_not_imported_again(
    db: str, tmp_path: Path
) -> None:
    header = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,"
    header += "Notes,Workout Notes,RPE\n"
    rows = [
        "2026-03-01 10:00:00,Legs,1h,Leg Extension (Machine),1,60,1,0,0,,,\n",
        "2026-03-01 10:00:00,Legs,1h,Leg Extension (Machine),2,90,1,0,0,,,\n",
        "2026-03-03 10:00:00,Legs,1h,Leg Extension (Machine),1,70,1,0,0,,,\n",
    ]
    path = tmp_path / "strong.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    run(db, "import", str(path), "--unit", "kg")
    sets = json.loads(run(db, "history", "--json"))["sets"]
    assert [(s["load_kg"], s["source"], s["reflection"]) for s in sets] == [
        (60.0, "import", None),
        (90.0, "import", None),
        (70.0, "import", None),
    ]
    first_workout = sets[0]["session_id"]
    assert sets[1]["session_id"] == first_workout != sets[2]["session_id"]

    # An imported set has no reflection: its note is the set's own, and it can be rated.
    run(db, "set", "edit", str(sets[2]["id"]), "--note", "belt on")
    shown = json.loads(run(db, "set", "show", str(sets[2]["id"]), "--json"))
    assert (shown["set"]["notes"], shown["set"]["reflection"]) == ("belt on", None)
    assert shown["revisions"][0]["changes"] == {"notes": ["", "belt on"]}
    run(db, "set", "edit", str(sets[2]["id"]), "--rating", "7")
    shown = json.loads(run(db, "set", "show", str(sets[2]["id"]), "--json"))
    assert shown["set"]["reflection"]["target_rating"] == 7

    run(db, "workout", "delete", str(first_workout))
    assert state(db)[2] == [sets[2]["id"]]
    out = json.loads(run(db, "import", str(path), "--unit", "kg", "--json"))
    assert out["sets_added"] == 0
    assert state(db)[2] == [sets[2]["id"]]  # importing again brings nothing back
    run(db, "workout", "restore", str(first_workout))
    assert state(db)[2] == [s["id"] for s in sets]
