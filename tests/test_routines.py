"""Routines and changing a workout through the store and the API, user by user (the core's rules
are tested in tests/core/coach/test_routines.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mindmuscle.catalog import load_catalog
from mindmuscle.coach.routines import (
    Routine,
    swap_candidates,
)
from mindmuscle.errors import ChangedMeanwhileError
from mindmuscle.services import accounts
from mindmuscle.services import routines as routine_service
from mindmuscle.services.routines import RoutineOut
from mindmuscle.store import Database, repo
from tests.test_store import make_db
from tests.test_web_accounts import _login
from tests.test_web_api import _client

ARMS = {
    "name": "Arms",
    "exercises": [
        {"exercise_id": "barbell_curl", "sets": 4},
        {"exercise_id": "cable_triceps_pushdown", "sets": 2},
        {"exercise_id": "dumbbell_lateral_raise", "sets": 3},
    ],
}


@pytest.fixture()
def client(tmp_path: Path) -> Any:
    with _client(tmp_path) as c:
        assert c.put("/api/profile", json={"units": "kg"}).status_code == 200
        yield c


# ---------------------------------------------------------------- the API
def test_routines_are_saved_listed_changed_and_deleted(client: TestClient) -> None:
    r = client.post("/api/routines", json=ARMS)
    assert r.status_code == 201, r.text
    saved = r.json()
    assert saved["name"] == "Arms"
    assert [(e["exercise_id"], e["name"], e["sets"]) for e in saved["exercises"]] == [
        ("barbell_curl", "Barbell Curl", 4),
        ("cable_triceps_pushdown", "Cable Triceps Pushdown", 2),
        ("dumbbell_lateral_raise", "Dumbbell Lateral Raise", 3),
    ]
    rid = saved["id"]
    assert client.get(f"/api/routines/{rid}").json() == saved
    assert [x["id"] for x in client.get("/api/routines").json()] == [rid]

    changed = {
        "name": "Arms B",
        "exercises": [{"exercise_id": "dumbbell_lateral_raise", "sets": 5}],
    }
    r = client.put(f"/api/routines/{rid}", json=changed)
    assert r.status_code == 200, r.text
    got = client.get(f"/api/routines/{rid}").json()
    assert (got["name"], [(e["exercise_id"], e["sets"]) for e in got["exercises"]]) == (
        "Arms B",
        [("dumbbell_lateral_raise", 5)],
    )

    r = client.delete(f"/api/routines/{rid}")
    assert r.status_code == 200 and r.json()["name"] == "Arms B"
    assert client.get("/api/routines").json() == []
    assert client.get(f"/api/routines/{rid}").status_code == 404


def test_bad_routines_get_one_clear_line(client: TestClient) -> None:
    assert client.post("/api/routines", json=ARMS).status_code == 201
    r = client.post("/api/routines", json=ARMS)
    assert r.status_code == 422
    assert (
        r.json()["message"]
        == "You already have a routine named 'Arms'; give this one another name."
    )
    r = client.post(
        "/api/routines", json={"name": "X", "exercises": [{"exercise_id": "nope_curl", "sets": 3}]}
    )
    assert r.status_code == 422 and "nope_curl" in r.json()["message"]
    r = client.post(
        "/api/routines",
        json={"name": "X", "exercises": [{"exercise_id": "barbell_curl", "sets": 21}]},
    )
    assert r.status_code == 422
    assert (
        "the sets of a planned exercise must be a whole number from 1 to 20" in r.json()["message"]
    )
    r = client.post(
        "/api/routines", json={"name": "x" * 101, "exercises": [{"exercise_id": "barbell_curl"}]}
    )
    assert r.status_code == 422 and "at most 100 characters" in r.json()["message"]
    r = client.post(
        "/api/routines", json={"name": "X", "exercises": [{"exercise_id": "barbell_curl"}] * 21}
    )
    assert r.status_code == 422
    assert client.get("/api/routines/99999999999999999999").status_code == 422
    assert client.put("/api/routines/5", json=ARMS).status_code == 404
    assert [x["name"] for x in client.get("/api/routines").json()] == ["Arms"]


def test_a_routine_starts_in_its_own_order_with_its_sets(client: TestClient) -> None:
    rid = client.post("/api/routines", json=ARMS).json()["id"]
    r = client.post(f"/api/routines/{rid}/start")
    assert r.status_code == 200, r.text
    started = r.json()
    exercises = started["plan"]["exercises"]
    assert [(p["exercise_id"], p["sets"]) for p in exercises] == [
        ("barbell_curl", 4), ("cable_triceps_pushdown", 2), ("dumbbell_lateral_raise", 3),
    ]  # fmt: skip
    assert started["plan"]["reason"] == "Your routine 'Arms', with today's loads from your history."
    active = client.get("/api/sessions/active").json()
    assert active["session"]["session_id"] == started["session_id"]
    assert set(active["targets"]) == {
        "barbell_curl",
        "cable_triceps_pushdown",
        "dumbbell_lateral_raise",
    }


def test_an_empty_workout_grows_by_prescribed_exercises(client: TestClient) -> None:
    r = client.post("/api/workouts/empty")
    assert r.status_code == 200, r.text
    session_id = r.json()["session_id"]
    assert r.json()["plan"]["exercises"] == []
    r = client.post(
        "/api/prescriptions", json={"exercise_ids": ["dumbbell_lateral_raise", "barbell_curl"]}
    )
    assert r.status_code == 200, r.text
    got = r.json()
    assert [p["exercise_id"] for p in got["prescriptions"]] == [
        "dumbbell_lateral_raise",
        "barbell_curl",
    ]
    assert got["targets"]["barbell_curl"] == list(load_catalog().exercise("barbell_curl").targets)
    # The phone keeps the grown workout in the session's snapshot: it is accepted and resumes.
    snapshot = {
        "version": 1, "state": "prime", "position": [0, 0], "current": got["prescriptions"],
        "completed": [], "skipped": [], "reps_done": 0, "set_started_ms": 0,
        "set_finished_ms": 0, "ended_early": False,
    }  # fmt: skip
    r = client.put(f"/api/sessions/{session_id}/state", json={"snapshot": snapshot})
    assert r.status_code == 200, r.text
    active = client.get("/api/sessions/active").json()
    assert [p["exercise_id"] for p in active["session"]["snapshot"]["current"]] == [
        "dumbbell_lateral_raise",
        "barbell_curl",
    ]
    assert set(active["targets"]) == {"dumbbell_lateral_raise", "barbell_curl"}
    r = client.post("/api/prescriptions", json={"exercise_ids": ["not_an_exercise"]})
    assert r.status_code == 422
    assert client.post("/api/prescriptions", json={"exercise_ids": []}).status_code == 422


def test_swaps_list_exercises_of_the_same_target_muscles(client: TestClient) -> None:
    r = client.get("/api/exercises/dumbbell_biceps_curl/swaps")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["name"] == "Dumbbell Biceps Curl"
    assert body["options"][0]["id"] != "dumbbell_biceps_curl"
    assert [o["id"] for o in body["options"]] == [
        e.id
        for e in swap_candidates(load_catalog().exercise("dumbbell_biceps_curl"), load_catalog())
    ]
    assert client.get("/api/exercises/nope/swaps").status_code == 404


def test_routines_belong_to_their_user(tmp_path: Path) -> None:
    c = _client(tmp_path, host="0.0.0.0")
    db = c.app.state.ctx.db  # type: ignore[attr-defined]
    accounts.add_user(db=db, name="alex", password="correct horse")
    accounts.add_user(db=db, name="sam", password="battery staple")
    _login(c, "alex", "correct horse")
    rid = c.post("/api/routines", json=ARMS).json()["id"]
    _login(c, "sam", "battery staple")
    assert c.get("/api/routines").json() == []
    assert c.get(f"/api/routines/{rid}").status_code == 404
    assert c.put(f"/api/routines/{rid}", json=ARMS).status_code == 404
    assert c.delete(f"/api/routines/{rid}").status_code == 404
    assert c.post(f"/api/routines/{rid}/start").status_code == 404
    # sam may use the same name: names are unique per user.
    assert c.post("/api/routines", json=ARMS).status_code == 201
    _login(c, "alex", "correct horse")
    assert [r["name"] for r in c.get("/api/routines").json()] == ["Arms"]
    assert len(c.get("/api/routines").json()) == 1


def test_a_change_made_from_a_stale_copy_is_refused_and_stores_nothing(
    client: TestClient,
) -> None:
    saved = client.post("/api/routines", json=ARMS).json()
    rid, opened = saved["id"], saved["updated_at"]
    # Tab 1 saves a change from the version it opened: accepted, the version moves on.
    tab1 = {"name": "Arms", "exercises": [{"exercise_id": "barbell_curl", "sets": 5}]}
    r = client.put(f"/api/routines/{rid}", json={**tab1, "updated_at": opened})
    assert r.status_code == 200, r.text
    after_tab1 = r.json()
    assert after_tab1["updated_at"] != opened
    # Tab 2 opened the same version: its change is refused in one line, nothing is stored.
    tab2 = {"name": "Arms 2", "exercises": [{"exercise_id": "cable_triceps_pushdown", "sets": 2}]}
    r = client.put(f"/api/routines/{rid}", json={**tab2, "updated_at": opened})
    assert r.status_code == 409
    body = r.json()
    assert body["conflict"] == "changed_meanwhile"
    assert body["message"].startswith("'Arms' was saved again at ")
    assert body["message"].endswith(
        "UTC, after you opened it (in another tab or on another device), so your change was "
        "not saved. Your change is still here: look at the saved version, then open it and "
        "change it again."
    )
    assert client.get(f"/api/routines/{rid}").json() == after_tab1
    # From the saved version it goes through; without updated_at the last save wins.
    r = client.put(f"/api/routines/{rid}", json={**tab2, "updated_at": after_tab1["updated_at"]})
    assert r.status_code == 200 and r.json()["name"] == "Arms 2"
    r = client.put(f"/api/routines/{rid}", json=tab1)
    assert r.status_code == 200
    got = client.get(f"/api/routines/{rid}").json()
    assert (got["name"], [(e["exercise_id"], e["sets"]) for e in got["exercises"]]) == (
        "Arms",
        [("barbell_curl", 5)],
    )


def test_a_bad_row_is_named_by_its_field_with_what_was_given_and_what_is_allowed(
    client: TestClient,
) -> None:
    rows = [
        {"exercise_id": "barbell_curl", "sets": 3},
        {"exercise_id": "nope_curl", "sets": 3},
    ]
    r = client.post("/api/routines", json={"name": "X", "exercises": rows})
    assert r.status_code == 422
    (detail,) = r.json()["details"]
    assert (detail["field"], detail["given"], detail["allowed"]) == (
        "exercises.1.exercise_id",
        "nope_curl",
        "an exercise id of your catalogue",
    )
    rows = [
        {"exercise_id": "barbell_curl", "sets": 21},
        {"exercise_id": "cable_triceps_pushdown", "sets": 3, "tempo": "6-2"},
    ]
    r = client.post("/api/routines", json={"name": "X", "exercises": rows})
    assert r.status_code == 422
    assert [(d["field"], d["given"], d["allowed"]) for d in r.json()["details"]] == [
        (
            "exercises.0.sets",
            "21",
            "the sets of a planned exercise must be a whole number from 1 to 20",
        ),
        (
            "exercises.1.tempo",
            "'6-2'",
            "use four numbers of seconds, eccentric-pause-concentric-squeeze, each 0-30, "
            "such as '4-1-2-1'",
        ),
    ]
    assert client.get("/api/routines").json() == []


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    yield from make_db(request.param, tmp_path)


def test_the_version_a_change_was_made_from_survives_the_round_trip(db: Database) -> None:
    """updated_at as the API gives it (JSON, to the microsecond) names the stored version on
    SQLite and PostgreSQL alike: a change from it goes through, one from an older is refused."""
    catalog = load_catalog()
    with db.session() as s:
        user_id = repo.create_user(session=s, name="alex").id
    first = datetime(2026, 12, 7, 21, 0, 0, 123456, tzinfo=UTC)
    routine = Routine.model_validate(ARMS)
    made = routine_service.create_routine(
        db=db, user_id=user_id, routine=routine, catalog=catalog, now=first
    )
    opened = RoutineOut.model_validate_json(made.model_dump_json()).updated_at
    changed = routine_service.update_routine(
        db=db, user_id=user_id, routine_id=made.id, routine=routine, catalog=catalog,
        now=first + timedelta(microseconds=1), expected_updated_at=opened,
    )  # fmt: skip
    assert changed.updated_at == first + timedelta(microseconds=1)
    with pytest.raises(
        ChangedMeanwhileError, match=r"^'Arms' was saved again at 2026-12-07 21:00 UTC"
    ):
        routine_service.update_routine(
            db=db, user_id=user_id, routine_id=made.id, routine=routine, catalog=catalog,
            now=first + timedelta(seconds=5), expected_updated_at=opened,
        )  # fmt: skip
    stored = routine_service.get_routine(
        db=db, user_id=user_id, routine_id=made.id, catalog=catalog
    )
    assert stored == changed
