"""Events of the guided set loop.

Every interface (the terminal, the web page) renders the same events. Each event carries its
``type`` and the time ``at_ms`` (on the loop's injected clock) at which it is due.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from mindmuscle.catalog.models import Tempo
from mindmuscle.coach.models import FocusMode, Prescription, Reason, Reflection

__all__ = [
    "AdaptedEvent",
    "CompletedSet",
    "CountInEvent",
    "Event",
    "ExerciseSkippedEvent",
    "ExerciseStartedEvent",
    "ExerciseSummary",
    "PausedEvent",
    "PhaseName",
    "PrimeReadyEvent",
    "PrimeStartedEvent",
    "ReflectRequestedEvent",
    "RepCompletedEvent",
    "RestEndedEvent",
    "RestStartedEvent",
    "ResumedEvent",
    "SetConfirmedEvent",
    "SetFinishedEvent",
    "SetStartedEvent",
    "SqueezeCountdownEvent",
    "SummaryEvent",
    "TempoPhaseEvent",
]

PhaseName = Literal["eccentric", "bottom_pause", "concentric", "top_squeeze"]


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    at_ms: int = Field(description="When the event is due, on the loop's clock (ms).")


class CompletedSet(BaseModel):
    """A set confirmed by its reflection: what the store keeps."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    set_uuid: str
    exercise_id: str
    exercise_index: int
    set_index: int
    reps: int = Field(ge=0)
    load_kg: float | None
    tempo: Tempo
    focus_mode: FocusMode
    cue: str
    reflection: Reflection
    started_ms: int
    finished_ms: int


class ExerciseSummary(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    exercise_id: str
    name: str
    sets_done: int
    reps_total: int
    mean_target_rating: float | None
    skipped: bool


class ExerciseStartedEvent(_Event):
    type: Literal["exercise_started"] = "exercise_started"
    exercise_index: int
    exercise_id: str
    name: str
    sets: int


class PrimeStartedEvent(_Event):
    type: Literal["prime_started"] = "prime_started"
    exercise_index: int
    set_index: int
    visualisation: str | None = Field(description="Shown and spoken before the first set only.")
    visualisation_s: float
    touch: str
    squeeze_test_s: float


class SqueezeCountdownEvent(_Event):
    type: Literal["squeeze_countdown"] = "squeeze_countdown"
    remaining_s: int


class PrimeReadyEvent(_Event):
    type: Literal["prime_ready"] = "prime_ready"
    load_kg: float | None = None
    load_display: str
    reps: tuple[int, int]
    cue: str


class SetStartedEvent(_Event):
    type: Literal["set_started"] = "set_started"
    exercise_index: int
    set_index: int
    exercise_id: str
    load_kg: float | None
    load_display: str
    reps: tuple[int, int]
    tempo: Tempo
    focus_mode: FocusMode
    cue: str


class CountInEvent(_Event):
    type: Literal["count_in"] = "count_in"
    remaining_s: int


class TempoPhaseEvent(_Event):
    type: Literal["tempo_phase"] = "tempo_phase"
    rep: int = Field(ge=1)
    phase: PhaseName
    word: str = Field(description="The word to show large and to speak, e.g. 'Lower'.")
    breath: Literal["inhale", "exhale", "hold", "brace", "breathe"]
    duration_s: float


class RepCompletedEvent(_Event):
    type: Literal["rep_completed"] = "rep_completed"
    rep: int


class SetFinishedEvent(_Event):
    type: Literal["set_finished"] = "set_finished"
    reps: int
    by: Literal["metronome", "user"]


class ReflectRequestedEvent(_Event):
    type: Literal["reflect_requested"] = "reflect_requested"
    exercise_id: str
    targets: list[str]
    reps: int


class SetConfirmedEvent(_Event):
    type: Literal["set_confirmed"] = "set_confirmed"
    completed: CompletedSet


class AdaptedEvent(_Event):
    type: Literal["adapted"] = "adapted"
    actions: list[str]
    reasons: list[Reason]
    next: Prescription


class RestStartedEvent(_Event):
    type: Literal["rest_started"] = "rest_started"
    duration_s: float
    ends_ms: int
    prompt: str
    next_exercise_index: int
    next_set_index: int


class RestEndedEvent(_Event):
    type: Literal["rest_ended"] = "rest_ended"
    skipped: bool


class ExerciseSkippedEvent(_Event):
    type: Literal["exercise_skipped"] = "exercise_skipped"
    exercise_index: int
    exercise_id: str


class PausedEvent(_Event):
    type: Literal["paused"] = "paused"
    state: str


class ResumedEvent(_Event):
    type: Literal["resumed"] = "resumed"
    state: str
    paused_ms: int


class SummaryEvent(_Event):
    type: Literal["summary"] = "summary"
    ended_early: bool
    sets_done: int
    reps_total: int
    exercises: list[ExerciseSummary]


Event = Annotated[
    ExerciseStartedEvent
    | PrimeStartedEvent
    | SqueezeCountdownEvent
    | PrimeReadyEvent
    | SetStartedEvent
    | CountInEvent
    | TempoPhaseEvent
    | RepCompletedEvent
    | SetFinishedEvent
    | ReflectRequestedEvent
    | SetConfirmedEvent
    | AdaptedEvent
    | RestStartedEvent
    | RestEndedEvent
    | ExerciseSkippedEvent
    | PausedEvent
    | ResumedEvent
    | SummaryEvent,
    Field(discriminator="type"),
]
