"""Your workout, your way, at 390x844: routines made, changed, deleted with undo and started on
the routines page; an empty workout grown on the phone, its exercises added, swapped for one of
the same target muscles, reordered and their sets changed mid-workout, the coach's adaptation
still applied to the next set, and the workout saved as a routine. Stored values are checked
through the API."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.e2e.conftest import Server
from tests.e2e.test_browser_flow import SPEED, rate_target, take_offers

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test
SHOTS = os.environ.get("MINDMUSCLE_SHOTS")  # a folder: screenshots at 390x844 and 1280x800


def look(page, name: str) -> None:
    """Screenshots of this state at phone and desktop size, when MINDMUSCLE_SHOTS names a folder."""
    if not SHOTS:
        return
    folder = Path(SHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}-390.png"))
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(folder / f"{name}-1280.png"))
    page.set_viewport_size({"width": 390, "height": 844})


def first_run(page) -> None:
    page.goto("/")
    page.wait_for_url("**/first-run")
    page.click("text=Start training")
    page.wait_for_url("**/today")


def pick(page, exercise_id: str, search: str | None = None) -> None:
    page.wait_for_selector("#pick-sheet[open]")
    if search:
        page.fill("#pick-search", search)
    page.click(f"#pick-list [data-exercise={exercise_id}]")
    page.wait_for_selector("#pick-sheet:not([open])", state="attached")


def test_routines_are_made_changed_deleted_with_undo_and_started(page, server: Server) -> None:
    first_run(page)
    page.goto("/routines")
    page.wait_for_function("document.body.dataset.ready === '1'")
    look(page, "routines-empty")
    page.click("#new-routine")
    page.click("#editor-save")
    assert page.inner_text("#editor-name-msg") == "Give the routine a name."
    assert page.inner_text("#editor-msg") == "Add at least one exercise."
    page.fill("#editor-name", "Arms")
    page.click("#editor-add")
    look(page, "routines-picker")
    pick(page, "barbell_curl", "barbell curl")
    page.click("#editor-add")
    pick(page, "cable_triceps_pushdown", "pushdown")
    page.click("[aria-label='One set more of Barbell Curl']")
    page.click("[aria-label='Move Cable Triceps Pushdown up']")
    look(page, "routines-editor")
    page.click("#editor-save")
    page.wait_for_selector(".rcard")
    (saved,) = server.http.get("/api/routines").json()
    assert saved["name"] == "Arms"
    assert [(e["exercise_id"], e["sets"]) for e in saved["exercises"]] == [
        ("cable_triceps_pushdown", 3),
        ("barbell_curl", 4),
    ]
    look(page, "routines-list")

    # A second routine of the same name is refused beside the name.
    page.click("#new-routine")
    page.fill("#editor-name", "Arms")
    page.click("#editor-add")
    pick(page, "barbell_curl", "barbell curl")
    page.click("#editor-save")
    page.wait_for_selector("#editor-name-msg:not([hidden])")
    assert page.inner_text("#editor-name-msg") == (
        "You already have a routine named 'Arms'; give this one another name."
    )
    page.click("#editor-cancel")

    # Edit: rename, swap the curl for an exercise of the same target muscles, drop the pushdown.
    page.click("[aria-label='Edit Arms']")
    page.fill("#editor-name", "Biceps")
    page.click("[aria-label='Swap Barbell Curl for another exercise']")
    page.wait_for_selector("#pick-list h3:has-text('Same target muscles')")
    swap_to = page.get_attribute("#pick-list h3 + button.pick", "data-exercise")
    expected = server.http.get("/api/exercises/barbell_curl/swaps").json()["options"]
    assert swap_to == next(o["id"] for o in expected if o["id"] != "cable_triceps_pushdown")
    page.click(f"#pick-list [data-exercise={swap_to}]")
    page.click("[aria-label='Remove Cable Triceps Pushdown']")
    page.click("#editor-save")
    page.wait_for_selector(".rcard h2:has-text('Biceps')")
    (changed,) = server.http.get("/api/routines").json()
    assert (changed["name"], [(e["exercise_id"], e["sets"]) for e in changed["exercises"]]) == (
        "Biceps",
        [(swap_to, 4)],
    )

    # Delete, then undo.
    page.click("[aria-label='Delete Biceps']")
    page.wait_for_selector(".card.muted")
    assert server.http.get("/api/routines").json() == []
    look(page, "routines-deleted-undo")
    page.click("#toast button:has-text('Undo')")
    page.wait_for_selector(".rcard")
    (back,) = server.http.get("/api/routines").json()
    assert (back["name"], [(e["exercise_id"], e["sets"]) for e in back["exercises"]]) == (
        "Biceps",
        [(swap_to, 4)],
    )

    # Today offers it; starting it runs its exercises with its sets.
    page.goto("/today")
    page.locator("#own-title").scroll_into_view_if_needed()
    look(page, "today-own-workout")
    page.click("[aria-label='Start Biceps']")
    page.wait_for_url("**/session")
    page.wait_for_selector("#screen-prime.on")
    active = server.http.get("/api/sessions/active").json()["session"]["plan"]
    assert [(p["exercise_id"], p["sets"]) for p in active["exercises"]] == [(swap_to, 4)]
    assert page.text_content("#screen-prime [data-step]") == "Exercise 1 of 1 · Set 1 of 4"
    assert page.errors == []


def test_an_empty_workout_is_built_changed_mid_workout_and_saved_as_a_routine(
    page,
    server: Server,
) -> None:
    first_run(page)
    page.click("#start-empty")
    page.wait_for_url("**/session")
    page.wait_for_selector("#screen-build.on")
    look(page, "session-empty-workout")
    page.click("#btn-build-add")
    pick(page, "dumbbell_biceps_curl", "dumbbell biceps")
    page.wait_for_selector("#screen-prime.on")
    assert page.inner_text("#prime-title") == "Dumbbell Biceps Curl"

    page.click("#btn-edit-prime")
    page.click("#workout-add")
    pick(page, "dumbbell_lateral_raise", "lateral")
    page.click("#workout-add")
    pick(page, "barbell_curl", "barbell curl")
    page.click("[aria-label='One set fewer of Dumbbell Lateral Raise']")
    page.click("[aria-label='One set fewer of Dumbbell Lateral Raise']")
    page.click("[aria-label='Move Barbell Curl up']")  # now second
    page.click("[aria-label='Remove Barbell Curl']")
    page.click("[aria-label='Swap Dumbbell Biceps Curl for another exercise']")
    page.wait_for_selector("#pick-list h3:has-text('Same target muscles')")
    look(page, "session-swap")
    swap_to = page.get_attribute("#pick-list h3 + button.pick", "data-exercise")
    page.click(f"#pick-list [data-exercise={swap_to}]")
    page.wait_for_selector(f"#workout-list li:first-child b:has-text('{_name(server, swap_to)}')")
    look(page, "session-edit-workout")
    page.click("#workout-done")
    # The prime screen is on behind the sheet already: wait for the sheet's close to redraw it.
    page.wait_for_selector("#workout-sheet:not([open])", state="attached")
    page.wait_for_selector(f"#prime-title:text-is('{_name(server, swap_to)}')")
    assert page.inner_text("#prime-title") == _name(server, swap_to)
    snapshot = server.http.get("/api/sessions/active").json()["session"]["snapshot"]
    assert [(p["exercise_id"], p["sets"]) for p in snapshot["current"]] == [
        (swap_to, 3),
        ("dumbbell_lateral_raise", 1),
    ]

    # One set: the coach's adaptation becomes the next set of the changed workout.
    page.goto(f"/session?speed={SPEED}")
    page.wait_for_selector("#screen-prime.on")
    page.click("#btn-start")
    page.wait_for_selector("#screen-reflect.on", timeout=30_000)
    take_offers(page)
    rate_target(page, "2")
    with page.expect_response("**/api/sets") as answer:
        page.click("#btn-save")
    adaptation = answer.value.json()["adaptation"]
    page.wait_for_selector("#screen-rest.on")
    stored = server.sets()
    assert [(s["exercise_id"], s["reflection"]["target_rating"]) for s in stored] == [(swap_to, 2)]
    page.wait_for_function("JSON.parse(localStorage.getItem('mm.loop')).screen === 'rest'")
    loop = json.loads(page.evaluate("localStorage.getItem('mm.loop')"))
    assert loop["current"][0] == adaptation["next"]
    snapshot = server.http.get("/api/sessions/active").json()["session"]["snapshot"]
    assert snapshot["current"][0] == adaptation["next"]
    assert page.inner_text("#rest-next-name") == _name(server, swap_to)

    # At rest: one set more of the lateral raise, and the workout saved as a routine.
    page.click("#btn-edit-rest")
    page.click("[aria-label='One set more of Dumbbell Lateral Raise']")
    page.fill("#routine-name", "My mix")
    page.click("#routine-save")
    page.wait_for_function("document.getElementById('routine-msg').textContent.startsWith('Saved')")
    look(page, "session-saved-routine")
    page.click("#workout-done")
    (routine,) = server.http.get("/api/routines").json()
    assert (routine["name"], [(e["exercise_id"], e["sets"]) for e in routine["exercises"]]) == (
        "My mix",
        [(swap_to, 3), ("dumbbell_lateral_raise", 2)],
    )
    # A reload resumes the changed workout.
    page.reload()
    page.wait_for_selector("#screen-rest.on")
    assert page.text_content("#rest-next-step") == "Exercise 1 of 2 · set 2 of 3"
    assert page.errors == []


def _name(srv: Server, exercise_id: str) -> str:
    name: str = srv.http.get(f"/api/exercises/{exercise_id}").json()["name"]
    return name
