"""The JSON API under ``/api``: everything the pages do goes through it.

Each route parses its input (pydantic models: a bad value is a 422 that names the field), calls
a service, and returns pydantic models. Unsafe methods need the CSRF token (``GET /api/csrf``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from mindmuscle.catalog.models import Claim, Exercise, Mechanic, Muscle, Rule, Study, Tempo
from mindmuscle.coach.limits import INT64_MAX, MUSCLE_ID, RATING
from mindmuscle.coach.models import DrillPlan, Prescription, Profile, Readiness
from mindmuscle.coach.records import ExerciseRecords
from mindmuscle.errors import InvalidInputError, NotFoundError
from mindmuscle.services import accounts
from mindmuscle.services import catalog as catalog_service
from mindmuscle.services import drills as drill_service
from mindmuscle.services import history as history_service
from mindmuscle.services import profile as profile_service
from mindmuscle.services import sessions as session_service
from mindmuscle.services.motion import MeasuredSet, measure_web_set, period_prior_s
from mindmuscle.services.progress import Progress
from mindmuscle.services.sets import WebSetInput
from mindmuscle.services.today import (
    WebSetResult,
    active_session,
    record_web_set,
    save_web_state,
    set_timeline,
)
from mindmuscle.web.deps import (
    Ctx,
    Id,
    User,
    UserCatalog,
    WebContext,
    check_csrf,
    is_https,
    utcnow,
)
from mindmuscle.web.security import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    SESSION_MAX_AGE_S,
    new_csrf_token,
)

__all__ = ["log_in", "router", "set_csrf_cookie", "set_session_cookie"]

router = APIRouter(prefix="/api", dependencies=[Depends(check_csrf)])
MAX_MOTION_SAMPLES = 120_000


def set_csrf_cookie(response: Response, token: str, *, https: bool) -> None:
    """Give the browser its CSRF token (readable by the page's JavaScript, never cross-site)."""
    response.set_cookie(
        CSRF_COOKIE, token, max_age=SESSION_MAX_AGE_S, samesite="strict", secure=https, path="/"
    )


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- login and CSRF
class CsrfOut(BaseModel):
    token: str


@router.get("/csrf", response_model=CsrfOut, tags=["login"])
def csrf(request: Request, response: Response, ctx: Ctx) -> CsrfOut:
    """The CSRF token to send in ``X-CSRF-Token`` with every POST, PUT and DELETE."""
    token = request.cookies.get(CSRF_COOKIE) or new_csrf_token()
    set_csrf_cookie(response, token, https=is_https(request))
    return CsrfOut(token=token)


class LoginIn(_Body):
    name: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1000)


class LoginOut(BaseModel):
    user_id: int
    login_required: bool


@router.post("/login", response_model=LoginOut, tags=["login"])
def login(body: LoginIn, request: Request, response: Response, ctx: Ctx) -> LoginOut:
    """Log in with a name and password (``mindmuscle user add``); sets the session cookie.

    Refused logins are limited per address and per account from one address (the address a
    trusted proxy forwarded, if any): past the limit the answer is 429
    with ``Retry-After``.
    """
    user_id, token = log_in(request, ctx, body.name, body.password)
    set_session_cookie(response, token, https=is_https(request))
    return LoginOut(user_id=user_id, login_required=ctx.login_required)


def log_in(request: Request, ctx: WebContext, name: str, password: str) -> tuple[int, str]:
    """Check a login from ``request``'s address; the user id and the new session's token."""
    s = ctx.settings
    return accounts.log_in(
        db=ctx.db,
        name=name,
        password=password,
        now=utcnow(),
        address=request.client.host if request.client else None,
        limits=accounts.LoginLimits(
            per_address=s.login_failures_per_address,
            per_account=s.login_failures_per_account,
            window_s=s.login_window_s,
        ),
        replaces=request.cookies.get(SESSION_COOKIE),
    )


def set_session_cookie(response: Response, token: str, *, https: bool) -> None:
    """The HttpOnly, SameSite session cookie of a logged-in user."""
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_MAX_AGE_S,
        httponly=True,
        samesite="lax",
        secure=https,
        path="/",
    )


@router.post("/logout", status_code=204, tags=["login"])
def logout(request: Request, ctx: Ctx) -> Response:
    """End the session on the server and forget its cookie."""
    accounts.end_session(db=ctx.db, token=request.cookies.get(SESSION_COOKIE))
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# ---------------------------------------------------------------- profile
class ProfileOut(BaseModel):
    exists: bool
    profile: Profile


@router.get("/profile", response_model=ProfileOut, tags=["profile"])
def get_profile(ctx: Ctx, user: User) -> ProfileOut:
    """The lifter's profile (the default one, with ``exists`` false, before the first run)."""
    return ProfileOut(
        exists=profile_service.has_profile(db=ctx.db, user_id=user),
        profile=profile_service.get_profile(db=ctx.db, user_id=user),
    )


@router.put("/profile", response_model=ProfileOut, tags=["profile"])
def put_profile(profile: Profile, ctx: Ctx, user: User) -> ProfileOut:
    """Save the profile: goal, experience, units, equipment, bodyweight."""
    saved = profile_service.save_profile(db=ctx.db, user_id=user, profile=profile)
    return ProfileOut(exists=True, profile=saved)


# ---------------------------------------------------------------- today and sessions
class TodayIn(_Body):
    readiness: Readiness | None = Field(
        default=None, description="Today's readiness check; null plans without it."
    )
    exercise_ids: list[str] | None = Field(default=None, max_length=20)


@router.post("/today", response_model=session_service.TodayPlan, tags=["sessions"])
def plan_today(
    body: TodayIn, ctx: Ctx, user: User, catalog: UserCatalog
) -> session_service.TodayPlan:
    """Make today's plan from the readiness check, profile and history (stored as a session)."""
    if body.exercise_ids:
        for exercise_id in body.exercise_ids:
            catalog.exercise(exercise_id)
    return session_service.plan_today(
        db=ctx.db,
        user_id=user,
        now=utcnow(),
        readiness=body.readiness,
        catalog=catalog,
        exercise_ids=body.exercise_ids,
    )


class ActiveSession(BaseModel):
    session: session_service.SessionInfo | None
    targets: dict[str, list[str]] = Field(
        default_factory=dict, description="Target muscles of each planned exercise."
    )


@router.get("/sessions/active", response_model=ActiveSession, tags=["sessions"])
def get_active_session(ctx: Ctx, user: User, catalog: UserCatalog) -> ActiveSession:
    """The session not yet ended (planned or interrupted), with what the phone needs to run it."""
    info = active_session(db=ctx.db, user_id=user)
    if info is None or info.plan is None:
        return ActiveSession(session=None)
    # The plan's exercises and those the lifter added or swapped in (the snapshot's current).
    current = (info.snapshot or {}).get("current")
    ids = [p.exercise_id for p in info.plan.exercises] + [
        str(p.get("exercise_id")) for p in (current if isinstance(current, list) else [])
        if isinstance(p, dict)
    ]  # fmt: skip
    targets = {i: list(catalog.exercise(i).targets) for i in ids if i in catalog.exercises}
    return ActiveSession(session=info, targets=targets)


class StateIn(_Body):
    snapshot: dict[str, Any] = Field(description="A set loop snapshot (SetLoop.snapshot format).")
    web: dict[str, Any] | None = Field(default=None, description="The page's own details.")


@router.put("/sessions/{session_id}/state", tags=["sessions"])
def put_state(
    session_id: Id, body: StateIn, ctx: Ctx, user: User, catalog: UserCatalog
) -> dict[str, Any]:
    """Keep the phone's place in the session so it resumes anywhere."""
    info = session_service.get_session(db=ctx.db, user_id=user, session_id=session_id)
    if info.plan is None:
        raise NotFoundError(f"Session {session_id} has no plan to run.")
    if info.ended_at is not None:
        raise InvalidInputError(f"Session {session_id} has ended; start a new one from today.")
    return save_web_state(
        db=ctx.db,
        user_id=user,
        session_id=session_id,
        plan=info.plan,
        snapshot=body.snapshot,
        web=body.web,
        catalog=catalog,
        equipment=profile_service.get_profile(db=ctx.db, user_id=user).equipment,
    )


@router.post(
    "/sessions/{session_id}/end", response_model=session_service.SessionInfo, tags=["sessions"]
)
def end_session(session_id: Id, ctx: Ctx, user: User) -> session_service.SessionInfo:
    """End the session (a second call changes nothing)."""
    info = session_service.get_session(db=ctx.db, user_id=user, session_id=session_id)
    if info.ended_at is not None:
        return info
    return session_service.finish_session(
        db=ctx.db, user_id=user, session_id=session_id, now=utcnow()
    )


class TimelineIn(_Body):
    prescription: Prescription
    time_scale: float = Field(default=1.0, gt=0, le=10, description="1 in the gym.")


class TimelineOut(BaseModel):
    events: list[dict[str, Any]]


@router.post("/set-timeline", response_model=TimelineOut, tags=["sessions"])
def timeline(body: TimelineIn, ctx: Ctx, user: User, catalog: UserCatalog) -> TimelineOut:
    """The events of one set (count-in, tempo phases, repetitions) from the set loop."""
    exercise = catalog.exercise(body.prescription.exercise_id)
    equipment = profile_service.get_profile(db=ctx.db, user_id=user).equipment
    events = set_timeline(
        body.prescription, exercise, equipment=equipment, time_scale=body.time_scale
    )
    return TimelineOut(events=[e.model_dump(mode="json") for e in events])


# ---------------------------------------------------------------- sets
@router.post("/sets", response_model=WebSetResult, tags=["sets"])
def record_set(body: WebSetInput, ctx: Ctx, user: User) -> WebSetResult:
    """Store a set with its reflection (once per UUID) and get the next set's adaptation."""
    samples = len(body.motion.get("t_ms") or ()) if body.motion is not None else 0
    if samples > MAX_MOTION_SAMPLES:
        raise InvalidInputError(
            f"The motion recording has {samples} samples; at most {MAX_MOTION_SAMPLES} "
            "(20 minutes at 100 Hz) are kept with a set."
        )
    # The user's catalogue and profile are read in the set's own write transaction.
    result = record_web_set(writer=ctx.set_writer, user_id=user, data=body, now=utcnow())
    if ctx.live is not None:
        # The server's live sensor kept the set's samples: stored with the set now that the
        # lifter confirmed it (the set stays stored whatever becomes of its EMG). A retry of a
        # set already stored (its first answer was lost) gets the same words about its EMG.
        if result.stored_now:
            emg = ctx.live.store_set_emg(ctx.db, user, body.uuid)
        else:
            emg = ctx.live.emg_answer(ctx.db, user, body.uuid)
        if emg is not None:
            result = result.model_copy(update={"emg": emg})
    return result


@router.get("/sets", response_model=list[history_service.SetRecord], tags=["sets"])
def list_sets(
    ctx: Ctx,
    user: User,
    catalog: UserCatalog,
    exercise_id: str | None = None,
    session_id: int | None = Query(default=None, ge=1, le=INT64_MAX),
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = Query(
        default=0,
        ge=0,
        le=1_000_000_000,
        description="Skip this many of the newest sets first: the next page back in time.",
    ),
    deleted: bool = Query(
        default=False, description="Also the deleted sets (each with its deleted_at)."
    ),
) -> list[history_service.SetRecord]:
    """The newest stored sets with their reflections, oldest first (pages with ``offset``)."""
    if exercise_id is not None:
        catalog.exercise(exercise_id)
    return history_service.history(
        db=ctx.db,
        user_id=user,
        exercise_id=exercise_id,
        session_id=session_id,
        limit=limit,
        offset=offset,
        include_deleted=deleted,
    )


class MotionIn(_Body):
    exercise_id: str
    tempo: Tempo
    motion: dict[str, Any]


@router.post("/motion/analyze", response_model=MeasuredSet, tags=["sets"])
def analyze_motion(body: MotionIn, ctx: Ctx, user: User, catalog: UserCatalog) -> MeasuredSet:
    """Count the repetitions and measure the tempo of a phone motion recording."""
    catalog.exercise(body.exercise_id)
    prior = period_prior_s(db=ctx.db, user_id=user, exercise_id=body.exercise_id, tempo=body.tempo)
    return measure_web_set(
        body.motion,
        exercise_id=body.exercise_id,
        tempo=body.tempo,
        catalog=catalog,
        period_prior_s=prior,
    )


# ---------------------------------------------------------------- progress and drill
@router.get("/progress", response_model=Progress, tags=["progress"])
def progress(ctx: Ctx, user: User, catalog: UserCatalog) -> Progress:
    """Connection map, per-muscle rating trends, and weekly e1RM and volume per exercise."""
    return ctx.progress.get(db=ctx.db, user_id=user, catalog=catalog, now=utcnow())


class DrillIn(_Body):
    minutes: float = Field(default=10.0, ge=2, le=30)


@router.get("/drills/plan", response_model=DrillPlan, tags=["drill"])
def preview_drill(
    ctx: Ctx, user: User, catalog: UserCatalog, minutes: float = Query(default=10.0, ge=2, le=30)
) -> DrillPlan:
    """The drill the coach would give now, weakest muscles first (nothing is stored)."""
    return drill_service.plan_drill(
        db=ctx.db, user_id=user, now=utcnow(), minutes=minutes, catalog=catalog
    )


@router.post("/drills", response_model=drill_service.StartedDrill, tags=["drill"])
def start_drill(
    body: DrillIn, ctx: Ctx, user: User, catalog: UserCatalog
) -> drill_service.StartedDrill:
    """Plan a flexing drill, weakest muscles first (stored)."""
    return drill_service.start_drill(
        db=ctx.db, user_id=user, now=utcnow(), minutes=body.minutes, catalog=catalog
    )


class RatingIn(_Body):
    muscle_id: str = MUSCLE_ID.field()
    rating: int = RATING.field()


@router.post("/drills/{drill_id}/ratings", response_model=drill_service.DrillRating, tags=["drill"])
def rate(drill_id: Id, body: RatingIn, ctx: Ctx, user: User) -> drill_service.DrillRating:
    """Rate how well one muscle could be felt and flexed in the drill (0-10)."""
    ctx.catalog.muscle(body.muscle_id)
    return drill_service.rate_muscle(
        db=ctx.db,
        user_id=user,
        drill_id=drill_id,
        muscle_id=body.muscle_id,
        rating=body.rating,
        now=utcnow(),
    )


@router.post("/drills/{drill_id}/end", status_code=204, tags=["drill"])
def end_drill(drill_id: Id, ctx: Ctx, user: User) -> Response:
    """Mark the drill as done."""
    drill_service.finish_drill(db=ctx.db, user_id=user, drill_id=drill_id, now=utcnow())
    return Response(status_code=204)


# ---------------------------------------------------------------- catalogue and evidence
@router.get("/exercises", response_model=list[Exercise], tags=["catalogue"])
def exercises(
    ctx: Ctx, user: User, catalog: UserCatalog, muscle: str | None = None
) -> list[Exercise]:
    """Every exercise card (or those for one target muscle)."""
    if muscle is not None:
        return catalog.exercises_for(muscle)
    return sorted(catalog.exercises.values(), key=lambda e: e.name)


@router.get("/exercises/{exercise_id}", response_model=Exercise, tags=["catalogue"])
def exercise(exercise_id: str, ctx: Ctx, user: User, catalog: UserCatalog) -> Exercise:
    """One exercise card."""
    return catalog.exercise(exercise_id)


@router.get("/exercises/{exercise_id}/records", response_model=ExerciseRecords, tags=["catalogue"])
def exercise_records(
    exercise_id: str, ctx: Ctx, user: User, catalog: UserCatalog
) -> ExerciseRecords:
    """Your records of one exercise: best e1RM, best set (heaviest load x reps), the newest
    five sets; loads in kg."""
    catalog.exercise(exercise_id)
    found = history_service.exercise_records(
        db=ctx.db, user_id=user, sets=ctx.progress.sets(db=ctx.db, user_id=user)
    )
    return found.get(exercise_id) or ExerciseRecords(
        exercise_id=exercise_id,
        n_sets=0,
        best_e1rm_kg=None,
        best_e1rm_set=None,
        best_set=None,
        recent=[],
    )


class TargetsIn(_Body):
    targets: list[str] = Field(
        min_length=1, max_length=10, description="Muscle ids of the catalogue (GET /api/muscles)."
    )
    mechanic: Mechanic | None = Field(
        default=None,
        description="The exercise's kind when you know it: isolation or compound (left out: "
        "kept as it is).",
    )


@router.put("/exercises/{exercise_id}/targets", response_model=Exercise, tags=["catalogue"])
def assign_targets(exercise_id: str, body: TargetsIn, ctx: Ctx, user: User) -> Exercise:
    """Assign the target muscles of one of your own exercises (one made by a log import).

    Until then it has no target and is left out of the connection map. An unknown muscle is a
    422 with close ids; built-in exercises keep their targets (422).
    """
    return catalog_service.assign_exercise_targets(
        db=ctx.db,
        user_id=user,
        exercise_id=exercise_id,
        targets=body.targets,
        mechanic=body.mechanic,
        settings=ctx.settings,
    )


@router.get("/muscles", response_model=list[Muscle], tags=["catalogue"])
def muscles(ctx: Ctx, user: User) -> list[Muscle]:
    """Every muscle of the body map."""
    return list(ctx.catalog.muscles.values())


class EvidenceOut(BaseModel):
    studies: list[Study]
    rules: list[Rule]
    claims: list[Claim]


@router.get("/evidence", response_model=EvidenceOut, tags=["catalogue"])
def evidence(ctx: Ctx, user: User) -> EvidenceOut:
    """The studies, the coach's rules, and the claims the app does not repeat."""
    c = ctx.catalog
    return EvidenceOut(studies=list(c.studies.values()), rules=list(c.rules), claims=list(c.claims))
