"""Store operations on many rows at once: imports, exports and the progress cache.

Like :mod:`mindmuscle.store.repo`, every function takes keyword-only arguments and one
``Session``, is scoped by ``user_id``, and leaves the transaction to the caller. The statements
that import and export whole histories live here, so no SQL is written outside the store.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import Select, Text, and_, bindparam, case, cast, func, insert, or_, select
from sqlalchemy.orm import Session

from mindmuscle.store.tables import (
    RecordingRow,
    ReflectionRow,
    SetRevisionRow,
    SetRow,
    UserRow,
)

__all__ = [
    "EmgRecordingRow",
    "ExerciseTotals",
    "LiftRow",
    "LoggedSetRow",
    "SetTotals",
    "any_password",
    "count_late_reflections",
    "exercise_totals",
    "felt_elsewhere_rows",
    "first_user_row",
    "history_version",
    "imported_set_count",
    "insert_sets",
    "iter_sets",
    "last_working_set",
    "late_reflection_set_ids",
    "lift_rows_since",
    "list_emg_recordings",
    "logged_set_rows",
    "logged_set_rows_by_id",
    "logged_set_rows_by_time",
    "rated_set_rows",
    "revised_set_ids",
    "sessions_of_import_keys",
    "set_totals",
    "stored_set_keys",
    "user_rows",
]

_T = TypeVar("_T")
_CHUNK = 500  # bound parameters per IN list (SQLite allows 999 by default)

# Bound parameters, not literal lists: the statement cache then holds no keys of past batches.
_STORED_KEYS = select(SetRow.import_key, SetRow.session_id).where(
    SetRow.user_id == bindparam("user_id"),
    SetRow.import_key.in_(bindparam("keys", expanding=True)),
)


def _logged_set_rows() -> Select[*tuple[Any, ...]]:
    """The columns of a :class:`LoggedSetRow`: a set's with its reflection's rating and
    where else it was felt (none when it has no reflection)."""
    return select(
        SetRow.id, SetRow.exercise_id, SetRow.performed_at, SetRow.session_id,
        SetRow.load_kg, SetRow.reps, SetRow.set_type, SetRow.rir, SetRow.focus_mode,
        ReflectionRow.target_rating, ReflectionRow.felt_elsewhere, SetRow.source,
    ).outerjoin(ReflectionRow, ReflectionRow.set_id == SetRow.id)  # fmt: skip


def user_rows(
    *, session: Session, table: type[_T], user_id: int, order_by: Sequence[Any] = ()
) -> list[_T]:
    """Every row of ``table`` that belongs to the user, in ``order_by`` order."""
    column = table.user_id  # type: ignore[attr-defined]
    return list(session.scalars(select(table).where(column == user_id).order_by(*order_by)))


def first_user_row(
    *, session: Session, table: type[_T], user_id: int, equals: Mapping[str, Any] | None = None
) -> _T | None:
    """The user's first row of ``table`` whose columns equal ``equals``, or None."""
    q = select(table).where(table.user_id == user_id)  # type: ignore[attr-defined]
    for column, value in (equals or {}).items():
        q = q.where(getattr(table, column) == value)
    return session.scalars(q).first()


def stored_set_keys(*, session: Session, user_id: int) -> tuple[set[str], set[str]]:
    """The uuids and the import keys of every stored set of the user (deleted ones too, so an
    import does not bring back a set the user deleted)."""
    uuids: set[str] = set()
    keys: set[str] = set()
    q = select(SetRow.uuid, SetRow.import_key).where(SetRow.user_id == user_id)
    for uuid, import_key in session.execute(q):
        uuids.add(uuid)
        if import_key is not None:
            keys.add(import_key)
    return uuids, keys


def sessions_of_import_keys(
    *, session: Session, user_id: int, keys: Sequence[str]
) -> dict[str, int | None]:
    """For each of ``keys`` already stored: the session id of its set."""
    found: dict[str, int | None] = {}
    for i in range(0, len(keys), _CHUNK):
        params = {"user_id": user_id, "keys": list(keys[i : i + _CHUNK])}
        found.update({k: sid for k, sid in session.execute(_STORED_KEYS, params) if k is not None})
    return found


def insert_sets(*, session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Insert many sets (one dict of column values each) in one executemany.

    Core, not the ORM: for an import of years of sets the ORM's bookkeeping costs more than
    the insert itself.
    """
    if rows:
        session.connection().execute(insert(SetRow.__table__), list(rows))  # type: ignore[arg-type]


def iter_sets(*, session: Session, user_id: int, batch: int = 1000) -> Iterator[SetRow]:
    """The user's sets that are not deleted, oldest first, read ``batch`` rows at a time."""
    q = (
        select(SetRow)
        .where(SetRow.user_id == user_id, SetRow.deleted_at.is_(None))
        .order_by(SetRow.performed_at, SetRow.id)
        .execution_options(yield_per=batch)
    )
    yield from session.scalars(q)


def history_version(*, session: Session, user_id: int) -> tuple[int, int, int]:
    """(highest set id, highest reflection id, highest revision id) of the user."""
    # Three index lookups; counting 100,000 rows would cost tens of milliseconds per page.
    max_set = session.scalar(select(func.max(SetRow.id)).where(SetRow.user_id == user_id))
    max_refl = session.scalar(
        select(func.max(ReflectionRow.id)).where(ReflectionRow.user_id == user_id)
    )
    max_rev = session.scalar(
        select(func.max(SetRevisionRow.id)).where(SetRevisionRow.user_id == user_id)
    )
    return int(max_set or 0), int(max_refl or 0), int(max_rev or 0)


def count_late_reflections(
    *, session: Session, user_id: int, after_reflection_id: int, up_to_set_id: int
) -> int:
    """Reflections stored after ``after_reflection_id`` for sets up to ``up_to_set_id``."""
    q = select(func.count(ReflectionRow.id)).where(
        ReflectionRow.user_id == user_id,
        ReflectionRow.id > after_reflection_id,
        ReflectionRow.set_id <= up_to_set_id,
    )
    return int(session.scalar(q) or 0)


class LoggedSetRow(NamedTuple):
    """A set with its rating, as the coach reads history (no ORM objects)."""

    id: int
    exercise_id: str
    performed_at: datetime
    session_id: int | None
    load_kg: float
    reps: int
    set_type: str
    rir: int | None
    focus_mode: str | None
    target_rating: int | None
    felt_elsewhere: dict[str, Any] | None
    source: str
    """Where the set came from (``import``: read from a workout-log export)."""


def logged_set_rows(
    *,
    session: Session,
    user_id: int,
    after_id: int,
    up_to_id: int,
    since: datetime | None = None,
) -> list[LoggedSetRow]:
    """The user's sets that are not deleted with ``after_id < id <= up_to_id`` (performed at
    ``since`` or later), by id."""
    q = (
        _logged_set_rows()
        .where(
            SetRow.user_id == user_id, SetRow.id > after_id, SetRow.id <= up_to_id,
            SetRow.deleted_at.is_(None),
        )
        .order_by(SetRow.id)
        # In batches: ten years of sets read in one call would hold the process (and its
        # answer to the server's health check) for seconds.
        .execution_options(yield_per=2000)
    )  # fmt: skip
    if since is not None:
        q = q.where(SetRow.performed_at >= since)
    return [LoggedSetRow._make(row) for row in session.execute(q)]


def logged_set_rows_by_time(
    *, session: Session, user_id: int, since: datetime | None = None
) -> list[LoggedSetRow]:
    """The user's sets that are not deleted (performed at ``since`` or later), oldest first.

    Columns only, no ORM objects: the coach reads every set of a history of years at once.
    """
    q = (
        _logged_set_rows()
        .where(SetRow.user_id == user_id, SetRow.deleted_at.is_(None))
        .order_by(SetRow.performed_at, SetRow.id)
    )  # fmt: skip
    if since is not None:
        q = q.where(SetRow.performed_at >= since)
    return [LoggedSetRow._make(row) for row in session.execute(q)]


def any_password(*, session: Session) -> bool:
    """Whether any user has a password."""
    q = select(UserRow.id).where(UserRow.password_hash.is_not(None)).limit(1)
    return session.scalars(q).first() is not None


class EmgRecordingRow(NamedTuple):
    """An EMG recording without its file's bytes."""

    id: int
    file_name: str | None
    set_uuid: str | None
    created_at: datetime
    analysis: dict[str, Any] | None
    has_file: bool


def list_emg_recordings(*, session: Session, user_id: int, limit: int) -> list[EmgRecordingRow]:
    """The user's newest EMG recordings, newest first (not the files' bytes)."""
    q = (
        select(
            RecordingRow.id,
            RecordingRow.file_name,
            RecordingRow.set_uuid,
            RecordingRow.created_at,
            RecordingRow.analysis,
            RecordingRow.blob.is_not(None),
        )
        .where(RecordingRow.user_id == user_id, RecordingRow.kind == "emg")
        .order_by(RecordingRow.id.desc())
        .limit(limit)
    )
    return [EmgRecordingRow(*row) for row in session.execute(q)]


def revised_set_ids(
    *, session: Session, user_id: int, after_revision_id: int, up_to_revision_id: int
) -> set[int]:
    """The ids of the user's sets edited, deleted or restored by the revisions with
    ``after_revision_id < id <= up_to_revision_id``."""
    q = select(SetRevisionRow.set_id).where(
        SetRevisionRow.user_id == user_id,
        SetRevisionRow.id > after_revision_id,
        SetRevisionRow.id <= up_to_revision_id,
    )
    return set(session.scalars(q.distinct()))


def logged_set_rows_by_id(
    *, session: Session, user_id: int, set_ids: Collection[int], since: datetime | None = None
) -> list[LoggedSetRow]:
    """The user's sets among ``set_ids`` that are not deleted (performed at ``since`` or
    later), by id."""
    ids = sorted(set_ids)
    out: list[LoggedSetRow] = []
    for i in range(0, len(ids), _CHUNK):
        q = (
            _logged_set_rows()
            .where(
                SetRow.user_id == user_id, SetRow.id.in_(ids[i : i + _CHUNK]),
                SetRow.deleted_at.is_(None),
            )
            .order_by(SetRow.id)
        )  # fmt: skip
        if since is not None:
            q = q.where(SetRow.performed_at >= since)
        out.extend(LoggedSetRow._make(row) for row in session.execute(q))
    return out


class SetTotals(NamedTuple):
    """A user's sets that are not deleted: how many, how many rated, the first and last."""

    sets: int
    rated: int
    first: datetime | None
    last: datetime | None


def set_totals(*, session: Session, user_id: int) -> SetTotals:
    """The totals of the user's sets, counted in the database (no set is read)."""
    q = (
        select(
            func.count(SetRow.id),
            func.count(ReflectionRow.target_rating),
            func.min(SetRow.performed_at),
            func.max(SetRow.performed_at),
        )
        .outerjoin(ReflectionRow, ReflectionRow.set_id == SetRow.id)
        .where(SetRow.user_id == user_id, SetRow.deleted_at.is_(None))
    )
    n, rated, first, last = session.execute(q).one()
    return SetTotals(int(n), int(rated), first, last)


def late_reflection_set_ids(
    *, session: Session, user_id: int, after_reflection_id: int, up_to_set_id: int
) -> set[int]:
    """The sets up to ``up_to_set_id`` given a reflection after ``after_reflection_id``."""
    q = select(ReflectionRow.set_id).where(
        ReflectionRow.user_id == user_id,
        ReflectionRow.id > after_reflection_id,
        ReflectionRow.set_id <= up_to_set_id,
    )
    return set(session.scalars(q))


class ExerciseTotals(NamedTuple):
    """Totals of one exercise's sets that are not deleted (what a plan needs of old sets)."""

    exercise_id: str
    sets: int
    rated: int
    first_rated: datetime | None
    last_rated: datetime | None
    lifted: int
    """Sets that count for an e1RM: not warm-ups, a load, 1 to ``max_reps`` reps + RIR."""
    last_lifted: datetime | None
    lifted_low_reps: int
    """Of those, sets of at most 10 reps + RIR."""
    max_lifted_kg: float | None
    felt: int
    """Sets whose reflection felt another muscle at all (see :func:`felt_elsewhere_rows`)."""


def _felt_any() -> Any:
    return and_(
        ReflectionRow.felt_elsewhere.is_not(None),
        cast(ReflectionRow.felt_elsewhere, Text).not_in(["{}", "null"]),
    )


def exercise_totals(*, session: Session, user_id: int, max_reps: int) -> list[ExerciseTotals]:
    """Per exercise, the totals of the user's sets (one pass over them, in the database)."""
    to_failure = SetRow.reps + func.coalesce(SetRow.rir, 0)
    lifted = and_(
        SetRow.set_type != "warmup", SetRow.load_kg > 0, SetRow.reps >= 1, to_failure <= max_reps
    )
    rated = ReflectionRow.target_rating.is_not(None)
    q = (
        select(
            SetRow.exercise_id,
            func.count(SetRow.id),
            func.count(ReflectionRow.target_rating),
            func.min(case((rated, SetRow.performed_at))),
            func.max(case((rated, SetRow.performed_at))),
            func.count(case((lifted, 1))),
            func.max(case((lifted, SetRow.performed_at))),
            func.count(case((and_(lifted, to_failure <= 10), 1))),
            func.max(case((lifted, SetRow.load_kg))),
            func.count(case((_felt_any(), 1))),
        )
        .outerjoin(ReflectionRow, ReflectionRow.set_id == SetRow.id)
        .where(SetRow.user_id == user_id, SetRow.deleted_at.is_(None))
        .group_by(SetRow.exercise_id)
        .order_by(SetRow.exercise_id)
    )
    return [ExerciseTotals(*row) for row in session.execute(q)]


def felt_elsewhere_rows(*, session: Session, user_id: int) -> list[tuple[str, dict[str, Any]]]:
    """(exercise id, felt elsewhere) of the user's sets that are not deleted and felt another
    muscle at all (most reflections felt none)."""
    q = (
        select(SetRow.exercise_id, ReflectionRow.felt_elsewhere)
        .join(ReflectionRow, ReflectionRow.set_id == SetRow.id)
        .where(SetRow.user_id == user_id, SetRow.deleted_at.is_(None), _felt_any())
    )
    return [(ex, dict(value or {})) for ex, value in session.execute(q)]


def _since_clause(since: Mapping[str, datetime | None]) -> Any:
    """Sets of the exercises of ``since``, each from its time on (None: all of them)."""
    by_start: dict[datetime | None, list[str]] = {}
    for exercise_id, start in since.items():
        by_start.setdefault(start, []).append(exercise_id)
    clauses = []
    for start, ids in by_start.items():
        chosen = SetRow.exercise_id.in_(sorted(ids))
        clauses.append(chosen if start is None else and_(chosen, SetRow.performed_at >= start))
    return or_(*clauses)


def rated_set_rows(
    *, session: Session, user_id: int, since: Mapping[str, datetime | None]
) -> list[tuple[str, datetime, int]]:
    """(exercise id, time, target rating) of the user's rated sets that are not deleted, of
    the exercises of ``since``, each from its time on, oldest first (same time: by id)."""
    if not since:
        return []
    q = (
        select(SetRow.exercise_id, SetRow.performed_at, ReflectionRow.target_rating)
        .join(ReflectionRow, ReflectionRow.set_id == SetRow.id)
        .where(
            SetRow.user_id == user_id,
            SetRow.deleted_at.is_(None),
            ReflectionRow.target_rating.is_not(None),
            _since_clause(since),
        )
        .order_by(SetRow.performed_at, SetRow.id)
    )
    return [(ex, at, int(rating or 0)) for ex, at, rating in session.execute(q)]


class LiftRow(NamedTuple):
    """What an e1RM reads of a set (all of it in the index of sets by exercise)."""

    exercise_id: str
    performed_at: datetime
    load_kg: float
    reps: int
    set_type: str
    reps_in_reserve: int | None


def lift_rows_since(
    *, session: Session, user_id: int, exercise_id: str, since: datetime | None
) -> list[LiftRow]:
    """The user's sets of one exercise that are not deleted, from ``since`` on (None: all),
    oldest first (sets of the same time by id)."""
    q = (
        select(
            SetRow.exercise_id, SetRow.performed_at, SetRow.load_kg, SetRow.reps,
            SetRow.set_type, SetRow.rir,
        )
        .where(
            SetRow.user_id == user_id,
            SetRow.deleted_at.is_(None),
            _since_clause({exercise_id: since}),
        )
        .order_by(SetRow.performed_at, SetRow.id)
    )  # fmt: skip
    return [LiftRow(*row) for row in session.execute(q)]


def imported_set_count(*, session: Session, user_id: int, exercise_id: str) -> int:
    """How many of the user's sets of one exercise that are not deleted came from an import."""
    q = select(func.count(SetRow.id)).where(
        SetRow.user_id == user_id,
        SetRow.exercise_id == exercise_id,
        SetRow.deleted_at.is_(None),
        SetRow.source == "import",
    )
    return int(session.scalar(q) or 0)


def last_working_set(*, session: Session, user_id: int, exercise_id: str) -> LoggedSetRow | None:
    """The user's newest set of one exercise that is not deleted, not a warm-up, with a load
    and a repetition (same time: the one stored last), or None."""
    q = (
        _logged_set_rows()
        .where(
            SetRow.user_id == user_id, SetRow.exercise_id == exercise_id,
            SetRow.deleted_at.is_(None), SetRow.set_type != "warmup", SetRow.load_kg > 0,
            SetRow.reps >= 1,
        )
        .order_by(SetRow.performed_at.desc(), SetRow.id.desc())
        .limit(1)
    )  # fmt: skip
    row = session.execute(q).first()
    return None if row is None else LoggedSetRow._make(row)
