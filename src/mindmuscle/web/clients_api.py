"""A coach reads their clients: the list, and per client the connection map, progress and the
sets with their reflections. Read-only; a name that is not the coach's client is 404.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from mindmuscle.services import accounts
from mindmuscle.services import clients as clients_service
from mindmuscle.services.catalog import user_catalog
from mindmuscle.services.progress import Progress
from mindmuscle.web.deps import Ctx, User, utcnow

__all__ = ["ClientName", "router"]

router = APIRouter(prefix="/api")

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
