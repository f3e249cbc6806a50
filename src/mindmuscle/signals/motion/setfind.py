"""Where the set is inside a recording: the stretch where one movement repeats steadily.

A whole recording holds more than the set: walking up, setting the pin, sitting down, picking
the weight up and putting it down. Those movements can be larger than the repetitions, so the
loudest stretch is not the set. What sets a set apart is that each repetition looks like the one
before or after it, at one steady period; the rest does not repeat. So, for a period ``P``:

1. The similarity of the movement at ``t`` is the larger of the normalised correlations of the
   window ``[t, t + P)`` with the window one period later and with the one a period earlier,
   across all axes (accelerometer and, when there is one, gyroscope, each scaled by its own
   spread so neither unit dominates). A repetition resembles its neighbours; the first and the
   last have one neighbour each, hence the larger of the two.
2. The two windows must also hold about the same movement energy (the smaller at least half the
   larger): a still stretch beside a repetition correlates weakly but is no repetition.
3. The set is the strongest run of window starts that pass both (runs at least a period long,
   joined across holes of up to four periods: a clumsy repetition or a breath in the middle
   does not split the set; a weaker similarity carries it across its middle). Its edges are the
   first window that clearly resembles a neighbour and the last one plus a period (a window that
   starts before the first repetition still half-resembles the next one), moved inwards to
   where the movement first and last reaches its median strength over the set. The count looks
   a little wider (``reach_start``, ``reach_stop``), where the weaker similarity still holds.
4. The wrist's posture: during a set the direction of gravity in the device's axes swings about
   one mean; picking up or putting down a weight, or walking off, moves it elsewhere. The start
   of the run is trimmed to where the slow gravity direction comes within a wide cone around the
   set's median direction, its end to where it last stays within the set's own swing (twice
   the 90th percentile of its angle from that direction over the set, at least 15 degrees, at
   most the wide cone; not where the slow average is cut short by the recording's stop). The
   two ends differ because the repetitions do: a first repetition starts from the set-up, and
   the wrist can still be settling into the set's posture while it is under way; every later
   repetition starts where the one before ended, so the last one starts and ends within the
   set's swing, and a movement after it that carries the wrist beyond that swing and keeps it
   there is the racking (letting go of a handle, putting the weight down), even when the rhythm
   carries on through it. A set that swings widely (a lateral raise, a turning wrist) gets a
   wide cone, a steady one a narrow cone, whatever the exercise. On the whole watch recordings
   the set's own swing takes the racking out of the set found in 2 of the 47 that can hold
   their label (each then counted exactly instead of one too many) and changes no other count
   of the real or simulated sets; applied at the start too, it loses a first repetition in 3
   of them (the wrist still settling) and gains one in 1.

No setting depends on the exercise: the similarity threshold and the cones are fractions and
angles that hold for any repetitive movement.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from mindmuscle.signals.motion.preprocess import moving_mean

__all__ = ["SIMILARITY_THRESHOLD", "FoundSet", "find_set", "rhythm_similarity"]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

# Correlation of one repetition with its neighbour above which the movement repeats.
SIMILARITY_THRESHOLD = 0.5
# The smaller of two neighbouring windows' energies, as a share of the larger one.
_ENERGY_BALANCE = 0.5
# The set starts (ends) where the movement energy first (last) reaches its median over the set,
# within a period of the edge of the clear rhythm.
_EDGE_ENERGY = 1.0
# The count looks a little wider: from where the movement energy first reaches this share of its
# median, within a period of the edge of the weaker rhythm, so a first or last repetition that
# resembles its neighbour less is still counted.
_REACH_ENERGY = 0.6
# Largest angle of the slow gravity direction from the set's median direction, degrees.
_POSTURE_CONE_DEG = 50.0
# The set ends where the slow gravity direction leaves a cone of this many times the set's own
# swing (the 90th percentile of its angle from the set's median direction over the set): on the
# real recordings 1.5 to 2.5 give the same counts; 1.25 cuts off a lateral raise's last
# repetition, 3 keeps both rackings that 2 leaves out...
_END_CONE_SWING = 2.0
# ...and never narrower than this many degrees (a barbell held level swings a degree or two).
_END_CONE_MIN_DEG = 15.0
# A set goes on while the similarity stays above this share of the threshold.
_CONTINUE_SHARE = 0.5
# A pause inside the set (a breath, a re-grip) lasts at most this many repetition periods.
_MAX_PAUSE_PERIODS = 4.0
# Lags, as multiples of the period, at which a neighbouring repetition is looked for.
_LAG_FACTORS = (0.8, 0.9, 1.0, 1.1, 1.2, 1.35, 1.5)


class FoundSet(NamedTuple):
    """A stretch of steady repetitions: sample indices and how much repetition it holds."""

    start: int
    stop: int
    strength: float  # similarity summed over the stretch's window starts, in samples
    clarity: float  # mean similarity over those window starts, 0-1
    reach_start: int  # where a count of the set looks: the set and its weaker edges
    reach_stop: int


def _window_sums(x: FloatArray, width: int) -> FloatArray:
    """Sums of ``x`` over ``[t, t + width)`` for every start ``t`` with a whole window."""
    c = np.concatenate([[0.0], np.cumsum(x)])
    out: FloatArray = c[width:] - c[:-width]
    return out


def rhythm_similarity(x: FloatArray, lag: int) -> FloatArray:
    """Per-sample similarity to the movement about one period before or after.

    The best of the similarities at lags from 0.8 to 1.5 periods: repetitions of one set differ
    in length (the last ones of a hard set slow down), so a neighbour is looked for near, not
    exactly at, one period.

    Parameters
    ----------
    x : ndarray, shape (n_samples, n_channels)
        Band-limited movement, channels already scaled to comparable units.
    lag : int
        The repetition period in samples.

    Returns
    -------
    ndarray, shape (n_samples,)
        Similarity of the window starting at each sample, -1 to 1.
    """
    lags = sorted({max(2, round(lag * f)) for f in _LAG_FACTORS})
    out: FloatArray = np.max(np.stack([_similarity_at(x, k) for k in lags]), axis=0)
    return out


def _similarity_at(x: FloatArray, lag: int) -> FloatArray:
    """Per-sample similarity of the movement to itself one period before or after.

    Parameters
    ----------
    x : ndarray, shape (n_samples, n_channels)
        Band-limited movement, channels already scaled to comparable units.
    lag : int
        The repetition period in samples.

    Returns
    -------
    ndarray, shape (n_samples,)
        For each start ``t``, the larger of the correlations of ``x[t:t+lag]`` with the window a
        period later and a period earlier (0 where a window would leave the recording, or where
        the two windows' energies differ more than fourfold).
    """
    n = x.shape[0]
    out: FloatArray = np.zeros(n)
    if lag < 2 or n < 2 * lag + 1:
        return out
    energy = _window_sums(np.sum(x * x, axis=1), lag)  # starts 0 .. n - lag
    cross = _window_sums(np.sum(x[:-lag] * x[lag:], axis=1), lag)  # starts 0 .. n - 2 lag
    e_now, e_next = energy[: cross.size], energy[lag : lag + cross.size]
    denom = np.sqrt(e_now * e_next)
    tiny = np.finfo(float).tiny
    corr = np.where(denom > tiny, cross / np.maximum(denom, tiny), 0.0)
    balance = np.minimum(e_now, e_next) / np.maximum(np.maximum(e_now, e_next), tiny)
    corr = np.where(balance >= _ENERGY_BALANCE, corr, 0.0)
    # corr[t] compares start t with start t + lag: it scores both windows.
    out[: corr.size] = corr
    out[lag : lag + corr.size] = np.maximum(out[lag : lag + corr.size], corr)
    return out


def _runs(mask: BoolArray) -> list[tuple[int, int]]:
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(np.int8), [0]])))
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def _energy_edges(x: FloatArray, lo: int, hi: int, lag: int, share: float) -> tuple[int, int]:
    """Move the edges inwards (at most a period each) to where the movement really starts."""
    quarter = max(1, lag // 4)
    env = np.sqrt(moving_mean(np.sum(x * x, axis=1)[:, None], quarter)[:, 0])
    level = share * float(np.median(env[lo:hi]))
    head = np.flatnonzero(env[lo : min(lo + lag, hi)] >= level)
    tail = np.flatnonzero(env[max(hi - lag, lo) : hi] >= level)
    new_lo = lo + int(head[0]) if head.size else lo
    new_hi = max(hi - lag, lo) + int(tail[-1]) + 1 if tail.size else hi
    return (new_lo, new_hi) if new_hi > new_lo else (lo, hi)


def _posture_trim(
    gravity: FloatArray, lo: int, hi: int, lag: int, own_end: bool, width: int
) -> tuple[int, int]:
    """Trim ``[lo, hi)`` to where the slow gravity direction stays near the set's median: at the
    start within the wide cone, at the end (with ``own_end``) within the set's own swing, except
    within half the averaging ``width`` of the recording's stop (see :func:`find_set`)."""
    norm = np.linalg.norm(gravity, axis=1, keepdims=True)
    direction = gravity / np.maximum(norm, np.finfo(float).tiny)
    core = direction[lo:hi]
    mean = np.median(core, axis=0)
    if not np.linalg.norm(mean) > 0:
        return lo, hi
    mean = mean / np.linalg.norm(mean)
    angle = np.degrees(np.arccos(np.clip(direction @ mean, -1.0, 1.0)))
    inside = angle <= _POSTURE_CONE_DEG
    settled = inside
    if own_end:
        swing = float(np.percentile(angle[lo:hi], 90))
        cone = min(_POSTURE_CONE_DEG, max(_END_CONE_MIN_DEG, _END_CONE_SWING * swing))
        settled = angle <= cone
        cut_short = max(gravity.shape[0] - width // 2, 0)
        settled[cut_short:] = inside[cut_short:]
    # Trim only from the ends, and never more than a period at each: the posture confirms the
    # edges found by the rhythm, it does not split the set.
    new_lo, new_hi = lo, hi
    while new_lo < min(lo + lag, hi - 1) and not inside[new_lo]:
        new_lo += 1
    while new_hi > max(hi - lag, new_lo + 1) and not settled[new_hi - 1]:
        new_hi -= 1
    return new_lo, new_hi


def find_set(
    x: FloatArray,
    lag: int,
    gravity: FloatArray | None = None,
    threshold: float = SIMILARITY_THRESHOLD,
    *,
    own_end: bool = True,
    gravity_width: int = 1,
) -> FoundSet | None:
    """The stretch of steady repetitions, as sample indices ``(start, stop)``, or None.

    Parameters
    ----------
    x : ndarray, shape (n_samples, n_channels)
        Band-limited movement, channels scaled to comparable units.
    lag : int
        Repetition period in samples.
    gravity : ndarray, shape (n_samples, 3), optional
        Slowly varying acceleration (the direction of gravity in the device's axes).
    threshold : float
        Similarity a repetition must reach with a neighbour.
    own_end : bool
        End the set where the wrist leaves the set's own swing (step 4 above); when false, where
        it leaves the wide cone, as at the start.
    gravity_width : int
        Samples that each value of ``gravity`` averages (a centred moving average). Within half
        of it from the recording's stop the average is cut short: it no longer evens out the
        set's swing and leans towards the last movement, so the set's own swing does not end
        the set there (the wide cone still does).

    Returns
    -------
    FoundSet or None
        ``(start, stop, strength, clarity, reach_start, reach_stop)`` of the strongest run of
        repetitions (strength: similarity summed over its window starts, so longer and clearer
        runs are stronger; clarity: its mean; reach: where a count looks), or None when nothing
        repeats for at least two periods.

    Examples
    --------
    >>> t = np.arange(0, 40, 0.04)
    >>> x = np.where((t > 10) & (t < 30), np.sin(2 * np.pi * t / 2.5), 0.0)[:, None]
    >>> found = find_set(x, lag=round(2.5 / 0.04))
    >>> round(t[found.start]), round(t[found.stop])
    (10, 30)
    """
    sim = rhythm_similarity(x, lag)
    strong = sim >= threshold
    # Hysteresis: a set starts where the movement clearly repeats for a period, and goes on
    # while it still resembles its neighbours at half that similarity.
    weak = sim >= _CONTINUE_SHARE * threshold
    cores = [(a, b) for a, b in _runs(strong) if b - a >= lag]
    runs = [(a, b) for a, b in _runs(weak) if any(a <= c0 and c1 <= b for c0, c1 in cores)]
    # Holes shorter than a few periods between two runs are a clumsy repetition or a breath in
    # the middle of the set.
    if not runs:
        return None
    joined = [runs[0]]
    for a, b in runs[1:]:
        if a - joined[-1][1] < _MAX_PAUSE_PERIODS * lag:
            joined[-1] = (joined[-1][0], b)
        else:
            joined.append((a, b))
    runs = joined
    a, b = max(runs, key=lambda r: float(np.sum(sim[r[0] : r[1]])))
    strength = float(np.sum(sim[a:b]))
    clarity = strength / max(b - a, 1)
    # The weaker similarity only carries the set across its middle; its edges are the first and
    # the last windows that clearly resemble a neighbour (a window that starts before the first
    # repetition still half-resembles the next one, which would start the set early).
    clear = np.flatnonzero(strong[a:b])
    n = x.shape[0]
    lo, hi = a + int(clear[0]), min(a + int(clear[-1]) + lag, n)
    lo, hi = _energy_edges(x, lo, hi, lag, _EDGE_ENERGY)
    r_lo, r_hi = _energy_edges(x, a, min(b + lag - 1, n), lag, _REACH_ENERGY)
    if gravity is not None:
        lo, hi = _posture_trim(gravity, lo, hi, lag, own_end, gravity_width)
        r_lo, r_hi = _posture_trim(gravity, r_lo, r_hi, lag, own_end, gravity_width)
    return FoundSet(lo, hi, strength, clarity, r_lo, r_hi)
