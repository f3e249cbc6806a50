"""What goes into and comes out of the motion analysis.

A :class:`MotionRecording` holds the raw samples (accelerometer in m/s^2, gyroscope in deg/s, each
with its own timestamps in seconds). The analysis returns a frozen :class:`MotionAnalysis`:
repetitions with their phases, time under tension, tempo adherence and a quality flag.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field

from mindmuscle.catalog.models import Movement, Tempo
from mindmuscle.errors import InvalidSignalError

__all__ = [
    "PHASE_NAMES",
    "STANDARD_GRAVITY_MS2",
    "MotionAnalysis",
    "MotionQuality",
    "MotionRecording",
    "MotionTrace",
    "PhaseDifferences",
    "RecordingGap",
    "Repetition",
    "RushFlag",
    "TempoAdherence",
]

STANDARD_GRAVITY_MS2 = 9.80665
MIN_SAMPLES = 20

FloatArray = npt.NDArray[np.float64]


def _as_times(values: npt.ArrayLike, what: str) -> FloatArray:
    t = np.asarray(values, dtype=np.float64)
    if t.ndim != 1:
        raise InvalidSignalError(f"{what} must be one-dimensional, got shape {t.shape}.")
    if not np.all(np.isfinite(t)):
        raise InvalidSignalError(f"{what} contains NaN or infinite values; remove those samples.")
    return t


def _as_xyz(values: npt.ArrayLike, n: int, what: str) -> FloatArray:
    x = np.asarray(values, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != 3:
        raise InvalidSignalError(
            f"{what} must have shape (n_samples, 3) for x, y, z; got shape {x.shape}."
        )
    if x.shape[0] != n:
        raise InvalidSignalError(
            f"{what} has {x.shape[0]} samples but its timestamps have {n}; they must match."
        )
    if not np.all(np.isfinite(x)):
        raise InvalidSignalError(f"{what} contains NaN or infinite values; remove those samples.")
    return x


def _sorted_unique(t: FloatArray, x: FloatArray, what: str) -> tuple[FloatArray, FloatArray]:
    """Samples in time order; a repeated timestamp keeps its first sample."""
    if np.any(np.diff(t) < 0):
        order = np.argsort(t, kind="stable")
        t, x = t[order], x[order]
    keep = np.concatenate([[True], np.diff(t) > 0])
    t, x = t[keep], x[keep]
    if t.size < MIN_SAMPLES:
        raise InvalidSignalError(
            f"{what} has {t.size} distinct samples; at least {MIN_SAMPLES} are needed "
            "(a set of repetitions lasts seconds, at 10 Hz or more)."
        )
    return t, x


@dataclass(frozen=True)
class MotionRecording:
    """Raw motion samples of one set, any orientation, any rate from 10 to 200 Hz.

    Parameters
    ----------
    t_s : ndarray, shape (n_samples,)
        Accelerometer timestamps in seconds (any origin; irregular spacing and gaps allowed).
    acc_ms2 : ndarray, shape (n_samples, 3)
        Acceleration including gravity, in m/s^2, in the device's own axes.
    gyro_t_s : ndarray, shape (n_gyro,), optional
        Gyroscope timestamps in seconds, on the same clock as ``t_s``.
    gyro_dps : ndarray, shape (n_gyro, 3), optional
        Angular rate in degrees per second.
    source : str
        Where the samples came from (file name or ``"web"``), for messages.

    Raises
    ------
    mindmuscle.errors.InvalidSignalError
        Wrong shapes, NaN values, fewer than 20 samples, or a gyroscope without timestamps.

    Examples
    --------
    >>> import numpy as np
    >>> rec = MotionRecording(np.arange(50) / 25, np.tile([0.0, 0.0, 9.81], (50, 1)))
    >>> round(rec.duration_s, 2)
    1.96
    """

    t_s: FloatArray
    acc_ms2: FloatArray
    gyro_t_s: FloatArray | None = None
    gyro_dps: FloatArray | None = None
    source: str = field(default="recording")

    def __post_init__(self) -> None:
        t = _as_times(self.t_s, "Accelerometer timestamps")
        acc = _as_xyz(self.acc_ms2, t.size, "Accelerometer samples")
        t, acc = _sorted_unique(t, acc, "The accelerometer recording")
        object.__setattr__(self, "t_s", t)
        object.__setattr__(self, "acc_ms2", acc)
        if (self.gyro_t_s is None) != (self.gyro_dps is None):
            raise InvalidSignalError(
                "A gyroscope needs both its timestamps and its samples; got only one of them."
            )
        if self.gyro_t_s is not None and self.gyro_dps is not None:
            gt = _as_times(self.gyro_t_s, "Gyroscope timestamps")
            gyr = _as_xyz(self.gyro_dps, gt.size, "Gyroscope samples")
            gt, gyr = _sorted_unique(gt, gyr, "The gyroscope recording")
            object.__setattr__(self, "gyro_t_s", gt)
            object.__setattr__(self, "gyro_dps", gyr)

    @property
    def duration_s(self) -> float:
        """Time from the first to the last accelerometer sample, in seconds."""
        return float(self.t_s[-1] - self.t_s[0])

    @property
    def median_rate_hz(self) -> float:
        """The accelerometer's typical sampling rate (from the median sample spacing)."""
        return float(1.0 / np.median(np.diff(self.t_s)))

    @property
    def has_gyro(self) -> bool:
        """Whether a gyroscope stream is present."""
        return self.gyro_dps is not None


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Repetition(_Frozen):
    """One repetition and its four phases (seconds).

    The phases follow the tempo notation eccentric - bottom pause - concentric - top pause. The
    bottom is the end of the eccentric (the stretched position), the top the end of the
    concentric (the squeeze), whichever way the load travels.
    """

    index: int = Field(ge=1, description="1-based position in the set.")
    start_s: float = Field(description="Start, seconds from the first sample of the recording.")
    end_s: float
    eccentric_s: float = Field(ge=0.0)
    bottom_pause_s: float = Field(ge=0.0)
    concentric_s: float = Field(ge=0.0)
    top_pause_s: float = Field(ge=0.0)
    partial: bool = Field(description="Range of motion well short of the set's typical repetition.")
    range_ratio: float = Field(ge=0.0, description="Range of motion relative to the set's median.")

    @property
    def duration_s(self) -> float:
        """Sum of the four phases (time under tension of this repetition)."""
        return self.eccentric_s + self.bottom_pause_s + self.concentric_s + self.top_pause_s


class RecordingGap(_Frozen):
    """A stretch of the set with no samples (a sensor or Bluetooth dropout).

    Inside the set (counted repetitions on both sides) the repetitions it hid are estimated from
    the set's cadence and included in the count; at either end of the set they cannot be.
    """

    start_s: float = Field(description="Start, seconds from the first sample of the recording.")
    end_s: float
    inside_set: bool = Field(description="Counted repetitions on both sides of the gap.")
    estimated_reps: int = Field(
        ge=0, description="Repetitions hidden by the gap (inside the set only), from the cadence."
    )


class PhaseDifferences(_Frozen):
    """Mean measured minus prescribed duration per phase, in seconds (negative = faster)."""

    eccentric_s: float
    bottom_pause_s: float
    concentric_s: float
    top_pause_s: float


class RushFlag(_Frozen):
    """A phase done much faster than prescribed (EVIDENCE rule 12)."""

    rep_index: int
    phase: Literal["eccentric", "bottom_pause", "concentric", "top_pause"]
    measured_s: float
    prescribed_s: float


class TempoAdherence(_Frozen):
    """How closely the repetitions followed a prescribed tempo."""

    prescribed: Tempo
    score: float = Field(ge=0.0, le=1.0, description="1 = every phase on time, 0 = far off.")
    rep_scores: list[float]
    differences: PhaseDifferences
    rushed: list[RushFlag]
    rushing: bool = Field(description="A phase was rushed in at least half of the repetitions.")


class MotionQuality(_Frozen):
    """Whether the signal supports the answer, and why not when it does not."""

    status: Literal["good", "fair", "poor"]
    reasons: list[str] = Field(default_factory=list)
    periodicity: float = Field(description="Autocorrelation at the repetition period, 0-1.")
    gaps_s: float = Field(ge=0.0, description="Total time missing in gaps, seconds.")
    sfreq_hz: float = Field(description="Median sampling rate of the accelerometer.")


class MotionAnalysis(_Frozen):
    """The result of analysing one set."""

    reps: int = Field(
        ge=0,
        description="Full repetitions (partial ones not included), with those estimated in gaps.",
    )
    partial_reps: int = Field(ge=0)
    reps_in_gaps: int = Field(
        default=0, ge=0, description="Of ``reps``, those hidden by gaps and estimated (no phases)."
    )
    alternating: bool = Field(
        default=False,
        description="Sides took turns: ``reps`` covers both, ``repetitions`` the sensor's side.",
    )
    repetitions: list[Repetition]
    gaps: list[RecordingGap] = Field(default_factory=list)
    tut_s: float = Field(ge=0.0, description="Time under tension: sum of the repetitions.")
    rep_period_s: float | None = Field(description="Typical time from one rep to the next.")
    set_start_s: float | None = None
    set_end_s: float | None = None
    active_start_s: float | None = Field(
        default=None,
        description="Start of the set inside the recording (where the movement starts to repeat "
        "steadily), seconds from the first sample; None when nothing repeats.",
    )
    active_end_s: float | None = Field(
        default=None, description="End of the set inside the recording, seconds."
    )
    counted_in_set: bool = Field(
        default=True,
        description="The count kept to the set found, which repeats clearly. False: the set "
        "found is the likeliest stretch but repeats too unevenly to keep to, so the count "
        "covers the whole recording.",
    )
    duration_s: float
    concentric: Movement | None = Field(description="Concentric direction used, if known.")
    phase_confidence: Literal["high", "low"]
    phase_note: str = Field(description="How the concentric half of each repetition was chosen.")
    has_gyro: bool
    walking_s: float = Field(
        default=0.0, ge=0.0, description="Walking around the set, left out of the count, seconds."
    )
    tempo_adherence: TempoAdherence | None = None
    quality: MotionQuality

    def summary_dict(self) -> dict[str, object]:
        """The JSON shape of the command line: reps, reps_detail, tut_s, tempo, quality."""
        out: dict[str, object] = {
            "reps": self.reps,
            "partial_reps": self.partial_reps,
            "reps_detail": [
                {
                    "start_s": round(r.start_s, 3),
                    "end_s": round(r.end_s, 3),
                    "eccentric_s": round(r.eccentric_s, 3),
                    "bottom_pause_s": round(r.bottom_pause_s, 3),
                    "concentric_s": round(r.concentric_s, 3),
                    "top_pause_s": round(r.top_pause_s, 3),
                    "partial": r.partial,
                }
                for r in self.repetitions
            ],
            "active_start_s": self.active_start_s,
            "active_end_s": self.active_end_s,
            "counted_in_set": self.counted_in_set,
            "reps_in_gaps": self.reps_in_gaps,
            "alternating": self.alternating,
            "walking_s": round(self.walking_s, 3),
            "gaps": [g.model_dump(mode="json") for g in self.gaps],
            "tut_s": round(self.tut_s, 3),
            "rep_period_s": None if self.rep_period_s is None else round(self.rep_period_s, 3),
            "phase_confidence": self.phase_confidence,
            "phase_note": self.phase_note,
            "quality": self.quality.model_dump(mode="json"),
        }
        if self.tempo_adherence is not None:
            out["tempo_adherence"] = self.tempo_adherence.model_dump(mode="json")
        return out


@dataclass(frozen=True)
class MotionTrace:
    """The processed signals behind an analysis, for plots.

    Attributes
    ----------
    t_s : ndarray, shape (n,)
        Uniform time grid, seconds from the first sample.
    acc_ms2 : ndarray, shape (n, 3)
        Resampled acceleration including gravity.
    movement : ndarray, shape (n,)
        The counting signal (movement-axis component, integrated once), arbitrary units.
    position : ndarray, shape (n,)
        Vertical position estimate in metres (up positive), band-limited.
    peaks_s : ndarray
        Times of the counted repetition extremes.
    gaps : list of (start_s, end_s)
        Stretches with no samples (drawn as such; the grid interpolates across them).
    walking : list of (start_s, end_s)
        Stretches of walking, left out of the analysis.
    phases : ndarray of int, shape (n,)
        Phase of each sample inside a repetition: 0 outside, 1 eccentric, 2 bottom pause,
        3 concentric, 4 top pause (see :data:`PHASE_NAMES`).
    """

    t_s: FloatArray
    acc_ms2: FloatArray
    movement: FloatArray
    position: FloatArray
    peaks_s: FloatArray
    phases: npt.NDArray[np.int64]
    gaps: list[tuple[float, float]] = field(default_factory=list)
    walking: list[tuple[float, float]] = field(default_factory=list)


PHASE_NAMES: dict[int, str] = {
    1: "eccentric",
    2: "bottom pause",
    3: "concentric",
    4: "top pause",
}
