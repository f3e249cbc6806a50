"""Services: profile, today's plan from stored history, the guided run kept in the store, resume.

Run on SQLite, and on PostgreSQL too when ``MINDMUSCLE_TEST_PG_URL`` is set.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mindmuscle.coach import estimate_e1rm
from mindmuscle.coach.models import EquipmentProfile, Profile, Readiness, Reflection
from mindmuscle.errors import InvalidInputError, NotFoundError, UnknownIdError
from mindmuscle.services import drills
from mindmuscle.services.history import (
    SetInput,
    connection_map,
    e1rm_by_exercise,
    history,
    logged_sets,
    record_reflection,
    record_set,
)
from mindmuscle.services.profile import (
    get_profile,
    has_profile,
    latest_readiness,
    save_profile,
)
from mindmuscle.services.sessions import (
    GuidedRun,
    confirm_set,
    get_session,
    open_session,
    plan_today,
    preview_plan,
    session_to_run,
)
from mindmuscle.session import LoopOptions
from mindmuscle.store import Database
from tests.factories import set_uuid
from tests.test_store import make_db

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
CURL = "dumbbell_biceps_curl"
FAST = LoopOptions(time_scale=0.001, visualisation_s=1, count_in_s=0)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from make_db(request.param, tmp_path)


def _log(
    db: Database, uuid: str, *, load_kg: float, reps: int, rating: int, days_ago: float
) -> None:
    record_set(
        db=db,
        user_id=1,
        data=SetInput(
            uuid=set_uuid(uuid),
            exercise_id=CURL,
            performed_at=NOW - timedelta(days=days_ago),
            load_kg=load_kg,
            reps=reps,
            reflection=Reflection(target_rating=rating, reps_in_reserve=2),
        ),
    )


def test_profile_defaults_then_saved(db: Database) -> None:
    assert not has_profile(db=db, user_id=1)
    assert get_profile(db=db, user_id=1) == Profile()
    mine = Profile(goal="strength", units="lb", equipment=EquipmentProfile(unit="lb", bar=45.0))
    save_profile(db=db, user_id=1, profile=mine)
    assert has_profile(db=db, user_id=1)
    assert get_profile(db=db, user_id=1) == mine


def test_record_set_is_idempotent_and_refuses_unknown_exercises(db: Database) -> None:
    _log(db, "a", load_kg=12.0, reps=10, rating=6, days_ago=1)
    _log(db, "a", load_kg=99.0, reps=1, rating=0, days_ago=0)
    (only,) = history(db=db, user_id=1)
    assert (only.uuid, only.load_kg, only.reps) == (set_uuid("a"), 12.0, 10)
    assert only.reflection is not None and only.reflection.target_rating == 6
    with pytest.raises(UnknownIdError, match="Unknown exercise id 'dumbell_curl'"):
        record_set(
            db=db,
            user_id=1,
            data=SetInput(exercise_id="dumbell_curl", performed_at=NOW, load_kg=1, reps=1),
        )


def test_e1rm_and_connection_map_come_from_stored_sets(db: Database) -> None:
    _log(db, "a", load_kg=12.0, reps=10, rating=8, days_ago=3)
    _log(db, "b", load_kg=14.0, reps=8, rating=6, days_ago=1)
    sets = logged_sets(db=db, user_id=1)
    expected = estimate_e1rm(sets, CURL, now=NOW)
    assert expected is not None
    assert e1rm_by_exercise(db=db, user_id=1, now=NOW) == {CURL: expected}
    scores = connection_map(db=db, user_id=1, now=NOW)
    assert scores["biceps"].count == 2
    assert 6.0 <= scores["biceps"].score <= 8.0


def test_plan_today_uses_stored_profile_history_and_readiness(db: Database) -> None:
    save_profile(
        db=db, user_id=1, profile=Profile(units="lb", equipment=EquipmentProfile(unit="lb"))
    )
    _log(db, "a", load_kg=14.0, reps=10, rating=7, days_ago=2)
    today = plan_today(
        db=db,
        user_id=1,
        now=NOW,
        readiness=Readiness(sleep=4, energy=4, stress=2, focus=4),
        exercise_ids=[CURL],
    )
    assert today.plan.units == "lb"
    curl = next(p for p in today.plan.exercises if p.exercise_id == CURL)
    e1rm = estimate_e1rm(logged_sets(db=db, user_id=1), CURL, now=NOW)
    assert e1rm is not None
    assert curl.load_source == "history"
    assert curl.e1rm_kg == pytest.approx(e1rm.e1rm_kg, abs=0.01)
    stored = latest_readiness(db=db, user_id=1)
    assert stored is not None and stored.readiness.sleep == 4
    assert today.decision is not None and stored.decision is not None
    assert stored.decision.decision == today.decision.decision
    info = open_session(db=db, user_id=1)
    assert info is not None and info.session_id == today.session_id and info.snapshot is None
    assert info.plan == today.plan


def _run_set(run: GuidedRun, now_ms: int, rating: int, *, at: datetime) -> int:
    """Prime -> set -> metronome end -> reflect; returns the clock after the reflection."""
    loop = run.loop
    assert loop.state == "prime"
    run.handle(loop.ready(now_ms), now=at)
    while loop.state == "set":
        due = loop.next_due_ms()
        assert due is not None
        now_ms = max(now_ms, due)
        run.handle(loop.advance(now_ms), now=at)
    assert loop.state == "reflect"
    p = loop.current
    assert p is not None
    events = loop.reflect(
        now_ms,
        Reflection(target_rating=rating),
        reps=loop.reps_done,
        load_kg=p.load_kg,
        set_uuid=run.new_set_uuid(),
    )
    run.handle(events, now=at)
    return now_ms


def test_guided_run_stores_every_confirmed_set_and_ends(db: Database) -> None:
    today = plan_today(db=db, user_id=1, now=NOW, readiness=None, exercise_ids=[CURL])
    run = GuidedRun.start(db=db, user_id=1, session_id=today.session_id, options=FAST)
    run.handle(run.loop.start(0), now=NOW)
    first = run.loop.current
    assert first is not None
    now_ms = 0
    n_sets = first.sets
    for i in range(n_sets):
        now_ms = _run_set(run, now_ms, rating=2 if i == 0 else 8, at=NOW)
        if i == 0:
            after = run.loop.current
            assert after is not None
            # A barely felt target changes the next set: another cue and a slower eccentric.
            assert after.focus.cue != first.focus.cue
            assert after.tempo.eccentric_s == first.tempo.eccentric_s + 1
        if run.loop.state == "rest":
            run.handle(run.loop.skip_rest(now_ms), now=NOW)
        else:
            # Later exercises of the plan are not part of this test.
            while run.loop.state != "summary":
                run.handle(run.loop.skip_exercise(now_ms), now=NOW)
    assert run.loop.state == "summary"
    stored = history(db=db, user_id=1, session_id=today.session_id)
    assert [s.reflection.target_rating for s in stored if s.reflection] == [2] + [8] * (n_sets - 1)
    assert [s.set_index for s in stored] == list(range(n_sets))
    info = get_session(db=db, user_id=1, session_id=today.session_id)
    assert info.ended_at is not None and info.sets_done == n_sets
    assert open_session(db=db, user_id=1) is None


def test_resume_after_a_crash_in_the_rest_continues_with_the_next_set(db: Database) -> None:
    today = plan_today(db=db, user_id=1, now=NOW, readiness=None, exercise_ids=[CURL])
    run = GuidedRun.start(db=db, user_id=1, session_id=today.session_id, options=FAST)
    run.handle(run.loop.start(0), now=NOW)
    now_ms = _run_set(run, 0, rating=3, at=NOW)
    assert run.loop.state == "rest"
    adapted = run.loop.current
    del run  # the process dies during the rest

    again = GuidedRun.resume(db=db, user_id=1, options=FAST)
    assert again.session_id == today.session_id
    assert len(again.loop.completed) == 1
    assert again.loop.position == (0, 1)
    assert again.loop.current == adapted
    events = again.loop.resume_at(now_ms)
    again.handle(events, now=NOW)
    assert [e.type for e in events][:1] == ["prime_started"]
    _run_set(again, now_ms, rating=7, at=NOW)
    stored = history(db=db, user_id=1, session_id=today.session_id)
    assert [s.set_index for s in stored] == [0, 1]


def test_resume_in_the_middle_of_a_set_restarts_that_set(db: Database) -> None:
    today = plan_today(db=db, user_id=1, now=NOW, readiness=None, exercise_ids=[CURL])
    run = GuidedRun.start(db=db, user_id=1, session_id=today.session_id, options=FAST)
    run.handle(run.loop.start(0), now=NOW)
    run.handle(run.loop.ready(10), now=NOW)
    assert run.loop.state == "set"
    again = GuidedRun.resume(db=db, user_id=1, options=FAST)
    assert again.loop.position == (0, 0)
    assert again.loop.completed == []
    # The first set begins again, announced with its exercise as at the start.
    assert [e.type for e in again.loop.resume_at(0)][:2] == ["exercise_started", "prime_started"]


def test_confirm_set_twice_stores_it_once(db: Database) -> None:
    today = plan_today(db=db, user_id=1, now=NOW, readiness=None, exercise_ids=[CURL])
    run = GuidedRun.start(db=db, user_id=1, session_id=today.session_id, options=FAST)
    run.handle(run.loop.start(0), now=NOW)
    _run_set(run, 0, rating=6, at=NOW)
    (done,) = run.loop.completed
    again = confirm_set(
        db=db, user_id=1, session_id=today.session_id, completed=done, performed_at=NOW
    )
    assert again.uuid == done.set_uuid
    assert len(history(db=db, user_id=1)) == 1


def test_nothing_to_resume(db: Database) -> None:
    with pytest.raises(NotFoundError, match="no interrupted session to resume"):
        GuidedRun.resume(db=db, user_id=1)
    today = plan_today(db=db, user_id=1, now=NOW, readiness=None, exercise_ids=[CURL])
    with pytest.raises(NotFoundError, match=f"Session {today.session_id} cannot be resumed"):
        GuidedRun.resume(db=db, user_id=1, session_id=today.session_id)


def test_drill_ratings_are_stored(db: Database) -> None:
    started = drills.start_drill(db=db, user_id=1, now=NOW, minutes=5)
    assert started.plan.items
    first = started.plan.items[0]
    drills.rate_muscle(
        db=db, user_id=1, drill_id=started.drill_id, muscle_id=first.muscle_id, rating=4, now=NOW
    )
    drills.finish_drill(db=db, user_id=1, drill_id=started.drill_id, now=NOW)
    got = drills.list_drill_ratings(db=db, user_id=1)
    assert [(r.muscle_id, r.rating) for r in got] == [(first.muscle_id, 4)]


def test_reflection_recorded_after_the_set(db: Database) -> None:
    _log(db, "late", load_kg=10.0, reps=8, rating=5, days_ago=0)
    got = record_reflection(
        db=db,
        user_id=1,
        set_uuid=set_uuid("late"),
        reflection=Reflection(target_rating=9, reps_in_reserve=3, note="phone buzzed"),
    )
    assert got.reflection is not None
    assert (got.reflection.target_rating, got.reps_in_reserve, got.reflection.note) == (
        9,
        3,
        "phone buzzed",
    )
    from mindmuscle.services.history import get_set

    (rev,) = get_set(db=db, user_id=1, ref=set_uuid("late")).revisions
    assert rev.kind == "edit"
    assert rev.changes == {
        "reps_in_reserve": [2, 3],  # as logged by _log
        "note": ["", "phone buzzed"],
        "target_rating": [5, 9],
    }
    with pytest.raises(NotFoundError, match="No set with id 'nope'"):
        record_reflection(db=db, user_id=1, set_uuid="nope", reflection=Reflection(target_rating=1))


def test_one_plan_waits_and_an_interrupted_session_is_not_lost(db: Database) -> None:
    first = plan_today(db=db, user_id=1, now=NOW, readiness=None, exercise_ids=[CURL])
    run = GuidedRun.start(db=db, user_id=1, session_id=first.session_id, options=FAST)
    run.handle(run.loop.start(0), now=NOW)  # begun, then interrupted
    second = plan_today(db=db, user_id=1, now=NOW, readiness=None, exercise_ids=[CURL])
    third = plan_today(db=db, user_id=1, now=NOW, readiness=None, exercise_ids=[CURL])
    assert get_session(db=db, user_id=1, session_id=second.session_id).ended_at is not None
    assert get_session(db=db, user_id=1, session_id=first.session_id).ended_at is None
    assert GuidedRun.resume(db=db, user_id=1).session_id == first.session_id
    with pytest.raises(InvalidInputError, match=rf"Session {first.session_id} was interrupted"):
        session_to_run(db=db, user_id=1, now=NOW)
    assert session_to_run(db=db, user_id=1, now=NOW, replace_interrupted=True) == third.session_id
    assert get_session(db=db, user_id=1, session_id=first.session_id).ended_at is not None
    later = session_to_run(db=db, user_id=1, now=NOW + timedelta(days=1))
    assert later not in (first.session_id, second.session_id, third.session_id)


def test_preview_plan_reads_stored_data_and_stores_nothing(db: Database) -> None:
    save_profile(
        db=db, user_id=1, profile=Profile(units="lb", equipment=EquipmentProfile(unit="lb"))
    )
    _log(db, "a", load_kg=14.0, reps=10, rating=7, days_ago=2)
    stored = preview_plan(db=db, user_id=1, now=NOW, readiness=None, exercise_ids=[CURL])
    assert stored.units == "lb"
    assert stored.exercises[0].load_source == "history"
    given = preview_plan(
        db=db,
        user_id=1,
        now=NOW,
        readiness=None,
        profile=Profile(goal="strength"),
        exercise_ids=[CURL],
        e1rm_overrides={CURL: 30.0},
    )
    assert (given.units, given.goal) == ("kg", "strength")
    assert given.exercises[0].e1rm_kg == 30.0 and given.exercises[0].load_source == "given"
    assert open_session(db=db, user_id=1) is None
    blank = preview_plan(db=None, user_id=1, now=NOW, readiness=None, exercise_ids=[CURL])
    assert blank.units == "kg" and blank.exercises[0].load_source == "starting_test"
