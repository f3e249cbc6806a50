"""Maximal voluntary contraction (MVC) calibration: the protocol, the best window, freshness.

A calibration is three maximal contractions of 5 s with rests between; per muscle the best
1-second window (the highest mean envelope, the usual clinical convention) is the 100 % that
live %MVC divides by. It holds only for the electrodes as they were: a calibration made before
this session, or before the electrodes were moved, is flagged and not used as %MVC.

The envelope is the live pipeline's (causal 20-450 Hz band-pass, rectification, 6 Hz
low-pass), so the live bars and the calibration measure the same thing.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from mindmuscle.errors import InvalidInputError, InvalidSignalError, OutOfRangeError, counted
from mindmuscle.signals.emg._checks import check_sfreq

__all__ = [
    "SESSION_HOURS",
    "BestWindow",
    "CalibrationStep",
    "best_mvc_window",
    "calibration_flags",
    "calibration_steps",
    "continuous_runs",
]

SESSION_HOURS = 4.0
"""A calibration older than this is from another session (electrodes are placed per session)."""

_REACTION_S = 0.5  # the first half second of a contraction is the lifter getting going


@dataclass(frozen=True)
class CalibrationStep:
    """One step of the guided protocol: rest or contract ``muscle`` for ``seconds``."""

    kind: Literal["rest", "contract"]
    muscle: str
    trial: int
    seconds: float


def calibration_steps(
    muscles: list[str], *, trials: int = 3, contraction_s: float = 5.0, rest_s: float = 30.0
) -> list[CalibrationStep]:
    """The guided protocol: per muscle, ``trials`` contractions, each after a rest.

    Examples
    --------
    >>> [(s.kind, s.trial, s.seconds) for s in calibration_steps(["biceps"], trials=2,
    ...                                                            rest_s=10)]
    [('rest', 1, 3.0), ('contract', 1, 5.0), ('rest', 2, 10.0), ('contract', 2, 5.0)]
    """
    if not muscles:
        raise InvalidInputError("name at least one muscle to calibrate (--muscle biceps).")
    if not 1 <= trials <= 10:
        raise OutOfRangeError("trials", trials, "give 1 to 10 contractions (3 usual)")
    if not 2.0 <= contraction_s <= 10.0:
        raise OutOfRangeError(
            "contraction_s",
            contraction_s,
            "give 2 to 10 s (5 usual); the best 1-second window needs room after the first half "
            "second",
        )
    if not 0.0 <= rest_s <= 300.0:
        raise OutOfRangeError("rest_s", rest_s, "give 0 to 300 s of rest")
    steps: list[CalibrationStep] = []
    for muscle in muscles:
        for trial in range(1, trials + 1):
            # Before the first contraction a short settle, so the filters and the lifter are ready.
            rest = 3.0 if trial == 1 else rest_s
            steps.append(CalibrationStep("rest", muscle, trial, float(rest)))
            steps.append(CalibrationStep("contract", muscle, trial, contraction_s))
    return steps


@dataclass(frozen=True)
class BestWindow:
    """The best window of a calibration: which trial, where (s from its start), its level."""

    trial: int
    start_s: float
    level: float


def best_mvc_window(
    envelope: npt.NDArray[np.floating[Any]],
    rate_hz: float,
    contractions: list[tuple[int, int]],
    *,
    window_s: float = 1.0,
    gaps: Sequence[tuple[int, int]] = (),
) -> BestWindow:
    """The highest 1-second mean of ``envelope`` within any of the contractions, in continuous
    signal only.

    Parameters
    ----------
    envelope : ndarray, shape (n_samples,)
        The muscle's envelope over the whole protocol, the samples as they came (a gap in the
        stream is not filled).
    rate_hz : float
        Sampling rate of ``envelope``.
    contractions : list of (start, stop)
        Sample ranges of the contractions, in protocol order (trial 1 first). The first half
        second of each is skipped (reaction time).
    gaps : sequence of (index, missing)
        The gaps in the stream: the first sample after each (an index into ``envelope``) and
        how many samples it lacks. No window spans a gap: samples either side of one were not
        measured one period apart. The half second after a gap is skipped too, as the
        envelope starts again there (:func:`continuous_runs`).

    Returns
    -------
    BestWindow
        The trial, the window's start in seconds from the contraction's start (the time a gap
        lacks counted), and the level.

    Raises
    ------
    InvalidSignalError
        No contraction holds ``window_s`` of continuous signal after its first half second;
        the message says how many gaps fell in the contractions and how long they were.

    Examples
    --------
    >>> import numpy as np
    >>> env = np.zeros(10_000)
    >>> env[2000:7000] = 1.0
    >>> env[4000:5000] = 2.0
    >>> b = best_mvc_window(env, 1000.0, [(2000, 7000)])
    >>> b.trial, b.start_s, b.level
    (1, 2.0, 2.0)

    A gap of 0.3 s before sample 4500 splits the strongest second in two: no window joins the
    halves, so the best is the second up to the gap (half at 1.0, half at 2.0). Where the
    signal after a gap is the strongest, the best window starts half a second after the gap,
    and its start counts the 0.3 s the gap lacks:

    >>> b = best_mvc_window(env, 1000.0, [(2000, 7000)], gaps=[(4500, 300)])
    >>> b.trial, b.start_s, b.level
    (1, 1.5, 1.5)
    >>> env[4000:5000], env[5000:6000] = 1.0, 1.8
    >>> b = best_mvc_window(env, 1000.0, [(2000, 7000)], gaps=[(4500, 300)])
    >>> b.trial, b.start_s, round(b.level, 3)
    (1, 3.3, 1.8)
    """
    rate = check_sfreq(rate_hz)
    env = np.asarray(envelope, dtype=np.float64).reshape(-1)
    width = round(window_s * rate)
    skip = round(_REACTION_S * rate)
    cumsum = np.concatenate([[0.0], np.cumsum(env)])
    best: BestWindow | None = None
    for trial, (start, stop) in enumerate(contractions, start=1):
        inside = [(g, n) for g, n in gaps if start < g < stop]
        edges = [start, *(g for g, _ in inside), stop]
        for p0, p1 in itertools.pairwise(edges):
            a, b = max(0, p0 + skip), min(env.size, p1)
            if b - a < width:
                continue
            means = (cumsum[a + width : b + 1] - cumsum[a : b - width + 1]) / width
            i = int(np.argmax(means))
            if best is None or means[i] > best.level:
                lacking = sum(n for g, n in inside if g <= a + i)
                best = BestWindow(trial, (a + i - start + lacking) / rate, float(means[i]))
    if best is None or not best.level > 0:
        lost = [n for g, n in gaps if any(s < g < e for s, e in contractions)]
        why = (
            f" (the stream had {counted(len(lost), 'gap')} during them, "
            f"{sum(lost) / rate:.2f} s of signal missing)"
            if lost
            else ""
        )
        raise InvalidSignalError(
            f"No contraction of the calibration holds a 1-second window of continuous signal"
            f"{why}: check that the stream runs steadily and the electrodes are on, then "
            "calibrate again."
        )
    return best


def continuous_runs(n_samples: int, gaps: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The (start, stop) sample ranges between ``gaps`` (first sample after each, missing).

    Examples
    --------
    >>> continuous_runs(10, [(4, 100), (7, 3)])
    [(0, 4), (4, 7), (7, 10)]
    >>> continuous_runs(10, [])
    [(0, 10)]
    """
    cuts = sorted({g for g, _ in gaps if 0 < g < n_samples})
    edges = [0, *cuts, n_samples]
    return list(itertools.pairwise(edges))


def calibration_flags(
    calibrated_at: datetime,
    placement: str,
    *,
    now: datetime,
    session_started_at: datetime | None = None,
    placement_now: str | None = None,
) -> list[str]:
    """Why a stored calibration should not be used as %MVC now (empty when it may be).

    Older than the session (``session_started_at``, else :data:`SESSION_HOURS` before
    ``now``), or made with the electrodes placed otherwise than ``placement_now`` says.

    Examples
    --------
    >>> from datetime import datetime, timedelta
    >>> now = datetime(2026, 12, 7, 18, 0)
    >>> calibration_flags(now - timedelta(hours=1), "mid belly", now=now)
    []
    >>> calibration_flags(now - timedelta(days=2), "mid belly", now=now,
    ...                   placement_now="lower belly")  # doctest: +NORMALIZE_WHITESPACE
    ['older than this session (made 2026-12-05 18:00)',
     "electrodes moved (placed 'mid belly' at calibration, 'lower belly' now)"]
    """
    flags: list[str] = []
    start = session_started_at or now - timedelta(hours=SESSION_HOURS)
    if calibrated_at < start:
        flags.append(f"older than this session (made {calibrated_at:%Y-%m-%d %H:%M})")
    if placement_now is not None and placement_now.strip().lower() != placement.strip().lower():
        flags.append(
            f"electrodes moved (placed {placement!r} at calibration, {placement_now!r} now)"
        )
    return flags
