"""A set refused for its date and time says so in the lifter's words ("Date and time", never the
API's performed_at), and both the "needs fixing" dialog and the reflection let the lifter change
the date and send the set again: discarding is not the only way out."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_fixing import QUEUE
from tests.e2e.test_browser_flow import SPEED, first_run_and_plan, rate_target, take_offers

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]

# A phone whose clock runs three days ahead: every date it makes is too far ahead for the server.
CLOCK_AHEAD = """(() => {
  const shift = 3 * 24 * 3600 * 1000;
  const Real = Date;
  class Ahead extends Real {
    constructor(...args) { if (args.length) super(...args); else super(Real.now() + shift); }
    static now() { return Real.now() + shift; }
  }
  window.Date = Ahead;
})()"""


def _local(page, iso: str) -> str:
    """``iso`` as the page's datetime-local field holds it (the browser's local time)."""
    return page.evaluate(
        "async (iso) => (await import('/static/js/fixing.js')).localInput(iso)", iso
    )


def test_the_fixing_dialog_names_the_date_and_changes_it(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    prescription = server.http.get("/api/sessions/active").json()["session"]["plan"]["exercises"][0]
    ahead = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    set_uuid = str(uuid.uuid4())
    body = {
        "uuid": set_uuid,
        "exercise_id": prescription["exercise_id"],
        "set_index": 0,
        "performed_at": ahead.isoformat(),
        "reps": 10,
        "load_kg": 12.5,
        "reflection": {"target_rating": 7, "felt_elsewhere": {}},
        "prescription": prescription,
    }
    assert page.evaluate(QUEUE, [set_uuid, body]) == "refused"
    page.wait_for_function("document.getElementById('sync').textContent === '1 set needs fixing'")
    page.click("#sync")
    page.wait_for_selector("#fixing[open]")
    reason = page.inner_text("#fixing .fix-item .error-text")
    assert "performed_at" not in reason
    assert reason.startswith(f"Date and time {ahead:%Y-%m-%d %H:%M} UTC is not allowed: a set")
    when = f"#fix-when-{set_uuid}"
    assert page.input_value(when) == _local(page, ahead.isoformat())
    shot(page, "fixing-refused-date")
    send = page.locator(".fix-item", has=page.locator(when)).locator("text=Send again")
    # Sent again as it is, the page says why before the server does.
    send.click()
    assert page.inner_text(f"{when}-msg").startswith(
        "Date and time must be at most a day ahead of now"
    )
    assert server.sets() == []
    real = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=5)
    page.fill(when, _local(page, real.isoformat()))
    send.click()
    page.wait_for_function("document.getElementById('sync').hidden")
    [stored] = server.sets()
    assert stored["uuid"] == set_uuid
    assert datetime.fromisoformat(stored["performed_at"]).replace(tzinfo=UTC) == real
    assert (stored["reps"], stored["load_kg"]) == (10, 12.5)
    assert page.errors == []


def test_the_reflection_names_the_date_and_changes_it(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    page.add_init_script(CLOCK_AHEAD)
    page.goto(f"/session?speed={SPEED}")
    page.wait_for_selector("#screen-prime.on")
    page.click("#btn-start")
    page.wait_for_selector("#screen-reflect.on", timeout=30_000)
    take_offers(page)
    rate_target(page, "7")
    page.click("#btn-save")
    page.wait_for_selector("#reflect-refused:not([hidden])")
    reason = page.inner_text("#reflect-refused-text")
    assert "performed_at" not in reason
    assert reason.startswith("Not saved: the server refused this set. Date and time ")
    assert page.is_visible("#reflect-when")
    shot(page, "reflect-refused-date")
    real = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=2)
    page.fill("#reflect-when", _local(page, real.isoformat()))
    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on, #screen-summary.on")
    [stored] = server.sets()
    assert datetime.fromisoformat(stored["performed_at"]).replace(tzinfo=UTC) == real
    assert stored["reflection"]["target_rating"] == 7
    assert page.errors == []
