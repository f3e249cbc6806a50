"""A user's exercise whose kind the name does not tell ("Warm Up") is stored as unknown, and the
coach does not take it for an isolation exercise: it comes after the isolation work, opens no
connection work, is dosed as a compound, and a line says why; its kind can be said later."""

from __future__ import annotations

import pytest

from mindmuscle.catalog import load_catalog
from mindmuscle.catalog.matching import assign_targets, user_exercise_for
from mindmuscle.catalog.models import Exercise, Mechanic
from mindmuscle.coach import Profile, build_plan
from mindmuscle.coach.focus import choose_focus
from tests.factories import NOW, make_catalog, rated_sessions, standard_exercises

UNKNOWN_LINE = (
    "Warm Up: its kind (compound or isolation) is not known, so the coach does not take it for "
    "an isolation exercise: it comes after Quadriceps isolation work, is not counted in the "
    "isolation score and is dosed as a compound. Saying its kind (isolation or compound) on its "
    "exercise card changes that."
)


@pytest.fixture(scope="module")
def warm_up() -> Exercise:
    full = load_catalog()
    return assign_targets(user_exercise_for("Warm Up", full).exercise, ["quadriceps"], full)


@pytest.mark.parametrize(
    ("name", "kind", "tempo"),
    [
        ("Warm Up", Mechanic.UNKNOWN, "2-0-1-0"),
        ("Zercher Wobble Thing", Mechanic.UNKNOWN, "2-0-1-0"),
        ("Nordic Curl", Mechanic.ISOLATION, "3-0-1-1"),
        ("Lateral Raises", Mechanic.ISOLATION, "3-0-1-1"),
        ("Tricep Pressdown", Mechanic.ISOLATION, "3-0-1-1"),  # not a press
        ("Leg Press", Mechanic.COMPOUND, "2-0-1-0"),
        ("Plank Hold", Mechanic.UNKNOWN, "0-0-0-10"),  # a hold keeps its hold tempo
    ],
)
def test_the_kind_comes_from_the_name_or_is_unknown(name: str, kind: Mechanic, tempo: str) -> None:
    ex = user_exercise_for(name, load_catalog()).exercise
    assert (ex.mechanic, ex.tempo.as_string()) == (kind, tempo)


def test_unknown_is_stored_as_unknown_and_read_back(warm_up: Exercise) -> None:
    dumped = warm_up.model_dump(mode="json")
    assert dumped["mechanic"] == "unknown"
    assert Exercise.model_validate(dumped).mechanic == Mechanic.UNKNOWN


def test_an_unknown_kind_comes_after_isolation_and_opens_no_connection_work(
    warm_up: Exercise,
) -> None:
    catalog = make_catalog([*standard_exercises(), warm_up])
    plan = build_plan(
        catalog=catalog,
        profile=Profile(),
        readiness=None,
        history=[],
        now=NOW,
        exercise_ids=["user_warm_up", "leg_extension"],
        e1rm_overrides={"user_warm_up": 100.0, "leg_extension": 50.0},
    )
    assert [(e.exercise_id, e.role) for e in plan.exercises] == [
        ("leg_extension", "focus"),
        ("user_warm_up", "training"),
    ]
    warm = plan.exercises[1]
    assert [r.text for r in warm.why[:2]] == [
        "Normal training: connection work on Warm Up for Quadriceps unlocks when its isolation "
        "score reaches 7 of 10 over 6 rated sets.",
        UNKNOWN_LINE,
    ]
    assert (warm.rest_s, warm.tempo.as_string()) == (120, "2-0-1-0")  # a compound's rest


def test_once_the_muscle_is_connected_it_may_be_focus_work_dosed_as_a_compound(
    warm_up: Exercise,
) -> None:
    catalog = make_catalog([*standard_exercises(), warm_up])
    plan = build_plan(
        catalog=catalog,
        profile=Profile(),
        readiness=None,
        history=rated_sessions("leg_extension", [8, 8, 8]),
        now=NOW,
        exercise_ids=["user_warm_up"],
        e1rm_overrides={"user_warm_up": 100.0},
    )
    [warm] = plan.exercises
    assert warm.role == "focus"
    assert [r.text for r in warm.why[:2]] == [
        "Focus exercise for Quadriceps (score 8.0 of 10 from 9 rated sets): its isolation score "
        "is connected, so connection work on an exercise of either kind is unlocked.",
        UNKNOWN_LINE,
    ]
    assert warm.rest_s == 120  # the focus dose of a compound (an isolation rests 90 s)


@pytest.mark.parametrize("percent", [70.0, None])
def test_the_focus_cue_of_an_unknown_kind_is_not_the_isolation_default(
    warm_up: Exercise, percent: float | None
) -> None:
    focus = choose_focus(warm_up, goal="hypertrophy", percent_e1rm=percent)
    at = "" if percent is None else " at 70% e1RM"
    assert focus.mode == "external"
    assert focus.rationale.startswith(
        f"Warm Up{at}: its kind (compound or isolation) is not known, so it is not taken for an "
        "isolation exercise; an external cue is the default and you may switch to the muscle cue "
        "(rule 3)."
    )


def test_saying_the_kind_makes_it_that_kind(warm_up: Exercise) -> None:
    full = load_catalog()
    said = assign_targets(warm_up, ["quadriceps"], full, mechanic=Mechanic.ISOLATION)
    assert said.mechanic == Mechanic.ISOLATION
    kept = assign_targets(warm_up, ["quadriceps"], full)
    assert kept.mechanic == Mechanic.UNKNOWN
