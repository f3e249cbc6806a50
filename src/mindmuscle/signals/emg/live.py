"""The live EMG pipeline: chunks in, frames out (about 20 per second), for biofeedback.

Feed :class:`LivePipeline` the chunks a live source delivers (samples with their timestamps);
it keeps the streaming band-pass and envelope of each mapped muscle and returns a
:class:`LiveFrame` every ``frame_interval_s`` of stream time, showing the newest sample of the
chunk that reaches the frame's time (a chunk that spans several frame times, a backlog, gives
one frame at each):

* per muscle: ``pct_mvc`` (only with a calibration, else None: never a %MVC without an MVC),
  ``pct_peak`` (% of this set's peak so far), whether it is active, and a cue;
* ratios of the target to each synergist and compensator over the latest repetition (from
  %MVC, so only where both muscles are calibrated), and left/right balance where both sides
  of a muscle are mapped;
* repetitions: bursts of each target channel, with onset, offset, mean and peak activation;
* quality: the stream's state (``ok``, ``stalled``, ``lost``), seconds since the last sample,
  samples missing from the timestamps, and flat channels.

Onsets are found on the envelope with hysteresis, as offline (:mod:`.onsets`): the thresholds
sit between the rest level (10th percentile of the last seconds) and the set's peak, and stay
clear of the rest ripple. When a burst ends its edges are refined on a faster envelope, and the
filters' known group delay is taken off, so live onsets match the offline ones.

Time comes in as arguments (stream timestamps, and the wall clock of each arrival); the
pipeline holds no clock and touches no device: :mod:`mindmuscle.io.live` delivers the chunks.

Cues (each names its evidence ids, EVIDENCE.md):

* ``target_reached``: the target reaches the chosen %MVC (calatayud2016, effortmatch2019);
* ``compensating``: a compensator (from the exercise card) rises above the target, both in
  %MVC (danielscook2017, sevilmis2024).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from scipy import signal

from mindmuscle.catalog.models import Exercise
from mindmuscle.errors import ChannelMapError, InvalidInputError, InvalidSignalError
from mindmuscle.signals.emg._checks import check_sfreq
from mindmuscle.signals.emg.features import left_right_pairs
from mindmuscle.signals.emg.filters import design_emg_sos, lowpass_sos
from mindmuscle.signals.emg.gaps import sample_steps
from mindmuscle.signals.emg.streaming import StreamingFilter

__all__ = [
    "CUE_EVIDENCE",
    "LiveChannel",
    "LiveFrame",
    "LivePipeline",
    "LiveRep",
    "LiveRole",
    "StreamState",
    "assign_roles",
    "base_muscle",
    "card_roles",
    "parse_channel_map",
]

LiveRole = Literal["target", "synergist", "compensator", "other"]
StreamState = Literal["ok", "stalled", "lost"]
CueKind = Literal["target_reached", "compensating"]

CUE_EVIDENCE: Mapping[CueKind, tuple[str, ...]] = {
    "target_reached": ("calatayud2016", "effortmatch2019"),
    "compensating": ("danielscook2017", "sevilmis2024"),
}
"""The evidence ids each live cue rests on (see ``mindmuscle evidence``)."""

_DECISION_RATE_HZ = 200.0
_HISTORY_S = 30.0
_REST_WINDOW_S = 10.0
_FAST_CUTOFF_HZ = 40.0
_ON_FRACTION = 0.2
_OFF_FRACTION = 0.1
_NOISE_K_ON = 8.0
_NOISE_K_OFF = 4.0
_MIN_CONTRAST = 2.0
_MIN_BURST_S = 0.2
_MIN_GAP_S = 0.15
_MAX_EDGE_SHIFT_S = 0.3
_MIN_COMPENSATOR_PCT = 10.0  # below this a helper's lead over the target is rest noise
_WARMUP_S = 0.3  # the filters settle; no peak and no burst before
_SIDE = re.compile(r"(^|[_\-\s.])(left|right|l|r)($|[_\-\s.])", re.IGNORECASE)
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_\-.]{0,63}$")


# --- mapping channels to muscles ---------------------------------------------------------------


@dataclass(frozen=True)
class LiveChannel:
    """One mapped channel: its 0-based index in the stream, the muscle name and its role."""

    index: int
    muscle: str
    role: LiveRole = "other"


def parse_channel_map(
    text: str, labels: Sequence[str], *, source: str = "stream"
) -> list[tuple[int, str]]:
    """Parse ``CH=MUSCLE[,CH=MUSCLE...]`` against a stream's channel labels.

    ``CH`` is the channel's 1-based number or its label in the stream (case-insensitive);
    ``source`` is what the messages call the channels' owner ("stream", "recording").

    Returns
    -------
    list of (index, muscle)
        0-based stream index and muscle name, in the order given.

    Raises
    ------
    ChannelMapError
        An entry without ``=``, a channel the stream does not have, a muscle or a channel
        mapped twice; the error names no input (each channel words its own).

    Examples
    --------
    >>> parse_channel_map("1=biceps,EMG2=triceps", ["EMG1", "EMG2"])
    [(0, 'biceps'), (1, 'triceps')]
    """
    allowed = f"channels 1-{len(labels)}" + (
        f" or the labels {', '.join(labels[:8])}{' ...' if len(labels) > 8 else ''}"
        if labels
        else ""
    )
    out: list[tuple[int, str]] = []
    entries = [e.strip() for e in text.split(",") if e.strip()]
    if not entries:
        raise ChannelMapError(
            f"{text!r} maps no channel: give CH=MUSCLE[,CH=MUSCLE...], e.g. 1=biceps."
        )
    folded = {lab.strip().lower(): i for i, lab in enumerate(labels)}
    for entry in entries:
        ch, sep, muscle = entry.partition("=")
        ch, muscle = ch.strip(), muscle.strip()
        if not sep or not ch or not muscle:
            raise ChannelMapError(
                f"entry {entry!r} is not CH=MUSCLE: give e.g. 1=biceps ({allowed})."
            )
        if not _NAME.match(muscle):
            raise ChannelMapError(
                f"muscle name {muscle!r} is not allowed: use letters, digits, _ - . "
                "(up to 64), starting with a letter, e.g. biceps_left."
            )
        if ch.isdigit():
            index = int(ch) - 1
            if not 0 <= index < len(labels):
                raise ChannelMapError(f"channel {ch} does not exist: the {source} has {allowed}.")
        elif ch.lower() in folded:
            index = folded[ch.lower()]
        else:
            raise ChannelMapError(f"channel {ch!r} is not in the {source}: use {allowed}.")
        if any(m == muscle for _, m in out):
            raise ChannelMapError(f"muscle {muscle!r} is named twice: give each once.")
        if any(i == index for i, _ in out):
            raise ChannelMapError(f"channel {ch} is given two muscles: one channel is one muscle.")
        out.append((index, muscle))
    return out


def base_muscle(name: str) -> str:
    """The muscle id of a mapped name without its side (``biceps_left`` → ``biceps``).

    Examples
    --------
    >>> base_muscle("biceps_left"), base_muscle("r_lats"), base_muscle("triceps")
    ('biceps', 'lats', 'triceps')
    """
    m = _SIDE.search(name)
    if not m:
        return name
    muscle = (name[: m.start()] + m.group(1) + m.group(3) + name[m.end() :]).strip("_-. ")
    return re.sub(r"[_\-\s.]{2,}", "_", muscle)


def assign_roles(
    muscles: Sequence[str],
    *,
    targets: Sequence[str] = (),
    synergists: Sequence[str] = (),
    compensators: Sequence[str] = (),
) -> dict[str, LiveRole]:
    """Role of each mapped muscle from an exercise card's targets, synergists, compensators.

    Without targets (no exercise given), the first muscle is the target (both its sides when
    it is mapped left and right) and the others are synergists. A muscle that is both a
    synergist and a compensator on the card is a compensator (the cue needs it).

    Examples
    --------
    >>> assign_roles(["pec_sternal_l", "front_delt", "triceps"], targets=["pec_sternal"],
    ...              synergists=["front_delt", "triceps"], compensators=["front_delt"])
    {'pec_sternal_l': 'target', 'front_delt': 'compensator', 'triceps': 'synergist'}
    >>> assign_roles(["biceps_left", "biceps_right", "front_delt"])
    {'biceps_left': 'target', 'biceps_right': 'target', 'front_delt': 'synergist'}
    """
    roles: dict[str, LiveRole] = {}
    if not targets:
        first = base_muscle(muscles[0]) if muscles else ""
        for m in muscles:
            # The other side of the first muscle is a target too (its balance), not a helper.
            roles[m] = "target" if base_muscle(m) == first else "synergist"
        return roles
    for m in muscles:
        b = base_muscle(m)
        if b in targets:
            roles[m] = "target"
        elif b in compensators:
            roles[m] = "compensator"
        elif b in synergists:
            roles[m] = "synergist"
        else:
            roles[m] = "other"
    return roles


def card_roles(muscles: Sequence[str], exercise: Exercise | None) -> dict[str, LiveRole]:
    """The roles of mapped muscles from an exercise card (:func:`assign_roles`); without a
    card, or a card without targets, the first muscle is the target.

    Raises
    ------
    ChannelMapError
        The card's exercise has targets and none of them is mapped.
    """
    if exercise is None or not exercise.targets:
        return assign_roles(muscles)
    roles = assign_roles(
        muscles,
        targets=exercise.targets,
        synergists=exercise.synergists,
        compensators=exercise.compensators,
    )
    if "target" not in roles.values():
        raise ChannelMapError(
            f"only {', '.join(muscles)} {'is' if len(muscles) == 1 else 'are'} mapped, no "
            f"target muscle of {exercise.name}: map a channel to "
            f"{' or '.join(exercise.targets)} (add _left or _right for a side), e.g. "
            f"1={exercise.targets[0]}."
        )
    return roles


# --- frames --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LiveRep:
    """One repetition (a burst of a target channel), times in seconds of stream time."""

    rep: int
    muscle: str
    onset_s: float
    offset_s: float
    mean_pct_mvc: float | None
    peak_pct_mvc: float | None
    mean_pct_peak: float
    peak_pct_peak: float

    def to_json(self) -> dict[str, Any]:
        return {
            "rep": self.rep,
            "muscle": self.muscle,
            "onset_s": round(self.onset_s, 3),
            "offset_s": round(self.offset_s, 3),
            "mean_pct_mvc": _r(self.mean_pct_mvc),
            "peak_pct_mvc": _r(self.peak_pct_mvc),
            "mean_pct_peak": round(self.mean_pct_peak, 1),
            "peak_pct_peak": round(self.peak_pct_peak, 1),
        }


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


@dataclass(frozen=True)
class LiveFrame:
    """What the lifter sees at one moment (``t`` in seconds from the stream's first sample).

    ``to_json()`` gives the documented shape::

        {"t": 1.25,
         "muscles": {"biceps": {"role": "target", "pct_mvc": 42.0 or None,
                                        "pct_peak": 80.1, "active": true, "cue": None}},
         "ratios": {"biceps:brachioradialis": {"kind": "synergist", "value": 1.9}},
         "reps": [{"rep": 1, "muscle": ..., "onset_s": ..., "offset_s": ..., ...}],
         "quality": {"stream": "ok", "age_s": 0.01, "dropped_samples": 0, "flat": []}}
    """

    t: float
    muscles: dict[str, dict[str, Any]]
    ratios: dict[str, dict[str, Any]]
    reps: list[LiveRep]
    stream: StreamState
    age_s: float
    dropped_samples: int
    flat: list[str]
    source_time: float = 0.0
    note: str = ""
    new_cues: list[tuple[str, CueKind]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        quality: dict[str, Any] = {
            "stream": self.stream,
            "age_s": round(self.age_s, 3),
            "dropped_samples": self.dropped_samples,
            "flat": list(self.flat),
        }
        if self.note:
            quality["note"] = self.note
        return {
            "t": round(self.t, 3),
            "muscles": self.muscles,
            "ratios": self.ratios,
            "reps": [r.to_json() for r in self.reps],
            "quality": quality,
        }


# --- the pipeline --------------------------------------------------------------------------------


def _delay_s(sos: npt.NDArray[np.float64], freq_hz: float, fs: float) -> float:
    b, a = signal.sos2tf(sos)
    _w, gd = signal.group_delay((b, a), w=[freq_hz], fs=fs)
    return float(gd[0]) / fs


class _Ring:
    """The last ``size`` decision-rate values of every channel, oldest first on read."""

    def __init__(self, n_channels: int, size: int) -> None:
        self.buf = np.zeros((n_channels, size))
        self.size = size
        self.count = 0  # values written so far (absolute index of the next one)

    def extend(self, values: npt.NDArray[np.float64]) -> None:
        n = values.shape[1]
        if n >= self.size:
            self.buf[:, :] = values[:, -self.size :]
            # keep the ring aligned so that index % size is the slot
            shift = (self.count + n) % self.size
            self.buf = np.roll(self.buf, shift, axis=1)
        else:
            start = self.count % self.size
            end = start + n
            if end <= self.size:
                self.buf[:, start:end] = values
            else:
                k = self.size - start
                self.buf[:, start:] = values[:, :k]
                self.buf[:, : n - k] = values[:, k:]
        self.count += n

    def window(self, channel: int, first: int, stop: int) -> npt.NDArray[np.float64]:
        """Values with absolute indices ``first <= i < stop`` that are still held."""
        first = max(first, self.count - self.size, 0)
        stop = min(stop, self.count)
        if stop <= first:
            return np.zeros(0)
        idx = np.arange(first, stop) % self.size
        out: npt.NDArray[np.float64] = self.buf[channel, idx]
        return out

    def recent(self, n: int) -> npt.NDArray[np.float64]:
        n = min(n, self.count, self.size)
        idx = np.arange(self.count - n, self.count) % self.size
        out: npt.NDArray[np.float64] = self.buf[:, idx]
        return out


class _Level:
    """Rest level, ripple and thresholds of one envelope (refreshed about 20 times a second)."""

    __slots__ = ("off", "on", "rest", "ripple")

    def __init__(self) -> None:
        self.rest = 0.0
        self.ripple = 0.0
        self.on = np.inf
        self.off = np.inf


def _rest_and_ripple(values: npt.NDArray[np.float64]) -> tuple[float, float]:
    rest, median = np.percentile(values, [10.0, 50.0])
    lower = values[values <= median]
    ripple = 1.4826 * float(np.median(np.abs(lower - np.median(lower)))) if lower.size else 0.0
    return float(rest), ripple


class LivePipeline:
    """Frames of per-muscle activation from a live EMG stream.

    Parameters
    ----------
    sfreq_hz : float
        The stream's sampling rate in Hz.
    channels : sequence of LiveChannel
        The mapped channels (index into the stream's rows, muscle name, role).
    mvc : mapping of str to float, optional
        Calibrated maximal envelope per muscle name (the best 1-second window of a maximal
        contraction, in the stream's unit). Muscles without one get ``pct_mvc`` None.
    cue_at_pct_mvc : float, optional
        The %MVC at which the target's cue sounds (needs the target's calibration).
    frame_interval_s : float
        Stream time between frames (0.05: 20 frames per second).
    stall_after_s : float
        Wall-clock seconds without a sample after which the stream counts as stalled.
    mains_hz : float, optional
        50 or 60 to add a mains notch.

    Examples
    --------
    >>> import numpy as np
    >>> from mindmuscle.signals.emg.simulate import simulate_emg
    >>> x = simulate_emg(4.0, 1000.0, [(1.0, 3.0)], amplitudes=[0.4])
    >>> p = LivePipeline(1000.0, [LiveChannel(0, "biceps", "target")],
    ...                  mvc={"biceps": 0.8 * 0.7979})
    >>> frames = p.push(x[None, :], np.arange(x.size) / 1000.0, received_at=4.0)
    >>> len(frames), [round(r.onset_s, 1) for r in p.reps]
    (79, [1.0])
    """

    def __init__(
        self,
        sfreq_hz: float,
        channels: Sequence[LiveChannel],
        *,
        mvc: Mapping[str, float] | None = None,
        cue_at_pct_mvc: float | None = None,
        frame_interval_s: float = 0.05,
        stall_after_s: float = 0.5,
        mains_hz: float | None = None,
    ) -> None:
        fs = check_sfreq(sfreq_hz)
        if not channels:
            raise ChannelMapError("no channel is mapped to a muscle: give e.g. 1=biceps.")
        if cue_at_pct_mvc is not None and not 0.0 < cue_at_pct_mvc <= 100.0:
            raise InvalidInputError(
                f"A cue at {cue_at_pct_mvc:g}% MVC is not allowed: give a value above 0 and "
                "at most 100."
            )
        self.sfreq_hz = fs
        self.channels = list(channels)
        self.names = [c.muscle for c in self.channels]
        self.rows = np.array([c.index for c in self.channels], dtype=np.int64)
        self.n = len(self.channels)
        given_mvc = dict(mvc or {})
        for name, value in given_mvc.items():
            if not (np.isfinite(value) and value > 0):
                raise InvalidInputError(
                    f"The calibration of {name} ({value!r}) is not a positive envelope level: "
                    "calibrate again."
                )
        self.mvc = np.array([given_mvc.get(m, np.nan) for m in self.names])
        self.cue_at_pct_mvc = cue_at_pct_mvc
        self.frame_interval_s = float(frame_interval_s)
        self.stall_after_s = float(stall_after_s)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            band_sos = design_emg_sos(fs, mains_hz=mains_hz)
        self.notes = [str(w.message) for w in caught]
        fast_hz = min(_FAST_CUTOFF_HZ, 0.2 * fs)
        self._band = StreamingFilter(band_sos, self.n)
        self._slow = StreamingFilter(lowpass_sos(fs, 6.0), self.n)
        self._fast = StreamingFilter(lowpass_sos(fs, fast_hz), self.n)
        carrier_hz = min(100.0, 0.3 * fs)
        band_delay = _delay_s(band_sos, carrier_hz, fs)
        self._slow_delay_s = band_delay + _delay_s(lowpass_sos(fs, 6.0), 0.5, fs)
        self._fast_delay_s = band_delay + _delay_s(lowpass_sos(fs, fast_hz), 0.5, fs)
        self._step = max(1, round(fs / _DECISION_RATE_HZ))
        self.decision_rate_hz = fs / self._step
        size = int(_HISTORY_S * self.decision_rate_hz)
        self._slow_hist = _Ring(self.n, size)
        self._fast_hist = _Ring(self.n, size)
        # Each decision sample's stream time: after a gap the count of samples is behind it.
        self._time_hist = _Ring(1, size)
        self._after_gap = 0  # the first decision sample after the latest gap
        self._slow_level = [_Level() for _ in range(self.n)]
        self._fast_level = [_Level() for _ in range(self.n)]
        self._peak = np.zeros(self.n)
        self._active = np.zeros(self.n, dtype=bool)
        self._burst_start = np.zeros(self.n, dtype=np.int64)  # decision index
        self._below_since = np.full(self.n, -1, dtype=np.int64)
        self._n_samples = 0  # raw samples seen
        self._offset: npt.NDArray[np.float64] | None = None
        self._warmup = int(_WARMUP_S * fs / max(1, round(fs / _DECISION_RATE_HZ)))
        self._t0: float | None = None
        self._last_ts: float | None = None
        self._last_received: float | None = None
        self._dropped = 0
        self._next_frame_t = 0.0
        self._last_frame_wall: float | None = None
        self._lost_reason = ""
        self._flat = np.zeros(self.n, dtype=bool)
        self._sounded: set[tuple[str, CueKind]] = set()
        self.reps: list[LiveRep] = []
        self._latest_rep_window: tuple[int, int] | None = None
        self._roles = {c.muscle: c.role for c in self.channels}
        self._targets = [i for i, c in enumerate(self.channels) if c.role == "target"]
        self._pairs = left_right_pairs(self.names)

    # -- input ------------------------------------------------------------------------------------

    @property
    def dropped_samples(self) -> int:
        """Samples missing between consecutive timestamps so far."""
        return self._dropped

    @property
    def t(self) -> float:
        """Stream time of the latest sample (seconds from the first)."""
        if self._t0 is None or self._last_ts is None:
            return 0.0
        return self._last_ts - self._t0

    def push(
        self, data: Any, timestamps: Any, *, received_at: float, dropped: int | None = None
    ) -> list[LiveFrame]:
        """Take one chunk; return the frames whose time it reached.

        Parameters
        ----------
        data : array_like, shape (n_stream_channels, n_samples)
            The chunk, every channel of the stream (the mapped rows are used).
        timestamps : array_like, shape (n_samples,)
            Each sample's time in seconds (the source's clock).
        received_at : float
            Wall-clock time of arrival (any monotonic clock; used for stall detection).
        dropped : int, optional
            Samples the source knows were lost before this chunk (a board's sample counter);
            without it, gaps in the timestamps count.
        """
        x = np.asarray(data, dtype=np.float64)
        ts = np.asarray(timestamps, dtype=np.float64).reshape(-1)
        if x.ndim != 2 or x.shape[1] != ts.size:
            raise InvalidSignalError(
                f"A chunk of shape {x.shape} with {ts.size} timestamps does not fit: give "
                "(n_channels, n_samples) and one timestamp per sample."
            )
        if x.shape[0] <= int(self.rows.max()):
            raise InvalidSignalError(
                f"The chunk has {x.shape[0]} channels but channel {int(self.rows.max()) + 1} "
                "is mapped."
            )
        self._last_received = received_at
        self._lost_reason = ""
        if ts.size == 0:
            return []
        if self._t0 is None:
            self._t0 = float(ts[0])
            self._next_frame_t = self.frame_interval_s
        steps = sample_steps(ts, self.sfreq_hz, before=self._last_ts)
        gap_at = np.flatnonzero(steps > 1)
        # The source's own count (a board's sample counter), else what the timestamps lack
        # (as missing_samples counts it for the terminal and the web).
        self._dropped += int((steps[gap_at] - 1).sum()) if dropped is None else int(dropped)
        self._last_ts = float(ts[-1])
        raw = x[self.rows]
        if not np.isfinite(raw).all():
            raw = np.nan_to_num(raw, nan=0.0, posinf=0.0, neginf=0.0)
        if self._offset is None:
            # Amplifiers often add a DC offset: starting the high-pass from it, instead of
            # from zero, spares the bars a start-up transient.
            self._offset = raw[:, :1].copy()
        raw = raw - self._offset
        self._flat = (raw.max(axis=1) == raw.min(axis=1)) if raw.shape[1] > 1 else self._flat
        band = self._band.process(raw)
        rect = np.abs(band)
        slow = self._slow.process(rect)
        fast = self._fast.process(rect)
        # Decision-rate samples: every step-th sample of the stream, across chunk edges.
        first = (-self._n_samples) % self._step
        pick = np.arange(first, ts.size, self._step)
        self._n_samples += ts.size
        frames: list[LiveFrame] = []
        if pick.size == 0:
            return frames
        slow_d = slow[:, pick]
        fast_d = fast[:, pick]
        t_d = ts[pick] - self._t0
        base = self._slow_hist.count
        self._slow_hist.extend(slow_d)
        self._fast_hist.extend(fast_d)
        self._time_hist.extend(t_d[None, :])
        if gap_at.size:
            self._after_gap = base + int(np.searchsorted(pick, gap_at[-1]))
        levels_due = base == 0
        last = pick.size - 1
        pending = False
        for j in range(pick.size):
            k = base + j
            if levels_due or k % 10 == 0 or k == self._warmup + 2:
                self._refresh_levels(k + 1)
                levels_due = False
            if k >= self._warmup:
                self._peak = np.maximum(self._peak, slow_d[:, j])
                self._step_bursts(k, slow_d[:, j])
            if t_d[j] >= self._next_frame_t:
                while self._next_frame_t <= t_d[j]:
                    self._next_frame_t += self.frame_interval_s
                if t_d[last] >= self._next_frame_t:
                    # A backlog (the chunk spans another frame time): this frame now.
                    frames.append(self._frame(float(t_d[j]), slow_d[:, j], received_at))
                else:
                    # The frame shows the chunk's newest sample: as fresh as the chunk allows.
                    pending = True
            if pending and j == last:
                frames.append(self._frame(float(t_d[j]), slow_d[:, j], received_at))
        return frames

    def idle(self, now: float) -> LiveFrame | None:
        """A frame saying the stream is stalled, when nothing arrived for ``stall_after_s``.

        Call it when a read returns nothing; it gives at most one frame per frame interval.
        """
        if self._last_received is None:
            return None
        age = now - self._last_received
        if age < self.stall_after_s:
            return None
        last = self._last_frame_wall
        if last is not None and now - last < self.frame_interval_s:
            return None
        return self._status_frame(now, "stalled")

    def lost(self, now: float, reason: str) -> LiveFrame:
        """A frame saying the stream is lost (the source said so), with its reason."""
        self._lost_reason = reason
        return self._status_frame(now, "lost")

    # -- internals --------------------------------------------------------------------------------

    def _refresh_levels(self, count: int) -> None:
        n = min(int(_REST_WINDOW_S * self.decision_rate_hz), count - self._warmup)
        if n < 2:
            return
        slow = self._slow_hist.recent(n)
        fast = self._fast_hist.recent(n)
        for c in range(self.n):
            for level, values, peak in (
                (self._slow_level[c], slow[c], float(self._peak[c])),
                (self._fast_level[c], fast[c], None),
            ):
                rest, ripple = _rest_and_ripple(values)
                level.rest, level.ripple = rest, ripple
                if peak is None:
                    continue
                if peak <= 0 or peak < _MIN_CONTRAST * max(rest, 0.0):
                    level.on = level.off = np.inf  # no clear activity yet
                    continue
                span = peak - rest
                level.on = max(
                    rest + max(_ON_FRACTION * span, _NOISE_K_ON * ripple), _MIN_CONTRAST * rest
                )
                level.off = min(level.on, rest + max(_OFF_FRACTION * span, _NOISE_K_OFF * ripple))

    def _step_bursts(self, k: int, values: npt.NDArray[np.float64]) -> None:
        min_gap = round(_MIN_GAP_S * self.decision_rate_hz)
        for c in range(self.n):
            v = float(values[c])
            lv = self._slow_level[c]
            if not self._active[c]:
                if v > lv.on:
                    self._active[c] = True
                    self._burst_start[c] = k
                    self._below_since[c] = -1
                continue
            if v < lv.off:
                if self._below_since[c] < 0:
                    self._below_since[c] = k
                elif k - self._below_since[c] >= min_gap:
                    self._end_burst(c, int(self._burst_start[c]), int(self._below_since[c]))
            else:
                self._below_since[c] = -1

    def _end_burst(self, c: int, start: int, stop: int) -> None:
        self._active[c] = False
        self._below_since[c] = -1
        rate = self.decision_rate_hz
        shift = round(_MAX_EDGE_SHIFT_S * rate)
        # The rest before the burst, not what came before a gap (the count of samples is short
        # there: the last burst before the gap would look like this one's start).
        lo = start - 2 * shift
        if self._after_gap <= start:
            lo = max(lo, self._after_gap)
        fast = self._fast_hist.window(c, lo, stop + shift)
        first_idx = max(lo, self._fast_hist.count - self._fast_hist.size, 0)
        if fast.size == 0:
            return
        lv = self._fast_level[c]
        inner = fast[max(0, start - first_idx) : max(1, stop - first_idx)]
        peak = float(inner.max()) if inner.size else float(fast.max())
        thr = lv.rest + max(0.5 * _OFF_FRACTION * (peak - lv.rest), 3.0 * lv.ripple)
        half = lv.rest + 0.5 * (peak - lv.rest)
        reached = np.flatnonzero(fast >= half)
        if reached.size == 0:
            return
        a, b = int(reached[0]), int(reached[-1])
        quiet_before = np.flatnonzero(fast[:a] < thr)
        on_i = int(quiet_before[-1]) + 1 if quiet_before.size else 0
        quiet_after = np.flatnonzero(fast[b:] < thr)
        off_i = b + int(quiet_after[0]) if quiet_after.size else fast.size
        delay = round(self._fast_delay_s * rate)
        onset = first_idx + on_i - delay
        offset = first_idx + off_i - delay
        if (offset - onset) < round(_MIN_BURST_S * rate):
            return
        if self._roles.get(self.names[c]) != "target":
            return
        self._latest_rep_window = (onset, offset)
        # The mean from the fast envelope (its DC gain is one, and it follows the edges within
        # milliseconds); the peak from the smooth one (what the bars showed).
        mean = self._window_mean(self._fast_hist, c, onset, offset, self._fast_delay_s)
        env = self._slow_hist.window(
            c, onset + round(self._slow_delay_s * rate), offset + round(self._slow_delay_s * rate)
        )
        if env.size == 0 or mean is None:
            return
        peak_env = float(env.max())
        mvc = float(self.mvc[c])
        set_peak = float(self._peak[c]) or 1.0
        calibrated = bool(np.isfinite(mvc))
        self.reps.append(
            LiveRep(
                rep=1 + sum(1 for r in self.reps if r.muscle == self.names[c]),
                muscle=self.names[c],
                onset_s=self._time_at(onset),
                offset_s=self._time_at(offset),
                mean_pct_mvc=100.0 * mean / mvc if calibrated else None,
                peak_pct_mvc=100.0 * peak_env / mvc if calibrated else None,
                mean_pct_peak=100.0 * mean / set_peak,
                peak_pct_peak=100.0 * peak_env / set_peak,
            )
        )

    def _time_at(self, k: int) -> float:
        """The stream time of decision sample ``k`` (from the nearest one still held)."""
        hist = self._time_hist
        held = min(max(k, hist.count - hist.size, 0), hist.count - 1)
        return float(hist.window(0, held, held + 1)[0]) + (k - held) / self.decision_rate_hz

    def _window_mean(
        self, hist: _Ring, c: int, onset: int, offset: int, delay_s: float
    ) -> float | None:
        d = round(delay_s * self.decision_rate_hz)
        env = hist.window(c, onset + d, offset + d)
        return float(env.mean()) if env.size else None

    def _window_means(self) -> npt.NDArray[np.float64] | None:
        if self._latest_rep_window is None:
            return None
        onset, offset = self._latest_rep_window
        means = np.full(self.n, np.nan)
        for c in range(self.n):
            m = self._window_mean(self._fast_hist, c, onset, offset, self._fast_delay_s)
            if m is not None:
                means[c] = m
        return means

    def _ratios(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        means = self._window_means()
        pct = None if means is None else 100.0 * means / self.mvc
        if self._targets:
            ti = self._targets[0]
            target = self.names[ti]
            for c, ch in enumerate(self.channels):
                if ch.role not in ("synergist", "compensator"):
                    continue
                value = None
                if pct is not None and np.isfinite(pct[ti]) and np.isfinite(pct[c]) and pct[c] > 0:
                    value = round(float(pct[ti] / pct[c]), 2)
                out[f"{target}:{ch.muscle}"] = {"kind": ch.role, "value": value}
        for muscle, left, right in self._pairs:
            li, ri = self.names.index(left), self.names.index(right)
            share = None
            basis = "pct_mvc"
            if means is not None:
                if np.isfinite(self.mvc[li]) and np.isfinite(self.mvc[ri]):
                    lv, rv = means[li] / self.mvc[li], means[ri] / self.mvc[ri]
                else:
                    lv, rv, basis = means[li], means[ri], "raw"
                if np.isfinite(lv) and np.isfinite(rv) and lv + rv > 0:
                    share = round(float(100.0 * lv / (lv + rv)), 1)
            elif not (np.isfinite(self.mvc[li]) and np.isfinite(self.mvc[ri])):
                basis = "raw"
            out[f"{muscle} left:right"] = {
                "kind": "balance",
                "left_share_pct": share,
                "basis": basis,
            }
        return out

    def _cues(self, pct_mvc: npt.NDArray[np.float64]) -> dict[str, CueKind]:
        cues: dict[str, CueKind] = {}
        if not self._targets:
            return cues
        ti = self._targets[0]
        target_pct = float(pct_mvc[ti])
        if (
            self.cue_at_pct_mvc is not None
            and np.isfinite(target_pct)
            and target_pct >= self.cue_at_pct_mvc
        ):
            cues[self.names[ti]] = "target_reached"
        if self._active[ti] and np.isfinite(target_pct):
            for c, ch in enumerate(self.channels):
                if (
                    ch.role == "compensator"
                    and self._active[c]
                    and np.isfinite(pct_mvc[c])
                    and pct_mvc[c] > max(target_pct, _MIN_COMPENSATOR_PCT)
                ):
                    cues[ch.muscle] = "compensating"
        return cues

    def _frame(self, t: float, slow: npt.NDArray[np.float64], received_at: float) -> LiveFrame:
        pct_mvc = 100.0 * slow / self.mvc
        # A share of the set's peak so far: 0-100 whatever the stream's units, and 0 while the
        # filters settle (no peak yet), never the raw level divided by 1.
        share = np.divide(100.0 * slow, self._peak, out=np.zeros_like(slow), where=self._peak > 0)
        pct_peak = np.clip(share, 0.0, 100.0)
        cues = self._cues(pct_mvc)
        # A tone once per repetition of the target, not each time the envelope's ripple
        # crosses the line again.
        if self._targets and not self._active[self._targets[0]]:
            self._sounded.clear()
        new = [(m, k) for m, k in cues.items() if (m, k) not in self._sounded]
        self._sounded.update(new)
        muscles: dict[str, dict[str, Any]] = {}
        for c, ch in enumerate(self.channels):
            kind = cues.get(ch.muscle)
            muscles[ch.muscle] = {
                "role": ch.role,
                "pct_mvc": _r(float(pct_mvc[c])) if np.isfinite(pct_mvc[c]) else None,
                "pct_peak": round(float(pct_peak[c]), 1),
                "active": bool(self._active[c]),
                "cue": None
                if kind is None
                else {"kind": kind, "evidence": list(CUE_EVIDENCE[kind])},
            }
        self._last_frame_wall = received_at
        return LiveFrame(
            t=t,
            muscles=muscles,
            ratios=self._ratios(),
            reps=list(self.reps),
            stream="ok",
            age_s=0.0,
            dropped_samples=self._dropped,
            flat=[self.names[c] for c in np.flatnonzero(self._flat)],
            source_time=(self._t0 or 0.0) + t,
            new_cues=new,
        )

    def _status_frame(self, now: float, state: StreamState) -> LiveFrame:
        age = 0.0 if self._last_received is None else max(0.0, now - self._last_received)
        self._last_frame_wall = now
        self._sounded.clear()
        muscles = {
            ch.muscle: {
                "role": ch.role,
                "pct_mvc": None,
                "pct_peak": 0.0,
                "active": False,
                "cue": None,
            }
            for ch in self.channels
        }
        note = f"no samples for {age:.1f} s" if state == "stalled" else self._lost_reason or "lost"
        # The time stays at the last sample's (age_s says for how long nothing came): the
        # samples after a stall come at their own times, and the time never runs backwards.
        return LiveFrame(
            t=self.t,
            muscles=muscles,
            ratios=self._ratios(),
            reps=list(self.reps),
            stream=state,
            age_s=age,
            dropped_samples=self._dropped,
            flat=[],
            source_time=(self._t0 or 0.0) + self.t,
            note=note,
        )
