"""Experiment statistics (experiments/stats.py): Hedges' g, exact permutation p-values, seeded
bootstrap intervals, checked against formulas, enumeration and SciPy."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats as sp_stats

from mindmuscle.errors import InvalidInputError
from mindmuscle.experiments import (
    compare_independent,
    compare_paired,
    hedges_g,
    permutation_p_value,
)


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
