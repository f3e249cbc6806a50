"""The store's edits, deletes and restores: every change kept as a revision, nothing lost."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from mindmuscle.errors import InvalidInputError, NotFoundError
from mindmuscle.store import (
    LOCAL_USER_ID,
    Database,
    ReflectionCreate,
    SessionCreate,
    SetCreate,
    repo,
)
from tests.test_store import make_db

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
T1 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
T2 = datetime(2026, 3, 3, 8, 0, tzinfo=UTC)
U = LOCAL_USER_ID


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A fresh database: SQLite, and PostgreSQL when MINDMUSCLE_TEST_PG_URL is set."""
    yield from make_db(request.param, tmp_path)


def _add(s: Session, uuid: str, session_id: int | None = None, rating: int | None = 6) -> int:
    row = repo.add_set(
        session=s,
        user_id=U,
        data=SetCreate(
            uuid=uuid,
            exercise_id="barbell_curl",
            performed_at=T0,
            load_kg=30.0,
            reps=10,
            rir=2,
            session_id=session_id,
            reflection=None
            if rating is None
            else ReflectionCreate(target_rating=rating, felt_elsewhere={"front_delt": 3}),
        ),
    )
    s.flush()
    return row.id


def test_an_edit_keeps_the_previous_values_as_a_revision(db: Database) -> None:
    with db.session() as s:
        set_id = _add(s, "a")
    with db.session() as s:
        rev = repo.edit_set(
            session=s,
            user_id=U,
            set_id=set_id,
            values={"reps": 8, "load_kg": 30.0, "target_rating": 9, "felt_elsewhere": {}},
            at=T1,
        )
        assert rev is not None
    with db.session(readonly=True) as s:
        row = repo.get_set_by_id(session=s, user_id=U, set_id=set_id)
        assert (row.reps, row.load_kg, row.rir) == (8, 30.0, 2)
        assert row.reflection is not None
        assert (row.reflection.target_rating, row.reflection.felt_elsewhere) == (9, {})
        (only,) = repo.list_set_revisions(session=s, user_id=U, set_id=set_id)
        assert (only.kind, only.revised_at) == ("edit", T1)
        assert only.changes == {
            "reps": [10, 8],
            "target_rating": [6, 9],
            "felt_elsewhere": [{"front_delt": 3}, {}],
        }


def test_an_edit_that_changes_nothing_keeps_no_revision(db: Database) -> None:
    with db.session() as s:
        set_id = _add(s, "a")
        assert repo.edit_set(session=s, user_id=U, set_id=set_id, values={"reps": 10}) is None
        assert repo.list_set_revisions(session=s, user_id=U, set_id=set_id) == []


def test_a_set_without_reflection_gets_one_when_it_is_rated(db: Database) -> None:
    with db.session() as s:
        set_id = _add(s, "a", rating=None)
    with db.session() as s:
        repo.edit_set(
            session=s, user_id=U, set_id=set_id, values={"target_rating": 4, "note": "grip"}
        )
    with db.session(readonly=True) as s:
        row = repo.get_set_by_id(session=s, user_id=U, set_id=set_id)
        assert row.reflection is not None
        assert (row.reflection.target_rating, row.reflection.note) == (4, "grip")
        (rev,) = repo.list_set_revisions(session=s, user_id=U, set_id=set_id)
        assert rev.changes == {"note": [None, "grip"], "target_rating": [None, 4]}


def test_an_unknown_field_is_refused(db: Database) -> None:
    with db.session() as s:
        set_id = _add(s, "a")
    with db.session() as s, pytest.raises(InvalidInputError, match=r"Cannot edit \['uuid'\]"):
        repo.edit_set(session=s, user_id=U, set_id=set_id, values={"uuid": "b"})


def test_delete_and_restore_a_set(db: Database) -> None:
    with db.session() as s:
        keep, gone = _add(s, "a"), _add(s, "b")
    with db.session() as s:
        repo.delete_set(session=s, user_id=U, set_id=gone, at=T1)
        repo.delete_set(session=s, user_id=U, set_id=gone, at=T2)  # again: no change
    with db.session(readonly=True) as s:
        assert [r.id for r in repo.list_sets(session=s, user_id=U)] == [keep]
        both = repo.list_sets(session=s, user_id=U, include_deleted=True)
        assert [(r.id, r.deleted_at) for r in both] == [(keep, None), (gone, T1)]
    with db.session() as s:
        repo.restore_set(session=s, user_id=U, set_id=gone, at=T2)
    with db.session(readonly=True) as s:
        assert [r.id for r in repo.list_sets(session=s, user_id=U)] == [keep, gone]
        revs = repo.list_set_revisions(session=s, user_id=U, set_id=gone)
        assert [(r.kind, r.changes) for r in revs] == [
            ("delete", {"deleted_at": [None, T1.isoformat()]}),
            ("restore", {"deleted_at": [T1.isoformat(), None]}),
        ]


def test_a_workout_is_deleted_and_restored_with_its_sets(db: Database) -> None:
    with db.session() as s:
        sid = repo.create_session(session=s, user_id=U, data=SessionCreate(source="log")).id
        first, second, third = _add(s, "a", sid), _add(s, "b", sid), _add(s, "c", sid)
        repo.delete_set(session=s, user_id=U, set_id=first, at=T0)
    with db.session() as s:
        repo.delete_session(session=s, user_id=U, session_id=sid, at=T1)
    with db.session(readonly=True) as s:
        assert repo.list_sets(session=s, user_id=U) == []
        assert repo.list_sessions(session=s, user_id=U) == []
        with pytest.raises(InvalidInputError, match="restore the workout"):
            repo.restore_set(session=s, user_id=U, set_id=second)
    with db.session() as s:
        repo.restore_session(session=s, user_id=U, session_id=sid, at=T2)
    with db.session(readonly=True) as s:
        # The set deleted on its own before stays deleted.
        assert [r.id for r in repo.list_sets(session=s, user_id=U)] == [second, third]
        assert [r.id for r in repo.list_sessions(session=s, user_id=U)] == [sid]


def test_another_users_set_and_huge_ids_are_not_found(db: Database) -> None:
    with db.session() as s:
        other = repo.create_user(session=s, name="other").id
        set_id = _add(s, "a")
    with db.session() as s:
        for uid, sid in ((other, set_id), (U, 2**63), (U, 2**70), (U, -1)):
            with pytest.raises(NotFoundError, match="No set with id"):
                repo.get_set_by_id(session=s, user_id=uid, set_id=sid)
