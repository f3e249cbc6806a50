"""A set's EMG file on the EMG page, in a real browser: the server reads the file's channels,
the page shows one row per channel (muscle and side, proposed where clear), a refused mapping
keeps the file and the rows, and the stored set shows each muscle's activation.

Screenshots of every state at phone (390x844) and desktop (1280x800) size."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import PHONE, Server, shot
from tests.e2e.test_browser_axe import AXE, SERIOUS
from tests.e2e.test_data_pages import analyse_emg
from tests.test_web_data import emg_csv
from tests.test_web_set_emg import two_channel_csv

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
BICEPS = "Biceps (biceps brachii)"


def shots(page: Any, name: str, selector: str) -> None:
    """``name`` at phone and at desktop size, ``selector`` scrolled into view in each."""
    for size, suffix in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page.set_viewport_size(size)
        page.locator(selector).scroll_into_view_if_needed()
        shot(page, f"{name}-{suffix}")
    page.set_viewport_size(PHONE)


def _add_set(
    server: Server,
    exercise_id: str = "dumbbell_biceps_curl",
    reps: int = 3,
    load_kg: float = 12.0,
    rating: int = 8,
) -> str:
    """A logged set, an hour ago, through the API; its uuid."""
    token = server.http.get("/api/csrf").json()["token"]
    set_uuid = str(uuid.uuid4())
    performed = (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = {
        "uuid": set_uuid,
        "exercise_id": exercise_id,
        "set_index": 0,
        "performed_at": performed,
        "reps": reps,
        "load_kg": load_kg,
        "reflection": {"target_rating": rating, "felt_elsewhere": {}},
    }
    r = server.http.post("/api/sets", json=body, headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    return set_uuid


def _tall_enough(page: Any, selector: str) -> None:
    for box in (
        page.locator(selector).nth(i).bounding_box() for i in range(page.locator(selector).count())
    ):
        assert box is not None and box["height"] >= 44, (selector, box)


def test_a_sets_recording_is_mapped_refused_fixed_and_stored(
    page: Any, server: Server, tmp_path: Path
) -> None:
    set_uuid = _add_set(server)
    recording = tmp_path / "curl-two-channels.csv"
    recording.write_bytes(two_channel_csv(("EMG1", "EMG2")))
    page.goto("/emg")
    page.wait_for_selector("body[data-ready='1']")
    # File chosen, no set yet: a recording on its own, nothing to map.
    page.set_input_files("#emg-file", str(recording))
    assert page.is_hidden("#emg-mapping")
    assert page.inner_text("#emg-analyse") == "Analyse"
    shots(page, "40-emg-set-file-chosen", "#emg-form")

    # The set chosen: the server reads the channels, one row each.
    page.select_option("#emg-set", set_uuid)
    page.wait_for_selector("body[data-mapping='2']")
    assert page.inner_text("#emg-analyse") == "Store with the set"
    assert "Dumbbell Biceps Curl · target Biceps (biceps brachii)" in page.inner_text(
        "#emg-map-intro"
    )
    rows = page.locator(".chan-row")
    assert [rows.nth(i).locator("b").inner_text() for i in range(2)] == ["1. EMG1", "2. EMG2"]
    assert rows.nth(0).locator("small").inner_text() == "0.274 mV RMS"
    assert rows.nth(1).locator("small").inner_text() == "0.137 mV RMS"
    # The first channel is the one target; the second is not guessed; names, not ids.
    assert page.input_value("#emg-map-muscle-1") == "biceps"
    assert page.locator("#emg-map-muscle-1 option:checked").inner_text() == BICEPS
    assert page.input_value("#emg-map-muscle-2") == ""
    assert page.is_checked("input[name=emg-side-1][value='']")
    assert page.inner_text("#emg-map-note") == "EMG2 has no muscle: it is left out."
    assert page.is_hidden("#emg-replace-row")  # the set has no EMG to replace
    for selector in ("#emg-mapping select", ".chan-row .seg span", "#emg-analyse", "#emg-file"):
        _tall_enough(page, selector)
    shots(page, "41-emg-set-mapping", "#emg-mapping")

    # Both channels on the biceps with no side: refused in one line, the rows stay.
    page.select_option("#emg-map-muscle-2", "biceps")
    assert page.is_hidden("#emg-map-note")
    page.click("#emg-analyse")
    page.wait_for_selector("#emg-error:not([hidden])")
    assert page.inner_text("#emg-error") == (
        f"Channels EMG1 and EMG2 are both {BICEPS}: one muscle and side is one channel; change "
        "one of them or leave it out."
    )
    assert page.input_value("#emg-map-muscle-1") == "biceps"
    assert page.input_value("#emg-map-muscle-2") == "biceps"
    assert page.evaluate("document.getElementById('emg-file').files[0].name") == recording.name
    assert server.http.get(f"/api/sets/{set_uuid}/emg").status_code == 404
    shots(page, "42-emg-set-refused", "#emg-error")

    # The sides told apart: stored with the set, which shows each muscle's activation.
    page.locator(".chan-row[data-channel='1'] .seg label", has_text="Left").click()
    page.locator(".chan-row[data-channel='2'] .seg label", has_text="Right").click()
    page.click("#emg-analyse")
    page.wait_for_selector("body[data-stored]")
    assert page.is_hidden("#emg-error")
    assert page.text_content("#emg-set-status") == "Stored with the set"
    table = page.locator("#emg-set-muscles tbody tr")
    assert table.count() == 2
    first, second = (table.nth(i).locator("td") for i in range(2))
    assert first.nth(0).inner_text().splitlines() == [f"{BICEPS}, left", "target · % of set's peak"]
    assert second.nth(0).inner_text().splitlines()[0] == f"{BICEPS}, right"
    assert [first.nth(1).inner_text(), second.nth(1).inner_text()] == ["3", "3"]
    assert [first.nth(3).inner_text(), second.nth(3).inner_text()] == ["100", "100"]
    assert page.inner_text("#emg-set-measured").startswith("Measured: ")
    assert page.inner_text("#emg-set-measured").endswith("% of this set's peak")
    assert page.is_hidden("#emg-mapping")  # stored: storing again needs a new read
    assert page.inner_text("#emg-analyse") == "Read the channels"
    view = server.http.get(f"/api/sets/{set_uuid}/emg").json()
    assert [m["muscle"] for m in view["features"]["muscles"]] == ["biceps_left", "biceps_right"]
    [s] = [s for s in server.sets() if s["uuid"] == set_uuid]
    assert s["emg_measured"] == view["measured"]
    shots(page, "43-emg-set-stored", "#emg-set-view")

    # Back on the page with that set: its EMG is shown, and replacing it must be ticked.
    page.goto(f"/emg?set={set_uuid}")
    page.wait_for_selector("#emg-set-view:not([hidden])")
    assert page.text_content("#emg-set-status") == "This set's EMG"
    page.set_input_files("#emg-file", str(recording))
    page.wait_for_selector("body[data-mapping='2']")
    assert page.is_visible("#emg-replace-row")
    page.click("#emg-analyse")
    assert page.inner_text("#emg-error").startswith("This set has its EMG already: tick")
    assert page.errors == []


def test_a_file_of_an_unknown_kind_is_one_line_and_stays_chosen(
    page: Any, server: Server, tmp_path: Path
) -> None:
    set_uuid = _add_set(server)
    odd = tmp_path / "curl.dat"
    odd.write_bytes(two_channel_csv())
    page.goto(f"/emg?set={set_uuid}")
    page.wait_for_selector("body[data-ready='1']")
    page.set_input_files("#emg-file", str(odd))
    page.wait_for_selector("#emg-error:not([hidden])")
    assert page.inner_text("#emg-error") == (
        "curl.dat: a .dat file is not a format the EMG page reads: give a CSV (.csv, .txt, "
        ".tsv), EDF/BDF (.edf, .bdf) or XDF (.xdf, .xdfz) recording"
    )
    assert page.is_hidden("#emg-mapping")
    assert page.evaluate("document.getElementById('emg-file').files.length") == 1
    assert page.errors == []


def test_a_recording_without_a_set_is_still_analysed_on_its_own(
    page: Any, server: Server, tmp_path: Path
) -> None:
    analyse_emg(page, tmp_path / "curl.csv", emg_csv()[0])
    assert page.is_hidden("#emg-mapping")
    assert page.inner_text("#emg-target-name") == "biceps"
    assert page.errors == []


def test_the_mapping_and_the_stored_set_have_no_serious_accessibility_violation(
    page: Any, server: Server, tmp_path: Path
) -> None:
    if not AXE.exists():
        pytest.skip(f"{AXE} is absent: run `npm ci --prefix tests/e2e` (CI does)")
    set_uuid = _add_set(server)
    recording = tmp_path / "sides.csv"
    recording.write_bytes(two_channel_csv())
    page.goto(f"/emg?set={set_uuid}")
    page.wait_for_selector("body[data-ready='1']")
    page.set_input_files("#emg-file", str(recording))
    page.wait_for_selector("body[data-mapping='2']")
    page.evaluate(AXE.read_text())
    assert page.evaluate(SERIOUS) == []
    page.click("#emg-analyse")
    page.wait_for_selector("body[data-stored]")
    assert page.evaluate(SERIOUS) == []
