"""One way in for a set: check it with the model, store it once, say whether it is new.

Every channel stores its sets here: the web API (the phone's set loop, through
:class:`~mindmuscle.services.web_session.SetWriter`), ``mindmuscle log`` and the guided session
in the terminal (:func:`record_set`), experiments (:func:`store_set` in their transaction), and
file imports (:func:`check_import_set` on every parsed set before their bulk insert). So the
same set is accepted or refused the same way, with the same message, whichever way it came.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from mindmuscle.catalog.models import Tempo
from mindmuscle.coach.catalog_view import CatalogView
from mindmuscle.coach.models import Reflection
from mindmuscle.coach.sets import SetInput, check_set, parse_set
from mindmuscle.errors import MindMuscleError
from mindmuscle.services.catalog import user_catalog
from mindmuscle.store import Database, ReflectionCreate, SetCreate, repo
from mindmuscle.store.tables import SetRow

__all__ = [
    "SetRecord",
    "StoredSet",
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
    )


def store_set(
    s: Session,
    *,
    user_id: int,
    data: SetInput,
    catalog: CatalogView,
    now: datetime,
) -> StoredSet:
    """Check ``data`` against the user's catalogue and ``now``, and store it in the open
    transaction ``s`` (once per ``uuid`` or ``import_key``).

    Raises
    ------
    mindmuscle.errors.UnknownIdError
        The exercise or a muscle felt elsewhere is not in the catalogue.
    mindmuscle.errors.OutOfRangeError
        ``performed_at`` more than a day ahead of ``now``.
    mindmuscle.errors.NotFoundError
        ``session_id`` is not a session of this user.
    """
    check_set(data, catalog=catalog, now=now)
    row, stored_now = repo.store_set(session=s, user_id=user_id, data=set_create(data))
    return StoredSet(record=set_record(row), stored_now=stored_now)


def record_set(
    *,
    db: Database,
    user_id: int,
    data: SetInput,
    now: datetime | None = None,
    catalog: CatalogView | None = None,
) -> StoredSet:
    """Store one set with its reflection; committed when this returns.

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
            s, user_id=user_id, data=data, catalog=catalog, now=now or datetime.now(UTC)
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
