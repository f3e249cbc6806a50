"""What the phone's set loop needs from the server.

The phone plays the set loop itself (so it goes on without network) and uses the server for
three things, each here:

- :func:`set_timeline`: the events of one set (count-in, tempo phases with their words and
  breathing, repetitions) from the real :class:`~mindmuscle.session.SetLoop`, so the page
  shows and sounds exactly what the terminal does;
- :func:`record_web_set`: store a set with its reflection and phone motion, once per UUID, and
  return the coach's adaptation of the next set;
- :func:`save_web_state`: keep the phone's place in the session as a set loop snapshot, so
  the session resumes on another device or in the terminal.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from mindmuscle.catalog import Catalog
from mindmuscle.catalog.models import Exercise, Tempo
from mindmuscle.coach import adapt
from mindmuscle.coach.catalog_view import CatalogView
from mindmuscle.coach.limits import CUE, EXERCISE_ID, ID, LOAD_KG, REPS, SET_INDEX
from mindmuscle.coach.models import (
    Adaptation,
    EquipmentProfile,
    FocusMode,
    Plan,
    Prescription,
    Reflection,
)
from mindmuscle.coach.sets import SetInput
from mindmuscle.errors import InvalidInputError
from mindmuscle.services.catalog import user_catalog
from mindmuscle.services.motion import analyze_web_recording
from mindmuscle.services.sessions import SessionInfo, workout_exercises
from mindmuscle.services.sets import SetRecord, store_set
from mindmuscle.session import Event, LoopOptions, SetLoop
from mindmuscle.store import Database, RecordingCreate, repo
from mindmuscle.store.tables import SessionRow

__all__ = [
    "MeasuredSet",
    "SetWriter",
    "TodayView",
    "WebSetInput",
    "WebSetResult",
    "active_session",
    "measure_web_set",
    "record_web_set",
    "save_web_state",
    "set_timeline",
    "today_view",
]

_UUID = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"


class WebSetInput(BaseModel):
    """A set as the phone sends it: what was done, the reflection, the prescription in force."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    uuid: str = Field(pattern=_UUID, description="Made by the phone; a retry sends the same.")
    session_id: int | None = ID.field(None)
    exercise_id: str = EXERCISE_ID.field(min_length=1)
    exercise_index: int | None = SET_INDEX.field(None)
    set_index: int = SET_INDEX.field()
    performed_at: datetime = Field(description="At most a day ahead of the server's clock.")
    reps: int = REPS.field()
    load_kg: float | None = LOAD_KG.field(None, description="Null or 0 for bodyweight sets.")
    tempo: Tempo | None = None
    focus_mode: FocusMode | None = None
    cue: str | None = CUE.field(None)
    reflection: Reflection
    prescription: Prescription | None = Field(
        default=None, description="The prescription of this set; the coach adapts the next one."
    )
    motion: dict[str, Any] | None = Field(
        default=None, description="Phone motion recorded during the set (devicemotion samples)."
    )
    motion_analysis: dict[str, Any] | None = None


class WebSetResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    set: SetRecord
    stored_now: bool = Field(description="False when this UUID was already stored (a retry).")
    adaptation: Adaptation | None


class MeasuredSet(BaseModel):
    """What the phone's motion says about a set, next to what was prescribed."""

    model_config = ConfigDict(frozen=True)

    reps: int
    partial_reps: int
    tempo: Tempo | None = Field(description="Mean measured phases of the full repetitions.")
    rep_s: float | None = Field(description="Mean time of one repetition, seconds.")
    tempo_score: float | None = Field(description="Tempo adherence 0-1 (1: every phase on time).")
    rushing: bool
    quality: str = Field(description="good, fair or poor: whether the signal supports this.")
    notes: list[str]


def measure_web_set(
    payload: dict[str, Any],
    *,
    exercise_id: str,
    tempo: Tempo | None,
    catalog: Catalog | None = None,
) -> MeasuredSet:
    """Count the repetitions and measure the tempo of the phone's recording of one set.

    Raises
    ------
    mindmuscle.errors.FileFormatError
        A malformed recording (the key at fault is named).
    mindmuscle.errors.InvalidSignalError
        A recording that cannot be analysed (too short, no movement).
    """
    a = analyze_web_recording(payload, exercise_id=exercise_id, tempo=tempo, catalog=catalog)
    full = [r for r in a.repetitions if not r.partial]
    measured = None
    rep_s = None
    if full:
        n = len(full)

        def mean(values: list[float]) -> float:
            return round(min(10.0, max(0.0, sum(values) / n)), 1)

        measured = Tempo(
            eccentric_s=mean([r.eccentric_s for r in full]),
            bottom_pause_s=mean([r.bottom_pause_s for r in full]),
            concentric_s=mean([r.concentric_s for r in full]),
            top_squeeze_s=mean([r.top_pause_s for r in full]),
        )
        rep_s = round(sum(r.end_s - r.start_s for r in full) / n, 2)
    adherence = a.tempo_adherence
    return MeasuredSet(
        reps=a.reps,
        partial_reps=a.partial_reps,
        tempo=measured,
        rep_s=rep_s,
        tempo_score=None if adherence is None else round(adherence.score, 2),
        rushing=False if adherence is None else adherence.rushing,
        quality=a.quality.status,
        notes=list(a.quality.reasons)
        + (
            [f"Alternating sides: both counted ({len(full)} seen on the phone's side)."]
            if a.alternating
            else []
        ),
    )


_PLANS: dict[tuple[int, int], Plan] = {}  # (id of the database, session id) -> its plan


def _session_info(db: Database, row: SessionRow) -> SessionInfo:
    # A session's plan never changes once stored (adapted sets live in its state): parse it once.
    key = (id(db), row.id)
    plan = _PLANS.get(key)
    if plan is None and row.plan is not None:
        plan = Plan.model_validate(row.plan)
        if len(_PLANS) > 256:
            _PLANS.clear()
        _PLANS[key] = plan
    snapshot = row.state
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
        return None if row is None else _session_info(db, row)


class TodayView(BaseModel):
    """What the today page shows, read in one transaction."""

    model_config = ConfigDict(frozen=True)

    has_profile: bool
    session: SessionInfo | None = Field(description="The newest session not yet ended.")
    readiness_score: float | None = Field(description="Today's readiness (0-1), if checked.")


def today_view(*, db: Database, user_id: int, since: datetime) -> TodayView:
    """The profile flag, the open session and the readiness recorded since ``since``."""
    with db.session(readonly=True) as s:
        has_profile = repo.get_profile(session=s, user_id=user_id) is not None
        row = repo.latest_open_session(session=s, user_id=user_id, source="guided")
        ready = repo.latest_readiness(session=s, user_id=user_id)
        return TodayView(
            has_profile=has_profile,
            session=None if row is None else _session_info(db, row),
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


@dataclass
class _Job:
    user_id: int
    data: WebSetInput
    catalog: CatalogView
    now: datetime
    done: Future[tuple[SetRecord, bool]] = field(default_factory=Future)


class SetWriter:
    """Stores the sets of many phones with one commit per batch.

    A committed set is on disk (SQLite ``synchronous=FULL``: one fsync per commit), and the
    fsync is most of the cost of storing a set when many arrive together. The request that
    finds the writer free stores its set at once, in its own thread; sets that arrive while
    it commits wait, and the next of them to get the writer stores them all in one commit
    (leader and followers). Each set has its own savepoint and its own outcome: a refused set
    (an unknown session or muscle, a date too far ahead) fails alone with its own error, and
    the others of the batch are stored.
    """

    def __init__(self, db: Database, *, max_batch: int = 64) -> None:
        self.db = db
        self.max_batch = max_batch
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._lock = threading.Lock()

    def store(
        self,
        *,
        user_id: int,
        data: WebSetInput,
        catalog: CatalogView | None = None,
        now: datetime | None = None,
    ) -> tuple[SetRecord, bool]:
        """Store one set (once per UUID); returns the stored set and whether it is new.

        ``catalog`` (default: the user's) and ``now`` (default: the present) are what the set
        is checked against.
        """
        catalog = catalog or user_catalog(db=self.db, user_id=user_id)
        job = _Job(user_id, data, catalog, now or datetime.now(UTC))
        self._jobs.put(job)
        with self._lock:
            # A leader resolves its whole batch before it lets go of the lock, so a job that
            # is not done here is still in the queue: this thread writes it, with the others.
            while not job.done.done():
                batch: list[_Job] = []
                while len(batch) < self.max_batch:
                    try:
                        batch.append(self._jobs.get_nowait())
                    except queue.Empty:
                        break
                self._write(batch)
        return job.done.result()

    def _write(self, batch: list[_Job]) -> None:
        results: list[tuple[_Job, tuple[SetRecord, bool] | None, BaseException | None]] = []
        try:
            with self.db.session() as s:
                for job in batch:
                    try:
                        with s.begin_nested():
                            results.append((job, _store_set(s, job), None))
                    except Exception as exc:
                        # Not translated here: the error goes to its own request only (its
                        # savepoint is rolled back), so one bad set never fails its neighbours.
                        results.append((job, None, exc))
        except BaseException as exc:  # the commit failed: every waiting request gets the error
            for job in batch:
                job.done.set_exception(exc)
            return
        for job, result, error in results:
            if error is not None:
                job.done.set_exception(error)
            else:
                assert result is not None
                job.done.set_result(result)


def _store_set(s: Session, job: _Job) -> tuple[SetRecord, bool]:
    """Store a set, its reflection and its motion in the open transaction ``s``."""
    data = job.data
    tempo = data.tempo or (data.prescription.tempo if data.prescription else None)
    set_input = SetInput(
        uuid=data.uuid,
        exercise_id=data.exercise_id,
        performed_at=data.performed_at,
        load_kg=data.load_kg or 0.0,
        reps=data.reps,
        tempo=tempo,
        focus_mode=data.focus_mode,
        cue=data.cue,
        reflection=data.reflection,
        session_id=data.session_id,
        set_index=data.set_index,
        source="guided",
    )
    stored = store_set(s, user_id=job.user_id, data=set_input, catalog=job.catalog, now=job.now)
    if stored.stored_now and data.motion is not None:
        repo.add_recording(
            session=s,
            user_id=job.user_id,
            data=RecordingCreate(
                kind="motion",
                set_uuid=data.uuid,
                file_name=None,
                data=data.motion,
                analysis=data.motion_analysis,
            ),
        )
    return stored.record, stored.stored_now


def record_web_set(
    *,
    writer: SetWriter,
    user_id: int,
    data: WebSetInput,
    catalog: Catalog,
    equipment: EquipmentProfile,
    now: datetime,
) -> WebSetResult:
    """Store a set from the phone (once per UUID) and adapt the next set.

    The set, its reflection and its motion recording are stored in one transaction. A retry of
    a set already stored changes nothing and returns the same adaptation.

    Raises
    ------
    mindmuscle.errors.UnknownIdError
        The exercise is not in the catalogue.
    mindmuscle.errors.NotFoundError
        ``session_id`` is not a session of this user.
    """
    exercise = catalog.exercise(data.exercise_id)
    if data.prescription is not None and data.prescription.exercise_id != data.exercise_id:
        raise InvalidInputError(
            f"The prescription is for {data.prescription.exercise_id!r} but the set is "
            f"{data.exercise_id!r}; send the prescription of this set."
        )
    record, stored_now = writer.store(user_id=user_id, data=data, catalog=catalog, now=now)
    adaptation = None
    if data.prescription is not None:
        adaptation = adapt(
            data.prescription,
            data.reflection,
            exercise=exercise,
            equipment=equipment,
            set_index=data.set_index,
        )
    return WebSetResult(set=record, stored_now=stored_now, adaptation=adaptation)


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
    if ex > len(plan.exercises):
        raise InvalidInputError(
            f"The session state points at exercise {ex + 1} but the plan has {len(plan.exercises)}."
        )
    stored = loop.snapshot() | {"state": snapshot["state"], "position": [ex, set_index]}
    if web is not None:
        stored["web"] = web
    with db.session() as s:
        repo.save_session_state(session=s, user_id=user_id, session_id=session_id, state=stored)
    return stored
