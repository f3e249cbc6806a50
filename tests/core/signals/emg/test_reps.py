"""Repetitions from a motion channel recorded beside the EMG (signals/emg/reps.py)."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_allclose

from mindmuscle.signals.emg import (
    EmgRecording,
    analyze_emg,
    repetitions_from_motion,
    simulate_set,
)

FS = 2000.0


def test_repetitions_from_a_motion_channel() -> None:
    motion_fs = 100.0
    t = np.arange(0, 24, 1 / motion_fs)
    angle = 60 * (1 - np.cos(2 * np.pi * t / 4.0))
    angle[t >= 20] = 0.0  # rest at the end
    x, _ = simulate_set(5, FS, rep_s=3.0, rest_s=1.0, lead_s=2.0, rng=np.random.default_rng(1))
    rec = EmgRecording(
        x[None, : int(24 * FS)], FS, ("biceps",), ("mV",), motion=angle, motion_rate_hz=motion_fs
    )
    a = analyze_emg(rec, target="biceps").analysis
    assert a.rep_source == "motion"
    assert a.n_reps == 5
    assert_allclose([r.start_s for r in a.channel("biceps").reps], [0, 4, 8, 12, 16], atol=0.06)
    assert repetitions_from_motion(np.zeros(100), 100.0).shape == (0, 2)
