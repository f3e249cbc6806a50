"""The motion page in a real browser: a file of another kind is refused in one line, a file whose
units cannot be told asks for them (the file stays chosen), and the analysed set shows its
count, where the set is, the repetitions and the figure drawn with the app's plotly.js.

Screenshots of every state at phone (390x844) and desktop (1280x800) size."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import PHONE, Server, shot
from tests.e2e.test_browser_axe import AXE, SERIOUS
from tests.e2e.test_browser_emg_set import DESKTOP, _add_set, _tall_enough
from tests.test_web_motion_files import synthetic_csv

pytestmark = pytest.mark.browser


def shots(page: Any, name: str, selector: str) -> None:
    """``name`` at phone and at desktop size, ``selector`` in view; the figure redrawn at each
    size (plotly follows a resize after a moment) before the screenshot."""
    for size, suffix in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        page.wait_for_timeout(400)
        page.locator(selector).scroll_into_view_if_needed()
        shot(page, f"{name}-{suffix}")
    page.set_viewport_size(PHONE)


def test_a_motion_file_is_refused_asked_for_its_units_and_analysed(
    page: Any, server: Server, tmp_path: Path
) -> None:
    page.goto("/settings")
    page.click("#data-links a[href='/motion']")
    page.wait_for_selector("body[data-ready='1']")
    assert page.inner_text("#motion-not-stored").startswith("Analysed, not stored")
    assert page.is_hidden("#motion-units-row")  # asked only when the file cannot say
    # Names, not ids, in the exercise picker.
    assert page.locator("#motion-exercise option[value='seated_cable_row']").inner_text() == (
        "Seated Cable Row"
    )
    for selector in ("#motion-file", "#motion-exercise", "#motion-analyse"):
        _tall_enough(page, selector)
    shots(page, "60-motion-empty", "#motion-form")

    # A file of another kind: one line naming it and what is allowed.
    photo = tmp_path / "set.png"
    photo.write_bytes(b"\x89PNG\r\n")
    page.set_input_files("#motion-file", str(photo))
    page.click("#motion-analyse")
    page.wait_for_selector("#motion-error:not([hidden])")
    assert page.inner_text("#motion-error").startswith(
        "set.png: a .png file is not a format the motion page reads: give a watch, MetaMotion"
    )
    shots(page, "61-motion-other-kind", "#motion-error")

    # Gravity reads 39 (neither g nor m/s^2): the page asks for the units, the file stays.
    odd = tmp_path / "odd-units.csv"
    odd.write_bytes(synthetic_csv(scale=0.25))
    page.set_input_files("#motion-file", str(odd))
    page.select_option("#motion-exercise", "seated_cable_row")
    page.click("#motion-analyse")
    page.wait_for_selector("#motion-units-row:not([hidden])")
    assert page.inner_text("#motion-error") == (
        "odd-units.csv: cannot tell the acceleration units (gravity reads 39.2); they must be g "
        "or m/s^2. Pick g or m/s² under 'Acceleration in' and analyse again."
    )
    assert page.evaluate("document.getElementById('motion-file').files[0].name") == odd.name
    assert page.input_value("#motion-exercise") == "seated_cable_row"
    _tall_enough(page, "#motion-units-row .seg span")
    shots(page, "62-motion-units-asked", "#motion-error")

    # m/s^2 chosen: the set is counted, as the terminal counts it.
    page.locator("#motion-units-row .seg label", has_text="m/s²").click()
    page.click("#motion-analyse")
    page.wait_for_selector("body[data-analysed='8']")
    assert page.is_hidden("#motion-error")
    assert page.inner_text("#motion-title") == "odd-units.csv · Seated Cable Row"
    assert page.inner_text("#motion-reps") == "8"
    assert page.inner_text("#motion-quality") == "good"
    assert page.inner_text("#motion-span") == (
        "Set found from 1.2 s to 46.0 s of the 46.0 s recording."
    )
    rows = page.locator("#motion-reps-table tbody tr")
    assert rows.count() == 8
    first = [rows.nth(0).locator("td").nth(i).inner_text() for i in range(3)]
    assert first[0] == "1"
    assert abs(float(first[1]) - 3.0) <= 0.3 and abs(float(first[2]) - 8.0) <= 0.3
    # The figure of --plot, drawn by the app's own plotly.js (three panels).
    page.wait_for_selector("#motion-chart .main-svg")
    assert page.locator("#motion-chart .xy").count() == 3
    assert page.evaluate(
        "[...document.scripts].every((s) => !s.src || s.src.startsWith(location.origin))"
    )
    page.wait_for_timeout(700)  # the smooth scroll to the result
    shots(page, "63-motion-analysed", "#motion-result")
    shots(page, "64-motion-figure", "#motion-chart")
    assert page.errors == []


def test_a_motion_file_is_stored_with_its_set(page: Any, server: Server, tmp_path: Path) -> None:
    set_uuid = _add_set(server, "seated_cable_row", reps=9, load_kg=40.0, rating=7)
    recording = tmp_path / "row.csv"
    recording.write_bytes(synthetic_csv())
    page.goto("/motion")
    page.wait_for_selector("body[data-ready='1']")
    assert page.inner_text("#motion-analyse") == "Analyse"
    # The set chosen: its own exercise is counted, and the button says the file is kept.
    page.select_option("#motion-set", set_uuid)
    assert page.inner_text("#motion-analyse") == "Store with the set"
    assert page.input_value("#motion-exercise") == "seated_cable_row"
    assert page.is_disabled("#motion-exercise")
    assert page.inner_text("#motion-not-stored") == (
        "The file is stored with the set, and its count checked against the reps you confirmed."
    )
    _tall_enough(page, "#motion-set")
    page.set_input_files("#motion-file", str(recording))
    shots(page, "65-motion-set-chosen", "#motion-form")
    page.click("#motion-analyse")
    page.wait_for_selector("body[data-analysed='8']")
    assert page.inner_text("#motion-stored") == (
        "Stored with the set: counted 8 repetitions, you confirmed 9."
    )
    assert page.inner_text("#motion-title") == "row.csv · Seated Cable Row"
    page.wait_for_timeout(700)  # the smooth scroll to the result
    shots(page, "66-motion-stored", "#motion-result")
    if AXE.exists():  # CI installs axe-core (npm ci --prefix tests/e2e)
        page.evaluate(AXE.read_text())
        assert page.evaluate(SERIOUS) == []
    # The same set again: refused in one line, the file stays chosen.
    page.click("#motion-analyse")
    page.wait_for_selector("#motion-error:not([hidden])")
    refused = page.inner_text("#motion-error")
    assert refused.startswith("The Seated Cable Row set of ") and refused.endswith(
        " UTC already has its motion recording (from row.csv); a set keeps one."
    )
    assert page.evaluate("document.getElementById('motion-file').files[0].name") == "row.csv"
    shots(page, "67-motion-set-refused", "#motion-error")
    # Back to no set: the exercise can be chosen again and nothing is stored.
    page.select_option("#motion-set", "")
    assert not page.is_disabled("#motion-exercise")
    assert page.inner_text("#motion-analyse") == "Analyse"
    assert page.errors == []
