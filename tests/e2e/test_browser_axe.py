"""Accessibility: axe-core (the npm package, used by the tests only) checks every page and every
state of the set loop at 390x844; no critical or serious violation is allowed.

axe-core is installed by ``npm ci --prefix tests/e2e`` (CI does it); without it the test skips
and says so.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import PHONE, Server
from tests.e2e.test_browser_flow import SPEED, rate_target, take_offers

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = """
() => axe.run(document, { resultTypes: ["violations"] }).then((r) =>
  r.violations
    .filter((v) => v.impact === "critical" || v.impact === "serious")
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`))
"""


def test_every_page_and_state_has_no_serious_violation(browser, server: Server) -> None:
    if not AXE.exists():
        pytest.skip(f"{AXE} is absent: run `npm ci --prefix tests/e2e` (CI does)")
    source = AXE.read_text()
    # The app's Content-Security-Policy would refuse the injected checker; the pages are the same.
    context = browser.new_context(viewport=PHONE, base_url=server.base_url, bypass_csp=True)
    page = context.new_page()
    found: dict[str, list[str]] = {}

    def check(state: str) -> None:
        page.evaluate(source)
        found[state] = page.evaluate(SERIOUS)

    page.goto("/first-run")
    check("first run")
    page.click("text=Start training")
    page.wait_for_url("**/today")
    check("today: readiness check")
    page.click("#readiness-form button[type=submit]")
    page.wait_for_selector("#start-session")
    check("today: plan")
    page.goto(f"/session?speed={SPEED}")
    page.wait_for_selector("#screen-prime.on")
    check("session: prime")
    page.click("#btn-start")
    page.wait_for_selector("#screen-set.on")
    check("session: set")
    page.wait_for_selector("#screen-reflect.on", timeout=30_000)
    check("session: reflection")
    page.click("#btn-save")
    check("session: reflection, rating missing")
    page.click("#btn-more")
    check("session: where else")
    page.click("#btn-more-done")
    take_offers(page)
    rate_target(page, "7")
    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on")
    check("session: rest")
    page.click("#btn-edit-rest")
    page.wait_for_selector("#workout-sheet[open]")
    check("session: edit workout")
    page.click("#workout-add")
    page.wait_for_selector("#pick-sheet[open]")
    check("session: exercise picker")
    page.click("#pick-cancel")
    page.click("#workout-done")
    for path in ("/history", "/settings", "/progress", "/drill", "/exercises", "/evidence"):
        page.goto(path)
        page.wait_for_load_state("networkidle")
        check(path)
    page.goto("/history")
    page.wait_for_function("document.body.dataset.ready === '1'")
    page.locator("details.workout summary").first.click()
    page.locator(".set-row button:has-text('Edit')").first.click()
    page.click("#edit-else")
    check("history: edit set, where else")
    page.goto("/routines")
    page.wait_for_function("document.body.dataset.ready === '1'")
    check("/routines")
    page.click("#new-routine")
    page.click("#editor-save")  # the messages beside the fields
    check("routines: editor")
    page.goto("/today")
    page.on("dialog", lambda d: d.accept())  # "a workout is in progress: start this one?"
    page.click("#start-empty")
    page.wait_for_selector("#screen-build.on")
    check("session: empty workout")
    context.close()
    assert {state: v for state, v in found.items() if v} == {}
    assert len(found) == 21
