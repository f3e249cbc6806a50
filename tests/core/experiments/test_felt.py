"""Felt versus measured on simulated lifters whose true rank correlation is known."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from mindmuscle.errors import InvalidInputError
from mindmuscle.experiments.felt import (
    MIN_SETS,
    disagrees,
    felt_vs_measured,
    felt_vs_measured_by_group,
    spearman_rho,
)


def _lifter(
    r: float, n: int, rng: np.random.Generator
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """n sets: a felt rating 0-10 (whole numbers, as the app stores them) and a peak %MVC,
    from a latent normal pair with correlation r."""
    z = rng.multivariate_normal([0.0, 0.0], [[1.0, r], [r, 1.0]], size=n)
    felt = np.clip(np.round(5.5 + 1.8 * z[:, 0]), 0, 10)
    measured = 45.0 + 12.0 * z[:, 1]
    return felt, measured


def _latent_r_for(true_rho: float) -> float:
    """The latent correlation whose population Spearman rho (after rounding the felt rating)
    is ``true_rho``, found by bisection on 100 000 simulated sets."""
    rng = np.random.default_rng(123)
    lo, hi = 0.0, 0.99
    for _ in range(18):
        mid = (lo + hi) / 2
        felt, measured = _lifter(mid, 100_000, rng)
        rho = spearman_rho(felt, measured)
        assert rho is not None
        lo, hi = (mid, hi) if rho < true_rho else (lo, mid)
    return (lo + hi) / 2


def test_a_true_rho_of_0_8_lies_inside_the_interval() -> None:
    r = _latent_r_for(0.8)
    rng = np.random.default_rng(1)
    results = [felt_vs_measured(*_lifter(r, 30, rng), n_boot=1000) for _ in range(40)]
    inside = [res.ci_low <= 0.8 <= res.ci_high for res in results if res.ci_low is not None]
    assert len(inside) == 40
    # A 95 % interval: about 38 of 40 lifters; percentile bootstraps run a little narrow.
    assert sum(inside) >= 33
    assert all(res.verdict == "tracks" and res.rho is not None for res in results)
    one = felt_vs_measured(*_lifter(r, 30, np.random.default_rng(7)))
    assert one.ci_low is not None and one.ci_high is not None
    assert one.ci_low <= 0.8 <= one.ci_high
    assert one.message.startswith("your feeling tracks the measured activation: rho")


def test_a_lifter_with_no_relation_gets_no_relation_not_a_number() -> None:
    rng = np.random.default_rng(2)
    results = [felt_vs_measured(*_lifter(0.0, 20, rng), n_boot=1000) for _ in range(40)]
    none = [res for res in results if res.verdict == "no relation"]
    assert len(none) >= 34  # about 95 %: a 5 % test finds a relation in 1 of 20 by chance
    assert all(res.rho is None for res in none)
    assert all(res.ci_low is not None and res.ci_low <= 0 <= res.ci_high for res in none)  # type: ignore[operator]
    one = felt_vs_measured(*_lifter(0.0, 20, np.random.default_rng(5)))
    assert one.verdict == "no relation" and one.rho is None
    assert one.message.startswith("no relation found over 20 sets")
    assert one.evidence == ["sevilmis2024"]


def test_below_8_sets_there_is_no_estimate() -> None:
    felt, measured = _lifter(0.9, MIN_SETS - 1, np.random.default_rng(3))
    res = felt_vs_measured(felt, measured, muscle="biceps", exercise_id="dumbbell_biceps_curl")
    assert (res.verdict, res.n, res.rho, res.ci_low) == ("not enough sets yet", 7, None, None)
    assert res.message == (
        "not enough sets yet: 7 of 8 sets with a felt rating and EMG (biceps in "
        "dumbbell_biceps_curl)"
    )


def test_a_feeling_that_runs_against_the_measurement_is_said_so() -> None:
    felt = [9, 8, 8, 7, 6, 5, 4, 3, 2, 2]
    measured = [20, 25, 24, 30, 40, 45, 50, 58, 60, 70]
    res = felt_vs_measured(felt, measured)
    assert res.verdict == "runs against"
    assert res.rho is not None and res.rho < -0.9
    assert res.ci_high is not None and res.ci_high < 0


def test_constant_ratings_cannot_track_anything() -> None:
    res = felt_vs_measured([7] * 10, list(range(10)))
    assert res.verdict == "no relation" and res.rho is None
    assert "barely vary" in res.message


def test_spearman_matches_scipy_with_ties() -> None:
    from scipy import stats

    rng = np.random.default_rng(4)
    felt, measured = _lifter(0.5, 25, rng)
    expected = stats.spearmanr(felt, measured).statistic
    assert spearman_rho(felt, measured) == pytest.approx(expected, abs=1e-12)


def test_groups_are_per_muscle_and_exercise() -> None:
    rows = [("biceps", "curl", float(i % 10), float(i)) for i in range(9)]
    rows += [("lats", "pulldown", 5.0, 40.0)] * 3
    out = felt_vs_measured_by_group(rows)
    assert [(r.muscle, r.exercise_id, r.n) for r in out] == [
        ("biceps", "curl", 9),
        ("lats", "pulldown", 3),
    ]
    assert out[0].verdict == "tracks" and out[1].verdict == "not enough sets yet"


def test_bad_input_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="same length"):
        felt_vs_measured([1, 2], [1])
    with pytest.raises(InvalidInputError, match="finite"):
        felt_vs_measured([1.0, float("nan")], [1.0, 2.0])


def test_the_map_marks_no_relation_and_running_against_from_8_sets_only() -> None:
    against = felt_vs_measured(
        [9, 8, 8, 7, 6, 5, 4, 3, 2, 2], [20, 25, 24, 30, 40, 45, 50, 58, 60, 70]
    )
    tracks = felt_vs_measured([3, 4, 5, 6, 7, 8, 9, 10], [20, 25, 22, 40, 45, 50, 60, 70])
    unrelated = felt_vs_measured([5, 6, 5, 6, 5, 6, 5, 6], [20, 60, 40, 30, 55, 25, 50, 35])
    few = felt_vs_measured([9, 8, 2], [10, 20, 30])
    assert [r.verdict for r in (against, tracks, unrelated, few)] == [
        "runs against",
        "tracks",
        "no relation",
        "not enough sets yet",
    ]
    assert [disagrees(r) for r in (against, tracks, unrelated, few)] == [True, False, True, False]
