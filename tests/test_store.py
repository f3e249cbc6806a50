"""The store: migrations, repositories, user scoping, and refusing foreign or corrupt files.

Every test that takes ``db`` runs on SQLite, and also on PostgreSQL when
``MINDMUSCLE_TEST_PG_URL`` is set (each test in its own schema).
"""

from __future__ import annotations

import os
import sqlite3
import uuid as uuid_mod
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from mindmuscle.config import Settings
from mindmuscle.errors import DatabaseFileError, InvalidInputError, NotFoundError
from mindmuscle.store import (
    LOCAL_USER_ID,
    Database,
    DrillRatingCreate,
    ExperimentCreate,
    ExperimentSetCreate,
    ProfileData,
    ReadinessCreate,
    RecordingCreate,
    ReflectionCreate,
    SessionCreate,
    SetCreate,
    UserExerciseCreate,
    database_exists,
    normalise_url,
    open_database,
    repo,
)
from mindmuscle.store.engine import _head_revision
from mindmuscle.store.tables import Base

PG_URL = os.environ.get("MINDMUSCLE_TEST_PG_URL")
T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def make_url(backend: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a fresh, empty database: a SQLite file under tmp_path, or a new PostgreSQL
    schema (dropped afterwards). Skips PostgreSQL when MINDMUSCLE_TEST_PG_URL is not set."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    if not PG_URL:
        pytest.skip("MINDMUSCLE_TEST_PG_URL is not set; PostgreSQL store tests not run")
    from sqlalchemy import create_engine

    schema = f"t_{uuid_mod.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def make_db(backend: str, tmp_path: Path) -> Iterator[Database]:
    """A fresh migrated database (see :func:`make_url`)."""
    for url in make_url(backend, tmp_path):
        database = open_database(url)
        try:
            yield database
        finally:
            database.close()


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from make_db(request.param, tmp_path)


def _set(uuid: str, **kw: object) -> SetCreate:
    base: dict[str, object] = {
        "uuid": uuid,
        "exercise_id": "barbell_curl",
        "performed_at": T0,
        "load_kg": 30.0,
        "reps": 10,
    }
    base.update(kw)
    return SetCreate.model_validate(base)


def test_open_migrates_to_head_and_creates_the_local_user(db: Database) -> None:
    assert db.current_revision() == _head_revision()
    with db.session(readonly=True) as s:
        assert repo.get_user(session=s, user_id=LOCAL_USER_ID).name == "local"


def test_migration_matches_the_tables(db: Database) -> None:
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_every_table_of_the_api_exists(db: Database) -> None:
    from sqlalchemy import inspect

    names = set(inspect(db.engine).get_table_names())
    assert names == {
        "alembic_version",
        "users",
        "profiles",
        "readiness",
        "sessions",
        "planned_exercises",
        "sets",
        "set_revisions",
        "reflections",
        "drills",
        "drill_ratings",
        "user_exercises",
        "recordings",
        "experiments",
        "experiment_sets",
        "login_sessions",
        "login_failures",
        "routines",
        "calibrations",
        "set_emg",
        "skill_tests",
        "coach_clients",
    }


def test_a_lifter_has_at_most_one_coach_and_outlives_them(db: Database) -> None:
    with db.session() as s:
        ben = repo.create_user(session=s, name="ben", password_hash="x")
        ann = repo.create_user(session=s, name="ann", password_hash="x")
        alex = repo.create_user(session=s, name="alex", password_hash="x")
        sam = repo.create_user(session=s, name="sam", password_hash="x")
        ben.is_admin = ann.is_admin = True
        ids = {u.name: u.id for u in (ben, ann, alex, sam)}
    with db.session() as s:
        repo.set_coach(session=s, client_id=ids["sam"], coach_id=ids["ben"], now=T0)
        repo.set_coach(session=s, client_id=ids["alex"], coach_id=ids["ben"], now=T0)
    with db.session() as s:
        # Assigning again moves the client: one coach at a time.
        repo.set_coach(session=s, client_id=ids["sam"], coach_id=ids["ann"], now=T0)
    with db.session(readonly=True) as s:
        assert [u.name for u in repo.list_clients(session=s, coach_id=ids["ben"])] == ["alex"]
        assert [u.name for u in repo.list_clients(session=s, coach_id=ids["ann"])] == ["sam"]
        coach = repo.coach_of(session=s, client_id=ids["sam"])
        assert coach is not None and coach.name == "ann"
        assert repo.coach_of(session=s, client_id=ids["ben"]) is None
    with db.session() as s:
        repo.delete_user(session=s, user_id=ids["ann"])
    with db.session(readonly=True) as s:
        # sam stays, a client of no coach.
        assert repo.get_user(session=s, user_id=ids["sam"]).name == "sam"
        assert repo.coach_of(session=s, client_id=ids["sam"]) is None
    with db.session() as s:
        repo.set_coach(session=s, client_id=ids["alex"], coach_id=None, now=T0)
    with db.session(readonly=True) as s:
        assert repo.list_clients(session=s, coach_id=ids["ben"]) == []


def test_a_routine_set_by_a_coach_stays_the_lifters_when_the_coach_goes(db: Database) -> None:
    from mindmuscle.store import RoutineData

    with db.session() as s:
        ben = repo.create_user(session=s, name="ben", password_hash="x")
        alex = repo.create_user(session=s, name="alex", password_hash="x")
        ids = (ben.id, alex.id)
    data = RoutineData(name="Arms", exercises=[{"exercise_id": "barbell_curl", "sets": 2}],
                       coach_id=ids[0])  # fmt: skip
    with db.session() as s:
        routine_id = repo.create_routine(session=s, user_id=ids[1], data=data, now=T0).id
    with db.session(readonly=True) as s:
        assert repo.get_routine(session=s, user_id=ids[1], routine_id=routine_id).coach_id == ids[0]
    with db.session() as s:
        repo.delete_user(session=s, user_id=ids[0])
    with db.session(readonly=True) as s:
        row = repo.get_routine(session=s, user_id=ids[1], routine_id=routine_id)
        assert (row.name, row.coach_id) == ("Arms", None)


def test_calibrations_keep_every_placement_and_give_the_newest(db: Database) -> None:
    from datetime import UTC, datetime

    from mindmuscle.store import CalibrationCreate

    def cal(muscle: str, level: float, day: int, placement: str) -> CalibrationCreate:
        return CalibrationCreate(
            muscle=muscle,
            level=level,
            unit="uV",
            sfreq_hz=2000.0,
            trial=2,
            window_start_s=1.25,
            placement=placement,
            source="LSL stream 'x'",
            created_at=datetime(2026, 12, day, 18, 0, tzinfo=UTC),
        )

    with db.session() as s:
        repo.add_calibration(session=s, user_id=1, data=cal("biceps", 0.4, 5, "mid belly"))
        repo.add_calibration(session=s, user_id=1, data=cal("biceps", 0.5, 6, "lower belly"))
        repo.add_calibration(session=s, user_id=1, data=cal("triceps", 0.3, 6, "long head"))
    with db.session() as s:
        newest = repo.latest_calibrations(session=s, user_id=1)
        assert {m: (r.level, r.placement) for m, r in newest.items()} == {
            "biceps": (0.5, "lower belly"),
            "triceps": (0.3, "long head"),
        }
        assert newest["biceps"].created_at == datetime(2026, 12, 6, 18, 0, tzinfo=UTC)
        only = repo.latest_calibrations(session=s, user_id=1, muscles=["triceps", "lats"])
        assert list(only) == ["triceps"]
        user = repo.create_user(session=s, name="ana", password_hash="x")
        assert repo.latest_calibrations(session=s, user_id=user.id) == {}
    with pytest.raises(ValueError, match="greater than 0"):
        cal("biceps", 0.0, 6, "")


def test_skill_tests_are_kept_per_user_oldest_first(db: Database) -> None:
    from datetime import UTC, datetime

    from mindmuscle.store import SkillTestCreate

    def test(muscle: str, day: int, sd: float) -> SkillTestCreate:
        target = {"target_pct": 20.0, "mean_pct": 23.0, "error_pct": 3.0, "sd_pct": sd,
                  "n_holds": 1, "n_samples": 4000}  # fmt: skip
        return SkillTestCreate.model_validate(
            {"muscle": muscle, "performed_at": datetime(2026, 12, day, 9, 0, tzinfo=UTC),
             "targets": [target], "overall_sd_pct": sd, "order_pct": [20.0], "hold_s": 5.0,
             "settle_s": 1.0, "mvc_level": 0.41, "unit": "mV",
             "calibrated_at": datetime(2026, 12, day, 8, 50, tzinfo=UTC)}
        )  # fmt: skip

    with db.session() as s:
        other = repo.create_user(session=s, name="ana", password_hash="x").id
        repo.add_skill_test(session=s, user_id=1, data=test("biceps", 6, 4.5))
        repo.add_skill_test(session=s, user_id=1, data=test("biceps", 1, 6.0))
        repo.add_skill_test(session=s, user_id=1, data=test("triceps", 3, 5.0))
        repo.add_skill_test(session=s, user_id=other, data=test("biceps", 2, 9.0))
    with db.session(readonly=True) as s:
        mine = repo.list_skill_tests(session=s, user_id=1, muscle="biceps")
        assert [(r.performed_at.day, r.overall_sd_pct) for r in mine] == [(1, 6.0), (6, 4.5)]
        assert mine[0].targets[0]["sd_pct"] == 6.0 and mine[0].order_pct == [20.0]
        assert len(repo.list_skill_tests(session=s, user_id=1)) == 3
        theirs = repo.list_skill_tests(session=s, user_id=other)
        assert [r.overall_sd_pct for r in theirs] == [9.0]
    with pytest.raises(ValueError, match="greater than or equal to 0"):
        test("biceps", 1, -1.0)


def test_new_users_get_fresh_ids_after_the_local_user(db: Database) -> None:
    with db.session() as s:
        user = repo.create_user(session=s, name="ana", password_hash="x")
    assert user.id == 2
    with db.session() as s, pytest.raises(InvalidInputError, match="'ana' is taken"):
        repo.create_user(session=s, name="ana")


def test_add_set_is_idempotent_by_uuid(db: Database) -> None:
    data = _set(
        "u-1", reflection=ReflectionCreate(target_rating=7, felt_elsewhere={"front_delt": 3})
    )
    with db.session() as s:
        first = repo.add_set(session=s, user_id=1, data=data)
    with db.session() as s:
        again = repo.add_set(session=s, user_id=1, data=_set("u-1", reps=99))
        assert again.id == first.id
        assert again.reps == 10
    with db.session(readonly=True) as s:
        rows = repo.list_sets(session=s, user_id=1)
    assert [(r.uuid, r.reps) for r in rows] == [("u-1", 10)]
    assert rows[0].reflection is not None
    assert rows[0].reflection.target_rating == 7
    assert rows[0].reflection.felt_elsewhere == {"front_delt": 3}


def test_add_set_dedupes_imports_by_import_key(db: Database) -> None:
    with db.session() as s:
        a = repo.add_set(
            session=s, user_id=1, data=_set("i-1", import_key="strong:1", source="import")
        )
        b = repo.add_set(
            session=s, user_id=1, data=_set("i-2", import_key="strong:1", source="import")
        )
        c = repo.add_set(
            session=s, user_id=1, data=_set("i-3", import_key="strong:2", source="import")
        )
    assert a.id == b.id
    assert c.id != a.id
    with db.session(readonly=True) as s:
        assert len(repo.list_sets(session=s, user_id=1, sources=["import"])) == 2


def test_rows_are_scoped_by_user(db: Database) -> None:
    with db.session() as s:
        other = repo.create_user(session=s, name="ben")
        repo.add_set(session=s, user_id=other.id, data=_set("same-uuid", load_kg=50.0))
        repo.add_set(session=s, user_id=1, data=_set("same-uuid", load_kg=20.0))
    with db.session(readonly=True) as s:
        assert [r.load_kg for r in repo.list_sets(session=s, user_id=1)] == [20.0]
        assert [r.load_kg for r in repo.list_sets(session=s, user_id=other.id)] == [50.0]
        own = repo.create_session(session=s, user_id=other.id, data=SessionCreate())
        with pytest.raises(NotFoundError, match=f"No workout with id {own.id}"):
            repo.get_session(session=s, user_id=1, session_id=own.id)
        with pytest.raises(NotFoundError, match="No set with id 'nope'"):
            repo.get_set(session=s, user_id=1, uuid="nope")


def test_a_set_in_another_users_session_is_refused(db: Database) -> None:
    with db.session() as s:
        other = repo.create_user(session=s, name="cy")
        theirs = repo.create_session(session=s, user_id=other.id, data=SessionCreate())
    with db.session() as s, pytest.raises(NotFoundError, match="No workout with id"):
        repo.add_set(session=s, user_id=1, data=_set("x", session_id=theirs.id))


def test_failed_unit_of_work_is_rolled_back(db: Database) -> None:
    with pytest.raises(RuntimeError, match="boom"), db.session() as s:
        repo.add_set(session=s, user_id=1, data=_set("r-1"))
        raise RuntimeError("boom")
    with db.session(readonly=True) as s:
        assert repo.list_sets(session=s, user_id=1) == []


def test_times_come_back_as_utc(db: Database) -> None:
    local = datetime(2026, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    with db.session() as s:
        repo.add_set(session=s, user_id=1, data=_set("t-1", performed_at=local))
    with db.session(readonly=True) as s:
        (row,) = repo.list_sets(session=s, user_id=1)
    assert row.performed_at == datetime(2026, 3, 1, 10, 30, tzinfo=UTC)
    assert row.performed_at.tzinfo is not None


def test_list_sets_filters_and_limit(db: Database) -> None:
    with db.session() as s:
        for i in range(5):
            repo.add_set(
                session=s,
                user_id=1,
                data=_set(
                    f"s-{i}",
                    performed_at=T0 + timedelta(minutes=i),
                    exercise_id="leg_press" if i % 2 else "barbell_curl",
                ),
            )
    with db.session(readonly=True) as s:
        assert [r.uuid for r in repo.list_sets(session=s, user_id=1, limit=2)] == ["s-3", "s-4"]
        curls = repo.list_sets(session=s, user_id=1, exercise_id="barbell_curl")
        assert [r.uuid for r in curls] == ["s-0", "s-2", "s-4"]
        since = repo.list_sets(session=s, user_id=1, since=T0 + timedelta(minutes=3))
        assert [r.uuid for r in since] == ["s-3", "s-4"]


def test_list_workouts_spans_each_session_by_its_sets(db: Database) -> None:
    with db.session() as s:
        older = repo.create_session(session=s, user_id=1, data=SessionCreate(started_at=T0))
        newer = repo.create_session(
            session=s, user_id=1, data=SessionCreate(started_at=T0 + timedelta(days=1))
        )
        empty = repo.create_session(
            session=s, user_id=1, data=SessionCreate(started_at=T0 + timedelta(days=2))
        )
        repo.end_session(
            session=s, user_id=1, session_id=newer.id, ended_at=T0 + timedelta(days=1, hours=1)
        )
        for i, minutes in enumerate((5, 40, 20)):
            repo.add_set(
                session=s,
                user_id=1,
                data=_set(
                    f"w-{i}", session_id=older.id, performed_at=T0 + timedelta(minutes=minutes)
                ),
            )
        repo.add_set(
            session=s,
            user_id=1,
            data=_set("w-3", session_id=newer.id, performed_at=T0 + timedelta(days=1)),
        )
        gone = repo.add_set(
            session=s,
            user_id=1,
            data=_set("w-4", session_id=older.id, performed_at=T0 + timedelta(hours=3)),
        )
        repo.delete_set(session=s, user_id=1, set_id=gone.id, at=T0 + timedelta(days=3))
    with db.session(readonly=True) as s:
        got = repo.list_workouts(session=s, user_id=1)
        assert empty.id not in [w.session_id for w in got]  # no sets: not a workout to list
        assert got == [
            repo.WorkoutSpan(
                newer.id, T0 + timedelta(days=1), T0 + timedelta(days=1, hours=1), "guided",
                T0 + timedelta(days=1), T0 + timedelta(days=1), 1,
            ),
            repo.WorkoutSpan(
                older.id, T0, None, "guided",
                T0 + timedelta(minutes=5), T0 + timedelta(minutes=40), 3,
            ),
        ]  # fmt: skip
        assert repo.list_workouts(session=s, user_id=1, limit=1, offset=1) == got[1:]
        assert repo.list_workouts(session=s, user_id=1, since=T0 + timedelta(days=1)) == got[:1]
        assert repo.list_workouts(session=s, user_id=2) == []


def test_reflection_added_later_and_replaced(db: Database) -> None:
    with db.session() as s:
        repo.add_set(session=s, user_id=1, data=_set("f-1"))
        repo.add_reflection(
            session=s, user_id=1, set_uuid="f-1", data=ReflectionCreate(target_rating=3)
        )
        repo.add_reflection(
            session=s, user_id=1, set_uuid="f-1", data=ReflectionCreate(target_rating=8, note="ok")
        )
    with db.session(readonly=True) as s:
        row = repo.get_set(session=s, user_id=1, uuid="f-1")
    assert row.reflection is not None
    assert (row.reflection.target_rating, row.reflection.note) == (8, "ok")


def test_session_state_resume_and_end(db: Database) -> None:
    with db.session() as s:
        made = repo.create_session(
            session=s,
            user_id=1,
            data=SessionCreate(
                plan={"decision": "train"},
                planned=[{"exercise_id": "barbell_curl"}, {"exercise_id": "leg_press"}],
            ),
        )
        repo.save_session_state(session=s, user_id=1, session_id=made.id, state={"pos": [0, 1]})
    with db.session(readonly=True) as s:
        found = repo.latest_open_session(session=s, user_id=1)
        assert found is not None
        assert found.id == made.id
        assert found.state == {"pos": [0, 1]}
        assert [p.exercise_id for p in found.planned] == ["barbell_curl", "leg_press"]
    with db.session() as s:
        repo.end_session(session=s, user_id=1, session_id=made.id)
    with db.session(readonly=True) as s:
        assert repo.latest_open_session(session=s, user_id=1) is None
        assert repo.list_sessions(session=s, user_id=1)[0].ended_at is not None


def test_profile_is_created_then_replaced(db: Database) -> None:
    with db.session() as s:
        assert repo.get_profile(session=s, user_id=1) is None
        repo.save_profile(session=s, user_id=1, data=ProfileData(goal="strength"))
        repo.save_profile(
            session=s,
            user_id=1,
            data=ProfileData(units="lb", equipment={"unit": "lb", "bar": 45.0}, bodyweight_kg=80),
        )
    with db.session(readonly=True) as s:
        row = repo.get_profile(session=s, user_id=1)
    assert row is not None
    assert (row.units, row.goal, row.equipment, row.bodyweight_kg) == (
        "lb",
        "hypertrophy",
        {"unit": "lb", "bar": 45.0},
        80.0,
    )


def test_readiness_drills_exercises_recordings_experiments(db: Database) -> None:
    with db.session() as s:
        repo.add_readiness(
            session=s, user_id=1, data=ReadinessCreate(sleep=4, energy=3, stress=2, focus=5)
        )
        drill = repo.create_drill(session=s, user_id=1, plan={"items": []})
        repo.add_drill_rating(
            session=s,
            user_id=1,
            drill_id=drill.id,
            data=DrillRatingCreate(muscle_id="lats", rating=4),
        )
        repo.end_drill(session=s, user_id=1, drill_id=drill.id)
        repo.upsert_user_exercise(
            session=s, user_id=1, data=UserExerciseCreate(exercise_id="my_curl", exercise={"a": 1})
        )
        repo.upsert_user_exercise(
            session=s, user_id=1, data=UserExerciseCreate(exercise_id="my_curl", exercise={"a": 2})
        )
        repo.add_recording(
            session=s, user_id=1, data=RecordingCreate(kind="emg", set_uuid="z", blob=b"\x00\x01")
        )
        exp = repo.create_experiment(
            session=s,
            user_id=1,
            data=ExperimentCreate(design={"conditions": ["internal", "external"]}, seed=3),
            sets=[
                ExperimentSetCreate(condition="external", order_index=0),
                ExperimentSetCreate(condition="internal", order_index=1),
            ],
        )
        repo.link_experiment_set(
            session=s, user_id=1, experiment_id=exp.id, order_index=1, set_uuid="z"
        )
        with pytest.raises(NotFoundError, match=r"no set at position 5; positions are 0\.\.1"):
            repo.link_experiment_set(
                session=s, user_id=1, experiment_id=exp.id, order_index=5, set_uuid="z"
            )
    with db.session(readonly=True) as s:
        assert repo.latest_readiness(session=s, user_id=1) is not None
        assert [(r.muscle_id, r.rating) for r in repo.list_drill_ratings(session=s, user_id=1)] == [
            ("lats", 4)
        ]
        assert [e.exercise for e in repo.list_user_exercises(session=s, user_id=1)] == [{"a": 2}]
        assert repo.list_recordings(session=s, user_id=1, set_uuid="z")[0].blob == b"\x00\x01"
        got = repo.get_experiment(session=s, user_id=1, experiment_id=exp.id)
        assert [(x.condition, x.set_uuid) for x in got.sets] == [
            ("external", None),
            ("internal", "z"),
        ]


# --- SQLite only ----------------------------------------------------------------------------


def test_sqlite_settings(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'a.db'}")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    db.close()


def test_default_database_lives_in_the_data_folder(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("MINDMUSCLE_DATABASE_URL", raising=False)
    db = open_database(settings=Settings(data_dir=tmp_path / "data"))
    assert db.url == f"sqlite:///{tmp_path / 'data' / 'mindmuscle.db'}"
    assert (tmp_path / "data" / "mindmuscle.db").is_file()
    db.close()


def test_environment_variable_chooses_the_database(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MINDMUSCLE_DATABASE_URL", f"sqlite:///{tmp_path / 'env.db'}")
    db = open_database()
    assert db.url.endswith("env.db")
    db.close()


def test_database_exists(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "e.db"
    assert not database_exists(str(path))
    open_database(str(path)).close()
    assert database_exists(f"sqlite:///{path}")
    assert database_exists("postgresql+psycopg://u@h/db")
    monkeypatch.setenv("MINDMUSCLE_DATABASE_URL", str(tmp_path / "none.db"))
    assert not database_exists()


def test_plain_paths_are_sqlite_files(tmp_path: Path) -> None:
    assert normalise_url(str(tmp_path / "p.db")) == f"sqlite:///{tmp_path / 'p.db'}"
    db = open_database(str(tmp_path / "sub" / "p.db"))
    assert (tmp_path / "sub" / "p.db").is_file()
    db.close()


def test_reopening_keeps_the_data(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'r.db'}"
    db = open_database(url)
    with db.session() as s:
        repo.add_set(session=s, user_id=1, data=_set("keep"))
    db.close()
    db = open_database(url)
    with db.session(readonly=True) as s:
        assert [r.uuid for r in repo.list_sets(session=s, user_id=1)] == ["keep"]
    db.close()


def _unchanged(path: Path, before: bytes) -> None:
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]


def test_a_text_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("shopping list\neggs\n")
    before = path.read_bytes()
    with pytest.raises(DatabaseFileError, match=rf"{path} is not a SQLite database.*Nothing was"):
        open_database(str(path))
    _unchanged(path, before)


def test_a_foreign_sqlite_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.execute("INSERT INTO invoices VALUES (1, 9.5)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(
        DatabaseFileError,
        match=rf"{path} is not a MindMuscle database: it holds other tables \(invoices\)",
    ):
        open_database(f"sqlite:///{path}")
    _unchanged(path, before)


def test_a_truncated_sqlite_file_is_refused(tmp_path: Path) -> None:
    good = tmp_path / "good.db"
    open_database(str(good)).close()
    path = tmp_path / "broken.db"
    path.write_bytes(good.read_bytes()[:100] + b"\xff" * 50)
    before = path.read_bytes()
    with pytest.raises(DatabaseFileError, match=rf"{path}"):
        open_database(str(path))
    assert path.read_bytes() == before


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    open_database(str(path)).close()
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.commit()
    conn.close()
    with pytest.raises(DatabaseFileError, match=r"schema version '9999'.*Upgrade MindMuscle"):
        open_database(str(path))


def test_foreign_keys_are_enforced(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "fk.db"))
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError, match="FOREIGN KEY"), db.session() as s:
        s.execute(text("INSERT INTO drills (user_id, started_at) VALUES (42, '2026-01-01')"))
    db.close()


def test_public_api_is_exported() -> None:
    import mindmuscle.store as store
    from mindmuscle.store import repo as repo_module

    for module in (store, repo_module):
        assert all(hasattr(module, name) for name in module.__all__)
    public = {
        n for n in vars(repo_module) if not n.startswith("_") and callable(getattr(repo_module, n))
    }
    functions = {n for n in public if getattr(repo_module, n).__module__ == repo_module.__name__}
    assert functions == set(repo_module.__all__)


def test_routines_are_stored_per_user_with_unique_names(db: Database) -> None:
    from mindmuscle.store import RoutineData

    now = datetime(2026, 12, 7, 1, 0, tzinfo=UTC)
    arms = RoutineData(name="Arms", exercises=[{"exercise_id": "barbell_curl", "sets": 3}])
    with db.session() as s:
        other = repo.create_user(session=s, name="sam").id
        first = repo.create_routine(session=s, user_id=1, data=arms, now=now).id
        # Another user may use the same name.
        repo.create_routine(session=s, user_id=other, data=arms, now=now)
    with db.session() as s, pytest.raises(InvalidInputError, match="already have a routine"):
        repo.create_routine(session=s, user_id=1, data=arms, now=now)
    later = now + timedelta(minutes=5)
    legs = RoutineData(name="Legs", exercises=[{"exercise_id": "barbell_back_squat", "sets": 5}])
    with db.session() as s:
        repo.update_routine(session=s, user_id=1, routine_id=first, data=legs, now=later)
        repo.create_routine(session=s, user_id=1, data=arms, now=now)
    with db.session(readonly=True) as s:
        rows = repo.list_routines(session=s, user_id=1)
        assert [(r.name, r.exercises, r.updated_at) for r in rows] == [
            ("Legs", [{"exercise_id": "barbell_back_squat", "sets": 5}], later),
            ("Arms", [{"exercise_id": "barbell_curl", "sets": 3}], now),
        ]
        with pytest.raises(NotFoundError, match=f"No routine with id {first}"):
            repo.get_routine(session=s, user_id=other, routine_id=first)
    with db.session() as s:
        repo.delete_routine(session=s, user_id=1, routine_id=first)
    with db.session(readonly=True) as s:
        assert [r.name for r in repo.list_routines(session=s, user_id=1)] == ["Arms"]
        assert [r.name for r in repo.list_routines(session=s, user_id=other)] == ["Arms"]


def test_motion_counts_of_sets_read_the_count_and_the_confirmed_reps(db: Database) -> None:
    # What the lifter's usual cadence is learnt from: the count shown then, beside the reps they
    # confirmed, for the sets of one exercise that still count, oldest first.
    with db.session() as s:
        for i, (reps, counted) in enumerate([(8, 8), (9, 8), (7, 7)]):
            repo.add_set(
                session=s,
                user_id=1,
                data=_set(f"m-{i}", reps=reps, performed_at=T0 + timedelta(minutes=i)),
            )
            repo.store_motion_recording(
                session=s,
                user_id=1,
                data=RecordingCreate(
                    kind="motion",
                    set_uuid=f"m-{i}",
                    data={"t_ms": [0, 10]},
                    analysis={"reps": counted, "rep_s": 3.0 + i},
                ),
            )
        repo.add_set(session=s, user_id=1, data=_set("other", exercise_id="barbell_row"))
        repo.store_motion_recording(
            session=s,
            user_id=1,
            data=RecordingCreate(kind="motion", set_uuid="other", analysis={"reps": 5}),
        )
    with db.session() as s:
        [gone] = [r for r in repo.list_sets(session=s, user_id=1) if r.uuid == "m-2"]
        repo.delete_set(session=s, user_id=1, set_id=gone.id)
    with db.session(readonly=True) as s:
        rows = repo.motion_counts_of_sets(session=s, user_id=1, exercise_id="barbell_curl")
    assert rows == [({"reps": 8, "rep_s": 3.0}, 8), ({"reps": 8, "rep_s": 4.0}, 9)]
