"""A lifter who trains in pounds runs a focus experiment in pounds: the 1RM they type, the load
the next set asks for and the load they record are in lb on the page, and stored in kg."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import Server, shot, start_server, stop_server

pytestmark = pytest.mark.browser

LB = 0.45359237


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    srv = start_server(tmp_path_factory.mktemp("e2e-exp-lb"))
    token = srv.http.get("/api/csrf").json()["token"]
    r = srv.http.put(
        "/api/profile",
        json={"units": "lb", "experience": "some", "goal": "hypertrophy"},
        headers={"X-CSRF-Token": token},
    )
    assert r.status_code == 200, r.text
    yield srv
    stop_server(srv)


def test_an_experiment_in_pounds(page, server: Server) -> None:
    page.goto("/experiments")
    page.wait_for_selector("body[data-ready='1']")
    assert page.inner_text("label[for='exp-e1rm']").startswith(
        "Your estimated 1RM of the exercise (lb)"
    )
    page.fill("#exp-e1rm", "100")
    page.click("[data-preset='curl-focus']")
    page.wait_for_selector("#exp-view:not([hidden])")
    exp_id = int(page.get_attribute("body", "data-experiment") or "0")
    design = server.http.get(f"/api/experiments/{exp_id}").json()["design"]
    assert design["e1rm_kg"] == pytest.approx(100 * LB, abs=1e-6)
    # 60% of 100 lb is 60 lb (27.22 kg), shown in the lifter's units.
    assert page.inner_text("#next-load") == "60 lb"
    assert page.get_attribute("#rec-load", "placeholder") == "60"
    assert page.inner_text("label[for='rec-load']") == "Load (lb)"
    page.eval_on_selector(
        "#target_rating", "el => { el.value = '7'; el.dispatchEvent(new Event('input')); }"
    )
    page.fill("#rec-reps", "9")
    page.fill("#rec-load", "55")
    shot(page, "exp-lb-set")
    page.click("#record-save")
    page.wait_for_function(
        "document.getElementById('exp-progress').textContent.includes('1 of 10 sets done')"
    )
    stored = [s for s in server.sets() if s["source"] == "experiment"]
    assert len(stored) == 1
    assert stored[0]["reps"] == 9
    assert stored[0]["load_kg"] == pytest.approx(55 * LB, abs=1e-6)
    assert page.errors == []


def test_a_real_emg_file_with_its_channel_mapped_on_the_page(
    page, server: Server, shared_data: Path
) -> None:
    recording = shared_data / "emg" / "biosppy-examples" / "emg.txt"
    page.goto("/experiments")
    page.wait_for_selector("body[data-ready='1']")
    page.fill("#exp-e1rm", "100")
    page.click("[data-preset='curl-focus']")
    page.wait_for_selector("#exp-view:not([hidden])")
    page.set_input_files("#rec-emg", str(recording))
    page.click("#record-save")
    page.wait_for_selector("#record-error:not([hidden])")
    assert page.inner_text("#record-error").endswith(
        "name the columns after them, or map the file's channels to them (e.g. 1=biceps)"
    )
    page.fill("#rec-map", "1=biceps")
    shot(page, "exp-map-set")
    page.click("#record-save")
    page.wait_for_function(
        "document.getElementById('exp-progress').textContent.includes('1 of 10 sets done')"
    )
    exp_id = int(page.get_attribute("body", "data-experiment") or "0")
    analysis = server.http.get(f"/api/experiments/{exp_id}/analysis").json()
    assert (analysis["n_recorded"], analysis["muscles"]) == (1, ["biceps"])
    assert page.errors == []


def test_a_design_that_gives_means_only_says_so(page, server: Server) -> None:
    page.goto("/experiments")
    page.wait_for_selector("body[data-ready='1']")
    page.click("#exp-custom >> xpath=.. >> summary")
    page.click("#exp-custom label:has(input[value='none']) span")
    page.fill("#exp-sets", "2")
    page.click("#exp-custom button[type=submit]")
    page.wait_for_selector("#exp-view:not([hidden])")
    assert page.inner_text("#exp-few") == (
        "Means only: with 2 sets of each condition per load and 1 load, no effect size, "
        "interval or test is possible; they need 3 sets of each condition at a load, or 3 loads."
    )
    shot(page, "exp-means-only")
    page.goto("/experiments")
    page.wait_for_selector("body[data-ready='1']")
    page.click("[data-preset='curl-focus']")
    page.wait_for_selector("#exp-view:not([hidden])")
    assert page.is_hidden("#exp-few")
    assert page.errors == []
