"""Two workers storing the same place of a workout at once store one set: the database's unique
place (``uq_sets_place``) refuses the second, which gets the same refusal as the check before
the insert gives, with nothing of its request written.

On PostgreSQL the race is real: two threads, two connection pools (two workers), each past the
check before either inserts (a barrier holds both there). SQLite's writers take the write lock
at BEGIN, so two of them cannot both be past the check; there the loser's check is made to
answer as it did before the winner's insert (a check that saw the workout a moment earlier),
and the insert is what stops it.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from mindmuscle.coach.models import Reflection
from mindmuscle.coach.sets import SetInput
from mindmuscle.errors import SetConflictError
from mindmuscle.services import sets as sets_service
from mindmuscle.services.sets import SetWriter, WebSetInput, record_set
from mindmuscle.store import Database, SessionCreate, open_database, repo
from mindmuscle.store.tables import SetRow
from mindmuscle.web.app import create_app
from tests.test_store import make_url
from tests.test_web_api import _plan, _set_body, _settings

CURL = "dumbbell_biceps_curl"
T0 = datetime(2026, 11, 21, 10, 0, tzinfo=UTC)
MESSAGE = (
    "Set 1 of Dumbbell Biceps Curl in this workout is already stored (10 reps, done "
    "2026-11-21 10:00 UTC), saved from another tab or device, so this one was not stored as "
    "well. Discard it if it is the same set."
)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    for u in make_url(request.param, tmp_path):
        open_database(u).close()  # migrated once, before two workers open it
        yield u


def _workout(db: Database) -> int:
    with db.session() as s:
        row = repo.create_session(
            session=s,
            user_id=1,
            data=SessionCreate(started_at=T0, plan={"exercises": [{"exercise_id": CURL}]}),
        )
        return row.id


def _input(session_id: int, reps: int, *, minutes: int = 0) -> SetInput:
    return SetInput(
        uuid=str(uuid.uuid4()),
        exercise_id=CURL,
        performed_at=T0 + timedelta(minutes=minutes),
        load_kg=12.0,
        reps=reps,
        reflection=Reflection(target_rating=7),
        session_id=session_id,
        set_index=0,
        source="guided",
    )


def _web_input(session_id: int, reps: int, *, minutes: int = 0) -> WebSetInput:
    return WebSetInput(
        uuid=str(uuid.uuid4()),
        session_id=session_id,
        exercise_id=CURL,
        set_index=0,
        performed_at=T0 + timedelta(minutes=minutes),
        reps=reps,
        load_kg=12.0,
        reflection=Reflection(target_rating=7),
        motion={"samples": [[0, 0.0, 0.0, 9.8]]},
    )


def _stored(db: Database, session_id: int) -> list[tuple[int, int | None]]:
    with db.session(readonly=True) as s:
        rows = repo.list_sets(session=s, user_id=1, session_id=session_id, include_deleted=True)
        return [(r.reps, r.place_copy) for r in rows]


def _motions(db: Database) -> int:
    with db.session(readonly=True) as s:
        return len(repo.list_recordings(session=s, user_id=1))


def _race(
    url: str,
    monkeypatch: pytest.MonkeyPatch,
    first: Callable[[], object],
    second: Callable[[], object],
) -> list[object]:
    """Run ``first`` and ``second`` (each storing a set at the same place through its own
    worker) so that both pass the check before the place is taken; return what each gave
    (a result or the exception it raised), in that order."""
    outcomes: list[object] = [None, None]

    def run(i: int, store: Callable[[], object]) -> None:
        try:
            outcomes[i] = store()
        except Exception as exc:  # the loser's refusal, checked by the caller
            outcomes[i] = exc

    if url.startswith("postgresql"):
        both_checked = threading.Barrier(2, timeout=30)
        insert = repo.store_set
        waited: set[int] = set()

        def store_after_both_checked(**kw: Any) -> Any:
            if threading.get_ident() not in waited:  # each writer's first insert only
                waited.add(threading.get_ident())
                both_checked.wait()
            return insert(**kw)

        monkeypatch.setattr(repo, "store_set", store_after_both_checked)
        threads = [threading.Thread(target=run, args=(i, f)) for i, f in enumerate((first, second))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert both_checked.broken is False and both_checked.n_waiting == 0
    else:
        run(0, first)
        look = repo.find_set_at
        stale = [True]

        def checked_before_the_first_insert(**kw: Any) -> SetRow | None:
            if stale.pop() if stale else False:
                return None  # what the check read before the first set was inserted
            return look(**kw)

        monkeypatch.setattr(repo, "find_set_at", checked_before_the_first_insert)
        run(1, second)
        assert not stale, "the second worker's check did not run"
    return outcomes


def test_two_terminals_storing_one_place_store_one_set(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = open_database(url), open_database(url)  # two workers: two connection pools
    try:
        workout = _workout(a)
        first, second = _race(
            url,
            monkeypatch,
            lambda: record_set(db=a, user_id=1, data=_input(workout, 10), now=T0),
            lambda: record_set(db=b, user_id=1, data=_input(workout, 8, minutes=1), now=T0),
        )
        winner, loser = (first, second) if not isinstance(first, Exception) else (second, first)
        assert isinstance(loser, SetConflictError), repr(loser)
        assert loser.kind == "place_taken"
        stored = _stored(a, workout)
        assert len(stored) == 1 and stored[0][1] == 0
        reps = stored[0][0]
        assert str(loser) == MESSAGE.replace("10 reps", f"{reps} reps").replace(
            "10:00", "10:00" if reps == 10 else "10:01"
        )
        assert isinstance(winner, sets_service.StoredSet) and winner.record.reps == reps
    finally:
        a.close()
        b.close()


def test_two_server_workers_storing_one_place_store_one_set_and_one_motion(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, b = open_database(url), open_database(url)
    try:
        workout = _workout(a)
        wa, wb = SetWriter(a), SetWriter(b)
        first, second = _race(
            url,
            monkeypatch,
            lambda: wa.store(user_id=1, data=_web_input(workout, 10), now=T0),
            lambda: wb.store(user_id=1, data=_web_input(workout, 8, minutes=1), now=T0),
        )
        outcomes = [first, second]
        refused = [o for o in outcomes if isinstance(o, Exception)]
        assert len(refused) == 1, outcomes
        assert isinstance(refused[0], SetConflictError) and refused[0].kind == "place_taken"
        assert len(_stored(a, workout)) == 1
        assert _motions(a) == 1  # the loser's motion recording was not written either
    finally:
        a.close()
        b.close()


def test_the_api_answers_the_loser_409_as_the_check_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two server processes on one SQLite file; the second's check ran before the first's
    insert. Its answer is the check's 409, and only the first set and its motion are stored."""
    settings = _settings(tmp_path)
    with (
        TestClient(create_app(settings), base_url="http://localhost") as one,
        TestClient(create_app(settings), base_url="http://localhost") as two,
    ):
        for c in (one, two):
            c.headers["X-CSRF-Token"] = c.get("/api/csrf").json()["token"]
        plan = _plan(one)
        first = one.post("/api/sets", json=_set_body(plan, uuid=str(uuid.uuid4()), motion={}))
        assert first.status_code == 200, first.text

        look = repo.find_set_at
        stale = [True]

        def checked_before_the_first_insert(**kw: Any) -> SetRow | None:
            return None if stale and stale.pop() else look(**kw)

        monkeypatch.setattr(repo, "find_set_at", checked_before_the_first_insert)
        other_tab = _set_body(plan, uuid=str(uuid.uuid4()), reps=8, motion={"samples": []})
        r = two.post("/api/sets", json=other_tab)
        assert not stale
        assert r.status_code == 409, r.text
        name = plan["plan"]["exercises"][0]["name"]
        assert r.json() == {
            "error": "Not now",
            "message": MESSAGE.replace("Dumbbell Biceps Curl", name),
            "conflict": "place_taken",
        }
        rows = one.get("/api/sets", params={"session_id": plan["session_id"], "deleted": True})
        assert [s["reps"] for s in rows.json()] == [10]
    engine = create_engine(f"sqlite:///{tmp_path / 'web.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM recordings")).scalar() == 1
    engine.dispose()


def test_a_set_restored_where_another_was_stored_since_comes_back_as_a_second(
    url: str,
) -> None:
    db = open_database(url)
    try:
        workout = _workout(db)
        first = record_set(db=db, user_id=1, data=_input(workout, 10), now=T0)
        with db.session() as s:
            repo.delete_set(session=s, user_id=1, set_id=first.record.id, at=T0)
        record_set(db=db, user_id=1, data=_input(workout, 8, minutes=1), now=T0)
        with db.session() as s:
            repo.restore_set(session=s, user_id=1, set_id=first.record.id, at=T0)
        assert _stored(db, workout) == [(10, 1), (8, 0)]
        # A third at that place is refused still, by the check and by the database.
        with pytest.raises(SetConflictError, match=r"^Set 1 of Dumbbell Biceps Curl "):
            record_set(db=db, user_id=1, data=_input(workout, 6, minutes=2), now=T0)
        # The restored one says what it is, wherever the lifter sees it.
        with db.session(readonly=True) as s:
            rows = repo.list_sets(session=s, user_id=1, session_id=workout)
            shown = {r.reps: sets_service.set_record(r).again_at_place for r in rows}
        assert shown == {10: True, 8: False}
    finally:
        db.close()
    if url.startswith("sqlite"):
        _shown_in_the_terminal(url, first.record.id)


def _shown_in_the_terminal(url: str, set_id: int) -> None:
    from typer.testing import CliRunner

    from mindmuscle.cli import app

    runner = CliRunner()
    show = runner.invoke(app, ["set", "show", str(set_id), "--db", url])
    assert show.exit_code == 0, show.output
    said = " ".join(show.output.split())  # the terminal wraps long lines
    assert said.startswith("Set 1: Dumbbell Biceps Curl, 2026-11-21 10:00, 10 reps at 12 kg, ")
    assert " (stored twice) uuid " in said
    assert (
        "Stored twice: this workout holds another set as set 1 of Dumbbell Biceps Curl too. If "
        f"it is the same set, delete this one with `mindmuscle set delete {set_id}`."
    ) in said
    history = runner.invoke(app, ["history", "--db", url])
    assert history.exit_code == 0, history.output
    rows = [line.split() for line in history.output.splitlines() if "2026-11-21" in line]
    assert [(r[0], r[-3]) for r in rows] == [("2", "8"), (f"{set_id}*", "10")]  # id, reps
    assert (
        "* Stored twice: its workout holds another set at its place (its exercise and set "
        f"number) too. If it is the same set, delete it: `mindmuscle set show {set_id}` says "
        "more."
    ) in " ".join(history.output.split())


def test_the_terminal_session_says_the_loser_in_one_line_as_the_check_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A guided session in the terminal confirms set 1 while another device stored set 1 of
    that workout after the session's check: one line, the check's words, no traceback; the set
    is not stored and the session has not moved on (its progress is rolled back with it)."""
    from typer.testing import CliRunner

    from mindmuscle.cli import app

    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    args = ["session", "--db", url, "--time-scale", "0.01", "--no-sound", "--no-voice"]
    assert runner.invoke(app, ["init", "--no-input", "--db", url]).exit_code == 0
    kept = runner.invoke(app, [*args, "--exercise", CURL], input="")
    assert "Input closed: the session is kept" in kept.output
    other = open_database(url)  # the other device's worker
    try:
        record_set(db=other, user_id=1, data=_input(1, 10), now=T0)
    finally:
        other.close()
    # Ready; 10 reps typed during the set (or, if the set ended first, at the reps question);
    # the rating; nowhere else (the extra lines answer whichever question comes).
    set_1 = "\n10\n10\n7\n\n\n"

    look = repo.find_set_at
    stale = [True]

    def checked_before_the_first_insert(**kw: Any) -> SetRow | None:
        return None if stale and stale.pop() else look(**kw)

    monkeypatch.setattr(repo, "find_set_at", checked_before_the_first_insert)
    raced = runner.invoke(app, [*args, "--resume"], input=set_1)
    assert not stale
    monkeypatch.setattr(repo, "find_set_at", look)
    checked = runner.invoke(app, [*args, "--resume"], input=set_1)

    for result in (raced, checked):
        assert result.exit_code == 1, result.output
        said = [line for line in result.output.splitlines() if line.startswith("Error: Set 1")]
        assert said == [f"Error: {MESSAGE}"]
        assert "Traceback" not in result.output
        assert "Resuming session 1: 0 sets done;" in result.output.replace("\n", " ")
    db = open_database(url)
    try:
        assert _stored(db, 1) == [(10, 0)]
    finally:
        db.close()
