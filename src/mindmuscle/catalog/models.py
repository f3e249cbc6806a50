"""Typed models of the catalogue: muscles, exercises, tempo, evidence, rules and claims.

These models are the contract between the catalogue data files, the coach, the set loop and the
motion analysis. They are frozen: a loaded catalogue never changes under its users.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "FREE_EXERCISE_DB_MUSCLES",
    "TEMPO_PHASE_MAX_S",
    "BodySide",
    "Breathing",
    "Certainty",
    "Claim",
    "Equipment",
    "Exercise",
    "LoadType",
    "Mechanic",
    "Movement",
    "Muscle",
    "Region",
    "Rule",
    "Study",
    "Tempo",
]

TEMPO_PHASE_MAX_S = 30.0
"""The longest tempo phase a set can record, in seconds (the coach warns well below it).

The limits of a set are tabled in :data:`mindmuscle.coach.sets.LIMITS`; this one lives here
because the catalogue's tempos use it too, and the table reads it from here."""

# The 17-muscle vocabulary of free-exercise-db (primaryMuscles / secondaryMuscles).
FREE_EXERCISE_DB_MUSCLES: frozenset[str] = frozenset(
    {
        "abdominals",
        "abductors",
        "adductors",
        "biceps",
        "calves",
        "chest",
        "forearms",
        "glutes",
        "hamstrings",
        "lats",
        "lower back",
        "middle back",
        "neck",
        "quadriceps",
        "shoulders",
        "traps",
        "triceps",
    }
)

_ID_PATTERN = r"^[a-z0-9]+(?:_[a-z0-9]+)*$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Region(StrEnum):
    UPPER = "upper"
    LOWER = "lower"
    CORE = "core"


class BodySide(StrEnum):
    """The side of the body map on which a muscle is drawn."""

    FRONT = "front"
    BACK = "back"


class Mechanic(StrEnum):
    """The kind of exercise: one joint (isolation) or several (compound).

    ``unknown``: a user's own exercise whose name does not tell (``Warm Up``); the coach does
    not take it for either kind until the lifter says which (``exercise assign --kind``).
    """

    ISOLATION = "isolation"
    COMPOUND = "compound"
    UNKNOWN = "unknown"


class Equipment(StrEnum):
    BARBELL = "barbell"
    DUMBBELL = "dumbbell"
    MACHINE = "machine"
    CABLE = "cable"
    BODYWEIGHT = "bodyweight"
    KETTLEBELL = "kettlebell"
    BAND = "band"
    EZ_BAR = "ez_bar"
    OTHER = "other"


class LoadType(StrEnum):
    """How a load is made, which decides how it is rounded.

    ``plates``: a bar plus pairs of plates; ``dumbbell``: one dumbbell per hand (load is per hand);
    ``stack``: a machine or cable weight stack; ``bodyweight``: no external load (added load
    optional); ``fixed``: kettlebells, bands and other fixed implements.
    """

    PLATES = "plates"
    DUMBBELL = "dumbbell"
    STACK = "stack"
    BODYWEIGHT = "bodyweight"
    FIXED = "fixed"


class Movement(StrEnum):
    """Direction of the loaded (concentric) movement, for motion analysis.

    ``up``/``down``: vertical movement of the load or body against gravity; ``towards``/``away``:
    horizontal pull or push relative to the body; ``rotation``: a joint rotation without a clear
    linear direction (curls, raises, extensions); ``isometric``: a hold with no repetitions.
    """

    UP = "up"
    DOWN = "down"
    TOWARDS = "towards"
    AWAY = "away"
    ROTATION = "rotation"
    ISOMETRIC = "isometric"


class Breathing(StrEnum):
    """Breathing pattern of an exercise.

    ``exhale_concentric``: inhale on the eccentric, exhale on the concentric.
    ``brace``: a big breath and a braced trunk through the repetition (heavy compounds).
    ``steady``: slow steady breathing (holds such as the plank).
    """

    EXHALE_CONCENTRIC = "exhale_concentric"
    BRACE = "brace"
    STEADY = "steady"


class Certainty(StrEnum):
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class Tempo(_Frozen):
    """A four-part repetition tempo in seconds: eccentric - bottom pause - concentric - top squeeze.

    Written as ``"3-1-1-1"`` (the order above). Validation against the evidence (0.5-8 s per
    repetition fine, a warning above 10 s) is the coach's job; here each phase is only checked to
    be between 0 and ``TEMPO_PHASE_MAX_S`` (30 s).
    """

    eccentric_s: float = Field(ge=0.0, le=TEMPO_PHASE_MAX_S)
    bottom_pause_s: float = Field(ge=0.0, le=TEMPO_PHASE_MAX_S)
    concentric_s: float = Field(ge=0.0, le=TEMPO_PHASE_MAX_S)
    top_squeeze_s: float = Field(ge=0.0, le=TEMPO_PHASE_MAX_S)

    @property
    def rep_s(self) -> float:
        """Duration of one repetition in seconds."""
        return self.eccentric_s + self.bottom_pause_s + self.concentric_s + self.top_squeeze_s

    def as_string(self) -> str:
        """The tempo as ``"3-1-1-1"`` (integers printed without decimals)."""
        parts = (self.eccentric_s, self.bottom_pause_s, self.concentric_s, self.top_squeeze_s)
        return "-".join(f"{p:g}" for p in parts)

    @classmethod
    def parse(cls, text: str) -> Tempo:
        """Parse ``"3-1-1-1"`` (eccentric-pause-concentric-squeeze, seconds).

        Raises
        ------
        mindmuscle.errors.InvalidInputError
            When the text is not four numbers between 0 and 10 separated by dashes.
        """
        from mindmuscle.errors import InvalidInputError

        parts = text.strip().split("-")
        if len(parts) != 4:
            raise InvalidInputError(
                f"Tempo {text!r} must have four parts, eccentric-pause-concentric-squeeze in "
                "seconds, for example '3-1-1-1'."
            )
        try:
            values = [float(p) for p in parts]
        except ValueError:
            raise InvalidInputError(
                f"Tempo {text!r} must be four numbers in seconds, for example '3-1-1-1'."
            ) from None
        if any(not 0 <= v <= TEMPO_PHASE_MAX_S for v in values):
            raise InvalidInputError(
                f"Tempo {text!r}: each phase must be between 0 and {TEMPO_PHASE_MAX_S:g} s."
            )
        return cls(
            eccentric_s=values[0],
            bottom_pause_s=values[1],
            concentric_s=values[2],
            top_squeeze_s=values[3],
        )


class Muscle(_Frozen):
    """A muscle or muscle head the lifter can learn to feel."""

    id: str = Field(pattern=_ID_PATTERN)
    name: str = Field(min_length=1)
    region: Region
    side: BodySide
    free_exercise_db: list[str] = Field(
        min_length=1, description="Terms of the 17-muscle free-exercise-db vocabulary it maps to."
    )
    flex_cue: str = Field(
        min_length=1, description="How to flex it without weights (the flexing drill)."
    )
    cue_names: list[str] = Field(
        default_factory=list,
        description="Words a coach uses for it in a cue ('quads'), preferred first.",
    )
    touch_cue: str | None = Field(default=None, description="Where to rest a hand to feel it work.")

    @property
    def short_name(self) -> str:
        """The name without its anatomical gloss: "Side deltoid" of "Side deltoid (lateral
        head)", as lists and sentences show it."""
        return self.name.split(" (")[0]

    @property
    def cue_name(self) -> str:
        """The preferred word for the muscle in a cue (its name when none is given)."""
        return self.cue_names[0] if self.cue_names else self.name

    @field_validator("free_exercise_db")
    @classmethod
    def _known_terms(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - FREE_EXERCISE_DB_MUSCLES)
        if unknown:
            raise ValueError(
                f"unknown free-exercise-db muscle(s) {unknown}; allowed: "
                f"{sorted(FREE_EXERCISE_DB_MUSCLES)}"
            )
        return v


class Exercise(_Frozen):
    """An exercise card: who works, how to feel it, and how it moves."""

    id: str = Field(pattern=_ID_PATTERN)
    name: str = Field(min_length=1)
    aliases: list[str] = Field(default_factory=list, description="Other names, for log import.")
    targets: list[str] = Field(
        description="Muscle ids the exercise is for. Empty only for a user's own exercise whose "
        "targets are not assigned yet (it is then left out of the connection map)."
    )
    synergists: list[str] = Field(default_factory=list)
    compensators: list[str] = Field(
        default_factory=list, description="Muscles that commonly take over when form slips."
    )
    mechanic: Mechanic
    region: Region
    equipment: Equipment
    load_type: LoadType
    unilateral: bool = False
    alternating: bool = Field(
        default=False,
        description=(
            "The sides take turns, one repetition each, and the set's count covers both sides "
            "(a sensor worn on one wrist sees every other repetition)."
        ),
    )
    internal_cues: list[str] = Field(min_length=1)
    external_cues: list[str] = Field(min_length=1)
    visualisation: str = Field(min_length=1)
    touch_cue: str = Field(min_length=1)
    breathing: Breathing
    tempo: Tempo
    concentric: Movement
    starts_with: Literal["eccentric", "concentric"] | None = Field(
        default=None,
        description="Phase a repetition begins with (squat: eccentric; curl: concentric).",
    )
    source: Literal["builtin", "free-exercise-db", "user"] = "builtin"

    @property
    def unassigned(self) -> bool:
        """A user's own exercise with no target muscle yet (left out of the connection map)."""
        return not self.targets

    @model_validator(mode="after")
    def _targets_unless_users_own(self) -> Exercise:
        if not self.targets and self.source != "user":
            raise ValueError(
                "targets: at least one muscle id; only a user's own exercise (source 'user') "
                "may wait for its targets"
            )
        return self

    @field_validator("tempo", mode="before")
    @classmethod
    def _tempo_from_text(cls, v: object) -> object:
        # Data files write the tempo as "3-0-1-1" (eccentric-pause-concentric-squeeze).
        return Tempo.parse(v) if isinstance(v, str) else v


class Study(_Frozen):
    """One study (or group of studies) of EVIDENCE.md."""

    id: str = Field(pattern=r"^[a-z0-9]+$")
    citation: str
    design: str
    finding: str
    supports: str = Field(description="The rule it supports, in words.")
    certainty: Certainty
    unverified_numbers: bool = Field(
        default=False, description="Some numbers could not be checked against the paper ([U])."
    )


class Rule(_Frozen):
    """A numbered coaching rule of EVIDENCE.md with the studies it rests on."""

    number: int = Field(ge=1)
    text: str
    evidence: list[str] = Field(min_length=1)


class Claim(_Frozen):
    """A popular claim that the app must not repeat, with patterns that detect it in text."""

    id: str = Field(pattern=_ID_PATTERN)
    claim: str
    why: str
    evidence: list[str] = Field(default_factory=list)
    patterns: list[str] = Field(
        min_length=1, description="Case-insensitive regular expressions that find the claim."
    )
