"""Repository functions: keyword-only arguments, one ``Session`` in, rows out.

Every function is scoped by ``user_id``: a row of another user is never returned and is
reported as :class:`~mindmuscle.errors.NotFoundError`. The caller owns the transaction
(``with db.session() as s: ...`` commits at the end).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mindmuscle.errors import InvalidInputError, NotFoundError
from mindmuscle.store.schemas import (
    CalibrationCreate,
    DrillRatingCreate,
    ExperimentCreate,
    ExperimentSetCreate,
    ProfileData,
    ReadinessCreate,
    RecordingCreate,
    ReflectionCreate,
    RoutineData,
    SessionCreate,
    SetCreate,
    SetEmgCreate,
    SkillTestCreate,
    UserExerciseCreate,
)
from mindmuscle.store.tables import (
    CalibrationRow,
    CoachClientRow,
    DrillRatingRow,
    DrillRow,
    ExperimentRow,
    ExperimentSetRow,
    LoginFailureRow,
    LoginSessionRow,
    PlannedExerciseRow,
    ProfileRow,
    ReadinessRow,
    RecordingRow,
    ReflectionRow,
    RoutineRow,
    SessionRow,
    SetEmgRow,
    SetRevisionRow,
    SetRow,
    SkillTestRow,
    UserExerciseRow,
    UserRow,
    utcnow,
)

__all__ = [
    "WorkoutSpan",
    "add_calibration",
    "add_drill_rating",
    "add_experiment_set",
    "add_login_failure",
    "add_login_session",
    "add_readiness",
    "add_recording",
    "add_reflection",
    "add_set",
    "add_skill_test",
    "clear_login_failures",
    "coach_of",
    "count_login_sessions",
    "create_drill",
    "create_experiment",
    "create_routine",
    "create_session",
    "create_user",
    "delete_login_sessions",
    "delete_routine",
    "delete_session",
    "delete_set",
    "delete_user",
    "edit_set",
    "end_drill",
    "end_session",
    "felt_and_measured",
    "find_set",
    "find_set_at",
    "get_drill",
    "get_experiment",
    "get_profile",
    "get_routine",
    "get_session",
    "get_set",
    "get_set_by_id",
    "get_set_by_ref",
    "get_set_emg",
    "get_user",
    "get_user_by_name",
    "latest_calibrations",
    "latest_open_session",
    "latest_readiness",
    "link_experiment_set",
    "list_clients",
    "list_drill_ratings",
    "list_experiments",
    "list_readiness",
    "list_recordings",
    "list_routines",
    "list_sessions",
    "list_set_revisions",
    "list_sets",
    "list_skill_tests",
    "list_user_exercises",
    "list_users",
    "list_workouts",
    "login_failures_since",
    "login_session_user",
    "motion_counts_of_sets",
    "motion_recordings_of_sets",
    "place_taken",
    "restore_session",
    "restore_set",
    "save_profile",
    "save_session_state",
    "set_coach",
    "set_emg_of_sets",
    "set_experiment_status",
    "store_motion_recording",
    "store_set",
    "store_set_emg",
    "update_routine",
    "upsert_user_exercise",
    "users_named_alike",
]

MAX_ID = 2**63 - 1  # the largest id a database column holds; larger ones are never found


# --- users -----------------------------------------------------------------------------------


def create_user(*, session: Session, name: str, password_hash: str | None = None) -> UserRow:
    """Create a user; raises InvalidInputError if the name is taken (ignoring case)."""
    taken = users_named_alike(session=session, name=name)
    if taken:
        as_ = "" if taken[0].name == name else f" (as {taken[0].name!r})"
        raise InvalidInputError(f"User name {name!r} is taken{as_}; choose another name.")
    row = UserRow(name=name, password_hash=password_hash)
    session.add(row)
    session.flush()
    return row


def get_user(*, session: Session, user_id: int) -> UserRow:
    row = session.get(UserRow, user_id)
    if row is None:
        raise NotFoundError(f"No user with id {user_id}.")
    return row


def _folded(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold()


def users_named_alike(*, session: Session, name: str) -> list[UserRow]:
    """The users whose name is ``name`` ignoring case (in any script), the exact one first.

    Compared in Python: SQLite's lower() folds ASCII only. An older database may hold two
    such names (Dan and dan); a new name is refused when it is like any."""
    folded = _folded(name)
    ids = [i for i, n in session.execute(select(UserRow.id, UserRow.name)) if _folded(n) == folded]
    rows = [get_user(session=session, user_id=i) for i in ids]
    return sorted(rows, key=lambda r: (r.name != name, r.id))


def get_user_by_name(*, session: Session, name: str) -> UserRow | None:
    """The user called ``name``: exactly, else ignoring case when only one name is like it
    (of two stored names alike, only the exact one finds either)."""
    exact = session.scalars(select(UserRow).where(UserRow.name == name)).first()
    if exact is not None:
        return exact
    alike = users_named_alike(session=session, name=name)
    return alike[0] if len(alike) == 1 else None


def list_users(*, session: Session) -> list[UserRow]:
    """Every user, by name."""
    return list(session.scalars(select(UserRow).order_by(UserRow.name)))


def delete_user(*, session: Session, user_id: int) -> None:
    """Delete a user and, through the foreign keys, everything they stored."""
    session.delete(get_user(session=session, user_id=user_id))
    session.flush()


def coach_of(*, session: Session, client_id: int) -> UserRow | None:
    """The coach of a lifter, None when they have none."""
    q = (
        select(UserRow)
        .join(CoachClientRow, CoachClientRow.coach_id == UserRow.id)
        .where(CoachClientRow.client_id == client_id)
    )
    return session.scalars(q).first()


def list_clients(*, session: Session, coach_id: int) -> list[UserRow]:
    """The clients of a coach, by name."""
    q = (
        select(UserRow)
        .join(CoachClientRow, CoachClientRow.client_id == UserRow.id)
        .where(CoachClientRow.coach_id == coach_id)
        .order_by(UserRow.name)
    )
    return list(session.scalars(q))


def set_coach(*, session: Session, client_id: int, coach_id: int | None, now: datetime) -> None:
    """Make ``coach_id`` the one coach of ``client_id`` (None: a client of no coach)."""
    session.execute(delete(CoachClientRow).where(CoachClientRow.client_id == client_id))
    if coach_id is not None:
        session.add(CoachClientRow(client_id=client_id, coach_id=coach_id, assigned_at=now))
    session.flush()


# --- login sessions and refused logins -------------------------------------------------------


def add_login_session(
    *, session: Session, user_id: int, token_sha256: str, now: datetime, expires_at: datetime
) -> None:
    """Store a new login session (the cookie's token is stored only as its hash)."""
    session.add(
        LoginSessionRow(
            user_id=user_id, token_sha256=token_sha256, created_at=now, expires_at=expires_at
        )
    )
    session.execute(delete(LoginSessionRow).where(LoginSessionRow.expires_at <= now))
    session.flush()


def login_session_user(*, session: Session, token_sha256: str, now: datetime) -> int | None:
    """The user of an unexpired login session, or None."""
    q = select(LoginSessionRow.user_id).where(
        LoginSessionRow.token_sha256 == token_sha256, LoginSessionRow.expires_at > now
    )
    return session.scalars(q).first()


def delete_login_sessions(
    *, session: Session, token_sha256: str | None = None, user_id: int | None = None
) -> int:
    """End one login session (by its token's hash) or every session of a user; how many ended."""
    q = delete(LoginSessionRow)
    if token_sha256 is not None:
        q = q.where(LoginSessionRow.token_sha256 == token_sha256)
    elif user_id is not None:
        q = q.where(LoginSessionRow.user_id == user_id)
    else:
        raise ValueError("give token_sha256 or user_id")
    return int(session.execute(q).rowcount)  # type: ignore[attr-defined]


def count_login_sessions(*, session: Session, user_id: int, now: datetime) -> int:
    """How many unexpired login sessions a user has."""
    q = select(func.count(LoginSessionRow.id)).where(
        LoginSessionRow.user_id == user_id, LoginSessionRow.expires_at > now
    )
    return int(session.scalar(q) or 0)


def login_failures_since(*, session: Session, key: str, since: datetime) -> list[datetime]:
    """When the refused logins of ``key`` since ``since`` happened, oldest first."""
    q = (
        select(LoginFailureRow.failed_at)
        .where(LoginFailureRow.key == key, LoginFailureRow.failed_at > since)
        .order_by(LoginFailureRow.failed_at)
    )
    return list(session.scalars(q))


def add_login_failure(
    *, session: Session, keys: Sequence[str], now: datetime, since: datetime
) -> None:
    """Record a refused login under each key, forgetting those older than ``since``."""
    session.execute(delete(LoginFailureRow).where(LoginFailureRow.failed_at <= since))
    session.add_all(LoginFailureRow(key=k, failed_at=now) for k in keys)
    session.flush()


def clear_login_failures(*, session: Session, key: str) -> None:
    """Forget the refused logins of ``key`` (after a successful login to that account)."""
    session.execute(delete(LoginFailureRow).where(LoginFailureRow.key == key))


# --- profile and readiness ------------------------------------------------------------------


def get_profile(*, session: Session, user_id: int) -> ProfileRow | None:
    """The user's profile, or None before ``mindmuscle init``."""
    return session.scalars(select(ProfileRow).where(ProfileRow.user_id == user_id)).first()


def save_profile(*, session: Session, user_id: int, data: ProfileData) -> ProfileRow:
    """Create or replace the user's profile."""
    row = get_profile(session=session, user_id=user_id)
    if row is None:
        row = ProfileRow(user_id=user_id)
        session.add(row)
    row.units = data.units
    row.experience = data.experience
    row.goal = data.goal
    row.equipment = dict(data.equipment)
    row.bodyweight_kg = data.bodyweight_kg
    row.updated_at = utcnow()
    session.flush()
    return row


def add_readiness(*, session: Session, user_id: int, data: ReadinessCreate) -> ReadinessRow:
    row = ReadinessRow(
        user_id=user_id,
        recorded_at=data.recorded_at or utcnow(),
        sleep=data.sleep,
        energy=data.energy,
        stress=data.stress,
        focus=data.focus,
        soreness=dict(data.soreness),
        decision=data.decision,
        score=data.score,
    )
    session.add(row)
    session.flush()
    return row


def list_readiness(
    *, session: Session, user_id: int, since: datetime | None = None
) -> list[ReadinessRow]:
    """Readiness entries, oldest first."""
    q = select(ReadinessRow).where(ReadinessRow.user_id == user_id)
    if since is not None:
        q = q.where(ReadinessRow.recorded_at >= since)
    return list(session.scalars(q.order_by(ReadinessRow.recorded_at, ReadinessRow.id)))


def latest_readiness(*, session: Session, user_id: int) -> ReadinessRow | None:
    q = select(ReadinessRow).where(ReadinessRow.user_id == user_id)
    return session.scalars(
        q.order_by(ReadinessRow.recorded_at.desc(), ReadinessRow.id.desc())
    ).first()


# --- sessions -------------------------------------------------------------------------------


def create_session(*, session: Session, user_id: int, data: SessionCreate) -> SessionRow:
    """Create a training session with its planned exercises."""
    row = SessionRow(
        user_id=user_id,
        started_at=data.started_at or utcnow(),
        plan=data.plan,
        source=data.source,
        readiness_id=data.readiness_id,
    )
    for position, prescription in enumerate(data.planned):
        row.planned.append(
            PlannedExerciseRow(
                user_id=user_id,
                position=position,
                exercise_id=str(prescription.get("exercise_id", "")),
                prescription=prescription,
            )
        )
    session.add(row)
    session.flush()
    return row


def get_session(*, session: Session, user_id: int, session_id: int) -> SessionRow:
    row = session.get(SessionRow, session_id) if 0 < session_id <= MAX_ID else None
    if row is None or row.user_id != user_id:
        raise NotFoundError(f"No workout with id {session_id}.", kind="workout")
    return row


def list_sessions(
    *, session: Session, user_id: int, limit: int | None = None, include_deleted: bool = False
) -> list[SessionRow]:
    """Sessions, newest first (deleted ones only with ``include_deleted``)."""
    q = select(SessionRow).where(SessionRow.user_id == user_id)
    if not include_deleted:
        q = q.where(SessionRow.deleted_at.is_(None))
    q = q.order_by(SessionRow.started_at.desc(), SessionRow.id.desc())
    if limit is not None:
        q = q.limit(limit)
    return list(session.scalars(q))


class WorkoutSpan(NamedTuple):
    """A session with sets, read for the history: its own times and its sets' first and last."""

    session_id: int
    started_at: datetime
    ended_at: datetime | None
    source: str
    first_set_at: datetime
    last_set_at: datetime
    n_sets: int


def list_workouts(
    *,
    session: Session,
    user_id: int,
    since: datetime | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[WorkoutSpan]:
    """Sessions that hold sets, newest first, with their first and last set's time and their
    number of sets (deleted sets and deleted sessions left out); ``since``: only sessions
    started then or later; ``offset`` pages back."""
    q = (
        select(
            SessionRow.id,
            SessionRow.started_at,
            SessionRow.ended_at,
            SessionRow.source,
            func.min(SetRow.performed_at),
            func.max(SetRow.performed_at),
            func.count(SetRow.id),
        )
        .join(SetRow, SetRow.session_id == SessionRow.id)
        .where(
            SessionRow.user_id == user_id,
            SessionRow.deleted_at.is_(None),
            SetRow.user_id == user_id,
            SetRow.deleted_at.is_(None),
        )
        .group_by(SessionRow.id, SessionRow.started_at, SessionRow.ended_at, SessionRow.source)
        .order_by(SessionRow.started_at.desc(), SessionRow.id.desc())
        .offset(offset)
    )
    if since is not None:
        q = q.where(SessionRow.started_at >= since)
    if limit is not None:
        q = q.limit(limit)
    return [WorkoutSpan(*row) for row in session.execute(q)]


def latest_open_session(
    *, session: Session, user_id: int, source: str = "guided", started: bool | None = None
) -> SessionRow | None:
    """The newest session that has not ended, or None.

    ``started``: True for sessions whose set loop has begun (a snapshot is stored), False for
    planned sessions not begun yet, None for either.
    """
    q = select(SessionRow).where(
        SessionRow.user_id == user_id,
        SessionRow.ended_at.is_(None),
        SessionRow.source == source,
        SessionRow.deleted_at.is_(None),
    )
    if started is True:
        q = q.where(SessionRow.state.is_not(None))
    elif started is False:
        q = q.where(SessionRow.state.is_(None))
    return session.scalars(q.order_by(SessionRow.started_at.desc(), SessionRow.id.desc())).first()


def save_session_state(
    *, session: Session, user_id: int, session_id: int, state: dict[str, Any] | None
) -> SessionRow:
    """Store the set loop snapshot used to resume the session."""
    row = get_session(session=session, user_id=user_id, session_id=session_id)
    row.state = state
    session.flush()
    return row


def end_session(
    *,
    session: Session,
    user_id: int,
    session_id: int,
    ended_at: datetime | None = None,
    state: dict[str, Any] | None = None,
) -> SessionRow:
    row = get_session(session=session, user_id=user_id, session_id=session_id)
    row.ended_at = ended_at or utcnow()
    if state is not None:
        row.state = state
    session.flush()
    return row


# --- sets and reflections -------------------------------------------------------------------


def get_set_by_ref(*, session: Session, user_id: int, ref: int | str) -> SetRow:
    """The set with integer id ``ref`` (also given as digits), else with uuid ``ref``; deleted
    or not. Another user's set is not found."""
    if isinstance(ref, int):
        return get_set_by_id(session=session, user_id=user_id, set_id=ref)
    if ref.isascii() and ref.isdigit():
        try:
            return get_set_by_id(session=session, user_id=user_id, set_id=int(ref))
        except NotFoundError:
            found = _find_set(session, user_id, ref)  # a client's uuid may be digits too
            if found is None:
                raise
            return found
    return get_set(session=session, user_id=user_id, uuid=ref)


def get_set(*, session: Session, user_id: int, uuid: str) -> SetRow:
    row = _find_set(session, user_id, uuid)
    if row is None:
        raise NotFoundError(f"No set with id {uuid!r}.", kind="set")
    return row


def _find_set(session: Session, user_id: int, uuid: str) -> SetRow | None:
    return session.scalars(
        select(SetRow).where(SetRow.user_id == user_id, SetRow.uuid == uuid)
    ).first()


def _find_import(session: Session, user_id: int, import_key: str) -> SetRow | None:
    return session.scalars(
        select(SetRow).where(SetRow.user_id == user_id, SetRow.import_key == import_key)
    ).first()


def find_set(*, session: Session, user_id: int, uuid: str) -> SetRow | None:
    """The set of this user with this ``uuid`` (also a deleted one), or None."""
    return _find_set(session, user_id, uuid)


def find_set_at(
    *, session: Session, user_id: int, session_id: int, exercise_id: str, set_index: int
) -> SetRow | None:
    """The set (not deleted) of this user at a place of a workout: its exercise and set
    number; None when the place is free."""
    return session.scalars(
        select(SetRow)
        .where(
            SetRow.user_id == user_id,
            SetRow.session_id == session_id,
            SetRow.exercise_id == exercise_id,
            SetRow.set_index == set_index,
            SetRow.deleted_at.is_(None),
        )
        .order_by(SetRow.id)
    ).first()


def place_taken(exc: IntegrityError) -> bool:
    """True when ``exc`` is the database refusing a second set at a place of a workout
    (``uq_sets_place``; see ``SetRow.place_copy``)."""
    said = str(exc.orig)
    return "uq_sets_place" in said or "sets.place_copy" in said


def _existing(session: Session, user_id: int, data: SetCreate) -> SetRow | None:
    found = _find_set(session, user_id, data.uuid)
    if found is None and data.import_key is not None:
        found = _find_import(session, user_id, data.import_key)
    return found


def add_set(*, session: Session, user_id: int, data: SetCreate) -> SetRow:
    """Store a set (and its reflection, if given), once; see :func:`store_set`."""
    return store_set(session=session, user_id=user_id, data=data)[0]


def store_set(
    *, session: Session, user_id: int, data: SetCreate, optimistic: bool = False
) -> tuple[SetRow, bool]:
    """Store a set (and its reflection, if given), once; return it and whether it is new.

    Idempotent: a set whose ``uuid`` (or ``import_key``) is already stored for this user is
    not stored again; the stored row is returned unchanged, with ``False``. Another writer
    may store the same set between the check and the insert: the insert has its own savepoint
    and the set stored by the other writer is returned.

    ``optimistic`` (for a transaction that writes this set only): insert at once, without
    looking first and without a savepoint. A set already stored then raises
    ``IntegrityError``, which ends the transaction; the caller runs it again without
    ``optimistic`` and finds the set.

    Raises
    ------
    mindmuscle.errors.NotFoundError
        ``data.session_id`` is not a session of this user.
    """
    if not optimistic:
        found = _existing(session, user_id, data)
        if found is not None:
            return found, False
    if data.session_id is not None:
        get_session(session=session, user_id=user_id, session_id=data.session_id)
    row = SetRow(
        user_id=user_id,
        **data.model_dump(exclude={"reflection"}),
    )
    if data.reflection is not None:
        row.reflection = _reflection_row(user_id, data.uuid, data.reflection)
    if optimistic:
        session.add(row)
        session.flush()
        return row, True
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Another writer stored the same set between our check and our insert.
        found = _existing(session, user_id, data)
        if found is None:
            raise
        return found, False
    return row, True


def _reflection_row(user_id: int, set_uuid: str, data: ReflectionCreate) -> ReflectionRow:
    return ReflectionRow(
        user_id=user_id,
        set_uuid=set_uuid,
        target_rating=data.target_rating,
        felt_elsewhere=dict(data.felt_elsewhere),
        focus_rating=data.focus_rating,
        note=data.note,
    )


def add_reflection(
    *, session: Session, user_id: int, set_uuid: str, data: ReflectionCreate
) -> ReflectionRow:
    """Store (or replace) the reflection of a stored set."""
    set_row = get_set(session=session, user_id=user_id, uuid=set_uuid)
    if set_row.reflection is None:
        set_row.reflection = _reflection_row(user_id, set_uuid, data)
    else:
        r = set_row.reflection
        r.target_rating = data.target_rating
        r.felt_elsewhere = dict(data.felt_elsewhere)
        r.focus_rating = data.focus_rating
        r.note = data.note
    session.flush()
    return set_row.reflection


def list_sets(
    *,
    session: Session,
    user_id: int,
    exercise_id: str | None = None,
    session_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    sources: Sequence[str] | None = None,
    limit: int | None = None,
    offset: int = 0,
    include_deleted: bool = False,
) -> list[SetRow]:
    """Sets with their reflections, oldest first (``limit`` keeps the newest ones, after
    skipping the ``offset`` newest: pages going back in time).

    Deleted sets are left out unless ``include_deleted``.
    """
    q = select(SetRow).where(SetRow.user_id == user_id)
    if not include_deleted:
        q = q.where(SetRow.deleted_at.is_(None))
    if exercise_id is not None:
        q = q.where(SetRow.exercise_id == exercise_id)
    if session_id is not None:
        q = q.where(SetRow.session_id == session_id)
    if since is not None:
        q = q.where(SetRow.performed_at >= since)
    if until is not None:
        q = q.where(SetRow.performed_at < until)
    if sources is not None:
        q = q.where(SetRow.source.in_(list(sources)))
    if limit is not None:
        q = q.order_by(SetRow.performed_at.desc(), SetRow.id.desc()).limit(limit).offset(offset)
        return list(reversed(list(session.scalars(q))))
    return list(session.scalars(q.order_by(SetRow.performed_at, SetRow.id)))


# --- drills ---------------------------------------------------------------------------------


def create_drill(
    *,
    session: Session,
    user_id: int,
    plan: dict[str, Any] | None,
    started_at: datetime | None = None,
) -> DrillRow:
    row = DrillRow(user_id=user_id, plan=plan, started_at=started_at or utcnow())
    session.add(row)
    session.flush()
    return row


def get_drill(*, session: Session, user_id: int, drill_id: int) -> DrillRow:
    row = session.get(DrillRow, drill_id) if 0 < drill_id <= MAX_ID else None
    if row is None or row.user_id != user_id:
        raise NotFoundError(f"No drill with id {drill_id}.")
    return row


def add_drill_rating(
    *, session: Session, user_id: int, drill_id: int, data: DrillRatingCreate
) -> DrillRatingRow:
    drill = get_drill(session=session, user_id=user_id, drill_id=drill_id)
    row = DrillRatingRow(
        user_id=user_id,
        muscle_id=data.muscle_id,
        rating=data.rating,
        rated_at=data.rated_at or utcnow(),
    )
    drill.ratings.append(row)
    session.flush()
    return row


def end_drill(
    *, session: Session, user_id: int, drill_id: int, ended_at: datetime | None = None
) -> DrillRow:
    row = get_drill(session=session, user_id=user_id, drill_id=drill_id)
    row.ended_at = ended_at or utcnow()
    session.flush()
    return row


def list_drill_ratings(
    *, session: Session, user_id: int, since: datetime | None = None
) -> list[DrillRatingRow]:
    """Drill ratings, oldest first."""
    q = select(DrillRatingRow).where(DrillRatingRow.user_id == user_id)
    if since is not None:
        q = q.where(DrillRatingRow.rated_at >= since)
    return list(session.scalars(q.order_by(DrillRatingRow.rated_at, DrillRatingRow.id)))


# --- routines ---------------------------------------------------------------------------------


def _name_taken(session: Session, user_id: int, name: str, but: int | None = None) -> None:
    q = select(RoutineRow.id).where(RoutineRow.user_id == user_id, RoutineRow.name == name)
    if but is not None:
        q = q.where(RoutineRow.id != but)
    if session.scalars(q).first() is not None:
        raise InvalidInputError(
            f"You already have a routine named {name!r}; give this one another name."
        )


def _flush_routine(session: Session, row: RoutineRow) -> RoutineRow:
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        # Another request saved a routine of the same name between the check and the write.
        raise InvalidInputError(
            f"You already have a routine named {row.name!r}; give this one another name."
        ) from None
    return row


def create_routine(
    *, session: Session, user_id: int, data: RoutineData, now: datetime
) -> RoutineRow:
    """Store a new routine; a name the user already has is refused."""
    _name_taken(session, user_id, data.name)
    row = RoutineRow(
        user_id=user_id,
        name=data.name,
        exercises=list(data.exercises),
        created_at=now,
        updated_at=now,
        coach_id=data.coach_id,
    )
    session.add(row)
    return _flush_routine(session, row)


def get_routine(*, session: Session, user_id: int, routine_id: int) -> RoutineRow:
    row = session.get(RoutineRow, routine_id) if 0 < routine_id <= MAX_ID else None
    if row is None or row.user_id != user_id:
        raise NotFoundError(f"No routine with id {routine_id}; list them at /routines.")
    return row


def list_routines(*, session: Session, user_id: int) -> list[RoutineRow]:
    """The user's routines, most recently changed first."""
    q = select(RoutineRow).where(RoutineRow.user_id == user_id)
    return list(session.scalars(q.order_by(RoutineRow.updated_at.desc(), RoutineRow.id.desc())))


def update_routine(
    *, session: Session, user_id: int, routine_id: int, data: RoutineData, now: datetime
) -> RoutineRow:
    """Replace a routine's name and exercises."""
    row = get_routine(session=session, user_id=user_id, routine_id=routine_id)
    _name_taken(session, user_id, data.name, but=row.id)
    row.name = data.name
    row.exercises = list(data.exercises)
    row.coach_id = data.coach_id
    row.updated_at = now
    return _flush_routine(session, row)


def delete_routine(*, session: Session, user_id: int, routine_id: int) -> RoutineRow:
    """Delete a routine (workouts started from it keep their sets); returns what it held."""
    row = get_routine(session=session, user_id=user_id, routine_id=routine_id)
    session.delete(row)
    session.flush()
    return row


# --- user exercises and recordings -----------------------------------------------------------


def upsert_user_exercise(
    *, session: Session, user_id: int, data: UserExerciseCreate
) -> UserExerciseRow:
    """Store an exercise of the user (replacing one with the same id)."""
    row = session.scalars(
        select(UserExerciseRow).where(
            UserExerciseRow.user_id == user_id, UserExerciseRow.exercise_id == data.exercise_id
        )
    ).first()
    if row is None:
        row = UserExerciseRow(user_id=user_id, exercise_id=data.exercise_id)
        session.add(row)
    row.exercise = dict(data.exercise)
    row.source = data.source
    session.flush()
    return row


def list_user_exercises(*, session: Session, user_id: int) -> list[UserExerciseRow]:
    q = select(UserExerciseRow).where(UserExerciseRow.user_id == user_id)
    return list(session.scalars(q.order_by(UserExerciseRow.exercise_id)))


def add_recording(*, session: Session, user_id: int, data: RecordingCreate) -> RecordingRow:
    row = RecordingRow(user_id=user_id, **data.model_dump())
    session.add(row)
    session.flush()
    return row


def store_motion_recording(
    *, session: Session, user_id: int, data: RecordingCreate
) -> tuple[RecordingRow, bool]:
    """Store the motion recording of the set ``data.set_uuid`` once; return it and whether it
    is new. Idempotent: a set's motion recording already stored is returned unchanged, also
    when another writer stores it at the same moment (the database allows one per set)."""
    if data.kind != "motion" or data.set_uuid is None:
        raise ValueError("a motion recording names its set (kind 'motion', a set_uuid)")
    found = _motion_recording(session, user_id, data.set_uuid)
    if found is not None:
        return found, False
    row = RecordingRow(user_id=user_id, **data.model_dump())
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        # Another writer stored it between our check and our insert.
        found = _motion_recording(session, user_id, data.set_uuid)
        if found is None:
            raise
        return found, False
    return row, True


def _motion_recording(session: Session, user_id: int, set_uuid: str) -> RecordingRow | None:
    q = select(RecordingRow).where(
        RecordingRow.user_id == user_id,
        RecordingRow.kind == "motion",
        RecordingRow.set_uuid == set_uuid,
    )
    return session.scalars(q).first()


def list_recordings(
    *, session: Session, user_id: int, set_uuid: str | None = None, kind: str | None = None
) -> list[RecordingRow]:
    q = select(RecordingRow).where(RecordingRow.user_id == user_id)
    if set_uuid is not None:
        q = q.where(RecordingRow.set_uuid == set_uuid)
    if kind is not None:
        q = q.where(RecordingRow.kind == kind)
    return list(session.scalars(q.order_by(RecordingRow.id)))


def motion_recordings_of_sets(
    *, session: Session, user_id: int, exercise_id: str | None = None
) -> list[tuple[RecordingRow, SetRow]]:
    """The user's motion recordings stored with a set that still counts (not deleted), with that
    set, oldest set first; only the sets of ``exercise_id`` when given."""
    q = (
        select(RecordingRow, SetRow)
        .join(
            SetRow,
            (SetRow.user_id == RecordingRow.user_id) & (SetRow.uuid == RecordingRow.set_uuid),
        )
        .where(
            RecordingRow.user_id == user_id,
            RecordingRow.kind == "motion",
            RecordingRow.data.is_not(None),
            SetRow.deleted_at.is_(None),
        )
    )
    if exercise_id is not None:
        q = q.where(SetRow.exercise_id == exercise_id)
    rows = session.execute(q.order_by(SetRow.performed_at, SetRow.id, RecordingRow.id))
    return [(rec, st) for rec, st in rows]


def motion_counts_of_sets(
    *, session: Session, user_id: int, exercise_id: str
) -> list[tuple[dict[str, Any] | None, int]]:
    """The stored motion analysis (the count shown then) and the confirmed reps of each of the
    user's sets of ``exercise_id`` that has a motion recording and still counts, oldest first.
    The samples themselves are not read."""
    q = (
        select(RecordingRow.analysis, SetRow.reps)
        .join(
            SetRow,
            (SetRow.user_id == RecordingRow.user_id) & (SetRow.uuid == RecordingRow.set_uuid),
        )
        .where(
            RecordingRow.user_id == user_id,
            RecordingRow.kind == "motion",
            SetRow.exercise_id == exercise_id,
            SetRow.deleted_at.is_(None),
        )
        .order_by(SetRow.performed_at, SetRow.id, RecordingRow.id)
    )
    return [(analysis, reps) for analysis, reps in session.execute(q)]


# --- experiments ----------------------------------------------------------------------------


def create_experiment(
    *,
    session: Session,
    user_id: int,
    data: ExperimentCreate,
    sets: Sequence[ExperimentSetCreate] = (),
) -> ExperimentRow:
    """Create an experiment with its planned sets (conditions in randomised order)."""
    row = ExperimentRow(
        user_id=user_id, name=data.name, design=data.design, seed=data.seed, status=data.status
    )
    for item in sets:
        row.sets.append(ExperimentSetRow(user_id=user_id, **item.model_dump()))
    session.add(row)
    session.flush()
    return row


def get_experiment(*, session: Session, user_id: int, experiment_id: int) -> ExperimentRow:
    row = session.get(ExperimentRow, experiment_id) if 0 < experiment_id <= MAX_ID else None
    if row is None or row.user_id != user_id:
        raise NotFoundError(f"No experiment with id {experiment_id}.")
    return row


def list_experiments(*, session: Session, user_id: int) -> list[ExperimentRow]:
    q = select(ExperimentRow).where(ExperimentRow.user_id == user_id)
    return list(session.scalars(q.order_by(ExperimentRow.id)))


def set_experiment_status(
    *, session: Session, user_id: int, experiment_id: int, status: str
) -> ExperimentRow:
    row = get_experiment(session=session, user_id=user_id, experiment_id=experiment_id)
    row.status = status
    session.flush()
    return row


def add_experiment_set(
    *, session: Session, user_id: int, experiment_id: int, data: ExperimentSetCreate
) -> ExperimentSetRow:
    exp = get_experiment(session=session, user_id=user_id, experiment_id=experiment_id)
    row = ExperimentSetRow(user_id=user_id, **data.model_dump())
    exp.sets.append(row)
    session.flush()
    return row


def link_experiment_set(
    *, session: Session, user_id: int, experiment_id: int, order_index: int, set_uuid: str
) -> ExperimentSetRow:
    """Record which performed set carried out the experiment's set at ``order_index``."""
    exp = get_experiment(session=session, user_id=user_id, experiment_id=experiment_id)
    for row in exp.sets:
        if row.order_index == order_index:
            row.set_uuid = set_uuid
            session.flush()
            return row
    raise NotFoundError(
        f"Experiment {experiment_id} has no set at position {order_index}; "
        f"positions are 0..{len(exp.sets) - 1}."
    )


# --- edits, deletes and restores --------------------------------------------------------------

SET_FIELDS = frozenset({"reps", "load_kg", "rir", "set_type", "notes"})
REFLECTION_FIELDS = frozenset({"target_rating", "felt_elsewhere", "focus_rating", "note"})


def get_set_by_id(*, session: Session, user_id: int, set_id: int) -> SetRow:
    """The set with this integer id (deleted or not); another user's set is not found."""
    row = session.get(SetRow, set_id) if 0 < set_id <= MAX_ID else None
    if row is None or row.user_id != user_id:
        raise NotFoundError(f"No set with id {set_id}.", kind="set")
    return row


def list_set_revisions(*, session: Session, user_id: int, set_id: int) -> list[SetRevisionRow]:
    """The changes of one set, oldest first."""
    q = select(SetRevisionRow).where(
        SetRevisionRow.user_id == user_id, SetRevisionRow.set_id == set_id
    )
    return list(session.scalars(q.order_by(SetRevisionRow.revised_at, SetRevisionRow.id)))


def _add_revision(
    session: Session, row: SetRow, kind: str, changes: dict[str, list[Any]], at: datetime
) -> SetRevisionRow:
    rev = SetRevisionRow(
        user_id=row.user_id, set_id=row.id, kind=kind, changes=changes, revised_at=at
    )
    session.add(rev)
    return rev


def edit_set(
    *,
    session: Session,
    user_id: int,
    set_id: int,
    values: dict[str, Any],
    at: datetime | None = None,
) -> SetRevisionRow | None:
    """Change a set's values and keep the previous ones as a revision ``{field: [old, new]}``.

    ``values`` holds fields of the set (``reps``, ``load_kg``, ``rir``, ``set_type``, ``notes``)
    and of its reflection (``target_rating``, ``felt_elsewhere``, ``focus_rating``, ``note``);
    a set without a reflection gets one. Returns the revision, or None when nothing changed.

    Raises
    ------
    mindmuscle.errors.NotFoundError
        No set ``set_id`` for this user.
    mindmuscle.errors.InvalidInputError
        An unknown field.
    """
    unknown = set(values) - SET_FIELDS - REFLECTION_FIELDS
    if unknown:
        allowed = ", ".join(sorted(SET_FIELDS | REFLECTION_FIELDS))
        raise InvalidInputError(f"Cannot edit {sorted(unknown)}; editable fields: {allowed}.")
    row = get_set_by_id(session=session, user_id=user_id, set_id=set_id)
    changes: dict[str, list[Any]] = {}
    for field in sorted(SET_FIELDS & set(values)):
        old = getattr(row, field)
        if old != values[field]:
            changes[field] = [old, values[field]]
            setattr(row, field, values[field])
    wanted = {k: v for k, v in values.items() if k in REFLECTION_FIELDS}
    if wanted and row.reflection is None:
        row.reflection = _reflection_row(user_id, row.uuid, ReflectionCreate.model_validate(wanted))
        for field in sorted(wanted):
            changes[field] = [None, wanted[field]]
    elif wanted and row.reflection is not None:
        refl = row.reflection
        for field in sorted(wanted):
            old = getattr(refl, field)
            if field == "felt_elsewhere":
                old = dict(old or {})
            if old != wanted[field]:
                changes[field] = [old, wanted[field]]
                setattr(refl, field, wanted[field])
    if not changes:
        return None
    rev = _add_revision(session, row, "edit", changes, at or utcnow())
    session.flush()
    return rev


def delete_set(
    *, session: Session, user_id: int, set_id: int, at: datetime | None = None
) -> SetRow:
    """Mark a set deleted (it stays stored, restorable); deleting it again changes nothing."""
    row = get_set_by_id(session=session, user_id=user_id, set_id=set_id)
    if row.deleted_at is None:
        when = at or utcnow()
        row.deleted_at = when
        _add_revision(session, row, "delete", {"deleted_at": [None, when.isoformat()]}, when)
        session.flush()
    return row


def restore_set(
    *, session: Session, user_id: int, set_id: int, at: datetime | None = None
) -> SetRow:
    """Bring a deleted set back with exactly the values it had; a set not deleted is unchanged.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        The set belongs to a deleted workout (restore the workout instead).
    """
    row = get_set_by_id(session=session, user_id=user_id, set_id=set_id)
    if row.deleted_at is None:
        return row
    if row.session_id is not None:
        parent = session.get(SessionRow, row.session_id)
        if parent is not None and parent.deleted_at is not None:
            raise InvalidInputError(
                f"Set {set_id} belongs to workout {row.session_id}, which is deleted; restore "
                "the workout to bring back its sets."
            )
    _restore(session, row, at or utcnow())
    session.flush()
    return row


def _restore(session: Session, row: SetRow, when: datetime) -> None:
    old = row.deleted_at
    if row.place_copy is not None:
        # Its place may hold another set by now (stored while this one was deleted): this one
        # comes back all the same, as a later set at that place, for the lifter to see.
        held = session.scalars(
            select(SetRow.place_copy).where(
                SetRow.session_id == row.session_id,
                SetRow.exercise_id == row.exercise_id,
                SetRow.set_index == row.set_index,
                SetRow.place_copy.is_not(None),
                SetRow.deleted_at.is_(None),
                SetRow.id != row.id,
            )
        ).all()
        row.place_copy = 0 if not held else max(c for c in held if c is not None) + 1
    row.deleted_at = None
    _add_revision(
        session,
        row,
        "restore",
        {"deleted_at": [None if old is None else old.isoformat(), None]},
        when,
    )


def delete_session(
    *, session: Session, user_id: int, session_id: int, at: datetime | None = None
) -> SessionRow:
    """Mark a workout and its sets deleted (restorable together); again changes nothing."""
    row = get_session(session=session, user_id=user_id, session_id=session_id)
    if row.deleted_at is not None:
        return row
    when = at or utcnow()
    row.deleted_at = when
    for s in list_sets(session=session, user_id=user_id, session_id=session_id):
        s.deleted_at = when
        _add_revision(session, s, "delete", {"deleted_at": [None, when.isoformat()]}, when)
    session.flush()
    return row


def restore_session(
    *, session: Session, user_id: int, session_id: int, at: datetime | None = None
) -> SessionRow:
    """Bring a deleted workout back with the sets deleted with it (sets deleted one by one
    before stay deleted); a workout not deleted is unchanged."""
    row = get_session(session=session, user_id=user_id, session_id=session_id)
    if row.deleted_at is None:
        return row
    deleted_with = row.deleted_at
    when = at or utcnow()
    for s in list_sets(
        session=session, user_id=user_id, session_id=session_id, include_deleted=True
    ):
        if s.deleted_at == deleted_with:
            _restore(session, s, when)
    row.deleted_at = None
    session.flush()
    return row


# --- MVC calibrations ----------------------------------------------------------------------------


def add_calibration(*, session: Session, user_id: int, data: CalibrationCreate) -> CalibrationRow:
    """Store one muscle's calibration (earlier ones stay, for the history of placements)."""
    values = data.model_dump(exclude_none=True)
    row = CalibrationRow(user_id=user_id, **values)
    session.add(row)
    session.flush()
    return row


def latest_calibrations(
    *, session: Session, user_id: int, muscles: list[str] | None = None
) -> dict[str, CalibrationRow]:
    """The newest calibration of each muscle (of ``muscles``, else of every muscle)."""
    stmt = select(CalibrationRow).where(CalibrationRow.user_id == user_id)
    if muscles is not None:
        stmt = stmt.where(CalibrationRow.muscle.in_(muscles))
    newest: dict[str, CalibrationRow] = {}
    for row in session.scalars(stmt.order_by(CalibrationRow.created_at, CalibrationRow.id)):
        newest[row.muscle] = row
    return newest


# --- a set's EMG -----------------------------------------------------------------------------


def get_set_emg(*, session: Session, user_id: int, set_id: int) -> SetEmgRow | None:
    """The EMG stored with the set ``set_id`` of this user (None when it has none)."""
    q = select(SetEmgRow).where(SetEmgRow.user_id == user_id, SetEmgRow.set_id == set_id)
    return session.scalars(q).first()


def set_emg_of_sets(
    *, session: Session, user_id: int, set_ids: Sequence[int]
) -> dict[int, SetEmgRow]:
    """The stored EMG of each of ``set_ids`` that has one, by set id (this user's only)."""
    if not set_ids:
        return {}
    q = select(SetEmgRow).where(SetEmgRow.user_id == user_id, SetEmgRow.set_id.in_(list(set_ids)))
    return {row.set_id: row for row in session.scalars(q)}


def store_set_emg(
    *,
    session: Session,
    user_id: int,
    set_id: int,
    data: SetEmgCreate,
    replace: bool = False,
    at: datetime | None = None,
) -> SetEmgRow:
    """Store a set's EMG: its raw file as a recording (kind ``emg``, the set's UUID), its
    features, and the target's peak %MVC in the set's ``emg_peak_mvc`` (a change of an
    earlier value is kept as a revision ``{"emg_peak_mvc": [old, new]}``).

    Raises
    ------
    mindmuscle.errors.NotFoundError
        No set ``set_id`` for this user.
    mindmuscle.errors.InvalidInputError
        The set has its EMG already and ``replace`` is False.
    """
    row = get_set_by_id(session=session, user_id=user_id, set_id=set_id)
    found = get_set_emg(session=session, user_id=user_id, set_id=set_id)
    if found is not None and not replace:
        raise InvalidInputError(f"Set {set_id} has its EMG already.").to_fix(
            "replace_set_emg", set_id=set_id
        )
    when = at or utcnow()
    recording = RecordingRow(
        user_id=user_id,
        kind="emg",
        set_uuid=row.uuid,
        file_name=data.file_name,
        data={"options": dict(data.options), "source": data.source},
        blob=data.blob,
        analysis=data.analysis,
        created_at=when,
    )
    session.add(recording)
    session.flush()
    if found is None:
        found = SetEmgRow(user_id=user_id, set_id=set_id)
        session.add(found)
    found.recording_id = recording.id
    found.features = dict(data.features)
    found.source = data.source
    found.created_at = when
    old = row.emg_peak_mvc
    if old != data.peak_pct_mvc:
        row.emg_peak_mvc = data.peak_pct_mvc
        if old is not None:
            _add_revision(session, row, "emg", {"emg_peak_mvc": [old, data.peak_pct_mvc]}, when)
    session.flush()
    return found


def add_skill_test(*, session: Session, user_id: int, data: SkillTestCreate) -> SkillTestRow:
    """Store one complete connection test."""
    values = data.model_dump(exclude_none=True)
    row = SkillTestRow(user_id=user_id, **values)
    session.add(row)
    session.flush()
    return row


def list_skill_tests(
    *, session: Session, user_id: int, muscle: str | None = None
) -> list[SkillTestRow]:
    """The user's connection tests, oldest first (of ``muscle``, else of every muscle)."""
    stmt = select(SkillTestRow).where(SkillTestRow.user_id == user_id)
    if muscle is not None:
        stmt = stmt.where(SkillTestRow.muscle == muscle)
    return list(session.scalars(stmt.order_by(SkillTestRow.performed_at, SkillTestRow.id)))


def felt_and_measured(*, session: Session, user_id: int) -> list[tuple[str, int, float]]:
    """``(exercise_id, felt target rating, measured peak %MVC)`` of every set of this user that
    counts and has both, oldest first (an index-friendly read: only sets with a measurement)."""
    q = (
        select(SetRow.exercise_id, ReflectionRow.target_rating, SetRow.emg_peak_mvc)
        .join(ReflectionRow, ReflectionRow.set_id == SetRow.id)
        .where(
            SetRow.user_id == user_id,
            SetRow.deleted_at.is_(None),
            SetRow.emg_peak_mvc.is_not(None),
            ReflectionRow.target_rating.is_not(None),
        )
        .order_by(SetRow.performed_at, SetRow.id)
    )
    return [
        (ex, int(felt), float(peak))
        for ex, felt, peak in session.execute(q)
        if felt is not None and peak is not None
    ]
