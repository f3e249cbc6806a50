"""Resampling, band-limiting and integration of motion signals (pure numpy/scipy)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import numpy.typing as npt
from scipy import signal

from mindmuscle.errors import InvalidSignalError
from mindmuscle.signals.motion.models import MotionRecording

__all__ = [
    "ANALYSIS_RATE_HZ",
    "autocorrelation",
    "bandpass",
    "fft_weighted",
    "moving_mean",
    "moving_rms",
    "recording_gaps",
    "resample_recording",
]

FloatArray = npt.NDArray[np.float64]

# Lifting happens below 3 Hz; 25 Hz keeps phase timing to 40 ms and makes every step cheap.
ANALYSIS_RATE_HZ = 25.0
# A gap is a sample spacing this many times the median spacing (and at least GAP_MIN_S).
GAP_FACTOR = 3.0
GAP_MIN_S = 0.25
MIN_DURATION_S = 2.0


def _interp_columns(t_new: FloatArray, t: FloatArray, x: FloatArray) -> FloatArray:
    return np.column_stack([np.interp(t_new, t, x[:, i]) for i in range(x.shape[1])])


def moving_mean(x: FloatArray, width: int) -> FloatArray:
    """Centred moving average along axis 0 of a 2-D signal; at the edges the window shrinks to
    the samples there (no zeros averaged in). Anti-aliasing before decimation, the slowly
    varying part of the acceleration, a movement's strength up to the recording's ends."""
    if width <= 1:
        return x
    kernel = np.ones(width) / width
    ones = np.convolve(np.ones(x.shape[0]), kernel, mode="same")
    return np.column_stack(
        [np.convolve(x[:, i], kernel, mode="same") / ones for i in range(x.shape[1])]
    )


def recording_gaps(t_s: FloatArray) -> list[tuple[float, float]]:
    """Stretches with no samples: ``(start_s, end_s)`` from the first sample, in time order.

    A gap is a sample spacing over 3x the median spacing and over 0.25 s; it starts one median
    spacing after the last sample before it, so its length is the time really missing.
    """
    t = t_s - float(t_s[0])
    dt = np.diff(t)
    med_dt = float(np.median(dt))
    limit = max(GAP_FACTOR * med_dt, GAP_MIN_S)
    return [(float(t[i]) + med_dt, float(t[i + 1])) for i in np.flatnonzero(dt > limit)]


def resample_recording(
    rec: MotionRecording, rate_hz: float = ANALYSIS_RATE_HZ
) -> tuple[FloatArray, FloatArray, FloatArray | None, list[tuple[float, float]]]:
    """Put accelerometer (and gyroscope) samples on one uniform time grid.

    Parameters
    ----------
    rec : MotionRecording
        Raw samples; irregular timestamps and gaps are allowed.
    rate_hz : float
        Rate of the output grid.

    Returns
    -------
    t_s : ndarray, shape (n,)
        Grid times in seconds from the first accelerometer sample.
    acc_ms2 : ndarray, shape (n, 3)
        Acceleration on the grid (linear interpolation; box-smoothed first when the input is
        faster than the grid, so fast sensors do not alias).
    gyro_dps : ndarray, shape (n, 3) or None
        Gyroscope on the same grid (held at its end values outside its own time span).
    gaps : list of (start_s, end_s)
        Stretches with no samples (:func:`recording_gaps`).

    Raises
    ------
    mindmuscle.errors.InvalidSignalError
        When the recording is shorter than 2 s or does not move at all.
    """
    t0 = float(rec.t_s[0])
    t = rec.t_s - t0
    if t[-1] < MIN_DURATION_S:
        raise InvalidSignalError(
            f"{rec.source}: the recording lasts {t[-1]:.2f} s; at least {MIN_DURATION_S:g} s "
            "are needed to see a repetition."
        )
    med_dt = float(np.median(np.diff(t)))
    gaps = recording_gaps(t)
    grid = np.arange(0.0, t[-1] + 1e-9, 1.0 / rate_hz)
    width = round(1.0 / (med_dt * rate_hz))
    acc = _interp_columns(grid, t, moving_mean(rec.acc_ms2, width))
    if np.all(np.ptp(acc, axis=0) < 1e-6):
        raise InvalidSignalError(
            f"{rec.source}: the accelerometer signal is constant (no movement, or a sensor that "
            "did not record); record the set again with the device worn or held."
        )
    gyro: FloatArray | None = None
    if rec.gyro_t_s is not None and rec.gyro_dps is not None:
        gt = rec.gyro_t_s - t0
        g_dt = float(np.median(np.diff(gt)))
        gyro = _interp_columns(grid, gt, moving_mean(rec.gyro_dps, round(1.0 / (g_dt * rate_hz))))
    return grid, acc, gyro, gaps


@lru_cache(maxsize=64)
def _butter_bandpass(low_hz: float, high_hz: float, rate_hz: float) -> FloatArray:
    sos: FloatArray = signal.butter(
        2, [low_hz, high_hz], btype="bandpass", fs=rate_hz, output="sos"
    )
    return sos


def bandpass(x: FloatArray, low_hz: float, high_hz: float, rate_hz: float) -> FloatArray:
    """Zero-phase 2nd-order Butterworth band-pass along axis 0."""
    sos = _butter_bandpass(low_hz, min(high_hz, 0.45 * rate_hz), rate_hz)
    out: FloatArray = signal.sosfiltfilt(sos, x, axis=0)
    return out


def fft_weighted(
    x: FloatArray,
    rate_hz: float,
    *,
    low_hz: float,
    high_hz: float,
    power: int,
    integrate: bool = False,
) -> FloatArray:
    """Band-limit a 1-D signal in the frequency domain and weight it by ``(2*pi*f)**-power``.

    ``power=2`` with a sign flip is double integration (acceleration to position) restricted to
    the band, which removes the drift of a plain cumulative sum; ``power=1`` is a zero-phase
    smoother that favours the repetition frequency over its harmonics. With ``integrate`` and
    ``power=1`` the weight is ``1 / (j*2*pi*f)``, a true band-limited integral (acceleration to
    velocity, shifted a quarter period). The band edges are Butterworth-like (4th power) so the
    result does not ring.
    """
    n = x.size
    n_fft = 1 << int(np.ceil(np.log2(2 * n)))
    spec = np.fft.rfft(x - np.mean(x), n_fft)
    f = np.fft.rfftfreq(n_fft, 1.0 / rate_hz)
    gain = np.zeros_like(f)
    pos = f[1:]
    gain[1:] = (
        1.0
        / np.sqrt(1.0 + (low_hz / pos) ** 4)
        / np.sqrt(1.0 + (pos / high_hz) ** 4)
        / (2.0 * np.pi * pos) ** power
    )
    weighted = spec * gain * (-1j) ** power if integrate else spec * gain
    out: FloatArray = np.fft.irfft(weighted, n_fft)[:n]
    return out


def autocorrelation(x: FloatArray) -> FloatArray:
    """Normalised autocorrelation (lag 0 = 1), summed over columns when ``x`` is 2-D."""
    n = x.shape[0]
    n_fft = 1 << int(np.ceil(np.log2(2 * n)))
    spec = np.fft.rfft(x, n_fft, axis=0)
    ac = np.fft.irfft(np.abs(spec) ** 2, n_fft, axis=0)[:n]
    if ac.ndim > 1:
        ac = ac.sum(axis=1)
    if ac[0] <= 0:
        return np.zeros(n)
    out: FloatArray = ac / ac[0]
    return out


def moving_rms(x: FloatArray, width: int) -> FloatArray:
    """Centred moving RMS of a 1-D signal."""
    width = max(1, width)
    out: FloatArray = np.sqrt(np.convolve(x**2, np.ones(width) / width, mode="same"))
    return out
