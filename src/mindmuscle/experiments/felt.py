"""Felt versus measured: does a lifter's felt rating track the EMG-measured activation?

Sevilmiş et al. 2024 (``sevilmis2024``) found no significant correlation between perceived and
measured activation in any of six exercises, so a felt rating is a skill to check, never a
measurement (rule 16). Per muscle and exercise this module gives Spearman's rho between the
felt rating (0-10) and the measured activation (%MVC) over the lifter's sets, with a
percentile-bootstrap interval and n:

* fewer than :data:`MIN_SETS` sets: "not enough sets yet" (no rho, no interval);
* an interval that includes 0: "no relation" (no rho: a number that is not a finding is not
  shown as one);
* otherwise the feeling "tracks" (rho > 0) or "runs against" (rho < 0) the measurement.

Pure: the rows come in as numbers; the service reads them from the stored sets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel
from scipy import stats

from mindmuscle.errors import InvalidInputError

__all__ = [
    "EVIDENCE",
    "MIN_SETS",
    "FeltMeasured",
    "Verdict",
    "disagrees",
    "felt_vs_measured",
    "felt_vs_measured_by_group",
    "spearman_rho",
]

MIN_SETS = 8
"""Below this many sets with both a felt rating and a measurement, no relation is estimated."""

EVIDENCE: tuple[str, ...] = ("sevilmis2024",)

Verdict = Literal["not enough sets yet", "no relation", "tracks", "runs against"]


class FeltMeasured(BaseModel):
    """The relation of felt to measured activation for one muscle in one exercise."""

    muscle: str
    exercise_id: str
    n: int
    verdict: Verdict
    rho: float | None
    ci_low: float | None
    ci_high: float | None
    level: float
    message: str
    evidence: list[str]


def spearman_rho(
    felt: Sequence[float] | npt.NDArray[np.float64],
    measured: Sequence[float] | npt.NDArray[np.float64],
) -> float | None:
    """Spearman's rank correlation (ties get average ranks); None when either side is constant.

    Examples
    --------
    >>> spearman_rho([1, 2, 3, 4], [10, 30, 20, 40])
    0.8
    >>> spearman_rho([5, 5, 5], [1, 2, 3]) is None
    True
    """
    x = np.asarray(felt, dtype=np.float64)
    y = np.asarray(measured, dtype=np.float64)
    rho = _rho_rows(x[None, :], y[None, :])[0]
    return None if not np.isfinite(rho) else float(rho)


def _rho_rows(x: npt.NDArray[np.float64], y: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Spearman's rho of each row pair: Pearson's r of the average ranks."""
    rx = stats.rankdata(x, axis=1)
    ry = stats.rankdata(y, axis=1)
    rx -= rx.mean(axis=1, keepdims=True)
    ry -= ry.mean(axis=1, keepdims=True)
    den = np.sqrt((rx**2).sum(axis=1) * (ry**2).sum(axis=1))
    with np.errstate(invalid="ignore", divide="ignore"):
        out: npt.NDArray[np.float64] = np.where(den > 0, (rx * ry).sum(axis=1) / den, np.nan)
    return out


def felt_vs_measured(
    felt: Sequence[float],
    measured: Sequence[float],
    *,
    muscle: str = "",
    exercise_id: str = "",
    n_boot: int = 2000,
    level: float = 0.95,
    seed: int = 0,
) -> FeltMeasured:
    """How felt ratings track measured activation over one lifter's sets.

    Parameters
    ----------
    felt : sequence of float
        The felt target rating of each set (0-10).
    measured : sequence of float
        The measured activation of the same sets (e.g. peak %MVC of the target).
    n_boot : int
        Bootstrap resamples of the sets (pairs kept together).
    level : float
        Confidence level of the percentile interval.
    seed : int
        Seed of the resampling (the same sets give the same interval).

    Examples
    --------
    >>> r = felt_vs_measured([3, 4, 5, 6, 7, 8, 9, 10], [20, 25, 22, 40, 45, 50, 60, 70])
    >>> r.n, r.verdict, r.rho
    (8, 'tracks', 0.976)
    """
    x = np.asarray(felt, dtype=np.float64)
    y = np.asarray(measured, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1:
        raise InvalidInputError(
            f"felt ({x.shape}) and measured ({y.shape}) must be two lists of the same length."
        )
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise InvalidInputError("felt and measured values must be finite numbers.")
    if not 0.5 < level < 1.0:
        raise InvalidInputError(f"A confidence level of {level:g} is not allowed: give 0.5-1.")
    n = int(x.size)
    where = f"{muscle} in {exercise_id}" if muscle and exercise_id else muscle or exercise_id
    base = {
        "muscle": muscle,
        "exercise_id": exercise_id,
        "n": n,
        "level": level,
        "evidence": list(EVIDENCE),
    }
    if n < MIN_SETS:
        return FeltMeasured(
            **base,
            verdict="not enough sets yet",
            rho=None,
            ci_low=None,
            ci_high=None,
            message=f"not enough sets yet: {n} of {MIN_SETS} sets with a felt rating and EMG"
            + (f" ({where})" if where else ""),
        )
    rho = spearman_rho(x, y)
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    boots = _rho_rows(x[idx], y[idx])
    boots = boots[np.isfinite(boots)]
    if rho is None or boots.size < n_boot // 2:
        return FeltMeasured(
            **base,
            verdict="no relation",
            rho=None,
            ci_low=None,
            ci_high=None,
            message="no relation: the felt ratings (or the measurements) barely vary, so they "
            "cannot track each other" + (f" ({where})" if where else ""),
        )
    alpha = (1.0 - level) / 2.0
    lo, hi = (float(v) for v in np.quantile(boots, [alpha, 1.0 - alpha]))
    lo, hi = round(lo, 3), round(hi, 3)
    if lo <= 0.0 <= hi:
        return FeltMeasured(
            **base,
            verdict="no relation",
            rho=None,
            ci_low=lo,
            ci_high=hi,
            message=f"no relation found over {n} sets: what you feel does not (yet) tell how "
            "hard the muscle works; keep rating, and check it against the bars",
        )
    verdict: Verdict = "tracks" if rho > 0 else "runs against"
    words = (
        "your feeling tracks the measured activation"
        if rho > 0
        else "your feeling runs against the measured activation"
    )
    return FeltMeasured(
        **base,
        verdict=verdict,
        rho=round(rho, 3),
        ci_low=lo,
        ci_high=hi,
        message=f"{words}: rho {rho:.2f} ({int(level * 100)}% interval {lo:.2f} to {hi:.2f}, "
        f"{n} sets)",
    )


def felt_vs_measured_by_group(
    rows: Iterable[tuple[str, str, float, float]], *, n_boot: int = 2000, seed: int = 0
) -> list[FeltMeasured]:
    """:func:`felt_vs_measured` per (muscle, exercise) of ``(muscle, exercise_id, felt,
    measured)`` rows, sorted by muscle then exercise."""
    groups: dict[tuple[str, str], tuple[list[float], list[float]]] = {}
    for muscle, exercise_id, f, m in rows:
        fs, ms = groups.setdefault((muscle, exercise_id), ([], []))
        fs.append(float(f))
        ms.append(float(m))
    return [
        felt_vs_measured(f, m, muscle=mu, exercise_id=ex, n_boot=n_boot, seed=seed)
        for (mu, ex), (f, m) in sorted(groups.items())
    ]


def disagrees(relation: FeltMeasured) -> bool:
    """Whether feeling and measurement disagree: "no relation" or "runs against" over at least
    :data:`MIN_SETS` sets (the connection map marks the muscle).

    Examples
    --------
    >>> flat = felt_vs_measured([5, 6, 5, 6, 5, 6, 5, 6], [20, 60, 40, 30, 55, 25, 50, 35])
    >>> flat.verdict, disagrees(flat)
    ('no relation', True)
    >>> disagrees(felt_vs_measured([3, 4, 5], [20, 30, 40]))
    False
    """
    return relation.n >= MIN_SETS and relation.verdict in ("no relation", "runs against")
