"""Preparing motion samples (signals/motion/preprocess.py): gaps, the uniform grid, filters and
the integrals, on signals whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from mindmuscle.errors import InvalidSignalError
from mindmuscle.signals.motion import MotionRecording
from mindmuscle.signals.motion.preprocess import (
    ANALYSIS_RATE_HZ,
    autocorrelation,
    bandpass,
    fft_weighted,
    moving_rms,
    recording_gaps,
    resample_recording,
)


def test_a_gap_is_the_time_really_missing() -> None:
    t = np.concatenate([np.arange(0, 2, 0.02), np.arange(3.0, 5, 0.02)]) + 100.0
    # The last sample before the gap is at 1.98 s; one 20 ms spacing later the gap starts.
    (gap,) = recording_gaps(t)
    assert gap == pytest.approx((2.0, 3.0), abs=1e-9)
    # A spacing of 0.2 s is under the 0.25 s floor: no gap, however regular the rest.
    assert recording_gaps(np.concatenate([np.arange(0, 2, 0.02), [2.18]])) == []


def test_samples_go_on_one_grid_and_fast_sensors_are_smoothed_first() -> None:
    rate = 200.0
    t = np.arange(0, 4, 1 / rate)
    acc = np.column_stack([np.sin(2 * np.pi * 0.5 * t), np.zeros_like(t), 9.81 + 0 * t])
    grid, out, gyro, gaps = resample_recording(MotionRecording(t + 50.0, acc))
    assert grid[0] == 0.0 and grid[1] == pytest.approx(1 / ANALYSIS_RATE_HZ)
    assert grid[-1] == pytest.approx(t[-1], abs=1 / ANALYSIS_RATE_HZ)
    assert out.shape == (grid.size, 3) and gyro is None and gaps == []
    # A slow 0.5 Hz sine survives the 8-sample box and the interpolation (to 0.03 of 1).
    assert_allclose(out[:, 0], np.sin(2 * np.pi * 0.5 * grid), atol=0.03)
    assert_allclose(out[:, 2], 9.81, atol=1e-9)


def test_too_short_or_still_recordings_are_refused() -> None:
    t = np.arange(0, 1.5, 0.02)
    moving = np.column_stack([np.sin(t), np.cos(t), 9.81 + 0 * t])
    with pytest.raises(InvalidSignalError, match=r"lasts 1\.48 s; at least 2 s"):
        resample_recording(MotionRecording(t, moving))
    t = np.arange(0, 3, 0.02)
    with pytest.raises(InvalidSignalError, match="the accelerometer signal is constant"):
        resample_recording(MotionRecording(t, np.tile([0.0, 0.0, 9.81], (t.size, 1))))


def test_the_band_pass_keeps_the_repetition_and_removes_gravity_and_tremor() -> None:
    rate = 25.0
    t = np.arange(0, 40, 1 / rate)
    rep = np.sin(2 * np.pi * 0.25 * t)
    x = (9.81 + rep + 0.5 * np.sin(2 * np.pi * 8.0 * t))[:, None]
    out = bandpass(x, 0.1, 2.0, rate)[:, 0]
    middle = slice(200, -200)  # away from the edges of the zero-phase filter
    assert_allclose(out[middle], rep[middle], atol=0.05)


def test_double_integration_in_the_band_gives_the_position() -> None:
    # Five repetitions of 30 cm (one every 4 s) between still stretches, as a set is recorded.
    rate = 25.0
    t = np.arange(0, 40, 1 / rate)
    w = 2 * np.pi * 0.25
    inside = (t >= 10) & (t < 30)
    position = np.where(inside, 0.15 * (1 - np.cos(w * (t - 10))), 0.0)
    acceleration = np.where(inside, 0.15 * w**2 * np.cos(w * (t - 10)), 0.0)
    out = -fft_weighted(acceleration, rate, low_hz=0.05, high_hz=2.0, power=2)
    middle = (t > 12) & (t < 28)
    got, want = out[middle] - out[middle].mean(), position[middle] - position[middle].mean()
    assert np.corrcoef(got, want)[0, 1] > 0.99
    # The band's edges cost some of the depth: within 20 % of 30 cm, and 5 cm at any moment.
    assert np.ptp(got) == pytest.approx(0.30, rel=0.2)
    assert np.abs(got - want).max() < 0.05


def test_autocorrelation_peaks_at_the_period_and_moving_rms_of_a_sine() -> None:
    rate = 25.0
    t = np.arange(0, 40, 1 / rate)
    x = np.sin(2 * np.pi * 0.25 * t)
    ac = autocorrelation(x)
    assert ac[0] == 1.0
    lag = int(np.argmax(ac[50:150])) + 50  # one period is 4 s = 100 samples
    assert lag == 100
    assert np.all(autocorrelation(np.zeros(10)) == 0)
    two = autocorrelation(np.column_stack([x, x]))
    assert_allclose(two, ac)
    rms = moving_rms(x, 100)
    assert_allclose(rms[100:-100], 1 / np.sqrt(2), atol=1e-3)
    assert_allclose(moving_rms(x, 0), np.abs(x))
