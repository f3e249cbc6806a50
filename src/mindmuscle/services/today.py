"""Today's guided session as the phone plays it: what the Today page shows, and what the
phone's set loop needs from the server.

The phone plays the set loop itself (so it goes on without network) and uses the server for
three things, each here:

- :func:`set_timeline`: the events of one set (count-in, tempo phases with their words and
  breathing, repetitions) from the real :class:`~mindmuscle.session.SetLoop`, so the page
  shows and sounds exactly what the terminal does;
- :func:`record_web_set`: store a set with its reflection and phone motion, once per UUID
  (through :class:`~mindmuscle.services.sets.SetWriter`), and return the coach's adaptation
  of the next set;
- :func:`save_web_state`: keep the phone's place in the session as a set loop snapshot, so
  the session resumes on another device or in the terminal.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mindmuscle.catalog import Catalog
from mindmuscle.catalog.models import Exercise
from mindmuscle.coach import adapt, as_lifted
from mindmuscle.coach.loads import plan_in_units
from mindmuscle.coach.models import (
    Adaptation,
    EquipmentProfile,
    Plan,
    Prescription,
)
from mindmuscle.errors import InvalidInputError
from mindmuscle.services.sessions import (
    SessionInfo,
    reader_unit,
    snapshot_in_units,
    workout_exercises,
)
from mindmuscle.services.sets import SetRecord, SetWriter, WebSetInput
from mindmuscle.session import Event, LoopOptions, SetLoop
from mindmuscle.store import Database, repo
from mindmuscle.store.tables import SessionRow
from mindmuscle.units import MassUnit

__all__ = [
    "TodayView",
    "WebSetResult",
    "active_session",
    "record_web_set",
    "save_web_state",
    "set_timeline",
    "today_view",
]


class WebSetResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    set: SetRecord
    stored_now: bool = Field(description="False when this UUID was already stored (a retry).")
    adaptation: Adaptation | None
    emg: str | None = Field(
        default=None,
        description="With the server's live sensor: what it measured during the set, stored "
        "with it (e.g. '62% MVC', then what the stream lacked: '62% MVC; 2.0 s of samples are "
        "missing'), or why no EMG was stored; null without one.",
    )


# (id of the database, session id, the unit it is read in) -> its plan, in that unit
_PLANS: dict[tuple[int, int, MassUnit | None], Plan] = {}


def _session_info(db: Database, row: SessionRow, unit: MassUnit | None) -> SessionInfo:
    """The session as the lifter reads it now: its plan and the prescriptions of its snapshot
    in ``unit``, the profile's (a plan made in kg reads in lb once the lifter switched)."""
    # A session's plan never changes once stored (adapted sets live in its state): parse it once.
    key = (id(db), row.id, unit)
    plan = _PLANS.get(key)
    if plan is None and row.plan is not None:
        plan = Plan.model_validate(row.plan)
        if unit is not None:
            plan = plan_in_units(plan, unit)
        if len(_PLANS) > 256:
            _PLANS.clear()
        _PLANS[key] = plan
    snapshot = snapshot_in_units(row.state, unit)
    done = len(snapshot.get("completed", [])) if isinstance(snapshot, dict) else 0
    return SessionInfo(
        session_id=row.id,
        started_at=row.started_at,
        ended_at=row.ended_at,
        source=row.source,
        plan=plan,
        snapshot=snapshot,
        sets_done=done,
    )


def active_session(*, db: Database, user_id: int) -> SessionInfo | None:
    """The newest guided session not yet ended, or None.

    Like :func:`mindmuscle.services.sessions.open_session`, but ``sets_done`` counts the sets
    confirmed in the session's snapshot instead of reading the session's sets, so the today
    page stays one indexed lookup however long the history.
    """
    with db.session(readonly=True) as s:
        row = repo.latest_open_session(session=s, user_id=user_id, source="guided")
        return None if row is None else _session_info(db, row, reader_unit(s, user_id))


class TodayView(BaseModel):
    """What the today page shows, read in one transaction."""

    model_config = ConfigDict(frozen=True)

    has_profile: bool
    session: SessionInfo | None = Field(description="The newest session not yet ended.")
    readiness_score: float | None = Field(description="Today's readiness (0-1), if checked.")


def today_view(*, db: Database, user_id: int, since: datetime) -> TodayView:
    """The profile flag, the open session and the readiness recorded since ``since``."""
    with db.session(readonly=True) as s:
        unit = reader_unit(s, user_id)
        row = repo.latest_open_session(session=s, user_id=user_id, source="guided")
        ready = repo.latest_readiness(session=s, user_id=user_id)
        return TodayView(
            has_profile=unit is not None,
            session=None if row is None else _session_info(db, row, unit),
            readiness_score=ready.score
            if ready is not None and ready.recorded_at >= since
            else None,
        )


def set_timeline(
    prescription: Prescription,
    exercise: Exercise,
    *,
    equipment: EquipmentProfile,
    time_scale: float = 1.0,
    count_in_s: int = 3,
) -> list[Event]:
    """The events of one set of ``prescription``, from its start (``at_ms`` = 0) to its end.

    Parameters
    ----------
    prescription : Prescription
        The set's prescription (tempo, repetitions, cue).
    exercise : Exercise
        Its catalogue card (movement direction and breathing decide the words).
    equipment : EquipmentProfile
        What the lifter owns (the loop needs it; no load is changed here).
    time_scale : float
        Multiplies every duration (1.0 in the gym; smaller for demos and tests).
    count_in_s : int
        Seconds of count-in before the first repetition.
    """
    plan = Plan(
        decision="train",
        reason="one set",
        goal="hypertrophy",
        units=prescription.units,
        exercises=[prescription],
    )
    loop = SetLoop(
        plan,
        {exercise.id: exercise},
        equipment,
        LoopOptions(squeeze_test=False, visualisation_s=0, count_in_s=count_in_s,
                    time_scale=time_scale),
    )  # fmt: skip
    loop.start(0)
    events = loop.ready(0)
    due = loop.next_due_ms()
    while loop.state == "set" and due is not None:
        events += loop.advance(due)
        due = loop.next_due_ms()
    keep = {"set_started", "count_in", "tempo_phase", "rep_completed"}
    return [e for e in events if e.type in keep]


def record_web_set(
    *,
    writer: SetWriter,
    user_id: int,
    data: WebSetInput,
    now: datetime,
    catalog: Catalog | None = None,
) -> WebSetResult:
    """Store a set from the phone (once per UUID) and adapt the next set.

    The set, its reflection and its motion recording are stored in one transaction, which
    also reads the user's catalogue (unless ``catalog`` is given) and profile (whose equipment
    adapts the next set). A retry of a set already stored changes nothing and returns the
    same adaptation.

    Raises
    ------
    mindmuscle.errors.UnknownIdError
        The exercise is not in the catalogue.
    mindmuscle.errors.NotFoundError
        ``session_id`` is not a session of this user.
    """
    if data.prescription is not None and data.prescription.exercise_id != data.exercise_id:
        raise InvalidInputError(
            f"The prescription is for {data.prescription.exercise_id!r} but the set is "
            f"{data.exercise_id!r}; send the prescription of this set."
        )
    written = writer.store(user_id=user_id, data=data, catalog=catalog, now=now)
    adaptation = None
    if data.prescription is not None:
        adaptation = adapt(
            as_lifted(data.prescription, data.load_kg),
            data.reflection,
            exercise=written.catalog.exercise(data.exercise_id),
            equipment=written.profile.equipment,
            set_index=data.set_index,
            muscles=written.catalog.muscles,
        )
    return WebSetResult(set=written.record, stored_now=written.stored_now, adaptation=adaptation)


def save_web_state(
    *,
    db: Database,
    user_id: int,
    session_id: int,
    plan: Plan,
    snapshot: dict[str, Any],
    catalog: Catalog,
    equipment: EquipmentProfile,
    web: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Check that ``snapshot`` is a set loop snapshot of ``plan`` and store it.

    The snapshot is restored once with :meth:`SetLoop.restore` (which refuses a malformed one),
    so the terminal can resume what the phone left. ``web`` keeps the page's own details (rest
    end time, eyes-closed mode) beside it.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        The snapshot does not fit the plan.
    """
    try:
        exercises = workout_exercises(plan, catalog, snapshot)
        loop = SetLoop.restore(snapshot, plan, exercises, equipment)
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, InvalidInputError):
            raise
        raise InvalidInputError(
            f"The session state is not a set loop snapshot of this session's plan: {exc}."
        ) from exc
    ex, set_index = loop.position
    # The lifter may have added, removed or swapped exercises: the snapshot's own list counts.
    n = len(snapshot["current"])
    if ex > n:
        raise InvalidInputError(f"The session state points at exercise {ex + 1} but it has {n}.")
    stored = loop.snapshot() | {"state": snapshot["state"], "position": [ex, set_index]}
    if web is not None:
        stored["web"] = web
    with db.session() as s:
        repo.save_session_state(session=s, user_id=user_id, session_id=session_id, state=stored)
    return stored
