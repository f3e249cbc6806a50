"""Loads (coach/loads.py): rounding to what the plates, dumbbells and stacks can build, in kg
and lb, exact and as properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mindmuscle.coach import (
    EquipmentProfile,
    default_equipment,
    format_load,
    load_step,
    round_load,
)
from mindmuscle.errors import InvalidInputError
from mindmuscle.units import from_kg
from tests.factories import (
    cable_row,
    kettlebell_swing,
    make_exercise,
    plank,
    squat,
)

CURL = make_exercise()


KG = EquipmentProfile()


@pytest.mark.parametrize(
    ("exercise", "load_kg", "rounding", "expected"),
    [
        (squat(), 61.0, "nearest", 60.0),
        (squat(), 61.25, "nearest", 60.0),  # a tie goes to the lighter load
        (squat(), 61.3, "nearest", 62.5),
        (squat(), 62.4, "down", 60.0),
        (squat(), 60.1, "up", 62.5),
        (squat(), 5.0, "nearest", 20.0),  # never below the empty bar
        (CURL, 13.0, "nearest", 12.0),
        (CURL, 13.1, "nearest", 14.0),
        (CURL, 80.0, "nearest", 50.0),  # heaviest dumbbell
        (CURL, 0.5, "nearest", 2.0),  # lightest dumbbell
        (cable_row(), 47.0, "nearest", 45.0),
        (cable_row(), 0.0, "nearest", 5.0),
        (cable_row(), 400.0, "nearest", 150.0),
        (kettlebell_swing(), 18.0, "nearest", 16.0),
        (kettlebell_swing(), 19.0, "nearest", 20.0),
        (plank(), 3.3, "nearest", 3.75),  # added load from single plates
    ],
)
def test_round_load_exact(exercise, load_kg, rounding, expected) -> None:
    assert round_load(load_kg, exercise, KG, rounding=rounding) == expected


def test_round_load_in_pounds_is_stored_in_kg() -> None:
    lb = default_equipment("lb")
    out = round_load(100.0, squat(), lb)  # 220.46 lb -> 220 lb = 45 + 2 x 87.5
    assert from_kg(out, "lb") == pytest.approx(220.0)
    assert out == pytest.approx(99.790321, abs=1e-6)
    assert format_load(out, "lb") == "220 lb"


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf, 1500.5])
def test_round_load_rejects_absurd_loads(bad: float) -> None:
    with pytest.raises(InvalidInputError, match="from 0 to 1500"):
        round_load(bad, squat(), KG)


def test_equipment_without_plates_is_refused() -> None:
    # The profile itself refuses it now, so the coach never meets it.
    with pytest.raises(ValueError, match="at least 1 item"):
        EquipmentProfile(plates=[])


EXERCISES = [squat(), CURL, cable_row(), kettlebell_swing(), plank()]


def _base(exercise, eq: EquipmentProfile) -> float:
    lt = exercise.load_type.value
    return {"plates": eq.bar, "dumbbell": eq.dumbbell_min}.get(lt, 0.0)


@settings(max_examples=300, deadline=None)
@given(
    load_kg=st.floats(0, 400),
    exercise=st.sampled_from(EXERCISES),
    unit=st.sampled_from(["kg", "lb"]),
    rounding=st.sampled_from(["nearest", "down", "up"]),
)
def test_every_load_is_a_multiple_of_the_smallest_increment(load_kg, exercise, unit, rounding):
    eq = default_equipment(unit)
    out = round_load(load_kg, exercise, eq, rounding=rounding)
    shown = from_kg(out, unit)
    if exercise.load_type.value == "fixed":
        assert any(shown == pytest.approx(f) for f in eq.fixed)
        return
    step = load_step(exercise, eq)
    # the typical equipment starts on a multiple of its step, so the load itself is one
    assert (shown / step) == pytest.approx(round(shown / step), abs=1e-6)
    assert ((shown - _base(exercise, eq)) / step) == pytest.approx(
        round((shown - _base(exercise, eq)) / step), abs=1e-6
    )


@settings(max_examples=200, deadline=None)
@given(
    load_kg=st.floats(0, 300),
    smallest=st.sampled_from([0.25, 0.5, 1.0, 1.25, 2.5]),
    multiples=st.lists(st.integers(1, 20), min_size=0, max_size=5),
    bar=st.sampled_from([0.0, 7.5, 10.0, 15.0, 20.0]),
    stack_step=st.sampled_from([1.0, 2.5, 4.5, 5.0, 10.0]),
    dumbbell_step=st.sampled_from([0.5, 1.0, 2.0, 2.5]),
)
def test_rounding_fits_any_plate_set(load_kg, smallest, multiples, bar, stack_step, dumbbell_step):
    eq = EquipmentProfile(
        bar=bar,
        plates=[smallest] + [smallest * m for m in multiples],
        stack_step=stack_step,
        stack_max=stack_step * 40,
        dumbbell_min=dumbbell_step,
        dumbbell_step=dumbbell_step,
    )
    for exercise in (squat(), CURL, cable_row()):
        out = round_load(load_kg, exercise, eq)
        step = load_step(exercise, eq)
        k = (out - _base(exercise, eq)) / step
        assert k == pytest.approx(round(k), abs=1e-6)
        assert k >= -1e-9
        # within reach: nearest is never more than half a step away
        lt = exercise.load_type.value
        low = {"plates": eq.bar, "dumbbell": eq.dumbbell_min, "stack": eq.stack_step}[lt]
        top = {"plates": 1000.0, "dumbbell": eq.dumbbell_max, "stack": eq.stack_max}[lt]
        if low <= load_kg <= top:
            assert abs(out - load_kg) <= step / 2 + 1e-6
