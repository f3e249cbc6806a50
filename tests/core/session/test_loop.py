"""The guided set loop, run with a fake clock in milliseconds."""

from __future__ import annotations

from typing import Any

import pytest

from mindmuscle.catalog.models import Exercise, Tempo
from mindmuscle.coach.models import (
    EquipmentProfile,
    Focus,
    Plan,
    Prescription,
    Prime,
    Reflection,
)
from mindmuscle.errors import InvalidInputError, SessionStateError
from mindmuscle.session import LoopOptions, SetLoop

CURL = Exercise(
    id="dumbbell_biceps_curl",
    name="Dumbbell biceps curl",
    targets=["biceps"],
    synergists=["brachialis"],
    compensators=["front_delt"],
    mechanic="isolation",
    region="upper",
    equipment="dumbbell",
    load_type="dumbbell",
    internal_cues=["Biceps only: squeeze the biceps", "Turn the little finger up"],
    external_cues=["Bring the dumbbell to the shoulder"],
    visualisation="You see the biceps shorten. You feel it fill.",
    touch_cue="Rest two fingers on the biceps.",
    breathing="exhale_concentric",
    tempo=Tempo(eccentric_s=3, bottom_pause_s=0, concentric_s=1, top_squeeze_s=1),
    concentric="rotation",
)
SQUAT = CURL.model_copy(
    update={
        "id": "barbell_back_squat",
        "name": "Barbell back squat",
        "targets": ["quadriceps", "glute_max"],
        "mechanic": "compound",
        "region": "lower",
        "equipment": "barbell",
        "load_type": "plates",
        "breathing": "brace",
        "concentric": "up",
    }
)
EXERCISES = {e.id: e for e in (CURL, SQUAT)}


def prescription(
    exercise: Exercise, *, sets: int = 3, reps: tuple[int, int] = (2, 3)
) -> Prescription:
    return Prescription(
        exercise_id=exercise.id,
        name=exercise.name,
        sets=sets,
        reps=reps,
        load_kg=12.0,
        load_display="12 kg",
        tempo=Tempo(eccentric_s=2, bottom_pause_s=1, concentric_s=1, top_squeeze_s=1),
        focus=Focus(mode="internal", cue=exercise.internal_cues[0], rationale="test", evidence=[]),
        rest_s=60,
        breathing="Inhale down, exhale up",
        prime=Prime(
            visualisation=exercise.visualisation, touch=exercise.touch_cue, squeeze_test_s=3
        ),
        between_set_prompt="Flex the biceps for five seconds.",
    )


def plan(*items: Prescription) -> Plan:
    return Plan(
        decision="train", reason="ready", goal="hypertrophy", units="kg", exercises=list(items)
    )


def lighter_when_low(
    p: Prescription,
    r: Reflection,
    *,
    exercise: Exercise,
    equipment: EquipmentProfile,
    set_index: int,
) -> Any:
    """A coach stand-in with one rule, so these tests pin the loop and not the coach."""
    from mindmuscle.coach.models import Adaptation, Reason

    if r.target_rating < 5 and p.load_kg is not None:
        nxt = p.model_copy(
            update={"load_kg": p.load_kg - 2, "load_display": f"{p.load_kg - 2:g} kg"}
        )
        return Adaptation(actions=["lighter"], next=nxt, reasons=[Reason(text="low rating")])
    return Adaptation(actions=["keep"], next=p, reasons=[Reason(text="held")])


OPTS = LoopOptions(visualisation_s=5, count_in_s=3)


def make_loop(*items: Prescription, options: LoopOptions = OPTS) -> SetLoop:
    return SetLoop(plan(*items), EXERCISES, EquipmentProfile(), options, adapter=lighter_when_low)


def restore(loop: SetLoop, snap: dict[str, Any]) -> SetLoop:
    return SetLoop.restore(
        snap, loop.plan, EXERCISES, EquipmentProfile(), OPTS, adapter=lighter_when_low
    )


def types(events: list[Any]) -> list[str]:
    return [e.type for e in events]


def test_prime_then_set_emits_every_tempo_phase_in_order() -> None:
    loop = make_loop(prescription(CURL))
    ev = loop.start(0)
    assert types(ev) == ["exercise_started", "prime_started"]
    assert ev[1].visualisation == CURL.visualisation
    assert loop.next_due_ms() == 5000  # squeeze countdown after 5 s of visualisation
    ev = loop.advance(8000)
    assert [e.remaining_s for e in ev if e.type == "squeeze_countdown"] == [3, 2, 1, 0]
    assert types(ev)[-1] == "prime_ready"
    assert loop.state == "prime" and loop.next_due_ms() is None  # waits for the lifter

    ev = loop.ready(10_000)
    assert types(ev) == ["set_started", "count_in"]
    ev = loop.advance(10_000 + 3000 + 3 * 5000)  # count-in + 3 reps of 2-1-1-1
    phases = [(e.rep, e.phase, e.word, e.breath, e.at_ms) for e in ev if e.type == "tempo_phase"]
    # A curl starts at the bottom: concentric first.
    assert phases[:4] == [
        (1, "concentric", "Lift", "exhale", 13_000),
        (1, "top_squeeze", "Squeeze", "exhale", 14_000),
        (1, "eccentric", "Lower", "inhale", 15_000),
        (1, "bottom_pause", "Pause", "hold", 17_000),
    ]
    assert len(phases) == 12
    assert [e.rep for e in ev if e.type == "rep_completed"] == [1, 2, 3]
    assert types(ev)[-2:] == ["set_finished", "reflect_requested"]
    assert ev[-2].by == "metronome" and ev[-2].reps == 3
    assert loop.state == "reflect"


def test_squat_starts_with_the_eccentric_and_braces() -> None:
    loop = make_loop(prescription(SQUAT))
    loop.start(0)
    loop.ready(100)
    ev = [e for e in loop.advance(100 + 3000 + 5000 - 1) if e.type == "tempo_phase"]
    assert [(e.phase, e.word, e.breath) for e in ev] == [
        ("eccentric", "Down", "brace"),
        ("bottom_pause", "Pause", "brace"),
        ("concentric", "Up", "brace"),
        ("top_squeeze", "Squeeze", "breathe"),
    ]


def run_set(loop: SetLoop, now: int, *, rating: int, uuid: str) -> tuple[int, list[Any]]:
    loop.advance(now + 100_000)  # prime runs out
    loop.ready(now + 100_000)
    ev = loop.finish_set(now + 101_000 + 3000 + 5000, reps=None)
    assert ev[-1].type == "reflect_requested"
    reps = ev[-1].reps
    out = loop.reflect(
        now + 120_000,
        Reflection(
            target_rating=rating,
            felt_elsewhere={"front_delt": 3},
            focus_rating=7,
            reps_in_reserve=2,
        ),
        reps=reps,
        load_kg=loop.current.load_kg if loop.current else None,
        set_uuid=uuid,
    )
    return now + 120_000, out


def test_whole_session_three_sets_with_adaptation_and_summary() -> None:
    loop = make_loop(prescription(CURL, sets=3))
    loop.start(0)
    now, ev = run_set(loop, 0, rating=3, uuid="a")
    assert types(ev) == ["set_confirmed", "adapted", "rest_started"]
    confirmed = ev[0].completed
    assert (confirmed.set_uuid, confirmed.reps, confirmed.load_kg) == ("a", 1, 12.0)
    assert ev[1].actions == ["lighter"] and ev[1].next.load_kg == 10.0
    assert ev[2].ends_ms == now + 60_000
    # The rest ends by itself and the next set's prime shows the adapted load.
    ev = loop.advance(now + 60_000)
    assert types(ev)[:2] == ["rest_ended", "prime_started"]
    assert ev[1].visualisation is None  # only before the first set
    assert loop.current is not None and loop.current.load_kg == 10.0
    now, ev = run_set(loop, now + 60_000, rating=8, uuid="b")
    assert ev[1].actions == ["keep"]
    loop.skip_rest(now + 1000)
    now, ev = run_set(loop, now + 1000, rating=9, uuid="c")
    assert types(ev) == ["set_confirmed", "adapted", "summary"]
    summary = ev[-1]
    assert summary.sets_done == 3 and not summary.ended_early
    assert summary.exercises[0].mean_target_rating == pytest.approx((3 + 8 + 9) / 3)
    assert [c.set_uuid for c in loop.completed] == ["a", "b", "c"]
    assert [c.load_kg for c in loop.completed] == [12.0, 10.0, 10.0]


def test_pause_shifts_every_timer() -> None:
    loop = make_loop(prescription(CURL))
    loop.start(0)
    loop.ready(1000)  # count-in at 1000..3999, first phase at 4000
    loop.advance(3500)
    ev = loop.pause(3500)
    assert types(ev) == ["paused"] and loop.state == "paused"
    assert loop.advance(60_000) == [] and loop.next_due_ms() is None
    ev = loop.resume(63_500)  # paused for 60 s
    assert ev[0].paused_ms == 60_000
    assert loop.next_due_ms() == 64_000
    ev = loop.advance(64_000)
    assert [(e.type, e.at_ms) for e in ev] == [("tempo_phase", 64_000)]


def test_finish_early_with_user_count_and_skip_and_end() -> None:
    loop = make_loop(prescription(CURL, sets=2), prescription(SQUAT, sets=1))
    loop.start(0)
    loop.ready(0)
    ev = loop.finish_set(4000, reps=7)
    assert ev[-2].by == "user" and ev[-1].reps == 7
    loop.reflect(5000, Reflection(target_rating=6), reps=7, load_kg=12, set_uuid="x")
    ev = loop.skip_exercise(6000)
    assert types(ev)[:3] == ["exercise_skipped", "exercise_started", "prime_started"]
    assert ev[0].exercise_id == "dumbbell_biceps_curl" and ev[1].exercise_id == "barbell_back_squat"
    ev = loop.end(7000)
    assert ev[0].type == "summary" and ev[0].ended_early and ev[0].sets_done == 1
    assert ev[0].exercises[0].skipped and not ev[0].exercises[1].skipped


def test_commands_in_the_wrong_state_are_refused_clearly() -> None:
    loop = make_loop(prescription(CURL))
    with pytest.raises(SessionStateError, match="Cannot ready while the session is in 'idle'"):
        loop.ready(0)
    loop.start(0)
    with pytest.raises(SessionStateError, match="allowed in: reflect"):
        loop.reflect(0, Reflection(target_rating=5), reps=1, load_kg=1, set_uuid="u")
    loop.ready(0)
    loop.finish_set(10, reps=2)
    with pytest.raises(InvalidInputError, match="load_kg must be 0 or more, got -5"):
        loop.reflect(20, Reflection(target_rating=5), reps=2, load_kg=-5, set_uuid="u")
    with pytest.raises(InvalidInputError, match="set_uuid"):
        loop.reflect(20, Reflection(target_rating=5), reps=2, load_kg=5, set_uuid="")


def test_unknown_exercise_in_plan_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="not in the catalogue given"):
        SetLoop(plan(prescription(CURL)), {}, EquipmentProfile(), OPTS, adapter=lighter_when_low)


def test_snapshot_restores_confirmed_sets_and_restarts_the_interrupted_set() -> None:
    loop = make_loop(prescription(CURL, sets=3))
    loop.start(0)
    now, _ = run_set(loop, 0, rating=3, uuid="a")
    loop.skip_rest(now)
    loop.ready(now + 1)
    loop.advance(now + 5000)  # mid-set when the process dies
    snap = loop.snapshot()
    import json

    snap = json.loads(json.dumps(snap))  # survives a trip through the database as JSON
    again = restore(loop, snap)
    assert [c.set_uuid for c in again.completed] == ["a"]
    assert again.position == (0, 1)
    assert again.current is not None and again.current.load_kg == 10.0  # the adaptation is kept
    ev = again.resume_at(1_000_000)
    assert types(ev) == ["prime_started", "squeeze_countdown"]  # no visualisation after set 1
    assert again.state == "prime"


def test_snapshot_in_reflect_asks_for_the_reflection_again() -> None:
    loop = make_loop(prescription(CURL))
    loop.start(0)
    loop.ready(0)
    loop.finish_set(5000, reps=4)
    again = restore(loop, loop.snapshot())
    ev = again.resume_at(9000)
    assert types(ev) == ["reflect_requested"] and ev[0].reps == 4
    ev = again.reflect(9500, Reflection(target_rating=7), reps=4, load_kg=12, set_uuid="z")
    assert ev[0].completed.started_ms == 0 and ev[0].completed.finished_ms == 5000


def test_time_scale_compresses_the_whole_session() -> None:
    fast = LoopOptions(visualisation_s=5, count_in_s=3, time_scale=0.01)
    loop = make_loop(prescription(CURL, sets=1), options=fast)
    loop.start(0)
    ev = loop.advance(80)  # 5 s visualisation + 3 s squeeze at 1/100
    assert types(ev)[-1] == "prime_ready"
    loop.ready(80)
    ev = loop.advance(80 + 30 + 150)  # count-in 3 s + 3 reps x 5 s, at 1/100
    assert types(ev)[-1] == "reflect_requested"


def test_events_serialise_to_json() -> None:
    loop = make_loop(prescription(CURL))
    ev = loop.start(0)
    dumped = [e.model_dump(mode="json") for e in ev]
    assert dumped[0]["type"] == "exercise_started" and dumped[0]["at_ms"] == 0


def test_snapshot_during_rest_resumes_with_the_next_set() -> None:
    loop = make_loop(prescription(CURL, sets=1), prescription(SQUAT, sets=2))
    loop.start(0)
    now, ev = run_set(loop, 0, rating=8, uuid="a")
    assert loop.state == "rest" and ev[-1].next_exercise_index == 1
    snap = loop.snapshot()
    assert snap["state"] == "rest" and snap["position"] == [1, 0]
    again = restore(loop, snap)
    ev = again.resume_at(now + 5000)
    # The curl is done: the squat begins, announced as a new exercise, and nothing is repeated.
    assert types(ev)[:2] == ["exercise_started", "prime_started"]
    assert ev[0].exercise_id == "barbell_back_squat"
    assert [c.set_uuid for c in again.completed] == ["a"]


def test_the_rest_after_an_exercises_last_set_prompts_for_the_next_exercise() -> None:
    curl = prescription(CURL, sets=2)
    squat = prescription(SQUAT, sets=1).model_copy(
        update={"between_set_prompt": "Squeeze the glutes for five seconds."}
    )
    assert curl.between_set_prompt != squat.between_set_prompt
    loop = make_loop(curl, squat)
    loop.start(0)
    now, ev = run_set(loop, 0, rating=8, uuid="a")
    rest = [e for e in ev if e.type == "rest_started"]
    assert rest[0].next_set_index == 1 and rest[0].prompt == curl.between_set_prompt
    loop.skip_rest(now + 1)
    now, ev = run_set(loop, now + 2, rating=8, uuid="b")
    rest = [e for e in ev if e.type == "rest_started"]
    assert rest[0].next_exercise_index == 1 and rest[0].prompt == squat.between_set_prompt


def test_the_resume_position_is_where_a_resumed_session_continues() -> None:
    loop = make_loop(prescription(CURL, sets=3))
    loop.start(0)
    assert loop.resume_position == (0, 0)
    now, _ = run_set(loop, 0, rating=8, uuid="a")
    # Resting after set 1: set 1 is stored, a resume continues with set 2, paused or not.
    assert loop.state == "rest" and loop.position == (0, 0)
    assert loop.resume_position == (0, 1)
    loop.pause(now + 10)
    assert loop.resume_position == (0, 1)
    assert loop.snapshot()["position"] == [0, 1]
    assert restore(loop, loop.snapshot()).position == (0, 1)


def test_the_next_set_follows_from_the_load_lifted_not_the_load_planned() -> None:
    """Planned 12 kg, lifted 16 kg and felt it well: "keep" keeps 16 kg, as on the phone."""
    loop = make_loop(prescription(CURL, sets=2))
    loop.start(0)
    loop.advance(100_000)
    loop.ready(100_000)
    loop.finish_set(101_000 + 3000 + 5000, reps=None)
    ev = loop.reflect(
        120_000, Reflection(target_rating=8, reps_in_reserve=2), reps=10, load_kg=16.0,
        set_uuid="a",
    )  # fmt: skip
    assert ev[0].completed.load_kg == 16.0
    assert ev[1].actions == ["keep"] and ev[1].next.load_kg == 16.0
    assert ev[1].next.load_display == "16 kg"
    assert loop.current is not None and loop.current.load_kg == 16.0
