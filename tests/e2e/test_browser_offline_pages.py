"""With no network, a page the phone never opened says so and leads back to the workout; it no
longer shows the set loop under that page's name (History showed a paused set)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_flow import first_run_and_plan

pytestmark = pytest.mark.browser


def a_planned_session(page, server: Server) -> None:
    """The first run and today's plan, unless this module's server has a session already."""
    if server.http.get("/api/sessions/active").json()["session"] is None:
        first_run_and_plan(page, server, screenshots=False)


def test_an_unopened_page_offline_says_no_network(page, server: Server) -> None:
    a_planned_session(page, server)
    page.goto("/session")
    page.wait_for_selector("#screen-prime.on")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now under the service worker, which kept the app shell
    page.wait_for_selector("#screen-prime.on")
    page.context.set_offline(True)
    try:
        page.goto("/history")
        assert page.title() == "No network · MindMuscle"
        assert page.inner_text("h1") == "No network"
        assert page.locator("#screen-prime").count() == 0
        shot(page, "offline-unopened-page")
        page.click("text=Back to your workout")
        page.wait_for_url("**/session")
        assert page.title() == "Session · MindMuscle"  # the set loop's own page, kept offline
    finally:
        page.context.set_offline(False)


def test_a_session_opened_once_reloads_without_network(page, server: Server) -> None:
    a_planned_session(page, server)
    page.goto("/session")
    page.wait_for_selector("#screen-prime.on")
    first = page.text_content("#screen-prime [data-step]")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    # The phone drops the tab (locked screen, memory) and the gym's network is gone: the
    # session it had open comes back, ready for its first set.
    page.context.set_offline(True)
    try:
        page.reload()
        page.wait_for_selector("#screen-prime.on")
        assert page.text_content("#screen-prime [data-step]") == first
        assert page.is_hidden("#loop-empty")
        shot(page, "offline-reload-before-first-set")
    finally:
        page.context.set_offline(False)
