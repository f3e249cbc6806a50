"""Routines: a lifter's own workout, saved to start from again, and the rules of what it holds.

A routine is a name and an ordered list of exercises, each with its number of sets. It holds at
least one exercise and at most 20 (as many as a plan may), each exercise of the lifter's
catalogue at most once (more work on one exercise is more sets, not a second entry). Loads and
reps are not part of it: the coach prescribes them from the history each time the routine is
started, so a routine never holds a stale load. An exercise may carry a chosen tempo and focus
(internal or external): a lifter's own choice, or their human coach's (``set_by``), which then
replaces the coach's default in the plan while the rules still speak: a tempo above 10 s per
repetition is warned about (rule 12), and a focus other than the evidence-based one says which
the evidence would choose and why.

Pure: the catalogue comes in as an argument, nothing is stored here (``services.routines`` does).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mindmuscle.catalog.models import TEMPO_PHASE_MAX_S, Exercise, Movement, Tempo
from mindmuscle.coach.catalog_view import CatalogView
from mindmuscle.coach.focus import cue_for
from mindmuscle.coach.limits import EXERCISE_ID, PLANNED_SETS, ROUTINE_EXERCISES, ROUTINE_NAME
from mindmuscle.coach.models import Focus, Plan, Prescription, Reason
from mindmuscle.coach.tempo import TEMPO_EVIDENCE, check_tempo
from mindmuscle.errors import InvalidInputError, UnknownIdError

__all__ = [
    "Routine",
    "RoutineExercise",
    "check_routine",
    "plan_as_routine",
    "routine_of_workout",
    "swap_candidates",
    "with_choices",
]


class RoutineExercise(BaseModel):
    """One exercise of a routine and how many sets of it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    exercise_id: str = EXERCISE_ID.field(min_length=1)
    sets: int = PLANNED_SETS.field(3)
    tempo: str | None = Field(
        None,
        max_length=40,
        description="A chosen tempo, eccentric-pause-concentric-squeeze in seconds, e.g. "
        "'4-1-2-1'; null: the coach's default for the exercise.",
    )
    focus: Literal["internal", "external"] | None = Field(
        None,
        description="A chosen focus: 'internal' (a cue on the muscle) or 'external' (on the "
        "movement or the load); null: the evidence-based choice of each day.",
    )

    @field_validator("tempo")
    @classmethod
    def _tempo_parses(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            return Tempo.parse(value).as_string()
        except InvalidInputError:
            # The channels word it: "exercises.0.tempo '6-2' is not allowed: use ...".
            raise ValueError(
                "use four numbers of seconds, eccentric-pause-concentric-squeeze, each 0-"
                f"{TEMPO_PHASE_MAX_S:g}, such as '4-1-2-1'"
            ) from None


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
        An exercise the catalogue lacks (with the closest ids), at its field
        (``exercises.2.exercise_id``: the third).
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
        try:
            exercise = catalog.exercise(item.exercise_id)
        except UnknownIdError as exc:
            raise exc.at(f"exercises.{i}.exercise_id") from None
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


def plan_as_routine(
    plan: Plan,
    routine: Routine,
    *,
    catalog: CatalogView | None = None,
    set_by: str | None = None,
) -> Plan:
    """``plan`` (made for the routine's exercises) in the routine's order, with its sets, and
    each exercise's chosen tempo and focus (``catalog`` gives the exercise's cues for a chosen
    focus; ``set_by`` names the lifter's human coach who chose them, None: the lifter).

    The coach orders a plan weakest muscles first; a routine is the lifter's own order, so it
    wins, and the plan says so. Exercises the coach left out (a sore target muscle) stay out.
    """
    by_id = {p.exercise_id: p for p in plan.exercises}
    exercises = []
    for item in routine.exercises:
        if item.exercise_id not in by_id:
            continue
        p = by_id[item.exercise_id].model_copy(update={"sets": item.sets, "set_by": set_by})
        if catalog is not None and (item.tempo is not None or item.focus is not None):
            p = with_choices(
                p, catalog.exercise(item.exercise_id), tempo=item.tempo, focus=item.focus,
                set_by=set_by,
            )  # fmt: skip
        exercises.append(p)
    why = [r for r in plan.why if not r.text.startswith("Order:")]
    whose = f"Your coach {set_by}'s routine" if set_by else "Your routine"
    why.append(Reason(text=f"{whose} {routine.name!r}: its exercises, order and sets."))
    return plan.model_copy(update={"exercises": exercises, "why": why})


def with_choices(
    p: Prescription,
    exercise: Exercise,
    *,
    tempo: str | None,
    focus: Literal["internal", "external"] | None,
    set_by: str | None = None,
) -> Prescription:
    """``p`` with a chosen tempo and focus in place of the coach's defaults.

    The rules still apply: a tempo is checked as every tempo is (rule 12's warnings), and a
    focus other than the evidence-based one is kept with a warning that says which the
    evidence would choose and why.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> from mindmuscle.catalog import load_catalog
    >>> from mindmuscle.coach import build_plan
    >>> from mindmuscle.coach.models import Profile
    >>> c = load_catalog()
    >>> plan = build_plan(profile=Profile(), catalog=c, readiness=None, history=[],
    ...                   now=datetime(2026, 12, 7, tzinfo=UTC),
    ...                   exercise_ids=["dumbbell_biceps_curl"])
    >>> p = with_choices(plan.exercises[0], c.exercise("dumbbell_biceps_curl"),
    ...                  tempo="6-2-3-1", focus=None, set_by="ben")
    >>> p.tempo.as_string(), p.warnings[-1][:32]
    ('6-2-3-1', 'One repetition takes 12 s: above')
    """
    who = f"your coach {set_by}" if set_by else "you"
    why = list(p.why)
    warnings = list(p.warnings)
    update: dict[str, object] = {}
    isometric = exercise.concentric == Movement.ISOMETRIC
    if tempo is not None:
        new = Tempo.parse(tempo)
        dropped = set(check_tempo(p.tempo, isometric=isometric))
        warnings = [w for w in warnings if w not in dropped] + check_tempo(new, isometric=isometric)
        why = [r for r in why if not r.text.startswith(f"Tempo {p.tempo.as_string()} ")]
        why.append(
            Reason(
                text=f"Tempo {new.as_string()} (eccentric-pause-concentric-squeeze), chosen by "
                f"{who}: {new.rep_s:g} s per repetition; 0.5-8 s works equally well (rule 12).",
                evidence=list(TEMPO_EVIDENCE),
            )
        )
        update["tempo"] = new
    if focus is not None:
        chosen = f"Focus {focus}, chosen by {who}"
        if focus == p.focus.mode:
            new_focus = p.focus.model_copy(
                update={"rationale": f"{chosen}, as the evidence would: {p.focus.rationale}"}
            )
        else:
            new_focus = Focus(
                mode=focus,
                cue=cue_for(exercise, focus),
                rationale=f"{chosen}.",
                evidence=list(p.focus.evidence),
            )
            warnings.append(
                f"{chosen}; the evidence-based choice here is {p.focus.mode}: {p.focus.rationale}"
            )
        why = [
            Reason(text=new_focus.rationale, evidence=r.evidence)
            if r.text == p.focus.rationale
            else r
            for r in why
        ]
        update["focus"] = new_focus
    return p.model_copy(update={**update, "why": why, "warnings": warnings})


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
