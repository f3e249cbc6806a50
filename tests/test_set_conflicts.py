"""A set sent to a workout that cannot take it is refused on the one write path, in words, with
nothing stored: the same place of a workout saved twice (two tabs or two devices, each with its
own uuid), or a workout deleted meanwhile. A retry of a set already stored is still answered
as stored."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.test_web_api import _client, _plan, _set_body


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path) as c:
        yield c


def _sets(client: TestClient, plan: dict[str, Any]) -> list[dict[str, Any]]:
    r = client.get("/api/sets", params={"session_id": plan["session_id"], "deleted": True})
    rows: list[dict[str, Any]] = r.json()
    return rows


def test_the_same_place_of_a_workout_saved_twice_is_refused(client: TestClient) -> None:
    plan = _plan(client)
    first = client.post("/api/sets", json=_set_body(plan, uuid=str(uuid.uuid4())))
    assert first.status_code == 200, first.text
    other_tab = _set_body(plan, uuid=str(uuid.uuid4()), reps=8)
    r = client.post("/api/sets", json=other_tab)
    assert r.status_code == 409
    name = plan["plan"]["exercises"][0]["name"]
    assert r.json() == {
        "error": "Not now",
        "message": f"Set 1 of {name} in this workout is already stored (10 reps, done "
        "2026-11-21 10:00 UTC), saved from another tab or device, so this one was not stored "
        "as well. Discard it if it is the same set.",
        "conflict": "place_taken",
    }
    assert [s["reps"] for s in _sets(client, plan)] == [10]
    # The set's own retry is answered as stored; the next place is free.
    again = client.post("/api/sets", json=_set_body(plan, uuid=first.json()["set"]["uuid"]))
    assert again.status_code == 200 and again.json()["stored_now"] is False
    second = client.post("/api/sets", json=_set_body(plan, uuid=str(uuid.uuid4()), set_index=1))
    assert second.status_code == 200
    # A deleted set leaves its place free: the set saved again there is stored.
    assert client.delete(f"/api/sets/{first.json()['set']['id']}").status_code == 200
    r = client.post("/api/sets", json=other_tab)
    assert r.status_code == 200 and r.json()["stored_now"] is True


def test_a_set_of_a_deleted_workout_is_refused_and_stored_when_sent_without_it(
    client: TestClient,
) -> None:
    plan = _plan(client)
    stored = client.post("/api/sets", json=_set_body(plan, uuid=str(uuid.uuid4())))
    assert client.delete(f"/api/sessions/{plan['session_id']}").status_code == 200
    late = _set_body(plan, uuid=str(uuid.uuid4()), set_index=1)
    r = client.post("/api/sets", json=late)
    assert r.status_code == 409
    assert r.json()["conflict"] == "workout_deleted"
    assert r.json()["message"].startswith("The workout of this set (started ")
    assert r.json()["message"].endswith(
        ") was deleted, on this or another device, so the set was not stored into it. Save it "
        "into a workout of its own day, or discard it."
    )
    assert len(_sets(client, plan)) == 1  # the deleted workout holds only its own set
    # A retry of a set stored before the workout went is answered as stored (and deleted).
    again = client.post("/api/sets", json=_set_body(plan, uuid=stored.json()["set"]["uuid"]))
    assert again.status_code == 200 and again.json()["stored_now"] is False
    # Sent without the workout, the set is stored: History shows it as a workout of its day.
    r = client.post("/api/sets", json=late | {"session_id": None})
    assert r.status_code == 200, r.text
    assert r.json()["set"]["session_id"] is None
    assert [s["uuid"] for s in client.get("/api/sets").json()] == [late["uuid"]]
