"""What the repositories take in: pydantic models, apart from the tables.

JSON fields are plain dictionaries here (the store does not know the core's models); the
services fill them with ``model.model_dump(mode="json")``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "DrillRatingCreate",
    "ExperimentCreate",
    "ExperimentSetCreate",
    "ProfileData",
    "ReadinessCreate",
    "RecordingCreate",
    "ReflectionCreate",
    "RoutineData",
    "SessionCreate",
    "SetCreate",
    "SetEmgCreate",
    "SetSource",
    "SkillTestCreate",
    "UserExerciseCreate",
]

SetSource = Literal["guided", "log", "import", "experiment", "drill"]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProfileData(_In):
    """The stored profile (equipment as the coach's EquipmentProfile dictionary)."""

    units: Literal["kg", "lb"] = "kg"
    experience: Literal["new", "some", "experienced"] = "new"
    goal: Literal["hypertrophy", "strength", "endurance"] = "hypertrophy"
    equipment: dict[str, Any] = Field(default_factory=dict)
    bodyweight_kg: float | None = Field(default=None, gt=0)


class ReadinessCreate(_In):
    recorded_at: datetime | None = None
    sleep: int = Field(ge=1, le=5)
    energy: int = Field(ge=1, le=5)
    stress: int = Field(ge=1, le=5)
    focus: int = Field(ge=1, le=5)
    soreness: dict[str, int] = Field(default_factory=dict)
    decision: Literal["train", "light", "drill", "rest"] | None = None
    score: float | None = None


class SessionCreate(_In):
    started_at: datetime | None = None
    plan: dict[str, Any] | None = None
    source: Literal["guided", "log", "import"] = "guided"
    readiness_id: int | None = None
    planned: list[dict[str, Any]] = Field(
        default_factory=list, description="Prescriptions, in order (each with an exercise_id)."
    )


class RoutineData(_In):
    """A routine as stored: a name and its exercises (each ``{"exercise_id", "sets"}``)."""

    name: str = Field(min_length=1, max_length=100)
    exercises: list[dict[str, Any]] = Field(min_length=1)
    coach_id: int | None = None


class CalibrationCreate(_In):
    """One muscle's MVC calibration (see :class:`~mindmuscle.store.tables.CalibrationRow`)."""

    muscle: str = Field(min_length=1, max_length=64)
    level: float = Field(gt=0, allow_inf_nan=False)
    unit: str = Field(min_length=1, max_length=10)
    sfreq_hz: float = Field(gt=0, allow_inf_nan=False)
    trial: int = Field(ge=1)
    window_start_s: float = Field(ge=0, allow_inf_nan=False)
    placement: str = Field(default="", max_length=500)
    source: str = Field(default="", max_length=200)
    created_at: datetime | None = None


class SkillTargetData(_In):
    """One target of a connection test (see :class:`SkillTestCreate`)."""

    target_pct: float = Field(gt=0, lt=100)
    mean_pct: float = Field(allow_inf_nan=False)
    error_pct: float = Field(allow_inf_nan=False)
    sd_pct: float = Field(ge=0, allow_inf_nan=False)
    n_holds: int = Field(ge=1)
    n_samples: int = Field(ge=1)


class SkillTestCreate(_In):
    """A complete connection test (see :class:`~mindmuscle.store.tables.SkillTestRow`)."""

    muscle: str = Field(min_length=1, max_length=64)
    performed_at: datetime | None = None
    targets: list[SkillTargetData] = Field(min_length=1)
    overall_sd_pct: float = Field(ge=0, allow_inf_nan=False)
    order_pct: list[float] = Field(min_length=1)
    hold_s: float = Field(gt=0, allow_inf_nan=False)
    settle_s: float = Field(ge=0, allow_inf_nan=False)
    mvc_level: float = Field(gt=0, allow_inf_nan=False)
    unit: str = Field(min_length=1, max_length=10)
    calibrated_at: datetime
    placement: str = Field(default="", max_length=500)
    source: str = Field(default="", max_length=200)


class ReflectionCreate(_In):
    target_rating: int | None = Field(default=None, ge=0, le=10)
    felt_elsewhere: dict[str, int] = Field(default_factory=dict)
    focus_rating: int | None = Field(default=None, ge=0, le=10)
    note: str = ""


class SetCreate(_In):
    """One performed set. ``uuid`` is made by the client, so a retried write is stored once."""

    uuid: str = Field(min_length=1, max_length=36)
    exercise_id: str = Field(min_length=1, max_length=100)
    performed_at: datetime
    load_kg: float = Field(ge=0)
    reps: int = Field(ge=0)
    set_type: Literal["warmup", "working", "drop", "failure", "amrap", "test"] = "working"
    rir: int | None = Field(default=None, ge=0, le=10)
    tempo: dict[str, Any] | None = None
    focus_mode: Literal["internal", "external", "none"] | None = None
    cue: str | None = None
    motion: dict[str, Any] | None = None
    emg_peak_mvc: float | None = None
    source: SetSource = "guided"
    import_key: str | None = Field(default=None, max_length=200)
    notes: str = ""
    superset: str | None = None
    session_id: int | None = None
    set_index: int | None = Field(default=None, ge=0)
    place_copy: int | None = Field(
        default=None,
        ge=0,
        description="0 when the set holds its place in its workout (``SetRow.place_copy``).",
    )
    reflection: ReflectionCreate | None = None


class DrillRatingCreate(_In):
    muscle_id: str = Field(min_length=1, max_length=50)
    rating: int = Field(ge=0, le=10)
    rated_at: datetime | None = None


class UserExerciseCreate(_In):
    exercise_id: str = Field(min_length=1, max_length=100)
    exercise: dict[str, Any]
    source: Literal["user", "free-exercise-db", "import"] = "user"


class RecordingCreate(_In):
    kind: Literal["motion", "emg"]
    set_uuid: str | None = None
    file_name: str | None = None
    data: dict[str, Any] | None = None
    blob: bytes | None = None
    analysis: dict[str, Any] | None = None


class SetEmgCreate(_In):
    """A set's EMG: its features, its raw file and the target's peak %MVC (None without a
    valid calibration: the set's ``emg_peak_mvc`` is then left empty, never % of peak)."""

    features: dict[str, Any]
    file_name: str
    blob: bytes
    analysis: dict[str, Any] | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    source: str = "file"
    peak_pct_mvc: float | None = None


class ExperimentCreate(_In):
    name: str = ""
    design: dict[str, Any]
    seed: int = 0
    status: str = "planned"


class ExperimentSetCreate(_In):
    condition: str = Field(min_length=1, max_length=50)
    load_kg: float | None = None
    order_index: int = Field(ge=0)
    set_uuid: str | None = None
