"""How well the motion count agrees with the repetitions a lifter confirmed.

The lifter confirms (or corrects) the repetitions of every set in the reflection. Beside a set's
motion recording that confirmed number is the truth the count is measured against: the share of
sets counted exactly, the share within one repetition, and the mean error, in total and per
exercise. The benchmarks score the labelled recordings the same way.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["CountCheck", "CountScore", "score_by_exercise", "score_counts"]


@dataclass(frozen=True, slots=True)
class CountCheck:
    """One set: the repetitions the motion analysis counted and the ones the lifter confirmed."""

    exercise_id: str
    counted: int
    confirmed: int

    @property
    def error(self) -> int:
        """Counted minus confirmed: positive when the count saw repetitions that were not there."""
        return self.counted - self.confirmed


@dataclass(frozen=True, slots=True)
class CountScore:
    """The agreement of counts with confirmed repetitions over ``n`` sets (``n`` > 0)."""

    n: int
    exact: float
    within_one: float
    mean_abs_error: float
    mean_error: float

    def as_dict(self) -> dict[str, float | int]:
        return {
            "n": self.n,
            "exact": self.exact,
            "within_one": self.within_one,
            "mean_abs_error": self.mean_abs_error,
            "mean_error": self.mean_error,
        }


def score_counts(pairs: Iterable[tuple[int, int]]) -> CountScore | None:
    """Score ``(counted, confirmed)`` pairs; None when there are none.

    Examples
    --------
    >>> s = score_counts([(10, 10), (9, 10), (12, 10), (8, 8)])
    >>> (s.n, s.exact, s.within_one, s.mean_abs_error, s.mean_error)
    (4, 0.5, 0.75, 0.75, 0.25)
    """
    errors = [counted - confirmed for counted, confirmed in pairs]
    if not errors:
        return None
    n = len(errors)
    return CountScore(
        n=n,
        exact=sum(1 for e in errors if e == 0) / n,
        within_one=sum(1 for e in errors if abs(e) <= 1) / n,
        mean_abs_error=sum(abs(e) for e in errors) / n,
        mean_error=sum(errors) / n,
    )


def score_by_exercise(checks: Sequence[CountCheck]) -> dict[str, CountScore]:
    """The score per exercise, for the exercises that have at least one set, by exercise id."""
    groups: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for c in checks:
        groups[c.exercise_id].append((c.counted, c.confirmed))
    scores: dict[str, CountScore] = {}
    for exercise_id in sorted(groups):
        score = score_counts(groups[exercise_id])
        if score is not None:
            scores[exercise_id] = score
    return scores
