"""The History tab shows what the lifter wrote: a set's reflection note (a distraction, "grip
slipped") and an imported set's notes, as written, under the set."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.conftest import Server, shot

pytestmark = pytest.mark.browser

STRONG = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    "Workout Notes,RPE\n"
    "2024-01-05 10:00:00,Push,1h 2m,Bench Press (Barbell),1,60,8,0,0,=paused at the chest,,\n"
)


def test_history_shows_each_sets_note(page, server: Server) -> None:
    token = server.http.get("/api/csrf").json()["token"]
    headers = {"X-CSRF-Token": token}
    when = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    body = {
        "uuid": str(uuid.uuid4()),
        "exercise_id": "dumbbell_biceps_curl",
        "set_index": 0,
        "performed_at": when,
        "reps": 10,
        "load_kg": 12,
        "reflection": {"target_rating": 6, "note": "grip slipped\nphone rang"},
    }
    r = server.http.post("/api/sets", json=body, headers=headers)
    assert r.status_code == 200, r.text
    rated = r.json()["set"]["id"]
    r = server.http.post(
        "/api/import",
        files={"file": ("strong.csv", STRONG.encode())},
        data={"unit": "kg", "dry_run": "false"},
        headers=headers,
    )
    assert r.status_code == 200, r.text
    imported = next(s["id"] for s in server.sets() if s["source"] == "import")
    page.goto("/history")
    page.wait_for_function("document.body.dataset.ready === '1'")
    for workout in page.locator("details.workout").all():
        workout.locator("summary").click()
    assert page.inner_text(f"#set-{rated} .set-note") == "grip slipped\nphone rang"
    assert page.inner_text(f"#set-{imported} .set-note") == "=paused at the chest"
    page.locator(f"#set-{rated}").scroll_into_view_if_needed()
    shot(page, "history-notes")
    assert page.errors == []
