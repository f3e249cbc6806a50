"""A set saved without network that the server then refuses: the rest screen stops saying the
set is on its way, and says it was refused, why, and where to fix or discard it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_flow import first_run_and_plan, rate_target, take_offers

pytestmark = pytest.mark.browser

SPEED = 10  # the rest of 90 s takes 9 s


def test_the_rest_screen_says_when_the_waiting_set_is_refused(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    page.goto(f"/session?speed={SPEED}")
    page.wait_for_selector("#screen-prime.on")
    # The phone's clock runs two days ahead: its sets are dated beyond what the server takes.
    ahead = datetime.now(UTC) + timedelta(days=2)
    page.clock.set_system_time(ahead)
    page.click("#btn-start")
    page.wait_for_selector("#screen-reflect.on", timeout=30_000)
    take_offers(page)
    rate_target(page, "7")
    # No network at the save: the loop goes on to the rest, the set waits on the phone.
    page.route("**/api/**", lambda route: route.abort("internetdisconnected"))
    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on")
    assert page.inner_text("#rest-adapt-text").startswith("Your set is saved on this phone")
    # The network is back during the rest: the server refuses the set.
    page.unroute("**/api/**")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_function("document.getElementById('sync').textContent === '1 set needs fixing'")
    text = page.inner_text("#rest-adapt-text")
    assert text.startswith(
        "The server refused your last set, so it is not stored and the next set is as planned. "
        "Date and time "
    ), text
    assert "a set can be dated at most a day ahead of now" in text
    assert text.endswith("Tap “needs fixing” at the top to fix it or discard it."), text
    assert page.locator("#screen-rest.on").count() == 1
    shot(page, "rest-set-refused")
    assert server.sets() == []
    assert page.errors == []
