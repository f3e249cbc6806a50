"""Logged sets and what is computed from them: history, e1RM per exercise, the connection map.

Every function takes keyword-only arguments and returns pydantic models. A set is stored and
committed before a function returns it, and storing is idempotent by the set's ``uuid``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Literal, cast

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from mindmuscle.catalog import Catalog
from mindmuscle.coach import connection_map as coach_connection_map
from mindmuscle.coach import estimate_e1rm
from mindmuscle.coach.limits import LOAD_KG, MUSCLE_ID, NOTE, RATING, REPS, REPS_IN_RESERVE
from mindmuscle.coach.models import (
    E1RM,
    ConnectionScore,
    FocusMode,
    LoggedSet,
    Reflection,
    SetType,
)
from mindmuscle.coach.records import ExerciseRecords, records_by_exercise
from mindmuscle.coach.sets import SetInput, check_set, parse_set
from mindmuscle.errors import InvalidInputError
from mindmuscle.services import sets as sets_service
from mindmuscle.services.catalog import user_catalog
from mindmuscle.services.sets import SetRecord, set_create, set_record
from mindmuscle.store import Database, bulk, repo
from mindmuscle.store.tables import SetRow

__all__ = [
    "SetDetail",
    "SetEdit",
    "SetInput",
    "SetRecord",
    "SetRevision",
    "WorkoutDetail",
    "WorkoutEdit",
    "WorkoutSummary",
    "connection_map",
    "delete_set",
    "delete_workout",
    "e1rm_by_exercise",
    "edit_set",
    "edit_workout",
    "exercise_records",
    "get_set",
    "get_workout",
    "history",
    "logged_sets",
    "record_reflection",
    "record_set",
    "restore_set",
    "restore_workout",
    "set_create",
    "set_record",
    "user_catalog",
    "workout_duration_s",
    "workouts",
]


def record_set(
    *,
    db: Database,
    user_id: int,
    data: SetInput,
    catalog: Catalog | None = None,
    now: datetime | None = None,
) -> SetRecord:
    """Store one set with its reflection through the one write path; committed when this
    returns. Idempotent: storing the same ``uuid`` again returns the stored set unchanged.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        An unknown exercise or muscle (with suggestions), or a set dated more than a day ahead.
    """
    return sets_service.record_set(
        db=db, user_id=user_id, data=data, now=now, catalog=catalog
    ).record


def record_reflection(
    *, db: Database, user_id: int, set_uuid: str, reflection: Reflection
) -> SetRecord:
    """Store (or replace) the reflection of a stored set; committed when this returns.

    A reflection replaced keeps its previous values as a revision of the set.

    Raises
    ------
    mindmuscle.errors.NotFoundError
        No set with this id for this user.
    """
    values: dict[str, Any] = {
        "target_rating": reflection.target_rating,
        "felt_elsewhere": dict(reflection.felt_elsewhere),
        "focus_rating": reflection.focus_rating,
        "note": reflection.note,
    }
    if reflection.reps_in_reserve is not None:
        values["rir"] = reflection.reps_in_reserve
    with db.session() as s:
        row = repo.get_set(session=s, user_id=user_id, uuid=set_uuid)
        repo.edit_set(session=s, user_id=user_id, set_id=row.id, values=values)
        return set_record(row)


def history(
    *,
    db: Database,
    user_id: int,
    exercise_id: str | None = None,
    session_id: int | None = None,
    since: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
    include_deleted: bool = False,
) -> list[SetRecord]:
    """Stored sets with their reflections, oldest first (``limit``: the newest ones after the
    ``offset`` newest, so pages go back in time).

    Deleted sets are left out unless ``include_deleted`` (each then has its ``deleted_at``).
    """
    with db.session(readonly=True) as s:
        rows = repo.list_sets(
            session=s,
            user_id=user_id,
            exercise_id=exercise_id,
            session_id=session_id,
            since=since,
            limit=limit,
            offset=offset,
            include_deleted=include_deleted,
        )
        measured = _emg_measured(s, user_id, rows)
        return [
            set_record(r).model_copy(update={"emg_measured": measured[r.id]})
            if r.id in measured
            else set_record(r)
            for r in rows
        ]


def _emg_measured(s: Session, user_id: int, rows: Sequence[SetRow]) -> dict[int, str]:
    """What the EMG of each of these sets measured, in words (sets without EMG left out)."""
    found = repo.set_emg_of_sets(session=s, user_id=user_id, set_ids=[r.id for r in rows])
    if not found:
        return {}
    # Only a lifter with EMG pays for loading the EMG package.
    from mindmuscle.signals.emg.sets import SetEmgFeatures, measured_text

    out: dict[int, str] = {}
    for set_id, row in found.items():
        data = {k: v for k, v in row.features.items() if k != "calibrations"}
        out[set_id] = measured_text(SetEmgFeatures.model_validate(data))
    return out


def logged_set_of(row: bulk.LoggedSetRow) -> LoggedSet:
    """A stored set row (``bulk`` columns) as the coach reads it. The store checked every value
    on the way in; constructing skips a second check."""
    return LoggedSet.model_construct(
        exercise_id=row.exercise_id,
        performed_at=row.performed_at,
        session_id=None if row.session_id is None else str(row.session_id),
        load_kg=row.load_kg,
        reps=row.reps,
        set_type=cast(SetType, row.set_type),
        reps_in_reserve=row.rir,
        # A string: "FocusMode | None" as an expression builds a Union on every set read.
        focus_mode=cast("FocusMode | None", row.focus_mode),
        target_rating=row.target_rating,
        felt_elsewhere={k: int(v) for k, v in (row.felt_elsewhere or {}).items()},
        imported=row.source == "import",
    )


def logged_sets(*, db: Database, user_id: int, since: datetime | None = None) -> list[LoggedSet]:
    """Every stored set as the coach reads history (e1RM, progression, connection map).

    The rows were checked against the set's limits when they were stored (one write path), so
    they are not validated again: years of history are read on every ``history`` and ``plan``.
    """
    with db.session(readonly=True) as s:
        rows = bulk.logged_set_rows_by_time(session=s, user_id=user_id, since=since)
    return [logged_set_of(r) for r in rows]


def e1rm_by_exercise(*, db: Database, user_id: int, now: datetime) -> dict[str, E1RM]:
    """The estimated 1RM of every exercise with enough logged sets, by exercise id."""
    sets = logged_sets(db=db, user_id=user_id)
    out: dict[str, E1RM] = {}
    for exercise_id in sorted({s.exercise_id for s in sets}):
        est = estimate_e1rm(sets, exercise_id, now=now)
        if est is not None:
            out[exercise_id] = est
    return out


def connection_map(
    *, db: Database, user_id: int, now: datetime, catalog: Catalog | None = None
) -> dict[str, ConnectionScore]:
    """The per-muscle connection score from every rated set (the coach's one definition)."""
    catalog = catalog or user_catalog(db=db, user_id=user_id)
    sets = logged_sets(db=db, user_id=user_id)
    return coach_connection_map(sets, catalog=catalog, now=now)


# --- edit, delete and restore ---------------------------------------------------------------


class SetEdit(BaseModel):
    """What to change in a stored set; a field left out (or null) keeps its value.

    The bounds are those of a new set (:mod:`mindmuscle.coach.limits`), and the edited set is
    checked whole like a new one. ``note`` is the note of the set's reflection, or of the set
    itself when it has no reflection (an imported set).
    """

    model_config = ConfigDict(extra="forbid")

    reps: int | None = REPS.field(None)
    load_kg: float | None = LOAD_KG.field(None)
    reps_in_reserve: int | None = REPS_IN_RESERVE.field(None)
    set_type: SetType | None = None
    target_rating: int | None = RATING.field(None, description="How strongly the target was felt.")
    focus_rating: int | None = RATING.field(None)
    felt_elsewhere: (
        dict[Annotated[str, MUSCLE_ID.field(), Field(min_length=1)], Annotated[int, RATING.field()]]
        | None
    ) = Field(
        default=None,
        max_length=50,
        description="Muscle id -> 0-10 for muscles felt instead (replaces the earlier ones).",
    )
    note: str | None = NOTE.field(None)
    clear: list[Literal["target_rating", "focus_rating", "reps_in_reserve"]] = Field(
        default_factory=list,
        max_length=3,
        description="Ratings to make absent again, as if skipped (an undo of a first rating).",
    )


class SetRevision(BaseModel):
    """One change of a set: ``changes`` maps each changed field to ``[old, new]``."""

    model_config = ConfigDict(frozen=True)

    revised_at: datetime
    kind: Literal["edit", "delete", "restore", "emg"] = Field(
        description="'emg': the set's EMG recording was replaced (its old peak %MVC is kept)."
    )
    changes: dict[str, list[Any]]


class SetDetail(BaseModel):
    """A stored set (deleted or not) with its exercise's name and every change made to it."""

    model_config = ConfigDict(frozen=True)

    set: SetRecord
    exercise_name: str
    revisions: list[SetRevision]


_DURATION_HELP = (
    "Seconds from an imported workout's stored start to its end (the duration its export "
    "gave), else from the workout's first set to its last; null when neither is known (an "
    "import whose sets share one time and whose export gave no duration)."
)

_STATED_TIMES = frozenset({"import"})
"""The sources whose stored start and end are the workout's own: an export states them. A
session run here stores when its plan was made (a readiness check hours before the gym) and when
the server heard of its end (an offline phone's finish arrives when it is back online; a session
left interrupted is closed when the next one starts), so its sets' own times tell instead."""


def workout_duration_s(
    *,
    started_at: datetime,
    ended_at: datetime | None,
    set_times: Sequence[datetime],
    source: str,
) -> float | None:
    """How long a workout lasted, in seconds, or None when nothing stored tells.

    An imported workout's sets all carry the workout's start, so only the export's duration
    (stored as the workout's end) says how long it was. A workout run here, or an import whose
    export gave no duration: the time from its first set to its last; nothing when that is zero.

    Examples
    --------
    >>> from datetime import UTC, datetime, timedelta
    >>> t0 = datetime(2020, 9, 15, 11, 22, 57, tzinfo=UTC)
    >>> workout_duration_s(started_at=t0, ended_at=t0 + timedelta(minutes=103),
    ...                    set_times=[t0, t0], source="import")
    6180.0
    >>> workout_duration_s(started_at=t0, ended_at=None, set_times=[t0, t0],
    ...                    source="import") is None
    True
    >>> workout_duration_s(started_at=t0, ended_at=t0 + timedelta(hours=9), source="guided",
    ...                    set_times=[t0 + timedelta(hours=5), t0 + timedelta(hours=6)])
    3600.0
    """
    if source in _STATED_TIMES and ended_at is not None and ended_at > started_at:
        return (ended_at - started_at).total_seconds()
    if not set_times:
        return None
    span_s = (max(set_times) - min(set_times)).total_seconds()
    return span_s if span_s > 0 else None


class WorkoutSummary(BaseModel):
    """A stored workout (training session) that holds sets, as History lists it."""

    model_config = ConfigDict(frozen=True)

    session_id: int
    started_at: datetime
    ended_at: datetime | None
    source: str
    sets: int = Field(description="Its sets that are not deleted.")
    duration_s: float | None = Field(description=_DURATION_HELP)


class WorkoutDetail(BaseModel):
    """A stored workout (training session) with all its sets, deleted ones marked."""

    model_config = ConfigDict(frozen=True)

    session_id: int
    started_at: datetime
    ended_at: datetime | None
    source: str
    notes: str
    deleted_at: datetime | None
    sets: list[SetRecord]
    duration_s: float | None = Field(description=_DURATION_HELP + " Deleted sets do not count.")


class WorkoutEdit(BaseModel):
    """What to change in a stored workout."""

    model_config = ConfigDict(extra="forbid")

    notes: str | None = None


def _set_row(s: Session, user_id: int, ref: int | str) -> SetRow:
    return repo.get_set_by_ref(session=s, user_id=user_id, ref=ref)


def _detail(s: Session, row: SetRow, catalog: Catalog) -> SetDetail:
    revisions = repo.list_set_revisions(session=s, user_id=row.user_id, set_id=row.id)
    known = catalog.exercises.get(row.exercise_id)
    return SetDetail(
        set=set_record(row),
        exercise_name=row.exercise_id if known is None else known.name,
        revisions=[
            SetRevision(
                revised_at=r.revised_at,
                kind=r.kind,
                changes={_PUBLIC_NAMES.get(k, k): v for k, v in r.changes.items()},
            )
            for r in revisions
        ],
    )


# The store keeps the reps in reserve as ``rir``; the API and history call it reps_in_reserve.
_PUBLIC_NAMES = {"rir": "reps_in_reserve"}


def _checked_values(row: SetRow, edit: SetEdit, catalog: Catalog) -> dict[str, Any]:
    """The store's new values of ``row``, after checking the whole edited set like a new one."""
    values = edit.model_dump(exclude_none=True, exclude={"clear"})
    for name in edit.clear:
        if name in values:
            raise InvalidInputError(
                f"{name} is both given ({values[name]}) and cleared; send one of the two."
            )
        values[name] = None
    if "reps_in_reserve" in values:
        values["rir"] = values.pop("reps_in_reserve")
    refl = row.reflection
    if (
        refl is None
        and "note" in values
        and not {"target_rating", "focus_rating", "felt_elsewhere"} & set(values)
    ):
        values["notes"] = values.pop("note")  # an imported set's note is the set's own
    rated = refl is not None or bool(
        {"target_rating", "focus_rating", "felt_elsewhere", "note"} & set(values)
    )
    rir = values.get("rir", row.rir)
    # The uuid is not edited and not checked again: a set stored before ids had to be UUIDs
    # (``log --uuid notauuid`` once stored it) can still be corrected.
    candidate = {
        "exercise_id": row.exercise_id,
        "performed_at": row.performed_at,
        "load_kg": values.get("load_kg", row.load_kg),
        "reps": values.get("reps", row.reps),
        "set_type": values.get("set_type", row.set_type),
        "reps_in_reserve": rir,
        "tempo": row.tempo,
        "focus_mode": row.focus_mode,
        "cue": row.cue,
        "source": row.source,
        "notes": values.get("notes", row.notes),
        "reflection": None
        if not rated
        else {
            "target_rating": values.get(
                "target_rating", None if refl is None else refl.target_rating
            ),
            "felt_elsewhere": values.get(
                "felt_elsewhere", {} if refl is None else dict(refl.felt_elsewhere or {})
            ),
            "focus_rating": values.get("focus_rating", None if refl is None else refl.focus_rating),
            "reps_in_reserve": rir,
            "note": values.get("note", "" if refl is None else refl.note),
        },
    }
    data = parse_set(candidate)
    # The exercise and the date are not edited; the muscles felt elsewhere must be the user's.
    check_set(data, catalog=catalog, now=row.performed_at, exercise_known=True)
    return values


def get_set(
    *, db: Database, user_id: int, ref: int | str, catalog: Catalog | None = None
) -> SetDetail:
    """One stored set (deleted or not) with its revisions, by integer id or uuid.

    Raises
    ------
    mindmuscle.errors.NotFoundError
        No such set for this user.
    """
    catalog = catalog or user_catalog(db=db, user_id=user_id)
    with db.session(readonly=True) as s:
        return _detail(s, _set_row(s, user_id, ref), catalog)


def edit_set(
    *,
    db: Database,
    user_id: int,
    ref: int | str,
    edit: SetEdit,
    now: datetime,
    catalog: Catalog | None = None,
) -> SetDetail:
    """Change a stored set, keeping its previous values as a revision; committed on return.

    Raises
    ------
    mindmuscle.errors.NotFoundError
        No such set for this user.
    mindmuscle.errors.OutOfRangeError
        The edited set breaks a limit of a set (the error names the field and the value).
    mindmuscle.errors.UnknownIdError
        A muscle felt elsewhere is not in the catalogue.
    """
    catalog = catalog or user_catalog(db=db, user_id=user_id)
    with db.session() as s:
        row = _set_row(s, user_id, ref)
        values = _checked_values(row, edit, catalog)
        repo.edit_set(session=s, user_id=user_id, set_id=row.id, values=values, at=now)
        return _detail(s, row, catalog)


def delete_set(
    *, db: Database, user_id: int, ref: int | str, now: datetime, catalog: Catalog | None = None
) -> SetDetail:
    """Delete a set: it leaves history, e1RM, loads, the map and progress, and can be restored."""
    catalog = catalog or user_catalog(db=db, user_id=user_id)
    with db.session() as s:
        row = _set_row(s, user_id, ref)
        repo.delete_set(session=s, user_id=user_id, set_id=row.id, at=now)
        return _detail(s, row, catalog)


def restore_set(
    *, db: Database, user_id: int, ref: int | str, now: datetime, catalog: Catalog | None = None
) -> SetDetail:
    """Bring a deleted set back with exactly the values it had when it was deleted.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        The set's workout is deleted (restore the workout instead).
    """
    catalog = catalog or user_catalog(db=db, user_id=user_id)
    with db.session() as s:
        row = _set_row(s, user_id, ref)
        repo.restore_set(session=s, user_id=user_id, set_id=row.id, at=now)
        return _detail(s, row, catalog)


def _workout(s: Session, user_id: int, session_id: int) -> WorkoutDetail:
    row = repo.get_session(session=s, user_id=user_id, session_id=session_id)
    sets = repo.list_sets(session=s, user_id=user_id, session_id=session_id, include_deleted=True)
    return WorkoutDetail(
        session_id=row.id,
        started_at=row.started_at,
        ended_at=row.ended_at,
        source=row.source,
        notes=row.notes,
        deleted_at=row.deleted_at,
        sets=[set_record(r) for r in sets],
        duration_s=workout_duration_s(
            started_at=row.started_at,
            ended_at=row.ended_at,
            set_times=[r.performed_at for r in sets if r.deleted_at is None],
            source=row.source,
        ),
    )


def workouts(
    *,
    db: Database,
    user_id: int,
    since: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[WorkoutSummary]:
    """The workouts that hold sets, newest first, each with its duration (``since``: those
    started then or later; ``offset`` pages back in time; deleted workouts and sets left out)."""
    with db.session(readonly=True) as s:
        spans = repo.list_workouts(
            session=s, user_id=user_id, since=since, limit=limit, offset=offset
        )
    return [
        WorkoutSummary(
            session_id=w.session_id,
            started_at=w.started_at,
            ended_at=w.ended_at,
            source=w.source,
            sets=w.n_sets,
            duration_s=workout_duration_s(
                started_at=w.started_at,
                ended_at=w.ended_at,
                set_times=[w.first_set_at, w.last_set_at],
                source=w.source,
            ),
        )
        for w in spans
    ]


def get_workout(*, db: Database, user_id: int, session_id: int) -> WorkoutDetail:
    """One stored workout (deleted or not) with all its sets."""
    with db.session(readonly=True) as s:
        return _workout(s, user_id, session_id)


def edit_workout(
    *, db: Database, user_id: int, session_id: int, edit: WorkoutEdit
) -> WorkoutDetail:
    """Change a workout's notes; committed on return."""
    with db.session() as s:
        row = repo.get_session(session=s, user_id=user_id, session_id=session_id)
        if edit.notes is not None:
            row.notes = edit.notes
        s.flush()
        return _workout(s, user_id, session_id)


def delete_workout(*, db: Database, user_id: int, session_id: int, now: datetime) -> WorkoutDetail:
    """Delete a workout and its sets (restorable together)."""
    with db.session() as s:
        repo.delete_session(session=s, user_id=user_id, session_id=session_id, at=now)
        return _workout(s, user_id, session_id)


def restore_workout(*, db: Database, user_id: int, session_id: int, now: datetime) -> WorkoutDetail:
    """Bring a deleted workout back with the sets deleted with it."""
    with db.session() as s:
        repo.restore_session(session=s, user_id=user_id, session_id=session_id, at=now)
        return _workout(s, user_id, session_id)


def exercise_records(
    *, db: Database, user_id: int, sets: Sequence[LoggedSet] | None = None, recent: int = 5
) -> dict[str, ExerciseRecords]:
    """Each logged exercise's records: best e1RM, best set, the newest sets (kg).

    ``sets``: the user's logged sets when the caller already holds them (the web app keeps them
    in memory); read from the database otherwise.
    """
    if sets is None:
        sets = logged_sets(db=db, user_id=user_id)
    return records_by_exercise(sets, recent=recent)
