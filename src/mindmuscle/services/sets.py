"""One way in for a set: check it with the model, store it once, say whether it is new.

Every channel stores its sets here: the web API (the phone's set loop, through
:class:`SetWriter`, which stores the sets of many phones with one commit per batch),
``mindmuscle log`` and the guided session
in the terminal (:func:`record_set`), experiments (:func:`store_set` in their transaction), and
file imports (:func:`check_import_set` on every parsed set before their bulk insert). So the
same set is accepted or refused the same way, with the same message, whichever way it came.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mindmuscle.catalog.models import Tempo
from mindmuscle.coach.catalog_view import CatalogView
from mindmuscle.coach.limits import CUE, EXERCISE_ID, ID, LOAD_KG, REPS, SET_INDEX, SET_UUID
from mindmuscle.coach.models import FocusMode, Prescription, Profile, Reflection
from mindmuscle.coach.sets import SetInput, check_set, minute_text, parse_set
from mindmuscle.config import Settings
from mindmuscle.errors import MindMuscleError, SetConflictError, counted
from mindmuscle.services.catalog import catalog_for_exercise_in, user_catalog
from mindmuscle.services.profile import profile_in
from mindmuscle.store import (
    Database,
    RecordingCreate,
    ReflectionCreate,
    SetCreate,
    SetEmgCreate,
    repo,
)
from mindmuscle.store.tables import SessionRow, SetEmgRow, SetRow

__all__ = [
    "SetRecord",
    "SetWriter",
    "StoredSet",
    "WebSetInput",
    "WrittenSet",
    "attach_set_emg",
    "check_import_set",
    "record_set",
    "record_sets",
    "set_create",
    "set_record",
    "store_set",
]


class SetRecord(BaseModel):
    """A stored set with its reflection, as history shows it."""

    model_config = ConfigDict(frozen=True)

    id: int = Field(description="The set's number in this database (`mindmuscle set show ID`).")
    uuid: str
    session_id: int | None
    set_index: int | None
    exercise_id: str
    performed_at: datetime
    load_kg: float
    reps: int
    set_type: str
    reps_in_reserve: int | None
    tempo: str | None = Field(description="Prescribed tempo, e.g. '3-1-1-1'.")
    focus_mode: str | None
    cue: str | None
    source: str
    notes: str
    reflection: Reflection | None
    deleted_at: datetime | None = Field(
        default=None, description="When the set was deleted (restorable); null if it counts."
    )
    again_at_place: bool = Field(
        default=False,
        description="True when its workout holds another set at this set's place (its "
        "exercise and set number) that holds the place: this one was stored there before a "
        "workout refused a second set at one place, or was restored after the other took its "
        "place. It counts; it may be the same set saved twice, for the lifter to keep or "
        "delete.",
    )
    emg_peak_mvc: float | None = Field(
        default=None,
        description="The target's highest repetition peak in %MVC, measured by EMG with a "
        "valid calibration; null without EMG or without a calibration.",
    )
    emg_measured: str | None = Field(
        default=None,
        description="What the set's EMG measured, in words: '62% MVC', or without a "
        "calibration '62% of this set's peak' (the target's mean over the repetitions); null "
        "when the set has no EMG. Shown beside the felt rating, never as it.",
    )


class StoredSet(BaseModel):
    """A set as stored, and whether this call stored it (False: its id was already stored)."""

    model_config = ConfigDict(frozen=True)

    record: SetRecord
    stored_now: bool


def set_create(data: SetInput) -> SetCreate:
    """The store's record of a set input."""
    r = data.reflection
    return SetCreate(
        uuid=data.uuid,
        exercise_id=data.exercise_id,
        performed_at=data.performed_at,
        load_kg=data.load_kg,
        reps=data.reps,
        set_type=data.set_type,
        rir=data.rir,
        tempo=None if data.tempo is None else data.tempo.model_dump(mode="json"),
        focus_mode=data.focus_mode,
        cue=data.cue,
        source=data.source,
        import_key=data.import_key,
        notes=data.notes,
        session_id=data.session_id,
        set_index=data.set_index,
        reflection=None
        if r is None
        else ReflectionCreate(
            target_rating=r.target_rating,
            felt_elsewhere=dict(r.felt_elsewhere),
            focus_rating=r.focus_rating,
            note=r.note,
        ),
    )


def set_record(row: SetRow) -> SetRecord:
    """The public view of a stored set."""
    reflection = None
    if row.reflection is not None:
        reflection = Reflection(
            target_rating=row.reflection.target_rating,
            felt_elsewhere=dict(row.reflection.felt_elsewhere or {}),
            focus_rating=row.reflection.focus_rating,
            reps_in_reserve=row.rir,
            note=row.reflection.note,
        )
    tempo = None if row.tempo is None else Tempo.model_validate(row.tempo).as_string()
    return SetRecord(
        id=row.id,
        uuid=row.uuid,
        session_id=row.session_id,
        set_index=row.set_index,
        exercise_id=row.exercise_id,
        performed_at=row.performed_at,
        load_kg=row.load_kg,
        reps=row.reps,
        set_type=row.set_type,
        reps_in_reserve=row.rir,
        tempo=tempo,
        focus_mode=row.focus_mode,
        cue=row.cue,
        source=row.source,
        notes=row.notes,
        reflection=reflection,
        deleted_at=row.deleted_at,
        again_at_place=bool(row.place_copy),
        emg_peak_mvc=row.emg_peak_mvc,
    )


def store_set(
    s: Session,
    *,
    user_id: int,
    data: SetInput,
    catalog: CatalogView,
    now: datetime,
    emg: SetEmgCreate | None = None,
    optimistic: bool = False,
) -> StoredSet:
    """Check ``data`` against the user's catalogue and ``now``, and store it in the open
    transaction ``s`` (once per ``uuid`` or ``import_key``), with its EMG when given (its
    features, its raw file, and the measured peak %MVC in the set's ``emg_peak_mvc``; made by
    :mod:`mindmuscle.services.emg_sets`). A set already stored keeps the EMG it has.
    ``optimistic``: see :func:`mindmuscle.store.repo.store_set`.

    Raises
    ------
    mindmuscle.errors.UnknownIdError
        The exercise or a muscle felt elsewhere is not in the catalogue.
    mindmuscle.errors.OutOfRangeError
        ``performed_at`` more than a day ahead of ``now``.
    mindmuscle.errors.NotFoundError
        ``session_id`` is not a session of this user.
    mindmuscle.errors.SetConflictError
        ``session_id`` names a deleted workout, or one that holds another set at this set's
        place (its exercise and ``set_index``): the same set saved twice, from two tabs or two
        devices, each with its own uuid. A set already stored by its uuid is returned as
        stored, whatever became of its workout.
    """
    check_set(data, catalog=catalog, now=now)
    found = None
    holds_place = False
    if data.session_id is not None:
        found = repo.find_set(session=s, user_id=user_id, uuid=data.uuid)
        if found is None:
            holds_place = _check_place(s, user_id=user_id, data=data, catalog=catalog)
    if found is not None:
        row, stored_now = found, False
    else:
        create = set_create(data)
        if holds_place:
            create = create.model_copy(update={"place_copy": 0})
        try:
            row, stored_now = repo.store_set(
                session=s, user_id=user_id, data=create, optimistic=optimistic
            )
        except IntegrityError as exc:
            # Another writer stored a set at this place after the check above and before this
            # insert: the database refused the second. Said as the check says it (an
            # optimistic transaction is over: its caller runs it again, and the check says it).
            if optimistic or not repo.place_taken(exc):
                raise
            _check_place(s, user_id=user_id, data=data, catalog=catalog)
            raise _place_taken(data, catalog, None) from None
    if emg is not None and repo.get_set_emg(session=s, user_id=user_id, set_id=row.id) is None:
        repo.store_set_emg(session=s, user_id=user_id, set_id=row.id, data=emg, at=now)
    return StoredSet(record=set_record(row), stored_now=stored_now)


def _listed_once(workout: SessionRow, exercise_id: str) -> bool:
    """True when the workout lists the exercise at most once, in its plan and in the list as
    the lifter changed it: its exercise and set number then name one place. (An experiment's
    workout lists one exercise once per set, each set its first.)"""
    plan = workout.plan if isinstance(workout.plan, dict) else {}
    state = workout.state if isinstance(workout.state, dict) else {}
    for exercises in (plan.get("exercises"), state.get("current")):
        if isinstance(exercises, list):
            ids = [e.get("exercise_id") for e in exercises if isinstance(e, dict)]
            if ids.count(exercise_id) > 1:
                return False
    return True


def _check_place(s: Session, *, user_id: int, data: SetInput, catalog: CatalogView) -> bool:
    """Refuse a set of a workout that was deleted, or whose place in it is taken; True when
    the set has a place of its own there (which the database then keeps for it alone)."""
    assert data.session_id is not None
    workout = repo.get_session(session=s, user_id=user_id, session_id=data.session_id)
    if workout.deleted_at is not None:
        raise SetConflictError(
            f"The workout of this set (started {minute_text(workout.started_at)}) was deleted, "
            "on this or another device, so the set was not stored into it. Save it into a "
            "workout of its own day, or discard it.",
            kind="workout_deleted",
        )
    if data.set_index is None or not _listed_once(workout, data.exercise_id):
        return False
    other = repo.find_set_at(
        session=s,
        user_id=user_id,
        session_id=data.session_id,
        exercise_id=data.exercise_id,
        set_index=data.set_index,
    )
    if other is not None:
        raise _place_taken(data, catalog, other)
    return True


def _place_taken(data: SetInput, catalog: CatalogView, other: SetRow | None) -> SetConflictError:
    """The refusal of a set whose place in its workout holds ``other`` (None: not readable
    here, e.g. stored by a transaction this one does not see)."""
    assert data.set_index is not None
    name = catalog.exercise(data.exercise_id).name
    what = (
        ""
        if other is None
        else f" ({counted(other.reps, 'rep')}, done {minute_text(other.performed_at)})"
    )
    return SetConflictError(
        f"Set {data.set_index + 1} of {name} in this workout is already stored{what}, saved "
        "from another tab or device, so this one was not stored as well. Discard it if it is "
        "the same set.",
        kind="place_taken",
    )


def attach_set_emg(
    s: Session,
    *,
    user_id: int,
    set_id: int,
    emg: SetEmgCreate,
    now: datetime,
    replace: bool = False,
) -> SetEmgRow:
    """Store the EMG of a set already stored, in the open transaction ``s``: the set's
    ``emg_peak_mvc`` changes only here and in :func:`store_set` (an earlier value is kept as a
    revision of the set).

    Raises
    ------
    mindmuscle.errors.NotFoundError
        No set ``set_id`` of this user.
    mindmuscle.errors.InvalidInputError
        The set has its EMG already and ``replace`` is False.
    """
    return repo.store_set_emg(
        session=s, user_id=user_id, set_id=set_id, data=emg, replace=replace, at=now
    )


def record_set(
    *,
    db: Database,
    user_id: int,
    data: SetInput,
    now: datetime | None = None,
    catalog: CatalogView | None = None,
    emg: SetEmgCreate | None = None,
) -> StoredSet:
    """Store one set with its reflection (and its EMG); committed when this returns.

    Idempotent: storing the same ``uuid`` again returns the stored set unchanged, with
    ``stored_now`` False. ``now`` defaults to the present (the limit on ``performed_at``).

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        See :func:`store_set`.
    """
    catalog = catalog or user_catalog(db=db, user_id=user_id)
    with db.session() as s:
        return store_set(
            s, user_id=user_id, data=data, catalog=catalog, now=now or datetime.now(UTC), emg=emg
        )


def record_sets(
    *,
    db: Database,
    user_id: int,
    sets: Sequence[SetInput],
    now: datetime | None = None,
    catalog: CatalogView | None = None,
) -> list[StoredSet | MindMuscleError]:
    """Store many sets in one commit, each on its own: a refused set does not undo the others.

    Returns, in order, each set as stored or the error that refused it.
    """
    catalog = catalog or user_catalog(db=db, user_id=user_id)
    when = now or datetime.now(UTC)
    out: list[StoredSet | MindMuscleError] = []
    with db.session() as s:
        for data in sets:
            try:
                with s.begin_nested():
                    out.append(store_set(s, user_id=user_id, data=data, catalog=catalog, now=when))
            except MindMuscleError as exc:
                out.append(exc)
    return out


def check_import_set(fields: dict[str, object], *, catalog: CatalogView, now: datetime) -> SetInput:
    """An imported row as the one set model, checked like every other set.

    The importer has just matched or made the exercise, so only its muscles and date are
    looked up. The importer stores the checked values with its own bulk insert (for speed).

    Raises
    ------
    mindmuscle.errors.OutOfRangeError
        A value outside the limits (the importer adds the file and line).
    """
    data = parse_set(fields)
    return check_set(data, catalog=catalog, now=now, exercise_known=True)


# --- the sets of many phones at once: one commit per batch, each set its own outcome ----------


class WebSetInput(BaseModel):
    """A set as the phone sends it: what was done, the reflection, the prescription in force."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    uuid: str = SET_UUID.field(description="Made by the phone; a retry sends the same.")
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


class WrittenSet(NamedTuple):
    """A set the writer stored (or found stored), with what it was checked against."""

    record: SetRecord
    stored_now: bool
    """False when this UUID was already stored (a retry)."""
    catalog: CatalogView
    """The user's catalogue the set was checked against."""
    profile: Profile
    """The user's profile when the set was written (its equipment adapts the next set)."""


@dataclass
class _Job:
    user_id: int
    data: WebSetInput
    catalog: CatalogView | None
    now: datetime
    done: Future[WrittenSet] = field(default_factory=Future)


class SetWriter:
    """Stores the sets of many phones with one commit per batch.

    A committed set is on disk (SQLite ``synchronous=FULL``: one fsync per commit), and the
    fsync is most of the cost of storing a set when many arrive together. The request that
    finds the writer free stores its set at once, in its own thread; sets that arrive while
    it commits wait, and the next of them to get the writer stores them all in one commit
    (leader and followers). Each set of a batch has its own savepoint (a set alone in its batch
    has the transaction to itself) and its own outcome: a refused set
    (an unknown session or muscle, a date too far ahead) fails alone with its own error, and
    the others of the batch are stored.
    """

    def __init__(
        self, db: Database, *, max_batch: int = 64, settings: Settings | None = None
    ) -> None:
        self.db = db
        self.max_batch = max_batch
        self.settings = settings
        self._jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self._lock = threading.Lock()

    def store(
        self,
        *,
        user_id: int,
        data: WebSetInput,
        catalog: CatalogView | None = None,
        now: datetime | None = None,
    ) -> WrittenSet:
        """Store one set (once per UUID); returns the stored set, whether it is new, and the
        catalogue and profile it was written with.

        ``catalog`` (default: the user's, read in the write's own transaction) and ``now``
        (default: the present) are what the set is checked against. One transaction reads
        what the set needs and writes it: a set from the phone takes one connection and one
        commit.
        """
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
        if len(batch) == 1:
            self._write_one(batch[0])
            return
        results: list[tuple[_Job, WrittenSet | None, BaseException | None]] = []
        try:
            with self.db.session() as s:
                for job in batch:
                    try:
                        with s.begin_nested():
                            results.append((job, self._store(s, job), None))
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

    def _write_one(self, job: _Job) -> None:
        """A batch of one (most sets, at gym pace): the transaction is the set's own, so the
        set is inserted at once, without savepoints or a look for it first (five round trips
        fewer to PostgreSQL). A set already stored (a phone's retry, or another worker's
        insert a moment before) fails the insert: the transaction runs again the careful
        way, and finds it."""
        try:
            try:
                with self.db.session() as s:
                    result = self._store(s, job, optimistic=True)
            except IntegrityError:
                with self.db.session() as s:
                    result = self._store(s, job)
        except BaseException as exc:
            job.done.set_exception(exc)
            return
        job.done.set_result(result)

    def _store(self, s: Session, job: _Job, *, optimistic: bool = False) -> WrittenSet:
        catalog = job.catalog or catalog_for_exercise_in(
            s, user_id=job.user_id, exercise_id=job.data.exercise_id, settings=self.settings
        )
        record, stored_now = _store_set(s, job, catalog, optimistic=optimistic)
        return WrittenSet(record, stored_now, catalog, profile_in(s, user_id=job.user_id))


def _store_set(
    s: Session, job: _Job, catalog: CatalogView, *, optimistic: bool = False
) -> tuple[SetRecord, bool]:
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
    stored = store_set(
        s, user_id=job.user_id, data=set_input, catalog=catalog, now=job.now, optimistic=optimistic
    )
    if stored.stored_now and data.motion is not None:
        repo.store_motion_recording(
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
