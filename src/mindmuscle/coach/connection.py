"""The connection map: one per-muscle score, used everywhere (plan, drill, progress pages).

Definition
----------
For a muscle ``m``, take every logged set that has a target rating (0-10) and whose exercise
lists ``m`` among its **targets** (synergists and compensators do not count). Then:

- ``score``: the exponentially weighted mean of those ratings, weight
  ``0.5 ** (age_days / 21)`` (a rating three weeks old counts half);
- ``count``: the number of rated sets;
- ``trend``: the slope of a weighted least-squares line through (time in weeks, rating) with the
  same weights, in rating points per week (positive is improving); 0 until the ratings span at
  least one day;
- ``last_rated``: the time of the latest rated set;
- ``compensation_count``: sets in which ``m`` was felt at 5 or more while it was **not** a target
  of the exercise (it took over). This is a separate signal and never enters the score.

Muscles without a rated set are absent from the map (unknown, not zero).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import numpy as np
import numpy.typing as npt

from mindmuscle.catalog.models import Mechanic
from mindmuscle.coach.catalog_view import CatalogView
from mindmuscle.coach.models import ConnectionScore, LoggedSet
from mindmuscle.errors import InvalidInputError

__all__ = [
    "COMPENSATION_MIN_RATING",
    "CONNECTION_HALF_LIFE_DAYS",
    "age_days",
    "connection_map",
    "score_arrays",
    "score_points",
]

CONNECTION_HALF_LIFE_DAYS = 21.0
COMPENSATION_MIN_RATING = 5


@dataclass
class _Acc:
    points: list[tuple[float, float, float]] = field(default_factory=list)  # (weeks, rating, w)
    last: datetime | None = None
    compensation: int = 0


def age_days(then: datetime, now: datetime) -> float:
    if (then.tzinfo is None) != (now.tzinfo is None):
        raise InvalidInputError(
            f"Set time {then.isoformat()} and now {now.isoformat()} must both have a time zone "
            "or both have none."
        )
    return max(0.0, (now - then).total_seconds() / 86400.0)


def connection_map(
    sets: Sequence[LoggedSet],
    *,
    catalog: CatalogView,
    now: datetime,
    mechanic: Mechanic | None = None,
    unknown: Literal["raise", "skip"] = "raise",
) -> dict[str, ConnectionScore]:
    """The per-muscle connection score from rated sets (see the module docstring).

    Parameters
    ----------
    sets : sequence of LoggedSet
        Logged sets; those without a ``target_rating`` only feed ``compensation_count``.
    catalog : CatalogView
        To look up each set's exercise (its targets).
    now : datetime
        The moment of the map (recency weights); same time-zone awareness as the sets.
    mechanic : Mechanic or None
        Only sets of exercises with this mechanic (the plan uses the isolation-only map to decide
        when compound connection work unlocks).
    unknown : {"raise", "skip"}
        What to do with a set whose exercise the catalogue lacks: raise
        :class:`~mindmuscle.errors.UnknownIdError` (default), or leave the set out (the plan
        does, and says how many it left out).

    Returns
    -------
    dict of str to ConnectionScore
        Muscle id -> score, for muscles with at least one rated set.

    Raises
    ------
    UnknownIdError
        When a set names an exercise the catalogue does not have (and ``unknown="raise"``).

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> s = LoggedSet(exercise_id="leg_extension", performed_at=datetime(2026, 1, 1),
    ...               load_kg=40, reps=10, target_rating=6)
    >>> connection_map([s], catalog=load_catalog(), now=datetime(2026, 1, 1))["quadriceps"].score
    6.0
    """
    acc: dict[str, _Acc] = {}
    for s in sets:
        if unknown == "skip" and s.exercise_id not in catalog.exercises:
            continue
        exercise = catalog.exercise(s.exercise_id)
        if mechanic is not None and exercise.mechanic != mechanic:
            continue
        if exercise.unassigned:  # no target yet: neither a connection nor a compensation
            continue
        age = age_days(s.performed_at, now)
        for muscle_id, felt in s.felt_elsewhere.items():
            if felt >= COMPENSATION_MIN_RATING and muscle_id not in exercise.targets:
                acc.setdefault(muscle_id, _Acc()).compensation += 1
        if s.target_rating is None:
            continue
        w = 0.5 ** (age / CONNECTION_HALF_LIFE_DAYS)
        for muscle_id in exercise.targets:
            a = acc.setdefault(muscle_id, _Acc())
            a.points.append((-age / 7.0, float(s.target_rating), w))
            if a.last is None or s.performed_at > a.last:
                a.last = s.performed_at
    out: dict[str, ConnectionScore] = {}
    for muscle_id in sorted(acc):
        a = acc[muscle_id]
        if not a.points:
            continue
        assert a.last is not None
        span_weeks = max(t for t, _, _ in a.points) - min(t for t, _, _ in a.points)
        out[muscle_id] = score_points(
            muscle_id,
            a.points,
            count=len(a.points),
            span_weeks=span_weeks,
            last_rated=a.last,
            compensation_count=a.compensation,
        )
    return out


def score_points(
    muscle_id: str,
    points: Sequence[tuple[float, float, float]],
    *,
    count: int,
    span_weeks: float,
    last_rated: datetime,
    compensation_count: int,
) -> ConnectionScore:
    """One muscle's score from its rating points ``(weeks, rating, weight)``, oldest first.

    ``count``, ``span_weeks`` and ``last_rated`` describe every rated set of the muscle; the
    points may leave out ratings too old to move the weighted sums (see
    :mod:`mindmuscle.coach.summary`).
    """
    # Each column contiguous: numpy sums a strided column in another order (other last bits).
    weeks, ratings, weights = np.ascontiguousarray(
        np.asarray(points, dtype=np.float64).reshape(-1, 3).T
    )
    return score_arrays(
        muscle_id,
        weeks,
        ratings,
        weights,
        count=count,
        span_weeks=span_weeks,
        last_rated=last_rated,
        compensation_count=compensation_count,
    )


def score_arrays(
    muscle_id: str,
    weeks: npt.NDArray[np.float64],
    ratings: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64],
    *,
    count: int,
    span_weeks: float,
    last_rated: datetime,
    compensation_count: int,
) -> ConnectionScore:
    """:func:`score_points` of the points given as three arrays (weeks, ratings, weights)."""
    wsum = float(weights.sum())
    if wsum <= 0:  # every rating is so old that its weight underflows: plain mean
        weights = np.ones_like(ratings)
        wsum = float(len(ratings))
    # The mean as a rating plus the weighted mean of the others' differences from it: the
    # same number, but exact when every rating is the same (7, not 6.999999999999999).
    base = float(ratings[0])
    score = base + float(np.dot(ratings - base, weights)) / wsum
    t_mean = float(np.dot(weeks, weights)) / wsum
    centred = weeks - t_mean
    sxx = float(np.dot(weights, centred * centred))
    trend = 0.0
    if span_weeks >= 1.0 / 7.0 and sxx > 0:
        trend = float(np.dot(weights * centred, ratings - score)) / sxx
    return ConnectionScore(
        muscle_id=muscle_id,
        score=min(10.0, max(0.0, score)),
        count=count,
        trend=trend,
        last_rated=last_rated,
        compensation_count=compensation_count,
    )
