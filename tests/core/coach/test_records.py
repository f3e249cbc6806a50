"""An exercise's records (coach/records.py): best e1RM and best set with exact values, warm-ups
and long sets left out of the records, and the newest sets first."""

from __future__ import annotations

import pytest

from mindmuscle.coach.records import exercise_records, records_by_exercise
from tests.factories import NOW, logged


def test_best_e1rm_and_best_set_are_different_sets_when_a_lighter_set_had_more_reps() -> None:
    sets = [
        logged("barbell_bench_press", days_ago=9, load_kg=100, reps=3),  # brzycki: 105.88
        logged("barbell_bench_press", days_ago=5, load_kg=90, reps=8),  # brzycki: 111.72
        logged("barbell_bench_press", days_ago=1, load_kg=60, reps=12, set_type="warmup"),
        logged("dumbbell_biceps_curl", days_ago=1, load_kg=200, reps=1),  # another exercise
    ]
    r = exercise_records(sets, "barbell_bench_press")
    assert r.n_sets == 3
    assert r.best_e1rm_kg == pytest.approx(90 * 36 / 29, abs=0.005)
    assert r.best_e1rm_set is not None
    assert (r.best_e1rm_set.load_kg, r.best_e1rm_set.reps) == (90, 8)
    assert r.best_set is not None and (r.best_set.load_kg, r.best_set.reps) == (100, 3)
    assert [s.performed_at for s in r.recent] == [
        sets[2].performed_at,
        sets[1].performed_at,
        sets[0].performed_at,
    ]


def test_reps_in_reserve_count_and_long_sets_give_no_e1rm() -> None:
    sets = [
        logged("leg_extension", load_kg=50, reps=8, reps_in_reserve=2),  # read as 10 reps
        logged("leg_extension", days_ago=1, load_kg=30, reps=40),  # too long for an e1RM
    ]
    r = exercise_records(sets, "leg_extension")
    assert r.best_e1rm_kg == pytest.approx(50 * 36 / 27, abs=0.005)
    assert r.best_set is not None and r.best_set.load_kg == 50
    only_long = exercise_records(sets[1:], "leg_extension")
    assert (only_long.best_e1rm_kg, only_long.best_e1rm_set) == (None, None)
    assert only_long.best_set is not None and only_long.best_set.reps == 40


def test_ties_keep_the_first_record_and_recent_is_limited() -> None:
    sets = [logged("lat_pulldown", days_ago=d, load_kg=50, reps=10) for d in (6, 5, 4, 3, 2, 1)]
    r = exercise_records(sets, "lat_pulldown", recent=2)
    assert r.best_set is not None and r.best_set.performed_at == sets[0].performed_at
    assert r.best_e1rm_set is not None and r.best_e1rm_set.performed_at == sets[0].performed_at
    assert [s.performed_at for s in r.recent] == [sets[5].performed_at, sets[4].performed_at]
    assert exercise_records(sets, "lat_pulldown", recent=0).recent == []


def test_no_sets_and_bodyweight_sets_have_no_records() -> None:
    empty = exercise_records([], "push_up")
    assert (empty.n_sets, empty.best_e1rm_kg, empty.best_set, empty.recent) == (0, None, None, [])
    body = exercise_records([logged("push_up", load_kg=0, reps=20)], "push_up")
    assert (body.n_sets, body.best_e1rm_kg, body.best_set, len(body.recent)) == (1, None, None, 1)


def test_records_by_exercise_has_every_exercise_with_a_set() -> None:
    sets = [logged("a_one", load_kg=10, reps=5), logged("b_two", load_kg=20, reps=5, now=NOW)]
    assert sorted(records_by_exercise(sets)) == ["a_one", "b_two"]
