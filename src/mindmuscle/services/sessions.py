"""Training sessions: today's plan, the guided set loop kept safe in the store, and resuming.

The flow::

    today = plan_today(db=db, user_id=1, now=now, readiness=Readiness(...))   # stored plan
    run = GuidedRun.start(db=db, user_id=1, session_id=today.session_id, now=now)
    run.handle(run.loop.start(0))          # every batch of loop events goes through handle()
    ...
    run = GuidedRun.resume(db=db, user_id=1, now=now)   # after a crash: where it stopped

Every confirmed set is stored, with the loop's snapshot, in one transaction before
:meth:`GuidedRun.handle` returns, so what the lifter saw confirmed survives a crash.
"""

from __future__ import annotations

import uuid as uuid_mod
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy.orm import Session

from mindmuscle.catalog import Catalog
from mindmuscle.catalog.models import Exercise
from mindmuscle.coach import adapt, assess_readiness, build_plan
from mindmuscle.coach.catalog_view import CatalogView
from mindmuscle.coach.loads import plan_in_units, prescription_in_units
from mindmuscle.coach.models import (
    Adaptation,
    EquipmentProfile,
    LoggedSet,
    Plan,
    Prescription,
    Profile,
    Readiness,
    ReadinessDecision,
    Reflection,
)
from mindmuscle.coach.plan import PlanHistory
from mindmuscle.config import get_settings
from mindmuscle.errors import InvalidInputError, NotFoundError, counted
from mindmuscle.services.catalog import load_user_catalog
from mindmuscle.services.history import (
    SetInput,
    SetRecord,
    logged_sets,
    user_catalog,
)
from mindmuscle.services.plan_history import plan_history
from mindmuscle.services.profile import get_profile, record_readiness
from mindmuscle.services.sets import store_set
from mindmuscle.session import CompletedSet, Event, LoopOptions, SetLoop
from mindmuscle.session.events import SetConfirmedEvent
from mindmuscle.store import Database, SessionCreate, SetEmgCreate, repo
from mindmuscle.store.tables import SessionRow
from mindmuscle.units import MassUnit

__all__ = [
    "GuidedRun",
    "SessionInfo",
    "TodayPlan",
    "confirm_set",
    "finish_session",
    "get_session",
    "list_sessions",
    "open_session",
    "plan_today",
    "preview_plan",
    "reader_unit",
    "save_snapshot",
    "session_to_run",
    "snapshot_in_units",
    "store_plan",
    "workout_exercises",
]


class TodayPlan(BaseModel):
    """Today's plan, stored as a session that has not started yet."""

    model_config = ConfigDict(frozen=True)

    session_id: int
    plan: Plan
    decision: ReadinessDecision | None


class SessionInfo(BaseModel):
    """A stored training session."""

    model_config = ConfigDict(frozen=True)

    session_id: int
    started_at: datetime
    ended_at: datetime | None
    source: str
    plan: Plan | None
    snapshot: dict[str, Any] | None
    sets_done: int

    @property
    def resumable(self) -> bool:
        """Not ended, and the set loop has started (there is a snapshot to resume from)."""
        return self.ended_at is None and self.snapshot is not None


def reader_unit(s: Session, user_id: int) -> MassUnit | None:
    """The unit the lifter reads loads in now (their profile's), None without a profile."""
    profile = repo.get_profile(session=s, user_id=user_id)
    return None if profile is None else ("lb" if profile.units == "lb" else "kg")


def snapshot_in_units(
    snapshot: dict[str, Any] | None, unit: MassUnit | None
) -> dict[str, Any] | None:
    """A set loop snapshot whose prescriptions to come (adapted ones included) read in
    ``unit``, as :func:`mindmuscle.coach.loads.plan_in_units` does for the plan."""
    current = None if snapshot is None else snapshot.get("current")
    if unit is None or snapshot is None or not isinstance(current, list):
        return snapshot
    restated = []
    for p in current:
        if isinstance(p, dict) and p.get("units") not in (None, unit):
            p = prescription_in_units(Prescription.model_validate(p), unit).model_dump(mode="json")
        restated.append(p)
    return {**snapshot, "current": restated}


def _info(row: SessionRow, sets_done: int, unit: MassUnit | None = None) -> SessionInfo:
    """A stored session as the lifter reads it: its plan's loads in ``unit`` (the profile's
    now, which may differ from the one the plan was made in); what is stored is unchanged."""
    plan = None if row.plan is None else Plan.model_validate(row.plan)
    return SessionInfo(
        session_id=row.id,
        started_at=row.started_at,
        ended_at=row.ended_at,
        source=row.source,
        plan=plan if plan is None or unit is None else plan_in_units(plan, unit),
        snapshot=snapshot_in_units(row.state, unit),
        sets_done=sets_done,
    )


def preview_plan(
    *,
    db: Database | None,
    user_id: int,
    now: datetime,
    readiness: Readiness | None,
    profile: Profile | None = None,
    exercise_ids: Sequence[str] | None = None,
    e1rm_overrides: Mapping[str, float] | None = None,
    catalog: Catalog | None = None,
    history: Sequence[LoggedSet] | None = None,
) -> Plan:
    """Today's plan from the stored profile and history, without storing anything.

    Parameters
    ----------
    db : Database or None
        None plans without stored data (default profile, no history).
    profile : Profile or None
        Replaces the stored profile (the caller may start from :func:`get_profile`).
    e1rm_overrides : mapping of str to float, optional
        Exercise id -> e1RM in kg, used instead of the history.
    history : sequence of LoggedSet, optional
        The user's logged sets when the caller already holds them; otherwise the plan reads
        the history's totals and its recent sets (:mod:`mindmuscle.services.plan_history`),
        with the same result.
    """
    read: Sequence[LoggedSet] | PlanHistory
    if db is None:
        catalog = catalog or load_user_catalog(get_settings())
        read = list(history or [])
        profile = profile or Profile()
    else:
        catalog = catalog or user_catalog(db=db, user_id=user_id)
        profile = profile or get_profile(db=db, user_id=user_id)
        if history is None:
            read = plan_history(db=db, user_id=user_id, catalog=catalog, now=now)
        else:
            read = history
    return build_plan(
        catalog=catalog,
        profile=profile,
        readiness=readiness,
        history=read,
        now=now,
        e1rm_overrides=dict(e1rm_overrides or {}),
        exercise_ids=None if exercise_ids is None else list(exercise_ids),
    )


def plan_today(
    *,
    db: Database,
    user_id: int,
    now: datetime,
    readiness: Readiness | None,
    exercise_ids: Sequence[str] | None = None,
    e1rm_overrides: Mapping[str, float] | None = None,
    catalog: Catalog | None = None,
    history: Sequence[LoggedSet] | None = None,
) -> TodayPlan:
    """Make today's plan from the readiness check, the stored profile and history; store it.

    The readiness check (if given) and the plan are stored; the plan becomes a session that
    :class:`GuidedRun` runs. ``history`` is as for :func:`preview_plan`.
    """
    decision = None if readiness is None else assess_readiness(readiness)
    plan = preview_plan(
        db=db,
        user_id=user_id,
        now=now,
        readiness=readiness,
        exercise_ids=exercise_ids,
        e1rm_overrides=e1rm_overrides,
        catalog=catalog,
        history=history,
    )
    readiness_id = None
    if readiness is not None:
        entry = record_readiness(
            db=db, user_id=user_id, readiness=readiness, decision=decision, now=now
        )
        readiness_id = entry.id
    return store_plan(
        db=db, user_id=user_id, now=now, plan=plan, readiness_id=readiness_id, decision=decision
    )


def store_plan(
    *,
    db: Database,
    user_id: int,
    now: datetime,
    plan: Plan,
    readiness_id: int | None = None,
    decision: ReadinessDecision | None = None,
) -> TodayPlan:
    """Store ``plan`` as the session to run next (today's plan, a routine, an empty workout).

    Only one plan waits to be run: an older one that was never begun is closed.
    """
    with db.session() as s:
        # Only one plan waits to be run: an older plan that was never begun is closed.
        while (
            old := repo.latest_open_session(
                session=s, user_id=user_id, source="guided", started=False
            )
        ) is not None:
            repo.end_session(session=s, user_id=user_id, session_id=old.id, ended_at=now)
        row = repo.create_session(
            session=s,
            user_id=user_id,
            data=SessionCreate(
                started_at=now,
                plan=plan.model_dump(mode="json"),
                source="guided",
                readiness_id=readiness_id,
                planned=[p.model_dump(mode="json") for p in plan.exercises],
            ),
        )
        session_id = row.id
    return TodayPlan(session_id=session_id, plan=plan, decision=decision)


def workout_exercises(
    plan: Plan, catalog: Catalog, snapshot: Mapping[str, Any] | None = None
) -> dict[str, Exercise]:
    """The catalogue cards of a session's exercises: the plan's and, once the lifter changed
    the workout (added or swapped an exercise), those of the snapshot's current prescriptions.

    Raises
    ------
    mindmuscle.errors.UnknownIdError
        An exercise the catalogue lacks.
    """
    ids = [p.exercise_id for p in plan.exercises]
    current = snapshot.get("current") if snapshot is not None else None
    if isinstance(current, list):
        ids += [
            str(p["exercise_id"]) for p in current if isinstance(p, dict) and "exercise_id" in p
        ]
    return {exercise_id: catalog.exercise(exercise_id) for exercise_id in ids}


def session_to_run(
    *,
    db: Database,
    user_id: int,
    now: datetime,
    exercise_ids: Sequence[str] | None = None,
    replace_interrupted: bool = False,
) -> int:
    """The id of the session to run now: today's stored plan, else a new plan.

    A plan stored on another day, or one replaced by ``exercise_ids``, is closed first.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        A session was interrupted (resume it, or pass ``replace_interrupted=True`` to close it).
    """
    interrupted = open_session(db=db, user_id=user_id, started=True)
    if interrupted is not None:
        if not replace_interrupted:
            raise InvalidInputError(
                f"Session {interrupted.session_id} was interrupted with "
                f"{counted(interrupted.sets_done, 'set')} done: continue it with "
                "`mindmuscle session --resume`, or start another with `mindmuscle session --new`."
            )
        finish_session(db=db, user_id=user_id, session_id=interrupted.session_id, now=now)
    pending = open_session(db=db, user_id=user_id, started=False)
    if pending is not None and pending.started_at.date() == now.date() and not exercise_ids:
        return pending.session_id
    made = plan_today(db=db, user_id=user_id, now=now, readiness=None, exercise_ids=exercise_ids)
    return made.session_id


def get_session(*, db: Database, user_id: int, session_id: int) -> SessionInfo:
    """One stored session; NotFoundError if it is not this user's."""
    with db.session(readonly=True) as s:
        row = repo.get_session(session=s, user_id=user_id, session_id=session_id)
        n = len(repo.list_sets(session=s, user_id=user_id, session_id=session_id))
        return _info(row, n, reader_unit(s, user_id))


def list_sessions(*, db: Database, user_id: int, limit: int | None = None) -> list[SessionInfo]:
    """Stored sessions, newest first."""
    with db.session(readonly=True) as s:
        rows = repo.list_sessions(session=s, user_id=user_id, limit=limit)
        unit = reader_unit(s, user_id)
        return [
            _info(r, len(repo.list_sets(session=s, user_id=user_id, session_id=r.id)), unit)
            for r in rows
        ]


def open_session(*, db: Database, user_id: int, started: bool | None = None) -> SessionInfo | None:
    """The newest guided session that has not ended, or None.

    ``started``: True for an interrupted session (its set loop has begun), False for a plan
    not begun yet, None for either.
    """
    with db.session(readonly=True) as s:
        row = repo.latest_open_session(session=s, user_id=user_id, source="guided", started=started)
        if row is None:
            return None
        n = len(repo.list_sets(session=s, user_id=user_id, session_id=row.id))
        return _info(row, n, reader_unit(s, user_id))


def save_snapshot(*, db: Database, user_id: int, session_id: int, snapshot: dict[str, Any]) -> None:
    """Store the set loop's snapshot (committed when this returns)."""
    with db.session() as s:
        repo.save_session_state(session=s, user_id=user_id, session_id=session_id, state=snapshot)


def confirm_set(
    *,
    db: Database,
    user_id: int,
    session_id: int,
    completed: CompletedSet,
    performed_at: datetime,
    snapshot: dict[str, Any] | None = None,
    catalog: CatalogView | None = None,
    emg: SetEmgCreate | None = None,
) -> SetRecord:
    """Store a set confirmed by the loop, with its reflection, its EMG when one was recorded
    (:mod:`mindmuscle.services.emg_sets`) and the loop's snapshot.

    One transaction, committed before this returns; idempotent by ``completed.set_uuid``. The
    set goes through the one write path (:func:`mindmuscle.services.sets.store_set`), checked
    like a set from any other channel.
    """
    data = SetInput(
        uuid=completed.set_uuid,
        exercise_id=completed.exercise_id,
        performed_at=performed_at,
        load_kg=completed.load_kg or 0.0,
        reps=completed.reps,
        tempo=completed.tempo,
        focus_mode=completed.focus_mode,
        cue=completed.cue,
        reflection=completed.reflection,
        session_id=session_id,
        set_index=completed.set_index,
        source="guided",
    )
    catalog = catalog or user_catalog(db=db, user_id=user_id)
    with db.session() as s:
        stored = store_set(
            s, user_id=user_id, data=data, catalog=catalog, now=performed_at, emg=emg
        )
        if snapshot is not None:
            repo.save_session_state(
                session=s, user_id=user_id, session_id=session_id, state=snapshot
            )
        return stored.record


def finish_session(
    *,
    db: Database,
    user_id: int,
    session_id: int,
    now: datetime,
    snapshot: dict[str, Any] | None = None,
) -> SessionInfo:
    """Mark the session as ended (it can no longer be resumed)."""
    with db.session() as s:
        repo.end_session(
            session=s, user_id=user_id, session_id=session_id, ended_at=now, state=snapshot
        )
    return get_session(db=db, user_id=user_id, session_id=session_id)


def _adapter_with_history(history: Sequence[LoggedSet], catalog: Catalog) -> Any:
    """The coach's adaptation with the stored history (so a held rating can add load), naming
    muscles as the catalogue does."""

    def adapter(
        prescription: Prescription,
        reflection: Reflection,
        *,
        exercise: Exercise,
        equipment: EquipmentProfile,
        set_index: int,
    ) -> Adaptation:
        return adapt(
            prescription,
            reflection,
            exercise=exercise,
            equipment=equipment,
            set_index=set_index,
            history=history,
            muscles=catalog.muscles,
        )

    return adapter


class GuidedRun:
    """A set loop whose progress is kept in the store.

    Pass every list of events the loop returns to :meth:`handle`: confirmed sets are stored
    (with the snapshot) and the snapshot is stored whenever the loop's state changes.

    Use :meth:`start` for a stored plan and :meth:`resume` after an interruption.
    """

    def __init__(
        self,
        *,
        db: Database,
        user_id: int,
        session_id: int,
        loop: SetLoop,
        catalog: Catalog | None = None,
    ) -> None:
        self.db = db
        self.user_id = user_id
        self.session_id = session_id
        self.loop = loop
        self.catalog = catalog or user_catalog(db=db, user_id=user_id)
        """The user's catalogue: what the sets of this run are checked against."""
        self.stored: list[SetRecord] = []
        self.pending_emg: SetEmgCreate | None = None
        """The EMG of the set waiting for its reflection; stored with it when confirmed."""
        self._last_mark: tuple[str, tuple[int, int]] | None = None

    @staticmethod
    def _exercises(
        plan: Plan, catalog: Catalog, snapshot: Mapping[str, Any] | None = None
    ) -> dict[str, Exercise]:
        return workout_exercises(plan, catalog, snapshot)

    @classmethod
    def start(
        cls,
        *,
        db: Database,
        user_id: int,
        session_id: int,
        options: LoopOptions | None = None,
        catalog: Catalog | None = None,
    ) -> GuidedRun:
        """A fresh loop over the stored plan of ``session_id`` (call ``loop.start`` next)."""
        info = get_session(db=db, user_id=user_id, session_id=session_id)
        if info.plan is None:
            raise NotFoundError(
                f"Session {session_id} has no plan; make one with `mindmuscle today`."
            )
        catalog = catalog or user_catalog(db=db, user_id=user_id)
        equipment = get_profile(db=db, user_id=user_id).equipment
        loop = SetLoop(
            info.plan,
            cls._exercises(info.plan, catalog),
            equipment,
            options,
            adapter=_adapter_with_history(logged_sets(db=db, user_id=user_id), catalog),
        )
        return cls(db=db, user_id=user_id, session_id=session_id, loop=loop, catalog=catalog)

    @classmethod
    def resume(
        cls,
        *,
        db: Database,
        user_id: int,
        session_id: int | None = None,
        options: LoopOptions | None = None,
        catalog: Catalog | None = None,
    ) -> GuidedRun:
        """The interrupted session (the newest one by default), restored from its snapshot.

        Call ``loop.resume_at(now_ms)`` next: the interrupted set starts again at its prime;
        a set waiting for its reflection asks for it again.

        Raises
        ------
        mindmuscle.errors.NotFoundError
            There is no session to resume.
        """
        if session_id is None:
            found = open_session(db=db, user_id=user_id, started=True)
            if found is None:
                raise NotFoundError(
                    "There is no interrupted session to resume; start one with "
                    "`mindmuscle session`."
                )
            info = found
        else:
            info = get_session(db=db, user_id=user_id, session_id=session_id)
            if not info.resumable:
                raise NotFoundError(
                    f"Session {session_id} cannot be resumed: it has "
                    f"{'ended' if info.ended_at else 'not started'}."
                )
        assert info.plan is not None and info.snapshot is not None
        catalog = catalog or user_catalog(db=db, user_id=user_id)
        equipment = get_profile(db=db, user_id=user_id).equipment
        loop = SetLoop.restore(
            info.snapshot,
            info.plan,
            cls._exercises(info.plan, catalog, info.snapshot),
            equipment,
            options,
            adapter=_adapter_with_history(logged_sets(db=db, user_id=user_id), catalog),
        )
        run = cls(db=db, user_id=user_id, session_id=info.session_id, loop=loop, catalog=catalog)
        run._last_mark = (loop.state, loop.position)
        return run

    def snapshot(self) -> dict[str, Any]:
        """The loop's snapshot (during a rest it points at the set that comes next)."""
        return self.loop.snapshot()

    def new_set_uuid(self) -> str:
        """A fresh id for the set about to be confirmed."""
        return str(uuid_mod.uuid4())

    def handle(self, events: Sequence[Event], *, now: datetime) -> list[SetRecord]:
        """Store what the events require; returns the sets stored by this call.

        Parameters
        ----------
        events : sequence of Event
            What the loop just returned.
        now : datetime
            Wall-clock time (the stored ``performed_at`` of confirmed sets).
        """
        stored: list[SetRecord] = []
        confirmed = [ev for ev in events if isinstance(ev, SetConfirmedEvent)]
        snap = self.snapshot()
        for i, ev in enumerate(confirmed):
            emg, self.pending_emg = self.pending_emg, None
            record = confirm_set(
                db=self.db,
                user_id=self.user_id,
                session_id=self.session_id,
                completed=ev.completed,
                performed_at=now,
                snapshot=snap if i == len(confirmed) - 1 else None,
                catalog=self.catalog,
                emg=emg,
            )
            stored.append(record)
        state = self.loop.state
        mark = (state, self.loop.position)
        if state == "summary":
            if self._last_mark is None or self._last_mark[0] != "summary":
                finish_session(
                    db=self.db,
                    user_id=self.user_id,
                    session_id=self.session_id,
                    now=now,
                    snapshot=snap,
                )
        elif not confirmed and mark != self._last_mark:
            save_snapshot(
                db=self.db, user_id=self.user_id, session_id=self.session_id, snapshot=snap
            )
        self._last_mark = mark
        self.stored.extend(stored)
        return stored
