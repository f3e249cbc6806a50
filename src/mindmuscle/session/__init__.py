"""The guided set loop: a pure state machine driven by an injected clock and user commands."""

from __future__ import annotations

from mindmuscle.session.events import CompletedSet, Event, ExerciseSummary, PhaseName
from mindmuscle.session.loop import Adapter, LoopOptions, LoopState, SetLoop

__all__ = [
    "Adapter",
    "CompletedSet",
    "Event",
    "ExerciseSummary",
    "LoopOptions",
    "LoopState",
    "PhaseName",
    "SetLoop",
]
