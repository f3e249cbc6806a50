"""A coach's pages: their clients, and per client the connection map and the sets with their
reflections (read-only), and the routines the coach sets for them. A name that is not the
coach's client is 404, as the API answers."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from mindmuscle.coach import format_load
from mindmuscle.coach.limits import ROUTINE_EXERCISES
from mindmuscle.services import accounts
from mindmuscle.services import clients as clients_service
from mindmuscle.services import felt as felt_service
from mindmuscle.services import profile as profile_service
from mindmuscle.services.catalog import user_catalog
from mindmuscle.web.bodymap import score_colour
from mindmuscle.web.clients_api import ClientName
from mindmuscle.web.deps import Ctx, User, path_part, utcnow
from mindmuscle.web.pages import exercise_list, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


@router.get("/clients")
def clients_page(request: Request, ctx: Ctx, user: User) -> Response:
    return render(
        request, ctx, "clients.html", "settings",
        clients=clients_service.clients(db=ctx.db, coach_id=user),
        is_admin=accounts.is_admin(db=ctx.db, user_id=user),
        me=accounts.login_name(db=ctx.db, user_id=user),
    )  # fmt: skip


def _who(ctx: Ctx, client_id: int) -> dict[str, str]:
    """The client's name, shown on the page, and their key, in its links."""
    name = accounts.login_name(db=ctx.db, user_id=client_id)
    return {"who": name, "key": accounts.client_key(name=name, user_id=client_id)}


@router.get("/clients/{client_name}")
def client_page(client_name: ClientName, request: Request, ctx: Ctx, user: User) -> Response:
    client_id = clients_service.client(db=ctx.db, coach_id=user, name=client_name)
    who = _who(ctx, client_id)
    catalog = user_catalog(db=ctx.db, user_id=client_id, settings=ctx.settings)
    data = ctx.progress.get(db=ctx.db, user_id=client_id, catalog=catalog, now=utcnow())
    felt = felt_service.felt_vs_measured_report(ctx.db, client_id, catalog=catalog)
    return render(
        request, ctx, "client.html", "settings", **who, view="map", progress=data,
        colours={m: score_colour(s.score) for m, s in data.scores.items()},
        ranked=sorted(data.scores.values(), key=lambda s: -s.score), catalog=catalog,
        units=profile_service.get_profile(db=ctx.db, user_id=client_id).units, felt=felt,
        marked=felt_service.disagreeing_muscles(felt),
        marked_legend=felt_service.DISAGREE_LEGEND,
        progress_src=f"/api/clients/{path_part(who['key'])}/progress",
    )  # fmt: skip


@router.get("/clients/{client_name}/sets")
def client_sets_page(client_name: ClientName, request: Request, ctx: Ctx, user: User) -> Response:
    days = clients_service.client_days(db=ctx.db, coach_id=user, name=client_name)
    client_id = clients_service.client(db=ctx.db, coach_id=user, name=client_name)
    catalog = user_catalog(db=ctx.db, user_id=client_id, settings=ctx.settings)
    units = profile_service.get_profile(db=ctx.db, user_id=client_id).units

    def load(kg: float) -> str:
        return format_load(kg, units) if kg > 0 else "bodyweight"

    return render(
        request, ctx, "client_sets.html", "settings", **_who(ctx, client_id), view="sets",
        days=days,
        names={e.id: e.name for e in catalog.exercises.values()}, units=units, load=load,
    )  # fmt: skip


NEW_ROUTINE_ROWS = 3
"""How many exercise rows a new routine's form starts with ("Add exercise" adds more, up to
the most a routine holds)."""


@router.get("/clients/{client_name}/routines")
def client_routines_page(
    client_name: ClientName, request: Request, ctx: Ctx, user: User
) -> Response:
    routines = clients_service.client_routines(
        db=ctx.db, coach_id=user, name=client_name, settings=ctx.settings
    )
    client_id = clients_service.client(db=ctx.db, coach_id=user, name=client_name)
    catalog = user_catalog(db=ctx.db, user_id=client_id, settings=ctx.settings)
    return render(
        request, ctx, "client_routines.html", "settings", **_who(ctx, client_id), view="routines",
        routines=routines, me=accounts.login_name(db=ctx.db, user_id=user),
        routines_data=[r.model_dump(mode="json") for r in routines],
        exercises=exercise_list(catalog), rows=NEW_ROUTINE_ROWS,
        max_rows=int(ROUTINE_EXERCISES.high),
    )  # fmt: skip
