"""Every page works under the Content-Security-Policy: a whole set, the charts, an EMG upload,
the drill and the API docs, with nothing refused and no script error.

The other browser tests bypass the policy (Playwright's wait_for_function evaluates strings,
which the policy forbids); this one enforces it and waits on selectors only.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import PHONE, Server
from tests.e2e.test_browser_flow import first_run_and_plan, rate_target, take_offers
from tests.e2e.test_data_pages import analyse_emg
from tests.test_web_data import N_REPS, emg_csv

pytestmark = pytest.mark.browser


def test_the_app_works_under_its_policy(browser, server: Server, tmp_path: Path) -> None:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
        base_url=server.base_url, service_workers="allow",
    )  # fmt: skip
    page = context.new_page()
    errors: list[str] = []
    refused: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    try:
        first_run_and_plan(page, server, screenshots=False)
        # One whole guided set, stored.
        page.goto("/session?speed=40")
        page.wait_for_selector("#screen-prime.on")
        page.click("#btn-start")
        page.wait_for_selector("#screen-set.on")
        page.wait_for_selector("#screen-reflect.on", timeout=60_000)
        take_offers(page)
        rate_target(page, "8")
        page.click("#btn-save")
        page.wait_for_selector("#screen-rest.on, #screen-summary.on")
        assert len(server.sets()) == 1
        # The charts draw, and the map's colours come from the page's own script.
        page.goto("/progress")
        page.wait_for_selector("body[data-charts-ready='1']")
        assert page.locator("#connmap [data-fill]").count() >= 1
        fill = page.eval_on_selector("#connmap [data-fill]", "el => el.style.fill")
        assert fill.startswith("rgb(")
        # The exercise filter (it was an inline script).
        page.goto("/exercises")
        page.fill("#filter", "curl")
        assert page.inner_text("#count").endswith("exercises")
        assert page.locator("article[data-search]:not([hidden])").count() >= 1
        # An EMG upload and its chart.
        analyse_emg(page, tmp_path / "curl.csv", emg_csv()[0])
        assert page.inner_text("#emg-reps-count") == str(N_REPS)
        page.wait_for_selector("#emg-chart .main-svg")
        # The drill runs.
        page.goto("/drill?speed=50")
        page.wait_for_selector("#drill-start:not([disabled])")
        page.click("#drill-start")
        page.wait_for_selector("#drill-run:not([hidden])")
        for path in ("/evidence", "/settings", "/import", "/experiments"):
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
            page.wait_for_load_state("load")
        page.goto("/docs")
        page.wait_for_selector(".swagger-ui .info", timeout=30_000)
    finally:
        context.close()
    assert errors == []
    assert refused == []
