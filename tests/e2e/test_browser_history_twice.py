"""History says which set was stored twice at one place of a workout: a deleted set brought
back after the same place was stored again (or a set kept so by the upgrade) is shown with a
line saying so, for the lifter to keep or delete, and both sets stay listed."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.conftest import Server, shot

pytestmark = pytest.mark.browser


def test_history_marks_a_set_stored_twice_at_its_place(page, server: Server) -> None:
    headers = {"X-CSRF-Token": server.http.get("/api/csrf").json()["token"]}
    ready = {"sleep": 4, "energy": 4, "stress": 2, "focus": 4}
    plan = server.http.post("/api/today", json={"readiness": ready}, headers=headers).json()
    first = plan["plan"]["exercises"][0]
    when = (datetime.now(UTC) - timedelta(minutes=30)).isoformat()

    def set_1(reps: int) -> int:
        body = {
            "uuid": str(uuid.uuid4()),
            "session_id": plan["session_id"],
            "exercise_id": first["exercise_id"],
            "set_index": 0,
            "performed_at": when,
            "reps": reps,
            "load_kg": first["load_kg"],
            "reflection": {"target_rating": 6},
        }
        r = server.http.post("/api/sets", json=body, headers=headers)
        assert r.status_code == 200, r.text
        set_id: int = r.json()["set"]["id"]
        return set_id

    kept = set_1(10)
    assert server.http.delete(f"/api/sets/{kept}", headers=headers).status_code == 200
    again = set_1(8)
    r = server.http.post(f"/api/sets/{kept}/restore", headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["set"]["again_at_place"] is True

    page.goto("/history")
    page.wait_for_function("document.body.dataset.ready === '1'")
    for workout in page.locator("details.workout").all():
        workout.locator("summary").click()
    assert page.inner_text(f"#set-{kept} .set-again") == (
        f"Stored twice: this workout holds another set as set 1 of {first['name']} too. "
        "Delete this one if it is the same set."
    )
    assert page.locator(f"#set-{again} .set-again").count() == 0
    page.locator(f"#set-{kept}").scroll_into_view_if_needed()
    shot(page, "history-stored-twice")
    assert page.errors == []
