"""The pages' one way to show a felt rating (``feltText`` in api.js), in a real browser: the same
words as the terminal's (tests/test_felt_format.py), beside a measurement and never as one."""

from __future__ import annotations

from typing import Any

import pytest

from mindmuscle.coach.limits import felt_text
from tests.e2e.conftest import Server

pytestmark = pytest.mark.browser


def test_the_pages_show_a_felt_rating_as_the_terminal_does(page: Any, server: Server) -> None:
    page.goto("/history")
    page.wait_for_selector("body[data-ready='1']")
    shown = page.evaluate(
        """async () => {
            const { feltText } = await import("/static/js/api.js");
            const { feltMeasured } = await import("/static/js/live.js");
            return [feltText(9), feltText(7.5), feltText(7.49), feltText(0),
                    feltMeasured(8, "62% MVC"), feltMeasured(7, "no repetition found in the EMG"),
                    feltMeasured(null, "62% MVC"), feltMeasured(9, null), feltText(null)];
        }"""
    )
    assert shown == [
        "felt 9/10",
        "felt 8/10",
        "felt 7/10",
        "felt 0/10",
        "felt 8/10, measured 62% MVC",
        "felt 7/10 · no repetition found in the EMG",
        "not rated, measured 62% MVC",
        "felt 9/10",
        felt_text(None),  # a skipped rating: the terminal's words, from its one function
    ]


def test_a_workouts_different_ratings_show_as_their_mean_said_so(page: Any, server: Server) -> None:
    token = server.http.get("/api/csrf").json()["token"]
    for n, (minute, rating) in enumerate(((0, 7), (5, 8))):
        body = {
            "uuid": f"00000000-0000-0000-0000-0000000fe1{n:02d}",
            "exercise_id": "dumbbell_biceps_curl",
            "set_index": n,
            "performed_at": f"2026-11-20T10:{minute:02d}:00Z",
            "reps": 10,
            "load_kg": 12.0,
            "reflection": {"target_rating": rating, "felt_elsewhere": {}},
        }
        r = server.http.post("/api/sets", json=body, headers={"X-CSRF-Token": token})
        assert r.status_code == 200, r.text
    page.goto("/history")
    page.wait_for_selector("body[data-ready='1']")
    summary = page.locator("details.workout summary").last.inner_text()
    assert summary.endswith("2 sets · volume 240 kg · felt 8/10 on average"), summary
