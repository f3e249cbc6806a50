"""SQLAlchemy 2 tables of MindMuscle. Every row belongs to a user (``user_id``).

Loads are stored in kilograms, times as UTC. JSON columns hold the pydantic models of the
pure core as dictionaries (the store does not import the core; services convert).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

__all__ = [
    "Base",
    "CoachClientRow",
    "DrillRatingRow",
    "DrillRow",
    "ExperimentRow",
    "ExperimentSetRow",
    "LoginFailureRow",
    "LoginSessionRow",
    "PlannedExerciseRow",
    "ProfileRow",
    "ReadinessRow",
    "RecordingRow",
    "ReflectionRow",
    "RoutineRow",
    "SessionRow",
    "SetEmgRow",
    "SetRevisionRow",
    "SetRow",
    "SkillTestRow",
    "UTCDateTime",
    "UserExerciseRow",
    "UserRow",
    "utcnow",
]

LOCAL_USER_ID = 1

# Stable constraint names, so migrations can refer to them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Python None is stored as SQL NULL (not the JSON value null), so "IS NULL" finds it.
_NullableJSON = JSON(none_as_null=True)


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
    }


def _user_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)


class UserRow(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=sa_false())


class CoachClientRow(Base):
    """A coach (an admin) and one of their clients: a lifter has at most one coach.

    Removing either user removes the row (the client stays, a client of no coach).
    """

    __tablename__ = "coach_clients"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    coach_id: Mapped[int] = _user_fk()
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)


class LoginSessionRow(Base):
    """A logged-in browser: the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _user_fk()
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LoginFailureRow(Base):
    """A refused login, by the address it came from and by the account it named."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    failed_at: Mapped[datetime] = mapped_column(index=True)


class ProfileRow(Base):
    __tablename__ = "profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    units: Mapped[str] = mapped_column(String(2), default="kg")
    experience: Mapped[str] = mapped_column(String(20), default="new")
    goal: Mapped[str] = mapped_column(String(20), default="hypertrophy")
    equipment: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    bodyweight_kg: Mapped[float | None] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class ReadinessRow(Base):
    __tablename__ = "readiness"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _user_fk()
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    sleep: Mapped[int]
    energy: Mapped[int]
    stress: Mapped[int]
    focus: Mapped[int]
    soreness: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    decision: Mapped[str | None] = mapped_column(String(10))
    score: Mapped[float | None] = mapped_column(Float)


class SessionRow(Base):
    __tablename__ = "sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _user_fk()
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()
    plan: Mapped[dict[str, Any] | None] = mapped_column(_NullableJSON)
    state: Mapped[dict[str, Any] | None] = mapped_column(
        _NullableJSON, doc="Set loop snapshot, to resume."
    )
    source: Mapped[str] = mapped_column(String(10), default="guided")
    readiness_id: Mapped[int | None] = mapped_column(
        ForeignKey("readiness.id", ondelete="SET NULL")
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    deleted_at: Mapped[datetime | None] = mapped_column(
        doc="When the workout was deleted (restorable); None while it counts."
    )

    planned: Mapped[list[PlannedExerciseRow]] = relationship(
        back_populates="session",
        order_by="PlannedExerciseRow.position",
        lazy="selectin",
        cascade="all, delete-orphan",
    )


class PlannedExerciseRow(Base):
    __tablename__ = "planned_exercises"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _user_fk()
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    exercise_id: Mapped[str] = mapped_column(String(100))
    prescription: Mapped[dict[str, Any]] = mapped_column(JSON)

    session: Mapped[SessionRow] = relationship(back_populates="planned")


class SetRow(Base):
    __tablename__ = "sets"
    __table_args__ = (
        UniqueConstraint("user_id", "uuid", name="uq_sets_user_uuid"),
        UniqueConstraint("user_id", "import_key", name="uq_sets_user_import_key"),
        # Per exercise, the totals today's plan needs, read from the index alone.
        Index(
            "ix_sets_user_exercise_time",
            "user_id", "exercise_id", "deleted_at", "performed_at", "set_type", "load_kg",
            "reps", "rir",
        ),
        # The few sets with a measured activation (felt versus measured on every Progress view).
        Index(
            "ix_sets_user_measured", "user_id", "performed_at",
            sqlite_where=text("emg_peak_mvc IS NOT NULL"),
            postgresql_where=text("emg_peak_mvc IS NOT NULL"),
        ),
        # One set at a place of a workout (see place_copy): two workers storing the same set
        # from two tabs, each with its own uuid, store it once. A deleted set leaves its place.
        Index(
            "uq_sets_place", "session_id", "exercise_id", "set_index", "place_copy",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )  # fmt: skip

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _user_fk()
    uuid: Mapped[str] = mapped_column(String(36))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="SET NULL"), index=True
    )
    set_index: Mapped[int | None] = mapped_column(Integer)
    exercise_id: Mapped[str] = mapped_column(String(100), index=True)
    performed_at: Mapped[datetime]
    load_kg: Mapped[float] = mapped_column(Float)
    reps: Mapped[int]
    set_type: Mapped[str] = mapped_column(String(10), default="working")
    rir: Mapped[int | None] = mapped_column(Integer)
    tempo: Mapped[dict[str, Any] | None] = mapped_column(_NullableJSON)
    focus_mode: Mapped[str | None] = mapped_column(String(10))
    cue: Mapped[str | None] = mapped_column(Text)
    motion: Mapped[dict[str, Any] | None] = mapped_column(_NullableJSON)
    emg_peak_mvc: Mapped[float | None] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20), default="guided")
    import_key: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, default="")
    superset: Mapped[str | None] = mapped_column(String(50))
    place_copy: Mapped[int | None] = mapped_column(
        Integer,
        doc="The set's claim on its place in its workout (its exercise and set number, when "
        "the workout lists the exercise at most once): 0, the set holds the place (no other "
        "set that counts may, ``uq_sets_place``); 1, 2...: a later set at a place another set "
        "holds, kept and shown as such (stored before the place was unique, or deleted and "
        "restored after another set took its place); None: the set claims no place (no "
        "workout, no set number, its exercise listed more than once, or imported).",
    )
    deleted_at: Mapped[datetime | None] = mapped_column(
        doc="When the set was deleted (restorable); None while it counts."
    )

    reflection: Mapped[ReflectionRow | None] = relationship(
        back_populates="set", lazy="selectin", cascade="all, delete-orphan", uselist=False
    )


class ReflectionRow(Base):
    __tablename__ = "reflections"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _user_fk()
    set_id: Mapped[int] = mapped_column(ForeignKey("sets.id", ondelete="CASCADE"), unique=True)
    set_uuid: Mapped[str] = mapped_column(String(36))
    target_rating: Mapped[int | None] = mapped_column(Integer)
    felt_elsewhere: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    focus_rating: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    set: Mapped[SetRow] = relationship(back_populates="reflection")


class SetRevisionRow(Base):
    """One change of a stored set: an edit (with the previous values), a delete or a restore.

    ``changes`` maps each changed field to ``[old, new]``, so every earlier value of a set can
    be read back.
    """

    __tablename__ = "set_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _user_fk()
    set_id: Mapped[int] = mapped_column(ForeignKey("sets.id", ondelete="CASCADE"), index=True)
    revised_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(10))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class DrillRow(Base):
    __tablename__ = "drills"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _user_fk()
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column()
    plan: Mapped[dict[str, Any] | None] = mapped_column(_NullableJSON)

    ratings: Mapped[list[DrillRatingRow]] = relationship(
        back_populates="drill",
        order_by="DrillRatingRow.id",
        lazy="selectin",
        cascade="all, delete-orphan",
    )


class DrillRatingRow(Base):
    __tablename__ = "drill_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _user_fk()
    drill_id: Mapped[int] = mapped_column(ForeignKey("drills.id", ondelete="CASCADE"), index=True)
    muscle_id: Mapped[str] = mapped_column(String(50))
    rating: Mapped[int]
    rated_at: Mapped[datetime] = mapped_column(default=utcnow)

    drill: Mapped[DrillRow] = relationship(back_populates="ratings")


class UserExerciseRow(Base):
    __tablename__ = "user_exercises"
    __table_args__ = (
        UniqueConstraint("user_id", "exercise_id", name="uq_user_exercises_user_exercise"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _user_fk()
    exercise_id: Mapped[str] = mapped_column(String(100))
    exercise: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(20), default="user")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoutineRow(Base):
    """A lifter's saved workout: a name and its exercises (``[{"exercise_id", "sets", "tempo",
    "focus"}]``), the lifter's own or set by their coach."""

    __tablename__ = "routines"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_routines_user_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _user_fk()
    name: Mapped[str] = mapped_column(String(100))
    exercises: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    coach_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"),
        doc="The coach who set this routine for the lifter; None: the lifter's own.",
    )


class CalibrationRow(Base):
    """One muscle's MVC calibration: the best 1-second envelope level of three maximal
    contractions, in the stream's unit, with where the electrodes were."""

    __tablename__ = "calibrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _user_fk()
    muscle: Mapped[str] = mapped_column(String(64), index=True)
    level: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(10))
    sfreq_hz: Mapped[float] = mapped_column(Float)
    trial: Mapped[int]
    window_start_s: Mapped[float] = mapped_column(Float)
    placement: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SkillTestRow(Base):
    """One connection test (effortmatch2019): per target %MVC, the level held and the SD
    around the target, with the calibration it was measured against. Stored only complete."""

    __tablename__ = "skill_tests"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _user_fk()
    muscle: Mapped[str] = mapped_column(String(64), index=True)
    performed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # [{"target_pct", "mean_pct", "error_pct", "sd_pct", "n_holds", "n_samples"}, ...]
    targets: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    overall_sd_pct: Mapped[float] = mapped_column(Float)
    order_pct: Mapped[list[float]] = mapped_column(JSON)
    hold_s: Mapped[float] = mapped_column(Float)
    settle_s: Mapped[float] = mapped_column(Float)
    mvc_level: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(10))
    calibrated_at: Mapped[datetime]
    placement: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(String(200), default="")


class RecordingRow(Base):
    __tablename__ = "recordings"
    __table_args__ = (
        # A set has one motion recording (two workers storing the same set store it once); a
        # set may have several EMG recordings.
        Index(
            "uq_recordings_user_motion_set",
            "user_id",
            "set_uuid",
            unique=True,
            sqlite_where=text("kind = 'motion'"),
            postgresql_where=text("kind = 'motion'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _user_fk()
    kind: Mapped[str] = mapped_column(String(10))
    set_uuid: Mapped[str | None] = mapped_column(String(36), index=True)
    file_name: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[dict[str, Any] | None] = mapped_column(_NullableJSON)
    blob: Mapped[bytes | None] = mapped_column(LargeBinary)
    analysis: Mapped[dict[str, Any] | None] = mapped_column(_NullableJSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SetEmgRow(Base):
    """The EMG of one stored set: per-repetition features (JSON) and its raw recording.

    One row per set. The raw stream is a ``recordings`` row (kind ``emg``, the file's bytes,
    named by the set's UUID), as a set's motion recording is; ``features`` holds, per muscle,
    each repetition's onset, offset, mean and peak activation (in %MVC where a calibration was
    valid, else in % of this set's peak, labelled so) and the target's ratios.
    """

    __tablename__ = "set_emg"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _user_fk()
    set_id: Mapped[int] = mapped_column(ForeignKey("sets.id", ondelete="CASCADE"), unique=True)
    recording_id: Mapped[int | None] = mapped_column(
        ForeignKey("recordings.id", ondelete="SET NULL")
    )
    features: Mapped[dict[str, Any]] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(20), default="file")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ExperimentRow(Base):
    __tablename__ = "experiments"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _user_fk()
    name: Mapped[str] = mapped_column(String(200), default="")
    design: Mapped[dict[str, Any]] = mapped_column(JSON)
    seed: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    sets: Mapped[list[ExperimentSetRow]] = relationship(
        back_populates="experiment",
        order_by="ExperimentSetRow.order_index",
        lazy="selectin",
        cascade="all, delete-orphan",
    )


class ExperimentSetRow(Base):
    __tablename__ = "experiment_sets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = _user_fk()
    experiment_id: Mapped[int] = mapped_column(
        ForeignKey("experiments.id", ondelete="CASCADE"), index=True
    )
    condition: Mapped[str] = mapped_column(String(50))
    load_kg: Mapped[float | None] = mapped_column(Float)
    order_index: Mapped[int]
    set_uuid: Mapped[str | None] = mapped_column(String(36))

    experiment: Mapped[ExperimentRow] = relationship(back_populates="sets")
