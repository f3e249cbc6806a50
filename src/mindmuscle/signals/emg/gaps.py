"""Gaps in a stream: the samples that never came, counted once, and each sample at its time.

A sensor that stops sending for a while (a Bluetooth hiccup, a busy laptop, a sending app that
hung) leaves a gap: the samples after it were measured later than the sample count says. Three
things follow from the stream's own timestamps, and every part of the app uses these:

* :func:`missing_samples` counts the samples missing between timestamps (the live view's
  ``dropped_samples``, the terminal's and the web's word on a set: one count for all);
* :class:`GapClock` smooths a live stream's timestamps (the clock jitter of its chunks) without
  smoothing over a gap: a gap starts a new stretch whose times follow the new timestamps, so the
  time never runs backwards and the samples after the gap keep their true times;
* :func:`on_grid` puts a recording's samples on the regular grid of its rate, the missing ones
  filled, so the analysis of a set places each repetition at the time it happened.

Pure: timestamps in, counts and times out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt

from mindmuscle.signals.emg.recording import EmgRecording

__all__ = [
    "GAP_PERIODS",
    "GAP_SLACK_S",
    "GapClock",
    "Missing",
    "OnGrid",
    "missing_samples",
    "on_grid",
    "recording_on_grid",
    "sample_steps",
    "smooth_timestamps",
]

GAP_PERIODS = 2.5
"""A step between two timestamps longer than this many sample periods (plus the slack) is a
gap: clock jitter stays below it."""
GAP_SLACK_S = 0.002
_WARM_UP_S = 0.5
_WARM_UP_GAP_S = 0.1  # the shortest gap seen in a stream's first half second
F64 = npt.NDArray[np.float64]


def _gap_step_s(sfreq_hz: float) -> float:
    return GAP_PERIODS / sfreq_hz + GAP_SLACK_S


@dataclass(frozen=True)
class Missing:
    """Samples missing between timestamps, and in how many gaps."""

    samples: int
    gaps: int

    def __add__(self, other: Missing) -> Missing:
        return Missing(self.samples + other.samples, self.gaps + other.gaps)


def sample_steps(
    timestamps: npt.ArrayLike, sfreq_hz: float, *, before: float | None = None
) -> npt.NDArray[np.int64]:
    """How many sample periods each timestamp is after the one before: 1, or 1 + the samples
    missing in a gap (``before``: the timestamp of the sample before the first one).

    Examples
    --------
    >>> sample_steps([0.0, 0.001, 0.002, 0.503, 0.504], 1000.0).tolist()
    [1, 1, 1, 501, 1]
    """
    ts = np.asarray(timestamps, dtype=np.float64).reshape(-1)
    if before is None:
        steps = np.diff(ts, prepend=ts[:1] - 1.0 / sfreq_hz) if ts.size else ts
    else:
        steps = np.diff(ts, prepend=before)
    out = np.ones(ts.size, dtype=np.int64)
    gap = steps > _gap_step_s(sfreq_hz)
    out[gap] = np.maximum(np.round(steps[gap] * sfreq_hz).astype(np.int64), 2)
    return out


def missing_samples(
    timestamps: npt.ArrayLike, sfreq_hz: float, *, before: float | None = None
) -> Missing:
    """The samples missing between consecutive timestamps (and since ``before``, the timestamp
    of the sample before the first one), and the number of gaps.

    A step counts as a gap when it is longer than :data:`GAP_PERIODS` periods plus
    :data:`GAP_SLACK_S` (clock jitter stays below); a gap of ``d`` seconds lacks
    ``round(d * sfreq_hz) - 1`` samples: the step from the last sample before it to the first
    after it is one period longer than the samples that are missing.

    Examples
    --------
    >>> missing_samples([0.0, 0.001, 0.002, 0.503, 0.504], 1000.0)
    Missing(samples=500, gaps=1)
    >>> missing_samples([0.6, 0.601], 1000.0, before=0.504)
    Missing(samples=95, gaps=1)
    """
    steps = sample_steps(timestamps, sfreq_hz, before=before)
    gaps = steps > 1
    return Missing(int((steps[gaps] - 1).sum()), int(gaps.sum()))


@dataclass(frozen=True)
class OnGrid:
    """A recording on the regular grid of its rate: ``data`` with the missing samples filled,
    ``filled`` the (first index, count) of each gap, and ``start`` the first sample's time."""

    data: F64
    filled: list[tuple[int, int]]
    start: float

    @property
    def missing(self) -> int:
        return sum(n for _, n in self.filled)


def on_grid(data: npt.ArrayLike, timestamps: npt.ArrayLike, sfreq_hz: float) -> OnGrid:
    """Put samples at their true places on the grid of ``sfreq_hz``.

    Parameters
    ----------
    data : array_like, shape (n_channels, n_samples)
        The samples as they came.
    timestamps : array_like, shape (n_samples,)
        Each sample's time in seconds.
    sfreq_hz : float
        The stream's rate.

    Returns
    -------
    OnGrid
        The samples with each gap (:func:`missing_samples`) filled by a straight line from the
        sample before it to the one after it: the band-pass of an EMG analysis turns that into
        no activity, and every sample after a gap sits at its time.

    Examples
    --------
    >>> g = on_grid([[1.0, 2.0, 4.0]], [0.0, 0.01, 0.04], 100.0)
    >>> g.data.tolist(), g.filled
    ([[1.0, 2.0, 2.6666666666666665, 3.333333333333333, 4.0]], [(2, 2)])
    """
    x = np.atleast_2d(np.asarray(data, dtype=np.float64))
    ts = np.asarray(timestamps, dtype=np.float64).reshape(-1)
    if ts.size != x.shape[1]:
        raise ValueError(f"{ts.size} timestamps for {x.shape[1]} samples")
    start = float(ts[0]) if ts.size else 0.0
    steps = sample_steps(ts, sfreq_hz)
    if ts.size == 0 or not (steps > 1).any():
        return OnGrid(x.copy(), [], start)
    steps[0] = 0
    index = np.cumsum(steps)
    out = np.empty((x.shape[0], int(index[-1]) + 1))
    grid = np.arange(out.shape[1], dtype=np.float64)
    for c in range(x.shape[0]):
        out[c] = np.interp(grid, index.astype(np.float64), x[c])
    gaps = np.flatnonzero(steps > 1)
    filled = [(int(index[g - 1]) + 1, int(steps[g]) - 1) for g in gaps]
    return OnGrid(out, filled, start)


def smooth_timestamps(timestamps: npt.ArrayLike, sfreq_hz: float) -> F64:
    """A whole recording's timestamps through a :class:`GapClock`, 20 ms at a time (as a live
    stream's come): a file's timestamps as the live view would have had them.

    Examples
    --------
    >>> ts = np.r_[np.arange(1000), np.arange(1500, 2000)] / 1000.0
    >>> t = smooth_timestamps(ts + np.tile([0.0, 0.0005], 750), 1000.0)
    >>> missing_samples(t, 1000.0), round(float(t[-1] - ts[-1]), 4)
    (Missing(samples=500, gaps=1), 0.0002)
    """
    raw = np.asarray(timestamps, dtype=np.float64).reshape(-1)
    clock = GapClock(sfreq_hz)
    step = max(1, round(0.02 * sfreq_hz))
    parts = [clock.stamp(raw[i : i + step]) for i in range(0, raw.size, step)]
    return np.concatenate(parts) if parts else raw.copy()


def recording_on_grid(recording: EmgRecording, timestamps: npt.ArrayLike | None) -> EmgRecording:
    """``recording`` with its samples at their times (:func:`on_grid`), and a note for each gap
    (the analysis repeats it in its warnings); the recording itself when nothing is missing.

    Examples
    --------
    >>> rec = EmgRecording(np.ones((1, 300)), 100.0, ("biceps",), ("mV",))
    >>> ts = np.r_[np.arange(100), np.arange(150, 350)] / 100.0
    >>> g = recording_on_grid(rec, ts)
    >>> g.n_samples, g.notes[0][:44]
    (350, '50 samples (0.50 s) never came, from 1.00 s:')
    """
    if timestamps is None:
        return recording
    if not (sample_steps(timestamps, recording.sfreq_hz) > 1).any():
        return recording  # no step long enough to be a gap, whatever the smoothing
    smooth = smooth_timestamps(timestamps, recording.sfreq_hz)
    rows = recording.data
    motion = recording.motion
    with_motion = motion is not None and motion.size == recording.n_samples
    if with_motion:  # a motion channel sampled with the EMG gets the same gaps
        rows = np.vstack([rows, np.asarray(motion, dtype=np.float64)[None, :]])
    grid = on_grid(rows, smooth, recording.sfreq_hz)
    if not grid.filled:
        return recording
    fs = recording.sfreq_hz
    notes = tuple(
        f"{n} samples ({n / fs:.2f} s) never came, from {first / fs:.2f} s: nothing was "
        "measured there, and what came after is at its time"
        for first, n in grid.filled
    )
    if with_motion:
        return replace(
            recording,
            data=grid.data[:-1],
            motion=grid.data[-1].copy(),
            notes=(*recording.notes, *notes),
        )
    return replace(recording, data=grid.data, notes=(*recording.notes, *notes))


class GapClock:
    """Smooth a live stream's timestamps chunk by chunk, starting anew at each gap.

    A stream's timestamps jitter (a chunk stamped when it was sent, not when it was measured);
    Lab Streaming Layer's own smoothing fits one line through every sample and so hides a gap:
    the samples after it get the times the missing ones would have had, and the time runs
    backwards. Here each sample is one period after the one before, and the whole stretch
    follows the timestamps slowly (over ``settle_s``); a chunk whose timestamps are later than
    that by more than a gap's step (plus four times the jitter seen) starts a new stretch at
    its own time, a whole number of missing samples later, which :attr:`missing` counts. The
    times never run backwards.

    Parameters
    ----------
    sfreq_hz : float
        The stream's nominal rate.
    settle_s : float
        How much of the stream the smoothing averages over.
    counter_wrap : int, optional
        The source numbers its samples with a counter that wraps at this count (a board's
        package number, 256): the counter gives the gaps (:meth:`stamp`'s ``known_missing``),
        and the timestamps only tell how many times it wrapped in a longer gap, so they may
        jitter by up to half of that without making a gap.

    Examples
    --------
    >>> clock = GapClock(1000.0)
    >>> a = clock.stamp(10.0 + np.arange(20) / 1000.0)
    >>> b = clock.stamp(10.52 + np.arange(20) / 1000.0)   # 500 samples never came
    >>> clock.missing, round(float(b[0] - a[-1]), 3)
    (500, 0.501)
    """

    def __init__(
        self, sfreq_hz: float, *, settle_s: float = 2.0, counter_wrap: int | None = None
    ) -> None:
        self.sfreq_hz = float(sfreq_hz)
        self._wrap = counter_wrap
        self.period_s = 1.0 / self.sfreq_hz
        self._settle_n = max(1.0, settle_s * self.sfreq_hz)
        self._next: float | None = None  # the time of the next sample on the current stretch
        self._stretch_n = 0  # samples on the current stretch
        self._seen_n = 0
        # Until the stream shows its jitter, a chunk a few milliseconds late is no gap.
        self._jitter_s = 0.005
        self._started = False
        self._pinned = False  # the next sample comes just after a gap: exactly on its grid
        self.missing = 0
        self.gaps = 0

    def stamp(self, timestamps: npt.ArrayLike, known_missing: npt.ArrayLike | None = None) -> F64:
        """The smoothed times of one chunk's samples (in order, as they came).

        ``known_missing``: per sample, the samples a counter of the source says were lost just
        before it (a board's sample counter); those gaps are placed exactly.
        """
        raw = np.asarray(timestamps, dtype=np.float64).reshape(-1)
        n = raw.size
        out = np.empty(n)
        if n == 0:
            return out
        offsets = np.arange(n, dtype=np.float64)
        if known_missing is not None:
            known = np.asarray(known_missing, dtype=np.int64).reshape(-1)
            known = np.maximum(known, 0)
            offsets += np.cumsum(known)
            self.missing += int(known.sum())
            self.gaps += int((known > 0).sum())
        if self._next is None:
            self._next = float(raw[0])
        pos = 0
        while pos < n:
            # Periods from the next sample on the stretch (a known gap before ``pos`` included).
            rel = offsets[pos:] - (offsets[pos - 1] + 1.0 if pos else 0.0)
            pred = self._next + rel * self.period_s
            err = raw[pos:] - pred
            # Late from some sample on (every later one too): a gap just before it.
            later = np.minimum.accumulate(err[::-1])[::-1]
            if self._wrap:
                late_n = np.round(later * self.sfreq_hz / self._wrap) * self._wrap
                found = np.flatnonzero(late_n > 0)
            else:
                late_n = np.round(later * self.sfreq_hz)
                gap_s = _gap_step_s(self.sfreq_hz) + 4.0 * self._jitter_s
                if self._seen_n < _WARM_UP_S * self.sfreq_hz:
                    gap_s = max(gap_s, _WARM_UP_GAP_S)  # the jitter is not known yet
                # A gap is at least one sample that never came: each one found moves the
                # stretch on, so the search always ends.
                found = np.flatnonzero((late_n >= 1.0) & ((late_n + 1.0) * self.period_s > gap_s))
            stop = int(found[0]) if found.size else err.size
            if stop:
                self._follow(err[:stop], pred[:stop], out[pos : pos + stop])
            if found.size:
                m = int(late_n[stop])
                self._next += m * self.period_s
                self.missing += m
                self.gaps += 1
                # The new stretch follows its own timestamps at once; its first sample sits
                # a whole number of periods after the last one before the gap.
                self._stretch_n = 0
                self._pinned = True
            pos += stop
        return out

    def _follow(self, err: F64, pred: F64, out: F64) -> None:
        """Place ``err.size`` samples on the stretch, moving it a little towards their times."""
        assert self._next is not None
        k = err.size
        mean = float(err.mean())
        if not self._started:
            nudge = mean  # the stream's first chunk: its own time
            self._started = True
        elif self._pinned:
            nudge = 0.0
        else:
            weight = k / min(self._stretch_n + k, self._settle_n)
            # Never more than 0.45 period at a time: a step stays between 0.55 and 1.45 periods,
            # so the smoothing itself makes no gap and never turns time back.
            limit = 0.45 * self.period_s
            nudge = float(np.clip(weight * mean, -limit, limit))
        self._pinned = False
        out[:] = pred + nudge
        # The jitter from the whole stream, starting from a guess worth half of settle_s.
        # A chunk longer than settle_s (a stream that stalled, then sent everything at once)
        # weighs as settle_s: more would overshoot, and a jitter below 0 would take every next
        # sample for a gap of no samples.
        weight = min(1.0, k / min(self._seen_n + k + 0.5 * self._settle_n, self._settle_n))
        self._jitter_s += weight * (float(np.abs(err - nudge).mean()) - self._jitter_s)
        self._stretch_n += k
        self._seen_n += k
        self._next = float(out[-1]) + self.period_s
