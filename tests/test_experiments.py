"""Experiments (pure): designs, counterbalanced orders, cues, statistics and analysis."""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from pydantic import ValidationError
from scipy import stats as sp_stats

from mindmuscle.catalog.models import Exercise
from mindmuscle.coach.models import EquipmentProfile, Focus, Plan, Prescription, Prime
from mindmuscle.errors import InvalidInputError
from mindmuscle.experiments import (
    SetResult,
    analyze,
    balanced_latin_square,
    calatayud2016_design,
    compare_independent,
    compare_paired,
    cue_for,
    curl_focus_design,
    experiment_focus,
    experiment_prescription,
    hedges_g,
    make_design,
    permutation_p_value,
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


# --- designs -----------------------------------------------------------------------------------


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


# --- statistics ----------------------------------------------------------------------------------


def test_hedges_g_of_one_sd_over_a_large_sample() -> None:
    rng = np.random.default_rng(0)
    a = rng.normal(1.0, 1.0, 2000)
    b = rng.normal(0.0, 1.0, 2000)
    cmp = compare_independent(a, b, n_resamples=1000, seed=0)
    # standard error of g at n = 2000 per group is about 0.034: stated tolerance 0.1
    assert cmp.g is not None and abs(cmp.g - 1.0) < 0.1
    assert cmp.ci_low is not None and cmp.ci_high is not None
    assert cmp.ci_low < cmp.g < cmp.ci_high
    assert cmp.ci_low < 1.0 < cmp.ci_high
    assert cmp.ci_high - cmp.ci_low < 0.2
    assert cmp.difference_ci_low is not None and cmp.difference_ci_high is not None
    assert cmp.difference_ci_low < 1.0 < cmp.difference_ci_high
    assert cmp.note == ""
    assert cmp.p_value is not None and cmp.p_value < 0.01
    assert not cmp.exact_p


def test_hedges_g_matches_the_formula() -> None:
    a = [5.0, 7.0, 6.0, 9.0]
    b = [4.0, 5.0, 3.0]
    sp = np.sqrt((3 * np.var(a, ddof=1) + 2 * np.var(b, ddof=1)) / 5)
    expected = (np.mean(a) - np.mean(b)) / sp * (1 - 3 / (4 * 7 - 9))
    assert_allclose(hedges_g(a, b), expected, rtol=1e-12)


def test_identical_conditions_give_no_effect() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(50.0, 5.0, 12)
    same = compare_independent(x, x.copy(), seed=0)
    assert same.g == pytest.approx(0.0, abs=1e-12)
    assert same.p_value == 1.0
    a = rng.normal(50.0, 5.0, 12)
    b = rng.normal(50.0, 5.0, 12)
    null = compare_independent(a, b, seed=0)
    assert null.p_value is not None and null.p_value > 0.2
    assert null.ci_low is not None and null.ci_high is not None
    assert null.ci_low < 0.0 < null.ci_high


def _exact_p(a: list[float], b: list[float]) -> float:
    pooled = a + b
    observed = abs(np.mean(a) - np.mean(b))
    hits = total = 0
    for idx in itertools.combinations(range(len(pooled)), len(a)):
        x = [pooled[i] for i in idx]
        y = [pooled[i] for i in range(len(pooled)) if i not in idx]
        total += 1
        hits += abs(np.mean(x) - np.mean(y)) >= observed - 1e-12
    return hits / total


def test_permutation_p_value_matches_exact_enumeration() -> None:
    a = [12.0, 15.0, 14.0, 18.0]
    b = [11.0, 10.0, 13.0]
    p, exact = permutation_p_value(a, b, n_resamples=2000, seed=0)
    assert exact
    assert p == pytest.approx(_exact_p(a, b), abs=1e-12)
    # hand count: sums of four >= 59 (two subsets) or <= 47 (two subsets) out of 35
    assert p == pytest.approx(4 / 35, abs=1e-12)
    # Monte Carlo with fewer resamples than arrangements lands near the exact value
    p_mc, exact_mc = permutation_p_value(a, b, n_resamples=30, seed=0)
    assert not exact_mc and 0.0 < p_mc <= 1.0
    big_a, big_b = [*a, 16.0, 17.0, 13.5], [*b, 12.0, 12.5, 14.5]
    # 1716 arrangements, 1000 random ones; exact p = 0.022, Monte Carlo SE about 0.005
    p_big, exact_big = permutation_p_value(big_a, big_b, n_resamples=1000, seed=1)
    assert not exact_big
    assert p_big == pytest.approx(_exact_p(big_a, big_b), abs=0.015)


def test_paired_permutation_is_an_exact_sign_flip() -> None:
    a = [10.0, 12.0, 15.0, 11.0]
    b = [9.0, 10.0, 12.0, 12.0]
    d = np.subtract(a, b)
    flips = [abs(np.mean(d * s)) for s in itertools.product([1, -1], repeat=4)]
    expected = np.mean(np.asarray(flips) >= abs(d.mean()) - 1e-12)
    p, exact = permutation_p_value(a, b, paired=True, seed=0)
    assert exact and p == pytest.approx(expected, abs=1e-12)
    cmp = compare_paired(a, b, seed=0)
    assert "smallest possible p is 0.125" in cmp.note and "Few values (4)" in cmp.note
    j = 1 - 3 / (4 * 3 - 1)
    assert cmp.g == pytest.approx(j * d.mean() / d.std(ddof=1), rel=1e-12)
    assert cmp.p_value == pytest.approx(expected, abs=1e-12)


def test_scipy_agrees_on_a_symmetric_example() -> None:
    a, b = [3.0, 5.0, 4.0], [1.0, 2.0, 2.5]
    ref = sp_stats.permutation_test(
        (a, b), lambda x, y: np.mean(x) - np.mean(y), n_resamples=10_000, alternative="two-sided"
    )
    p, _ = permutation_p_value(a, b)
    assert p == pytest.approx(ref.pvalue, abs=1e-12)


def test_small_samples_get_no_statistics() -> None:
    cmp = compare_independent([1.0, 2.0], [3.0, 4.0, 5.0])
    assert cmp.g is None and cmp.p_value is None and cmp.ci_low is None
    assert cmp.mean_difference == pytest.approx(-2.5)
    assert "at least 3 sets" in cmp.note
    paired = compare_paired([1.0, 2.0], [0.0, 1.5])
    assert paired.g is None and "2 pairs" in paired.note


def test_bootstrap_is_seeded() -> None:
    rng = np.random.default_rng(0)
    a, b = rng.normal(1, 1, 8), rng.normal(0, 1, 8)
    assert compare_independent(a, b, seed=4) == compare_independent(a, b, seed=4)
    assert compare_independent(a, b, seed=4).ci_low != compare_independent(a, b, seed=5).ci_low


def test_statistics_reject_nan() -> None:
    with pytest.raises(InvalidInputError, match="NaN or infinite"):
        compare_independent([1.0, float("nan"), 2.0], [1.0, 2.0, 3.0])
    with pytest.raises(InvalidInputError, match="equal lengths"):
        compare_paired([1.0, 2.0, 3.0], [1.0, 2.0])


# --- analysis ------------------------------------------------------------------------------------


def _simulate(design_seed: int, effect_mvc: float, sets: int = 6) -> tuple[object, list[SetResult]]:
    design = make_design(
        exercise=CURL,
        conditions=["internal", "external"],
        loads_pct_e1rm=[40, 60, 80],
        sets_per_condition=sets,
        seed=design_seed,
        synergists=["forearm_flexors"],
    )
    rng = np.random.default_rng(0)
    results = []
    for p in plan_sets(design):
        base = 20.0 + 0.5 * p.load_pct_e1rm
        bump = effect_mvc if p.condition == "internal" else 0.0
        peak = base + bump + rng.normal(0.0, 4.0)
        results.append(
            SetResult(
                index=p.index,
                condition=p.condition,
                load_pct_e1rm=p.load_pct_e1rm,
                reps=8,
                target_rating=7 if p.condition == "internal" else 5,
                peak_mvc={"biceps": peak, "forearm_flexors": 30.0 + rng.normal(0.0, 4.0)},
                mean_mvc={"biceps": peak / 2},
            )
        )
    return design, results


def test_analysis_finds_a_known_effect() -> None:
    design, results = _simulate(1, effect_mvc=8.0)
    analysis = analyze(design, results, n_resamples=500)  # type: ignore[arg-type]
    assert analysis.n_recorded == analysis.n_planned == 36
    assert analysis.muscles == ["biceps", "forearm_flexors"]
    cell = analysis.cell("internal", 60.0)
    assert cell.n_sets == 6 and cell.reps.mean == 8.0 and cell.target_rating.mean == 7.0
    at60 = analysis.effect("internal", "peak_mvc", "biceps", 60.0)
    assert at60.focus_muscle and at60.comparison.kind == "independent"
    assert at60.comparison.g is not None and at60.comparison.g > 1.0
    assert at60.comparison.ci_low is not None and at60.comparison.ci_low > 0
    overall = analysis.effect("internal", "peak_mvc", "biceps", None)
    assert overall.comparison.kind == "paired" and overall.comparison.n_a == 3
    assert overall.comparison.mean_difference == pytest.approx(8.0, abs=3.0)
    syn = analysis.effect("internal", "peak_mvc", "forearm_flexors", 60.0)
    assert not syn.focus_muscle
    assert syn.comparison.p_value is not None and syn.comparison.p_value > 0.05
    rating = analysis.effect("internal", "target_rating", None, 60.0)
    assert rating.comparison.mean_difference == 2.0 and rating.comparison.g is None
    assert any("activation, not growth" in n for n in analysis.limitations)
    assert any("80% e1RM" in n for n in analysis.limitations)
    assert analyze(design, results, n_resamples=500) == analysis  # type: ignore[arg-type]


def test_analysis_of_few_sets_says_so() -> None:
    design, results = _simulate(2, effect_mvc=8.0, sets=1)
    analysis = analyze(design, results[:4], n_resamples=200)  # type: ignore[arg-type]
    assert analysis.n_recorded == 4
    assert all(e.comparison.g is None for e in analysis.effects)
    text = " ".join(analysis.limitations)
    assert "4 of 6 planned sets" in text
    assert "fewer than 3 sets" in text


def test_analysis_rejects_foreign_sets() -> None:
    design, results = _simulate(3, effect_mvc=0.0, sets=1)
    bad = results[0].model_copy(update={"condition": "sideways"})
    with pytest.raises(InvalidInputError, match="condition 'sideways' is not in the design"):
        analyze(design, [bad])  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="given twice"):
        analyze(design, [results[0], results[0]])  # type: ignore[arg-type]


# --- inside the set loop -------------------------------------------------------------------------


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
    with pytest.raises(InvalidInputError, match=r"Warm Up \(user_warm_up\) has no target muscle"):
        make_design(exercise=warm_up, conditions=["internal", "none"], **kw)
    assigned = assign_targets(warm_up, ["quadriceps"], catalog)
    design = make_design(exercise=assigned, conditions=["internal", "none"], **kw)
    assert (design.targets, design.conditions[0].focus_muscle) == (["quadriceps"], "quadriceps")
