"""A skipped target rating is stored as absent (NULL, never 0) and stays out of the connection
map: on every way in (the set model, ``log``) and after an edit of other values."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.coach.models import Reflection
from mindmuscle.services.history import (
    SetEdit,
    SetInput,
    connection_map,
    edit_set,
    get_set,
    history,
    record_set,
)
from mindmuscle.store import open_database
from tests.factories import NOW, set_uuid


def test_a_skipped_target_rating_is_stored_as_absent(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'r.db'}")
    try:
        for i, rating in enumerate([None, 8]):
            record_set(
                db=db,
                user_id=1,
                data=SetInput(
                    uuid=f"00000000-0000-4000-8000-{i:012d}",
                    exercise_id="dumbbell_biceps_curl",
                    performed_at=NOW - timedelta(days=1),
                    load_kg=12.0,
                    reps=10,
                    reflection=Reflection(target_rating=rating),
                ),
            )
        stored = history(db=db, user_id=1)
        assert [s.reflection.target_rating for s in stored if s.reflection] == [None, 8]
        biceps = connection_map(db=db, user_id=1, now=NOW)["biceps"]
        assert (biceps.count, biceps.score) == (1, 8.0)
    finally:
        db.close()


def _rating_column(path: Path) -> list[int | None]:
    """The stored target ratings, read straight from the table (NULL is None, not 0)."""
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT target_rating FROM reflections ORDER BY id")]


def test_log_without_a_rating_stores_it_as_absent_and_leaves_the_map(tmp_path: Path) -> None:
    path = tmp_path / "log.db"
    runner = CliRunner()
    at = (datetime.now(UTC) - timedelta(hours=1)).replace(microsecond=0).isoformat()

    def cli(*args: str) -> str:
        result = runner.invoke(app, [*args, "--db", str(path)])
        assert result.exit_code == 0, result.output
        return result.output

    cli("log", "dumbbell_biceps_curl", "--reps", "10", "--load", "12", "--rating", "7", "--at", at)
    before = json.loads(cli("map", "--json"))
    assert (before["biceps"]["count"], before["biceps"]["score"]) == (1, 7.0)
    out = cli("log", "dumbbell_biceps_curl", "--reps", "8", "--load", "12", "--at", at)
    assert "target not rated" in out and "target rating" not in out
    stored = json.loads(cli("history", "--json"))["sets"]
    assert [(s["reps"], s["reflection"]["target_rating"]) for s in stored] == [(10, 7), (8, None)]
    assert _rating_column(path) == [7, None]
    assert json.loads(cli("map", "--json")) == before
    # The history table says it in words, as every other channel does, newest first.
    table = [line.split("  12 kg  ")[1].split() for line in cli("history").splitlines()[4:6]]
    assert table == [["8", "not", "rated", "-"], ["10", "7", "-"]]
    shown = cli("set", "show", str(stored[1]["id"]))
    assert "target not rated" in shown and "None" not in shown
    # Correcting its reps in the terminal invents no rating either.
    edited = json.loads(cli("set", "edit", str(stored[1]["id"]), "--reps", "9", "--json"))
    assert [r["changes"] for r in edited["revisions"]] == [{"reps": [8, 9]}]
    assert edited["set"]["reflection"]["target_rating"] is None
    assert _rating_column(path) == [7, None]
    assert json.loads(cli("map", "--json")) == before


def test_editing_a_set_without_a_rating_invents_none(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'e.db'}")
    try:
        for uuid, reflection in (("plain", None), ("unrated", Reflection(note="felt it"))):
            record_set(
                db=db,
                user_id=1,
                data=SetInput(
                    uuid=set_uuid(uuid),
                    exercise_id="dumbbell_biceps_curl",
                    performed_at=NOW - timedelta(days=1),
                    load_kg=12.0,
                    reps=10,
                    reflection=reflection,
                ),
            )
        for uuid in ("plain", "unrated"):
            detail = edit_set(db=db, user_id=1, ref=set_uuid(uuid), edit=SetEdit(reps=8), now=NOW)
            assert detail.set.reps == 8
            assert [r.changes for r in detail.revisions] == [{"reps": [10, 8]}], uuid
        plain, unrated = (
            get_set(db=db, user_id=1, ref=set_uuid(u)).set for u in ("plain", "unrated")
        )
        assert plain.reflection is None
        assert unrated.reflection is not None
        assert (unrated.reflection.target_rating, unrated.reflection.note) == (None, "felt it")
        assert connection_map(db=db, user_id=1, now=NOW) == {}
    finally:
        db.close()
    assert _rating_column(tmp_path / "e.db") == [None]
