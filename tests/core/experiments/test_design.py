"""Experiment designs (experiments/design.py): counterbalanced orders regenerated from their seed,
cues per planned set, the presets, and the checks of a design."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from mindmuscle.catalog.models import Exercise
from mindmuscle.coach.models import EquipmentProfile, Focus, Plan, Prescription, Prime
from mindmuscle.errors import InvalidInputError
from mindmuscle.experiments import (
    balanced_latin_square,
    calatayud2016_design,
    cue_for,
    curl_focus_design,
    experiment_focus,
    experiment_prescription,
    make_design,
    plan_sets,
)
from mindmuscle.session import SetLoop

CURL = Exercise.model_validate(
    {
        "id": "dumbbell_biceps_curl",
        "name": "Dumbbell biceps curl",
        "targets": ["biceps"],
        "synergists": ["brachialis", "forearm_flexors"],
        "mechanic": "isolation",
        "region": "upper",
        "equipment": "dumbbell",
        "load_type": "dumbbell",
        "internal_cues": ["Squeeze the biceps hard as you curl."],
        "external_cues": ["Curl the dumbbell up towards the ceiling."],
        "visualisation": "See the biceps shorten.",
        "touch_cue": "Rest two fingers on the biceps.",
        "breathing": "exhale_concentric",
        "tempo": {"eccentric_s": 3, "bottom_pause_s": 0, "concentric_s": 1, "top_squeeze_s": 1},
        "concentric": "rotation",
    }
)


def test_balanced_latin_square_is_balanced() -> None:
    for n in range(2, 7):
        rows = balanced_latin_square(n)
        assert len(rows) == (n if n % 2 == 0 else 2 * n)
        for row in rows:
            assert sorted(row) == list(range(n))
        for col in range(n):
            counts = Counter(r[col] for r in rows)
            assert len(set(counts.values())) == 1 and len(counts) == n
        pairs = Counter((r[i], r[i + 1]) for r in rows for i in range(n - 1))
        assert len(pairs) == n * (n - 1)
        assert len(set(pairs.values())) == 1


def test_plan_is_counterbalanced_and_regenerated_from_its_seed() -> None:
    design = make_design(
        exercise=CURL,
        conditions=["internal", "external", "none"],
        loads_pct_e1rm=[40, 60, 80],
        sets_per_condition=2,
        seed=7,
    )
    plan = plan_sets(design)
    assert len(plan) == design.n_sets == 18
    assert [p.index for p in plan] == list(range(1, 19))
    assert [p.load_pct_e1rm for p in plan] == [40.0] * 6 + [60.0] * 6 + [80.0] * 6
    for load in (40.0, 60.0, 80.0):
        assert Counter(p.condition for p in plan if p.load_pct_e1rm == load) == {
            "internal": 2,
            "external": 2,
            "none": 2,
        }
    # six row uses of the six-row square for three conditions: each condition twice per position
    positions = Counter(((p.index - 1) % 3, p.condition) for p in plan)
    assert set(positions.values()) == {2}
    assert plan_sets(design) == plan
    again = make_design(
        exercise=CURL,
        conditions=["internal", "external", "none"],
        loads_pct_e1rm=[40, 60, 80],
        sets_per_condition=2,
        seed=7,
    )
    assert plan_sets(again) == plan
    other = plan_sets(design.model_copy(update={"seed": 8}))
    assert [p.condition for p in other] != [p.condition for p in plan]


def test_random_and_descending_block_orders() -> None:
    kwargs = {"exercise": CURL, "conditions": ["internal", "external"], "sets_per_condition": 1}
    loads = [20, 40, 60, 80, 90]
    desc = plan_sets(make_design(**kwargs, loads_pct_e1rm=loads, seed=1, block_order="descending"))
    assert [p.load_pct_e1rm for p in desc[::2]] == [90, 80, 60, 40, 20]
    rnd = plan_sets(make_design(**kwargs, loads_pct_e1rm=loads, seed=1, block_order="random"))
    order = [p.load_pct_e1rm for p in rnd[::2]]
    assert sorted(order) == sorted(loads) and order != sorted(loads)


def test_cues_per_planned_set() -> None:
    design = make_design(
        exercise=CURL,
        conditions=["internal", "external", "none"],
        loads_pct_e1rm=[60],
        sets_per_condition=1,
        seed=0,
        e1rm_kg=20.0,
    )
    cues = {p.condition: p.cue for p in plan_sets(design)}
    assert cues == {
        "internal": "Squeeze the biceps hard as you curl.",
        "external": "Curl the dumbbell up towards the ceiling.",
        "none": None,
    }
    assert {p.load_kg for p in plan_sets(design)} == {12.0}
    assert design.reference == "none"
    assert cue_for(design.condition("none")) is None


def test_calatayud2016_preset() -> None:
    design = calatayud2016_design(seed=3)
    assert design.exercise_id == "barbell_bench_press"
    assert design.loads_pct_e1rm == [20.0, 40.0, 50.0, 60.0, 80.0]
    assert [c.name for c in design.conditions] == ["regular", "pecs", "triceps"]
    assert [c.focus for c in design.conditions] == ["none", "internal", "internal"]
    assert design.channels == {"pec_sternal": "pec_sternal", "triceps": "triceps"}
    assert design.reference == "regular"
    plan = plan_sets(design)
    assert len(plan) == 15
    assert "calatayud2016" in design.evidence


def test_curl_focus_preset() -> None:
    design = curl_focus_design(exercise=CURL, seed=5)
    assert [c.name for c in design.conditions] == ["internal", "external"]
    assert design.reference == "external"
    assert design.loads_pct_e1rm == [60.0]
    assert design.n_sets == 10
    assert design.channels == {"biceps": "biceps", "forearm_flexors": "forearm_flexors"}
    assert design.preset == "curl-focus"


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"conditions": []}, "no conditions"),
        ({"conditions": ["internal"]}, "needs at least two"),
        ({"conditions": ["internal", "internal"]}, "repeated: internal"),
        ({"conditions": ["internal", "sideways"]}, "Unknown condition 'sideways'"),
        ({"loads_pct_e1rm": [0.5]}, r"outside 1-100%"),
        ({"loads_pct_e1rm": [120]}, r"Load 120% e1RM is outside 1-100%"),
        ({"loads_pct_e1rm": []}, "no loads"),
        ({"loads_pct_e1rm": [60, 60]}, "different from each other"),
        ({"sets_per_condition": 0}, "Sets per condition is 0"),
        ({"reference": "none"}, "Reference condition 'none' is not one of"),
        ({"channels": {"triceps": "ch3"}}, "neither targets"),
    ],
)
def test_design_errors(kwargs: dict[str, object], match: str) -> None:
    base: dict[str, object] = {
        "exercise": CURL,
        "conditions": ["internal", "external"],
        "loads_pct_e1rm": [60],
        "sets_per_condition": 3,
        "seed": 0,
    }
    with pytest.raises(InvalidInputError, match=match):
        make_design(**{**base, **kwargs})  # type: ignore[arg-type]


def test_stored_design_is_validated_on_load() -> None:
    data = curl_focus_design(exercise=CURL, seed=1).model_dump(mode="json")
    data["sets_per_condition"] = 0
    with pytest.raises(ValidationError, match="Sets per condition is 0"):
        type(curl_focus_design(exercise=CURL, seed=1)).model_validate(data)


def test_experiment_sets_run_in_the_set_loop_with_their_cue() -> None:
    design = make_design(
        exercise=CURL,
        conditions=["internal", "external", "none"],
        loads_pct_e1rm=[60],
        sets_per_condition=1,
        seed=0,
        e1rm_kg=20.0,
        reps_per_set=2,
    )
    base = Prescription(
        exercise_id=CURL.id,
        name=CURL.name,
        sets=3,
        reps=(8, 12),
        load_kg=10.0,
        load_display="10 kg",
        tempo=CURL.tempo,
        focus=Focus(mode="internal", cue="coach cue", rationale="coach"),
        rest_s=60,
        breathing="exhale on the way up",
        prime=Prime(visualisation="v", touch="t", squeeze_test_s=0),
        between_set_prompt="flex",
    )
    seen = {}
    for planned in plan_sets(design):
        p = experiment_prescription(planned, design, base)
        assert p.sets == 1 and p.reps == (2, 2) and p.load_kg == 12.0
        assert p.load_display == "12 kg" and p.percent_e1rm == 60.0
        plan = Plan(decision="train", reason="experiment", goal="hypertrophy", units="kg",
                    exercises=[p])  # fmt: skip
        loop = SetLoop(plan, {CURL.id: CURL}, EquipmentProfile())
        events = loop.start(0)
        events += loop.ready(loop.next_due_ms() or 0)
        started = next(e for e in events if e.type == "set_started")
        seen[planned.condition] = (started.focus_mode, started.cue)
    assert seen == {
        "internal": ("internal", "Squeeze the biceps hard as you curl."),
        "external": ("external", "Curl the dumbbell up towards the ceiling."),
        "none": ("none", ""),
    }
    none_set = next(p for p in plan_sets(design) if p.condition == "none")
    control = experiment_focus(none_set, design)
    assert control.mode == "none" and control.cue == ""
    assert "no cue on purpose" in control.rationale and "kristiansen2018" in control.evidence
    with pytest.raises(InvalidInputError, match="the experiment is on 'dumbbell_biceps_curl'"):
        experiment_prescription(
            plan_sets(design)[0], design, base.model_copy(update={"exercise_id": "x"})
        )


@settings(max_examples=40, deadline=None)
@given(
    conditions=st.sampled_from(
        [["internal", "external"], ["internal", "none"], ["internal", "external", "none"]]
    ),
    loads=st.lists(st.integers(1, 100), min_size=1, max_size=5, unique=True),
    sets=st.integers(1, 4),
    seed=st.integers(0, 2**31 - 1),
    order=st.sampled_from(["ascending", "descending", "random"]),
)
def test_every_plan_is_balanced_within_each_load(
    conditions: list[str], loads: list[int], sets: int, seed: int, order: str
) -> None:
    design = make_design(
        exercise=CURL,
        conditions=conditions,
        loads_pct_e1rm=loads,
        sets_per_condition=sets,
        seed=seed,
        block_order=order,  # type: ignore[arg-type]
    )
    plan = plan_sets(design)
    assert len(plan) == len(conditions) * len(loads) * sets
    blocks = [p.load_pct_e1rm for p in plan]
    # each load block is contiguous and holds every condition the same number of times
    assert len(set(blocks)) == len(loads)
    assert sum(1 for i in range(1, len(blocks)) if blocks[i] != blocks[i - 1]) == len(loads) - 1
    for load in loads:
        counts = Counter(p.condition for p in plan if p.load_pct_e1rm == load)
        assert counts == dict.fromkeys(conditions, sets)
    assert plan_sets(design) == plan


def test_an_exercise_without_targets_gets_no_experiment_until_assigned() -> None:
    from mindmuscle.catalog import load_catalog
    from mindmuscle.catalog.matching import assign_targets, user_exercise_for

    catalog = load_catalog()
    warm_up = user_exercise_for("Warm Up", catalog).exercise
    kw = {"loads_pct_e1rm": [60.0], "sets_per_condition": 2, "seed": 1}
    with pytest.raises(InvalidInputError, match=r"^Warm Up has no target muscle yet, and") as no:
        make_design(exercise=warm_up, conditions=["internal", "none"], **kw)
    assert (no.value.action, no.value.action_args["exercise_id"]) == (
        "assign_targets",
        "user_warm_up",
    )
    assigned = assign_targets(warm_up, ["quadriceps"], catalog)
    design = make_design(exercise=assigned, conditions=["internal", "none"], **kw)
    assert (design.targets, design.conditions[0].focus_muscle) == (["quadriceps"], "quadriceps")
