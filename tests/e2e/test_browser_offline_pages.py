"""With no network, a page the phone never opened says so and leads back to the workout; it no
longer shows the set loop under that page's name (History showed a paused set)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_flow import first_run_and_plan

pytestmark = pytest.mark.browser


def test_an_unopened_page_offline_says_no_network(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
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
