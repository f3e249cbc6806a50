"""Simulated surface EMG with known bursts (for tests, benchmarks and demonstrations)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from scipy import signal

from mindmuscle.signals.emg._checks import check_sfreq

__all__ = ["simulate_emg", "simulate_set"]


def _shaped_noise(
    n: int, sfreq_hz: float, rng: np.random.Generator, peak_hz: float
) -> npt.NDArray[np.float64]:
    """Gaussian noise with a surface-EMG-like spectrum (band 0.25-2.5 x ``peak_hz``), unit RMS."""
    nyq = sfreq_hz / 2.0
    lo = max(0.25 * peak_hz, 5.0)
    hi = min(2.5 * peak_hz, 0.9 * nyq)
    sos = signal.butter(2, [lo, hi], btype="bandpass", fs=sfreq_hz, output="sos")
    x = signal.sosfilt(sos, rng.standard_normal(n))
    out: npt.NDArray[np.float64] = x / (x.std() or 1.0)
    return out


def simulate_emg(
    duration_s: float,
    sfreq_hz: float,
    bursts_s: Sequence[tuple[float, float]],
    *,
    amplitudes: Sequence[float] | None = None,
    peak_freqs_hz: Sequence[float] | None = None,
    noise_rms: float = 0.01,
    ramp_s: float = 0.03,
    mains_hz: float | None = None,
    mains_rms: float = 0.0,
    rng: np.random.Generator | None = None,
) -> npt.NDArray[np.float64]:
    """One channel of simulated surface EMG (in mV) with bursts at known times.

    Each burst is spectrally shaped noise (peak near ``peak_freqs_hz``, default 80 Hz) whose
    RMS rises over ``ramp_s`` to its amplitude and falls at the end; between bursts there is
    white amplifier noise of ``noise_rms``.

    Examples
    --------
    >>> import numpy as np
    >>> x = simulate_emg(2.0, 1000.0, [(0.5, 1.5)], rng=np.random.default_rng(0))
    >>> x.shape, bool(x[600:1400].std() > 10 * x[:400].std())
    ((2000,), True)
    """
    fs = check_sfreq(sfreq_hz)
    gen = rng if rng is not None else np.random.default_rng(0)
    n = round(duration_s * fs)
    t = np.arange(n) / fs
    out = noise_rms * gen.standard_normal(n)
    amps = list(amplitudes) if amplitudes is not None else [0.5] * len(bursts_s)
    peaks = list(peak_freqs_hz) if peak_freqs_hz is not None else [80.0] * len(bursts_s)
    for (on, off), amp, peak in zip(bursts_s, amps, peaks, strict=True):
        i0, i1 = max(0, int(np.floor(on * fs))), min(n, int(np.ceil(off * fs)))
        if i1 <= i0:
            continue
        seg_t = t[i0:i1]
        gain = np.clip(np.minimum(seg_t - on, off - seg_t) / max(ramp_s, 1e-9), 0.0, 1.0)
        out[i0:i1] += amp * gain * _shaped_noise(i1 - i0, fs, gen, peak)
    if mains_hz is not None and mains_rms > 0:
        out += mains_rms * np.sqrt(2.0) * np.sin(2 * np.pi * mains_hz * t)
    return out


def simulate_set(
    n_reps: int,
    sfreq_hz: float,
    *,
    rep_s: float = 2.0,
    rest_s: float = 1.5,
    lead_s: float = 2.0,
    amplitude: float = 0.5,
    fatigue: float = 0.0,
    rng: np.random.Generator | None = None,
) -> tuple[npt.NDArray[np.float64], list[tuple[float, float]]]:
    """A set of ``n_reps`` repetitions; ``fatigue`` in [0, 1] raises the RMS (up to +60 %)
    and lowers the spectrum (down to -35 %) from the first to the last repetition.

    Returns the signal and the true (onset, offset) of each repetition.
    """
    windows = [
        (lead_s + i * (rep_s + rest_s), lead_s + i * (rep_s + rest_s) + rep_s)
        for i in range(n_reps)
    ]
    duration = lead_s + n_reps * (rep_s + rest_s) + lead_s
    frac = np.linspace(0.0, 1.0, n_reps) if n_reps > 1 else np.zeros(n_reps)
    amps = amplitude * (1.0 + 0.6 * fatigue * frac)
    peaks = 90.0 * (1.0 - 0.35 * fatigue * frac)
    x = simulate_emg(
        duration, sfreq_hz, windows, amplitudes=amps.tolist(), peak_freqs_hz=peaks.tolist(), rng=rng
    )
    return x, windows
