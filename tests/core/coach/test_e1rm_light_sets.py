"""A set far lighter than the lifter's best recent set was not taken to failure: it does not pull
the e1RM under a weight the lifter lifted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from mindmuscle.coach.e1rm import LIGHT_SET_SHARE, estimate_e1rm, set_e1rm
from mindmuscle.coach.models import LoggedSet

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)
LB = 0.45359237


def _set(load_kg: float, reps: int, days_ago: float = 0.0, rir: int | None = None) -> LoggedSet:
    return LoggedSet(
        exercise_id="dumbbell_biceps_curl",
        performed_at=NOW - timedelta(days=days_ago),
        load_kg=load_kg,
        reps=reps,
        reps_in_reserve=rir,
    )


def test_a_light_set_does_not_pull_the_estimate_under_a_weight_lifted_ten_times() -> None:
    # 20 lb for 10, then a guided 11 x 5 lb set: averaged, the e1RM was 16.75 lb.
    sets = [_set(20 * LB, 10, days_ago=0.01), _set(5 * LB, 11)]
    got = estimate_e1rm(sets, "dumbbell_biceps_curl", now=NOW)
    assert got is not None
    assert got.e1rm_kg / LB == pytest.approx(20 * 4 / 3, abs=1e-9)  # Brzycki at 10: w * 4 / 3
    # Both sets were read (the terminal's "2 sets"), the light one with no weight.
    assert (got.n_sets, got.formula) == (2, "brzycki+epley")


def test_sets_within_the_share_of_the_best_are_averaged_as_before() -> None:
    heavy, near = _set(100.0, 5), _set(90.0, 5, days_ago=0.0)
    assert set_e1rm(90.0, 5)[0] >= LIGHT_SET_SHARE * set_e1rm(100.0, 5)[0]
    got = estimate_e1rm([heavy, near], "dumbbell_biceps_curl", now=NOW)
    assert got is not None
    assert got.e1rm_kg == pytest.approx((112.5 + 101.25) / 2, abs=1e-9)


def test_the_best_is_the_newest_sets_best_so_a_lifter_coming_back_is_not_judged_by_old_bests() -> (
    None
):
    # A year ago 100 kg for 5; now, after a break, 60 kg for 5: the old best does not make the
    # new sets "light", and the old set itself weighs 2**-26 (half-life 14 days).
    old, now = _set(100.0, 5, days_ago=364.0), _set(60.0, 5)
    got = estimate_e1rm([old, now], "dumbbell_biceps_curl", now=NOW)
    assert got is not None
    assert got.e1rm_kg == pytest.approx(67.5, rel=1e-6)


def test_reps_in_reserve_still_count_towards_failure() -> None:
    # 5 lb for 11 with 10 in reserve reads as 21 to failure: Epley 5 * 1.7 = 8.5 lb, still far
    # under the 26.7 lb of the 20 lb set, so it weighs nothing either; 17 lb for 10 with 2 in
    # reserve reads as 12 to failure (Epley 23.8 lb) and is averaged in.
    sets = [_set(20 * LB, 10), _set(5 * LB, 11, rir=10)]
    got = estimate_e1rm(sets, "dumbbell_biceps_curl", now=NOW)
    assert got is not None
    assert got.e1rm_kg / LB == pytest.approx(80 / 3, abs=1e-9)
    sets.append(_set(17 * LB, 10, rir=2))
    got = estimate_e1rm(sets, "dumbbell_biceps_curl", now=NOW)
    assert got is not None
    assert got.e1rm_kg / LB == pytest.approx((80 / 3 + 17 * 1.4) / 2, abs=1e-9)
