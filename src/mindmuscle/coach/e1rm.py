"""Estimated one-repetition maximum (e1RM) from logged sets.

Formulas (``w`` the load, ``r`` the repetitions to failure):

- Brzycki: ``w * 36 / (37 - r)``, used for sets of 1-10 repetitions;
- Epley: ``w * (1 + r / 30)``, used for sets of 11 or more.

The two agree exactly at 10 repetitions (both give ``w * 4 / 3``), so the switch is continuous.
When the lifter logged their reps in reserve (RIR), ``r = reps + RIR``: the set is read as the
repetitions it would have taken to reach failure.

Each set's estimate is averaged with weights:

- recency: ``0.5 ** (age_days / half_life_days)`` (half-life 14 days by default);
- repetitions: 1 for ``r <= 12``, ``12 / r`` above (the formulas drift for long sets), and sets
  of more than 30 repetitions are ignored;
- warm-up sets and sets with no load or no repetitions are ignored;
- a set whose estimate is under :data:`LIGHT_SET_SHARE` of the best estimate of the newest
  ``2 * half_life_days`` of sets is ignored: a set without its reps in reserve is read as taken
  to failure, and a set that light was not (a technique, back-off or warm-up set logged as a
  working one). Averaged in, an 11 x 5 lb set pulled the e1RM of a lifter who had just curled
  20 lb for 10 to 16.75 lb, below a weight lifted ten times.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from mindmuscle.coach.models import E1RM
from mindmuscle.errors import InvalidInputError

__all__ = [
    "E1RM_HALF_LIFE_DAYS",
    "FULL_WEIGHT_REPS",
    "LIGHT_SET_SHARE",
    "MAX_E1RM_REPS",
    "Lift",
    "brzycki",
    "epley",
    "estimate_e1rm",
    "set_e1rm",
]

E1RM_HALF_LIFE_DAYS = 14.0
MAX_E1RM_REPS = 30
FULL_WEIGHT_REPS = 12
#: A set whose estimate is under this share of the newest sets' best was not taken to failure.
LIGHT_SET_SHARE = 0.8


def brzycki(load_kg: float, reps: int) -> float:
    """Brzycki's e1RM: ``load_kg * 36 / (37 - reps)``.

    Parameters
    ----------
    load_kg : float
        Load lifted.
    reps : int
        Repetitions to failure, 1-36.

    Returns
    -------
    float
        The estimated one-repetition maximum in kg.

    Examples
    --------
    >>> brzycki(100.0, 5)
    112.5
    """
    if not 1 <= reps <= 36:
        raise InvalidInputError(f"Brzycki needs 1-36 repetitions, got {reps}.")
    return load_kg * 36.0 / (37.0 - reps)


def epley(load_kg: float, reps: int) -> float:
    """Epley's e1RM: ``load_kg * (1 + reps / 30)``.

    Examples
    --------
    >>> epley(100.0, 15)
    150.0
    """
    if reps < 1:
        raise InvalidInputError(f"Epley needs at least 1 repetition, got {reps}.")
    return load_kg * (1.0 + reps / 30.0)


def set_e1rm(load_kg: float, reps: int) -> tuple[float, str]:
    """The e1RM of one set to failure and the formula used (Brzycki <= 10 reps, Epley above).

    Examples
    --------
    >>> set_e1rm(100.0, 5)
    (112.5, 'brzycki')
    >>> set_e1rm(60.0, 12)
    (84.0, 'epley')
    """
    if reps <= 10:
        return brzycki(load_kg, reps), "brzycki"
    return epley(load_kg, reps), "epley"


def _age_days(then: datetime, now: datetime) -> float:
    if (then.tzinfo is None) != (now.tzinfo is None):
        raise InvalidInputError(
            f"Set time {then.isoformat()} and now {now.isoformat()} must both have a time zone "
            "or both have none."
        )
    # A set logged a little after `now` (clock skew between devices) counts as fresh.
    return max(0.0, (now - then).total_seconds() / 86400.0)


class Lift(Protocol):
    """What an e1RM reads of a set: a :class:`LoggedSet`, or a stored row with these fields."""

    @property
    def exercise_id(self) -> str: ...
    @property
    def performed_at(self) -> datetime: ...
    @property
    def load_kg(self) -> float: ...
    @property
    def reps(self) -> int: ...
    @property
    def set_type(self) -> str: ...
    @property
    def reps_in_reserve(self) -> int | None: ...


def estimate_e1rm(
    sets: Sequence[Lift],
    exercise_id: str,
    *,
    now: datetime,
    half_life_days: float = E1RM_HALF_LIFE_DAYS,
) -> E1RM | None:
    """Estimate the one-repetition maximum of one exercise from its logged sets.

    Parameters
    ----------
    sets : sequence of Lift
        Logged sets of any exercises (:class:`LoggedSet`, or rows with the same fields); only
        ``exercise_id`` is used.
    exercise_id : str
        The exercise to estimate.
    now : datetime
        The moment of the estimate (recency weighting); same time-zone awareness as the sets.
    half_life_days : float
        The age at which a set counts half, in days (default 14).

    Returns
    -------
    E1RM or None
        The weighted estimate, the formula(s) used and the number of sets; None when no set
        qualifies (then the plan uses the starting-load procedure).

    Raises
    ------
    InvalidInputError
        When ``half_life_days`` is not positive, or set times and ``now`` mix time zones.

    Examples
    --------
    >>> from datetime import datetime
    >>> from mindmuscle.coach.models import LoggedSet
    >>> s = LoggedSet(exercise_id="squat", performed_at=datetime(2026, 1, 1), load_kg=100, reps=5)
    >>> estimate_e1rm([s], "squat", now=datetime(2026, 1, 1)).e1rm_kg
    112.5
    """
    if not (math.isfinite(half_life_days) and half_life_days > 0):
        raise InvalidInputError(
            f"half_life_days must be a positive number of days, got {half_life_days}."
        )
    estimates: list[tuple[Lift, int, float, str]] = []
    for s in sets:
        if s.exercise_id != exercise_id or s.set_type == "warmup":
            continue
        if s.load_kg <= 0 or s.reps < 1:
            continue
        reps = s.reps + (s.reps_in_reserve or 0)
        if reps > MAX_E1RM_REPS:
            continue
        value, formula = set_e1rm(s.load_kg, reps)
        estimates.append((s, reps, value, formula))
    if not estimates:
        return None
    newest = max(s.performed_at for s, *_ in estimates)
    best = max(
        value
        for s, _, value, _ in estimates
        if _age_days(s.performed_at, newest) <= 2 * half_life_days
    )
    total_w = 0.0
    total = 0.0
    for s, reps, value, _ in estimates:
        if value < LIGHT_SET_SHARE * best:
            continue
        w = 0.5 ** (_age_days(s.performed_at, now) / half_life_days)
        if reps > FULL_WEIGHT_REPS:
            w *= FULL_WEIGHT_REPS / reps
        total += w * value
        total_w += w
    if total_w <= 0:
        return None
    formulas = {formula for *_, formula in estimates}
    name = "brzycki+epley" if len(formulas) == 2 else formulas.pop()
    return E1RM(
        exercise_id=exercise_id,
        e1rm_kg=total / total_w,
        formula=name,
        n_sets=len(estimates),
        half_life_days=half_life_days,
        last_set_at=newest,
    )
