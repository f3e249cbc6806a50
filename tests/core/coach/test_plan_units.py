"""A stored plan reads in the lifter's unit now: made in kg, read in lb after a switch (its
loads, reasons, warnings and starting test), with the stored kilograms unchanged."""

from __future__ import annotations

from mindmuscle.catalog.models import Tempo
from mindmuscle.coach.loads import plan_in_units, prescription_in_units, restate_loads
from mindmuscle.coach.models import Focus, Plan, Prescription, Prime, Reason


def _prescription() -> Prescription:
    return Prescription(
        exercise_id="dumbbell_biceps_curl",
        name="Dumbbell Biceps Curl",
        sets=3,
        reps=(10, 12),
        load_kg=10.0,
        units="kg",
        load_display="10 kg",
        tempo=Tempo.parse("3-0-1-1"),
        focus=Focus(mode="internal", cue="Squeeze.", rationale="rule 1"),
        rest_s=90,
        breathing="Breathe out on the way up.",
        prime=Prime(visualisation="See it.", touch="Touch it.", squeeze_test_s=3),
        between_set_prompt="Flex.",
        why=[Reason(text="Load 10 kg = 62.5% of an e1RM of 16 kg (brzycki).")],
        warnings=["No buildable load within 2.5 kg of the target."],
        starting_test="Start at 5 kg and do 12 controlled repetitions.",
    )


def test_loads_in_words_are_restated_in_the_unit() -> None:
    assert restate_loads("Load 10 kg = 62.5% of an e1RM of 16 kg.", "lb") == (
        "Load 22.05 lb = 62.5% of an e1RM of 35.27 lb."
    )
    assert restate_loads("Start at 45 lb; 12.5 kg x 10 on 7 Dec.", "kg") == (
        "Start at 20.41 kg; 12.5 kg x 10 on 7 Dec."
    )
    # Not loads: percentages, seconds, counts, and a unit without a number stay as written.
    text = "60-70% e1RM, rest 90 s, 3 sets; loads in kg."
    assert restate_loads(text, "lb") == text


def test_a_plan_made_in_kg_reads_in_lb_and_keeps_its_kilograms() -> None:
    p = _prescription()
    plan = Plan(
        decision="train", reason="Ready.", goal="hypertrophy", units="kg", exercises=[p],
        why=[Reason(text="Nothing heavier than 20 kg today.")],
    )  # fmt: skip
    lb = plan_in_units(plan, "lb")
    (q,) = lb.exercises
    assert (lb.units, q.units, q.load_kg, q.load_display) == ("lb", "lb", 10.0, "22.05 lb")
    assert q.why[0].text == "Load 22.05 lb = 62.5% of an e1RM of 35.27 lb (brzycki)."
    assert q.warnings == ["No buildable load within 5.51 lb of the target."]
    assert q.starting_test == "Start at 11.02 lb and do 12 controlled repetitions."
    assert lb.why[0].text == "Nothing heavier than 44.09 lb today."
    # Back in kg it reads as made; a plan already in the unit is itself.
    back = plan_in_units(lb, "kg")
    assert back.exercises[0].load_display == "10 kg"
    assert back.exercises[0].why[0].text == p.why[0].text
    assert plan_in_units(plan, "kg") is plan
    assert prescription_in_units(p, "kg") is p
