"""Eyes closed, screen locked: the set is heard or it waits, and the lifter is told which.

- With sound off, the eyes-closed switch says that nothing will be heard and offers to turn sound
  on; locking the screen pauses the set, and the paused screen says why. With sound on the set
  goes on by sound with the screen locked.
- Every phase long enough to be said goes to a screen reader's live line; with the eyes closed
  (or the screen off) it is spoken too, right after the phase's sound. Phases too short to say
  before the next sound (fast tempos) are carried by the metronome alone.
"""

from __future__ import annotations

import json

import pytest

from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_flow import first_run_and_plan, rate_target, take_offers

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]

# The phone's speech, recorded: what the page asks the browser to say.
RECORD_SPEECH = """(() => {
  window.__said = [];
  const fake = { speak: (u) => window.__said.push(u.text), cancel: () => {}, getVoices: () => [] };
  Object.defineProperty(window, 'speechSynthesis', { value: fake, configurable: true });
  window.SpeechSynthesisUtterance = function (text) { this.text = text; };
})()"""

# The screen locks (hidden) or comes back (visible), as a phone reports it to the page.
SCREEN = """(hidden) => {
  const state = hidden ? 'hidden' : 'visible';
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  Object.defineProperty(document, 'hidden', { value: hidden, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}"""


def _prefs(page, **prefs: bool) -> None:
    page.evaluate("(p) => localStorage.setItem('mm.prefs', p)", json.dumps(prefs))


def _start_set(page, speed: int = 1) -> None:
    page.goto(f"/session?speed={speed}" if speed > 1 else "/session")
    page.wait_for_selector("#screen-prime.on")
    page.click("#btn-start")
    page.wait_for_selector("#screen-set.on")


def _save_and_skip_rest(page) -> None:
    """From the reflection, save the set and skip the rest: the next set is primed."""
    page.fill("#reflect-reps", "10")
    take_offers(page)
    rate_target(page, "7")
    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on")
    page.click("#btn-skip-rest")
    page.wait_for_selector("#screen-prime.on")


def _loop(page) -> dict:
    return json.loads(page.evaluate("localStorage.getItem('mm.loop')"))


def test_eyes_closed_with_sound_off_says_so_and_turns_sound_on(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    _prefs(page, sound=False, vibrate=False)
    _start_set(page)
    assert page.inner_text("#set-sound-text") == "Sound is off: locking the screen pauses the set."
    page.check("#eyes")
    assert page.is_visible("#set-sound-note")
    assert page.inner_text("#set-sound-text") == (
        "Sound is off: with your eyes closed you hear nothing of the set."
    )
    shot(page, "set-eyes-closed-sound-off")
    page.click("#btn-sound-on")
    assert page.is_hidden("#set-sound-note")
    assert page.get_attribute("#sound", "aria-pressed") == "true"
    assert json.loads(page.evaluate("localStorage.getItem('mm.prefs')"))["sound"] is True
    assert _loop(page)["muted"] is False
    assert page.errors == []


def test_a_locked_screen_pauses_a_silent_set_and_a_sounding_one_goes_on(
    page, server: Server
) -> None:
    first_run_and_plan(page, server, screenshots=False)
    _prefs(page, sound=False)
    _start_set(page)
    page.wait_for_function("!document.getElementById('set-word').className.includes('count')")
    page.evaluate(SCREEN, True)
    assert _loop(page)["paused"] is True
    page.evaluate(SCREEN, False)
    assert page.is_visible("#set-paused")
    assert page.inner_text("#set-paused-text").startswith(
        "Paused when the screen locked: with sound off nothing guides the set you cannot see. "
    )
    shot(page, "set-paused-locked-silent")
    page.click("#btn-done-paused")
    page.wait_for_selector("#screen-reflect.on")
    _save_and_skip_rest(page)

    # Sound on: the set goes on by sound while the screen is locked, and is not paused.
    _prefs(page, sound=True)
    _start_set(page)
    page.evaluate(SCREEN, True)
    page.wait_for_timeout(1500)
    page.evaluate(SCREEN, False)
    assert _loop(page)["paused"] is False
    assert page.is_visible("#set-running") and page.is_hidden("#set-paused")
    assert page.errors == []


def _said_at_phases(server: Server, prescription: dict) -> list[str]:
    """What the page says at each phase at full speed: the word on phases of 1 s or more, with
    the breathing on phases of 2 s or more (metronome.js spokenCue)."""
    events = server.http.post(
        "/api/set-timeline", json={"prescription": prescription, "time_scale": 1},
        headers={"X-CSRF-Token": server.http.get("/api/csrf").json()["token"]},
    ).json()["events"]  # fmt: skip
    out = []
    for e in events:
        if e["type"] != "tempo_phase" or e["duration_s"] < 1:
            continue
        out.append(f"{e['word']}, {e['breath']}" if e["duration_s"] >= 2 else e["word"])
    return out


def test_the_phases_are_announced_and_spoken_with_the_eyes_closed(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    page.add_init_script(RECORD_SPEECH)
    prescription = server.http.get("/api/sessions/active").json()["session"]["plan"]["exercises"][0]
    expected = _said_at_phases(server, prescription)
    assert len(expected) >= 3, expected
    _prefs(page, sound=True, voice=True)
    _start_set(page)
    # Eyes open: the screen reader's line has the phase, nothing is spoken.
    page.wait_for_function("document.getElementById('set-say').textContent !== ''", timeout=10_000)
    assert page.inner_text("#set-say") == expected[0]
    assert page.evaluate("window.__said") == []
    # Eyes closed: each phase is spoken as well, the same words.
    page.check("#eyes")
    page.wait_for_function("window.__said.length >= 2", timeout=15_000)
    said = page.evaluate("window.__said")
    start = expected.index(said[0], 1)
    assert said == expected[start : start + len(said)], (said, expected)
    assert page.inner_text("#set-say") in said[-1:]
    page.click("#btn-pause")
    page.click("#btn-done-paused")
    page.wait_for_selector("#screen-reflect.on")
    _save_and_skip_rest(page)

    # A fast tempo (every phase under a second): the metronome alone, nothing said over it.
    _prefs(page, sound=True, voice=True, eyesClosed=True)
    _start_set(page, speed=20)
    page.wait_for_selector("#screen-reflect.on", timeout=30_000)
    assert page.evaluate("window.__said") == [prescription["focus"]["cue"]]
    assert page.inner_text("#set-say") == ""
    assert page.errors == []


def test_settings_say_that_eyes_closed_with_sound_off_is_silent(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    page.goto("/settings")
    page.wait_for_selector("[data-pref=eyesClosed]")
    assert page.is_hidden("#eyes-sound-note")
    page.click("label.switch:has([data-pref=eyesClosed])")
    assert page.is_hidden("#eyes-sound-note")
    page.click("label.switch:has([data-pref=sound])")
    assert page.inner_text("#eyes-sound-note").startswith(
        "With sound off, a set with your eyes closed is silent"
    )
    shot(page, "settings-eyes-closed-sound-off")
    page.reload()
    assert page.is_visible("#eyes-sound-note")
    page.click("label.switch:has([data-pref=sound])")
    assert page.is_hidden("#eyes-sound-note")
    assert page.errors == []
