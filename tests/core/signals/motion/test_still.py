"""A device lying still holds no repetition: every threshold of the count is relative to the
movement, so without a floor the sensor's noise had rhythms to count (36 of 120 still
recordings counted 1 to 29 repetitions)."""

from __future__ import annotations

import numpy as np
import pytest

from mindmuscle.catalog.models import Tempo
from mindmuscle.signals.motion import analyze_motion
from mindmuscle.signals.motion.models import MotionRecording
from mindmuscle.signals.motion.synthetic import simulate_set


@pytest.mark.parametrize(
    ("noise_ms2", "rate_hz"),
    [(0.02, 10.0), (0.02, 100.0), (0.05, 10.0), (0.05, 50.0), (0.05, 100.0), (0.1, 100.0)],
)
def test_a_still_device_counts_no_repetition_and_says_it_hardly_moved(
    noise_ms2: float, rate_hz: float
) -> None:
    for seed in range(8):
        rng = np.random.default_rng(seed)
        n = int(30 * rate_hz)
        t = np.arange(n) / rate_hz
        acc = np.tile([0.3, 0.2, 9.81], (n, 1)) + noise_ms2 * rng.standard_normal((n, 3))
        a = analyze_motion(MotionRecording(t, acc))
        assert (a.reps, a.partial_reps, a.rep_period_s) == (0, 0, None), seed
        assert a.quality.status == "poor"
        assert a.quality.reasons[0].startswith("The device hardly moved (")
        assert a.quality.reasons[0].endswith(
            " m/s^2; a repetition moves it by more than 0.1): no repetitions."
        )


def test_a_small_slow_set_is_still_counted() -> None:
    # Four-second repetitions with no turn of the wrist, and half the simulated travel: the
    # movement is about 0.19 m/s^2, twice the floor.
    rec = simulate_set(reps=8, tempo=Tempo.parse("2-0-2-0"), seed=4)
    base = rec.acc_ms2.mean(axis=0)
    small = MotionRecording(rec.t_s, base + 0.5 * (rec.acc_ms2 - base))
    a = analyze_motion(small)
    assert (a.reps, a.quality.reasons[:1]) == (8, [])
