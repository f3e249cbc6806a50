"""The coach's reading of a long history from its totals and its recent sets.

Ten years of training is about 100,000 sets; planning today must not read them all. What the
plan takes from the history splits in two:

- **counts and times**: how many rated sets a muscle has, when it was first and last rated,
  how often another muscle took over, how many sets an e1RM comes from and whether they mix
  formulas. The store counts these over every set (:class:`HistorySummary`), exactly.
- **weighted means** (the connection score and trend, the e1RM): every set counts, with a
  weight that halves every 21 days (ratings) or 14 days (e1RM). A set ``k`` half-lives older
  than the newest one weighs ``2**-k`` of it. Only the sets of a window reaching
  :data:`WINDOW_HALF_LIVES` half-lives back from the newest set are read; the sets left out
  are counted, and from their number and their largest possible weight the functions here
  bound what they could change. When the bound is above :data:`TOLERANCE` (a history so
  uneven that old sets still matter), they return None and the caller reads every set.

So the plan, the map and the e1RM equal those of the full computation
(:func:`~mindmuscle.coach.connection.connection_map`,
:func:`~mindmuscle.coach.e1rm.estimate_e1rm`): counts and times exactly, scores and e1RMs
within :data:`TOLERANCE` (relative; the scores within ``10 * TOLERANCE`` points), trends
within :data:`TREND_TOLERANCE`. In practice the sums come out bit for bit the same: a set 64
half-lives old is below the last bit of the sum it would join.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from mindmuscle.catalog.models import Exercise, Mechanic
from mindmuscle.coach.catalog_view import CatalogView
from mindmuscle.coach.connection import (
    COMPENSATION_MIN_RATING,
    CONNECTION_HALF_LIFE_DAYS,
    age_days,
    score_arrays,
)
from mindmuscle.coach.e1rm import (
    E1RM_HALF_LIFE_DAYS,
    FULL_WEIGHT_REPS,
    MAX_E1RM_REPS,
    Lift,
    estimate_e1rm,
)
from mindmuscle.coach.models import E1RM, ConnectionScore, LoggedSet

__all__ = [
    "TOLERANCE",
    "TREND_TOLERANCE",
    "WINDOW_HALF_LIVES",
    "HistorySummary",
    "LiftedExercise",
    "RatedExercise",
    "RatedSet",
    "connection_map_from_summary",
    "connection_maps_from_summary",
    "e1rm_from_summary",
    "e1rm_window",
    "rated_windows",
    "summarise",
]

WINDOW_HALF_LIVES = 64
"""How far back the recent sets reach, in half-lives before the newest set (a set that old
weighs ``2**-64``, about 5e-20, of the newest)."""
TOLERANCE = 1e-12
"""The largest change the sets left out may make to a score or an e1RM, relative."""
TREND_TOLERANCE = 1e-9
"""The largest change the sets left out may make to a trend: relative, and in rating points
per week (the plan does not read trends; the progress page shows them to 0.1)."""

# Brzycki gives at most 36/27 of the load (10 reps), Epley at most 2 (30 reps).
_MAX_E1RM_PER_KG = 1.0 + MAX_E1RM_REPS / 30.0


class RatedSet(NamedTuple):
    """What the connection map reads of a rated set."""

    exercise_id: str
    performed_at: datetime
    target_rating: int


@dataclass(frozen=True)
class RatedExercise:
    """One exercise's rated sets over the whole history."""

    count: int
    first: datetime
    last: datetime


@dataclass(frozen=True)
class LiftedExercise:
    """One exercise's sets that count for its e1RM (see :mod:`mindmuscle.coach.e1rm`): not
    warm-ups, with a load, 1-30 repetitions to failure."""

    count: int
    last: datetime
    brzycki: int
    """Sets of 10 or fewer repetitions to failure (Brzycki's; the others are Epley's)."""
    max_load_kg: float


@dataclass(frozen=True)
class HistorySummary:
    """Totals of a user's logged sets (deleted sets left out), by exercise id."""

    sets: Mapping[str, int]
    """Every set, per exercise."""
    rated: Mapping[str, RatedExercise]
    lifted: Mapping[str, LiftedExercise]
    felt: Mapping[str, Mapping[str, int]]
    """Exercise -> muscle -> sets in which that muscle was felt at 5 or more."""


def _lifted(s: Lift) -> bool:
    """Whether the set counts for its exercise's e1RM."""
    reps = s.reps + (s.reps_in_reserve or 0)
    return s.set_type != "warmup" and s.load_kg > 0 and s.reps >= 1 and reps <= MAX_E1RM_REPS


def summarise(sets: Sequence[LoggedSet]) -> HistorySummary:
    """The summary of logged sets, computed here (the store computes the same in SQL)."""
    counts: dict[str, int] = {}
    rated: dict[str, RatedExercise] = {}
    lifted: dict[str, LiftedExercise] = {}
    felt: dict[str, dict[str, int]] = {}
    for s in sets:
        ex = s.exercise_id
        counts[ex] = counts.get(ex, 0) + 1
        if s.target_rating is not None:
            r = rated.get(ex)
            rated[ex] = (
                RatedExercise(1, s.performed_at, s.performed_at)
                if r is None
                else RatedExercise(
                    r.count + 1, min(r.first, s.performed_at), max(r.last, s.performed_at)
                )
            )
        if _lifted(s):
            low = int(s.reps + (s.reps_in_reserve or 0) <= 10)
            lf = lifted.get(ex)
            lifted[ex] = (
                LiftedExercise(1, s.performed_at, low, s.load_kg)
                if lf is None
                else LiftedExercise(
                    lf.count + 1,
                    max(lf.last, s.performed_at),
                    lf.brzycki + low,
                    max(lf.max_load_kg, s.load_kg),
                )
            )
        for muscle, value in s.felt_elsewhere.items():
            if value >= COMPENSATION_MIN_RATING:
                by_muscle = felt.setdefault(ex, {})
                by_muscle[muscle] = by_muscle.get(muscle, 0) + 1
    return HistorySummary(sets=counts, rated=rated, lifted=lifted, felt=felt)


def _counted(exercise_id: str, catalog: CatalogView, mechanic: Mechanic | None) -> Exercise | None:
    """The exercise if the connection map counts its sets (known, assigned, of ``mechanic``)."""
    exercise = catalog.exercises.get(exercise_id)
    if exercise is None or exercise.unassigned:
        return None
    if mechanic is not None and exercise.mechanic != mechanic:
        return None
    return exercise


def _muscle_last(summary: HistorySummary, catalog: CatalogView) -> dict[str, datetime]:
    last: dict[str, datetime] = {}
    for ex_id, r in summary.rated.items():
        exercise = _counted(ex_id, catalog, None)
        if exercise is None:
            continue
        for m in exercise.targets:
            if m not in last or r.last > last[m]:
                last[m] = r.last
    return last


def rated_windows(summary: HistorySummary, catalog: CatalogView) -> dict[str, datetime]:
    """Per exercise with rated sets, the time from which its rated sets are read: the window
    of :data:`WINDOW_HALF_LIVES` half-lives before the newest rating of any of its targets."""
    depth = timedelta(days=WINDOW_HALF_LIVES * CONNECTION_HALF_LIFE_DAYS)
    last = _muscle_last(summary, catalog)
    out: dict[str, datetime] = {}
    for ex_id in summary.rated:
        exercise = _counted(ex_id, catalog, None)
        if exercise is None or not exercise.targets:
            continue
        out[ex_id] = min(last[m] for m in exercise.targets) - depth
    return out


def connection_map_from_summary(
    summary: HistorySummary,
    recent: Sequence[RatedSet],
    *,
    since: Mapping[str, datetime | None],
    catalog: CatalogView,
    now: datetime,
    mechanic: Mechanic | None = None,
) -> dict[str, ConnectionScore] | None:
    """The connection map (as ``connection_map(..., unknown="skip")``) from the summary and
    the rated sets of each exercise since ``since[exercise]`` (None: all of them).

    Parameters
    ----------
    recent : sequence of RatedSet
        Rated sets, oldest first (sets of the same time in the order they were stored): for
        each exercise of ``since``, every rated set from ``since[exercise]`` on.

    Returns
    -------
    dict of str to ConnectionScore, or None
        None when the sets left out could move a score or trend by more than the tolerance:
        call again with every rated set (``since`` None for each exercise).
    """
    return connection_maps_from_summary(
        summary, recent, since=since, catalog=catalog, now=now, mechanics=(mechanic,)
    )[0]


def connection_maps_from_summary(
    summary: HistorySummary,
    recent: Sequence[RatedSet],
    *,
    since: Mapping[str, datetime | None],
    catalog: CatalogView,
    now: datetime,
    mechanics: Sequence[Mechanic | None],
) -> list[dict[str, ConnectionScore] | None]:
    """:func:`connection_map_from_summary` for each of ``mechanics``, the recent sets' ages
    and weights computed once for all of them."""
    ages: dict[str, list[float]] = {}
    ratings: dict[str, list[float]] = {}
    for exercise_id, performed_at, rating in recent:
        if exercise_id not in ages:
            ages[exercise_id], ratings[exercise_id] = [], []
        ages[exercise_id].append(age_days(performed_at, now))
        ratings[exercise_id].append(float(rating))
    points: dict[str, tuple[npt.NDArray[np.float64], ...]] = {}
    for exercise_id, a in ages.items():
        # Weighed as connection_map weighs (Python's power, not numpy's: the same last bit).
        weight = np.asarray([0.5 ** (x / CONNECTION_HALF_LIFE_DAYS) for x in a])
        weeks = np.asarray([-x / 7.0 for x in a])
        points[exercise_id] = (weeks, np.asarray(ratings[exercise_id]), weight)
    return [
        _map_from_points(summary, points, since=since, catalog=catalog, now=now, mechanic=m)
        for m in mechanics
    ]


def _map_from_points(
    summary: HistorySummary,
    points: Mapping[str, tuple[npt.NDArray[np.float64], ...]],
    *,
    since: Mapping[str, datetime | None],
    catalog: CatalogView,
    now: datetime,
    mechanic: Mechanic | None,
) -> dict[str, ConnectionScore] | None:
    by_muscle: dict[str, list[str]] = {}
    for exercise_id in points:
        exercise = _counted(exercise_id, catalog, mechanic)
        if exercise is None:
            continue
        for m in exercise.targets:
            by_muscle.setdefault(m, []).append(exercise_id)
    count: dict[str, int] = {}
    first: dict[str, datetime] = {}
    last: dict[str, datetime] = {}
    left_out_weight: dict[str, float] = {}
    for ex_id, r in summary.rated.items():
        exercise = _counted(ex_id, catalog, mechanic)
        if exercise is None:
            continue
        kept = len(points[ex_id][0]) if ex_id in points else 0
        left_out = r.count - kept
        start = since.get(ex_id)
        if left_out < 0 or (left_out and start is None):
            return None  # the recent sets do not match the summary
        # Every set left out is older than the window: it weighs at most a set at its start.
        cut = 0.0 if start is None else 0.5 ** (age_days(start, now) / CONNECTION_HALF_LIFE_DAYS)
        for m in exercise.targets:
            count[m] = count.get(m, 0) + r.count
            first[m] = min(first.get(m, r.first), r.first)
            last[m] = max(last.get(m, r.last), r.last)
            left_out_weight[m] = left_out_weight.get(m, 0.0) + left_out * cut
    compensation: dict[str, int] = {}
    for ex_id, felt in summary.felt.items():
        exercise = _counted(ex_id, catalog, mechanic)
        if exercise is None:
            continue
        for m, n in felt.items():
            if m not in exercise.targets:
                compensation[m] = compensation.get(m, 0) + n
    out: dict[str, ConnectionScore] = {}
    for m in sorted(count):
        exercises = by_muscle.get(m)
        if not exercises:
            return None  # the recent sets do not match the summary
        weeks, ratings, weights = (
            np.concatenate([points[e][k] for e in exercises]) for k in range(3)
        )
        t_first = -age_days(first[m], now) / 7.0
        t_last = -age_days(last[m], now) / 7.0
        score = score_arrays(
            m,
            weeks,
            ratings,
            weights,
            count=count[m],
            span_weeks=t_last - t_first,
            last_rated=last[m],
            compensation_count=compensation.get(m, 0),
        )
        if left_out_weight[m] and not _close_enough(
            weeks, weights, left_out_weight[m], t_last - t_first
        ):
            return None
        out[m] = score
    return out


def _close_enough(
    weeks: npt.NDArray[np.float64],
    weights: npt.NDArray[np.float64],
    left_out_weight: float,
    span: float,
) -> bool:
    """Whether ratings weighing ``left_out_weight`` in all, anywhere within ``span`` weeks and
    0-10, change the weighted mean and trend of the points by at most the tolerance."""
    wsum = float(weights.sum())
    if not (wsum > 0 and math.isfinite(left_out_weight)):
        return False
    share = left_out_weight / wsum
    if share > TOLERANCE:
        return False
    t_mean = float(np.dot(weeks, weights)) / wsum
    centred = weeks - t_mean
    sxx = float(np.dot(weights, centred * centred))
    if span < 1.0 / 7.0:
        return True  # no trend: the score alone
    if sxx <= 0:
        return False
    # The left-out ratings add at most weight * span^2 to sxx and weight * span * 10 to sxy.
    return left_out_weight * span * span <= TREND_TOLERANCE * sxx and (
        left_out_weight * span * 10.0 <= TREND_TOLERANCE * sxx
    )


def e1rm_window(summary: HistorySummary, exercise_id: str) -> datetime | None:
    """The time from which an exercise's sets are read for its e1RM (None: it has none)."""
    lifted = summary.lifted.get(exercise_id)
    if lifted is None:
        return None
    return lifted.last - timedelta(days=WINDOW_HALF_LIVES * E1RM_HALF_LIFE_DAYS)


def e1rm_from_summary(
    summary: HistorySummary,
    recent: Sequence[Lift],
    exercise_id: str,
    *,
    since: datetime | None,
    now: datetime,
) -> E1RM | bool | None:
    """The e1RM (as :func:`~mindmuscle.coach.e1rm.estimate_e1rm`) from the summary and the
    exercise's sets since ``since`` (None: all of them), oldest first.

    Returns None when no set qualifies, and False when the sets left out could move the
    estimate by more than the tolerance (call again with every set, ``since`` None).
    """
    lifted = summary.lifted.get(exercise_id)
    if lifted is None:
        return None
    est = estimate_e1rm(recent, exercise_id, now=now)
    if est is None:
        return False
    left_out = lifted.count - est.n_sets
    if left_out < 0:
        return False
    if left_out:
        assert since is not None
        cut = 0.5 ** (age_days(since, now) / E1RM_HALF_LIFE_DAYS)
        kept = sum(
            0.5 ** (age_days(s.performed_at, now) / E1RM_HALF_LIFE_DAYS)
            * min(1.0, FULL_WEIGHT_REPS / (s.reps + (s.reps_in_reserve or 0)))
            for s in recent
            if s.exercise_id == exercise_id and _lifted(s)
        )
        # Each left-out set moves the mean by at most its weight times the widest gap.
        gap = _MAX_E1RM_PER_KG * lifted.max_load_kg + est.e1rm_kg
        if not kept > 0 or left_out * cut * gap > TOLERANCE * est.e1rm_kg * kept:
            return False
    mixed = 0 < lifted.brzycki < lifted.count
    formula = "brzycki+epley" if mixed else ("brzycki" if lifted.brzycki else "epley")
    return est.model_copy(
        update={"formula": formula, "n_sets": lifted.count, "last_set_at": lifted.last}
    )
