"""Per-repetition and per-set EMG features: amplitude, frequency, ratios, balance, fatigue."""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import signal, stats

from mindmuscle.errors import InvalidSignalError
from mindmuscle.signals.emg._checks import as_emg_array, check_sfreq

__all__ = [
    "FATIGUE_P",
    "FatigueSlopes",
    "WindowFeatures",
    "fatigue_slopes",
    "left_right_pairs",
    "mean_median_frequency",
    "reference_window_features",
    "spectral_moments",
]


def spectral_moments(
    freqs_hz: npt.NDArray[np.float64], power: npt.NDArray[np.floating[Any]]
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Mean and median frequency of power spectra along the last axis.

    The median is the frequency that splits the power into two equal halves, linearly
    interpolated between bins. Rows with no power give NaN.

    Examples
    --------
    >>> import numpy as np
    >>> f = np.array([0.0, 10.0, 20.0, 30.0])
    >>> mnf, mdf = spectral_moments(f, np.array([0.0, 1.0, 1.0, 0.0]))
    >>> float(mnf), float(mdf)
    (15.0, 15.0)
    """
    p = np.asarray(power, dtype=np.float64)
    total = p.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (p * freqs_hz).sum(axis=-1) / total
        cum = np.cumsum(p, axis=-1)
        half = total[..., None] / 2.0
        k = np.argmax(cum >= half, axis=-1)
        k_prev = np.maximum(k - 1, 0)
        c_prev = np.where(k > 0, np.take_along_axis(cum, k_prev[..., None], -1)[..., 0], 0.0)
        c_k = np.take_along_axis(cum, k[..., None], -1)[..., 0]
        # Power of bin k is spread over [f_k - df/2, f_k + df/2]; interpolate inside it.
        df = float(freqs_hz[1] - freqs_hz[0]) if freqs_hz.size > 1 else 0.0
        frac = np.where(c_k > c_prev, (half[..., 0] - c_prev) / (c_k - c_prev), 0.5)
        median = freqs_hz[k] - df / 2.0 + frac * df
    return np.where(total > 0, mean, np.nan), np.where(total > 0, median, np.nan)


def mean_median_frequency(
    data: Any,
    sfreq_hz: float,
    *,
    band_hz: tuple[float, float] | None = None,
    nperseg: int | None = None,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Mean and median frequency (Hz) of each channel from a Welch spectrum (Hann, 50 %).

    Parameters
    ----------
    data : array_like, shape (n_channels, n_samples)
        Band-passed EMG.
    sfreq_hz : float
        Sampling rate in Hz.
    band_hz : (float, float), optional
        Only power inside this band counts (e.g. the band-pass edges).
    nperseg : int, optional
        Segment length; default about 0.25 s (a power of two).

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(4000) / 2000.0
    >>> mnf, mdf = mean_median_frequency(np.sin(2 * np.pi * 100 * t), 2000.0)
    >>> bool(abs(mnf[0] - 100) < 2 and abs(mdf[0] - 100) < 2)
    True
    """
    x = as_emg_array(data)
    fs = check_sfreq(sfreq_hz)
    seg = nperseg or int(2 ** np.ceil(np.log2(max(fs / 4.0, 16.0))))
    freqs, power = signal.welch(x, fs=fs, nperseg=min(seg, x.shape[1]), axis=-1)
    if band_hz is not None:
        inside = (freqs >= band_hz[0]) & (freqs <= band_hz[1])
        power = np.where(inside, power, 0.0)
    return spectral_moments(freqs, power)


@dataclass(frozen=True)
class WindowFeatures:
    """Features of one window computed with the classic method (see reference_window_features).

    Amplitudes are in the recording's unit, frequencies in Hz.
    """

    rms: float
    mean_amp: float
    max_amp: float
    mean_freq_hz: float
    median_freq_hz: float


def reference_window_features(
    samples: Any,
    sfreq_hz: float,
    start_s: float,
    end_s: float,
    *,
    low_hz: float = 5.0,
    high_hz: float = 500.0,
    order: int = 2,
    smooth_samples: int = 100,
) -> WindowFeatures:
    """Features of a hand-marked window with the method common in teaching labs.

    The samples with ``start_s <= i / sfreq_hz <= end_s`` are band-passed with a Butterworth
    filter (``order``, forward-backward), then: RMS of the filtered window; mean and maximum
    of a ``smooth_samples`` moving average of its absolute value; mean and median frequency
    of its periodogram (rectangular window, one-sided, 0 Hz to Nyquist).

    Parameters
    ----------
    samples : array_like, shape (n_samples,)
        One raw channel.
    sfreq_hz : float
        Sampling rate in Hz.
    start_s, end_s : float
        The window in seconds from the start of ``samples``.

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(20000) / 10000.0
    >>> f = reference_window_features(np.sin(2 * np.pi * 80 * t), 10000.0, 0.5, 1.5)
    >>> round(f.rms, 2), round(f.mean_freq_hz)
    (0.71, 80)
    """
    x = as_emg_array(samples)[0].astype(np.float64)
    fs = check_sfreq(sfreq_hz)
    t = np.arange(x.size) / fs
    window = x[(t >= start_s) & (t <= end_s)]
    if window.size < 3 * (2 * order + 1) + 1:
        raise InvalidSignalError(
            f"Window {start_s}-{end_s} s holds {window.size} samples at {fs:g} Hz: too short "
            "for the band-pass; check the window and the sampling rate."
        )
    b, a = signal.butter(order, [low_hz, high_hz], btype="bandpass", fs=fs)
    y = signal.filtfilt(b, a, window)
    rms = float(np.sqrt(np.mean(y * y)))
    kernel = np.ones(smooth_samples) / smooth_samples
    smooth = np.convolve(np.abs(y), kernel, mode="same")
    freqs, power = signal.periodogram(y, fs=fs, window="boxcar", detrend=False)
    mnf, mdf = spectral_moments(freqs, power)
    return WindowFeatures(
        rms=rms,
        mean_amp=float(smooth.mean()),
        max_amp=float(smooth.max()),
        mean_freq_hz=float(mnf),
        median_freq_hz=float(mdf),
    )


@dataclass(frozen=True)
class FatigueSlopes:
    """Linear trends over the repetitions of a set.

    ``rms_slope_pct_per_rep`` is the RMS slope in percent of the fitted first-repetition value;
    ``median_freq_slope_hz_per_rep`` the median-frequency slope; ``*_p`` the two-sided p-values
    of the slopes. Fatigue shows as RMS rising and median frequency falling:
    ``fatigue_signs`` needs both directions and at least one of the two trends clear of noise
    (p < 0.05), so a flat set with random wobble is not called fatigued.
    """

    n_reps: int
    rms_slope_pct_per_rep: float
    median_freq_slope_hz_per_rep: float
    median_freq_slope_pct_per_rep: float
    rms_slope_p: float
    median_freq_slope_p: float
    fatigue_signs: bool


FATIGUE_P = 0.05


def fatigue_slopes(rms: Any, median_freq_hz: Any) -> FatigueSlopes:
    """Least-squares slopes of RMS and median frequency against the repetition number.

    Examples
    --------
    >>> f = fatigue_slopes([1.0, 1.1, 1.2, 1.3], [80.0, 78.0, 76.0, 74.0])
    >>> round(f.rms_slope_pct_per_rep, 1), round(f.median_freq_slope_hz_per_rep, 6)
    (10.0, -2.0)
    >>> f.fatigue_signs
    True
    """
    r = np.asarray(rms, dtype=np.float64)
    m = np.asarray(median_freq_hz, dtype=np.float64)
    if r.shape != m.shape or r.ndim != 1:
        raise InvalidSignalError("RMS and median frequency need one value per repetition each.")
    ok = np.isfinite(r) & np.isfinite(m)
    n = int(ok.sum())
    nan = float("nan")
    if n < 3:
        return FatigueSlopes(n, nan, nan, nan, nan, nan, False)
    idx = np.arange(r.size, dtype=np.float64)[ok]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # exact fits have zero residuals: p = 0, fine
        fit_r = stats.linregress(idx, r[ok])
        fit_m = stats.linregress(idx, m[ok])
    ri = fit_r.intercept + fit_r.slope * idx[0]
    mi = fit_m.intercept + fit_m.slope * idx[0]
    rms_pct = 100.0 * fit_r.slope / ri if ri != 0 else nan
    mdf_pct = 100.0 * fit_m.slope / mi if mi != 0 else nan
    p_r = float(fit_r.pvalue) if np.isfinite(fit_r.pvalue) else 1.0
    p_m = float(fit_m.pvalue) if np.isfinite(fit_m.pvalue) else 1.0
    signs = bool(fit_r.slope > 0 and fit_m.slope < 0 and min(p_r, p_m) < FATIGUE_P)
    return FatigueSlopes(n, float(rms_pct), float(fit_m.slope), float(mdf_pct), p_r, p_m, signs)


_SIDE = re.compile(r"(^|[_\-\s.])(left|right|l|r)($|[_\-\s.])", re.IGNORECASE)


def left_right_pairs(channels: list[str] | tuple[str, ...]) -> list[tuple[str, str, str]]:
    """Pairs of channels naming the same muscle on the left and right side.

    Returns ``(muscle, left_channel, right_channel)`` triples.

    Examples
    --------
    >>> left_right_pairs(["biceps_left", "biceps_right", "triceps"])
    [('biceps', 'biceps_left', 'biceps_right')]
    """
    sides: dict[str, dict[str, str]] = {}
    for name in channels:
        m = _SIDE.search(name)
        if not m:
            continue
        side = "left" if m.group(2).lower() in ("left", "l") else "right"
        muscle = (name[: m.start()] + m.group(1) + m.group(3) + name[m.end() :]).strip("_-. ")
        muscle = re.sub(r"[_\-\s.]{2,}", "_", muscle)
        sides.setdefault(muscle.lower(), {})[side] = name
    return [(k, v["left"], v["right"]) for k, v in sides.items() if len(v) == 2]
