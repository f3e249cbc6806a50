"""The events of the set loop (session/events.py): one tagged union every interface renders.

An event travels as JSON (to the phone, into a snapshot) and comes back as the same event,
chosen by its ``type``; a field it does not have or a bad value is refused.
"""

from __future__ import annotations

import typing

import pytest
from pydantic import TypeAdapter, ValidationError

from mindmuscle.catalog.models import Tempo
from mindmuscle.coach.models import Reflection
from mindmuscle.session import events
from mindmuscle.session.events import (
    CompletedSet,
    CountInEvent,
    Event,
    SetConfirmedEvent,
    TempoPhaseEvent,
)

EVENTS: TypeAdapter[Event] = TypeAdapter(Event)
MEMBERS = typing.get_args(typing.get_args(Event)[0])


def test_every_event_class_is_in_the_union_with_its_own_type() -> None:
    classes = {
        obj
        for name, obj in vars(events).items()
        if name.endswith("Event")
        and name[0].isupper()
        and name != "Event"
        and isinstance(obj, type)
    }
    assert set(MEMBERS) == classes and len(classes) == 18
    types = [cls.model_fields["type"].default for cls in MEMBERS]
    assert len(set(types)) == len(types)
    assert {"set_started", "tempo_phase", "rep_completed", "summary"} <= set(types)


def test_an_event_comes_back_from_json_as_itself() -> None:
    phase = TempoPhaseEvent(
        at_ms=4000, rep=2, phase="eccentric", word="Lower", breath="inhale", duration_s=3.0
    )
    text = phase.model_dump_json()
    assert '"type":"tempo_phase"' in text
    back = EVENTS.validate_json(text)
    assert type(back) is TempoPhaseEvent and back == phase
    count = EVENTS.validate_python({"type": "count_in", "at_ms": 0, "remaining_s": 3})
    assert count == CountInEvent(at_ms=0, remaining_s=3)


def test_a_confirmed_set_carries_its_whole_record() -> None:
    completed = CompletedSet(
        set_uuid="0f8e2a51-3a3b-4c1e-9d57-3f5d2c1b0a99",
        exercise_id="dumbbell_biceps_curl",
        exercise_index=0,
        set_index=1,
        reps=10,
        load_kg=12.0,
        tempo=Tempo.parse("3-0-1-1"),
        focus_mode="internal",
        cue="Squeeze the biceps.",
        reflection=Reflection(target_rating=7, felt_elsewhere={"forearm": 2}),
        started_ms=1000,
        finished_ms=31000,
    )
    event = EVENTS.validate_json(
        SetConfirmedEvent(at_ms=31000, completed=completed).model_dump_json()
    )
    assert isinstance(event, SetConfirmedEvent)
    assert event.completed == completed
    assert event.completed.reflection.felt_elsewhere == {"forearm": 2}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"type": "no_such_event", "at_ms": 0}, "does not match any of the expected tags"),
        ({"type": "count_in", "at_ms": 0, "remaining_s": 3, "extra": 1}, "Extra inputs"),
        (
            {"type": "tempo_phase", "at_ms": 0, "rep": 0, "phase": "eccentric", "word": "Lower",
             "breath": "inhale", "duration_s": 3.0},
            "greater than or equal to 1",
        ),
        (
            {"type": "tempo_phase", "at_ms": 0, "rep": 1, "phase": "sideways", "word": "x",
             "breath": "inhale", "duration_s": 3.0},
            "'eccentric', 'bottom_pause', 'concentric' or 'top_squeeze'",
        ),
    ],
)  # fmt: skip
def test_a_malformed_event_is_refused(data: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        EVENTS.validate_python(data)


def test_events_are_frozen() -> None:
    count = CountInEvent(at_ms=0, remaining_s=3)
    with pytest.raises(ValidationError, match="frozen"):
        count.remaining_s = 2  # type: ignore[misc]
