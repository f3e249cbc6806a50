"""The coach package (coach/__init__.py): its public API, the docstring examples of every
module, and every card of the real catalogue usable by the coach."""

from __future__ import annotations

import doctest
import importlib

import pytest

import mindmuscle.coach as coach
from mindmuscle.catalog import load_catalog
from mindmuscle.catalog.models import Movement
from mindmuscle.coach import (
    check_tempo,
    choose_focus,
    default_equipment,
    default_tempo,
    load_step,
    round_load,
)
from mindmuscle.units import from_kg

CATALOG = load_catalog()


EXERCISES = sorted(CATALOG.exercises.values(), key=lambda e: e.id)


GOALS = ("hypertrophy", "strength", "endurance")


def test_public_api_is_sorted_and_importable() -> None:
    assert coach.__all__ == sorted(coach.__all__, key=lambda n: (not n.isupper(), n))
    for name in coach.__all__:
        assert hasattr(coach, name), name


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_every_exercise_is_usable_by_the_coach(exercise) -> None:
    tempo = default_tempo(exercise)
    assert check_tempo(tempo, isometric=exercise.concentric == Movement.ISOMETRIC) == []
    assert tempo.eccentric_s <= 4
    for goal in GOALS:
        for pct in (None, 50.0, 70.0, 90.0):
            f = choose_focus(exercise, goal=goal, percent_e1rm=pct)
            assert f.mode in ("internal", "external") and f.cue
            assert set(f.evidence) <= set(CATALOG.studies)
    for unit in ("kg", "lb"):
        eq = default_equipment(unit)
        load = round_load(37.3, exercise, eq)
        if exercise.load_type.value != "fixed":
            k = from_kg(load, unit) / load_step(exercise, eq)
            assert k == pytest.approx(round(k), abs=1e-6)


@pytest.mark.parametrize(
    "name",
    ["adapt", "connection", "drill", "e1rm", "focus", "loads", "plan", "readiness", "tempo"],
)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(f"mindmuscle.coach.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
