"""A coach on a phone changes a routine they set for a client in place: Edit opens it in the
form, pre-filled; rows are added, moved and removed up to the 20 a routine holds (the add button
says why it stops); a refused row gets its one line beside its field and keeps what was typed;
Cancel brings back the form as it was; a save from a tab that opened an older version is
refused in one line. Another coach gets 404 on the page. The lifter's own routines page says the
same at the limit and refuses a stale save the same way. Stored values are checked through the
API, and each state is looked at 390x844 and 1280x800 (MINDMUSCLE_SHOTS names a folder)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import Server, stop_server
from tests.e2e.test_browser_workout import look
from tests.test_web_clients import PASSWORDS, login, start_team

pytestmark = pytest.mark.browser

TEMPO_RULE = (
    "use four numbers of seconds, eccentric-pause-concentric-squeeze, each 0-30, such as '4-1-2-1'"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_team(tmp_path_factory.mktemp("e2e-routine-edit"))
    yield srv
    stop_server(srv)


def _log_in(page: Any, name: str) -> None:
    page.goto("/login?next=/settings")
    page.fill("#name", name)
    page.fill("#password", PASSWORDS[name])
    page.click("button[type=submit]")
    page.wait_for_url("**/settings")


def _open(page: Any, path: str) -> None:
    page.goto(path)
    page.wait_for_function("document.body.dataset.ready === '1'")


def _stored(h: httpx.Client, name: str) -> list[dict[str, Any]]:
    return [r for r in h.get("/api/clients/alex/routines").json() if r["name"] == name]


def _rows(routine: dict[str, Any]) -> list[tuple[str, int, str | None, str | None]]:
    return [(e["exercise_id"], e["sets"], e["tempo"], e["focus"]) for e in routine["exercises"]]


def _tall(page: Any, selector: str) -> None:
    for b in page.locator(selector).all():
        box = b.bounding_box()
        assert box is not None and box["height"] >= 44, (selector, box)


def _fits_a_phone(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def _accessible(page: Any) -> None:
    """No serious axe-core violation in this state (when axe-core is installed, as in CI)."""
    from tests.e2e.test_browser_axe import AXE, SERIOUS

    if AXE.exists():
        page.evaluate(AXE.read_text())
        assert page.evaluate(SERIOUS) == []


def test_a_coach_edits_a_clients_routine_in_place(page: Any, server: Server) -> None:
    _log_in(page, "ben")
    _open(page, "/clients/alex/routines")
    assert page.locator(".routine-row").count() == 3
    look(page, "coach-routine-new")
    page.fill("#routine-name", "Push by ben")
    page.select_option("#ex-0", "dumbbell_biceps_curl")
    page.fill("#sets-0", "2")
    page.fill("#tempo-0", "4-1-2-1")
    page.select_option("#ex-1", "barbell_curl")
    page.select_option("#focus-1", "internal")
    with page.expect_navigation():
        page.click("#routine-save")
    with login(server, "ben") as h:
        (created,) = _stored(h, "Push by ben")
    assert _rows(created) == [
        ("dumbbell_biceps_curl", 2, "4-1-2-1", None),
        ("barbell_curl", 3, None, "internal"),
    ]

    # Edit: the same form, filled with what is stored.
    page.wait_for_function("document.body.dataset.ready === '1'")
    page.click("[aria-label='Edit Push by ben']")
    assert page.inner_text("#set-title") == "Change “Push by ben” for alex"
    assert page.input_value("#routine-name") == "Push by ben"
    assert page.locator(".routine-row").count() == 2
    assert [page.input_value(f"#ex-{i}") for i in range(2)] == [
        "dumbbell_biceps_curl",
        "barbell_curl",
    ]
    assert (page.input_value("#sets-0"), page.input_value("#tempo-0")) == ("2", "4-1-2-1")
    assert (page.input_value("#focus-0"), page.input_value("#focus-1")) == ("", "internal")
    _tall(page, "#client-routine button:visible")
    _fits_a_phone(page)
    _accessible(page)
    look(page, "coach-routine-edit")

    # Move the curl up, one set more of it, add the pushdown, remove the biceps curl's tempo.
    page.click("[aria-label='Move Barbell Curl up']")
    assert page.input_value("#ex-0") == "barbell_curl"
    page.fill("#sets-0", "4")
    page.fill("#tempo-1", "")
    page.click("#routine-add")
    page.select_option("#ex-2", "cable_triceps_pushdown")
    page.select_option("#focus-2", "external")
    page.fill("#routine-name", "Arms B by ben")
    with page.expect_navigation():
        page.click("#routine-save")
    with login(server, "ben") as h:
        assert _stored(h, "Push by ben") == []
        (changed,) = _stored(h, "Arms B by ben")
    assert changed["id"] == created["id"]  # changed in place, not a second routine
    assert changed["set_by"] == "ben"
    assert _rows(changed) == [
        ("barbell_curl", 4, None, "internal"),
        ("dumbbell_biceps_curl", 2, None, None),
        ("cable_triceps_pushdown", 3, None, "external"),
    ]
    card = page.locator(f".client-routine[data-routine='{created['id']}']")
    assert card.locator("h2").inner_text() == "Arms B by ben"
    assert card.locator("li").all_inner_texts() == [
        "Barbell Curl · 4 sets · internal focus",
        "Dumbbell Biceps Curl · 2 sets",
        "Cable Triceps Pushdown · 3 sets · external focus",
    ]

    # Refused rows: each its own line beside its field; what was typed stays; nothing stored.
    page.wait_for_function("document.body.dataset.ready === '1'")
    page.click("[aria-label='Edit Arms B by ben']")
    page.fill("#tempo-0", "6-2")
    page.fill("#sets-2", "25")
    page.click("#routine-save")
    page.wait_for_selector("#msg-tempo-0:not([hidden])")
    assert page.inner_text("#msg-tempo-0") == f"Tempo '6-2' is not allowed: {TEMPO_RULE}."
    assert page.inner_text("#msg-sets-2") == (
        "Sets 25 is not allowed: the sets of a planned exercise must be a whole number from 1 "
        "to 20."
    )
    assert page.inner_text("#routine-msg") == "2 fields need a change: see their lines above."
    assert page.locator("#msg-sets-0").is_hidden() and page.locator("#msg-tempo-2").is_hidden()
    assert (page.input_value("#tempo-0"), page.input_value("#sets-2")) == ("6-2", "25")
    assert page.get_attribute("#tempo-0", "aria-invalid") == "true"
    _fits_a_phone(page)
    _accessible(page)
    look(page, "coach-routine-error")
    with login(server, "ben") as h:
        assert _stored(h, "Arms B by ben") == [changed]

    # A row with a tempo and no exercise is named, not dropped.
    page.click("#routine-add")
    page.fill("#tempo-3", "3-0-1-0")
    page.click("#routine-save")
    assert page.inner_text("#msg-exercise_id-3") == (
        "Choose the exercise of this row, or remove it."
    )

    # Cancel: the stored routine as it was, the form back to a new routine.
    page.click("#routine-cancel")
    assert page.inner_text("#set-title") == "Set a routine for alex"
    assert page.input_value("#routine-name") == ""
    assert page.locator(".routine-row").count() == 3
    with login(server, "ben") as h:
        assert _stored(h, "Arms B by ben") == [changed]
    assert page.errors == []


def test_rows_grow_to_twenty_and_the_add_button_says_why_it_stops(
    page: Any, server: Server
) -> None:
    _log_in(page, "ben")
    _open(page, "/clients/alex/routines")
    # A new routine being typed waits while another is edited, and Cancel brings it back.
    page.fill("#routine-name", "Twenty by ben")
    options = page.eval_on_selector_all("#ex-0 option", "os => os.map(o => o.value)")[1:21]
    for _ in range(17):
        page.click("#routine-add")
    assert page.locator(".routine-row").count() == 20
    add = page.locator("#routine-add")
    assert add.is_disabled()
    assert add.inner_text() == "20 exercises: the most a routine holds"
    assert page.inner_text("#routine-count") == (
        "A routine holds at most 20 exercises: remove one to add another."
    )
    for i, exercise_id in enumerate(options):
        page.select_option(f"#ex-{i}", exercise_id)
    page.locator("#routine-add").scroll_into_view_if_needed()
    _fits_a_phone(page)
    _accessible(page)
    look(page, "coach-routine-limit")

    # Remove the 5th: the button adds again; add it back at the end.
    page.click(f"[aria-label='Remove {page.inner_text('#ex-4 option:checked')}']")
    assert page.locator(".routine-row").count() == 19
    assert add.is_enabled() and add.inner_text() == "Add exercise"
    assert page.inner_text("#routine-count") == "19 of at most 20 exercises."
    page.click("#routine-add")
    page.select_option("#ex-19", options[4])
    assert add.is_disabled()
    with page.expect_navigation():
        page.click("#routine-save")
    with login(server, "ben") as h:
        (saved,) = _stored(h, "Twenty by ben")
    assert [e["exercise_id"] for e in saved["exercises"]] == options[:4] + options[5:] + [
        options[4]
    ]
    assert all(e["sets"] == 3 for e in saved["exercises"])

    # Edit opens all twenty rows, at the limit; a new routine being typed waits meanwhile.
    page.wait_for_function("document.body.dataset.ready === '1'")
    page.fill("#routine-name", "A draft")
    page.select_option("#ex-0", "barbell_curl")
    page.fill("#tempo-0", "3-1-2-0")
    page.click("[aria-label='Edit Twenty by ben']")
    assert page.locator(".routine-row").count() == 20
    assert page.locator("#routine-add").is_disabled()
    page.click("#routine-cancel")
    assert page.input_value("#routine-name") == "A draft"
    assert (page.input_value("#ex-0"), page.input_value("#tempo-0")) == ("barbell_curl", "3-1-2-0")
    # ... and after the changed routine is saved (the page reloads to show it).
    page.click("[aria-label='Edit Twenty by ben']")
    page.fill("#sets-19", "2")
    with page.expect_navigation():
        page.click("#routine-save")
    page.wait_for_function("document.body.dataset.ready === '1'")
    assert page.input_value("#routine-name") == "A draft"
    assert (page.input_value("#ex-0"), page.input_value("#tempo-0")) == ("barbell_curl", "3-1-2-0")
    with login(server, "ben") as h:
        (saved,) = _stored(h, "Twenty by ben")
    assert [e["sets"] for e in saved["exercises"]] == [3] * 19 + [2]
    assert page.errors == []


def test_a_save_from_a_tab_that_opened_an_older_version_is_refused(
    page: Any, server: Server
) -> None:
    with login(server, "ben") as h:
        body = {"name": "Tabs by ben", "exercises": [{"exercise_id": "barbell_curl", "sets": 3}]}
        assert h.post("/api/clients/alex/routines", json=body).status_code == 201
    _log_in(page, "ben")
    other = page.context.new_page()
    for tab in (page, other):
        _open(tab, "/clients/alex/routines")
        tab.click("[aria-label='Edit Tabs by ben']")
    other.fill("#sets-0", "5")
    with other.expect_navigation():
        other.click("#routine-save")
    page.fill("#sets-0", "2")
    page.click("#routine-save")
    page.wait_for_selector("#routine-msg:not([hidden])")
    line = page.inner_text("#routine-msg")
    assert line.startswith("'Tabs by ben' was saved again at ")
    assert line.endswith(
        "UTC, after you opened it (in another tab or on another device), so your change was "
        "not saved. Your change is still here: look at the saved version, then open it and "
        "change it again."
    )
    assert page.input_value("#sets-0") == "2"
    # The card shows the saved version; Edit opens it (after asking to drop the change).
    card = page.locator(".client-routine", has_text="Tabs by ben")
    page.wait_for_selector(".client-routine li:has-text('Barbell Curl · 5 sets')")
    look(page, "coach-routine-stale")
    with login(server, "ben") as h:
        (stored,) = _stored(h, "Tabs by ben")
    assert _rows(stored) == [("barbell_curl", 5, None, None)]
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    card.locator(".edit-routine").click()
    assert asked == ["Drop your changes to “Tabs by ben” and open its saved version?"]
    assert page.input_value("#sets-0") == "5"
    assert page.locator("#routine-msg").is_hidden()
    page.fill("#sets-0", "2")
    with page.expect_navigation():
        page.click("#routine-save")
    with login(server, "ben") as h:
        (stored,) = _stored(h, "Tabs by ben")
    assert _rows(stored) == [("barbell_curl", 2, None, None)]
    other.close()
    assert page.errors == []


def test_another_coach_and_a_lifter_get_404_on_the_clients_routines(
    page: Any, server: Server
) -> None:
    for name, clients in (("ann", "kim"), ("sam", None)):
        _log_in(page, name)
        response = page.goto("/clients/alex/routines")
        assert response is not None and response.status == 404
        text = page.inner_text("main")
        if clients:
            assert f"You have no client 'alex'; your clients are: {clients}." in text
        assert "Set a routine" not in text


def test_a_lifter_edits_their_own_routine_at_the_limit_and_not_from_a_stale_tab(
    page: Any, server: Server
) -> None:
    with login(server, "alex") as h:
        catalogue = [e["id"] for e in h.get("/api/exercises").json()][:20]
        items: list[dict[str, Any]] = [{"exercise_id": i} for i in catalogue]
        items[1] |= {"tempo": "4-1-2-1", "focus": "external"}
        body = {"name": "All twenty", "exercises": items}
        r = h.post("/api/routines", json=body)
        assert r.status_code == 201, r.text
        rid = r.json()["id"]
    _log_in(page, "alex")
    other = page.context.new_page()
    for tab in (page, other):
        _open(tab, "/routines")
        tab.click("[aria-label='Edit All twenty']")
    # A chosen tempo and focus show in their row (and are kept by a save).
    assert page.locator(".wrow").nth(1).locator("small").inner_text() == (
        "tempo 4-1-2-1 · external focus"
    )
    look(page, "lifter-routine-edit")
    add = page.locator("#editor-add")
    assert add.is_disabled()
    assert add.inner_text() == "20 exercises: the most a routine holds"
    assert page.inner_text("#editor-count") == (
        "A routine holds at most 20 exercises: remove one to add another."
    )
    add.scroll_into_view_if_needed()
    look(page, "lifter-routine-limit")

    other.fill("#editor-name", "Nineteen")
    other.locator(".wrow button[aria-label^='Remove']").first.click()
    other.click("#editor-save")
    other.wait_for_selector(".rcard h2:has-text('Nineteen')")

    page.locator(".wrow button[aria-label^='One set more']").first.click()
    page.click("#editor-save")
    page.wait_for_selector("#editor-msg:not([hidden])")
    assert page.inner_text("#editor-msg").startswith("'Nineteen' was saved again at ")
    # The list shows the saved version; the editor keeps the change that was refused.
    page.wait_for_selector(".rcard h2:has-text('Nineteen')")
    assert page.locator(".wrow").count() == 20
    assert page.locator(".wrow .setcount").first.inner_text() == "4 sets"
    with login(server, "alex") as h:
        stored = h.get(f"/api/routines/{rid}").json()
    assert stored["name"] == "Nineteen"
    assert [(e["exercise_id"], e["sets"]) for e in stored["exercises"]] == [
        (i, 3) for i in catalogue[1:]
    ]
    assert (stored["exercises"][0]["tempo"], stored["exercises"][0]["focus"]) == (
        "4-1-2-1",
        "external",
    )
    look(page, "lifter-routine-stale")
    other.close()
    assert page.errors == []
