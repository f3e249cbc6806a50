"""Two tabs open on one session: a set saved in one moves the other on at once, so the same set
is never offered, and stored, twice."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_flow import SPEED, first_run_and_plan, rate_target, take_offers

pytestmark = pytest.mark.browser


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
