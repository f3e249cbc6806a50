"""Walking (or running) in a motion recording: time around the set that is never repetitions.

Every step jolts the sensor, so while the lifter walks the magnitude of the acceleration (which
needs no orientation) oscillates at the step rate, 1.4-2.6 Hz, and that one frequency carries
most of its power; an arm swinging at the wrist adds to the same frequency (the swing changes
the magnitude twice per stride, once per step). Repetitions are slower, a second or more each,
so their power sits lower, and the sharp turns of a heavy repetition spread over many
frequencies instead of one.

Windows of 4 s every 0.5 s; a window is walking when its strongest frequency (0.1-5 Hz) lies in
the step band, at least half its power lies within 0.25 Hz of it, and the oscillation is
0.4 m/s^2 RMS or more. Only runs of 3 s or more count (a few steps), widened by the quarter of a
window that the windows leave out at either end (the last steps before the lifter stops).
On the 147 real sets of ``../shared/data/imu`` (which hold no walking) no sample is marked.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["WALK_BAND_HZ", "spans", "walking_mask", "without"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

WALK_BAND_HZ = (1.4, 2.6)
_WINDOW_S = 4.0
_HOP_S = 0.5
_SHARE = 0.5
_NEAR_HZ = 0.25
_MIN_RMS_MS2 = 0.4
_MIN_RUN_S = 3.0


def walking_mask(acc: FloatArray, rate_hz: float) -> BoolArray:
    """True for the samples of ``acc`` (uniform grid, m/s^2, shape (n, 3)) taken while walking."""
    n = acc.shape[0]
    win = int(_WINDOW_S * rate_hz)
    hop = int(_HOP_S * rate_hz)
    marked = np.zeros(n, dtype=bool)
    if n < win:
        return marked
    mag = np.sqrt(np.sum(acc**2, axis=1))
    windows = np.lib.stride_tricks.sliding_window_view(mag, win)[::hop]
    x = windows - windows.mean(axis=1, keepdims=True)
    rms = np.sqrt(np.mean(x**2, axis=1))
    n_fft = 1 << int(np.ceil(np.log2(4 * win)))
    f = np.fft.rfftfreq(n_fft, 1.0 / rate_hz)
    power = np.abs(np.fft.rfft(x * np.hanning(win), n_fft, axis=1)) ** 2
    power[:, (f < 0.1) | (f > 5.0)] = 0.0
    peak_f = f[np.argmax(power, axis=1)]
    near = np.abs(f[None, :] - peak_f[:, None]) <= _NEAR_HZ
    share = np.sum(power * near, axis=1) / np.maximum(np.sum(power, axis=1), 1e-300)
    walk = (
        (peak_f >= WALK_BAND_HZ[0])
        & (peak_f <= WALK_BAND_HZ[1])
        & (share >= _SHARE)
        & (rms >= _MIN_RMS_MS2)
    )
    last = walk.size - 1
    for i in np.flatnonzero(walk):
        # The middle half of the window; the first and last windows reach the recording's ends.
        start = int(i) * hop
        marked[0 if i == 0 else start + win // 4 : n if i == last else start + 3 * win // 4] = True
    out = np.zeros(n, dtype=bool)
    for lo, hi in _runs(marked):
        if hi - lo >= _MIN_RUN_S * rate_hz:
            out[max(0, lo - win // 4) : hi + win // 4] = True
    return out


def without(acc: FloatArray, mask: BoolArray) -> FloatArray:
    """``acc`` with the masked stretches replaced by a straight line between their ends.

    All masked: the median sample throughout (a still sensor).
    """
    if not mask.any():
        return acc
    if mask.all():
        return np.broadcast_to(np.median(acc, axis=0), acc.shape).copy()
    idx = np.arange(acc.shape[0])
    keep = ~mask
    return np.column_stack([np.interp(idx, idx[keep], acc[keep, i]) for i in range(3)])


def spans(mask: BoolArray, t_s: FloatArray) -> list[tuple[float, float]]:
    """``(start_s, end_s)`` of each run of True in ``mask`` on the grid ``t_s``."""
    if not mask.any():
        return []
    step = float(t_s[1] - t_s[0]) if t_s.size > 1 else 0.0
    return [
        (round(float(t_s[lo]), 3), round(float(t_s[hi - 1]) + step, 3)) for lo, hi in _runs(mask)
    ]


def _runs(mask: BoolArray) -> list[tuple[int, int]]:
    """``(start, stop)`` indices of each run of True in ``mask``."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return [(int(lo), int(hi)) for lo, hi in zip(edges[::2], edges[1::2], strict=True)]
