"""The reflection at 390x844: load and reps the lifter can change, nothing made up stored, and a
set the server refuses kept as "needs fixing" until fixed or discarded. Stored values are read
back through the API."""

from __future__ import annotations

import pytest

from mindmuscle.units import KG_PER_LB as LB
from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_flow import SPEED, first_run_and_plan, rate_target, take_offers

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test

# Counts every tone the page starts and every vibration it asks for.
COUNT_OUTPUTS = """
window.__tones = 0; window.__vibrations = 0;
const origOsc = AudioContext.prototype.createOscillator;
AudioContext.prototype.createOscillator = function () {
  const o = origOsc.call(this);
  const start = o.start.bind(o);
  o.start = (...a) => { window.__tones += 1; return start(...a); };
  return o;
};
Object.defineProperty(navigator, "vibrate", {
  value: () => { window.__vibrations += 1; return true; },
});
"""


def play_set(page) -> None:
    page.goto(f"/session?speed={SPEED}")
    page.wait_for_selector("#screen-prime.on")
    page.click("#btn-start")
    page.wait_for_selector("#screen-reflect.on", timeout=30_000)


def test_changed_load_and_reps_are_stored_and_nothing_is_made_up(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    plan = server.http.get("/api/sessions/active").json()["session"]["plan"]
    first = plan["exercises"][0]
    before = len(server.sets())
    play_set(page)
    # Nothing pre-filled: the guided count and the plan's load are offered beside the fields.
    assert page.input_value("#reflect-reps") == ""
    assert page.input_value("#reflect-load") == ""
    assert page.inner_text("#offer-reps") == f"Guided count {first['reps'][1]}: use it"
    assert page.locator("input[name=target]:checked").count() == 0
    assert page.locator("input[name=rir]:checked").count() == 0
    # Save without a rating: the page asks for it beside the field, nothing is sent.
    page.click("#btn-save")
    assert page.is_visible("#target-msg")
    assert "Tap how strongly you felt the target muscle" in page.inner_text("#target-msg")
    # Reps beyond the API's bound: refused in the page with the bound from the schema.
    page.fill("#reflect-reps", "999")
    rate_target(page, "7")
    page.click("#btn-save")
    assert page.inner_text("#reflect-reps-msg") == "Reps 999 is too high: it can be at most 200."
    shot(page, "20-reflect-checked")
    assert len(server.sets()) == before
    # The lifter lifted one step heavier for 9 reps.
    page.fill("#reflect-reps", "9")
    page.click("#load-plus")
    load_shown = float(page.input_value("#reflect-load"))
    assert load_shown > first["load_kg"]
    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on, #screen-summary.on")
    page.wait_for_function("document.getElementById('sync').hidden")  # the server has it
    stored = server.sets()[-1]
    assert stored["reps"] == 9
    assert stored["load_kg"] == pytest.approx(load_shown)
    assert stored["reflection"]["target_rating"] == 7
    assert stored["reflection"]["focus_rating"] is None
    assert stored["reps_in_reserve"] is None
    assert stored["reflection"]["felt_elsewhere"] == {}
    # The rest screen shows the next set's load, reps and cue without scrolling.
    if page.locator("#screen-rest.on").count():
        # Felt 7 at the heavier load: the next set keeps the load lifted, in words too.
        assert page.inner_text("#rest-next-load").startswith(f"{load_shown:g} ")
        for sel in ("#rest-next-load", "#rest-next-reps", "#rest-next-cue"):
            box = page.locator(sel).bounding_box()
            assert box is not None and box["y"] + box["height"] <= 844
        shot(page, "21-rest-next")
    assert page.errors == []


def test_a_refused_set_stays_until_fixed(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    before = len(server.sets())
    # A phone whose stored limits are older than the server's: the page lets 999 reps through,
    # the real server refuses them (422).
    page.goto("/today")
    page.evaluate(
        "b => localStorage.setItem('mm.setBounds', JSON.stringify(b))",
        {"reps": {"min": 0, "max": 5000, "required": True}},
    )
    page.route("**/api/openapi.json", lambda route: route.abort("internetdisconnected"))
    play_set(page)
    page.fill("#reflect-reps", "999")
    take_offers(page)
    rate_target(page, "5")
    page.click("#btn-save")
    page.wait_for_selector("#reflect-refused:not([hidden])")
    message = page.inner_text("#reflect-refused-text")
    assert message.startswith("Not saved: the server refused this set.")
    assert "reps" in message.lower()
    assert page.is_visible("#screen-reflect.on")  # the loop did not move on
    page.wait_for_function(
        "document.getElementById('sync').textContent.includes('1 set needs fixing')"
    )
    shot(page, "22-reflect-refused")
    assert len(server.sets()) == before
    # Still there after a reload: the outbox keeps it aside and the reflection is where it was.
    page.on("dialog", lambda d: d.accept())
    page.reload()
    page.wait_for_selector("#screen-reflect.on")
    page.wait_for_function(
        "document.getElementById('sync').textContent.includes('1 set needs fixing')"
    )
    # Fixed from the badge's sheet: the server's message is shown beside the fields.
    page.click("#sync")
    page.wait_for_selector("#fixing[open] .fix-item")
    shot(page, "23-needs-fixing")
    page.fill("#fixing input[id^=fix-reps]", "10")
    page.click("#fixing button:has-text('Send again')")
    page.wait_for_function("document.getElementById('sync').hidden", timeout=10_000)
    sets = server.sets()
    assert len(sets) == before + 1
    assert sets[-1]["reps"] == 10
    assert sets[-1]["reflection"]["target_rating"] == 5
    assert page.errors == []


def test_settings_with_sound_and_vibration_off_are_silent(page, server: Server) -> None:
    page.add_init_script(COUNT_OUTPUTS)
    first_run_and_plan(page, server, screenshots=False)
    # With the defaults a set plays tones and vibrates.
    play_set(page)
    tones, vibrations = page.evaluate("[window.__tones, window.__vibrations]")
    assert tones > 10 and vibrations > 5
    take_offers(page)
    rate_target(page, "5")
    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on")
    page.wait_for_function("document.getElementById('sync').hidden")  # the server has it
    # Sound and vibration off in Settings: the next set is silent and still.
    page.goto("/settings")
    for pref in ("sound", "vibrate"):
        page.uncheck(f"[data-pref={pref}]")
    page.goto(f"/session?speed={SPEED}")
    page.wait_for_selector("#screen-rest.on")
    assert page.get_attribute("#sound", "aria-pressed") == "false"
    page.click("#btn-skip-rest")
    page.click("#btn-start")
    page.wait_for_selector("#screen-reflect.on", timeout=30_000)
    assert page.evaluate("[window.__tones, window.__vibrations]") == [0, 0]
    # The rating skipped on purpose is stored as absent, not as a number.
    take_offers(page)
    rate_target(page, "skip")
    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on, #screen-summary.on")
    page.wait_for_function("document.getElementById('sync').hidden")  # the server has it
    stored = server.sets()
    assert len(stored) == 2
    assert stored[0]["reflection"]["target_rating"] == 5
    assert stored[1]["reflection"]["target_rating"] is None
    assert page.errors == []


def test_reload_mid_set_waits_paused_at_the_rep_reached(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    page.goto("/session?speed=4")
    page.wait_for_selector("#screen-prime.on")
    page.click("#btn-start")
    page.wait_for_function("+document.getElementById('set-reps').textContent >= 2", timeout=30_000)
    page.on("dialog", lambda d: d.accept())
    page.reload()
    page.wait_for_selector("#screen-set.on")
    assert page.inner_text("#set-word") == "Paused"
    reached = int(page.inner_text("#set-reps"))
    assert reached >= 1
    assert f"Resume goes on from rep {reached + 1}" in page.inner_text("#set-paused-text")
    shot(page, "24-set-paused")
    page.click("#btn-resume")
    page.wait_for_function("document.getElementById('set-word').textContent !== 'Paused'")
    page.click("#btn-pause")
    assert page.inner_text("#set-word") == "Paused"
    page.click("#btn-done-paused")
    page.wait_for_selector("#screen-reflect.on")
    assert page.input_value("#reflect-reps") == ""
    counted = int(page.inner_text("#offer-reps").removeprefix("Guided count ").split(":")[0])
    assert counted >= reached
    assert page.errors == []


def test_a_session_resumed_from_the_terminal_lists_its_sets_by_name_in_pounds(
    page, server: Server
) -> None:
    # The lifter trains in pounds.
    page.goto("/")
    page.wait_for_url("**/first-run")
    page.click("text=Start training")
    page.wait_for_url("**/today")
    token = server.http.get("/api/csrf").json()["token"]
    r = server.http.put("/api/profile", json={"units": "lb"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    page.reload()
    page.click("#readiness-form button[type=submit]")
    page.wait_for_selector("#start-session")
    play_set(page)
    page.fill("#reflect-reps", "9")
    page.click("#offer-load-plan")
    rate_target(page, "7")
    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on")
    page.wait_for_function("document.getElementById('sync').hidden")
    stored = server.sets()[-1]
    session = server.http.get("/api/sessions/active").json()["session"]
    first = session["plan"]["exercises"][0]
    assert first["units"] == "lb"
    # The terminal stores its place without the page's own details; a fresh phone resumes it.
    snapshot = {k: v for k, v in session["snapshot"].items() if k != "web"}
    r = server.http.put(
        f"/api/sessions/{session['session_id']}/state",
        json={"snapshot": snapshot},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 200, r.text
    page.evaluate("localStorage.removeItem('mm.loop')")
    page.goto(f"/session?speed={SPEED}")
    page.wait_for_selector("#screen-rest.on")
    page.click("#btn-skip-rest")
    page.wait_for_selector("#screen-prime.on")
    page.on("dialog", lambda d: d.accept())
    page.click("#btn-end-early")
    page.wait_for_selector("#screen-summary.on")
    pounds = round(float(stored["load_kg"]) / LB, 2)
    row = page.inner_text("#summary-list .summary-row")
    assert row.startswith(f"{first['name']} · set 1")
    assert f"9 × {pounds:g} lb" in row
    shot(page, "26-summary-resumed-in-pounds")
    assert page.errors == []


def _lb_plan(page, server: Server) -> dict[str, object]:
    page.goto("/")
    page.wait_for_url("**/first-run")
    page.click("text=Start training")
    page.wait_for_url("**/today")
    token = server.http.get("/api/csrf").json()["token"]
    r = server.http.put("/api/profile", json={"units": "lb"}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    page.reload()
    page.click("#readiness-form button[type=submit]")
    page.wait_for_selector("#start-session")
    first: dict[str, object] = server.http.get("/api/sessions/active").json()["session"]["plan"][
        "exercises"
    ][0]
    return first


def test_reps_and_load_are_stored_only_once_the_lifter_gives_them(page, server: Server) -> None:
    first = _lb_plan(page, server)
    assert first["units"] == "lb" and first["load_kg"] is not None
    planned_lb = round(float(first["load_kg"]) / LB, 2)  # type: ignore[arg-type]
    reps_hi = first["reps"][1]  # type: ignore[index]
    play_set(page)
    # Both fields start empty; the guided count and the plan's load are offered as what they are.
    assert page.input_value("#reflect-reps") == ""
    assert page.input_value("#reflect-load") == ""
    assert page.inner_text("#offer-reps") == f"Guided count {reps_hi}: use it"
    assert page.inner_text("#offer-load-plan") == f"Plan {planned_lb:g} lb"
    assert not page.is_visible("#offer-load-last")  # nothing lifted yet
    # The rating alone does not make a set: Save is refused with one line per missing field.
    rate_target(page, "4")
    page.click("#btn-save")
    assert page.inner_text("#reflect-reps-msg") == "Reps are needed: type how many you did."
    assert page.inner_text("#reflect-load-msg") == "Load is needed: type what you lifted."
    shot(page, "27-reflect-reps-and-load-needed")
    assert server.sets() == []
    # The guided count, tapped, is given; the load typed: 15 lb.
    page.click("#offer-reps")
    assert page.input_value("#reflect-reps") == str(reps_hi)
    assert not page.is_visible("#offer-reps")
    page.fill("#reflect-load", "15")
    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on")
    page.wait_for_function("document.getElementById('sync').hidden")
    [one] = server.sets()
    assert one["reps"] == reps_hi
    assert one["load_kg"] == 15 * LB  # exactly, as the terminal converts it
    assert one["reflection"]["target_rating"] == 4
    # Set 2, ended at once: the last load lifted is offered beside the plan's, nothing filled.
    page.click("#btn-skip-rest")
    page.wait_for_selector("#screen-prime.on")
    page.click("#btn-start")
    page.wait_for_selector("#screen-set.on")
    page.click("#btn-done")
    page.wait_for_selector("#screen-reflect.on")
    assert page.input_value("#reflect-reps") == ""
    assert page.input_value("#reflect-load") == ""
    assert page.inner_text("#offer-load-last") == "Last lifted 15 lb"
    # The plan's load beside it, unless the coach's next set is the load lifted.
    if page.is_visible("#offer-load-plan"):
        assert page.inner_text("#offer-load-plan").startswith("Plan ")
        assert page.inner_text("#offer-load-plan") != "Plan 15 lb"
    shot(page, "28-reflect-last-load-offered")
    page.fill("#reflect-reps", "10")
    page.click("#offer-load-last")
    assert page.input_value("#reflect-load") == "15"
    rate_target(page, "6")
    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on, #screen-summary.on")
    page.wait_for_function("document.getElementById('sync').hidden")
    two = server.sets()[-1]
    assert (two["set_index"], two["reps"]) == (1, 10)
    assert two["load_kg"] == one["load_kg"]  # the last load, tapped: that load exactly
    assert page.errors == []
