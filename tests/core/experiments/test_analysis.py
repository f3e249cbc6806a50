"""Experiment analysis (experiments/analysis.py): a known simulated effect is found, few sets are
said to be few, sets of another experiment are refused."""

from __future__ import annotations

import numpy as np
import pytest

from mindmuscle.catalog.models import Exercise
from mindmuscle.errors import InvalidInputError
from mindmuscle.experiments import (
    SetResult,
    analyze,
    make_design,
    plan_sets,
)

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
