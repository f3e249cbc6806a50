"""A lifter's first session in real Chromium: first run -> today -> one set -> reflection ->
progress, with a screenshot of every page."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Server, shot

pytestmark = pytest.mark.browser

SPEED = 20  # every duration of the set loop divided by 20 (a 6 s repetition takes 0.3 s)


def first_run_and_plan(page, server: Server, *, screenshots: bool) -> None:
    page.goto("/")
    page.wait_for_url("**/first-run")
    if screenshots:
        shot(page, "01-first-run")
    page.click("text=Start training")
    page.wait_for_url("**/today")
    page.wait_for_selector("#readiness-form")
    if screenshots:
        shot(page, "02-today-readiness")
    page.click("#readiness-form button[type=submit]")
    page.wait_for_selector("#start-session")
    if screenshots:
        shot(page, "03-today-plan")


def take_offers(page) -> None:
    """Tap what the reflection offers for reps and load: the phone's count and the load last
    lifted (or the plan's). The fields start empty; nothing counts until tapped."""
    for sel, field in (
        ("#offer-reps", "#reflect-reps"),
        ("#offer-load-last", "#reflect-load"),
        ("#offer-load-plan", "#reflect-load"),
    ):
        if page.is_visible(sel) and not page.input_value(field):
            page.click(sel)


def rate_target(page, value: str) -> None:
    """Tap one value of the felt rating (0-10, or "skip")."""
    page.click(f"#target-field label:has(input[value='{value}'])")


def do_one_set(page, *, screenshots: bool, before_save=None) -> None:
    page.goto(f"/session?speed={SPEED}")
    page.wait_for_selector("#screen-prime.on")
    if screenshots:
        shot(page, "04-session-prime")
    page.click("#btn-start")
    page.wait_for_selector("#screen-set.on")
    page.wait_for_function(
        "document.querySelector('#set-word').className.includes('phase-')"
        " && !document.querySelector('#set-word').className.includes('count')"
    )
    if screenshots:
        shot(page, "05-session-set")
    page.wait_for_selector("#screen-reflect.on", timeout=30_000)
    take_offers(page)
    rate_target(page, "8")
    page.click("#btn-more")
    page.click("#felt-list [data-muscle=front_delt]")
    page.click("#btn-more-done")
    if screenshots:
        shot(page, "06-session-reflect")
    if before_save:
        before_save()
    page.click("#btn-save")


def test_first_set_reaches_progress(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=True)
    plan = server.http.get("/api/sessions/active").json()["session"]["plan"]
    first = plan["exercises"][0]
    do_one_set(page, screenshots=True)
    page.wait_for_selector("#screen-rest.on, #screen-summary.on")
    if page.locator("#screen-rest.on").count():
        shot(page, "07-session-rest")
    sets = server.sets()
    assert len(sets) == 1
    stored = sets[0]
    assert stored["exercise_id"] == first["exercise_id"]
    assert stored["reflection"]["target_rating"] == 8
    assert stored["reflection"]["felt_elsewhere"] == {"front_delt": 4}
    assert stored["reps"] == first["reps"][1]  # the metronome ran the whole set
    # Closing the tab and opening the page again resumes where the lifter was.
    page.goto("/today")
    page.goto(f"/session?speed={SPEED}")
    page.wait_for_selector("#screen-rest.on")
    page.click("#btn-skip-rest")
    page.wait_for_selector("#screen-prime.on")
    assert "SET 2 OF" in page.inner_text("#screen-prime [data-step]").upper()
    # Eyes closed: sound only, a dark screen with the phase word.
    page.click("#btn-start")
    page.wait_for_selector("#screen-set.on")
    page.check("#eyes")
    page.wait_for_timeout(400)
    shot(page, "18-session-eyes-closed")
    page.uncheck("#eyes")
    page.wait_for_selector("#screen-reflect.on", timeout=30_000)
    take_offers(page)
    rate_target(page, "6")
    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on")
    # End early: the summary lists both sets, and the session is closed on the server.
    page.on("dialog", lambda dialog: dialog.accept())
    page.click("#btn-skip-rest")
    page.click("#btn-end-early")
    page.wait_for_selector("#screen-summary.on")
    assert page.locator("#summary-list .summary-row").count() == 2
    shot(page, "19-session-summary")
    page.click("#btn-end")
    page.wait_for_url("**/progress")
    page.wait_for_function("document.getElementById('sync').hidden")
    assert server.http.get("/api/sessions/active").json()["session"] is None
    page.goto("/progress")
    page.wait_for_function("document.body.dataset.chartsReady === '1'")
    assert page.inner_text("#total-sets") == "2"
    shot(page, "08-progress")
    assert page.errors == []
