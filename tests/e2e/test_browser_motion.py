"""Phone motion during a set: synthetic devicemotion events of four curls are recorded with the
set, analysed, and the reflection shows the measured reps and tempo next to the prescription."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_flow import first_run_and_plan, rate_target, take_offers

pytestmark = pytest.mark.browser

# Four repetitions, each: lift 0.5 s, squeeze 0.5 s, lower 1.5 s (a 1-1-3 curl at double speed).
MOTION = """
() => {
  const conc = 0.5, sq = 0.5, ecc = 1.5, A = 0.35, reps = 4, lead = 1.0;
  const rep = conc + sq + ecc;
  const t0 = performance.now();
  const accel = (t) => {
    const k = Math.floor((t - lead) / rep);
    if (t < lead || k >= reps) return 0;
    const u = t - lead - k * rep;
    if (u < conc) return (A / 2) * (Math.PI / conc) ** 2 * Math.cos((Math.PI * u) / conc);
    if (u >= conc + sq) {
      const v = u - conc - sq;
      return (-A / 2) * (Math.PI / ecc) ** 2 * Math.cos((Math.PI * v) / ecc);
    }
    return 0;
  };
  window.__motionTimer = setInterval(() => {
    const t = (performance.now() - t0) / 1000;
    window.dispatchEvent(new DeviceMotionEvent("devicemotion", {
      accelerationIncludingGravity: { x: 0.3, y: 0.2, z: 9.81 + accel(t) },
      rotationRate: { alpha: 0, beta: 0, gamma: 0 },
      interval: 16,
    }));
  }, 16);
  return lead + reps * rep;
}
"""


def test_measured_reps_and_tempo_are_shown(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    page.goto("/session?speed=2")
    page.wait_for_selector("#screen-prime.on")
    page.click("#btn-start")
    page.wait_for_selector("#screen-set.on")
    seconds = page.evaluate(MOTION)
    page.wait_for_timeout(int((seconds + 0.8) * 1000))
    # The phone's own live count is on the set screen while the set runs.
    assert page.is_visible("#set-live")
    live = int(page.inner_text("#set-live-n"))
    # The live count needs a lowering before it counts a lift: the first curl of a set that
    # starts with the lift is left for the full analysis after the set. The events come from a
    # 16 ms page timer that a busy machine delays, and the set may end before the last lowering
    # is seen, so 2 is accepted; the live count's exactness is tested sample for sample against
    # the Python stream in test_browser_livecount.py.
    assert live in (2, 3, 4)
    shot(page, "29-session-set-live-count")
    page.click("#btn-done")
    page.evaluate("clearInterval(window.__motionTimer)")
    page.wait_for_selector("#screen-reflect.on")
    page.wait_for_function(
        "document.getElementById('measured-tempo').textContent.includes('-')", timeout=15_000
    )
    reps = int(page.inner_text("#measured-reps"))
    assert 3 <= reps <= 4  # the analysis may count the last lowering as partial
    lower, _, lift, _ = (float(x) for x in page.inner_text("#measured-tempo").split("-"))
    # The events come from a 16 ms page timer, which a busy machine delays and bunches: the
    # phases shown (to 0.1 s) are checked to 0.4 s here; their precision is tested on exact
    # samples in tests/core/signals/motion/test_analysis.py.
    assert lower == pytest.approx(1.5, abs=0.4)
    assert lift == pytest.approx(0.5, abs=0.4)
    assert page.inner_text("#measured-asked") == "1.5-0-0.5-0.5"
    shot(page, "11-session-reflect-measured")
    # The felt rating starts empty and is never made up: the lifter taps it before saving.
    take_offers(page)
    rate_target(page, "7")
    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on, #screen-summary.on")
    assert page.errors == []
