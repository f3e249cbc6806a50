"""Your workout, your way, over the API: routines, starting a workout, changing a running one.

``/api/routines`` lists and saves routines (``GET``/``POST``), ``/api/routines/{id}`` reads,
replaces and deletes one (``GET``/``PUT``/``DELETE``), ``POST /api/routines/{id}/start`` makes it
the session to run. ``POST /api/workouts/empty`` starts a workout with no exercise;
``POST /api/prescriptions`` prescribes exercises added to a running workout, and
``GET /api/exercises/{id}/swaps`` lists what an exercise may be swapped for. Every route is scoped
to the logged-in user: another user's routine is not found (404).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from mindmuscle.coach.limits import EXERCISE_ID, ROUTINE_EXERCISES
from mindmuscle.coach.models import Prescription
from mindmuscle.coach.routines import Routine
from mindmuscle.services import routines as routine_service
from mindmuscle.services.routines import RoutineChange, RoutineOut, SwapOptions
from mindmuscle.services.sessions import TodayPlan
from mindmuscle.web.deps import Ctx, Id, User, UserCatalog, check_csrf, utcnow

__all__ = ["router"]

router = APIRouter(prefix="/api", dependencies=[Depends(check_csrf)])


@router.get("/routines", response_model=list[RoutineOut], tags=["routines"])
def list_routines(ctx: Ctx, user: User, catalog: UserCatalog) -> list[RoutineOut]:
    """Your routines, most recently changed first."""
    return routine_service.list_routines(db=ctx.db, user_id=user, catalog=catalog)


@router.post("/routines", response_model=RoutineOut, status_code=201, tags=["routines"])
def create_routine(body: Routine, ctx: Ctx, user: User, catalog: UserCatalog) -> RoutineOut:
    """Save a routine: a name and 1-20 exercises of your catalogue (each once) with their sets."""
    return routine_service.create_routine(
        db=ctx.db, user_id=user, routine=body, catalog=catalog, now=utcnow()
    )


@router.get("/routines/{routine_id}", response_model=RoutineOut, tags=["routines"])
def get_routine(routine_id: Id, ctx: Ctx, user: User, catalog: UserCatalog) -> RoutineOut:
    """One of your routines."""
    return routine_service.get_routine(
        db=ctx.db, user_id=user, routine_id=routine_id, catalog=catalog
    )


@router.put("/routines/{routine_id}", response_model=RoutineOut, tags=["routines"])
def put_routine(
    routine_id: Id, body: RoutineChange, ctx: Ctx, user: User, catalog: UserCatalog
) -> RoutineOut:
    """Replace a routine's name and exercises; with ``updated_at`` (as you read it), a routine
    saved since is not replaced (409)."""
    return routine_service.update_routine(
        db=ctx.db, user_id=user, routine_id=routine_id, routine=body, catalog=catalog,
        now=utcnow(), expected_updated_at=body.updated_at,
    )  # fmt: skip


@router.delete("/routines/{routine_id}", response_model=RoutineOut, tags=["routines"])
def delete_routine(routine_id: Id, ctx: Ctx, user: User, catalog: UserCatalog) -> RoutineOut:
    """Delete a routine; the answer is what it held (save it again to undo)."""
    return routine_service.delete_routine(
        db=ctx.db, user_id=user, routine_id=routine_id, catalog=catalog
    )


@router.post("/routines/{routine_id}/start", response_model=TodayPlan, tags=["routines"])
def start_routine(routine_id: Id, ctx: Ctx, user: User, catalog: UserCatalog) -> TodayPlan:
    """Make a routine the session to run now, with loads prescribed from your history."""
    return routine_service.start_routine(
        db=ctx.db,
        user_id=user,
        routine_id=routine_id,
        now=utcnow(),
        catalog=catalog,
    )


@router.post("/workouts/empty", response_model=TodayPlan, tags=["sessions"])
def start_empty(ctx: Ctx, user: User) -> TodayPlan:
    """Start a workout with no exercise yet: add them on the phone."""
    return routine_service.start_empty(db=ctx.db, user_id=user, now=utcnow())


class PrescribeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    exercise_ids: list[str] = Field(
        min_length=1,
        max_length=int(ROUTINE_EXERCISES.high),
        description="Exercises of your catalogue (each at most "
        f"{int(EXERCISE_ID.high)} characters).",
    )


class PrescribeOut(BaseModel):
    prescriptions: list[Prescription]
    targets: dict[str, list[str]] = Field(description="Target muscles of each exercise.")


@router.post("/prescriptions", response_model=PrescribeOut, tags=["sessions"])
def prescribe(body: PrescribeIn, ctx: Ctx, user: User, catalog: UserCatalog) -> PrescribeOut:
    """Today's prescription of exercises added to a workout or swapped in (nothing stored)."""
    for exercise_id in body.exercise_ids:
        EXERCISE_ID.check("exercise_ids", exercise_id)
    prescriptions = routine_service.prescribe(
        db=ctx.db,
        user_id=user,
        now=utcnow(),
        exercise_ids=body.exercise_ids,
        catalog=catalog,
    )
    return PrescribeOut(
        prescriptions=prescriptions,
        targets={
            p.exercise_id: list(catalog.exercise(p.exercise_id).targets) for p in prescriptions
        },
    )


@router.get("/exercises/{exercise_id}/swaps", response_model=SwapOptions, tags=["catalogue"])
def swaps(exercise_id: str, ctx: Ctx, user: User, catalog: UserCatalog) -> SwapOptions:
    """The exercises of your catalogue that train the same target muscles, best match first."""
    EXERCISE_ID.check("exercise_id", exercise_id)
    return routine_service.swap_options(exercise_id=exercise_id, catalog=catalog)
