"""EMG filters (signals/emg/filters.py) on sines whose answer is known: band-pass, notch, DC,
rectification, envelopes, and the block filter equal to the causal one."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose

from mindmuscle.errors import InvalidSignalError
from mindmuscle.signals.emg import (
    BandNarrowedWarning,
    BlockFilter,
    bandpass,
    causal_filter,
    design_emg_sos,
    linear_envelope,
    moving_rms,
    notch,
    rectify,
    remove_dc,
)

FS = 2000.0


def _sine(freq_hz: float, seconds: float = 2.0, fs: float = FS) -> np.ndarray:
    t = np.arange(int(seconds * fs)) / fs
    return np.sin(2 * np.pi * freq_hz * t)


def test_bandpass_passes_100_hz_and_removes_5_and_700_hz() -> None:
    mid = slice(1000, 3000)
    assert_allclose(bandpass(_sine(100.0), FS)[0, mid].std() * np.sqrt(2), 1.0, atol=0.02)
    assert bandpass(_sine(5.0), FS)[0, mid].std() < 0.02
    assert bandpass(_sine(700.0), FS)[0, mid].std() < 0.1


def test_bandpass_keeps_float32() -> None:
    x = _sine(100.0).astype(np.float32)
    assert bandpass(x, FS).dtype == np.float32
    assert bandpass(x.astype(np.float64), FS).dtype == np.float64


def test_cutoff_at_or_above_nyquist_is_an_error() -> None:
    with pytest.raises(InvalidSignalError, match=r"high cut-off 500.*Nyquist frequency 500"):
        bandpass(_sine(100.0, fs=1000.0), 1000.0, high_hz=500.0)
    with pytest.raises(InvalidSignalError, match=r"low cut-off 600"):
        bandpass(_sine(100.0, fs=1000.0), 1000.0, low_hz=600.0, high_hz=400.0)


def test_low_sampling_rate_narrows_the_default_band_with_a_warning() -> None:
    with pytest.warns(BandNarrowedWarning, match=r"narrowed to 20-112.5 Hz"):
        y = bandpass(_sine(50.0, fs=250.0), 250.0)
    assert y.shape == (1, 500)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bandpass(_sine(50.0, fs=250.0), 250.0, high_hz=100.0)  # explicit edges: no warning
    with pytest.raises(InvalidSignalError, match=r"Sampling rate 80 Hz is too low for surface EMG"):
        bandpass(_sine(10.0, fs=80.0), 80.0)


def test_notch_removes_mains_and_keeps_neighbours() -> None:
    x = _sine(50.0) + _sine(80.0)
    y = notch(x, FS, 50.0)[0, 1000:3000]
    assert_allclose(y.std() * np.sqrt(2), 1.0, atol=0.05)
    with_notch = bandpass(_sine(60.0), FS, mains_hz=60.0)[0, 1000:3000]
    assert with_notch.std() < 0.05


def test_dc_rectify_envelope_rms() -> None:
    assert_allclose(remove_dc([[1.0, 2.0, 6.0]]), [[-2.0, -1.0, 3.0]])
    assert_allclose(rectify([[-1.0, 2.0]]), [[1.0, 2.0]])
    sine = _sine(100.0)
    assert_allclose(linear_envelope(sine, FS)[0, 1000:3000], 2 / np.pi, atol=0.01)
    assert_allclose(moving_rms(sine, FS, 100.0)[0, 1000:3000], 1 / np.sqrt(2), atol=1e-3)


@pytest.mark.parametrize("mains", [None, 50.0])
@pytest.mark.parametrize("n_samples", [7, 40, 1001, 20_000])
def test_block_filter_equals_the_causal_filter(mains: float | None, n_samples: int) -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, n_samples)).astype(np.float32)
    sos = design_emg_sos(FS, mains_hz=mains)
    ref = causal_filter(x.astype(np.float64), sos)
    for block_len in (1, 10, 40, 64):
        y = BlockFilter.design(sos, block_len)(x)
        assert y.dtype == np.float32
        assert_allclose(y, ref, atol=2e-5 * np.abs(ref).max())
