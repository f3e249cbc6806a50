"""Your workout, your way: routines, and the pieces the phone needs to change a workout.

- A **routine** is a saved workout (a name, exercises in order, sets of each, and any chosen
  tempo and focus): listed, saved, changed and deleted here, each scoped to its user;
  :func:`start_routine` turns one into the session to run, with loads the coach prescribes from
  the history that day. A routine may be set by the lifter's human coach (``coach_id``): the
  lifter sees whose it is, and changing it makes it the lifter's own.
- An **empty workout** (:func:`start_empty`) is a session with no exercise yet: the lifter adds
  them one by one.
- :func:`prescribe` gives the coach's prescription of exercises added to a running workout (or
  swapped in), and :func:`swap_options` the exercises that train the same target muscles.

The rules of what a routine may hold are the core's (:mod:`mindmuscle.coach.routines`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from mindmuscle.catalog import Catalog
from mindmuscle.catalog.models import Exercise
from mindmuscle.coach.models import LoggedSet, Plan, Prescription, Reason
from mindmuscle.coach.routines import (
    Routine,
    RoutineExercise,
    check_routine,
    plan_as_routine,
    swap_candidates,
)
from mindmuscle.coach.sets import minute_text
from mindmuscle.errors import ChangedMeanwhileError, NotAllowedError
from mindmuscle.services.profile import get_profile
from mindmuscle.services.sessions import TodayPlan, preview_plan, store_plan
from mindmuscle.store import Database, RoutineData, repo
from mindmuscle.store.tables import RoutineRow

__all__ = [
    "RoutineChange",
    "RoutineItem",
    "RoutineOut",
    "SwapOptions",
    "create_routine",
    "delete_routine",
    "get_routine",
    "list_routines",
    "prescribe",
    "start_empty",
    "start_routine",
    "swap_options",
    "update_routine",
]


class RoutineItem(BaseModel):
    """One exercise of a stored routine, with its name as the lifter reads it."""

    model_config = ConfigDict(frozen=True)

    exercise_id: str
    name: str
    sets: int
    tempo: str | None = None
    focus: str | None = None


class RoutineOut(BaseModel):
    """A stored routine."""

    model_config = ConfigDict(frozen=True)

    id: int
    name: str
    exercises: list[RoutineItem]
    created_at: datetime
    updated_at: datetime
    set_by: str | None = Field(
        None, description="The name of the lifter's coach who set this routine; null: their own."
    )


class RoutineChange(Routine):
    """A routine's new name and exercises, and which stored version they change."""

    updated_at: datetime | None = Field(
        None,
        description="The routine's updated_at as you read it: if it changed since (another "
        "tab, another device), the change is refused (409) and nothing is stored; null: the "
        "last save wins.",
    )


def _name(exercise_id: str, catalog: Catalog) -> str:
    # A routine may outlive one of the lifter's own exercises (deleted from the catalogue):
    # it still shows, by a readable form of its id, and starting it says which is missing.
    if exercise_id in catalog.exercises:
        return catalog.exercises[exercise_id].name
    return exercise_id.removeprefix("user_").replace("_", " ").capitalize()


def _out(s: Session, row: RoutineRow, catalog: Catalog) -> RoutineOut:
    items = [RoutineExercise.model_validate(e) for e in row.exercises]
    coach = repo.get_user(session=s, user_id=row.coach_id) if row.coach_id is not None else None
    return RoutineOut(
        id=row.id,
        name=row.name,
        exercises=[
            RoutineItem(
                exercise_id=i.exercise_id,
                name=_name(i.exercise_id, catalog),
                sets=i.sets,
                tempo=i.tempo,
                focus=i.focus,
            )
            for i in items
        ],
        created_at=row.created_at,
        updated_at=row.updated_at,
        set_by=coach.name if coach is not None else None,
    )


def _data(routine: Routine, coach_id: int | None) -> RoutineData:
    return RoutineData(
        name=routine.name,
        exercises=[e.model_dump(mode="json") for e in routine.exercises],
        coach_id=coach_id,
    )


def list_routines(*, db: Database, user_id: int, catalog: Catalog) -> list[RoutineOut]:
    """The user's routines, most recently changed first."""
    with db.session(readonly=True) as s:
        return [_out(s, r, catalog) for r in repo.list_routines(session=s, user_id=user_id)]


def get_routine(*, db: Database, user_id: int, routine_id: int, catalog: Catalog) -> RoutineOut:
    """One routine of the user (another user's is not found)."""
    with db.session(readonly=True) as s:
        row = repo.get_routine(session=s, user_id=user_id, routine_id=routine_id)
        return _out(s, row, catalog)


def create_routine(
    *,
    db: Database,
    user_id: int,
    routine: Routine,
    catalog: Catalog,
    now: datetime,
    coach_id: int | None = None,
) -> RoutineOut:
    """Save a new routine, checked against the user's catalogue (``coach_id``: set by the
    user's coach).

    Raises
    ------
    mindmuscle.errors.UnknownIdError
        An exercise the catalogue lacks.
    mindmuscle.errors.InvalidInputError
        An exercise listed twice, or a name the user already has.
    """
    check_routine(routine, catalog)
    with db.session() as s:
        row = repo.create_routine(
            session=s, user_id=user_id, data=_data(routine, coach_id), now=now
        )
        return _out(s, row, catalog)


def update_routine(
    *,
    db: Database,
    user_id: int,
    routine_id: int,
    routine: Routine,
    catalog: Catalog,
    now: datetime,
    coach_id: int | None = None,
    expected_updated_at: datetime | None = None,
) -> RoutineOut:
    """Replace a routine's name and exercises (errors as :func:`create_routine`).

    ``coach_id`` None: the lifter changes it, and it becomes their own. A coach changes only a
    routine they set (NotAllowedError otherwise). ``expected_updated_at``: the version the
    change was made from; a routine saved since is not replaced (ChangedMeanwhileError).
    """
    check_routine(routine, catalog)
    with db.session() as s:
        if coach_id is not None:
            _coach_may_change(s, user_id, routine_id, coach_id)
        if expected_updated_at is not None:
            _unchanged_since(s, user_id, routine_id, expected_updated_at)
        row = repo.update_routine(
            session=s, user_id=user_id, routine_id=routine_id, data=_data(routine, coach_id),
            now=now,
        )  # fmt: skip
        return _out(s, row, catalog)


def _unchanged_since(s: Session, user_id: int, routine_id: int, expected: datetime) -> None:
    row = repo.get_routine(session=s, user_id=user_id, routine_id=routine_id)
    if row.updated_at != expected:
        raise ChangedMeanwhileError(
            f"{row.name!r} was saved again at {minute_text(row.updated_at)}, after you opened "
            "it (in another tab or on another device), so your change was not saved. Your "
            "change is still here: look at the saved version, then open it and change it again."
        )


def _coach_may_change(s: Session, user_id: int, routine_id: int, coach_id: int) -> None:
    row = repo.get_routine(session=s, user_id=user_id, routine_id=routine_id)
    if row.coach_id != coach_id:
        owner = repo.get_user(session=s, user_id=user_id).name
        raise NotAllowedError(
            f"{row.name!r} is {owner}'s own routine (or another coach's): a coach changes "
            "only the routines they set."
        )


def delete_routine(
    *,
    db: Database,
    user_id: int,
    routine_id: int,
    catalog: Catalog,
    coach_id: int | None = None,
) -> RoutineOut:
    """Delete a routine; returns what it held (so the page can offer to save it again). A
    coach (``coach_id``) deletes only a routine they set."""
    with db.session() as s:
        if coach_id is not None:
            _coach_may_change(s, user_id, routine_id, coach_id)
        out = _out(s, repo.get_routine(session=s, user_id=user_id, routine_id=routine_id), catalog)
        repo.delete_routine(session=s, user_id=user_id, routine_id=routine_id)
        return out


def start_routine(
    *,
    db: Database,
    user_id: int,
    routine_id: int,
    now: datetime,
    catalog: Catalog,
    history: Sequence[LoggedSet] | None = None,
) -> TodayPlan:
    """Store a routine as the session to run now, with today's prescriptions.

    The coach prescribes load, reps, tempo and cue of each exercise from the history (as for
    today's plan); the routine decides which exercises, their order and their sets.

    Raises
    ------
    mindmuscle.errors.UnknownIdError
        An exercise of the routine is no longer in the catalogue.
    """
    with db.session(readonly=True) as s:
        row = repo.get_routine(session=s, user_id=user_id, routine_id=routine_id)
        routine = Routine(
            name=row.name, exercises=[RoutineExercise.model_validate(e) for e in row.exercises]
        )
        set_by = _out(s, row, catalog).set_by
    check_routine(routine, catalog)
    plan = preview_plan(
        db=db,
        user_id=user_id,
        now=now,
        readiness=None,
        exercise_ids=[e.exercise_id for e in routine.exercises],
        catalog=catalog,
        history=history,
    )
    whose = f"Your coach {set_by}'s routine" if set_by else "Your routine"
    plan = plan_as_routine(plan, routine, catalog=catalog, set_by=set_by).model_copy(
        update={"reason": f"{whose} {routine.name!r}, with today's loads from your history."}
    )
    return store_plan(db=db, user_id=user_id, now=now, plan=plan)


def start_empty(*, db: Database, user_id: int, now: datetime) -> TodayPlan:
    """Store an empty workout as the session to run now: the lifter adds the exercises."""
    profile = get_profile(db=db, user_id=user_id)
    plan = Plan(
        decision="train",
        reason="An empty workout: add the exercises you want, in the order you want.",
        goal=profile.goal,
        units=profile.units,
        exercises=[],
        why=[Reason(text="Each exercise you add is prescribed from your history.")],
    )
    return store_plan(db=db, user_id=user_id, now=now, plan=plan)


def prescribe(
    *,
    db: Database,
    user_id: int,
    now: datetime,
    exercise_ids: Sequence[str],
    catalog: Catalog,
    history: Sequence[LoggedSet] | None = None,
) -> list[Prescription]:
    """The coach's prescriptions of ``exercise_ids``, in the order given (nothing stored).

    For an exercise added to a running workout, or swapped in: load, reps, tempo and cue from
    the history, as in today's plan.

    Raises
    ------
    mindmuscle.errors.UnknownIdError
        An exercise the catalogue lacks.
    """
    for exercise_id in exercise_ids:
        catalog.exercise(exercise_id)
    plan = preview_plan(
        db=db,
        user_id=user_id,
        now=now,
        readiness=None,
        exercise_ids=list(exercise_ids),
        catalog=catalog,
        history=history,
    )
    by_id = {p.exercise_id: p for p in plan.exercises}
    return [by_id[i] for i in dict.fromkeys(exercise_ids) if i in by_id]


class SwapOptions(BaseModel):
    """What an exercise may be swapped for."""

    model_config = ConfigDict(frozen=True)

    exercise_id: str
    name: str
    targets: list[str] = Field(description="Names of the target muscles that are matched.")
    options: list[Exercise] = Field(description="Best match first.")


def swap_options(*, exercise_id: str, catalog: Catalog) -> SwapOptions:
    """The exercises of the user's catalogue that train the target muscles of ``exercise_id``.

    Raises
    ------
    mindmuscle.errors.UnknownIdError
        An exercise the catalogue lacks.
    """
    exercise = catalog.exercise(exercise_id)
    names = [catalog.muscles[m].name if m in catalog.muscles else m for m in exercise.targets]
    return SwapOptions(
        exercise_id=exercise.id,
        name=exercise.name,
        targets=names,
        options=swap_candidates(exercise, catalog),
    )
