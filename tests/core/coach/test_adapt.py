"""Adapting the next set (coach/adapt.py) to the reflection on the last one."""

from __future__ import annotations

import pytest

from mindmuscle.catalog import load_catalog
from mindmuscle.coach import (
    EquipmentProfile,
    Profile,
    Reflection,
    adapt,
    build_plan,
    default_equipment,
)
from mindmuscle.errors import InvalidInputError
from tests.factories import (
    NOW,
    make_catalog,
    make_exercise,
    rated_sessions,
    squat,
)

CURL = make_exercise()


KG = EquipmentProfile()


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


def curl_prescription():
    return plan(e1rm_overrides={"dumbbell_biceps_curl": 20.0}).exercises[0]


def test_low_rating_switches_cue_and_slows_the_eccentric() -> None:
    p = curl_prescription()
    a = adapt(p, Reflection(target_rating=2), exercise=CURL, equipment=KG, set_index=0)
    assert a.actions == ["switch_cue", "slower_eccentric"]
    assert a.next.focus.cue == CURL.internal_cues[1]
    assert a.next.tempo.as_string() == "4-0-1-1"
    assert a.next.load_kg == p.load_kg
    # The rest's words quote the new cue, not the one that was not felt.
    assert f"say the cue: '{p.focus.cue}'" in p.between_set_prompt
    assert a.next.between_set_prompt == p.between_set_prompt.replace(
        f"'{p.focus.cue}'", f"'{CURL.internal_cues[1]}'"
    )
    assert f"'{p.focus.cue}'" not in a.next.between_set_prompt


def test_low_rating_late_in_the_exercise_also_goes_lighter() -> None:
    p = curl_prescription()
    a = adapt(p, Reflection(target_rating=2), exercise=CURL, equipment=KG, set_index=2)
    assert a.actions == ["switch_cue", "slower_eccentric", "lighter"]
    assert a.next.load_kg == 10.0  # 12 kg minus at least 10%, on a 2 kg step
    assert a.next.load_display == "10 kg" and a.next.percent_e1rm == 50.0
    assert "fujita2020" in a.reasons[-1].evidence


def test_compensation_goes_lighter_and_adds_touch() -> None:
    p = curl_prescription()
    refl = Reflection(target_rating=5, felt_elsewhere={"front_delt": 6})
    a = adapt(p, refl, exercise=CURL, equipment=KG, set_index=0)
    assert a.actions == ["lighter", "add_touch_cue"]
    assert a.next.touch_during_set is True
    assert a.next.load_kg == 10.0
    assert "front_delt 6/10" in a.reasons[0].text


def test_moderate_rating_adds_touch_then_slows() -> None:
    p = curl_prescription()
    a = adapt(p, Reflection(target_rating=5), exercise=CURL, equipment=KG, set_index=0)
    assert a.actions == ["add_touch_cue"]
    b = adapt(a.next, Reflection(target_rating=5), exercise=CURL, equipment=KG, set_index=1)
    assert b.actions == ["slower_eccentric"]


def test_progress_only_when_the_rating_holds_with_reps_in_reserve() -> None:
    p = curl_prescription()
    good = Reflection(target_rating=8, reps_in_reserve=2)
    kept = adapt(p, good, exercise=CURL, equipment=KG, set_index=0)
    assert kept.actions == ["keep"] and kept.next == p
    held = rated_sessions("dumbbell_biceps_curl", [8, 7], rir=2)
    a = adapt(p, good, exercise=CURL, equipment=KG, set_index=0, history=held)
    assert a.actions == ["progress_load"]
    assert a.next.load_kg == 14.0
    assert "burd2012" in a.reasons[-1].evidence
    # one set below 7 in the last two sessions: no progression
    broken = [*held[:-1], held[-1].model_copy(update={"target_rating": 6})]
    assert adapt(p, good, exercise=CURL, equipment=KG, set_index=0, history=broken).actions == [
        "keep"
    ]
    # slow, long sets without reps in reserve logged (time under tension alone): no progression
    tut = rated_sessions("dumbbell_biceps_curl", [9, 9], rir=None, reps=15)
    assert adapt(p, good, exercise=CURL, equipment=KG, set_index=0, history=tut).actions == ["keep"]
    # this set at 1 rep in reserve: no progression
    close = Reflection(target_rating=8, reps_in_reserve=1)
    assert adapt(p, close, exercise=CURL, equipment=KG, set_index=0, history=held).actions == [
        "keep"
    ]


def test_low_focus_rating_switches_cue() -> None:
    p = curl_prescription()
    a = adapt(
        p, Reflection(target_rating=8, focus_rating=2), exercise=CURL, equipment=KG, set_index=0
    )
    assert a.actions == ["switch_cue"]


def test_adapt_rejects_bad_input() -> None:
    p = curl_prescription()
    with pytest.raises(InvalidInputError, match="set_index -1 is not allowed"):
        adapt(p, Reflection(target_rating=5), exercise=CURL, equipment=KG, set_index=-1)
    with pytest.raises(InvalidInputError, match="is not the prescription's"):
        adapt(p, Reflection(target_rating=5), exercise=squat(), equipment=KG, set_index=0)


CATALOG = load_catalog()


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
