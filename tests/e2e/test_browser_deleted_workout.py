"""A set for a workout deleted meanwhile (on another device) is not stored into that deleted
workout: the server refuses it with the reason, the phone keeps it as "needs fixing" (or on the
reflection), and one tap saves it into a workout of its own day. Nothing is lost."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_flow import SPEED, first_run_and_plan, rate_target, take_offers

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]

REASON_END = (
    ") was deleted, on this or another device, so the set was not stored into it. Save it into "
    "a workout of its own day, or discard it."
)


def _delete_workout(server: Server, session_id: int) -> None:
    """The workout deleted on another device (History there)."""
    token = server.http.get("/api/csrf").json()["token"]
    r = server.http.delete(f"/api/sessions/{session_id}", headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text


def _to_reflection(page) -> None:
    page.goto(f"/session?speed={SPEED}")
    page.wait_for_selector("#screen-prime.on")
    page.click("#btn-start")
    page.wait_for_selector("#screen-reflect.on", timeout=30_000)
    take_offers(page)
    rate_target(page, "6")


def test_a_set_saved_offline_for_a_deleted_workout_goes_into_a_workout_of_its_day(
    page, server: Server
) -> None:
    first_run_and_plan(page, server, screenshots=False)
    session_id = server.http.get("/api/sessions/active").json()["session"]["session_id"]
    _to_reflection(page)
    page.route("**/api/sets", lambda route: route.abort("internetdisconnected"))
    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on")
    _delete_workout(server, session_id)
    page.unroute("**/api/sets")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("document.getElementById('sync').textContent === '1 set needs fixing'")
    assert server.sets() == []
    token = server.http.get("/api/csrf").json()["token"]
    held = server.http.get(
        f"/api/sets?session_id={session_id}&deleted=true", headers={"X-CSRF-Token": token}
    ).json()
    assert held == []  # nothing went into the deleted workout
    page.click("#sync")
    page.wait_for_selector("#fixing[open]")
    reason = page.inner_text("#fixing .fix-item .error-text")
    assert reason.startswith("The workout of this set (started ") and reason.endswith(REASON_END)
    shot(page, "fixing-deleted-workout")
    page.click("#fixing .fix-item >> text=Save into a workout of its day")
    page.wait_for_function("document.getElementById('sync').hidden")
    [stored] = server.sets()
    assert stored["session_id"] is None
    assert stored["reflection"]["target_rating"] == 6
    assert page.errors == []


def test_a_set_refused_on_the_reflection_for_a_deleted_workout_is_saved_into_its_day(
    page, server: Server
) -> None:
    first_run_and_plan(page, server, screenshots=False)
    session_id = server.http.get("/api/sessions/active").json()["session"]["session_id"]
    _to_reflection(page)
    _delete_workout(server, session_id)
    page.click("#btn-save")
    page.wait_for_selector("#reflect-refused:not([hidden])")
    text = page.inner_text("#reflect-refused-text")
    assert text.startswith("Not saved: the server refused this set. The workout of this set")
    assert text.endswith(REASON_END)
    assert page.is_visible("#btn-own-workout")
    shot(page, "reflect-deleted-workout")
    page.click("#btn-own-workout")
    page.wait_for_selector("#screen-rest.on")
    [stored] = server.sets()
    assert stored["session_id"] is None
    page.wait_for_function("document.getElementById('sync').hidden")
    assert page.errors == []
