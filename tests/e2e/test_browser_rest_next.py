"""The rest screen at 390x844 speaks of the set that comes next: the coach's changes only when
it is of the same exercise, muscles by name, the next exercise's between-sets prompt, and a set
saved without network says when its changes come (and they come once it is synced)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_flow import first_run_and_plan, rate_target

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test


def set_felt_in_forearms(page, *, reps: str = "10") -> None:
    """One set ended at once, typed in, rated 3, the forearm flexors felt a lot; saved."""
    page.wait_for_selector("#screen-prime.on")
    page.click("#btn-start")
    page.wait_for_selector("#screen-set.on")
    page.click("#btn-done")
    page.wait_for_selector("#screen-reflect.on")
    page.fill("#reflect-reps", reps)
    page.fill("#reflect-load", "10")
    rate_target(page, "3")
    page.click("#btn-more")
    page.click("#felt-list [data-muscle=forearm_flexors]")
    page.click("#felt-list [data-muscle=forearm_flexors]")
    page.click("#btn-more-done")
    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on, #screen-summary.on")


def test_after_an_exercises_last_set_the_rest_speaks_of_the_next_exercise(
    page, server: Server
) -> None:
    first_run_and_plan(page, server, screenshots=False)
    plan = server.http.get("/api/sessions/active").json()["session"]["plan"]["exercises"]
    first, second = plan[0], plan[1]
    assert first["exercise_id"] == "dumbbell_biceps_curl", first["exercise_id"]
    page.goto("/session?speed=20")
    for k in range(first["sets"]):
        set_felt_in_forearms(page)
        page.wait_for_function("document.getElementById('sync').hidden")
        if k < first["sets"] - 1:
            # Another curl set follows: the changes for it, the muscle named, not its id.
            text = page.inner_text("#rest-adapt-text")
            assert page.is_visible("#rest-adapt")
            assert "forearm flexors 8/10" in text and "forearm_flexors" not in text
            assert page.inner_text("#rest-prompt") == first["between_set_prompt"]
            if k == 0:
                shot(page, "45-rest-next-set-changes")
            page.click("#btn-skip-rest")
    # After the last curl set: the next exercise, its prompt, and no talk of a next curl set.
    assert page.inner_text("#rest-next-name") == second["name"]
    assert not page.is_visible("#rest-adapt")
    assert page.inner_text("#rest-prompt") == second["between_set_prompt"]
    assert "forearm" not in page.inner_text("#screen-rest")
    shot(page, "46-rest-next-exercise")
    assert page.errors == []


def test_a_set_saved_offline_says_when_its_changes_come_and_they_come_once_synced(
    page, server: Server
) -> None:
    first_run_and_plan(page, server, screenshots=False)
    plan = server.http.get("/api/sessions/active").json()["session"]["plan"]["exercises"]
    assert plan[0]["exercise_id"] == "dumbbell_biceps_curl", plan[0]["exercise_id"]
    page.goto("/session?speed=3")  # a rest long enough for the network to come back in it
    page.route("**/api/sets", lambda route: route.abort("internetdisconnected"))
    set_felt_in_forearms(page)
    assert page.is_visible("#screen-rest.on")
    assert page.inner_text("#rest-adapt-text") == (
        "Your set is saved on this phone and goes to the server when the network is back; the "
        "coach's changes for this set come then. Until then the next set is as planned."
    )
    shot(page, "47-rest-changes-waiting-for-sync")
    assert server.sets() == []
    page.unroute("**/api/sets")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("document.getElementById('sync').hidden", timeout=20_000)
    page.wait_for_function(
        "document.getElementById('rest-adapt-text').textContent.includes('forearm flexors 8/10')",
        timeout=10_000,
    )
    assert page.is_visible("#screen-rest.on")
    shot(page, "48-rest-changes-synced")
    # The changed next set is the one the page now runs: the server's own answer, applied.
    [stored] = server.sets()
    assert stored["reps"] == 10
    session = server.http.get("/api/sessions/active").json()["session"]
    web = session["snapshot"]["web"]
    assert web["lastAdaptation"]["next"] == session["snapshot"]["current"][0]
    assert web["lastAdaptation"]["actions"]  # felt elsewhere a lot: the coach changed the set
    assert page.errors == []
