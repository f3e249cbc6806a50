"""Two tabs open on one session: a set saved in one moves the other on at once, so the same set
is never offered, and stored, twice."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_flow import SPEED, first_run_and_plan, rate_target, take_offers

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]


# A tab that stops hearing the other tab's changes (window.deaf = true): its storage listeners
# are left uncalled.
DEAF = """(() => {
  const add = window.addEventListener.bind(window);
  window.addEventListener = (type, fn, options) =>
    add(type, type === 'storage' ? (e) => { if (!window.deaf) fn(e); } : fn, options);
})()"""


def save_a_set(tab, rating: str) -> None:
    tab.click("#btn-start")
    tab.wait_for_selector("#screen-reflect.on", timeout=30_000)
    take_offers(tab)
    rate_target(tab, rating)
    tab.click("#btn-save")
    tab.wait_for_selector("#screen-rest.on")


def test_a_second_tab_follows_the_set_saved_in_the_first(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    session = server.http.get("/api/sessions/active").json()["session"]
    first = session["plan"]["exercises"][0]
    page.goto(f"/session?speed={SPEED}")
    page.wait_for_selector("#screen-prime.on")
    other = page.context.new_page()
    other.goto(f"/session?speed={SPEED}")
    other.wait_for_selector("#screen-prime.on")
    assert other.text_content("#screen-prime [data-step]") == (
        f"Exercise 1 of 4 · Set 1 of {first['sets']}"
    )

    save_a_set(page, "7")
    # The other tab rests too, before the set 2 it would now do.
    other.wait_for_selector("#screen-rest.on")
    assert other.text_content("#rest-next-step") == f"Exercise 1 of 4 · set 2 of {first['sets']}"
    shot(other, "two-tabs-other-follows")

    # Rest skipped in the other tab: the first tab is at set 2 as well; set 2 is done there.
    other.click("#btn-skip-rest")
    page.wait_for_selector("#screen-prime.on")
    assert page.text_content("#screen-prime [data-step]") == (
        f"Exercise 1 of 4 · Set 2 of {first['sets']}"
    )
    save_a_set(other, "6")
    page.wait_for_selector("#screen-rest.on")
    assert page.text_content("#rest-next-step") == f"Exercise 1 of 4 · set 3 of {first['sets']}"

    sets = server.http.get(
        "/api/sets", params={"session_id": session["session_id"], "limit": 100}
    ).json()
    assert [(s["set_index"], s["reflection"]["target_rating"]) for s in sets] == [(0, 7), (1, 6)]
    assert page.errors == []
    other.close()


def test_two_tabs_both_mid_set_store_the_set_once_and_say_so(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    session = server.http.get("/api/sessions/active").json()["session"]
    first = session["plan"]["exercises"][0]
    page.context.add_init_script(DEAF)
    page.goto(f"/session?speed={SPEED}")
    page.wait_for_selector("#screen-prime.on")
    other = page.context.new_page()
    other_errors: list[str] = []
    other.on("pageerror", lambda exc: other_errors.append(str(exc)))
    other.goto("/session?speed=2")  # a slower set: still running when the first is saved
    other.wait_for_selector("#screen-prime.on")
    # Both tabs start the set before either hears of the other (the storage event that makes a
    # tab follow the other comes too late): each runs the set with its own uuid.
    for tab in (page, other):
        tab.evaluate("window.deaf = true")
    other.click("#btn-start")
    other.wait_for_selector("#screen-set.on")
    save_a_set(page, "7")
    # The other tab finishes its own set of the same place and saves it too.
    assert other.is_visible("#screen-set.on")
    other.click("#btn-done")
    other.wait_for_selector("#screen-reflect.on")
    other.fill("#reflect-reps", "9")
    take_offers(other)
    rate_target(other, "5")
    other.click("#btn-save")
    other.wait_for_selector("#reflect-refused:not([hidden])")
    refused = other.inner_text("#reflect-refused-text")
    assert refused.startswith(
        f"Not saved: the server refused this set. Set 1 of {first['name']} in this workout is "
        f"already stored ({first['reps'][1]} reps, done "
    ), refused
    assert refused.endswith(
        "saved from another tab or device, so this one was not stored as well. Discard it if "
        "it is the same set."
    )
    assert other.input_value("#reflect-reps") == "9"  # the lifter's values stay visible
    shot(other, "two-tabs-same-set-refused")
    sets = server.http.get(
        "/api/sets", params={"session_id": session["session_id"], "limit": 100}
    ).json()
    assert [(s["set_index"], s["reflection"]["target_rating"]) for s in sets] == [(0, 7)]
    other.on("dialog", lambda dialog: dialog.accept())
    other.click("#btn-discard")
    other.wait_for_selector("#screen-rest.on")
    other.wait_for_function("document.getElementById('sync').hidden")
    assert page.errors == [] and other_errors == []
    other.close()
