"""The connection test page in a real browser, under the app's Content-Security-Policy: past
tests and their chart over weeks, then a whole test on the server's live sensor (simulated) with
words and a countdown but never the level, its result, and the history growing by one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mindmuscle.experiments.skill_test import SkillTestScore, TargetScore
from mindmuscle.services.live import CalibrationView, save_calibrations
from mindmuscle.services.skill_tests import SkillTestRun, save_skill_test
from mindmuscle.store import LOCAL_USER_ID, CalibrationCreate, open_database
from tests.e2e.conftest import PHONE, Server, shot, start_server, stop_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("e2e-skill")
    db = open_database(f"sqlite:///{tmp / 'e2e.db'}")
    now = datetime.now(UTC)
    save_calibrations(
        db, LOCAL_USER_ID,
        [CalibrationCreate(muscle="biceps", level=0.4, unit="mV", sfreq_hz=1000.0, trial=1,
                           window_start_s=0.5, placement="", source="test", created_at=now)],
    )  # fmt: skip
    cal = CalibrationView("biceps", 0.4, "mV", now, "", [])
    # Four weekly tests: the error shrinks from 9 to 4 points of %MVC.
    for week, sd in enumerate([9.0, 7.5, 5.0, 4.0]):
        score = SkillTestScore(
            [
                TargetScore(t, t + sd / 2, sd * k, 1, 80)
                for t, k in ((10, 0.7), (20, 1.0), (40, 1.3))
            ]
        )
        when = now - timedelta(weeks=4 - week)
        save_skill_test(db, LOCAL_USER_ID, SkillTestRun(
            "biceps", [20.0, 10.0, 40.0], score, 5.0, 1.0, cal, "earlier", when))  # fmt: skip
    db.close()
    srv = start_server(
        tmp, env_extra={"MINDMUSCLE_LIVE_SOURCE": "synthetic", "MINDMUSCLE_LIVE_MAP": "1=biceps"}
    )
    yield srv
    stop_server(srv)


def test_the_connection_test_page_runs_a_test_and_shows_it_over_weeks(
    browser, live_server: Server, tmp_path: Path
) -> None:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
        base_url=live_server.base_url,
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
        page.goto("/settings")
        page.click("#data-links a[href='/skill-test']")
        page.wait_for_selector("body[data-ready='1']")
        page.wait_for_selector("#st-chart .main-svg")
        assert page.locator("#st-history tbody tr").count() == 4
        assert page.inner_text("#st-history tbody tr:first-child td:last-child") == "4.0"
        assert page.input_value("#st-muscle") == "biceps"
        shot(page, "60-skill-test")
        page.locator("#st-chart-card").scroll_into_view_if_needed()
        shot(page, "61-skill-test-weeks")

        page.goto("/skill-test?hold_s=3&rest_s=0&seed=1")
        page.wait_for_selector("body[data-ready='1']")
        page.click("#st-start")
        page.wait_for_selector("#st-live.holding", timeout=60_000)
        word = page.inner_text("#st-word")
        assert word in ("10%", "20%", "40%")
        live_text = page.inner_text("#st-live")
        assert "of your maximum now" in live_text and "MVC" not in live_text  # no level shown
        shot(page, "62-skill-test-hold")
        page.wait_for_selector("body[data-tested], #st-error:not([hidden])", timeout=90_000)
        # A test that stops says why on the page; the server's log says what it saw.
        assert page.is_hidden("#st-error"), (
            page.inner_text("#st-error") + "\n" + live_server.log.read_text()[-3000:]
        )
        assert page.is_hidden("#st-live")
        rows = page.locator("#st-result-table tbody tr")
        assert rows.count() == 3
        assert [rows.nth(i).locator("td").first.inner_text() for i in range(3)] == [
            "10% MVC", "20% MVC", "40% MVC"
        ]  # fmt: skip
        assert "Stored." in page.inner_text("#st-result-note")
        assert page.locator("#st-history tbody tr").count() == 5
        shot(page, "63-skill-test-result")
    finally:
        context.close()
    assert errors == []
    assert refused == []


def test_the_connection_test_page_has_no_serious_accessibility_violation(
    browser, live_server: Server
) -> None:
    from tests.e2e.test_browser_axe import AXE, SERIOUS

    if not AXE.exists():
        pytest.skip(f"{AXE} is absent: run `npm ci --prefix tests/e2e` (CI does)")
    # The app's Content-Security-Policy would refuse the injected checker; the page is the same.
    context = browser.new_context(viewport=PHONE, base_url=live_server.base_url, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto("/skill-test")
        page.wait_for_selector("body[data-ready='1']")
        page.wait_for_selector("#st-chart .main-svg")
        page.evaluate(AXE.read_text())
        assert page.evaluate(SERIOUS) == []
        small = page.evaluate(
            """() => [...document.querySelectorAll('main button, main select')]
                .filter((e) => e.offsetParent && e.getBoundingClientRect().height < 44)
                .map((e) => e.id)"""
        )
        assert small == []  # every control is at least 44 px tall
    finally:
        context.close()
