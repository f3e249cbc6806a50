"""Progress on a phone: the first load moves little (scripts and data well under 600 KB), the
date axis reads as dates, and the charts are in the lifter's units."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_flow import do_one_set

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test
LB = 0.45359237


def test_progress_is_light_and_in_the_lifters_units(page, server: Server) -> None:
    page.goto("/first-run")
    page.locator("input[name=units][value=lb]").check(force=True)
    page.click("text=Start training")
    page.wait_for_url("**/today")
    page.click("#readiness-form button[type=submit]")
    page.wait_for_selector("#start-session")
    do_one_set(page, screenshots=False)
    page.wait_for_selector("#screen-rest.on, #screen-summary.on")
    page.wait_for_function("document.getElementById('sync').hidden")
    # A fresh browser context: nothing cached, every byte of the first load counted.
    context = page.context.browser.new_context(
        viewport={"width": 390, "height": 844}, base_url=server.base_url
    )
    fresh = context.new_page()
    loaded: dict[str, int] = {}

    def count(response) -> None:
        if response.request.resource_type in ("script", "fetch", "xhr"):
            loaded[response.url] = len(response.body())

    fresh.on("response", count)
    fresh.goto("/progress")
    # A selector wait, not a script: this fresh page runs under the real Content-Security-Policy.
    fresh.wait_for_selector("body[data-charts-ready='1']", state="attached")
    fresh.wait_for_load_state("networkidle")
    total = sum(loaded.values())
    assert total < 600_000, f"{total} bytes of scripts and data: {sorted(loaded.items())}"
    assert not any("plotly" in url for url in loaded)
    title = fresh.text_content("#chart-e1rm .ctitle")
    assert title == "Estimated 1RM (lb)"
    # Dates read as day and month ("6 Dec"), never a clock time.
    ticks = fresh.locator("#chart-e1rm .ctick").all_text_contents()
    assert any(re.fullmatch(r"\d{1,2} [A-Z][a-z]{2}( \d\d)?", t) for t in ticks), ticks
    assert not any(":" in t for t in ticks)
    # The point's value is the stored e1RM in lb.
    stored_kg = server.http.get("/api/progress").json()["exercises"][0]["e1rm_kg"][-1]
    point = fresh.locator("#chart-e1rm circle title").last.text_content() or ""
    assert point.endswith(f": {round(stored_kg / LB, 1)} lb")
    shot(fresh, "30-progress-lb")
    context.close()
    assert page.errors == []
