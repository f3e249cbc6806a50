"""Correcting the log over the API: one set or one workout, shown, edited, deleted, restored.

``/api/sets/{set_ref}`` takes the set's integer id (``id`` in ``GET /api/sets``) or its uuid;
``/api/sessions/{session_id}`` a workout's id. Nothing is lost: every edit keeps the previous
values as a revision (listed in the set's GET), and a deleted set or workout stays stored until
it is restored. Another user's set or workout is not found (404).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from mindmuscle.services import history as history_service
from mindmuscle.services.history import (
    SetDetail,
    SetEdit,
    WorkoutDetail,
    WorkoutEdit,
    WorkoutSummary,
)
from mindmuscle.web.deps import Ctx, User, UserCatalog, check_csrf, utcnow

__all__ = ["router"]

router = APIRouter(prefix="/api", dependencies=[Depends(check_csrf)])

SetRef = Annotated[
    str,
    Path(min_length=1, max_length=36, description="The set's integer id, or its uuid."),
]
SessionId = Annotated[int, Path(description="The workout's id (a set's session_id).")]


@router.get("/sets/{set_ref}", response_model=SetDetail, tags=["sets"])
def get_set(set_ref: SetRef, ctx: Ctx, user: User, catalog: UserCatalog) -> SetDetail:
    """One set (also a deleted one) with every change made to it, oldest first."""
    return history_service.get_set(db=ctx.db, user_id=user, ref=set_ref, catalog=catalog)


@router.patch("/sets/{set_ref}", response_model=SetDetail, tags=["sets"])
def edit_set(
    set_ref: SetRef, body: SetEdit, ctx: Ctx, user: User, catalog: UserCatalog
) -> SetDetail:
    """Correct a set: fields left out keep their values; the previous ones are kept."""
    return history_service.edit_set(
        db=ctx.db, user_id=user, ref=set_ref, edit=body, now=utcnow(), catalog=catalog
    )


@router.delete("/sets/{set_ref}", response_model=SetDetail, tags=["sets"])
def delete_set(set_ref: SetRef, ctx: Ctx, user: User, catalog: UserCatalog) -> SetDetail:
    """Delete a set: it leaves history, e1RM, loads, the map and progress until restored."""
    return history_service.delete_set(
        db=ctx.db, user_id=user, ref=set_ref, now=utcnow(), catalog=catalog
    )


@router.post("/sets/{set_ref}/restore", response_model=SetDetail, tags=["sets"])
def restore_set(set_ref: SetRef, ctx: Ctx, user: User, catalog: UserCatalog) -> SetDetail:
    """Bring a deleted set back with exactly the values it had."""
    return history_service.restore_set(
        db=ctx.db, user_id=user, ref=set_ref, now=utcnow(), catalog=catalog
    )


@router.get("/sessions", response_model=list[WorkoutSummary], tags=["sessions"])
def list_workouts(
    ctx: Ctx,
    user: User,
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = Query(
        default=0,
        ge=0,
        le=1_000_000_000,
        description="Skip this many of the newest workouts first: the next page back in time.",
    ),
) -> list[WorkoutSummary]:
    """The workouts that hold sets, newest first, each with its duration (null if unknown)."""
    return history_service.workouts(db=ctx.db, user_id=user, limit=limit, offset=offset)


@router.get("/sessions/{session_id}", response_model=WorkoutDetail, tags=["sessions"])
def get_workout(session_id: SessionId, ctx: Ctx, user: User) -> WorkoutDetail:
    """One workout (also a deleted one) with all its sets, deleted ones marked."""
    return history_service.get_workout(db=ctx.db, user_id=user, session_id=session_id)


@router.patch("/sessions/{session_id}", response_model=WorkoutDetail, tags=["sessions"])
def edit_workout(session_id: SessionId, body: WorkoutEdit, ctx: Ctx, user: User) -> WorkoutDetail:
    """Change a workout's notes."""
    return history_service.edit_workout(db=ctx.db, user_id=user, session_id=session_id, edit=body)


@router.delete("/sessions/{session_id}", response_model=WorkoutDetail, tags=["sessions"])
def delete_workout(session_id: SessionId, ctx: Ctx, user: User) -> WorkoutDetail:
    """Delete a workout with its sets (restorable together)."""
    return history_service.delete_workout(
        db=ctx.db, user_id=user, session_id=session_id, now=utcnow()
    )


@router.post("/sessions/{session_id}/restore", response_model=WorkoutDetail, tags=["sessions"])
def restore_workout(session_id: SessionId, ctx: Ctx, user: User) -> WorkoutDetail:
    """Bring a deleted workout back with the sets deleted with it."""
    return history_service.restore_workout(
        db=ctx.db, user_id=user, session_id=session_id, now=utcnow()
    )
