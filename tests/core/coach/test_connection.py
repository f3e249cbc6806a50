"""The connection map (coach/connection.py): exponentially weighted ratings per muscle, targets
and compensation apart."""

from __future__ import annotations

import pytest

from mindmuscle.catalog import load_catalog
from mindmuscle.coach import (
    Profile,
    build_plan,
    connection_map,
    drill_plan,
)
from mindmuscle.errors import UnknownIdError
from tests.factories import (
    NOW,
    logged,
    make_catalog,
    rated_sessions,
)


def test_connection_score_is_an_exponentially_weighted_mean_with_trend() -> None:
    cat = make_catalog()
    sets = [
        logged(days_ago=7, target_rating=6),
        logged(days_ago=0, target_rating=8),
        logged(days_ago=0, target_rating=None),  # unrated: not counted
    ]
    m = connection_map(sets, catalog=cat, now=NOW)
    w = 0.5 ** (7 / 21)
    assert set(m) == {"biceps"}
    assert m["biceps"].score == pytest.approx((8 + 6 * w) / (1 + w))
    assert m["biceps"].count == 2
    assert m["biceps"].trend == pytest.approx(2.0)  # +2 points in one week
    assert m["biceps"].last_rated == NOW


def test_connection_map_counts_every_target_and_compensation_apart() -> None:
    cat = make_catalog()
    sets = [
        logged("barbell_back_squat", target_rating=6, felt_elsewhere={"erector_spinae": 7}),
        logged("leg_extension", target_rating=4, felt_elsewhere={"hip_flexors": 3}),
        logged("dumbbell_biceps_curl", target_rating=9, felt_elsewhere={"quadriceps": 8}),
    ]
    m = connection_map(sets, catalog=cat, now=NOW)
    assert m["glute_max"].score == 6 and m["glute_max"].count == 1
    assert m["quadriceps"].score == pytest.approx(5.0)  # felt-elsewhere does not enter the score
    assert m["quadriceps"].compensation_count == 1
    assert m["quadriceps"].trend == 0.0  # same day: no trend yet
    assert "erector_spinae" not in m  # compensation only, never rated as a target


def test_connection_map_rejects_unknown_exercises() -> None:
    with pytest.raises(UnknownIdError, match="Unknown exercise id 'nope'"):
        connection_map([logged("nope", target_rating=5)], catalog=make_catalog(), now=NOW)


CATALOG = load_catalog()


def test_a_growing_map_on_the_real_catalogue() -> None:
    history = rated_sessions("dumbbell_biceps_curl", [8, 8, 9]) + rated_sessions(
        "cable_triceps_pushdown", [7, 8, 8]
    )
    scores = connection_map(history, catalog=CATALOG, now=NOW)
    assert scores["biceps"].count == 9 and scores["triceps"].count == 9
    plan = build_plan(catalog=CATALOG, profile=Profile(), readiness=None, history=history, now=NOW)
    focus = [e.exercise_id for e in plan.exercises if e.role == "focus"]
    assert focus == ["pec_deck", "straight_arm_pulldown"]  # weakest (unrated) muscles first
    drill = drill_plan(catalog=CATALOG, scores=scores)
    assert drill.items[0].muscle_id == "pec_sternal"
    assert "biceps" not in [i.muscle_id for i in drill.items]


def test_ratings_that_are_all_the_same_score_exactly_that() -> None:
    # A weighted mean of equal ratings is that rating at any age, with no rounding residue
    # (the map showed 6.999999999999999 for one rating of 7 logged an hour earlier).
    cat = make_catalog()
    for hours in range(0, 24 * 60, 7):
        one = connection_map([logged(days_ago=hours / 24, target_rating=7)], catalog=cat, now=NOW)
        assert one["biceps"].score == 7.0, hours
        three = [logged(days_ago=hours / 24 + k, target_rating=3) for k in range(3)]
        assert connection_map(three, catalog=cat, now=NOW)["biceps"].score == 3.0, hours
