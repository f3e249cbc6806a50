"""Routines: a lifter's own workout, saved to start from again, and the rules of what it holds.

A routine is a name and an ordered list of exercises, each with its number of sets. It holds at
least one exercise and at most 20 (as many as a plan may), each exercise of the lifter's
catalogue at most once (more work on one exercise is more sets, not a second entry). Loads,
reps, tempo and cue are not part of it: the coach prescribes them from the history each time the
routine is started, so a routine never holds a stale load.

Pure: the catalogue comes in as an argument, nothing is stored here (``services.routines`` does).
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mindmuscle.catalog.models import Exercise
from mindmuscle.coach.catalog_view import CatalogView
from mindmuscle.coach.limits import EXERCISE_ID, PLANNED_SETS, ROUTINE_EXERCISES, ROUTINE_NAME
from mindmuscle.coach.models import Plan, Prescription, Reason
from mindmuscle.errors import InvalidInputError

__all__ = [
    "Routine",
    "RoutineExercise",
    "check_routine",
    "plan_as_routine",
    "routine_of_workout",
    "swap_candidates",
]


class RoutineExercise(BaseModel):
    """One exercise of a routine and how many sets of it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    exercise_id: str = EXERCISE_ID.field(min_length=1)
    sets: int = PLANNED_SETS.field(3)


class Routine(BaseModel):
    """A routine as the lifter gives it: a name and its exercises, in order."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = ROUTINE_NAME.field(min_length=1)
    exercises: list[RoutineExercise] = Field(
        min_length=int(ROUTINE_EXERCISES.low),
        max_length=int(ROUTINE_EXERCISES.high),
        description=ROUTINE_EXERCISES.allowed()[0].upper() + ROUTINE_EXERCISES.allowed()[1:] + ".",
    )

    @field_validator("name")
    @classmethod
    def _name_has_words(cls, value: str) -> str:
        name = " ".join(value.split())
        if not name:
            raise ValueError("a routine's name must have at least one letter or digit")
        return name


def check_routine(routine: Routine, catalog: CatalogView) -> Routine:
    """``routine`` if every exercise is in ``catalog`` and none is there twice.

    Raises
    ------
    mindmuscle.errors.UnknownIdError
        An exercise the catalogue lacks (with the closest ids).
    mindmuscle.errors.InvalidInputError
        An exercise listed twice (named, with where it is).

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> r = Routine(name="Arms", exercises=[RoutineExercise(exercise_id="dumbbell_biceps_curl")])
    >>> check_routine(r, load_catalog()).exercises[0].sets
    3
    """
    seen: dict[str, int] = {}
    for i, item in enumerate(routine.exercises):
        exercise = catalog.exercise(item.exercise_id)
        if item.exercise_id in seen:
            raise InvalidInputError(
                f"{exercise.name} is in the routine twice (exercises {seen[item.exercise_id] + 1} "
                f"and {i + 1}); give it more sets instead."
            )
        seen[item.exercise_id] = i
    return routine


def routine_of_workout(name: str, prescriptions: Sequence[Prescription]) -> Routine:
    """The routine of a workout: its exercises in order with their sets (the first of each).

    Raises
    ------
    pydantic.ValidationError
        An empty name, no exercise, or more than 20 exercises.
    """
    items: list[RoutineExercise] = []
    for p in prescriptions:
        if all(i.exercise_id != p.exercise_id for i in items):
            items.append(RoutineExercise(exercise_id=p.exercise_id, sets=p.sets))
    return Routine(name=name, exercises=items)


def plan_as_routine(plan: Plan, routine: Routine) -> Plan:
    """``plan`` (made for the routine's exercises) in the routine's order, with its sets.

    The coach orders a plan weakest muscles first; a routine is the lifter's own order, so it
    wins, and the plan says so. Exercises the coach left out (a sore target muscle) stay out.
    """
    by_id = {p.exercise_id: p for p in plan.exercises}
    exercises = [
        by_id[item.exercise_id].model_copy(update={"sets": item.sets})
        for item in routine.exercises
        if item.exercise_id in by_id
    ]
    why = [r for r in plan.why if not r.text.startswith("Order:")]
    why.append(Reason(text=f"Your routine {routine.name!r}: its exercises, order and sets."))
    return plan.model_copy(update={"exercises": exercises, "why": why})


def swap_candidates(exercise: Exercise, catalog: CatalogView, limit: int = 12) -> list[Exercise]:
    """Exercises of ``catalog`` that train the target muscles of ``exercise``, best match first.

    Best: the same first target muscle, then more shared targets, then the same mechanic
    (isolation for isolation) and the same equipment, then by name. An exercise with no target
    muscle yet (one of the lifter's own, unassigned) has nothing to match: the list is empty.

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> c = load_catalog()
    >>> swaps = swap_candidates(c.exercise("dumbbell_biceps_curl"), c)
    >>> all("biceps" in " ".join(e.targets) for e in swaps[:3])
    True
    """
    targets = set(exercise.targets)
    if not targets:
        return []
    scored: list[tuple[tuple[int, int, int, int, str], Exercise]] = []
    for other in catalog.exercises.values():
        shared = targets & set(other.targets)
        if other.id == exercise.id or not shared or other.unassigned:
            continue
        key = (
            0 if other.targets[0] == exercise.targets[0] else 1,
            -len(shared),
            0 if other.mechanic == exercise.mechanic else 1,
            0 if other.equipment == exercise.equipment else 1,
            other.name,
        )
        scored.append((key, other))
    scored.sort(key=lambda pair: pair[0])
    return [e for _, e in scored[:limit]]
