"""Each exercise card shows its history and records at 390x844, in the lifter's units: best
e1RM, best set (heaviest load x reps) and the recent sets, checked against the API."""

from __future__ import annotations

import uuid

import pytest

from tests.e2e.conftest import Server
from tests.e2e.test_browser_workout import look

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test
LB = 0.45359237


def _post_set(server: Server, token: str, reps: int, lb: float, day: int) -> None:
    body = {
        "uuid": str(uuid.uuid4()),
        "exercise_id": "barbell_bench_press",
        "set_index": 0,
        "performed_at": f"2026-11-{day:02d}T10:00:00Z",
        "reps": reps,
        "load_kg": lb * LB,
        "reflection": {"target_rating": 6, "felt_elsewhere": {}},
    }
    r = server.http.post("/api/sets", json=body, headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text


def test_exercise_cards_show_records_and_recent_sets_in_pounds(page, server: Server) -> None:
    token = server.http.get("/api/csrf").json()["token"]
    r = server.http.put("/api/profile", json={"units": "lb"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    _post_set(server, token, 3, 100, 10)  # the heaviest set
    _post_set(server, token, 8, 90, 12)  # the best e1RM: 90 * 36 / 29 = 111.72 lb, shown 111.7
    _post_set(server, token, 12, 45, 14)  # the newest
    api = server.http.get("/api/exercises/barbell_bench_press/records").json()
    assert api["n_sets"] == 3
    assert api["best_e1rm_kg"] == pytest.approx(90 * LB * 36 / 29, rel=1e-9)
    assert (api["best_set"]["load_kg"], api["best_set"]["reps"]) == (pytest.approx(100 * LB), 3)
    assert [s["reps"] for s in api["recent"]] == [12, 8, 3]
    none = server.http.get("/api/exercises/leg_extension/records").json()
    assert (none["n_sets"], none["best_set"], none["recent"]) == (0, None, [])

    page.goto("/exercises")
    first = page.locator("article[data-search]").first
    assert first.get_attribute("id") == "barbell_bench_press"  # what you have done comes first
    assert page.inner_text("#count") == "84 exercises · the 1 you have done first"
    kv = " ".join(first.locator(".records .kv").inner_text().split())
    assert kv == "111.7 lb BEST E1RM 100 lb × 3 BEST SET 3 SETS LOGGED"
    first.locator(".records summary").click()
    recent = [" ".join(li.split()) for li in first.locator(".recent li").all_inner_texts()]
    assert recent == [
        "14 Nov 2026 · 12 × 45 lb · felt 6/10",
        "12 Nov 2026 · 8 × 90 lb · felt 6/10",
        "10 Nov 2026 · 3 × 100 lb · felt 6/10",
    ]
    look(page, "exercises-records")
    assert page.locator("article#leg_extension .records").count() == 0
    assert page.errors == []
