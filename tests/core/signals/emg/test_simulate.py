"""Simulated surface EMG (signals/emg/simulate.py): bursts where they are asked for, seeded, with
the fatigue the tests and benchmarks rely on."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from mindmuscle.signals.emg import mean_median_frequency, simulate_emg, simulate_set

FS = 2000.0


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(x**2)))


def test_a_burst_is_where_it_was_asked_for_and_rest_is_amplifier_noise() -> None:
    x = simulate_emg(3.0, FS, [(1.0, 2.0)], amplitudes=[0.5], rng=np.random.default_rng(0))
    assert x.shape == (6000,)
    # Outside the burst: white noise of 0.01 mV RMS (to 10 % over 2000 samples).
    assert _rms(x[:2000]) == pytest.approx(0.01, rel=0.1)
    # Inside, away from the 30 ms ramps: the burst's 0.5 mV RMS (shaped noise, to 15 %).
    assert _rms(x[2100:3900]) == pytest.approx(0.5, rel=0.15)


def test_the_same_seed_gives_the_same_signal_and_mains_is_added_at_its_rms() -> None:
    a = simulate_emg(1.0, FS, [(0.2, 0.8)], rng=np.random.default_rng(7))
    b = simulate_emg(1.0, FS, [(0.2, 0.8)], rng=np.random.default_rng(7))
    assert_array_equal(a, b)
    quiet = simulate_emg(2.0, FS, [], noise_rms=0.0, mains_hz=50.0, mains_rms=0.2)
    assert _rms(quiet) == pytest.approx(0.2, rel=1e-3)
    # 50 Hz: 100 whole periods in 2 s, so the mean of the sine is 0 to rounding.
    assert abs(float(quiet.mean())) < 1e-12


def test_a_set_has_its_repetition_windows_and_length() -> None:
    x, windows = simulate_set(3, FS, rep_s=2.0, rest_s=1.5, lead_s=2.0)
    assert windows == [(2.0, 4.0), (5.5, 7.5), (9.0, 11.0)]
    assert x.shape == (round((2.0 + 3 * 3.5 + 2.0) * FS),)


def test_fatigue_raises_the_rms_and_lowers_the_spectrum_of_the_last_repetition() -> None:
    x, windows = simulate_set(6, FS, fatigue=1.0, rng=np.random.default_rng(0))

    def rep(i: int) -> np.ndarray:
        on, off = windows[i]
        return x[int((on + 0.1) * FS) : int((off - 0.1) * FS)]

    # +60 % RMS from the first to the last repetition (to 20 %: shaped noise of 1.8 s).
    assert _rms(rep(5)) / _rms(rep(0)) == pytest.approx(1.6, rel=0.2)
    _, first = mean_median_frequency(rep(0), FS, band_hz=(20.0, 450.0))
    _, last = mean_median_frequency(rep(5), FS, band_hz=(20.0, 450.0))
    assert last[0] < first[0]
    fresh, _ = simulate_set(6, FS, fatigue=0.0, rng=np.random.default_rng(0))
    # Without fatigue every repetition keeps the set's 0.5 mV RMS (to 15 %).
    assert _rms(fresh[4200:7800]) == pytest.approx(0.5, rel=0.15)
