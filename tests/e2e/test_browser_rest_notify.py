"""The end of a rest after a reload, at 390x844: the rest screen says that sound waits for a
tap, a notification with the vibration pattern comes when rest ends (the lifter allowed them),
and the first tap anywhere brings the sound back.

A phone keeps audio suspended after a reload until the lifter taps. Headless Chromium does not
(and Playwright's own calls count as taps), so an init script gives every page of this test the
phone's rule: an AudioContext stays suspended until the first real pointer event on the page.
The notification is real: shown by the app's service worker, read back from its registration.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import PHONE, Server
from tests.e2e.test_browser_flow import do_one_set, first_run_and_plan, rate_target, take_offers
from tests.e2e.test_browser_workout import look

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test
PHONE_AUDIO_RULE = """
(() => {
  const Real = window.AudioContext;
  if (!Real) return;
  let tapped = false;
  addEventListener("pointerdown", () => { tapped = true; }, { capture: true });
  window.AudioContext = class extends Real {
    get state() { return tapped ? super.state : "suspended"; }
    resume() { return tapped ? super.resume() : new Promise(() => {}); }
  };
})();
"""
SHOWN = """() => navigator.serviceWorker.ready
  .then((r) => r.getNotifications())
  .then((ns) => ns.map((n) =>
    ({ title: n.title, body: n.body, tag: n.tag, vibrate: n.vibrate })))"""


def test_rest_end_notifies_after_a_reload_and_a_tap_brings_sound_back(
    browser,
    server: Server,
) -> None:
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
        base_url=server.base_url, service_workers="allow", bypass_csp=True,
    )  # fmt: skip
    context.grant_permissions(["notifications"], origin=server.base_url)
    context.add_init_script(PHONE_AUDIO_RULE)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    first_run_and_plan(page, server, screenshots=False)
    page.goto("/settings")
    page.wait_for_selector("#notify-status")
    assert page.inner_text("#notify-status").startswith("Notifications allowed: when rest ends")
    page.locator("#notify-status").scroll_into_view_if_needed()
    look(page, "settings-notifications")
    assert page.locator("#btn-notify").is_hidden()  # allowed: nothing to ask
    first = server.http.get("/api/sessions/active").json()["session"]["plan"]["exercises"][0]
    do_one_set(page, screenshots=False)
    page.wait_for_selector("#screen-rest.on")
    page.click("#btn-more-rest")  # time for the reload on a busy machine
    page.reload()  # no tap after it: sound waits
    page.wait_for_selector("#screen-rest.on")
    page.wait_for_selector("#rest-sound:not([hidden])")
    assert page.inner_text("#rest-sound") == (
        "Tap anywhere to hear the end of the rest; a notification comes anyway."
    )
    assert page.locator("#btn-notify").is_hidden()  # allowed already: not offered again
    look(page, "rest-after-reload")
    page.wait_for_selector("#screen-prime.on", timeout=60_000)  # the rest ended
    page.wait_for_function(f"({SHOWN})().then((ns) => ns.length === 1)")
    (shown,) = page.evaluate(SHOWN)
    assert shown == {
        "title": "Rest is over",
        "body": f"{first['name']}: set 2 of {first['sets']}, {first['load_display']}",
        "tag": "mm-rest",
        "vibrate": [200, 100, 200],
    }

    # The next rest, reloaded: the first tap anywhere brings the sound back.
    page.click("#btn-start")
    page.wait_for_selector("#screen-reflect.on", timeout=30_000)
    take_offers(page)
    rate_target(page, "6")
    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on")
    page.click("#btn-more-rest")
    page.reload()
    page.wait_for_selector("#rest-sound:not([hidden])")
    page.touchscreen.tap(195, 300)
    page.wait_for_selector("#rest-sound", state="hidden")
    assert len(server.sets()) == 2
    context.close()
    assert errors == []


def test_the_first_rest_offers_notifications_once(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    do_one_set(page, screenshots=False)
    page.wait_for_selector("#screen-rest.on")
    # Not yet asked: the rest screen offers it (a tap asks the browser).
    assert page.evaluate("Notification.permission") == "default"
    page.wait_for_selector("#btn-notify:not([hidden])")
    look(page, "rest-offers-notifications")
    page.click("#btn-notify")
    page.wait_for_selector("#btn-notify", state="hidden")
    assert page.evaluate("JSON.parse(localStorage.getItem('mm.prefs')).notifyAsked") is True
    assert errors_of(page) == []


def errors_of(page) -> list[str]:  # type: ignore[no-untyped-def]
    errors: list[str] = page.errors
    return errors
