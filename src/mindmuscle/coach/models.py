"""Typed inputs and outputs of the coach.

These are the contract between the coach, the set loop, the store and the user interfaces.
All loads are in kilograms internally (``*_kg``); ``units`` says how to show them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from mindmuscle.catalog.models import Tempo
from mindmuscle.coach.limits import (
    BAR_KG,
    BODYWEIGHT_KG,
    MUSCLE_ID,
    NOTE,
    PLANNED_REPS,
    PLANNED_SETS,
    PLATE_KG,
    RATING,
    REPS_IN_RESERVE,
)
from mindmuscle.units import MassUnit, to_kg

__all__ = [
    "E1RM",
    "MAX_PLANNED_REPS",
    "MAX_PLANNED_SETS",
    "Adaptation",
    "ConnectionScore",
    "DrillItem",
    "DrillPlan",
    "EquipmentProfile",
    "Experience",
    "Focus",
    "FocusMode",
    "Goal",
    "LoggedSet",
    "Plan",
    "Prescription",
    "Prime",
    "Profile",
    "Readiness",
    "ReadinessDecision",
    "Reason",
    "Reflection",
    "SetType",
]

Goal = Literal["hypertrophy", "strength", "endurance"]
Experience = Literal["new", "some", "experienced"]
FocusMode = Literal["internal", "external", "none"]
SetType = Literal["warmup", "working", "drop", "failure", "amrap", "test"]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class EquipmentProfile(_Model):
    """What the user owns or their gym has, in the equipment's own unit (``unit``).

    Loads are rounded to what can be built: bar plus pairs of plates, dumbbells in steps,
    machine stacks in increments.
    """

    unit: MassUnit = "kg"
    bar: float = Field(
        default=20.0,
        ge=0,
        le=BAR_KG.high / 0.45359237,
        allow_inf_nan=False,
        description=f"Barbell weight. {BAR_KG.allowed().capitalize()} (in lb: at most 110.2).",
    )
    plates: list[Annotated[float, PLATE_KG.field()]] = Field(
        default_factory=lambda: [25.0, 20.0, 15.0, 10.0, 5.0, 2.5, 1.25],
        min_length=1,
        max_length=50,
        description="Plate sizes available (loaded in pairs, any number of each); at least one.",
    )
    dumbbell_min: float = Field(default=2.0, gt=0, allow_inf_nan=False)
    dumbbell_max: float = Field(default=50.0, gt=0, allow_inf_nan=False)
    dumbbell_step: float = Field(default=2.0, gt=0, allow_inf_nan=False)
    stack_step: float = Field(
        default=5.0, gt=0, allow_inf_nan=False, description="Machine and cable stack increment."
    )
    stack_max: float = Field(default=150.0, gt=0, allow_inf_nan=False)
    fixed: list[Annotated[float, Field(gt=0, allow_inf_nan=False)]] = Field(
        default_factory=lambda: [8.0, 12.0, 16.0, 20.0, 24.0, 28.0, 32.0],
        max_length=50,
        description="Fixed implements such as kettlebells.",
    )

    @field_validator("bar")
    @classmethod
    def _bar_in_kg(cls, bar: float, info: ValidationInfo) -> float:
        # The bar's limit is in kilograms; the profile is in its own unit.
        unit = info.data.get("unit", "kg")
        if not BAR_KG.ok(to_kg(bar, unit)):
            raise ValueError(f"{BAR_KG.allowed()} (110.2 lb)" if unit == "lb" else BAR_KG.allowed())
        return bar

    @field_validator("dumbbell_max")
    @classmethod
    def _dumbbells_in_order(cls, heaviest: float, info: ValidationInfo) -> float:
        lightest = info.data.get("dumbbell_min")
        if lightest is not None and lightest > heaviest:
            unit = info.data.get("unit", "kg")
            raise ValueError(
                f"the lightest dumbbell ({lightest:g} {unit}) must not be above the heaviest "
                f"({heaviest:g} {unit})"
            )
        return heaviest

    @field_validator("dumbbell_step")
    @classmethod
    def _step_within_the_rack(cls, step: float, info: ValidationInfo) -> float:
        lightest, heaviest = info.data.get("dumbbell_min"), info.data.get("dumbbell_max")
        if lightest is not None and heaviest is not None and 0 < heaviest - lightest < step:
            unit = info.data.get("unit", "kg")
            raise ValueError(
                f"the dumbbell step ({step:g} {unit}) is larger than the rack from "
                f"{lightest:g} to {heaviest:g} {unit}: only the lightest could be planned"
            )
        return step


class Profile(_Model):
    """The lifter as the coach sees them."""

    goal: Goal = "hypertrophy"
    experience: Experience = "new"
    units: MassUnit = "kg"
    equipment: EquipmentProfile = Field(default_factory=EquipmentProfile)
    bodyweight_kg: float | None = BODYWEIGHT_KG.field(None)


class Readiness(_Model):
    """Today's readiness check. Each scale is 1-5.

    ``sleep``, ``energy`` and ``focus``: 1 = very poor, 5 = very good.
    ``stress``: 1 = calm, 5 = very stressed.
    ``soreness``: per muscle id, 0 = none .. 3 = very sore.
    """

    sleep: int = Field(ge=1, le=5)
    energy: int = Field(ge=1, le=5)
    stress: int = Field(ge=1, le=5)
    focus: int = Field(ge=1, le=5)
    soreness: dict[str, int] = Field(default_factory=dict)


class Reason(_Model):
    """Why the coach decided something, with the evidence ids it rests on (may be empty)."""

    text: str
    evidence: list[str] = Field(default_factory=list)


class ReadinessDecision(_Model):
    decision: Literal["train", "light", "drill", "rest"]
    score: float = Field(description="0 (not ready) .. 1 (fully ready).")
    reason: str
    evidence: list[str] = Field(default_factory=list)
    imagery: str | None = Field(
        default=None, description="Optional motor-imagery practice on rest days (an adjunct)."
    )


class Focus(_Model):
    """The attentional focus of a set: the cue to give, and why."""

    mode: FocusMode
    cue: str
    rationale: str
    evidence: list[str] = Field(default_factory=list)


class Prime(_Model):
    """The pre-set routine."""

    visualisation: str
    touch: str
    squeeze_test_s: float = Field(ge=0)


MAX_PLANNED_SETS = int(PLANNED_SETS.high)
"""The most sets one exercise of a plan can have."""
MAX_PLANNED_REPS = int(PLANNED_REPS.high)
"""The most repetitions a planned set can have (the set loop runs each one)."""
PlannedReps = Annotated[int, PLANNED_REPS.field()]


class Prescription(_Model):
    """One exercise of a plan, as the set loop runs it."""

    exercise_id: str
    name: str
    role: Literal["focus", "training"] = "focus"
    sets: int = PLANNED_SETS.field()
    reps: tuple[PlannedReps, PlannedReps] = Field(
        description=f"Lowest and highest repetitions of a set, each 1-{MAX_PLANNED_REPS}."
    )
    load_kg: float | None = Field(ge=0, description="None for bodyweight exercises.")
    units: MassUnit = "kg"
    load_display: str = Field(description="The load as the user reads it, e.g. '42.5 kg'.")
    percent_e1rm: float | None = None
    e1rm_kg: float | None = None
    load_source: Literal["history", "given", "starting_test", "bodyweight"] = "history"
    tempo: Tempo
    focus: Focus
    rest_s: int = Field(ge=0)
    breathing: str
    prime: Prime
    between_set_prompt: str
    why: list[Reason] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    touch_during_set: bool = Field(
        default=False, description="Rest a hand on the target muscle during the set (touch cue)."
    )
    starting_test: str | None = Field(
        default=None,
        description="Without an e1RM: how to find a starting load with a moderate test set.",
    )
    set_by: str | None = Field(
        default=None,
        description="The lifter's human coach who set this exercise (their routine, with any "
        "tempo and focus they chose): shown as 'Set by your coach NAME'; null otherwise.",
    )


class Plan(_Model):
    """Today's plan."""

    decision: Literal["train", "light", "drill", "rest"]
    reason: str
    evidence: list[str] = Field(default_factory=list)
    goal: Goal
    units: MassUnit
    exercises: list[Prescription] = Field(default_factory=list)
    imagery: str | None = None
    readiness_score: float | None = Field(
        default=None, description="0 (not ready) .. 1 (fully ready); None without a check."
    )
    drill: DrillPlan | None = Field(default=None, description="The flexing drill, on drill days.")
    why: list[Reason] = Field(
        default_factory=list, description="Why these exercises, in this order."
    )


class Reflection(_Model):
    """The lifter's five-second reflection after a set."""

    target_rating: int | None = RATING.field(
        None,
        description="How strongly the target was felt; null when the lifter skipped it on "
        "purpose (the set is then left out of the connection map).",
    )
    felt_elsewhere: dict[
        Annotated[str, MUSCLE_ID.field(), Field(min_length=1)], Annotated[int, RATING.field()]
    ] = Field(
        default_factory=dict,
        max_length=50,
        description="Muscle id -> 0-10 for muscles felt instead (muscles of your catalogue).",
    )
    focus_rating: int | None = RATING.field(None)
    reps_in_reserve: int | None = REPS_IN_RESERVE.field(None)
    note: str = NOTE.field("")


class LoggedSet(_Model):
    """A completed set, as the coach reads history (e1RM, progression, connection map)."""

    exercise_id: str
    performed_at: datetime
    session_id: str | None = None
    load_kg: float = Field(ge=0)
    reps: int = Field(ge=0)
    set_type: SetType = "working"
    reps_in_reserve: int | None = Field(default=None, ge=0, le=10)
    focus_mode: FocusMode | None = None
    target_rating: int | None = Field(default=None, ge=0, le=10)
    felt_elsewhere: dict[str, int] = Field(default_factory=dict)
    imported: bool = Field(
        default=False,
        description="Read from a workout-log export (Strong, Hevy, FitNotes...), not logged "
        "here: what was lifted, with no felt rating unless the lifter gave one.",
    )


class Adaptation(_Model):
    """What changes for the next set after a reflection."""

    actions: list[
        Literal[
            "keep",
            "progress_load",
            "lighter",
            "slower_eccentric",
            "switch_cue",
            "add_touch_cue",
        ]
    ]
    next: Prescription
    reasons: list[Reason]


class ConnectionScore(_Model):
    """The per-muscle connection score: one definition, used everywhere."""

    muscle_id: str
    score: float = Field(ge=0, le=10)
    count: int = Field(ge=0)
    trend: float = Field(description="Change of the score per week (positive is improving).")
    last_rated: datetime | None = None
    compensation_count: int = Field(
        default=0,
        ge=0,
        description=(
            "Sets in which this muscle was felt (rating >= 5) while it was not a target: a sign "
            "that it takes over. Not part of the score."
        ),
    )


class DrillItem(_Model):
    muscle_id: str
    name: str
    cue: str
    flex_s: float
    hold_s: float
    release_s: float
    reps: int


class DrillPlan(_Model):
    items: list[DrillItem]
    total_s: float
    reason: str


class E1RM(_Model):
    """An estimated one-repetition maximum from logged sets."""

    exercise_id: str
    e1rm_kg: float = Field(gt=0)
    formula: Literal["brzycki", "epley", "brzycki+epley"] = Field(
        description="Brzycki for sets of <= 10 reps, Epley above; both when the sets mix."
    )
    n_sets: int = Field(
        ge=1,
        description="Sets read (warm-ups excluded); those far lighter than the newest best "
        "were not to failure and weigh nothing.",
    )
    half_life_days: float = Field(gt=0, description="Recency weighting: weight halves per.")
    last_set_at: datetime
