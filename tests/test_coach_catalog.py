"""The coach on the real built-in catalogue: every exercise, every muscle, every text."""

from __future__ import annotations

import doctest
import importlib

import pytest

import mindmuscle.coach as coach
from mindmuscle.catalog import find_unsupported_claims, load_catalog
from mindmuscle.catalog.models import Mechanic, Movement
from mindmuscle.coach import (
    Profile,
    Readiness,
    Reflection,
    adapt,
    build_plan,
    check_tempo,
    choose_focus,
    connection_map,
    default_equipment,
    default_tempo,
    drill_plan,
    load_step,
    pick_exercise,
    round_load,
)
from mindmuscle.coach.focus import RULE_EVIDENCE
from mindmuscle.coach.readiness import IMAGERY_PRACTICE
from mindmuscle.units import from_kg
from tests.factories import NOW, rated_sessions

CATALOG = load_catalog()
EXERCISES = sorted(CATALOG.exercises.values(), key=lambda e: e.id)
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


def test_public_api_is_sorted_and_importable() -> None:
    assert coach.__all__ == sorted(coach.__all__, key=lambda n: (not n.isupper(), n))
    for name in coach.__all__:
        assert hasattr(coach, name), name


def test_rule_evidence_matches_the_registry() -> None:
    for number, ids in RULE_EVIDENCE.items():
        assert CATALOG.rule(number).evidence == ids


def test_done_when_strength_squat_external_hypertrophy_curl_internal() -> None:
    squat = CATALOG.exercise("barbell_back_squat")
    curl = CATALOG.exercise("dumbbell_biceps_curl")
    f = choose_focus(squat, goal="strength", percent_e1rm=85)
    assert f.mode == "external" and f.cue in squat.external_cues
    assert {"grgic2021", "marchant2009"} <= set(f.evidence)
    g = choose_focus(curl, goal="hypertrophy", percent_e1rm=60)
    assert g.mode == "internal" and g.cue in curl.internal_cues
    assert "calatayud2016" in g.evidence


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.id)
def test_every_exercise_is_usable_by_the_coach(exercise) -> None:
    tempo = default_tempo(exercise)
    assert check_tempo(tempo, isometric=exercise.concentric == Movement.ISOMETRIC) == []
    assert tempo.eccentric_s <= 4
    for goal in GOALS:
        for pct in (None, 50.0, 70.0, 90.0):
            f = choose_focus(exercise, goal=goal, percent_e1rm=pct)
            assert f.mode in ("internal", "external") and f.cue
            assert set(f.evidence) <= set(CATALOG.studies)
    for unit in ("kg", "lb"):
        eq = default_equipment(unit)
        load = round_load(37.3, exercise, eq)
        if exercise.load_type.value != "fixed":
            k = from_kg(load, unit) / load_step(exercise, eq)
            assert k == pytest.approx(round(k), abs=1e-6)


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


def test_a_growing_map_on_the_real_catalogue() -> None:
    history = rated_sessions("dumbbell_biceps_curl", [8, 8, 9]) + rated_sessions(
        "cable_triceps_pushdown", [7, 8, 8]
    )
    scores = connection_map(history, catalog=CATALOG, now=NOW)
    assert scores["biceps"].count == 9 and scores["triceps"].count == 9
    plan = build_plan(catalog=CATALOG, profile=Profile(), readiness=None, history=history, now=NOW)
    focus = [e.exercise_id for e in plan.exercises if e.role == "focus"]
    assert focus == ["pec_deck", "straight_arm_pulldown"]  # weakest (unrated) muscles first
    drill = drill_plan(catalog=CATALOG, scores=scores)
    assert drill.items[0].muscle_id == "pec_sternal"
    assert "biceps" not in [i.muscle_id for i in drill.items]


def test_adapt_on_a_real_card() -> None:
    curl = CATALOG.exercise("dumbbell_biceps_curl")
    plan = build_plan(
        catalog=CATALOG,
        profile=Profile(),
        readiness=None,
        history=[],
        now=NOW,
        e1rm_overrides={"dumbbell_biceps_curl": 20.0},
        exercise_ids=["dumbbell_biceps_curl"],
    )
    p = plan.exercises[0]
    a = adapt(
        p,
        Reflection(target_rating=3, felt_elsewhere={"front_delt": 7}),
        exercise=curl,
        equipment=default_equipment("kg"),
        set_index=1,
    )
    assert a.actions == ["lighter", "add_touch_cue"]
    assert a.next.load_kg == 10.0
    assert curl.touch_cue in a.reasons[-1].text


@pytest.mark.parametrize(
    "name",
    ["adapt", "connection", "drill", "e1rm", "focus", "loads", "plan", "readiness", "tempo"],
)
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(f"mindmuscle.coach.{name}")
    result = doctest.testmod(module)
    assert result.attempted > 0 and result.failed == 0
