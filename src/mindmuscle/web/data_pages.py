"""The data pages: import and export, EMG and motion recordings, focus experiments, reports.

The pages render what they list from the services; uploads and actions go through
:mod:`mindmuscle.web.data_api`. The two report routes answer with the self-contained HTML
reports (plotly.js inline, so a saved copy works offline too).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from mindmuscle.catalog import Catalog
from mindmuscle.errors import counted
from mindmuscle.experiments import PRESETS
from mindmuscle.io.plots.experiment_groups import render_group_html
from mindmuscle.io.plots.experiments import render_experiment_html
from mindmuscle.services import emg as emg_service
from mindmuscle.services import experiment_groups as group_service
from mindmuscle.services import experiments as experiment_service
from mindmuscle.services import history as history_service
from mindmuscle.services import profile as profile_service
from mindmuscle.web.data_api import GroupRefs
from mindmuscle.web.deps import Ctx, Id, User, UserCatalog, WebContext
from mindmuscle.web.guard import inline_page_policy
from mindmuscle.web.pages import render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _report(page: str) -> HTMLResponse:
    """A self-contained report page, with the policy that lets its own inline scripts run."""
    return HTMLResponse(
        page,
        headers={
            "Cache-Control": "no-store",
            "Content-Security-Policy": inline_page_policy(page),
        },
    )


@router.get("/import")
def import_page(request: Request, ctx: Ctx, user: User) -> Response:
    profile = profile_service.get_profile(db=ctx.db, user_id=user)
    return render(request, ctx, "import.html", "settings", units=profile.units)


@router.get("/emg")
def emg_page(
    request: Request, ctx: Ctx, user: User, catalog: UserCatalog, set: str | None = None
) -> Response:
    sets = _recent_sets(ctx, user, catalog)
    recordings = emg_service.list_emg_recordings(db=ctx.db, user_id=user, limit=10)
    muscles = sorted(catalog.muscles.values(), key=lambda m: m.name)
    return render(
        request, ctx, "emg.html", "settings", sets=sets, chosen_set=set or "",
        recordings=recordings, muscles=muscles,
    )  # fmt: skip


def _recent_sets(ctx: WebContext, user: int, catalog: Catalog) -> list[dict[str, str]]:
    """The user's 15 newest sets, newest first, each with its uuid and a label of its time,
    exercise name and reps (a file's set is chosen from these)."""
    recent = history_service.history(db=ctx.db, user_id=user, limit=15)
    names = catalog.exercises
    return [
        {
            "uuid": r.uuid,
            "exercise_id": r.exercise_id,
            "label": f"{r.performed_at:%d %b %Y %H:%M} · "
            f"{names[r.exercise_id].name if r.exercise_id in names else r.exercise_id} · "
            f"{counted(r.reps, 'rep')}",
        }
        for r in reversed(recent)
    ]


@router.get("/motion")
def motion_page(
    request: Request, ctx: Ctx, user: User, catalog: UserCatalog, set: str | None = None
) -> Response:
    exercises = sorted(catalog.exercises.values(), key=lambda e: e.name)
    return render(
        request, ctx, "motion.html", "settings", exercises=exercises,
        sets=_recent_sets(ctx, user, catalog), chosen_set=set or "",
    )  # fmt: skip


@router.get("/experiments")
def experiments_page(request: Request, ctx: Ctx, user: User, catalog: UserCatalog) -> Response:
    found = list(reversed(experiment_service.list_experiments(db=ctx.db, user_id=user)))
    exercises = sorted(catalog.exercises.values(), key=lambda e: e.name)
    units = profile_service.get_profile(db=ctx.db, user_id=user).units
    choices = group_service.group_choices(db=ctx.db, user_id=user)
    return render(
        request, ctx, "experiments.html", "settings", experiments=found, presets=PRESETS,
        exercises=exercises, units=units, choices=choices,
    )  # fmt: skip


@router.get("/skill-test")
def skill_test_page(request: Request, ctx: Ctx, user: User) -> Response:
    return render(request, ctx, "skill_test.html", "settings", live=ctx.live is not None)


@router.get("/emg/recordings/{recording_id}/report")
def emg_report(recording_id: Id, ctx: Ctx, user: User) -> Response:
    page = emg_service.emg_report_html(db=ctx.db, user_id=user, recording_id=recording_id)
    return _report(page)


@router.get("/experiments/{experiment_id}/report")
def experiment_report(experiment_id: Id, ctx: Ctx, user: User) -> Response:
    result = experiment_service.analyze_experiment(
        db=ctx.db, user_id=user, experiment_id=experiment_id
    )
    return _report(render_experiment_html(result.analysis))


@router.get("/experiment-groups/report")
def experiment_group_report(e: GroupRefs, ctx: Ctx, user: User) -> Response:
    members = group_service.group_members(db=ctx.db, user_id=user, refs=e, clients_only=True)
    result = group_service.analyze_experiment_group(db=ctx.db, members=members)
    return _report(render_group_html(result.analysis))
