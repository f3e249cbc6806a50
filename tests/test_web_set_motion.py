"""``POST /api/sets/{ref}/motion``: a motion file kept with a logged set from the web app, counted
as ``mindmuscle set motion`` counts it (one service), with the file's name in every refusal and
another user's set out of reach. The synthetic file is the motion page's (8 repetitions)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mindmuscle.coach.sets import parse_set
from mindmuscle.services.sets import record_set
from mindmuscle.store import Database, repo
from tests.test_web_data import _client
from tests.test_web_motion_files import synthetic_csv

PERFORMED = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path) as c:
        yield c


def _db(c: TestClient) -> Database:
    db: Database = c.app.state.ctx.db  # type: ignore[attr-defined]
    return db


def add_set(db: Database, user_id: int = 1, reps: int = 9) -> tuple[int, str]:
    data = parse_set(
        {"exercise_id": "seated_cable_row", "performed_at": PERFORMED, "load_kg": 40.0,
         "reps": reps, "reflection": {"target_rating": 7}}
    )  # fmt: skip
    stored = record_set(db=db, user_id=user_id, data=data, now=PERFORMED).record
    return stored.id, stored.uuid


def store(c: TestClient, ref: int | str, content: bytes, name: str = "row.csv", **data: str) -> Any:
    return c.post(f"/api/sets/{ref}/motion", files={"file": (name, content, "text/csv")}, data=data)


def test_a_file_is_kept_with_its_set_and_counted_with_the_sets_exercise(
    client: TestClient,
) -> None:
    set_id, uuid = add_set(_db(client))
    r = store(client, uuid, synthetic_csv())
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["set_id"], body["exercise"], body["confirmed"]) == (
        set_id,
        "Seated Cable Row",
        9,
    )
    assert body["file_name"] == "row.csv"
    assert body["summary"]["reps"] == 8
    assert body["span_line"] == "set found from 1.2 s to 46.0 s of the 46.0 s recording"
    assert len(body["figure"]["data"]) > 0
    with _db(client).session() as s:
        [row] = repo.list_recordings(session=s, user_id=1, set_uuid=uuid, kind="motion")
        assert row.file_name == "row.csv" and row.blob == synthetic_csv()
        assert row.analysis is not None and row.analysis["reps"] == 8
    # A set keeps one motion recording: a second file is refused in one line and not stored.
    again = store(client, set_id, synthetic_csv(), name="again.csv")
    assert again.status_code == 422
    assert again.json()["message"] == (
        "The Seated Cable Row set of 2026-12-01 10:00 UTC already has its motion recording "
        "(from row.csv); a set keeps one."
    )


def test_refusals_name_the_uploaded_file_and_store_nothing(client: TestClient) -> None:
    set_id, uuid = add_set(_db(client))
    odd = store(client, set_id, synthetic_csv(scale=0.25), name="odd.csv")
    assert odd.status_code == 422
    assert odd.json()["message"] == (
        "odd.csv: cannot tell the acceleration units (gravity reads 39.2); they must be g or "
        "m/s^2. Pick g or m/s² under 'Acceleration in' and analyse again."
    )
    other_kind = store(client, set_id, b"\x89PNG\r\n", name="set.png")
    assert other_kind.status_code == 422
    assert other_kind.json()["message"].startswith("set.png: a .png file is not a format")
    with _db(client).session() as s:
        assert repo.list_recordings(session=s, user_id=1, set_uuid=uuid) == []
    # With the units given, the same file is kept.
    ok = store(client, set_id, synthetic_csv(scale=0.25), name="odd.csv", units="ms2")
    assert ok.status_code == 200 and ok.json()["summary"]["reps"] == 8


def test_another_users_set_is_not_found(client: TestClient) -> None:
    db = _db(client)
    with db.session() as s:
        other = repo.create_user(session=s, name="sam").id
    set_id, uuid = add_set(db, user_id=other)
    for ref in (set_id, uuid):
        r = store(client, ref, synthetic_csv())
        assert r.status_code == 404, r.text
    with db.session() as s:
        assert repo.list_recordings(session=s, user_id=other) == []
        assert repo.list_recordings(session=s, user_id=1) == []


def test_the_motion_page_lists_the_sets_by_name(client: TestClient) -> None:
    _set_id, uuid = add_set(_db(client))
    page = client.get("/motion").text
    assert (
        f'<option value="{uuid}" data-exercise="seated_cable_row">01 Dec 2026 10:00 · Seated '
        "Cable Row · 9 reps</option>"
    ) in page


def test_a_deleted_set_names_the_web_way_to_restore_it(client: TestClient) -> None:
    set_id, _uuid = add_set(_db(client))
    assert client.delete(f"/api/sets/{set_id}").status_code == 200
    r = store(client, set_id, synthetic_csv())
    assert r.status_code == 422
    assert r.json()["message"] == (
        "The Seated Cable Row set of 2026-12-01 10:00 UTC is deleted: its motion is stored once "
        "it is restored. Restore it first: Undo on the History page."
    )
