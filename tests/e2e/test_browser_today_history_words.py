"""Two small things of the phone's pages at 390x844: Today's figures of an exercise (sets x reps,
load, tempo, rest) stay inside their card with a long load in pounds, and History says a skipped
rating in words ("not rated"), as every other channel does, never as a bare dash."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.conftest import Server, shot

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test

# How far each figure's box reaches past its card's content box, in CSS px (> 0: overflows).
FIGURES_PAST_CARD = """() => [...document.querySelectorAll('article.card .kv div')].map((d) => {
  const card = d.closest('.card');
  const cs = getComputedStyle(card);
  const edge = card.getBoundingClientRect().right - parseFloat(cs.paddingRight)
    - parseFloat(cs.borderRightWidth);
  return [d.querySelector('span').textContent, d.querySelector('b').textContent,
          Math.round((d.getBoundingClientRect().right - edge) * 10) / 10];
})"""


def _post_set(server: Server, headers: dict[str, str], uuid: str, **fields: object) -> None:
    body = {
        "uuid": uuid,
        "set_index": 0,
        "performed_at": (datetime.now(UTC) - timedelta(days=2)).isoformat(),
        "reps": 10,
        **fields,
    }
    r = server.http.post("/api/sets", json=body, headers=headers)
    assert r.status_code == 200, r.text


def test_today_figures_stay_inside_their_card_with_a_long_load(page, server: Server) -> None:
    token = server.http.get("/api/csrf").json()["token"]
    headers = {"X-CSRF-Token": token}
    assert server.http.put("/api/profile", json={"units": "lb"}, headers=headers).status_code == 200
    # A heavy squat: the plan's load reads "209.44 lb", the longest figure of its card.
    _post_set(
        server,
        headers,
        "00000000-0000-0000-0000-00000000a001",
        exercise_id="barbell_back_squat",
        load_kg=102.5,
        reflection={"target_rating": 7, "felt_elsewhere": {}},
    )
    page.goto("/today")
    page.wait_for_selector("#readiness-form")
    page.click("#readiness-form button[type=submit]")
    page.wait_for_selector("#start-session")
    figures = page.evaluate(FIGURES_PAST_CARD)
    loads = [b for label, b, _ in figures if label == "load"]
    assert "209.44 lb" in loads
    assert [label for label, _, _ in figures][:4] == ["sets×reps", "load", "tempo", "rest"]
    past = [(label, b, px) for label, b, px in figures if px > 0]
    assert past == []  # every figure, the rest figure last in each card, inside its card
    page.locator("article.card", has_text="209.44 lb").scroll_into_view_if_needed()
    shot(page, "today-long-load-figures")
    assert page.errors == []


def test_history_says_a_skipped_rating_in_words(page, server: Server) -> None:
    token = server.http.get("/api/csrf").json()["token"]
    headers = {"X-CSRF-Token": token}
    assert server.http.put("/api/profile", json={"units": "kg"}, headers=headers).status_code == 200
    workout = server.http.post("/api/workouts/empty", headers=headers)
    assert workout.status_code == 200, workout.text
    session_id = workout.json()["session_id"]
    _post_set(
        server,
        headers,
        "00000000-0000-0000-0000-00000000b001",
        exercise_id="dumbbell_biceps_curl",
        load_kg=12.0,
        session_id=session_id,
        reflection={"felt_elsewhere": {}},  # the target rating skipped on purpose
    )
    (stored,) = server.sets()
    assert stored["reflection"]["target_rating"] is None  # type: ignore[index]
    page.goto("/history")
    page.wait_for_function("document.body.dataset.ready === '1'")
    summary = page.locator("details.workout summary small").first.inner_text()
    assert summary == "1 set · volume 120 kg · not rated"
    page.locator("details.workout summary").first.click()
    line = page.locator(f"#set-{stored['id']}").inner_text()
    assert "10 × 12 kg · not rated" in line and " - " not in line
    shot(page, "history-not-rated")
    assert page.errors == []
