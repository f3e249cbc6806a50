"""Migrations: a database made by an earlier version is upgraded in place, losing nothing."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.errors import NotAllowedError
from mindmuscle.store import open_database, repo
from mindmuscle.store.engine import _alembic_config, _head_revision


def _make_0001_database(path: Path) -> None:
    """A database at revision 0001 (before edits and deletes), with a session, a set and its
    reflection written as that version wrote them."""
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        cfg = _alembic_config()
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    engine.dispose()
    con = sqlite3.connect(path)
    with con:
        con.execute(
            "INSERT INTO users (id, name, created_at) VALUES (1, 'local', '2026-03-01 09:00:00')"
        )
        con.execute(
            "INSERT INTO sessions (id, user_id, started_at, source, notes) "
            "VALUES (7, 1, '2026-03-01 10:00:00', 'log', 'legs')"
        )
        con.execute(
            "INSERT INTO sets (id, user_id, uuid, session_id, exercise_id, performed_at, load_kg, "
            "reps, set_type, rir, source, notes) VALUES (3, 1, 'u-1', 7, 'barbell_back_squat', "
            "'2026-03-01 10:05:00', 102.5, 5, 'working', 2, 'log', 'felt good')"
        )
        con.execute(
            "INSERT INTO reflections (user_id, set_id, set_uuid, target_rating, felt_elsewhere, "
            "note, created_at) VALUES (1, 3, 'u-1', 7, '{\"lower_back\": 3}', '', "
            "'2026-03-01 10:06:00')"
        )
    con.close()


def test_db_upgrade_brings_a_0001_database_to_the_head_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _make_0001_database(path)

    result = CliRunner().invoke(app, ["db", "upgrade", "--db", str(path)])

    assert result.exit_code == 0, result.output
    db = open_database(str(path))
    try:
        assert db.current_revision() == _head_revision()
        with db.session(readonly=True) as s:
            (row,) = repo.list_sets(session=s, user_id=1)
            assert (row.id, row.uuid, row.session_id, row.load_kg, row.reps, row.rir) == (
                3,
                "u-1",
                7,
                102.5,
                5,
                2,
            )
            assert row.notes == "felt good"
            assert row.deleted_at is None
            assert row.reflection is not None
            assert row.reflection.target_rating == 7
            assert row.reflection.felt_elsewhere == {"lower_back": 3}
            sess = repo.get_session(session=s, user_id=1, session_id=7)
            assert (sess.notes, sess.deleted_at) == ("legs", None)
    finally:
        db.close()


def test_the_migration_downgrades_to_0001_and_up_again(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _make_0001_database(path)
    open_database(str(path)).close()
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        cfg = _alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    engine.dispose()
    con = sqlite3.connect(path)
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    set_columns = {r[1] for r in con.execute("PRAGMA table_info(sets)")}
    assert con.execute("SELECT load_kg, reps FROM sets WHERE id = 3").fetchone() == (102.5, 5)
    con.close()
    assert "set_revisions" not in tables
    assert "deleted_at" not in set_columns

    db = open_database(str(path))
    assert db.current_revision() == _head_revision()
    db.close()


def test_the_revision_chain_read_from_the_files_is_alembics() -> None:
    """Opening a database at the head reads the migration files instead of importing Alembic."""
    from alembic.script import ScriptDirectory

    from mindmuscle.store.engine import _revision_chain

    script = ScriptDirectory.from_config(_alembic_config())
    assert _revision_chain() == {r.revision: r.down_revision for r in script.walk_revisions()}
    assert _head_revision() == script.get_current_head()


def test_a_reading_command_still_migrates_a_database_at_an_older_revision(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _make_0001_database(path)

    result = CliRunner().invoke(app, ["history", "--db", str(path)])

    assert result.exit_code == 0, result.output
    assert "Barbell Back Squat" in result.output
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [
        (_head_revision(),)
    ]
    assert con.execute("SELECT load_kg, reps, deleted_at FROM sets").fetchall() == [
        (102.5, 5, None)
    ]
    con.close()


def _cards_at(url: str, revision: str, *, down: bool = False) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        cfg = _alembic_config()
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_own_exercises_whose_kind_was_guessed_become_unknown(backend: str, tmp_path: Path) -> None:
    """0012: an own exercise tagged isolation by the old guess ("Warm Up") is of unknown kind;
    one whose name says isolation, a compound, and a built-in card are left as they were."""
    from sqlalchemy import JSON, Integer, String, column, insert, select, table

    from mindmuscle.catalog import load_catalog
    from mindmuscle.catalog.matching import user_exercise_for
    from mindmuscle.services.catalog import user_catalog
    from tests.test_store import make_url

    cards = table(
        "user_exercises",
        column("id", Integer),
        column("user_id", Integer),
        column("exercise_id", String),
        column("exercise", JSON),
        column("source", String),
        column("created_at"),
    )
    catalog = load_catalog()
    guessed = {  # as the version before 0012 stored them
        "Warm Up": "isolation",
        "Jumping Jacks": "isolation",
        "Cable Crossovers": "isolation",
        "Leg Press Machine": "compound",
    }
    for url in make_url(backend, tmp_path):
        _cards_at(url, "0011")
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO users (id, name, created_at) VALUES (1, 'local', :t)"),
                {"t": "2026-03-01 09:00:00"},
            )
            for n, (name, kind) in enumerate(guessed.items(), start=1):
                card = user_exercise_for(name, catalog).exercise.model_dump(mode="json")
                conn.execute(
                    insert(cards).values(
                        id=n,
                        user_id=1,
                        exercise_id=card["id"],
                        exercise={**card, "mechanic": kind},
                        source="user",
                        created_at="2026-03-01 09:00:00",
                    )
                )
        engine.dispose()

        def kinds(url: str = url) -> dict[str, str]:
            eng = create_engine(url)
            with eng.connect() as conn:
                rows = conn.execute(select(cards.c.exercise).order_by(cards.c.id)).all()
            eng.dispose()
            return {r[0]["name"]: r[0]["mechanic"] for r in rows}

        _cards_at(url, "0012")
        upgraded = {
            "Warm Up": "unknown",
            "Jumping Jacks": "unknown",
            "Cable Crossovers": "isolation",
            "Leg Press Machine": "compound",
        }
        assert kinds() == upgraded
        # The app reads them back as cards of that kind.
        db = open_database(url)
        try:
            mine = user_catalog(db=db, user_id=1).exercises
            assert {e.name: e.mechanic.value for e in mine.values() if e.source == "user"} == (
                upgraded
            )
        finally:
            db.close()
        # Down again: the earlier version reads only isolation or compound.
        _cards_at(url, "0011", down=True)
        assert kinds() == guessed
        _cards_at(url, "0012")
        assert kinds() == upgraded


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_existing_lifters_become_clients_of_no_coach(backend: str, tmp_path: Path) -> None:
    """0013: an admin and a lifter of an earlier version keep their accounts and sets; the
    lifter is nobody's client, so the admin gains nothing over them until the owner assigns."""
    from mindmuscle.services import accounts
    from tests.test_store import make_url

    for url in make_url(backend, tmp_path):
        _cards_at(url, "0012")
        engine = create_engine(url)
        with engine.begin() as conn:
            for user_id, name, admin in ((1, "local", False), (2, "ben", True), (3, "alex", False)):
                conn.execute(
                    text(
                        "INSERT INTO users (id, name, created_at, is_admin, password_hash) "
                        "VALUES (:i, :n, '2026-03-01 09:00:00', :a, 'h')"
                    ),
                    {"i": user_id, "n": name, "a": admin},
                )
            conn.execute(
                text(
                    "INSERT INTO sets (id, user_id, uuid, exercise_id, performed_at, load_kg, "
                    "reps, set_type, source, notes) VALUES (3, 3, 'u-1', 'barbell_curl', "
                    "'2026-03-01 10:05:00', 30, 10, 'working', 'log', 'alex''s')"
                )
            )
        engine.dispose()
        _cards_at(url, "0013")
        db = open_database(url)
        try:
            with db.session(readonly=True) as s:
                assert [u.name for u in repo.list_users(session=s)] == ["alex", "ben", "local"]
                assert repo.list_clients(session=s, coach_id=2) == []
                assert repo.coach_of(session=s, client_id=3) is None
                assert [r.notes for r in repo.list_sets(session=s, user_id=3)] == ["alex's"]
            with pytest.raises(NotAllowedError, match="'alex' is not one of your clients"):
                accounts.admin_remove_user(db=db, admin_id=2, name="alex")
            accounts.assign_client(db=db, client="alex", coach="ben")
            assert accounts.client_names(db=db, coach_id=2) == ["alex"]
        finally:
            db.close()
        _cards_at(url, "0012", down=True)
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM users")).scalar() == 3
            assert conn.execute(text("SELECT count(*) FROM sets")).scalar() == 1
        tables = inspect(engine).get_table_names()
        engine.dispose()
        assert "coach_clients" not in tables


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_existing_routines_stay_the_lifters_own(backend: str, tmp_path: Path) -> None:
    """0014: a routine of an earlier version keeps its name and exercises and is nobody's but
    the lifter's (no coach); downgrading drops only the column."""
    from tests.test_store import make_url

    exercises = '[{"exercise_id": "barbell_curl", "sets": 3}]'
    for url in make_url(backend, tmp_path):
        _cards_at(url, "0013")
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO users (id, name, created_at) VALUES (1, 'local', :t)"),
                {"t": "2026-03-01 09:00:00"},
            )
            conn.execute(
                text(
                    "INSERT INTO routines (id, user_id, name, exercises, created_at, updated_at) "
                    "VALUES (4, 1, 'Arms', :e, :t, :t)"
                ),
                {"e": exercises, "t": "2026-03-01 09:00:00"},
            )
        engine.dispose()
        _cards_at(url, "0014")
        db = open_database(url)
        try:
            with db.session(readonly=True) as s:
                (row,) = repo.list_routines(session=s, user_id=1)
                assert (row.id, row.name, row.coach_id) == (4, "Arms", None)
                assert row.exercises == [{"exercise_id": "barbell_curl", "sets": 3}]
        finally:
            db.close()
        _cards_at(url, "0013", down=True)
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM routines")).scalar() == "Arms"
        columns = {c["name"] for c in inspect(engine).get_columns("routines")}
        engine.dispose()
        assert "coach_id" not in columns


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_sets_stored_twice_at_one_place_are_all_kept_and_the_later_ones_marked(
    backend: str, tmp_path: Path
) -> None:
    """0015: a place of a workout that holds several sets (stored before the database refused
    a second) keeps every one, unchanged and counted; the first stored holds the place, the
    later ones are numbered 1, 2 so they no longer collide. Sets that claim no place by the
    write path's rule (no workout or set number, an exercise listed twice, an import) claim
    none; a deleted one claims its place without colliding."""
    from datetime import UTC, datetime

    from sqlalchemy.exc import IntegrityError

    from mindmuscle.coach.models import Reflection
    from mindmuscle.coach.sets import SetInput
    from mindmuscle.errors import SetConflictError
    from mindmuscle.services.sets import record_set, set_record
    from tests.test_store import make_url

    curl, squat = "dumbbell_biceps_curl", "barbell_back_squat"
    # id: (session, exercise, set_index, source, deleted, reps)
    sets = {
        1: (7, curl, 0, "guided", False, 10),
        2: (7, curl, 0, "guided", False, 8),  # the same place again (another tab)
        3: (7, curl, 0, "guided", True, 9),  # deleted: leaves its place
        4: (7, curl, 0, "log", False, 6),  # a third
        5: (7, curl, 1, "guided", False, 10),
        6: (7, curl, 1, "import", False, 10),  # imports never claimed a place
        7: (8, curl, 0, "experiment", False, 10),  # workout 8 lists curl twice
        8: (8, curl, 0, "experiment", False, 11),
        9: (None, curl, 0, "log", False, 5),  # no workout
        10: (7, squat, None, "log", False, 5),  # no set number
    }
    columns = "id, session_id, exercise_id, set_index, source, deleted_at, reps, uuid, notes"
    for url in make_url(backend, tmp_path):
        _cards_at(url, "0014")
        engine = create_engine(url)
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO users (id, name, created_at) VALUES (1, 'local', :t)"),
                {"t": "2026-03-01 09:00:00"},
            )
            for sid, plan in (
                (7, json.dumps({"exercises": [{"exercise_id": curl}]})),
                (8, json.dumps({"exercises": [{"exercise_id": curl}, {"exercise_id": curl}]})),
            ):
                conn.execute(
                    text(
                        "INSERT INTO sessions (id, user_id, started_at, source, notes, plan) "
                        "VALUES (:i, 1, '2026-03-01 10:00:00', 'guided', '', :p)"
                    ),
                    {"i": sid, "p": plan},
                )
            for set_id, (sid, ex, index, source, deleted, reps) in sets.items():
                conn.execute(
                    text(
                        "INSERT INTO sets (id, user_id, uuid, session_id, exercise_id, "
                        "set_index, performed_at, load_kg, reps, set_type, source, notes, "
                        "deleted_at) VALUES (:i, 1, :u, :s, :e, :x, :t, 12, :r, 'working', :src, "
                        ":n, :d)"
                    ),
                    {
                        "i": set_id,
                        "u": f"u-{set_id}",
                        "s": sid,
                        "e": ex,
                        "x": index,
                        "t": f"2026-03-01 10:{set_id:02d}:00",
                        "r": reps,
                        "src": source,
                        "n": f"note {set_id}",
                        "d": "2026-03-01 11:00:00" if deleted else None,
                    },
                )
            before = conn.execute(text(f"SELECT {columns} FROM sets ORDER BY id")).all()
        engine.dispose()

        _cards_at(url, "0015")
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text(f"SELECT {columns} FROM sets ORDER BY id")).all() == before
            copies = dict(conn.execute(text("SELECT id, place_copy FROM sets")).all())
        assert copies == {
            1: 0,
            2: 1,
            3: 0,
            4: 2,
            5: 0,
            6: None,
            7: None,
            8: None,
            9: None,
            10: None,
        }
        # The database now refuses a second set holding a place that counts...
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO sets (user_id, uuid, session_id, exercise_id, set_index, "
                    "performed_at, load_kg, reps, set_type, source, notes, place_copy) VALUES "
                    "(1, 'u-new', 7, :e, 1, '2026-03-01 10:30:00', 12, 10, 'working', 'guided', "
                    "'', 0)"
                ),
                {"e": curl},
            )
        engine.dispose()
        # ... and the app refuses it first, in words, naming the set that holds the place.
        db = open_database(url)
        try:
            with pytest.raises(
                SetConflictError, match=r"^Set 1 of Dumbbell Biceps Curl .*\(10 reps"
            ):
                record_set(
                    db=db,
                    user_id=1,
                    data=SetInput(
                        uuid="00000000-0000-4000-8000-000000000015",
                        exercise_id=curl,
                        performed_at=datetime(2026, 3, 1, 10, 30, tzinfo=UTC),
                        load_kg=12,
                        reps=10,
                        reflection=Reflection(target_rating=7),
                        session_id=7,
                        set_index=0,
                    ),
                )
            with db.session(readonly=True) as s:
                counting = {r.id: set_record(r) for r in repo.list_sets(session=s, user_id=1)}
            assert sorted(counting) == [1, 2, 4, 5, 6, 7, 8, 9, 10]  # every set still counts
            # The later ones say so, wherever the lifter sees a set.
            assert sorted(i for i, r in counting.items() if r.again_at_place) == [2, 4]
        finally:
            db.close()
        _cards_at(url, "0014", down=True)
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text(f"SELECT {columns} FROM sets ORDER BY id")).all() == before
        set_columns = {c["name"] for c in inspect(engine).get_columns("sets")}
        engine.dispose()
        assert "place_copy" not in set_columns
        _cards_at(url, "0015")
