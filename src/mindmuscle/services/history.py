"""Logged sets and what is computed from them: history, e1RM per exercise, the connection map.

Every function takes keyword-only arguments and returns pydantic models. A set is stored and
committed before a function returns it, and storing is idempotent by the set's ``uuid``.
"""

from __future__ import annotations

import uuid as uuid_mod
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from mindmuscle.catalog import Catalog
from mindmuscle.catalog.models import Tempo
from mindmuscle.coach import connection_map as coach_connection_map
from mindmuscle.coach import estimate_e1rm
from mindmuscle.coach.models import E1RM, ConnectionScore, FocusMode, LoggedSet, Reflection, SetType
from mindmuscle.services.catalog import user_catalog
from mindmuscle.store import Database, ReflectionCreate, SetCreate, repo
from mindmuscle.store.tables import SetRow

__all__ = [
    "SetInput",
    "SetRecord",
    "connection_map",
    "e1rm_by_exercise",
    "history",
    "logged_sets",
    "record_reflection",
    "record_set",
    "set_create",
    "set_record",
    "user_catalog",
]


class SetInput(BaseModel):
    """A set to store: what the lifter did, and their reflection.

    ``uuid`` is made by the client (a phone, the terminal) so that a retried write is stored
    once; it is generated when missing.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    uuid: str = Field(default_factory=lambda: str(uuid_mod.uuid4()), min_length=1, max_length=36)
    exercise_id: str
    performed_at: datetime
    load_kg: float = Field(ge=0, description="0 for bodyweight sets.")
    reps: int = Field(ge=0)
    set_type: SetType = "working"
    tempo: Tempo | None = None
    focus_mode: FocusMode | None = None
    cue: str | None = None
    reflection: Reflection | None = None
    session_id: int | None = None
    set_index: int | None = Field(default=None, ge=0)
    source: Literal["guided", "log", "experiment", "drill"] = "log"
    notes: str = ""


class SetRecord(BaseModel):
    """A stored set with its reflection, as history shows it."""

    model_config = ConfigDict(frozen=True)

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
        rir=None if r is None else r.reps_in_reserve,
        tempo=None if data.tempo is None else data.tempo.model_dump(mode="json"),
        focus_mode=data.focus_mode,
        cue=data.cue,
        source=data.source,
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
    )


def record_set(
    *, db: Database, user_id: int, data: SetInput, catalog: Catalog | None = None
) -> SetRecord:
    """Store one set with its reflection; committed when this returns.

    Idempotent: storing the same ``uuid`` again returns the stored set unchanged.

    Raises
    ------
    mindmuscle.errors.UnknownIdError
        The exercise is neither in the catalogue nor among the user's exercises, or a muscle
        felt elsewhere is not in the catalogue.
    """
    catalog = catalog or user_catalog(db=db, user_id=user_id)
    catalog.exercise(data.exercise_id)  # refuses unknown ids, with suggestions
    if data.reflection is not None:
        for muscle_id in data.reflection.felt_elsewhere:
            catalog.muscle(muscle_id)
    with db.session() as s:
        row = repo.add_set(session=s, user_id=user_id, data=set_create(data))
        record = set_record(row)
    return record


def record_reflection(
    *, db: Database, user_id: int, set_uuid: str, reflection: Reflection
) -> SetRecord:
    """Store (or replace) the reflection of a stored set; committed when this returns.

    Raises
    ------
    mindmuscle.errors.NotFoundError
        No set with this id for this user.
    """
    with db.session() as s:
        repo.add_reflection(
            session=s,
            user_id=user_id,
            set_uuid=set_uuid,
            data=ReflectionCreate(
                target_rating=reflection.target_rating,
                felt_elsewhere=dict(reflection.felt_elsewhere),
                focus_rating=reflection.focus_rating,
                note=reflection.note,
            ),
        )
        row = repo.get_set(session=s, user_id=user_id, uuid=set_uuid)
        if reflection.reps_in_reserve is not None:
            row.rir = reflection.reps_in_reserve
        return set_record(row)


def history(
    *,
    db: Database,
    user_id: int,
    exercise_id: str | None = None,
    session_id: int | None = None,
    since: datetime | None = None,
    limit: int | None = None,
) -> list[SetRecord]:
    """Stored sets with their reflections, oldest first (``limit``: the newest ones)."""
    with db.session(readonly=True) as s:
        rows = repo.list_sets(
            session=s,
            user_id=user_id,
            exercise_id=exercise_id,
            session_id=session_id,
            since=since,
            limit=limit,
        )
        return [set_record(r) for r in rows]


def logged_sets(*, db: Database, user_id: int, since: datetime | None = None) -> list[LoggedSet]:
    """Every stored set as the coach reads history (e1RM, progression, connection map)."""
    with db.session(readonly=True) as s:
        rows = repo.list_sets(session=s, user_id=user_id, since=since)
        return [
            LoggedSet(
                exercise_id=r.exercise_id,
                performed_at=r.performed_at,
                session_id=None if r.session_id is None else str(r.session_id),
                load_kg=r.load_kg,
                reps=r.reps,
                set_type=r.set_type,
                reps_in_reserve=r.rir,
                focus_mode=r.focus_mode,
                target_rating=None if r.reflection is None else r.reflection.target_rating,
                felt_elsewhere={}
                if r.reflection is None
                else {k: int(v) for k, v in (r.reflection.felt_elsewhere or {}).items()},
            )
            for r in rows
        ]


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
