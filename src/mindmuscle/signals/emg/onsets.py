"""Onset and offset of muscle activity: hysteresis on the envelope, with a minimum duration.

Fixed-SD thresholds (``baseline + k * sd``) fail on real recordings in both directions: when
rest periods hold small bursts of noise the SD is tiny and every ripple becomes an onset; when
the signal drifts the SD is huge and nothing is found. Here the thresholds sit between a robust
rest level (a low percentile of the envelope) and the activity level (a high percentile), so
they scale with the recording, and an onset needs the envelope to pass the upper threshold,
while the burst lasts until it falls below the lower one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from mindmuscle.errors import InvalidSignalError
from mindmuscle.signals.emg._checks import check_sfreq

__all__ = ["BurstThresholds", "burst_thresholds", "detect_bursts"]

IntArray = npt.NDArray[np.int64]
_PERCENTILE_SAMPLES = 4_000
_MAX_EDGE_SHIFT_S = 0.3


class BurstThresholds:
    """Rest level, activity level and the two hysteresis thresholds of one envelope."""

    __slots__ = ("active", "off", "on", "rest", "ripple")

    def __init__(
        self, rest: float, active: float, on: float, off: float, ripple: float = 0.0
    ) -> None:
        self.rest = rest
        self.active = active
        self.on = on
        self.off = off
        self.ripple = ripple


def burst_thresholds(
    envelope: npt.NDArray[np.floating[Any]],
    *,
    on_fraction: float = 0.2,
    off_fraction: float = 0.1,
    rest_percentile: float = 10.0,
    active_percentile: float = 99.0,
    noise_k_on: float = 8.0,
    noise_k_off: float = 4.0,
) -> BurstThresholds:
    """Hysteresis thresholds of an envelope.

    ``on = rest + max(on_fraction * (active - rest), noise_k_on * ripple)`` and likewise for
    ``off``, where ``ripple`` is a robust spread of the envelope at rest: on a recording with
    little contrast the thresholds stay clear of the rest ripple instead of chasing it.
    """
    if not 0.0 < off_fraction <= on_fraction < 1.0:
        raise InvalidSignalError(
            f"Onset fractions on={on_fraction}, off={off_fraction} are not allowed: "
            "need 0 < off <= on < 1 (e.g. on=0.2, off=0.1)."
        )
    env = np.asarray(envelope)
    if env.size > _PERCENTILE_SAMPLES:
        # A smooth envelope changes little between neighbouring samples: percentiles of an
        # evenly strided subset are as good and cost a fraction.
        env = env[:: -(-env.size // _PERCENTILE_SAMPLES)]
    env = env.astype(np.float64)  # only the subset is converted
    rest, median, active = np.percentile(env, [rest_percentile, 50.0, active_percentile])
    rest_f, active_f = float(rest), float(active)
    span = active_f - rest_f
    # Ripple of the envelope at rest: a robust spread of the lower half of its values.
    lower = env[env <= median]
    ripple = 1.4826 * float(np.median(np.abs(lower - np.median(lower)))) if lower.size else 0.0
    on = rest_f + max(on_fraction * span, noise_k_on * ripple)
    off = rest_f + max(off_fraction * span, noise_k_off * ripple)
    return BurstThresholds(rest_f, active_f, on, min(off, on), ripple)


def detect_bursts(
    envelope: npt.NDArray[np.floating[Any]],
    rate_hz: float,
    *,
    on_fraction: float = 0.2,
    off_fraction: float = 0.1,
    min_duration_s: float = 0.2,
    min_gap_s: float = 0.15,
    min_contrast: float = 2.0,
    edge_envelope: npt.NDArray[np.floating[Any]] | None = None,
) -> IntArray:
    """Bursts of activity in one envelope, as sample index pairs.

    Parameters
    ----------
    envelope : ndarray, shape (n_samples,)
        A smoothed amplitude envelope (any unit), e.g. the linear envelope.
    rate_hz : float
        Sampling rate of ``envelope`` in Hz.
    on_fraction, off_fraction : float
        Upper and lower thresholds as fractions of the way from the rest level (10th
        percentile) to the activity level (99th percentile).
    min_duration_s : float
        Shorter bursts are dropped (twitches, spikes).
    min_gap_s : float
        Bursts separated by a shorter dip are merged.
    min_contrast : float
        When the activity level is less than ``min_contrast`` times the rest level there is no
        clear activity, and no burst is returned.
    edge_envelope : ndarray, shape (n_samples,), optional
        A less smoothed envelope of the same signal (e.g. a 25 Hz low-pass). Bursts are found
        on ``envelope``; their edges then move to where ``edge_envelope`` crosses its own
        lower threshold, which removes the early-onset / late-offset bias of heavy smoothing.

    Returns
    -------
    ndarray of int, shape (n_bursts, 2)
        ``[start, stop)`` sample indices of each burst.

    Examples
    --------
    >>> import numpy as np
    >>> env = np.full(1000, 0.1)
    >>> env[200:400] = 1.0
    >>> env[600:800] = 1.2
    >>> detect_bursts(env, 100.0).tolist()
    [[200, 400], [600, 800]]
    """
    env = np.asarray(envelope)
    if env.ndim != 1:
        raise InvalidSignalError(f"detect_bursts takes one envelope; got shape {env.shape}.")
    rate = check_sfreq(rate_hz)
    empty = np.zeros((0, 2), dtype=np.int64)
    if env.size < 2:
        return empty
    th = burst_thresholds(env, on_fraction=on_fraction, off_fraction=off_fraction)
    if th.active <= 0 or th.active < min_contrast * max(th.rest, 0.0):
        return empty
    above = env > th.off
    edges = np.diff(above.astype(np.int8), prepend=0, append=0)
    starts = np.flatnonzero(edges == 1)
    stops = np.flatnonzero(edges == -1)
    if starts.size == 0:
        return empty
    # Keep the runs above "off" that reach "on" somewhere (hysteresis).
    peaks = np.maximum.reduceat(env, starts)
    # reduceat runs to the next start; the region between stop and next start is below off.
    keep = peaks > th.on
    starts, stops = starts[keep], stops[keep]
    if starts.size == 0:
        return empty
    min_gap = round(min_gap_s * rate)
    if starts.size > 1 and min_gap > 0:
        gaps = starts[1:] - stops[:-1]
        join = gaps < min_gap
        first = np.concatenate([[True], ~join])
        last = np.concatenate([~join, [True]])
        starts, stops = starts[first], stops[last]
    if edge_envelope is not None:
        starts, stops = _refine_edges(
            starts,
            stops,
            np.asarray(edge_envelope),
            on_fraction,
            off_fraction,
            max(1, round(_MAX_EDGE_SHIFT_S * rate)),
        )
    min_len = round(min_duration_s * rate)
    long_enough = (stops - starts) >= max(min_len, 1)
    return np.stack([starts[long_enough], stops[long_enough]], axis=1).astype(np.int64)


def _refine_edges(
    starts: IntArray,
    stops: IntArray,
    fast: npt.NDArray[np.floating[Any]],
    on_fraction: float,
    off_fraction: float,
    max_shift: int,
) -> tuple[IntArray, IntArray]:
    """Move each burst's edges to where the fast envelope leaves the burst's own rest band.

    Per burst, the edge threshold is ``rest + max(off_fraction / 2 * (peak - rest),
    3 * ripple)`` with the burst's own ``peak``: weak bursts get edges as precise as strong
    ones. The onset is the last sample below that threshold before the envelope first reaches
    half the burst's peak, searched within ``max_shift`` samples of the first estimate (the
    offset mirrors this).
    """
    n = fast.shape[-1]
    if n == 0 or starts.size == 0:
        return starts, stops
    th = burst_thresholds(fast, on_fraction=on_fraction, off_fraction=off_fraction)
    bounds = np.stack([starts, stops], axis=1).reshape(-1)
    peak = np.maximum.reduceat(fast, np.minimum(bounds, n - 1))[::2]
    thr = th.rest + np.maximum(0.5 * off_fraction * (peak - th.rest), 3.0 * th.ripple)
    half = th.rest + 0.5 * (peak - th.rest)
    shift = np.maximum(np.minimum((stops - starts) // 2, max_shift), 1)
    width = int(2 * shift.max())
    offs = np.arange(width)

    def edge(anchor: IntArray, forward: bool) -> IntArray:
        # Window of 2 * shift samples centred on the first estimate, in search order.
        sign = 1 if forward else -1
        base = anchor - sign * shift
        pos = base[:, None] + sign * offs[None, :]
        valid = (offs[None, :] < 2 * shift[:, None]) & (pos >= 0) & (pos < n)
        vals = np.where(valid, fast[np.clip(pos, 0, n - 1)], np.nan)
        reached = valid & (vals >= half[:, None])
        first = np.where(reached.any(axis=1), np.argmax(reached, axis=1), 2 * shift - 1)
        quiet = valid & (vals < thr[:, None]) & (offs[None, :] < first[:, None])
        has = quiet.any(axis=1)
        last_quiet = width - 1 - np.argmax(quiet[:, ::-1], axis=1)
        step = np.where(has, last_quiet + 1, 0)
        moved: IntArray = (base + sign * step).astype(np.int64)
        return moved

    new_starts = np.clip(edge(starts, forward=True), 0, n)
    new_stops = np.clip(edge(stops - 1, forward=False) + 1, 0, n)
    keep = new_stops > new_starts
    return new_starts[keep], new_stops[keep]
