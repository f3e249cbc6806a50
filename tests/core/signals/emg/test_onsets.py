"""Burst onsets (signals/emg/onsets.py): hysteresis, gaps, durations, a burst to the end."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from mindmuscle.errors import InvalidSignalError
from mindmuscle.signals.emg import (
    EmgRecording,
    analyze_emg,
    detect_bursts,
    simulate_emg,
)

FS = 2000.0


def test_detect_bursts_hysteresis_gap_and_duration() -> None:
    env = np.full(1000, 0.1)
    env[100:300] = 1.0
    env[300:305] = 0.15  # dip shorter than min_gap: merged
    env[305:400] = 1.0
    env[600:610] = 1.0  # 0.1 s twitch: dropped
    env[700:800] = 0.18  # rises above "off" but never reaches "on": ignored
    assert detect_bursts(env, 100.0).tolist() == [[100, 400]]
    assert detect_bursts(np.full(500, 0.3), 100.0).tolist() == []  # no contrast, no bursts
    with pytest.raises(InvalidSignalError, match="need 0 < off <= on < 1"):
        detect_bursts(env, 100.0, on_fraction=0.1, off_fraction=0.2)


def test_a_burst_running_to_the_end_of_the_recording() -> None:
    x = simulate_emg(6.0, FS, [(1.0, 2.5), (4.0, 6.0)], rng=np.random.default_rng(4))
    result = analyze_emg(EmgRecording(x[None, :], FS, ("m",), ("mV",)), target="m")
    reps = result.analysis.channel("m").reps
    assert len(reps) == 2
    assert reps[1].end_s == pytest.approx(6.0, abs=0.01)
    filtered = result.processed.filtered[0].astype(np.float64)
    seg = filtered[round(reps[1].start_s * FS) : round(reps[1].end_s * FS)]
    assert_allclose(reps[1].rms, np.sqrt(np.mean(seg**2)), rtol=1e-4)
    env = result.processed.envelope[0]
    start = round(reps[1].start_s * result.processed.envelope_rate_hz)
    assert reps[1].peak == pytest.approx(float(env[start:].max()), rel=1e-6)
