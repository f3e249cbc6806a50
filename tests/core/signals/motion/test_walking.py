"""Walking (signals/motion/walking.py): steps are never repetitions."""

from __future__ import annotations

import numpy as np
import pytest

from mindmuscle.catalog.models import Tempo
from mindmuscle.signals.motion import (
    MotionRecording,
    analyze_motion,
    simulate_set,
)


@pytest.mark.parametrize(
    ("tempo", "rate_hz", "cadence_hz", "start_at_top"),
    [
        ("2-0-1-0", 50.0, 1.8, True),
        ("3-1-1-1", 100.0, 1.5, False),
        ("1-0-1-0", 12.5, 2.2, True),
        ("4-0-2-1", 25.0, 1.8, False),
    ],
)
def test_walking_to_and_from_the_rack_never_counts(
    tempo: str, rate_hz: float, cadence_hz: float, start_at_top: bool
) -> None:
    t = Tempo.parse(tempo)
    rec = simulate_set(
        reps=7,
        tempo=t,
        seed=11,
        rate_hz=rate_hz,
        start_at_top=start_at_top,
        walk_before_s=12.0,
        walk_after_s=9.0,
        walk_cadence_hz=cadence_hz,
    )
    plain = simulate_set(reps=7, tempo=t, seed=11, rate_hz=rate_hz, start_at_top=start_at_top)
    assert analyze_motion(plain).reps == 7
    result = analyze_motion(rec)
    assert result.reps == 7
    # 21 s of walking; each run is widened by 1 s (a quarter window) into the still time next to
    # it, give or take one 0.5 s step of the windows.
    assert 20.0 <= result.walking_s <= 24.0
    assert result.set_start_s is not None and result.set_start_s >= 12.0
    assert any("walking" in r for r in result.quality.reasons)
    assert result.summary_dict()["walking_s"] == result.walking_s


def test_walking_alone_is_not_a_set() -> None:
    from mindmuscle.signals.motion import simulate_walking

    rng = np.random.default_rng(0)
    world = simulate_walking(30.0, 50.0, rng)
    rec = MotionRecording(np.arange(world.shape[0]) / 50.0, world, source="walk")
    result = analyze_motion(rec)
    assert (result.reps, result.partial_reps) == (0, 0)
    assert result.quality.status == "poor"
    assert result.walking_s == pytest.approx(30.0, abs=0.1)


def test_a_pocket_phone_while_walking_is_walking_too() -> None:
    from mindmuscle.signals.motion import simulate_walking
    from mindmuscle.signals.motion.walking import walking_mask

    # No arm swing, a harder bounce: a phone in a trouser pocket.
    world = simulate_walking(
        20.0, 25.0, np.random.default_rng(1), swing_ms2=0.3, bounce_ms2=2.5, strike_ms2=4.0
    )
    assert walking_mask(world, 25.0).all()
