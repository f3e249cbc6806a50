"""A lifter's answers after a set are never dropped because another tab or device moved on.

Two tabs of one phone on one workout: the answers given in the tab that finished first stay
when the other finishes the same set, and are what is stored. A phone and a laptop: the set
saved first on the laptop with other answers makes the phone's save say so, keep its answers on
the screen, and put them in the stored set's place on the lifter's word (the laptop's kept as a
revision). A tab whose answers another tab's save passed by keeps them, says so in one line,
and saves them in the stored set's place. Every stored value is checked exactly."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import SCREENSHOTS, Server, shot
from tests.e2e.test_browser_flow import first_run_and_plan, rate_target

pytestmark = [pytest.mark.browser, pytest.mark.fresh_server]  # a fresh server per test

SLOW = 2  # a set long enough that a tab is still in it while the other one is answered


def answer(tab, *, reps: str, load: str, target: str, rir: str | None = None) -> None:
    """Type reps and load, tap the felt rating and (optionally) reps in reserve."""
    tab.fill("#reflect-reps", reps)
    tab.fill("#reflect-load", load)
    rate_target(tab, target)
    if rir is not None:
        tab.click(f"#rir-field label:has(input[value='{rir}'])")


def shown(tab) -> tuple[str, str, str | None, str | None]:
    """What the reflection shows: reps, load, the felt rating and reps in reserve tapped."""
    checked = "(n) => { const e = document.querySelector(`input[name=${n}]:checked`);"
    checked += " return e ? e.value : null; }"
    return (
        tab.input_value("#reflect-reps"),
        tab.input_value("#reflect-load"),
        tab.evaluate(checked, "target"),
        tab.evaluate(checked, "rir"),
    )


def stored_answers(server: Server) -> list[tuple[object, ...]]:
    return [
        (
            s["reps"],
            s["load_kg"],
            s["reflection"]["target_rating"],  # type: ignore[index]
            s["reps_in_reserve"],
            s["reflection"]["focus_rating"],  # type: ignore[index]
            s["reflection"]["felt_elsewhere"],  # type: ignore[index]
        )
        for s in server.sets()
    ]


def test_answers_in_one_tab_stay_when_the_other_finishes_the_same_set(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    other = page.context.new_page()
    errors: list[str] = []
    other.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"/session?speed={SLOW}")
    page.wait_for_selector("#screen-prime.on")
    other.goto(f"/session?speed={SLOW}")
    other.wait_for_selector("#screen-prime.on")

    page.click("#btn-start")
    page.wait_for_selector("#screen-set.on #set-running:not([hidden])")
    other.wait_for_selector("#screen-set.on #set-paused:not([hidden])")  # follows, paused
    other.click("#btn-resume")  # the same set, going on in the other tab too
    other.wait_for_selector("#set-running:not([hidden])")
    page.click("#btn-done")
    page.wait_for_selector("#screen-reflect.on")
    answer(page, reps="9", load="3", target="8", rir="1")
    assert other.locator("#screen-set.on").count() == 1  # still in its set

    # The other tab ends the same set: it used to take this tab to its own empty reflection.
    other.click("#btn-done")
    other.wait_for_selector("#screen-reflect.on")
    other.wait_for_function("document.getElementById('reflect-reps').value === '9'")
    assert shown(page) == ("9", "3", "8", "1")
    assert shown(other) == ("9", "3", "8", "1")
    assert page.locator("#screen-reflect.on").count() == 1

    other.click("#btn-save")
    other.wait_for_selector("#screen-rest.on")
    page.wait_for_selector("#screen-rest.on")  # stored as given here: this tab follows
    page.wait_for_function("document.getElementById('sync').hidden")
    assert stored_answers(server) == [(9, 3.0, 8, 1, None, {})]
    assert page.errors == [] and errors == []
    other.close()


def test_a_set_saved_first_on_another_device_keeps_the_answers_given_here(
    page, browser, server: Server
) -> None:
    first_run_and_plan(page, server, screenshots=False)
    page.goto("/session?speed=20")
    page.wait_for_selector("#screen-prime.on")
    page.click("#btn-start")
    page.wait_for_selector("#screen-reflect.on", timeout=30_000)
    answer(page, reps="9", load="3", target="8", rir="1")

    # The laptop opens the same workout at this set and saves it first, with other answers.
    laptop_context = browser.new_context(
        viewport={"width": 1280, "height": 800}, base_url=server.base_url, bypass_csp=True
    )
    laptop = laptop_context.new_page()
    laptop.goto("/session?speed=20")
    laptop.wait_for_selector("#screen-reflect.on")
    answer(laptop, reps="10", load="3", target="6")
    laptop.click("#btn-save")
    laptop.wait_for_selector("#screen-rest.on")
    assert stored_answers(server) == [(10, 3.0, 6, None, None, {})]
    (first,) = server.sets()

    # The phone's save used to be answered with the laptop's set and move on, its answers gone.
    page.click("#btn-save")
    page.wait_for_selector("#reflect-refused:not([hidden])")
    assert page.inner_text("#reflect-refused-text") == (
        "This set was already saved from another tab or device with other answers "
        "(10 × 3 kg, felt 6/10), so yours were not stored. Put yours in its place, or discard "
        "them."
    )
    assert page.is_visible("#btn-replace")
    assert page.inner_text("#btn-discard") == "Discard my answers"
    assert shown(page) == ("9", "3", "8", "1")  # the answers stay on the screen
    assert page.inner_text("#sync") == "1 set needs fixing"
    assert stored_answers(server) == [(10, 3.0, 6, None, None, {})]
    shot(page, "two-devices-already-stored")
    page.set_viewport_size({"width": 1280, "height": 800})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "two-devices-already-stored-1280.png"))
    page.set_viewport_size({"width": 390, "height": 844})

    # The Sets to sync sheet offers the same, with the answers given here.
    page.click("#sync")
    page.wait_for_selector("#fixing[open] .fix-item")
    item = page.locator("#fixing .fix-item")
    assert item.locator("button:has-text('Put these in its place')").is_visible()
    assert item.locator("input[id^=fix-reps-]").input_value() == "9"
    page.click("#fixing button:has-text('Close')")

    page.click("#btn-replace")
    page.wait_for_selector("#screen-rest.on")
    page.wait_for_function("document.getElementById('sync').hidden")
    assert stored_answers(server) == [(9, 3.0, 8, 1, None, {})]
    detail = server.http.get(f"/api/sets/{first['uuid']}").json()
    changes = [r["changes"] for r in detail["revisions"]]
    assert changes == [{"reps": [10, 9], "reps_in_reserve": [None, 1], "target_rating": [6, 8]}]
    assert page.errors == []
    laptop_context.close()


SAVED_THERE = """([uuid, reps, loadKg, rating]) => {
  const st = JSON.parse(localStorage.getItem('mm.loop'));
  const p = st.current[st.ex];
  const reflection = {target_rating: rating, felt_elsewhere: {}, focus_rating: null,
                      reps_in_reserve: null, note: ''};
  st.done.push({uuid, exercise_id: p.exercise_id, name: p.name, set_index: st.set, reps,
    load_display: `${loadKg} kg`, target_rating: rating, measured: null,
    completed: {set_uuid: uuid, exercise_id: p.exercise_id, exercise_index: st.ex,
                set_index: st.set, reps, load_kg: loadKg, reflection}});
  st.reflect = null; st.setUuid = null; st.set += 1; st.screen = 'rest';
  st.restEndsAt = Date.now() + 60000; st.restTotal = 60;
  localStorage.setItem('mm.loop', JSON.stringify(st));
}"""


def test_a_tab_keeps_its_answers_when_the_other_tab_saved_the_set_with_others(
    page, server: Server
) -> None:
    first_run_and_plan(page, server, screenshots=False)
    other = page.context.new_page()
    page.goto("/session?speed=20")
    page.wait_for_selector("#screen-prime.on")
    other.goto("/session?speed=20")
    other.wait_for_selector("#screen-prime.on")
    page.click("#btn-start")
    page.wait_for_selector("#screen-reflect.on", timeout=30_000)
    other.wait_for_selector("#screen-reflect.on")
    answer(page, reps="9", load="3", target="8", rir="1")
    other.wait_for_function("document.getElementById('reflect-reps').value === '9'")

    # Both tabs saved at once: the other tab's save, with its own answers (10 reps felt 6),
    # reached the server and the tabs' shared place before this tab's answers reached it. It
    # is written as the other tab's page writes it: the set to the API, its place to storage
    # (from a page of the app, the other tab closed, so that no page holds another place).
    loop = other.evaluate("() => JSON.parse(localStorage.getItem('mm.loop'))")
    other.close()
    writer = page.context.new_page()
    writer.goto("/history")
    token = server.http.get("/api/csrf").json()["token"]
    p = loop["current"][0]
    body = {
        "uuid": loop["setUuid"],
        "session_id": loop["sessionId"],
        "exercise_id": p["exercise_id"],
        "exercise_index": 0,
        "set_index": 0,
        "performed_at": loop["setStartedAt"],
        "reps": 10,
        "load_kg": 3.0,
        "reflection": {"target_rating": 6, "felt_elsewhere": {}},
    }
    r = server.http.post("/api/sets", json=body, headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    writer.evaluate(SAVED_THERE, [loop["setUuid"], 10, 3.0, 6])
    writer.close()

    page.wait_for_selector("#reflect-kept:not([hidden])")
    assert page.inner_text("#reflect-kept-text") == (
        "Your other tab saved this set (10 × 3 kg, felt 6/10). Your answers here are kept: "
        "save them in its place, or discard them."
    )
    assert shown(page) == ("9", "3", "8", "1")
    assert page.inner_text("#btn-save") == "Save mine in its place"
    shot(page, "two-tabs-answers-kept")
    page.set_viewport_size({"width": 1280, "height": 800})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "two-tabs-answers-kept-1280.png"))
    page.set_viewport_size({"width": 390, "height": 844})
    # A reload of this tab keeps them too; the other tab is not pulled back to them.
    page.evaluate("() => { window.beforeReload = true; }")
    page.reload()
    page.wait_for_selector("#reflect-kept:not([hidden])")
    assert page.evaluate("() => window.beforeReload === undefined")  # reloaded indeed
    assert shown(page) == ("9", "3", "8", "1")
    other = page.context.new_page()
    other.goto("/session?speed=20")
    other.wait_for_selector("#screen-rest.on")

    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on")
    assert page.text_content("#rest-next-step") == f"Exercise 1 of 4 · set 2 of {p['sets']}"
    assert stored_answers(server) == [(9, 3.0, 8, 1, None, {})]
    revisions = server.http.get(f"/api/sets/{loop['setUuid']}").json()["revisions"]
    assert [r["changes"] for r in revisions] == [
        {"reps": [10, 9], "reps_in_reserve": [None, 1], "target_rating": [6, 8]}
    ]
    # The other tab follows this one: the set is done there too, with these answers.
    other.wait_for_function(
        "document.querySelector('#rest-next-step').textContent.includes('set 2')"
    )
    done = other.evaluate("() => JSON.parse(localStorage.getItem('mm.loop')).done")
    assert [(d["reps"], d["target_rating"]) for d in done] == [(9, 8)]
    assert page.errors == []
    other.close()


MOVED_ON = """() => {
  const st = JSON.parse(localStorage.getItem('mm.loop'));
  st.skipped = [...(st.skipped || []), st.ex];
  st.ex += 1; st.set = 0; st.reflect = null; st.setUuid = null; st.screen = 'prime';
  localStorage.setItem('mm.loop', JSON.stringify(st));
}"""


def test_answers_kept_when_the_other_tab_moved_on_are_saved_as_a_new_set(
    page, server: Server
) -> None:
    first_run_and_plan(page, server, screenshots=False)
    page.goto("/session?speed=20")
    page.wait_for_selector("#screen-prime.on")
    page.click("#btn-start")
    page.wait_for_selector("#screen-reflect.on", timeout=30_000)
    answer(page, reps="9", load="3", target="8", rir="1")
    loop = page.evaluate("() => JSON.parse(localStorage.getItem('mm.loop'))")
    names = [p["name"] for p in loop["current"]]

    # The other tab skipped the exercise before this tab's answers were saved (written as its
    # page writes its place, from a page of the app).
    writer = page.context.new_page()
    writer.goto("/history")
    writer.evaluate(MOVED_ON)
    writer.close()
    page.wait_for_selector("#reflect-kept:not([hidden])")
    assert page.inner_text("#reflect-kept-text") == (
        f"Your other tab moved on to set 1 of {names[1]}. Your answers for set 1 of "
        f"{names[0]} are kept here: save them or discard them."
    )
    assert page.inner_text("#btn-save") == "Save set"
    assert server.sets() == []

    page.click("#btn-save")
    page.wait_for_selector("#screen-prime.on")  # where the other tab is
    assert page.text_content("#screen-prime [data-step]") == (
        f"Exercise 2 of 4 · Set 1 of {loop['current'][1]['sets']}"
    )
    page.wait_for_function("document.getElementById('sync').hidden")
    assert stored_answers(server) == [(9, 3.0, 8, 1, None, {})]
    (stored,) = server.sets()
    assert (stored["uuid"], stored["session_id"], stored["set_index"]) == (
        loop["setUuid"],
        loop["sessionId"],
        0,
    )
    done = page.evaluate("() => JSON.parse(localStorage.getItem('mm.loop')).done")
    assert [(d["uuid"], d["reps"], d["target_rating"]) for d in done] == [(loop["setUuid"], 9, 8)]
    assert page.errors == []
