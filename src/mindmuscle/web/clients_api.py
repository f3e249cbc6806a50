"""A coach and their clients: the list, and per client the connection map, progress and the
sets with their reflections (read-only), and the routines the coach sets for them (exercises,
sets, tempo and focus per exercise). A name that is not the coach's client is 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query

from mindmuscle.coach.routines import Routine
from mindmuscle.services import accounts
from mindmuscle.services import clients as clients_service
from mindmuscle.services.catalog import user_catalog
from mindmuscle.services.progress import Progress
from mindmuscle.services.routines import RoutineChange, RoutineOut
from mindmuscle.web.deps import Ctx, Id, User, check_csrf, utcnow

__all__ = ["ClientName", "router"]

router = APIRouter(prefix="/api", dependencies=[Depends(check_csrf)])

ClientName = Annotated[
    str,
    Path(min_length=1, max_length=accounts.MAX_NAME_LENGTH, description="A client's name."),
]


@router.get("/clients", response_model=list[clients_service.ClientSummary], tags=["clients"])
def list_clients(ctx: Ctx, user: User) -> list[clients_service.ClientSummary]:
    """Your clients, by name, each with their latest workout (empty for a lifter)."""
    return clients_service.clients(db=ctx.db, coach_id=user)


@router.get("/clients/{client_name}/progress", response_model=Progress, tags=["clients"])
def client_progress(client_name: ClientName, ctx: Ctx, user: User) -> Progress:
    """A client's connection map, rating trends, and weekly e1RM and volume per exercise."""
    client_id = clients_service.client(db=ctx.db, coach_id=user, name=client_name)
    catalog = user_catalog(db=ctx.db, user_id=client_id, settings=ctx.settings)
    return ctx.progress.get(db=ctx.db, user_id=client_id, catalog=catalog, now=utcnow())


@router.get(
    "/clients/{client_name}/sets",
    response_model=list[clients_service.ClientDay],
    tags=["clients"],
)
def client_sets(
    client_name: ClientName,
    ctx: Ctx,
    user: User,
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = Query(
        default=0,
        ge=0,
        le=1_000_000_000,
        description="Skip this many of the newest sets first: the next page back in time.",
    ),
) -> list[clients_service.ClientDay]:
    """A client's newest sets by day, newest day first, each with its reflection (felt
    rating, where else it was felt, focus, note)."""
    return clients_service.client_days(
        db=ctx.db, coach_id=user, name=client_name, limit=limit, offset=offset
    )


@router.get("/clients/{client_name}/routines", response_model=list[RoutineOut], tags=["clients"])
def client_routines(client_name: ClientName, ctx: Ctx, user: User) -> list[RoutineOut]:
    """A client's routines, theirs and the ones you set (``set_by``), newest first."""
    return clients_service.client_routines(
        db=ctx.db, coach_id=user, name=client_name, settings=ctx.settings
    )


@router.post(
    "/clients/{client_name}/routines",
    response_model=RoutineOut,
    status_code=201,
    tags=["clients"],
)
def set_client_routine(client_name: ClientName, body: Routine, ctx: Ctx, user: User) -> RoutineOut:
    """Set a routine for a client: 1-20 exercises of their catalogue with their sets, and per
    exercise a tempo ('4-1-2-1') and a focus ('internal' or 'external') if you choose them.
    They see it as set by you and start it from Today."""
    return clients_service.set_client_routine(
        db=ctx.db, coach_id=user, name=client_name, routine=body, now=utcnow(),
        settings=ctx.settings,
    )  # fmt: skip


@router.put(
    "/clients/{client_name}/routines/{routine_id}", response_model=RoutineOut, tags=["clients"]
)
def change_client_routine(
    client_name: ClientName, routine_id: Id, body: RoutineChange, ctx: Ctx, user: User
) -> RoutineOut:
    """Replace a routine you set for a client (their own routines are theirs: 403); with
    ``updated_at`` (as you read it), a routine saved since is not replaced (409)."""
    return clients_service.change_client_routine(
        db=ctx.db, coach_id=user, name=client_name, routine_id=routine_id, routine=body,
        now=utcnow(), settings=ctx.settings, expected_updated_at=body.updated_at,
    )  # fmt: skip


@router.delete(
    "/clients/{client_name}/routines/{routine_id}", response_model=RoutineOut, tags=["clients"]
)
def remove_client_routine(
    client_name: ClientName, routine_id: Id, ctx: Ctx, user: User
) -> RoutineOut:
    """Delete a routine you set for a client; the answer is what it held."""
    return clients_service.remove_client_routine(
        db=ctx.db, coach_id=user, name=client_name, routine_id=routine_id, settings=ctx.settings
    )
