"""The HTML pages. Each renders what it shows from the services; actions go through ``/api``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from mindmuscle.catalog import Catalog
from mindmuscle.coach import default_equipment, format_load
from mindmuscle.coach.limits import ROUTINE_EXERCISES
from mindmuscle.errors import AuthError, TooManyLoginsError
from mindmuscle.services import accounts
from mindmuscle.services import felt as felt_service
from mindmuscle.services import history as history_service
from mindmuscle.services import profile as profile_service
from mindmuscle.services import routines as routine_service
from mindmuscle.services.today import today_view
from mindmuscle.units import from_kg
from mindmuscle.web.api import log_in, set_csrf_cookie, set_session_cookie
from mindmuscle.web.bodymap import OUTLINE, SHAPES, score_colour
from mindmuscle.web.deps import Ctx, User, UserCatalog, WebContext, check_csrf, is_https, utcnow
from mindmuscle.web.guard import CHART_PAGE_POLICY
from mindmuscle.web.security import CSRF_COOKIE, new_csrf_token

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


CHART_PAGES = frozenset({"emg.html", "skill_test.html"})
"""The pages that draw plotly charts (they get :data:`CHART_PAGE_POLICY`)."""


def render(request: Request, ctx: WebContext, template: str, nav: str, **context: Any) -> Response:
    """Render a page, giving the browser its CSRF cookie when it has none."""
    token = request.cookies.get(CSRF_COOKIE) or new_csrf_token()
    names = {m.id: m.name for m in ctx.catalog.muscles.values()}
    response: Response = request.app.state.templates.TemplateResponse(
        request,
        template,
        {
            "page": template.removesuffix(".html"),
            "nav": nav,
            "csrf_token": token,
            "shapes": SHAPES,
            "outline": OUTLINE,
            "muscle_names": names,
            **context,
        },
    )
    if CSRF_COOKIE not in request.cookies:
        set_csrf_cookie(response, token, https=is_https(request))
    if template in CHART_PAGES:
        response.headers["Content-Security-Policy"] = CHART_PAGE_POLICY
    return response


def exercise_list(catalog: Catalog) -> list[dict[str, Any]]:
    """The user's exercises as the workout editor's picker shows them (names, not ids)."""

    def short(m: str) -> str:
        return catalog.muscles[m].short_name if m in catalog.muscles else m

    return [
        {"id": e.id, "name": e.name, "targets": [short(m) for m in e.targets],
         "equipment": e.equipment.value.replace("_", " ")}
        for e in sorted(catalog.exercises.values(), key=lambda e: e.name)
    ]  # fmt: skip


@router.get("/")
def home(ctx: Ctx, user: User) -> Response:
    if not profile_service.has_profile(db=ctx.db, user_id=user):
        return RedirectResponse("/first-run", status_code=303)
    return RedirectResponse("/today", status_code=303)


@router.get("/first-run")
def first_run(request: Request, ctx: Ctx, user: User) -> Response:
    profile = profile_service.get_profile(db=ctx.db, user_id=user)
    return render(
        request, ctx, "first_run.html", "settings", profile=profile, first=True,
        defaults={u: default_equipment(u).model_dump() for u in ("kg", "lb")},
    )  # fmt: skip


@router.get("/today")
def today(request: Request, ctx: Ctx, user: User, catalog: UserCatalog) -> Response:
    now = utcnow()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    view = today_view(db=ctx.db, user_id=user, since=midnight)
    if not view.has_profile:
        return RedirectResponse("/first-run", status_code=303)
    info = view.session
    todays = info if info is not None and info.started_at >= midnight else None
    older = info if info is not None and todays is None and info.snapshot is not None else None
    routines = routine_service.list_routines(db=ctx.db, user_id=user, catalog=catalog)
    return render(
        request, ctx, "today.html", "today", session=todays, older=older,
        readiness_score=view.readiness_score, now=now, routines=routines,
    )  # fmt: skip


@router.get("/session")
def session_page(request: Request, ctx: Ctx, user: User, catalog: UserCatalog) -> Response:
    muscles = [
        {"id": m.id, "name": m.name, "region": str(m.region.value)}
        for m in ctx.catalog.muscles.values()
    ]
    return render(
        request, ctx, "session.html", "today", muscles=muscles, exercises=exercise_list(catalog)
    )


@router.get("/routines")
def routines_page(request: Request, ctx: Ctx, user: User, catalog: UserCatalog) -> Response:
    routines = routine_service.list_routines(db=ctx.db, user_id=user, catalog=catalog)
    return render(
        request, ctx, "routines.html", "today",
        routines=[r.model_dump(mode="json") for r in routines], exercises=exercise_list(catalog),
        max_rows=int(ROUTINE_EXERCISES.high),
    )  # fmt: skip


@router.get("/drill")
def drill(request: Request, ctx: Ctx, user: User) -> Response:
    return render(request, ctx, "drill.html", "drill")


@router.get("/progress")
def progress(request: Request, ctx: Ctx, user: User, catalog: UserCatalog) -> Response:
    data = ctx.progress.get(db=ctx.db, user_id=user, catalog=catalog, now=utcnow())
    colours = {m: score_colour(s.score) for m, s in data.scores.items()}
    ranked = sorted(data.scores.values(), key=lambda s: -s.score)
    felt = felt_service.felt_vs_measured_report(ctx.db, user, catalog=catalog)
    return render(
        request, ctx, "progress.html", "progress", progress=data, colours=colours, ranked=ranked,
        catalog=catalog, units=profile_service.get_profile(db=ctx.db, user_id=user).units,
        felt=felt, marked=felt_service.disagreeing_muscles(felt),
        marked_legend=felt_service.DISAGREE_LEGEND,
    )  # fmt: skip


@router.get("/exercises")
def exercises(request: Request, ctx: Ctx, user: User, catalog: UserCatalog) -> Response:
    records = history_service.exercise_records(
        db=ctx.db, user_id=user, sets=ctx.progress.sets(db=ctx.db, user_id=user)
    )
    units = profile_service.get_profile(db=ctx.db, user_id=user).units
    # The exercises the lifter has done come first, each card with its history and records.
    cards = sorted(
        catalog.exercises.values(), key=lambda e: (e.id not in records, e.region, e.name)
    )

    def load(kg: float) -> str:
        return format_load(kg, units) if kg > 0 else "bodyweight"

    def estimate(kg: float) -> str:
        # An estimated 1RM is no more precise than a tenth of the lifter's unit.
        return f"{round(from_kg(kg, units), 1):g} {units}"

    return render(
        request, ctx, "exercises.html", "exercises", cards=cards, catalog=catalog,
        records=records, load=load, estimate=estimate,
    )  # fmt: skip


@router.get("/history")
def history_page(request: Request, ctx: Ctx, user: User, catalog: UserCatalog) -> Response:
    names = {e.id: e.name for e in catalog.exercises.values()}
    units = profile_service.get_profile(db=ctx.db, user_id=user).units
    muscles = [
        {"id": m.id, "name": m.short_name, "region": str(m.region.value)}
        for m in catalog.muscles.values()
    ]
    return render(
        request, ctx, "history.html", "history", names=names, units=units, muscles=muscles
    )


@router.get("/evidence")
def evidence(request: Request, ctx: Ctx, user: User) -> Response:
    return render(request, ctx, "evidence.html", "settings", catalog=ctx.catalog)


@router.get("/settings")
def settings(request: Request, ctx: Ctx, user: User) -> Response:
    profile = profile_service.get_profile(db=ctx.db, user_id=user)
    # A coach's way to their clients (None: not a coach, no card).
    clients = (
        len(accounts.client_names(db=ctx.db, coach_id=user))
        if accounts.is_admin(db=ctx.db, user_id=user)
        else None
    )
    return render(
        request, ctx, "first_run.html", "settings", profile=profile, first=False,
        defaults={u: default_equipment(u).model_dump() for u in ("kg", "lb")}, clients=clients,
    )  # fmt: skip


@router.get("/login")
def login_page(request: Request, ctx: Ctx, next: str = "/today") -> Response:
    if not ctx.login_required:
        return RedirectResponse("/today", status_code=303)
    name = accounts.login_form_name(db=ctx.db)
    return render(request, ctx, "login.html", "", next=_safe_next(next), name=name, error=None)


def _safe_next(target: str) -> str:
    # Only paths of this app: never an open redirect to another site.
    return target if target.startswith("/") and not target.startswith("//") else "/today"


@router.post("/login", dependencies=[Depends(check_csrf)])
def login_form(
    request: Request,
    ctx: Ctx,
    name: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form()] = "/today",
) -> Response:
    try:
        _, token = log_in(request, ctx, name, password)
    except AuthError as exc:
        response = render(
            request, ctx, "login.html", "", next=_safe_next(next), name=name, error=str(exc)
        )
        response.status_code = 401
        if isinstance(exc, TooManyLoginsError):
            response.status_code = 429
            response.headers["Retry-After"] = str(exc.retry_after_s)
        return response
    response = RedirectResponse(_safe_next(next), status_code=303)
    set_session_cookie(response, token, https=is_https(request))
    return response
