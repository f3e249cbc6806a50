"""Today's plan from the history's totals and recent sets equals the plan from every set.

Nine years of generated sets (rated and not, warm-ups, long sets, other muscles felt, an
exercise the catalogue lacks, a muscle trained only in the first year), some edited, deleted
and restored through the history service, in SQLite and PostgreSQL. The plan, both connection
maps and every e1RM from :func:`mindmuscle.services.plan_history.plan_history` are compared
with the full computation over every set (:meth:`PlanHistory.of`).
"""

from __future__ import annotations

import random
import uuid as uuid_mod
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert

from mindmuscle.catalog.models import Mechanic
from mindmuscle.coach import build_plan
from mindmuscle.coach.models import ConnectionScore, Profile, Readiness
from mindmuscle.coach.plan import PlanHistory
from mindmuscle.coach.summary import TOLERANCE, TREND_TOLERANCE, WINDOW_HALF_LIVES
from mindmuscle.services import history as history_service
from mindmuscle.services.plan_history import plan_history
from mindmuscle.services.sessions import preview_plan
from mindmuscle.store import Database, bulk
from mindmuscle.store.tables import ReflectionRow, SetRow
from tests.test_store import make_db

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
EXERCISES = [
    "barbell_back_squat", "barbell_bench_press", "conventional_deadlift", "seated_cable_row",
    "dumbbell_biceps_curl", "hammer_curl", "cable_triceps_pushdown", "dumbbell_lateral_raise",
    "leg_extension", "leg_curl", "cable_fly", "lat_pulldown",
]  # fmt: skip
FIRST_YEAR_ONLY = "standing_calf_raise"  # its muscle was rated in the first year only
NOT_IN_CATALOGUE = "zercher_carry_imported"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from make_db(request.param, tmp_path)


def _generate(db: Database, n_sets: int = 3000, years: float = 9.0) -> list[str]:
    """Insert about ``n_sets`` sets over ``years`` (oldest first); returns their uuids."""
    rng = random.Random(14)
    start = NOW - timedelta(days=365 * years)
    step = timedelta(days=365 * years) / n_sets
    sets: list[dict[str, Any]] = []
    reflections: list[dict[str, Any]] = []
    for i in range(n_sets):
        at = start + i * step + timedelta(minutes=rng.randint(0, 30))
        if at < start + timedelta(days=365) and i % 9 == 0:
            exercise = FIRST_YEAR_ONLY
        elif i % 97 == 0:
            exercise = NOT_IN_CATALOGUE
        else:
            exercise = rng.choice(EXERCISES)
        u = str(uuid_mod.UUID(int=i + 1))
        load = 0.0 if i % 41 == 0 else round(rng.uniform(5, 140), 1)
        reps = rng.choice([1, 3, 5, 8, 10, 12, 15, 20, 35]) if i % 5 == 0 else rng.randint(6, 12)
        sets.append(
            {
                "id": i + 1, "user_id": 1, "uuid": u, "exercise_id": exercise,
                "performed_at": at, "load_kg": load,
                "reps": reps, "set_type": "warmup" if i % 13 == 0 else "working",
                "rir": None if i % 3 == 0 else rng.randint(0, 5), "source": "log", "notes": "",
            }
        )  # fmt: skip
        if rng.random() < 0.8:  # some sets have a reflection without a rating
            felt: dict[str, int] = {}
            if rng.random() < 0.15:
                felt = {
                    rng.choice(
                        ["erector_spinae", "front_delt", "biceps", "forearm_flexors"]
                    ): rng.randint(2, 9)
                }
            reflections.append(
                {
                    "user_id": 1, "set_id": i + 1, "set_uuid": u,
                    "target_rating": None if rng.random() < 0.3 else rng.randint(0, 10),
                    "felt_elsewhere": felt, "focus_rating": rng.randint(0, 10), "note": "",
                }
            )  # fmt: skip
    # A set logged a little ahead of the server's clock (another device's clock).
    sets[-1]["performed_at"] = NOW + timedelta(hours=2)
    with db.session() as s:
        s.execute(insert(SetRow), sets)
        s.execute(insert(ReflectionRow), reflections)
        if db.dialect == "postgresql":
            from sqlalchemy import text

            s.execute(
                text("SELECT setval(pg_get_serial_sequence('sets', 'id'), MAX(id)) FROM sets")
            )
            s.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('reflections', 'id'), MAX(id)) "
                    "FROM reflections"
                )
            )
    return [s["uuid"] for s in sets]


def _change_some(db: Database, uuids: list[str]) -> None:
    """Edit, delete and restore sets old and new through the history service."""
    rng = random.Random(7)
    catalog = history_service.user_catalog(db=db, user_id=1)
    known = [u for u in uuids[:-40] if int(uuid_mod.UUID(u)) % 97 != 1]
    for u in rng.sample(known, 60):
        edit = history_service.SetEdit(
            target_rating=rng.randint(0, 10), reps=rng.randint(3, 15), load_kg=rng.choice([20, 60])
        )
        history_service.edit_set(db=db, user_id=1, ref=u, edit=edit, now=NOW, catalog=catalog)
    deleted = rng.sample(known, 80)
    for u in deleted:
        history_service.delete_set(db=db, user_id=1, ref=u, now=NOW, catalog=catalog)
    for u in deleted[:30]:
        history_service.restore_set(db=db, user_id=1, ref=u, now=NOW, catalog=catalog)
    # The newest sets too: the windows start from them.
    for u in uuids[-40:-35]:
        history_service.delete_set(db=db, user_id=1, ref=u, now=NOW, catalog=catalog)


def _same_map(got: dict[str, ConnectionScore], want: dict[str, ConnectionScore]) -> None:
    assert sorted(got) == sorted(want)
    for m, w in want.items():
        g = got[m]
        assert (g.count, g.last_rated, g.compensation_count) == (
            w.count,
            w.last_rated,
            w.compensation_count,
        ), m
        assert g.score == pytest.approx(w.score, rel=TOLERANCE, abs=10 * TOLERANCE), m
        assert g.trend == pytest.approx(w.trend, rel=TREND_TOLERANCE, abs=TREND_TOLERANCE), m


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    """The number of rows of each read of rated sets and of sets for an e1RM."""
    reads: dict[str, list[int]] = {"rated": [], "lifts": []}
    rated, lifts = bulk.rated_set_rows, bulk.lift_rows_since

    def count_rated(**kw: Any) -> Any:
        rows = rated(**kw)
        reads["rated"].append(len(rows))
        return rows

    def count_lifts(**kw: Any) -> Any:
        rows = lifts(**kw)
        reads["lifts"].append(len(rows))
        return rows

    monkeypatch.setattr(bulk, "rated_set_rows", count_rated)
    monkeypatch.setattr(bulk, "lift_rows_since", count_lifts)
    return reads


def test_plan_from_totals_equals_the_plan_from_every_set(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    uuids = _generate(db)
    _change_some(db, uuids)
    catalog = history_service.user_catalog(db=db, user_id=1)
    every = history_service.logged_sets(db=db, user_id=1)
    assert len(every) == 3000 - 50 - 5
    full = PlanHistory.of(every, catalog=catalog, now=NOW)
    reads = _count_reads(monkeypatch)
    summed = plan_history(db=db, user_id=1, catalog=catalog, now=NOW)
    # One read of the recent rated sets, well short of all of them (no second, whole read).
    rated = sum(1 for s in every if s.target_rating is not None)
    assert len(reads["rated"]) == 1 and reads["rated"][0] < rated / 2

    _same_map(dict(summed.scores), dict(full.scores))
    _same_map(dict(summed.iso_scores), dict(full.iso_scores))
    assert "calves" in full.scores  # rated in the first year only, still on the map
    assert any(s.compensation_count for s in full.scores.values())
    assert dict(summed.unknown_sets) == dict(full.unknown_sets) == {NOT_IN_CATALOGUE: 30}
    for exercise_id in [*EXERCISES, FIRST_YEAR_ONLY, NOT_IN_CATALOGUE]:
        want, got = full.e1rm(exercise_id), summed.e1rm(exercise_id)
        assert want is not None and got is not None, exercise_id
        assert (got.n_sets, got.formula, got.last_set_at) == (
            want.n_sets,
            want.formula,
            want.last_set_at,
        )
        assert got.e1rm_kg == pytest.approx(want.e1rm_kg, rel=TOLERANCE), exercise_id
    # One read per exercise, each short of the exercise's sets.
    assert len(reads["lifts"]) == len(EXERCISES) + 2
    assert sum(reads["lifts"]) < len(every) / 2

    # The history reaches back further than the windows: old sets were left out.
    window = timedelta(days=WINDOW_HALF_LIVES * 21)
    assert every[0].performed_at < NOW - 2 * window

    profile = Profile(experience="experienced")
    for readiness in (None, Readiness(sleep=4, energy=4, stress=2, focus=4)):
        for exercise_ids in (None, ["barbell_back_squat", "hammer_curl", "leg_curl"]):
            kw: dict[str, Any] = {
                "catalog": catalog,
                "profile": profile,
                "readiness": readiness,
                "now": NOW,
                "exercise_ids": exercise_ids,
            }
            assert build_plan(history=summed, **kw) == build_plan(history=every, **kw)
    # The service plans from the totals by default, the same plan as from every set.
    assert preview_plan(db=db, user_id=1, now=NOW, readiness=None) == preview_plan(
        db=db, user_id=1, now=NOW, readiness=None, history=every
    )


def test_a_muscle_whose_old_ratings_still_matter_is_read_whole(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Thousands of ratings long ago and one fresh one: the trend comes from the old ratings
    alone (one fresh rating has no spread), so every rated set is read, and the map is the
    same to the last bit."""
    rng = random.Random(3)
    old = NOW - timedelta(days=WINDOW_HALF_LIVES * 21 + 30)
    rows = [
        {
            "id": i + 1, "user_id": 1, "uuid": str(uuid_mod.UUID(int=i + 1)),
            "exercise_id": "leg_extension", "performed_at": old - timedelta(hours=i),
            "load_kg": 40.0, "reps": 10, "set_type": "working", "rir": 2, "source": "log",
            "notes": "",
        }
        for i in range(2000)
    ]  # fmt: skip
    rows.append({**rows[0], "id": 2001, "uuid": str(uuid_mod.UUID(int=2001)), "performed_at": NOW})
    with db.session() as s:
        s.execute(insert(SetRow), rows)
        s.execute(
            insert(ReflectionRow),
            [
                {"user_id": 1, "set_id": r["id"], "set_uuid": r["uuid"],
                 "target_rating": rng.randint(0, 10), "felt_elsewhere": {}, "note": ""}
                for r in rows
            ],
        )  # fmt: skip
    catalog = history_service.user_catalog(db=db, user_id=1)
    every = history_service.logged_sets(db=db, user_id=1)
    reads = _count_reads(monkeypatch)
    summed = plan_history(db=db, user_id=1, catalog=catalog, now=NOW)
    assert reads["rated"] == [1, 2001]  # the window held the fresh one only; then all
    full = PlanHistory.of(every, catalog=catalog, now=NOW)
    assert summed.scores == full.scores  # read whole: the very same sums
    assert summed.iso_scores == full.iso_scores
    assert summed.scores["quadriceps"].count == 2001
    iso = {m for m, s in full.iso_scores.items() if s.count}
    assert "quadriceps" in iso
    assert catalog.exercise("leg_extension").mechanic == Mechanic.ISOLATION
