"""The History tab at 390x844: a workout saved from the set loop is listed, a set is corrected
and deleted with undo, and the stored values follow through the API."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_flow import do_one_set, first_run_and_plan

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test


def test_history_edits_and_deletes_with_undo(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    do_one_set(page, screenshots=False)
    page.wait_for_selector("#screen-rest.on, #screen-summary.on")
    page.wait_for_function("document.getElementById('sync').hidden")  # the server has it
    stored = server.sets()
    assert len(stored) == 1
    first = stored[0]
    page.goto("/history")
    page.wait_for_function("document.body.dataset.ready === '1'")
    assert page.inner_text("#history-status") == "1 workout, newest first."
    workout = page.locator("details.workout").first
    assert "Dumbbell Biceps Curl" in workout.inner_text() or first["exercise_id"] not in (
        workout.inner_text()
    )
    assert "felt 8/10" in workout.inner_text() and "on average" not in workout.inner_text()
    workout.locator("summary").click()
    shot(page, "27-history-open")
    # Correct the set: 7 reps felt 9.
    page.click(f"#set-{first['id']} button:has-text('Edit')")
    page.fill("#edit-reps", "7")
    page.fill("#edit-target", "9")
    shot(page, "28-history-edit")
    page.fill("#edit-rir", "15")
    page.click("#set-form button[type=submit]")
    assert (
        page.inner_text("#edit-rir-msg") == "Reps in reserve 15 is too high: it can be at most 10."
    )
    page.fill("#edit-rir", "2")
    page.click("#set-form button[type=submit]")
    page.wait_for_function("!document.getElementById('set-sheet').open")
    edited = server.sets()[0]
    assert (edited["reps"], edited["reflection"]["target_rating"], edited["reps_in_reserve"]) == (
        7,
        9,
        2,
    )
    page.wait_for_function(
        f"document.getElementById('set-{first['id']}').textContent.includes('7 × ')"
    )
    # Delete with undo.
    page.click(f"#set-{first['id']} button:has-text('Delete')")
    page.wait_for_function("document.getElementById('history-status').textContent.startsWith('No')")
    assert server.sets() == []
    shot(page, "29-history-deleted-undo")
    page.click("#toast button:has-text('Undo')")
    page.wait_for_selector(f"#set-{first['id']}")
    assert [s["reps"] for s in server.sets()] == [7]
    # The whole workout, with undo.
    page.on("dialog", lambda d: d.accept())
    assert page.locator("details.workout").first.get_attribute("open") is not None  # stays open
    page.click("button:has-text('Delete this workout')")
    page.wait_for_function("document.getElementById('history-status').textContent.startsWith('No')")
    assert server.sets() == []
    page.click("#toast button:has-text('Undo')")
    page.wait_for_selector("details.workout")
    assert len(server.sets()) == 1
    assert page.errors == []


def test_history_edits_focus_and_where_else_with_undo(page, server: Server) -> None:
    from tests.e2e.test_browser_workout import look

    first_run_and_plan(page, server, screenshots=False)
    do_one_set(page, screenshots=False)
    page.wait_for_selector("#screen-rest.on, #screen-summary.on")
    page.wait_for_function("document.getElementById('sync').hidden")
    (first,) = server.sets()
    assert first["reflection"]["focus_rating"] is None
    assert first["reflection"]["felt_elsewhere"] == {"front_delt": 4}
    page.goto("/history")
    page.wait_for_function("document.body.dataset.ready === '1'")
    page.locator("details.workout summary").first.click()
    page.click(f"#set-{first['id']} button:has-text('Edit')")
    assert page.input_value("#edit-focus") == ""
    assert page.inner_text("#edit-else") == "Front deltoid (a little)"
    page.fill("#edit-focus", "7")
    page.click("#edit-else")
    other = page.get_attribute(
        "#edit-else-list .mchip:not([data-muscle=front_delt])", "data-muscle"
    )
    page.click("#edit-else-list [data-muscle=front_delt]")  # a little -> a lot
    page.click(f"#edit-else-list [data-muscle={other}]")  # -> a little
    look(page, "history-edit-where-else")
    page.click("#set-form button[type=submit]")
    page.wait_for_function("!document.getElementById('set-sheet').open")
    edited = server.sets()[0]["reflection"]
    assert (edited["focus_rating"], edited["felt_elsewhere"]) == (7, {"front_delt": 8, other: 4})
    page.wait_for_function(
        f"document.getElementById('set-{first['id']}').textContent.includes('focus 7/10')"
    )
    look(page, "history-edited-undo")
    page.click("#toast button:has-text('Undo')")
    page.wait_for_function(
        f"!document.getElementById('set-{first['id']}').textContent.includes('focus 7')"
    )
    undone = server.sets()[0]["reflection"]
    assert (undone["focus_rating"], undone["felt_elsewhere"]) == (None, {"front_delt": 4})
    # An emptied rating is cleared, as if skipped; undo brings it back.
    page.click(f"#set-{first['id']} button:has-text('Edit')")
    page.fill("#edit-target", "")
    page.click("#set-form button[type=submit]")
    page.wait_for_function("!document.getElementById('set-sheet').open")
    assert server.sets()[0]["reflection"]["target_rating"] is None
    page.wait_for_function(
        f"document.getElementById('set-{first['id']}').textContent.includes('not rated')"
    )
    page.click("#toast button:has-text('Undo')")
    page.wait_for_function(
        f"document.getElementById('set-{first['id']}').textContent.includes('felt 8/10')"
    )
    assert server.sets()[0]["reflection"]["target_rating"] == 8
    assert page.errors == []
