"""Phone motion during a set: synthetic devicemotion events of four curls are recorded with the
set, analysed, and the reflection shows the measured reps and tempo next to the prescription."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Server, shot
from tests.e2e.test_browser_flow import first_run_and_plan, rate_target, take_offers

pytestmark = pytest.mark.browser

# Four repetitions, each: lift 0.5 s, squeeze 0.5 s, lower 1.5 s (a 1-1-3 curl at double speed).
# The samples are 10 ms apart on the page's own clock, each stamped with its exact time: a page
# timer delivers them as they fall due, so a busy machine that delays the timer bunches the
# samples but never moves them, and the recording is the same on any machine.
MOTION = """
() => {
  const conc = 0.5, sq = 0.5, ecc = 1.5, A = 0.35, reps = 4, lead = 1.0, step = 0.01;
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
  let n = 0;
  window.__motionTimer = setInterval(() => {
    const due = (performance.now() - t0) / 1000;
    for (; n * step <= due; n++) {
      const t = n * step;
      const event = new DeviceMotionEvent("devicemotion", {
        accelerationIncludingGravity: { x: 0.3, y: 0.2, z: 9.81 + accel(t) },
        rotationRate: { alpha: 0, beta: 0, gamma: 0 },
        interval: step * 1000,
      });
      Object.defineProperty(event, "timeStamp", { value: t0 + t * 1000 });
      window.dispatchEvent(event);
    }
  }, 16);
  // Every sample of the set and half a second of stillness after it has been sent.
  window.__motionSent = () => n * step > lead + reps * rep + 0.5;
  return lead + reps * rep;
}
"""


def test_measured_reps_and_tempo_are_shown(page, server: Server) -> None:
    first_run_and_plan(page, server, screenshots=False)
    page.goto("/session?speed=2")
    page.wait_for_selector("#screen-prime.on")
    page.click("#btn-start")
    page.wait_for_selector("#screen-set.on")
    page.evaluate(MOTION)
    page.wait_for_function("window.__motionSent()", timeout=30_000)
    # The phone's own live count is on the set screen while the set runs. It needs a lowering
    # before it counts a lift, so the first curl of a set that starts with the lift is left for
    # the full analysis after the set (its exactness is tested sample for sample against the
    # Python stream in test_browser_livecount.py).
    assert page.is_visible("#set-live")
    assert page.inner_text("#set-live-n") == "3"
    shot(page, "29-session-set-live-count")
    page.click("#btn-done")
    page.evaluate("clearInterval(window.__motionTimer)")
    page.wait_for_selector("#screen-reflect.on")
    page.wait_for_function(
        "document.getElementById('measured-tempo').textContent.includes('-')", timeout=15_000
    )
    assert page.inner_text("#measured-reps") == "4"
    lower, _, lift, _ = (float(x) for x in page.inner_text("#measured-tempo").split("-"))
    # The phases are shown to 0.1 s. A phase ends where the speed falls under a share of its
    # peak, which trims the slow ends of these cosine-shaped movements: of these exact samples
    # the analysis measures a 1.2 s lowering and a 0.5 s lift (its precision on simulated sets
    # is tested in tests/core/signals/motion/test_tempo.py).
    assert lower == pytest.approx(1.5, abs=0.35)
    assert lift == pytest.approx(0.5, abs=0.1)
    assert page.inner_text("#measured-asked") == "1.5-0-0.5-0.5"
    shot(page, "11-session-reflect-measured")
    # The felt rating starts empty and is never made up: the lifter taps it before saving.
    take_offers(page)
    rate_target(page, "7")
    page.click("#btn-save")
    page.wait_for_selector("#screen-rest.on, #screen-summary.on")
    assert page.errors == []
