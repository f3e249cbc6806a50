"""Routines (coach/routines.py): a saved workout holds known exercises once, swaps share the
target muscles, and a workout becomes a routine in its order."""

from __future__ import annotations

import pytest

from mindmuscle.catalog import load_catalog
from mindmuscle.coach.routines import (
    Routine,
    RoutineExercise,
    check_routine,
    routine_of_workout,
    swap_candidates,
)
from mindmuscle.errors import InvalidInputError, UnknownIdError


# ---------------------------------------------------------------- the core's rules
def test_a_routine_holds_each_exercise_once_and_only_known_ones() -> None:
    catalog = load_catalog()
    twice = Routine(
        name="Twice",
        exercises=[
            RoutineExercise(exercise_id="barbell_curl"),
            RoutineExercise(exercise_id="barbell_curl", sets=2),
        ],
    )
    with pytest.raises(
        InvalidInputError,
        match=r"^Barbell Curl is in the routine twice \(exercises 1 and 2\); give it more sets "
        r"instead\.$",
    ):
        check_routine(twice, catalog)
    with pytest.raises(UnknownIdError, match="barbel_curl"):
        check_routine(
            Routine(name="x", exercises=[RoutineExercise(exercise_id="barbel_curl")]), catalog
        )
    with pytest.raises(ValueError, match="at least 1 item"):
        Routine(name="Empty", exercises=[])
    with pytest.raises(ValueError, match="at most 20 items"):
        Routine(name="Long", exercises=[RoutineExercise(exercise_id=f"e{i}") for i in range(21)])
    with pytest.raises(ValueError, match="at least one letter or digit"):
        Routine(name="   ", exercises=[RoutineExercise(exercise_id="barbell_curl")])
    assert (
        Routine(name="  Push   day ", exercises=[RoutineExercise(exercise_id="x")]).name
        == "Push day"
    )


def test_swap_suggests_exercises_of_the_same_target_muscles_best_first() -> None:
    catalog = load_catalog()
    curl = catalog.exercise("dumbbell_biceps_curl")
    swaps = swap_candidates(curl, catalog)
    assert swaps, "a curl has other biceps exercises"
    assert all(set(e.targets) & set(curl.targets) for e in swaps)
    assert curl not in swaps
    # Same first target and same mechanic (isolation) come before the compound chin-up.
    firsts = [e.targets[0] == curl.targets[0] and e.mechanic == curl.mechanic for e in swaps]
    assert firsts == sorted(firsts, reverse=True)
    assert swaps[-1].id == "chin_up"


def test_the_routine_of_a_workout_keeps_order_and_the_first_sets_of_each() -> None:
    catalog = load_catalog()
    from datetime import datetime

    from mindmuscle.coach import Profile, build_plan

    plan = build_plan(
        catalog=catalog, profile=Profile(), readiness=None, history=[], now=datetime(2026, 1, 1),
        exercise_ids=["dumbbell_lateral_raise", "barbell_curl"],
    )  # fmt: skip
    ids = [p.exercise_id for p in plan.exercises]
    r = routine_of_workout("Mine", plan.exercises + plan.exercises[:1])
    assert [e.exercise_id for e in r.exercises] == ids
    assert [e.sets for e in r.exercises] == [p.sets for p in plan.exercises]
