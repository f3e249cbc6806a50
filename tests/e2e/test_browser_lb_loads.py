"""A load typed in pounds reads back exactly as typed everywhere: History, its edit form and
the Exercises card show 27.56 lb (one rule: 0.01 of the lifter's unit, as the terminal), and
the stored kilograms are the exact conversion, as the terminal stores them. A load left as
shown is kept exactly: saving an edit of the reps does not move it."""

from __future__ import annotations

import pytest

from mindmuscle.units import KG_PER_LB
from tests.e2e.conftest import Server, shot

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test


def test_a_load_typed_in_pounds_reads_back_as_typed(page, server: Server) -> None:
    token = server.http.get("/api/csrf").json()["token"]
    headers = {"X-CSRF-Token": token}
    assert server.http.put("/api/profile", json={"units": "lb"}, headers=headers).status_code
    body = {
        "uuid": "00000000-0000-0000-0000-0000000001b1",
        "exercise_id": "dumbbell_biceps_curl",
        "set_index": 0,
        "performed_at": "2026-11-20T10:00:00Z",
        "reps": 10,
        "load_kg": 12.0,
        "reflection": {"target_rating": 7, "felt_elsewhere": {}},
    }
    r = server.http.post("/api/sets", json=body, headers=headers)
    assert r.status_code == 200, r.text
    (stored,) = server.sets()
    sid = stored["id"]

    page.goto("/history")
    page.wait_for_selector("body[data-ready='1']")
    page.locator("details.workout summary").first.click()
    page.click(f"#set-{sid} button:has-text('Edit')")
    assert page.input_value("#edit-load") == "26.46"  # 12 kg, to 0.01 lb
    page.fill("#edit-load", "27.56")
    page.click("#set-form button[type=submit]")
    page.wait_for_function("!document.getElementById('set-sheet').open")
    (edited,) = server.sets()
    assert edited["load_kg"] == 27.56 * KG_PER_LB  # the exact conversion, as the terminal's
    page.wait_for_function(
        f"document.getElementById('set-{sid}').textContent.includes('10 × 27.56 lb')"
    )
    shot(page, "lb-history-27.56")

    # Left as shown, the load is kept exactly: only the reps change.
    page.click(f"#set-{sid} button:has-text('Edit')")
    assert page.input_value("#edit-load") == "27.56"
    page.fill("#edit-reps", "9")
    page.click("#set-form button[type=submit]")
    page.wait_for_function("!document.getElementById('set-sheet').open")
    (again,) = server.sets()
    assert (again["reps"], again["load_kg"]) == (9, edited["load_kg"])

    page.goto("/exercises")
    recent = page.locator("ul.recent li").first.text_content()
    assert recent == "20 Nov 2026 · 9 × 27.56 lb · felt 7/10"

    # The pages' one rule, beside the terminal's format_load.
    shown = page.evaluate(
        """async () => {
            const { fmtLoad, kgFrom, massIn } = await import("/static/js/api.js");
            return [fmtLoad(12, "lb"), fmtLoad(10, "lb"), fmtLoad(21.25, "kg"), fmtLoad(null, "lb"),
                    massIn(27.56 * 0.45359237, "lb"), kgFrom(22.05, "lb", [10]),
                    kgFrom(22.5, "lb"), kgFrom(20, "kg")];
        }"""
    )
    assert shown == [
        "26.46 lb", "22.05 lb", "21.25 kg", "bodyweight", 27.56, 10, 22.5 * KG_PER_LB, 20,
    ]  # fmt: skip
    assert page.errors == []
