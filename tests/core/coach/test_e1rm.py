"""Estimated one-repetition maximum (coach/e1rm.py): the formulas with exact values and the
weighted estimate over a history."""

from __future__ import annotations

from datetime import datetime

import pytest

from mindmuscle.coach import (
    brzycki,
    epley,
    estimate_e1rm,
    set_e1rm,
)
from mindmuscle.errors import InvalidInputError
from tests.factories import (
    NOW,
    logged,
)


def test_formulas_exact_values() -> None:
    assert brzycki(100, 5) == 112.5
    assert brzycki(100, 1) == 100.0
    assert epley(100, 15) == 150.0
    # the two agree at 10 reps, where the choice switches
    assert brzycki(90, 10) == pytest.approx(epley(90, 10)) == pytest.approx(120.0)
    assert set_e1rm(100, 10) == (pytest.approx(400 / 3), "brzycki")
    assert set_e1rm(60, 12) == (84.0, "epley")


def test_e1rm_single_set_by_brzycki() -> None:
    est = estimate_e1rm([logged("squat", load_kg=100, reps=5)], "squat", now=NOW)
    assert est is not None
    assert est.e1rm_kg == 112.5
    assert est.formula == "brzycki"
    assert est.n_sets == 1


def test_e1rm_ignores_warmups_other_exercises_and_empty_sets() -> None:
    sets = [
        logged("squat", load_kg=100, reps=5),
        logged("squat", load_kg=60, reps=10, set_type="warmup"),
        logged("bench", load_kg=80, reps=5),
        logged("squat", load_kg=0, reps=10),
        logged("squat", load_kg=100, reps=0),
        logged("squat", load_kg=30, reps=40),  # beyond 30 reps: ignored
    ]
    est = estimate_e1rm(sets, "squat", now=NOW)
    assert est is not None and est.e1rm_kg == 112.5 and est.n_sets == 1


def test_e1rm_weights_recent_sets_more() -> None:
    # 112.5 today (weight 1) and 90 two weeks ago (weight 0.5 at the 14-day half-life)
    sets = [logged("squat", load_kg=100, reps=5), logged("squat", days_ago=14, load_kg=80, reps=5)]
    est = estimate_e1rm(sets, "squat", now=NOW)
    assert est is not None
    assert est.e1rm_kg == pytest.approx((112.5 + 0.5 * 90) / 1.5)  # 105
    assert est.last_set_at == NOW


def test_e1rm_down_weights_long_sets_and_names_both_formulas() -> None:
    # 60 x 15 by Epley is 90 kg, weight 12/15; 100 x 5 by Brzycki is 112.5, weight 1
    sets = [logged("squat", load_kg=60, reps=15), logged("squat", load_kg=100, reps=5)]
    est = estimate_e1rm(sets, "squat", now=NOW)
    assert est is not None
    assert est.e1rm_kg == pytest.approx((112.5 + 0.8 * 90) / 1.8)  # 102.5
    assert est.formula == "brzycki+epley"


def test_e1rm_counts_reps_in_reserve() -> None:
    est = estimate_e1rm([logged("squat", load_kg=100, reps=5, reps_in_reserve=2)], "squat", now=NOW)
    assert est is not None and est.e1rm_kg == pytest.approx(120.0)  # 100 * 36 / (37 - 7)


def test_e1rm_without_history_is_none() -> None:
    assert estimate_e1rm([], "squat", now=NOW) is None


def test_e1rm_rejects_mixed_time_zones() -> None:
    s = logged("squat", load_kg=100, reps=5)
    with pytest.raises(InvalidInputError, match="time zone"):
        estimate_e1rm([s], "squat", now=datetime(2026, 11, 21))
