"""Repetitions from a synchronous motion channel (joint angle, position or acceleration)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import signal

from mindmuscle.errors import InvalidSignalError
from mindmuscle.signals.emg._checks import check_sfreq

__all__ = ["repetitions_from_motion"]


def repetitions_from_motion(
    motion: Any,
    sfreq_hz: float,
    *,
    max_rate_hz: float = 1.0,
    min_prominence: float = 0.3,
) -> npt.NDArray[np.float64]:
    """Repetition windows (start_s, end_s) from one motion channel.

    The channel is low-passed (``3 * max_rate_hz``) and detrended; each repetition is a peak
    of the movement (e.g. the top of a curl) that rises at least ``min_prominence`` of the
    signal's 5-95 % range, and spans from the trough before it to the trough after it.

    Parameters
    ----------
    motion : array_like, shape (n_samples,)
    sfreq_hz : float
        Sampling rate of ``motion`` in Hz.
    max_rate_hz : float
        Fastest plausible repetition rate (peaks closer than ``1 / max_rate_hz`` merge).

    Returns
    -------
    ndarray, shape (n_reps, 2)

    Examples
    --------
    >>> import numpy as np
    >>> t = np.arange(0, 20, 0.01)
    >>> angle = 60 * (1 - np.cos(2 * np.pi * 0.25 * t))  # five curls of 4 s
    >>> repetitions_from_motion(angle, 100.0).round(1).tolist()
    [[0.0, 4.0], [4.0, 8.0], [8.0, 12.0], [12.0, 16.0], [16.0, 20.0]]
    """
    x = np.asarray(motion, dtype=np.float64).reshape(-1)
    fs = check_sfreq(sfreq_hz)
    if x.size < 4 or not np.isfinite(x).all():
        raise InvalidSignalError("The motion channel needs at least 4 finite samples.")
    cutoff = min(3.0 * max_rate_hz, 0.45 * fs)
    if x.size > 15:
        sos = signal.butter(2, cutoff, fs=fs, output="sos")
        x = signal.sosfiltfilt(sos, x, padlen=min(x.size - 1, 3 * 5))
    lo, hi = np.percentile(x, [5.0, 95.0])
    span = hi - lo
    if span <= 0:
        return np.zeros((0, 2))
    distance = max(1, int(fs / max_rate_hz * 0.6))
    peaks, _props = signal.find_peaks(
        x, prominence=min_prominence * span, distance=distance, wlen=None
    )
    if peaks.size == 0:
        return np.zeros((0, 2))
    bounds = np.empty(peaks.size + 1, dtype=np.int64)
    bounds[0] = int(np.argmin(x[: peaks[0] + 1]))
    for i in range(peaks.size - 1):
        a, b = peaks[i], peaks[i + 1]
        bounds[i + 1] = a + int(np.argmin(x[a : b + 1]))
    bounds[-1] = peaks[-1] + int(np.argmin(x[peaks[-1] :]))
    spans = np.stack([bounds[:-1], bounds[1:]], axis=1).astype(np.float64) / fs
    out: npt.NDArray[np.float64] = spans[spans[:, 1] > spans[:, 0]]
    return out
