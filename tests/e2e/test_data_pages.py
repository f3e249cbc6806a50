"""The data pages in a real browser: import a real export (preview, confirm), analyse a synthetic
EMG recording and see its repetitions, run and analyse a focus experiment."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.e2e.conftest import Server, shot
from tests.test_web_data import N_REPS, STRONG_BROKEN, emg_csv

pytestmark = pytest.mark.browser


def test_import_a_real_hevy_export(page, server: Server, shared_data: Path, tmp_path: Path) -> None:
    export = shared_data / "logs" / "hevyconnect" / "workouts.csv"
    page.goto("/settings")
    page.click("#data-links a[href='/import']")
    page.wait_for_selector("body[data-ready='1']")
    shot(page, "20-import")
    page.set_input_files("#import-file", str(export))
    page.click("#import-preview")
    page.wait_for_selector("#import-report:not([hidden])")
    assert page.inner_text("#r-sets") == "1922"
    assert page.inner_text("#r-workouts") == "80"
    assert page.inner_text("#r-exercises") == "38"
    assert page.inner_text("#r-matched") == "31"
    assert page.inner_text("#r-new") == "7"
    assert page.locator("#mapping-list .map-row").count() == 38
    bench = page.locator(".map-row", has_text="Bench Press (Barbell)").first
    assert "→ Barbell Bench Press" in bench.inner_text()  # its name, not its id
    assert "barbell_bench_press" not in bench.inner_text()
    # Hevy's "Bench Press (Barbell)" is one of the card's other names: said so, not "exact".
    assert bench.locator(".tag").text_content() == "alias of Barbell Bench Press"
    assert server.sets() == []  # the preview stores nothing
    page.wait_for_timeout(700)  # the smooth scroll to the report
    shot(page, "21-import-preview")
    assert page.inner_text("#import-confirm") == "Import 1922 sets"
    page.click("#import-confirm")
    page.wait_for_selector("#import-done:not([hidden])")
    assert page.inner_text("#done-title") == "Imported 1922 sets"
    shot(page, "22-import-done")
    assert len(server.sets()) == 1000  # the API's page size; the export counts them all
    csv_rows = server.http.get("/api/export", params={"format": "csv"}).text.strip().splitlines()
    assert len(csv_rows) == 1 + 1922
    # The same file again: nothing new to import.
    page.set_input_files("#import-file", str(export))
    page.click("#import-preview")
    page.wait_for_selector("#import-report:not([hidden])")
    assert page.inner_text("#r-stored") == "1922"
    assert page.is_disabled("#import-confirm")
    # A broken file: the error names the line and column, nothing is imported.
    broken = tmp_path / "strong.csv"
    broken.write_text(STRONG_BROKEN)
    # The radio itself is hidden behind its segmented-control label: tap the label, as a user does.
    kg_label = page.locator("#import-unit label", has=page.locator("input[value=kg]"))
    kg_label.scroll_into_view_if_needed()
    kg_label.click()
    assert page.is_checked("#import-unit input[value=kg]")
    page.set_input_files("#import-file", str(broken))
    page.click("#import-preview")
    page.wait_for_selector("#import-error:not([hidden])")
    assert page.inner_text("#import-error").startswith("strong.csv, line 3, column Weight:")
    assert page.is_hidden("#import-report")
    shot(page, "23-import-error")
    with page.expect_download() as download:
        page.click("#export-json")
    assert download.value.suggested_filename.startswith("mindmuscle-")
    assert download.value.suggested_filename.endswith(".json")
    assert page.errors == []


def analyse_emg(page, recording: Path, content: bytes) -> None:
    """Upload ``content`` as ``recording`` on the EMG page and wait for its analysis."""
    recording.write_bytes(content)
    page.goto("/emg")
    page.wait_for_selector("body[data-ready='1']")
    page.set_input_files("#emg-file", str(recording))
    page.click("#emg-analyse")
    page.wait_for_selector("body[data-analysed]")


def test_emg_recording_shows_repetitions(page, server: Server, tmp_path: Path) -> None:
    analyse_emg(page, tmp_path / "curl.csv", emg_csv()[0])
    assert page.inner_text("#emg-reps-count") == str(N_REPS)
    assert page.locator("#emg-reps tbody tr").count() == N_REPS
    assert page.inner_text("#emg-target-name") == "biceps"
    page.wait_for_selector("#emg-chart .main-svg")
    page.wait_for_timeout(700)  # the smooth scroll to the result
    assert page.locator("#emg-chart .scatterlayer .trace").count() == 2
    assert page.locator("#emg-quality .pill.good").count() == 2
    page.locator("#emg-chart").scroll_into_view_if_needed()
    shot(page, "24-emg-analysis")
    # Pick the other channel as the target and the first as its synergist.
    first = page.get_attribute("body", "data-analysed")
    page.select_option("#emg-target", "brachioradialis")
    page.click("#emg-synergists label:has-text('biceps')")
    page.click("#emg-reanalyse")
    page.wait_for_function(
        "document.getElementById('emg-target-name').textContent === 'brachioradialis'"
    )
    assert page.get_attribute("body", "data-analysed") == first  # the same stored recording
    assert "brachioradialis : biceps" in page.inner_text("#emg-ratios")
    href = page.get_attribute("#emg-report", "href")
    assert href == f"/emg/recordings/{first}/report"
    report = server.http.get(href)
    assert report.status_code == 200 and "Repetitions of brachioradialis" in report.text
    page.goto("/emg")
    assert page.locator("#emg-recent .summary-row").count() == 1
    assert "5 reps" in page.inner_text("#emg-recent")
    assert page.errors == []


def test_run_and_analyse_an_experiment(page, server: Server, tmp_path: Path) -> None:
    content, _ = emg_csv(("biceps", "forearm_flexors"), seed=2)
    recording = tmp_path / "set1.csv"
    recording.write_bytes(content)
    page.goto("/experiments")
    page.wait_for_selector("body[data-ready='1']")
    shot(page, "25-experiments")
    page.fill("#exp-e1rm", "20")
    page.click("[data-preset='curl-focus']")
    page.wait_for_selector("#exp-view:not([hidden])")
    assert "0 of 10 sets done" in page.inner_text("#exp-progress")
    assert page.inner_text("#next-load") == "12 kg"
    assert page.inner_text("#next-reps") == "10"
    cue = page.inner_text("#next-cue")
    assert cue.startswith("“") and len(cue) > 10
    page.eval_on_selector(
        "#target_rating", "el => { el.value = '8'; el.dispatchEvent(new Event('input')); }"
    )
    page.set_input_files("#rec-emg", str(recording))
    shot(page, "26-experiment-set")
    page.click("#record-save")
    page.wait_for_function(
        "document.getElementById('exp-progress').textContent.includes('1 of 10 sets done')"
    )
    assert page.inner_text("#next-number") == "2/10"
    assert "done" in (page.get_attribute("#exp-sets tr[data-set='1']", "class") or "")
    page.click("#exp-analyse")
    page.wait_for_selector("#exp-analysis:not([hidden]) #exp-report")
    assert "1 of 10 sets analysed" in page.inner_text("#exp-analysis")
    page.evaluate("document.getElementById('toast')?.classList.remove('show')")
    page.locator("#exp-analysis").scroll_into_view_if_needed()
    page.wait_for_timeout(300)  # the toast's fade-out
    shot(page, "27-experiment-analysis")
    page.click("#exp-report")
    page.wait_for_load_state()
    assert "internal vs external focus" in page.content()
    page.goto("/experiments")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator(".exp-item").count() == 1
    page.locator(".exp-item").scroll_into_view_if_needed()
    shot(page, "28-experiments-list")
    assert page.errors == []


def test_emg_balance_without_a_calibration_says_it_is_raw(
    page, server: Server, tmp_path: Path
) -> None:
    # The right side carries a copy at a fifth of the left's amplitude.
    analyse_emg(page, tmp_path / "both-sides.csv", emg_csv(("biceps_left", "biceps_right"))[0])
    found = re.search(
        r"biceps: left share (\d+)% \(raw amplitude, not calibrated\)",
        page.inner_text("#emg-ratios"),
    )
    assert found is not None, page.inner_text("#emg-ratios")
    # Not about even, as each side's own peak made it: the left side works five times harder
    # (5/6 of the sum; the same noise on both sides pulls the share of the envelopes down).
    assert 65 <= int(found.group(1)) <= 85
    page.locator("#emg-ratios").scroll_into_view_if_needed()
    shot(page, "25-emg-balance-raw")
    assert page.errors == []
