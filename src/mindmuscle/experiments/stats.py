"""Effect sizes, bootstrap confidence intervals and permutation tests for small experiments.

Two comparisons are supported:

* **independent** sets (condition A vs condition B at one load): Hedges' g, the difference of the
  means over the pooled standard deviation with the small-sample correction
  ``J = 1 - 3 / (4 (n_a + n_b) - 9)``; the permutation test shuffles the condition labels.
* **paired** differences (A minus B in each load block): Hedges' g_z, the mean difference over the
  standard deviation of the differences with ``J = 1 - 3 / (4 (n - 1) - 1)``; the permutation test
  flips the signs of the differences.

Confidence intervals are percentile bootstraps (seeded); p-values are two-sided and exact (every
arrangement enumerated) when there are no more arrangements than resamples, Monte Carlo otherwise.
Fewer than :data:`MIN_N` values per group gives no statistics at all, with a note saying why.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict
from scipy import stats as sp_stats

from mindmuscle.errors import InvalidInputError

__all__ = [
    "FEW_N",
    "MIN_N",
    "Comparison",
    "compare_independent",
    "compare_paired",
    "hedges_g",
    "hedges_gz",
    "permutation_p_value",
]

MIN_N = 3
FEW_N = 10
FloatArray = npt.NDArray[np.float64]


class Comparison(BaseModel):
    """The result of comparing condition A with condition B on one measure.

    ``ci_low``/``ci_high`` bound ``g``; ``difference_ci_low``/``difference_ci_high`` bound the mean
    difference in the measure's own unit (more stable than the interval of g with few sets).
    Statistics are ``None`` when the data do not allow them; ``note`` then says why.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["independent", "paired"]
    n_a: int
    n_b: int
    mean_a: float | None
    mean_b: float | None
    mean_difference: float | None
    g: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    difference_ci_low: float | None = None
    difference_ci_high: float | None = None
    confidence_level: float = 0.95
    p_value: float | None = None
    exact_p: bool = False
    n_resamples: int = 0
    note: str = ""


def _array(values: Sequence[float] | FloatArray, name: str) -> FloatArray:
    arr = np.asarray(values, dtype=np.float64).ravel()
    if not np.all(np.isfinite(arr)):
        raise InvalidInputError(f"{name} contains NaN or infinite values; remove them first.")
    return arr


def _g_independent(a: FloatArray, b: FloatArray) -> FloatArray:
    # Vectorised over the last axis: a (..., n_a), b (..., n_b).
    n_a, n_b = a.shape[-1], b.shape[-1]
    va = a.var(axis=-1, ddof=1)
    vb = b.var(axis=-1, ddof=1)
    sd = np.sqrt(((n_a - 1) * va + (n_b - 1) * vb) / (n_a + n_b - 2))
    diff = a.mean(axis=-1) - b.mean(axis=-1)
    j = 1.0 - 3.0 / (4.0 * (n_a + n_b) - 9.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = np.where(sd > 0, j * diff / np.where(sd > 0, sd, 1.0), np.nan)
    return out


def _g_paired(d: FloatArray) -> FloatArray:
    n = d.shape[-1]
    sd = d.std(axis=-1, ddof=1)
    j = 1.0 - 3.0 / (4.0 * (n - 1) - 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        out: FloatArray = np.where(sd > 0, j * d.mean(axis=-1) / np.where(sd > 0, sd, 1.0), np.nan)
    return out


def hedges_g(a: Sequence[float] | FloatArray, b: Sequence[float] | FloatArray) -> float | None:
    """Hedges' g of two independent groups (``a`` minus ``b``), or ``None`` without variation.

    Examples
    --------
    >>> round(hedges_g([2.0, 3.0, 4.0], [1.0, 2.0, 3.0]), 4)
    0.8
    """
    x, y = _array(a, "a"), _array(b, "b")
    if x.size < 2 or y.size < 2:
        return None
    g = float(_g_independent(x, y))
    return None if np.isnan(g) else g


def hedges_gz(d: Sequence[float] | FloatArray) -> float | None:
    """Hedges' g_z of paired differences ``d``, or ``None`` without variation.

    Examples
    --------
    >>> round(hedges_gz([1.0, 2.0, 3.0]), 4)
    1.1429
    """
    x = _array(d, "differences")
    if x.size < 2:
        return None
    g = float(_g_paired(x))
    return None if np.isnan(g) else g


def permutation_p_value(
    a: Sequence[float] | FloatArray,
    b: Sequence[float] | FloatArray,
    *,
    paired: bool = False,
    n_resamples: int = 2000,
    seed: int = 0,
) -> tuple[float, bool]:
    """Two-sided permutation p-value of the difference of means, and whether it is exact.

    For independent groups the labels are shuffled; for paired values (``a[i]`` with ``b[i]``)
    each pair's order is flipped. The p-value is the share of arrangements whose absolute mean
    difference is at least the observed one; every arrangement is enumerated when there are no
    more than ``n_resamples``, otherwise ``n_resamples`` random ones are drawn and the observed
    arrangement is counted once more ((k + 1) / (n + 1)).

    Returns
    -------
    p_value : float
    exact : bool

    Examples
    --------
    >>> permutation_p_value([1.0, 2.0, 3.0], [4.0, 5.0, 6.0])
    (0.1, True)
    """
    x, y = _array(a, "a"), _array(b, "b")
    if paired and x.size != y.size:
        raise InvalidInputError(
            f"Paired values need equal lengths, got {x.size} and {y.size}: pair them by load."
        )
    n_total = 2**x.size if paired else _binomial(x.size + y.size, x.size)
    exact = n_total <= n_resamples

    def statistic(u: FloatArray, v: FloatArray, axis: int) -> FloatArray:
        diff: FloatArray = np.abs(u.mean(axis=axis) - v.mean(axis=axis))
        return diff

    result = sp_stats.permutation_test(
        (x, y),
        statistic,
        permutation_type="samples" if paired else "independent",
        vectorized=True,
        n_resamples=n_resamples,
        alternative="greater",
        rng=np.random.default_rng(seed),
    )
    return float(min(1.0, result.pvalue)), exact


def _binomial(n: int, k: int) -> int:
    from math import comb

    return comb(n, k)


def _percentile_ci(
    values: FloatArray, confidence_level: float
) -> tuple[float | None, float | None]:
    finite = values[np.isfinite(values)]
    # A bootstrap where most resamples have no spread says nothing reliable about the interval.
    if finite.size < 0.9 * values.size or finite.size == 0:
        return None, None
    alpha = (1.0 - confidence_level) / 2.0
    lo, hi = np.quantile(finite, [alpha, 1.0 - alpha])
    return float(lo), float(hi)


def compare_independent(
    a: Sequence[float] | FloatArray,
    b: Sequence[float] | FloatArray,
    *,
    n_resamples: int = 2000,
    seed: int = 0,
    confidence_level: float = 0.95,
) -> Comparison:
    """Compare two independent groups: Hedges' g, bootstrap CI of g, permutation p-value.

    Parameters
    ----------
    a, b : sequence of float
        Values of condition A and condition B (e.g. peak %MVC of each set).
    n_resamples : int
        Bootstrap and permutation resamples.
    seed : int
        Seed of both resampling procedures.
    confidence_level : float
        Level of the percentile interval.

    Returns
    -------
    Comparison
        With no statistics (and a note) when either group has fewer than :data:`MIN_N` values.
    """
    x, y = _array(a, "a"), _array(b, "b")
    base = {
        "kind": "independent",
        "n_a": int(x.size),
        "n_b": int(y.size),
        "mean_a": float(x.mean()) if x.size else None,
        "mean_b": float(y.mean()) if y.size else None,
        "mean_difference": float(x.mean() - y.mean()) if x.size and y.size else None,
        "confidence_level": confidence_level,
    }
    if x.size < MIN_N or y.size < MIN_N:
        return Comparison.model_validate(
            {
                **base,
                "note": f"No statistics: {x.size} and {y.size} sets; at least {MIN_N} sets of "
                "each condition are needed for an effect size or a test.",
            }
        )
    rng = np.random.default_rng(seed)
    xb = x[rng.integers(0, x.size, size=(n_resamples, x.size))]
    yb = y[rng.integers(0, y.size, size=(n_resamples, y.size))]
    p, exact = permutation_p_value(x, y, n_resamples=n_resamples, seed=seed)
    n_arrangements = _binomial(x.size + y.size, x.size)
    smallest_p = (2 if x.size == y.size else 1) / n_arrangements
    return _finish(
        base,
        g=hedges_g(x, y),
        boot_g=_g_independent(xb, yb),
        boot_diff=xb.mean(axis=1) - yb.mean(axis=1),
        p=p,
        exact=exact,
        smallest_p=smallest_p,
        n_small=min(x.size, y.size),
        n_resamples=n_resamples,
        confidence_level=confidence_level,
    )


def _finish(
    base: dict[str, object],
    *,
    g: float | None,
    boot_g: FloatArray,
    boot_diff: FloatArray,
    p: float,
    exact: bool,
    smallest_p: float,
    n_small: int,
    n_resamples: int,
    confidence_level: float,
) -> Comparison:
    lo, hi = _percentile_ci(boot_g, confidence_level)
    d_lo, d_hi = _percentile_ci(boot_diff, confidence_level)
    notes = []
    if g is None:
        notes.append(
            "No effect size: the differences do not vary."
            if base["kind"] == "paired"
            else "No effect size: the values do not vary within conditions."
        )
    elif n_small < FEW_N:
        notes.append(
            f"Few values ({n_small}): the interval of g is wide and unstable; the interval of "
            "the difference is the better guide."
        )
    if exact and smallest_p > 0.05:
        notes.append(f"With this many values the smallest possible p is {smallest_p:.3f}.")
    return Comparison.model_validate(
        {
            **base,
            "g": g,
            "ci_low": lo if g is not None else None,
            "ci_high": hi if g is not None else None,
            "difference_ci_low": d_lo,
            "difference_ci_high": d_hi,
            "p_value": p,
            "exact_p": exact,
            "n_resamples": n_resamples,
            "note": " ".join(notes),
        }
    )


def compare_paired(
    a: Sequence[float] | FloatArray,
    b: Sequence[float] | FloatArray,
    *,
    n_resamples: int = 2000,
    seed: int = 0,
    confidence_level: float = 0.95,
) -> Comparison:
    """Compare paired values (``a[i]`` with ``b[i]``, e.g. per load block): g_z, CI, p-value.

    Returns
    -------
    Comparison
        With no statistics (and a note) when there are fewer than :data:`MIN_N` pairs.
    """
    x, y = _array(a, "a"), _array(b, "b")
    if x.size != y.size:
        raise InvalidInputError(
            f"Paired values need equal lengths, got {x.size} and {y.size}: pair them by load."
        )
    d = x - y
    base = {
        "kind": "paired",
        "n_a": int(x.size),
        "n_b": int(y.size),
        "mean_a": float(x.mean()) if x.size else None,
        "mean_b": float(y.mean()) if y.size else None,
        "mean_difference": float(d.mean()) if d.size else None,
        "confidence_level": confidence_level,
    }
    if d.size < MIN_N:
        return Comparison.model_validate(
            {
                **base,
                "note": f"No statistics: {d.size} pairs; at least {MIN_N} are needed for an "
                "effect size or a test.",
            }
        )
    rng = np.random.default_rng(seed)
    db = d[rng.integers(0, d.size, size=(n_resamples, d.size))]
    p, exact = permutation_p_value(x, y, paired=True, n_resamples=n_resamples, seed=seed)
    return _finish(
        base,
        g=hedges_gz(d),
        boot_g=_g_paired(db),
        boot_diff=db.mean(axis=1),
        p=p,
        exact=exact,
        smallest_p=2.0 / 2**d.size,
        n_small=int(d.size),
        n_resamples=n_resamples,
        confidence_level=confidence_level,
    )
