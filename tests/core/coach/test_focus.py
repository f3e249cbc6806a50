"""Focus (coach/focus.py): internal or external cue by goal, load and set type, with evidence."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mindmuscle.catalog import load_catalog
from mindmuscle.coach import (
    choose_focus,
)
from mindmuscle.coach.focus import RULE_EVIDENCE
from mindmuscle.errors import InvalidInputError
from tests.factories import (
    bench,
    cable_row,
    kettlebell_swing,
    leg_extension,
    make_exercise,
    pec_deck,
    plank,
    squat,
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


CURL = make_exercise()


EXERCISES = [squat(), CURL, cable_row(), kettlebell_swing(), plank()]


def test_strength_squat_gets_an_external_cue_with_evidence() -> None:
    for pct in (60.0, 82.5, 90.0, None):
        f = choose_focus(squat(), goal="strength", percent_e1rm=pct)
        assert f.mode == "external"
        assert f.cue in squat().external_cues
        assert "grgic2021" in f.evidence and "marchant2009" in f.evidence


@pytest.mark.parametrize("pct", [30.0, 55.0, 60.0])
def test_hypertrophy_curl_at_most_60_percent_gets_an_internal_cue(pct: float) -> None:
    f = choose_focus(CURL, goal="hypertrophy", percent_e1rm=pct)
    assert f.mode == "internal"
    assert f.cue == CURL.internal_cues[0]
    assert {"calatayud2016", "snyderfry2012", "schoenfeld2018"} <= set(f.evidence)
    assert "limited evidence" in f.rationale  # rule 11
    assert "fujita2020" in f.evidence  # rule 8: cue early


@pytest.mark.parametrize(
    ("exercise", "goal", "pct", "set_type", "mode", "evidence"),
    [
        (CURL, "hypertrophy", 50.0, "amrap", "external", "marchant2011"),
        (CURL, "endurance", 50.0, "working", "external", "grgic2022"),
        (CURL, "hypertrophy", 70.0, "working", "internal", "paoli2019"),
        (bench(), "hypertrophy", 70.0, "working", "external", "paoli2019"),
        (CURL, "hypertrophy", 80.0, "working", "external", "calatayud2016"),
        (CURL, "hypertrophy", 50.0, "test", "external", "marchant2009"),
        (squat(), "hypertrophy", None, "working", "external", "grgic2021"),
        (CURL, "hypertrophy", None, "working", "internal", "schoenfeld2018"),
        (CURL, "strength", 70.0, "working", "internal", "snyderfry2012"),
        (squat(), "hypertrophy", 50.0, "warmup", "internal", "calatayud2016"),
    ],
)
def test_focus_rules(exercise, goal, pct, set_type, mode, evidence) -> None:
    f = choose_focus(exercise, goal=goal, percent_e1rm=pct, set_type=set_type)
    assert f.mode == mode
    assert evidence in f.evidence


@settings(max_examples=200, deadline=None)
@given(
    exercise=st.sampled_from([*EXERCISES, bench(), leg_extension(), pec_deck()]),
    goal=st.sampled_from(["hypertrophy", "strength", "endurance"]),
    pct=st.one_of(st.none(), st.floats(0, 150)),
    set_type=st.sampled_from(["warmup", "working", "drop", "failure", "amrap", "test"]),
    experience=st.sampled_from(["new", "some", "experienced"]),
)
def test_there_is_always_a_cue(exercise, goal, pct, set_type, experience) -> None:
    f = choose_focus(
        exercise, goal=goal, percent_e1rm=pct, set_type=set_type, experience=experience
    )
    assert f.mode in ("internal", "external")  # rule 15: never none
    assert f.cue in exercise.internal_cues + exercise.external_cues
    assert "kristiansen2018" in f.evidence
    assert set(f.evidence) <= EVIDENCE_IDS
    assert re.findall(r"%(?! e1RM| 1RM)", f.rationale) == []  # percentages only of a load


def test_focus_cycles_cues_and_rejects_bad_percent() -> None:
    f = choose_focus(CURL, goal="hypertrophy", percent_e1rm=50, cue_index=1)
    assert f.cue == CURL.internal_cues[1]
    with pytest.raises(InvalidInputError, match="give a percentage of 0 or more"):
        choose_focus(CURL, goal="hypertrophy", percent_e1rm=-5)


CATALOG = load_catalog()


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
