"""A load typed with a decimal comma, as many phones' keypads give it, is the load the lifter
meant: "12,5" is 12.5, never 125. Anything else that is not a number is refused beside the
field, in words, and nothing is stored."""

from __future__ import annotations

import pytest

from mindmuscle.units import KG_PER_LB
from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_flow import first_run_and_plan, rate_target
from tests.e2e.test_browser_reflection import play_set

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test


def test_a_decimal_comma_in_the_reflection_is_the_load_meant(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    before = len(server.sets())
    play_set(page)
    page.fill("#reflect-reps", "8")
    rate_target(page, "6")
    page.fill("#reflect-load", "12x")
    page.click("#btn-save")
    assert page.inner_text("#reflect-load-msg") == "Load must be a number, such as 12.5 or 12,5."
    assert len(server.sets()) == before
    page.fill("#reflect-load", "12,5")
    assert page.input_value("#reflect-load") == "12,5"  # kept as typed
    shot(page, "decimal-comma-reflect")
    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on, #screen-summary.on")
    page.wait_for_function("document.getElementById('sync').hidden")  # the server has it
    stored = server.sets()[-1]
    assert (stored["reps"], stored["load_kg"]) == (8, 12.5)  # the profile is in kg
    assert page.errors == []


def test_a_decimal_comma_in_pounds_when_a_set_is_edited(page, server: Server) -> None:
    token = server.http.get("/api/csrf").json()["token"]
    headers = {"X-CSRF-Token": token}
    assert server.http.put("/api/profile", json={"units": "lb"}, headers=headers).status_code
    body = {
        "uuid": "00000000-0000-0000-0000-0000000001c1",
        "exercise_id": "dumbbell_biceps_curl",
        "set_index": 0,
        "performed_at": "2026-11-20T10:00:00Z",
        "reps": 10,
        "load_kg": 5.0,
        "reflection": {"target_rating": 7, "felt_elsewhere": {}},
    }
    assert server.http.post("/api/sets", json=body, headers=headers).status_code == 200
    (stored,) = server.sets()
    page.goto("/history")
    page.wait_for_selector("body[data-ready='1']")
    page.locator("details.workout summary").first.click()
    page.click(f"#set-{stored['id']} button:has-text('Edit')")
    page.fill("#edit-load", "1,2,5")
    page.click("#set-form button[type=submit]")
    assert page.inner_text("#edit-load-msg") == "Load must be a number, such as 12.5 or 12,5."
    assert server.sets()[0]["load_kg"] == 5.0
    page.fill("#edit-load", "12,5")
    page.click("#set-form button[type=submit]")
    page.wait_for_function("!document.getElementById('set-sheet').open")
    assert server.sets()[0]["load_kg"] == 12.5 * KG_PER_LB
    # The one reading of a typed number, used by every load field.
    read = page.evaluate(
        """async () => {
            const { decimal } = await import("/static/js/setbounds.js");
            return ["12,5", "12.5", " 7 ", ",5", "0", "", "1,2,5", "abc", "12 kg", "1e3"]
                .map((t) => { const v = decimal(t); return Number.isNaN(v) ? "NaN" : v; });
        }"""
    )
    assert read == [12.5, 12.5, 7, 0.5, 0, None, "NaN", "NaN", "NaN", "NaN"]
    assert page.errors == []
