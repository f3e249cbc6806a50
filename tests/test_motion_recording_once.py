"""A set's motion recording is stored once, also when two workers receive the set at once.

The database holds one motion recording per set (a unique index); storing one is idempotent by
the set's UUID. In the store on SQLite and PostgreSQL; on PostgreSQL two transactions are made
to race (both look, find nothing, then both insert); and two real server processes receive
the same set with its motion at the same moment.
"""

from __future__ import annotations

import threading
import uuid as uuid_mod
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.exc import IntegrityError

from mindmuscle.store import Database, RecordingCreate, SetCreate, open_database, repo
from tests.factories import synthetic_curls_payload
from tests.test_store import make_db
from tests.test_web_workers import two_processes  # noqa: F401  (a fixture)

U = "5b0e1f8e-8d0b-4c39-9d63-3f1c2f0a7a11"
T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from make_db(request.param, tmp_path)


def _with_set(db: Database) -> None:
    with db.session() as s:
        repo.store_set(
            session=s,
            user_id=1,
            data=SetCreate(
                uuid=U, exercise_id="dumbbell_biceps_curl", performed_at=T0, load_kg=12, reps=10
            ),
        )


def _motion(n: int) -> RecordingCreate:
    return RecordingCreate(kind="motion", set_uuid=U, data={"t_ms": [0, n], "ax": [0, n]})


def _recordings(db: Database, kind: str) -> list[Any]:
    with db.session(readonly=True) as s:
        return [
            (r.id, r.data)
            for r in repo.list_recordings(session=s, user_id=1, set_uuid=U, kind=kind)
        ]


def test_a_sets_motion_recording_is_stored_once(db: Database) -> None:
    _with_set(db)
    with db.session() as s:
        first, new = repo.store_motion_recording(session=s, user_id=1, data=_motion(1))
        first_id = first.id
    assert new is True
    with db.session() as s:
        again, new = repo.store_motion_recording(session=s, user_id=1, data=_motion(2))
        assert (again.id, again.data, new) == (first_id, {"t_ms": [0, 1], "ax": [0, 1]}, False)
    # The database itself refuses a second motion recording of the set.
    with pytest.raises(IntegrityError), db.session() as s:
        repo.add_recording(session=s, user_id=1, data=_motion(3))
    # A set may have several EMG recordings.
    with db.session() as s:
        for _ in range(2):
            repo.add_recording(session=s, user_id=1, data=RecordingCreate(kind="emg", set_uuid=U))
    assert _recordings(db, "motion") == [(first_id, {"t_ms": [0, 1], "ax": [0, 1]})]
    assert len(_recordings(db, "emg")) == 2


def test_two_transactions_racing_store_one_motion_recording(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    if db.dialect != "postgresql":
        pytest.skip("SQLite writers take turns (BEGIN IMMEDIATE): two cannot race")
    _with_set(db)
    # Both transactions look for the recording and find none before either inserts.
    barrier = threading.Barrier(2, timeout=30)
    looked = threading.local()
    real = repo._motion_recording

    def look_then_wait(session: Any, user_id: int, set_uuid: str) -> Any:
        found = real(session, user_id, set_uuid)
        if not getattr(looked, "once", False):
            looked.once = True
            barrier.wait()
        return found

    monkeypatch.setattr(repo, "_motion_recording", look_then_wait)
    results: list[bool] = []
    errors: list[BaseException] = []

    def store(n: int) -> None:
        try:
            with db.session() as s:
                results.append(
                    repo.store_motion_recording(session=s, user_id=1, data=_motion(n))[1]
                )
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=store, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(results) == [False, True]
    assert len(_recordings(db, "motion")) == 1


def test_two_workers_receiving_the_same_set_at_once_store_one_recording(
    two_processes: tuple[str, str, Path],  # noqa: F811
) -> None:
    a, b, data = two_processes
    body = {
        "uuid": str(uuid_mod.UUID(int=42)),
        "exercise_id": "dumbbell_biceps_curl",
        "set_index": 0,
        "performed_at": "2026-11-21T10:00:00Z",
        "reps": 4,
        "load_kg": 12.0,
        "reflection": {"target_rating": 7, "focus_rating": 6},
        "motion": synthetic_curls_payload(),
    }
    client = httpx.Client(timeout=60)
    try:
        token = client.get(f"{a}/api/csrf").json()["token"]
        headers = {"X-CSRF-Token": token}
        login = client.post(
            f"{a}/api/login", json={"name": "alex", "password": "correct horse"}, headers=headers
        )
        assert login.status_code == 200, login.text
        cookies = dict(client.cookies)
        barrier = threading.Barrier(2, timeout=30)
        answers: list[httpx.Response] = []

        def send(base: str) -> None:
            with httpx.Client(timeout=60, cookies=cookies, headers=headers) as c:
                barrier.wait()
                answers.append(c.post(f"{base}/api/sets", json=body))

        threads = [threading.Thread(target=send, args=(base,)) for base in (a, b)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=90)
    finally:
        client.close()
    assert [r.status_code for r in answers] == [200, 200], [r.text for r in answers]
    assert sorted(r.json()["stored_now"] for r in answers) == [False, True]
    db = open_database(f"sqlite:///{data / 'team.db'}")
    try:
        with db.session(readonly=True) as s:
            user = repo.get_user_by_name(session=s, name="alex")
            assert user is not None
            sets = repo.list_sets(session=s, user_id=user.id)
            motion = repo.list_recordings(
                session=s, user_id=user.id, set_uuid=body["uuid"], kind="motion"
            )
            assert [x.uuid for x in sets] == [body["uuid"]]
            assert len(motion) == 1
            assert motion[0].data == body["motion"]
    finally:
        db.close()
