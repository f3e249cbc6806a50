"""Today's plan (coach/plan.py): the decision, the exercises, their order, loads, cues and
evidence, exact values and properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mindmuscle.catalog import find_unsupported_claims, load_catalog
from mindmuscle.catalog.models import Mechanic
from mindmuscle.coach import (
    Profile,
    Readiness,
    build_plan,
    connection_map,
    default_equipment,
    pick_exercise,
    round_load,
)
from mindmuscle.coach.focus import RULE_EVIDENCE
from mindmuscle.coach.readiness import IMAGERY_PRACTICE
from mindmuscle.errors import InvalidInputError, UnknownIdError
from mindmuscle.units import from_kg
from tests.factories import (
    NOW,
    logged,
    make_catalog,
    rated_sessions,
)

EVIDENCE_IDS = {e for ids in RULE_EVIDENCE.values() for e in ids} | {
    "ranganathan2004",
    "halperin2016",
    "vigotsky2022",
    "schoenfeld2015",
    "azevedo2022",
    "wilk2021",
    "burd2012",
}


def r(sleep: int, energy: int, stress: int, focus: int, **kw: object) -> Readiness:
    return Readiness(sleep=sleep, energy=energy, stress=stress, focus=focus, **kw)  # type: ignore[arg-type]


def plan(**kw):
    args = {
        "catalog": make_catalog(),
        "profile": Profile(),
        "readiness": None,
        "history": [],
        "now": NOW,
    }
    args.update(kw)
    return build_plan(**args)


def test_new_user_gets_one_focus_exercise_and_normal_training() -> None:
    p = plan()
    assert p.decision == "train"
    roles = [(e.exercise_id, e.role) for e in p.exercises]
    assert roles == [
        ("dumbbell_biceps_curl", "focus"),
        ("barbell_back_squat", "training"),
        ("barbell_bench_press", "training"),
        ("seated_cable_row", "training"),
    ]
    curl = p.exercises[0]
    assert curl.load_source == "starting_test"
    assert curl.starting_test is not None and "moderate effort" in curl.starting_test
    assert curl.load_kg == 2.0 and curl.percent_e1rm is None
    assert curl.focus.mode == "internal"
    assert curl.prime.squeeze_test_s == 5
    assert "Squeeze your biceps" in curl.between_set_prompt
    assert p.exercises[1].load_kg == 20.0  # the empty bar to start the test


def test_every_prescription_has_cue_reasons_and_evidence() -> None:
    p = plan(e1rm_overrides={"barbell_back_squat": 120, "dumbbell_biceps_curl": 20})
    for e in p.exercises:
        assert e.focus.mode != "none" and e.focus.cue
        assert e.why and any(reason.evidence for reason in e.why)
        assert all(set(reason.evidence) <= EVIDENCE_IDS for reason in e.why)
        assert e.rest_s > 0 and e.breathing


def test_hypertrophy_curl_is_at_most_60_percent_with_an_internal_cue() -> None:
    p = plan(e1rm_overrides={"dumbbell_biceps_curl": 20.0})
    curl = p.exercises[0]
    assert curl.load_source == "given"
    assert curl.load_kg == 12.0  # 65% of 20 = 13 kg, rounded down to a 2 kg step
    assert curl.percent_e1rm == 60.0
    assert curl.focus.mode == "internal"
    assert "calatayud2016" in curl.focus.evidence
    assert curl.reps == (10, 12) and curl.sets == 3 and curl.rest_s == 90


def test_strength_squat_in_the_plan_gets_an_external_cue() -> None:
    p = plan(
        profile=Profile(goal="strength"),
        e1rm_overrides={"barbell_back_squat": 140.0},
        exercise_ids=["barbell_back_squat"],
    )
    (sq,) = p.exercises
    assert sq.role == "training"
    assert sq.load_kg == 115.0  # 82.5% of 140 = 115.5 -> 115
    assert sq.percent_e1rm == 82.1
    assert sq.reps == (3, 5) and sq.sets == 4 and sq.rest_s == 180
    assert sq.focus.mode == "external" and "grgic2021" in sq.focus.evidence
    assert sq.breathing.startswith("Big breath in and brace")
    assert any("No focus exercise today" in w.text for w in p.why)


def test_the_focus_count_is_what_was_planned_not_the_slots() -> None:
    # An experienced lifter has two focus slots; given one exercise, one focus exercise.
    p = plan(profile=Profile(experience="experienced"), exercise_ids=["dumbbell_biceps_curl"])
    counts = [w.text for w in p.why if "focus exercise" in w.text.split(" today")[0]]
    assert len(counts) == 1
    assert counts[0].startswith("1 focus exercise today, of 2 focus slots (experienced lifter")
    two = plan(
        profile=Profile(experience="experienced"),
        exercise_ids=["dumbbell_biceps_curl", "leg_extension"],
    )
    assert any(w.text.startswith("2 focus exercises today, of 2 focus slots") for w in two.why)
    # None of the given ones is focus work: only the sentence that says so, no count.
    squat = plan(exercise_ids=["barbell_back_squat"])
    assert not any("focus exercise" in w.text and w.text[0].isdigit() for w in squat.why)


def test_load_comes_from_history_when_there_is_one() -> None:
    history = [logged("barbell_back_squat", days_ago=2, load_kg=100, reps=5)]
    p = plan(history=history, exercise_ids=["barbell_back_squat"])
    sq = p.exercises[0]
    assert sq.load_source == "history"
    assert sq.e1rm_kg == 112.5
    assert sq.load_kg == 77.5  # 70% of 112.5 = 78.75 -> nearest buildable (tie goes lighter)
    assert any("brzycki" in w.text for w in sq.why)


def test_light_day_drops_a_set_and_about_ten_percent() -> None:
    normal = plan(e1rm_overrides={"barbell_back_squat": 100.0}, exercise_ids=["barbell_back_squat"])
    light = plan(
        readiness=r(2, 3, 3, 3),
        e1rm_overrides={"barbell_back_squat": 100.0},
        exercise_ids=["barbell_back_squat"],
    )
    assert light.decision == "light"
    assert normal.exercises[0].sets == 3 and light.exercises[0].sets == 2
    assert normal.exercises[0].load_kg == 70.0
    assert light.exercises[0].load_kg == 62.5  # 63% of 100, nearest buildable
    assert light.readiness_score == pytest.approx(0.438)


def test_poor_readiness_gives_rest_or_drill_plans() -> None:
    rest = plan(readiness=r(1, 1, 5, 1))
    assert rest.decision == "rest" and rest.exercises == [] and rest.imagery
    drill = plan(readiness=r(2, 2, 4, 2))
    assert drill.decision == "drill" and drill.exercises == []
    assert drill.drill is not None and drill.drill.total_s == 600


def test_given_exercises_are_ordered_weakest_first_isolation_before_compound() -> None:
    history = rated_sessions("leg_extension", [3, 4])  # quads weak, pecs unrated
    p = plan(
        history=history,
        exercise_ids=["barbell_back_squat", "pec_deck", "barbell_bench_press", "leg_extension"],
    )
    assert [e.exercise_id for e in p.exercises] == [
        "leg_extension",
        "barbell_back_squat",
        "pec_deck",
        "barbell_bench_press",
    ]
    assert [e.role for e in p.exercises] == ["focus", "training", "training", "training"]


def test_focus_exercises_grow_with_the_connection_map() -> None:
    history = rated_sessions("dumbbell_biceps_curl", [8, 8, 8]) + rated_sessions(
        "leg_extension", [8, 8, 8]
    )
    p = plan(history=history)
    focus = [e.exercise_id for e in p.exercises if e.role == "focus"]
    assert focus == ["pec_deck", "seated_cable_row"]  # two connected muscles: a second slot


def test_compound_connection_work_unlocks_after_isolation() -> None:
    locked = plan(exercise_ids=["barbell_back_squat"])
    assert locked.exercises[0].role == "training"
    history = rated_sessions("leg_extension", [8, 8, 8])
    unlocked = plan(
        history=history,
        exercise_ids=["barbell_back_squat"],
        e1rm_overrides={"barbell_back_squat": 100.0},
    )
    sq = unlocked.exercises[0]
    assert sq.role == "focus"
    assert sq.load_kg == 60.0 and sq.percent_e1rm == 60.0
    assert sq.focus.mode == "internal"  # rule 1 at 60%


def test_soreness_skips_or_lightens() -> None:
    skip = plan(readiness=r(4, 4, 2, 4, soreness={"quadriceps": 3}))
    assert "barbell_back_squat" not in [e.exercise_id for e in skip.exercises]
    sore = plan(
        readiness=r(4, 4, 2, 4, soreness={"quadriceps": 2}),
        exercise_ids=["barbell_back_squat"],
        e1rm_overrides={"barbell_back_squat": 100.0},
    )
    assert sore.decision == "train"
    assert sore.exercises[0].sets == 2 and sore.exercises[0].load_kg == 62.5


def test_body_weight_and_isometric_exercises() -> None:
    p = plan(exercise_ids=["plank"])
    (pl,) = p.exercises
    assert pl.load_kg is None and pl.load_display == "body weight"
    assert pl.load_source == "bodyweight"
    assert pl.reps == (1, 1)
    assert pl.breathing.startswith("Breathe slowly")


def test_plan_in_pounds() -> None:
    p = plan(
        profile=Profile(units="lb", equipment=default_equipment("lb")),
        e1rm_overrides={"barbell_back_squat": 100.0},
        exercise_ids=["barbell_back_squat"],
    )
    sq = p.exercises[0]
    assert sq.load_display == "155 lb"  # 70% of 220.5 lb = 154.3 -> 45 + 2 x 55
    assert from_kg(sq.load_kg, "lb") == pytest.approx(155.0)


def test_plan_rejects_bad_input() -> None:
    with pytest.raises(UnknownIdError, match="Unknown exercise id 'bicep_curl'"):
        plan(exercise_ids=["bicep_curl"])
    with pytest.raises(
        InvalidInputError,
        match=r"^e1rm.barbell_back_squat -5 is not allowed: an e1RM must be a finite number "
        r"above 0 and at most 1500 kg\.$",
    ):
        plan(e1rm_overrides={"barbell_back_squat": -5.0})
    with pytest.raises(InvalidInputError, match=r"^e1rm.barbell_back_squat 1500.5 is not allowed"):
        plan(e1rm_overrides={"barbell_back_squat": 1500.5})
    assert plan(e1rm_overrides={"barbell_back_squat": 1500.0}).exercises
    with pytest.raises(UnknownIdError, match="Unknown muscle id 'quads'"):
        plan(readiness=r(4, 4, 2, 4, soreness={"quads": 2}))


@settings(max_examples=40, deadline=None)
@given(
    e1rm=st.floats(5, 400),
    unit=st.sampled_from(["kg", "lb"]),
    goal=st.sampled_from(["hypertrophy", "strength", "endurance"]),
)
def test_plan_loads_are_buildable(e1rm: float, unit: str, goal: str) -> None:
    eq = default_equipment(unit)  # type: ignore[arg-type]
    cat = make_catalog()
    ids = ["barbell_back_squat", "dumbbell_biceps_curl", "seated_cable_row", "kettlebell_swing"]
    p = plan(
        catalog=cat,
        profile=Profile(goal=goal, units=unit, equipment=eq),  # type: ignore[arg-type]
        e1rm_overrides=dict.fromkeys(ids, e1rm),
        exercise_ids=ids,
    )
    for e in p.exercises:
        assert e.load_kg is not None
        ex = cat.exercise(e.exercise_id)
        assert round_load(e.load_kg, ex, eq) == pytest.approx(e.load_kg, abs=1e-6)


def test_focus_isolation_rounds_to_nearest_and_compound_rounds_down() -> None:
    curl = plan(e1rm_overrides={"dumbbell_biceps_curl": 15.0}).exercises[0]
    assert curl.load_kg == 10.0 and curl.percent_e1rm == 66.7  # 9.75 kg -> 10 kg, not 8 kg
    history = rated_sessions("leg_extension", [8, 8, 8])
    sq = plan(
        history=history,
        exercise_ids=["barbell_back_squat"],
        e1rm_overrides={"barbell_back_squat": 103.0},
    ).exercises[0]
    assert sq.role == "focus"
    assert sq.load_kg == 60.0 and sq.percent_e1rm == 58.3  # 61.8 kg rounded down keeps rule 1


def test_endurance_goal_keeps_the_muscle_cue_for_connection_practice() -> None:
    p = plan(
        profile=Profile(goal="endurance"),
        e1rm_overrides={"dumbbell_biceps_curl": 20.0, "barbell_bench_press": 80.0},
        exercise_ids=["dumbbell_biceps_curl", "barbell_bench_press"],
    )
    curl, bp = p.exercises
    assert curl.role == "focus" and curl.focus.mode == "internal"
    assert bp.role == "training" and bp.focus.mode == "external"
    assert "grgic2022" in bp.focus.evidence
    assert bp.reps == (15, 20) and bp.sets == 2 and bp.load_kg == 45.0  # 55% of 80 = 44 -> 45


def test_plan_leaves_out_sets_of_unknown_exercises_and_says_so() -> None:
    history = [logged("old_machine_curl", target_rating=5), logged(target_rating=8)]
    p = plan(history=history)
    assert any("1 logged set of exercises the catalogue does not have" in w.text for w in p.why)
    assert "old_machine_curl" in " ".join(w.text for w in p.why)
    m = connection_map(history, catalog=make_catalog(), now=NOW, unknown="skip")
    assert m["biceps"].count == 1


CATALOG = load_catalog()


GOALS = ("hypertrophy", "strength", "endurance")


def _texts(plan) -> list[str]:
    out = [plan.reason, *(w.text for w in plan.why)]
    if plan.imagery:
        out.append(plan.imagery)
    for e in plan.exercises:
        out += [e.focus.cue, e.focus.rationale, e.breathing, e.between_set_prompt, *e.warnings]
        out += [r.text for r in e.why]
        if e.starting_test:
            out.append(e.starting_test)
    return out


@pytest.mark.parametrize("muscle_id", sorted(CATALOG.muscles))
def test_every_muscle_has_an_exercise_for_focus_work(muscle_id: str) -> None:
    iso = pick_exercise(CATALOG, muscle_id, Mechanic.ISOLATION)
    comp = pick_exercise(CATALOG, muscle_id, Mechanic.COMPOUND)
    assert iso is not None or comp is not None
    for ex in (iso, comp):
        if ex is not None:
            assert muscle_id in ex.targets


@pytest.mark.parametrize("goal", GOALS)
@pytest.mark.parametrize(
    "readiness", [None, (4, 4, 2, 4), (2, 3, 3, 3), (2, 2, 4, 2), (1, 1, 5, 1)]
)
def test_no_plan_text_repeats_an_unsupported_claim(goal: str, readiness) -> None:
    r = (
        None
        if readiness is None
        else Readiness(**dict(zip(("sleep", "energy", "stress", "focus"), readiness, strict=True)))
    )
    ids = ["dumbbell_biceps_curl", "barbell_back_squat", "plank", "leg_extension", "push_up"]
    plan = build_plan(
        catalog=CATALOG,
        profile=Profile(goal=goal),  # type: ignore[arg-type]
        readiness=r,
        history=[],
        now=NOW,
        e1rm_overrides={"barbell_back_squat": 120.0, "dumbbell_biceps_curl": 18.0},
        exercise_ids=ids if readiness != (4, 4, 2, 4) else None,
    )
    for text in _texts(plan):
        assert find_unsupported_claims(text, CATALOG.claims) == [], text
    assert find_unsupported_claims(IMAGERY_PRACTICE, CATALOG.claims) == []
    for e in plan.exercises:
        for reason in e.why:
            assert set(reason.evidence) <= set(CATALOG.studies)
