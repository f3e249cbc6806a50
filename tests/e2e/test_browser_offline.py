"""Never lose a set: with the network cut during a set, the outbox keeps the set and delivers it
exactly once when the network is back, even when the server's first answer is lost."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_flow import do_one_set, first_run_and_plan

pytestmark = pytest.mark.browser


def test_outbox_delivers_once_after_the_network_returns(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    before = len(server.sets())

    def cut_network() -> None:
        page.route("**/api/**", lambda route: route.abort("internetdisconnected"))

    do_one_set(page, screenshots=False, before_save=cut_network)
    # The loop goes on without the server; the set waits in IndexedDB.
    page.wait_for_selector("#screen-rest.on, #screen-summary.on")
    page.wait_for_function("!document.getElementById('sync').hidden")
    assert "1 waiting" in page.inner_text("#sync")
    shot(page, "09-offline-set-waiting")
    assert len(server.sets()) == before

    # A reload with no network at all still shows the session (service worker + saved place).
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("#screen-rest.on, #screen-prime.on, #screen-summary.on")
    assert page.inner_text("#sync").startswith("1 waiting")
    shot(page, "10-offline-reload")

    # The network comes back, but the first answer of the server is lost on the way: the
    # server stored the set, the phone did not hear it and sends it again.
    page.unroute("**/api/**")
    lost = {"n": 0}

    def lose_first_answer(route) -> None:
        if route.request.method == "POST" and lost["n"] == 0:
            lost["n"] += 1
            route.fetch()  # reaches the server, which stores the set
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/sets", lose_first_answer)
    page.context.set_offline(False)
    page.wait_for_function("document.getElementById('sync').hidden", timeout=20_000)
    assert lost["n"] == 1
    sets = server.sets()
    assert len(sets) == before + 1
    # More retries and reloads change nothing.
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.reload()
    page.wait_for_timeout(500)
    assert len(server.sets()) == before + 1
    assert page.errors == []
