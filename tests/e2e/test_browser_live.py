"""Live EMG bars on the set page in real Chromium, from real streams into a real server.

* BrainFlow's synthetic board (16 channels at 250 Hz) end to end: ``mindmuscle serve``'s live
  sensor -> the WebSocket -> the set page: frames are counted over a few seconds (about 20 a
  second) and the bars' widths change.
* An LSL outlet on loopback whose stream stops mid-set: the page says the sensor stopped within
  a second, and the set is still finished and stored.
* Without a sensor the set page shows nothing live.

Each state is photographed at 390x844 (phone) and 1280x800 (desktop).
"""

from __future__ import annotations

import re
import threading
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.e2e.conftest import Server, shot, start_server, stop_server
from tests.e2e.test_browser_flow import first_run_and_plan, rate_target, take_offers

pytestmark = pytest.mark.browser

# Every channel of the sensor on a muscle, so that whatever today's first exercise is, its
# target is mapped (the test checks it).
MUSCLES = [
    "glute_max", "pec_sternal", "quadriceps", "lats", "biceps", "triceps", "rectus_abdominis",
    "hamstrings", "middle_traps", "rear_delt", "front_delt", "pec_clavicular", "rhomboids",
    "erector_spinae", "side_delt", "calves",
]  # fmt: skip
MAP = ",".join(f"{i + 1}={m}" for i, m in enumerate(MUSCLES))
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _needs(module: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            __import__(module)
        except ImportError:
            pytest.skip(f"the sensors extra ({module}) is not installed")


def _stop(srv: Server) -> None:
    stop_server(srv)


def _both_sizes(page: Any, name: str) -> None:
    shot(page, f"{name}-390")
    page.set_viewport_size(DESKTOP)
    shot(page, f"{name}-1280")
    page.set_viewport_size(PHONE)


def _start_set(page: Any, server: Server) -> dict[str, Any]:
    first_run_and_plan(page, server, screenshots=False)
    plan = server.http.get("/api/sessions/active").json()["session"]["plan"]
    first: dict[str, Any] = plan["exercises"][0]
    card = server.http.get(f"/api/exercises/{first['exercise_id']}").json()
    assert set(card["targets"]) & set(MUSCLES), card["targets"]
    page.goto("/session")
    page.wait_for_selector("#screen-prime.on")
    page.click("#btn-start")
    page.wait_for_selector("#screen-set.on")
    return card


def _finish_and_store(page: Any, server: Server) -> None:
    page.click("#btn-done")
    page.wait_for_selector("#screen-reflect.on")
    take_offers(page)
    if not page.input_value("#reflect-reps"):  # done before a rep was counted: the lifter types
        page.fill("#reflect-reps", "3")
    rate_target(page, "7")
    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on, #screen-summary.on")
    deadline = time.monotonic() + 10
    while not server.sets() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert len(server.sets()) == 1


# ---------------------------------------------------------------- no sensor
def test_without_a_sensor_the_set_page_shows_nothing_live(page: Any, server: Server) -> None:
    _start_set(page, server)
    page.wait_for_timeout(1500)
    assert page.locator("#live").is_hidden()
    assert page.evaluate("window.mmLive.frames") == 0
    _both_sizes(page, "live-00-no-sensor")
    assert page.errors == []  # type: ignore[attr-defined]


# ---------------------------------------------------------------- BrainFlow synthetic board
@pytest.fixture()
def brainflow_server(tmp_path: Path) -> Iterator[Server]:
    _needs("brainflow")
    srv = start_server(
        tmp_path,
        env_extra={"MINDMUSCLE_LIVE_SOURCE": "brainflow:synthetic", "MINDMUSCLE_LIVE_MAP": MAP},
    )
    yield srv
    _stop(srv)


def test_brainflow_synthetic_board_moves_the_bars_on_the_set_page(
    browser: Any, brainflow_server: Server
) -> None:
    server = brainflow_server
    # Under the app's Content-Security-Policy: the WebSocket and the bars' widths are allowed.
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
        base_url=server.base_url,
    )  # fmt: skip
    csp_errors: list[str] = []
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda m: csp_errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    card = _start_set(page, server)
    page.wait_for_selector("#live[data-state=live]", timeout=15_000)
    names = page.locator("#live .lname").all_inner_texts()
    assert names, "no bars"
    assert page.locator("#live [data-live-basis]").text_content() == "% of this set's peak"
    target_name = names[0]
    assert target_name.split(" (")[0].lower() in {t.replace("_", " ") for t in card["targets"]} | {
        n.lower() for n in names
    }
    first = page.evaluate("window.mmLive.frames")
    widths = set()
    t0 = time.monotonic()
    while time.monotonic() - t0 < 3.0:
        widths.add(page.locator("#live .ltrack i").first.evaluate("e => e.style.width"))
        page.wait_for_timeout(100)
    frames = page.evaluate("window.mmLive.frames") - first
    elapsed = time.monotonic() - t0
    rate = frames / elapsed
    assert 14 <= rate <= 26, f"{frames} frames in {elapsed:.1f} s"
    assert len(widths) >= 5, widths  # the bars move
    _both_sizes(page, "live-01-live-brainflow")
    _finish_and_store(page, server)
    assert page.locator("#live").is_hidden()
    assert errors == [] and csp_errors == []
    context.close()


# ---------------------------------------------------------------- the tones, calibrated
def test_calibrated_bars_show_mvc_and_sound_two_different_tones(
    browser: Any, tmp_path: Path
) -> None:
    """Our simulated sensor: the target (0.5 mV) reaches 40% MVC every repetition; the front
    deltoid (a compensator of the curl) rises from 0.1 to 0.6 mV and passes the target in the
    fifth repetition (16-18 s into its loop)."""
    from mindmuscle.services.live import save_calibrations
    from mindmuscle.store import LOCAL_USER_ID, CalibrationCreate, open_database

    server = start_server(
        tmp_path,
        env_extra={
            "MINDMUSCLE_LIVE_SOURCE": "synthetic",
            "MINDMUSCLE_LIVE_MAP": "1=biceps_left,2=brachialis,3=front_delt,4=biceps_right",
        },
    )
    db = open_database(f"sqlite:///{tmp_path / 'e2e.db'}")
    save_calibrations(
        db,
        LOCAL_USER_ID,
        [
            CalibrationCreate(muscle=m, level=0.8, unit="mV", sfreq_hz=1000.0, trial=1,
                              window_start_s=0.0, source="test")
            for m in ("biceps_left", "biceps_right", "front_delt")
        ],
    )  # fmt: skip
    db.close()
    context = browser.new_context(viewport=PHONE, base_url=server.base_url, bypass_csp=True)
    page = context.new_page()
    try:
        card = _start_set(page, server)
        assert card["id"] == "dumbbell_biceps_curl"
        page.wait_for_selector("#live[data-state=live]", timeout=15_000)
        assert page.locator("#live [data-live-basis]").text_content() == "% MVC"
        assert page.locator("#live-tone").text_content() == "Tone at 40% MVC"
        assert page.locator("#live .lmark").count() == 2  # the 40% line on both targets
        from tests.e2e.test_browser_axe import AXE, SERIOUS

        if AXE.exists():  # the live panel passes axe-core too (CI installs it)
            page.evaluate(AXE.read_text())
            assert page.evaluate(SERIOUS) == []
        page.wait_for_function(
            "window.mmLive.tones.some(([k]) => k === 'compensating')", timeout=30_000
        )
        tones = page.evaluate("window.mmLive.tones")
        kinds = [k for k, _ in tones]
        assert "target_reached" in kinds and "compensating" in kinds
        assert all(audible for _, audible in tones)  # the audio clock ran: they sounded
        shot(page, "live-03-calibrated-compensating-390")
    finally:
        context.close()
        _stop(server)


# ---------------------------------------------------------------- an LSL stream that stops
class Outlet:
    """A pylsl outlet on loopback sending simulated EMG (16 channels, 1 kHz) until stopped."""

    def __init__(self, name: str) -> None:
        import pylsl

        from mindmuscle.signals.emg.simulate import simulate_emg

        self.lsl = pylsl
        rng = np.random.default_rng(3)
        bursts = [(0.5 + 2.0 * i, 1.5 + 2.0 * i) for i in range(10)]
        self.loop = np.vstack(
            [simulate_emg(20.0, 1000.0, bursts, amplitudes=[0.4] * 10, rng=rng) for _ in MUSCLES]
        ).T.astype(np.float32)
        info = pylsl.StreamInfo(name, "EMG", len(MUSCLES), 1000.0, "float32", name)
        self.outlet = pylsl.StreamOutlet(info, chunk_size=10)
        self.sending = True
        self.last_push = 0.0
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        t0 = self.lsl.local_clock()
        sent = 0
        while self.sending:
            due = int((self.lsl.local_clock() - t0) * 1000.0)
            if due > sent:
                idx = np.arange(sent, due) % self.loop.shape[0]
                self.outlet.push_chunk(self.loop[idx])
                sent = due
                self.last_push = time.monotonic()
            time.sleep(0.005)


@pytest.fixture()
def lsl_outlet() -> Iterator[Outlet]:
    _needs("pylsl")
    outlet = Outlet(f"mm-e2e-{uuid.uuid4().hex[:8]}")
    yield outlet
    outlet.sending = False
    outlet.thread.join(2)


def test_an_lsl_stream_that_stops_mid_set_is_said_and_the_set_is_kept(
    browser: Any, tmp_path: Path, lsl_outlet: Outlet
) -> None:
    name = lsl_outlet.outlet.get_info().name()
    server = start_server(
        tmp_path, env_extra={"MINDMUSCLE_LIVE_SOURCE": f"lsl:{name}", "MINDMUSCLE_LIVE_MAP": MAP}
    )
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
        base_url=server.base_url, bypass_csp=True,
    )  # fmt: skip
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        _start_set(page, server)
        page.wait_for_selector("#live[data-state=live]", timeout=15_000)
        page.wait_for_timeout(1500)
        assert page.evaluate("window.mmLive.frames") >= 20
        lsl_outlet.sending = False  # the sensor stops mid-set
        lsl_outlet.thread.join(2)
        stopped_at = lsl_outlet.last_push
        page.wait_for_function(
            "document.querySelector('#live [data-live-state]').textContent"
            ".startsWith('Sensor stopped — the set is kept.')",
            polling=20,
            timeout=5_000,
        )
        # Said once the stall mark (0.5 s without samples) is passed; the 0.5-1.0 s figure is
        # proven on a virtual clock (tests/test_live.py), as a loaded machine decides the rest.
        said_after = time.monotonic() - stopped_at
        assert said_after >= 0.5, f"said {said_after:.2f} s after the last sample"
        assert page.locator("#live").get_attribute("data-state") == "stopped"
        _both_sizes(page, "live-02-stopped-lsl")
        assert page.locator("#btn-done").is_enabled()
        _finish_and_store(page, server)
        assert errors == []
        # The reflection is followed by felt beside measured (no calibration: % of its peak).
        on_rest = page.locator("#screen-rest.on").count() == 1
        said = page.locator("#rest-measured-text" if on_rest else "#summary-list").inner_text()
        assert re.search(r"felt 7/10, measured \d+% of this set's peak", said), said
        _both_sizes(page, "live-03-felt-measured")
        # The samples that came before the stop are stored with the set, from the web.
        from mindmuscle.services.emg_sets import get_set_emg
        from mindmuscle.store import LOCAL_USER_ID, open_database

        stored_set = server.sets()[0]
        db = open_database(f"sqlite:///{tmp_path / 'e2e.db'}")
        try:
            emg = get_set_emg(db, LOCAL_USER_ID, str(stored_set["uuid"]))
        finally:
            db.close()
        assert emg is not None and emg.source == "web"
        assert emg.features.duration_s >= 1.5
    finally:
        context.close()
        _stop(server)
