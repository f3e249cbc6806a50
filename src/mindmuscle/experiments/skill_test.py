"""The connection test: hold 10, 20 and 40 % MVC without feedback, then see the error.

Rule 17 (effortmatch2019): matching EMG targets without visual feedback is a reliable test of
the mind-muscle connection (ICC 0.75 at 10 % and 0.69 at 20 % MVC), so it is repeated over
weeks and its error shown, never a promise of improvement.

The protocol: the targets in a random order (seeded, so a test can replay it), each after a
rest that names the next target, held for ``hold_s`` with words and a sound only (no bar, no
number). The first ``settle_s`` of a hold is the lifter reaching the level and is not scored.

The score, per target, from the %MVC envelope of the scored part of its holds:

* ``mean_pct``: the level the lifter held (its distance from the target, ``error_pct``, says
  over or under);
* ``sd_pct``: the SD around the target, the root mean square of (%MVC - target): the matching
  error of effortmatch2019. A steady hold at the wrong level scores as badly as a wobbly hold
  at the right one; lower is better.

Everything here is a function of its inputs: no clock, no device, no database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from mindmuscle.errors import InvalidInputError, InvalidSignalError

__all__ = [
    "EVIDENCE",
    "TARGETS_PCT",
    "PastSkillTest",
    "SkillStep",
    "SkillTestScore",
    "TargetScore",
    "readings_on_grid",
    "score_skill_test",
    "skill_test_order",
    "skill_test_steps",
    "step_at",
]

TARGETS_PCT: tuple[float, ...] = (10.0, 20.0, 40.0)
"""The levels the lifter matches, in % of their MVC."""

EVIDENCE = ("effortmatch2019",)
"""The evidence ids the test rests on (rule 17)."""

_FIRST_REST_S = 3.0  # before the first hold: the lifter reads the words, the filters settle


@dataclass(frozen=True)
class SkillStep:
    """One step of the test: ``rest`` (before hold ``number``) or ``hold`` ``target_pct``.

    A rest carries the target of the hold that follows it, so the words can say what comes.
    """

    kind: Literal["rest", "hold"]
    number: int
    target_pct: float
    seconds: float


def skill_test_order(
    targets: Sequence[float] = TARGETS_PCT, *, repeats: int = 1, seed: int | None = None
) -> list[float]:
    """The targets, each ``repeats`` times, in a random order (the same for the same seed).

    Examples
    --------
    >>> skill_test_order(seed=5)
    [20.0, 40.0, 10.0]
    >>> sorted(skill_test_order(repeats=2, seed=3))
    [10.0, 10.0, 20.0, 20.0, 40.0, 40.0]
    """
    if not targets:
        raise InvalidInputError("name at least one target level (% MVC) to match.")
    bad = [t for t in targets if not 0.0 < t < 100.0]
    if bad:
        raise InvalidInputError(
            f"a target of {bad[0]:g} % MVC is not allowed: give levels above 0 and below 100."
        )
    if not 1 <= repeats <= 5:
        raise InvalidInputError(f"{repeats} repeats are not allowed: give 1 to 5 (1 usual).")
    rng = np.random.default_rng(seed)
    pool = [float(t) for t in targets for _ in range(repeats)]
    return [pool[i] for i in rng.permutation(len(pool))]


def skill_test_steps(
    order: Sequence[float], *, hold_s: float = 5.0, rest_s: float = 10.0, settle_s: float = 1.0
) -> list[SkillStep]:
    """The guided protocol for ``order``: per target a rest, then the hold.

    Examples
    --------
    >>> [(s.kind, s.target_pct, s.seconds) for s in skill_test_steps([20.0, 10.0], rest_s=8)]
    [('rest', 20.0, 3.0), ('hold', 20.0, 5.0), ('rest', 10.0, 8.0), ('hold', 10.0, 5.0)]
    """
    if not 2.0 <= hold_s <= 10.0:
        raise InvalidInputError(f"a hold of {hold_s:g} s is not allowed: give 2 to 10 s (5 usual).")
    if not 0.0 <= settle_s <= hold_s - 1.0:
        raise InvalidInputError(
            f"leaving out {settle_s:g} s of a {hold_s:g} s hold is not allowed: give 0 to "
            f"{hold_s - 1.0:g} s, so at least one second is scored."
        )
    if not 0.0 <= rest_s <= 120.0:
        raise InvalidInputError(f"a rest of {rest_s:g} s is not allowed: give 0 to 120 s.")
    steps: list[SkillStep] = []
    for number, target in enumerate(order, start=1):
        rest = _FIRST_REST_S if number == 1 else rest_s
        steps.append(SkillStep("rest", number, float(target), float(rest)))
        steps.append(SkillStep("hold", number, float(target), float(hold_s)))
    return steps


def step_at(steps: Sequence[SkillStep], elapsed_s: float) -> tuple[int, float] | None:
    """Which step is running ``elapsed_s`` after the test began, and its seconds left.

    Returns None once the last step is over (the test is complete).

    Examples
    --------
    >>> steps = skill_test_steps([20.0, 10.0], rest_s=8)
    >>> step_at(steps, 0.0), step_at(steps, 4.0), step_at(steps, 20.5), step_at(steps, 21.0)
    ((0, 3.0), (1, 4.0), (3, 0.5), None)
    """
    end = 0.0
    for i, step in enumerate(steps):
        end += step.seconds
        if elapsed_s < end:
            return i, end - elapsed_s
    return None


@dataclass(frozen=True)
class TargetScore:
    """One target's result: the level held and the error around the target (% MVC points)."""

    target_pct: float
    mean_pct: float
    sd_pct: float
    n_holds: int
    n_samples: int

    @property
    def error_pct(self) -> float:
        """Held minus target: above 0 the lifter overshot, below 0 they fell short."""
        return self.mean_pct - self.target_pct

    def to_json(self) -> dict[str, Any]:
        return {
            "target_pct": self.target_pct,
            "mean_pct": round(self.mean_pct, 2),
            "error_pct": round(self.error_pct, 2),
            "sd_pct": round(self.sd_pct, 2),
            "n_holds": self.n_holds,
            "n_samples": self.n_samples,
        }


@dataclass(frozen=True)
class SkillTestScore:
    """Every target's score, lowest target first, and the mean error over them."""

    targets: list[TargetScore]

    @property
    def overall_sd_pct(self) -> float:
        """The mean of the targets' SDs around the target (one number for the trend)."""
        return float(np.mean([t.sd_pct for t in self.targets]))


@dataclass(frozen=True)
class PastSkillTest:
    """A stored test as the history shows it: when, which muscle, the order and the score."""

    id: int
    muscle: str
    performed_at: datetime
    order_pct: list[float]
    score: SkillTestScore

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "muscle": self.muscle,
            "performed_at": self.performed_at.isoformat(),
            "order_pct": self.order_pct,
            "targets": [t.to_json() for t in self.score.targets],
            "overall_sd_pct": round(self.score.overall_sd_pct, 2),
        }


def readings_on_grid(
    times_s: Sequence[float],
    values: Sequence[float],
    rate_hz: float,
    *,
    max_gap_s: float = 0.5,
) -> npt.NDArray[np.float64]:
    """A hold's readings on an even grid at ``rate_hz``, from its first reading to its last.

    A live view sends fewer frames when its computer is busy (the frames of a late chunk are
    one frame): the readings then have gaps. The envelope changes slowly, so a gap of up to
    ``max_gap_s`` is filled by straight lines between its readings, and a hold scores by the
    time it covers, not by the frames that happened to be sent. Longer gaps are left out.

    Examples
    --------
    >>> readings_on_grid([0.0, 0.05, 0.2, 0.25], [10.0, 12.0, 18.0, 20.0], 20.0).tolist()
    [10.0, 12.0, 14.0, 16.0, 18.0, 20.0]
    >>> readings_on_grid([0.0, 0.05, 1.0, 1.05], [1.0, 1.0, 2.0, 2.0], 20.0).tolist()
    [1.0, 1.0, 2.0, 2.0]
    """
    t = np.asarray(times_s, dtype=np.float64).reshape(-1)
    v = np.asarray(values, dtype=np.float64).reshape(-1)
    if t.size != v.size:
        raise InvalidInputError(f"{t.size} times for {v.size} readings: give one time each.")
    if t.size < 2:
        return v.copy()
    step = 1.0 / rate_hz
    grid = t[0] + step * np.arange(round((t[-1] - t[0]) / step) + 1)
    after = np.clip(np.searchsorted(t, grid), 1, t.size - 1)
    gap = t[after] - t[after - 1]
    keep = (gap <= max_gap_s + 1e-9) | np.isclose(grid, t[after]) | np.isclose(grid, t[after - 1])
    return np.asarray(np.interp(grid[keep], t, v), dtype=np.float64)


def score_skill_test(
    holds: Sequence[tuple[float, npt.NDArray[np.floating[Any]]]],
    rate_hz: float,
    *,
    settle_s: float = 1.0,
) -> SkillTestScore:
    """Score the holds: per target, the mean %MVC and the SD around the target.

    Parameters
    ----------
    holds : sequence of (target_pct, pct_mvc)
        Each hold in the order performed: its target and the %MVC envelope over the whole
        hold, ``pct_mvc`` shape (n_samples,).
    rate_hz : float
        Sampling rate of the envelopes.
    settle_s : float
        The start of each hold that is left out (reaching the level).

    Returns
    -------
    SkillTestScore
        One :class:`TargetScore` per target, lowest first; a target held more than once
        pools the scored samples of its holds.

    Raises
    ------
    InvalidSignalError
        A hold with less than one scored second of signal (the stream stopped?).

    Examples
    --------
    >>> import numpy as np
    >>> steady = np.full(500, 12.0)                   # 5 s at 100 Hz, 2 points over
    >>> score = score_skill_test([(10.0, steady)], 100.0)
    >>> t = score.targets[0]
    >>> t.mean_pct, t.error_pct, t.sd_pct, t.n_samples
    (12.0, 2.0, 2.0, 400)
    """
    if not rate_hz > 0:
        raise InvalidInputError(f"a rate of {rate_hz:g} Hz is not allowed: give one above 0.")
    skip = round(settle_s * rate_hz)
    pooled: dict[float, list[npt.NDArray[np.float64]]] = {}
    for number, (target, pct) in enumerate(holds, start=1):
        values = np.asarray(pct, dtype=np.float64).reshape(-1)[skip:]
        # One reading short of a second is a second: where the readings fall (20 frames a
        # second) decides whether the edge reading is in or out.
        if values.size + 1 < rate_hz or not np.all(np.isfinite(values)):
            raise InvalidSignalError(
                f"hold {number} ({target:g} % MVC) has {values.size / rate_hz:.1f} s of "
                "signal to score, not the 1 s needed: check the stream and the electrodes, "
                "then test again."
            )
        pooled.setdefault(float(target), []).append(values)
    if not pooled:
        raise InvalidSignalError("the test has no holds to score.")
    scores = []
    for target in sorted(pooled):
        x = np.concatenate(pooled[target])
        scores.append(
            TargetScore(
                target_pct=target,
                mean_pct=float(x.mean()),
                sd_pct=float(np.sqrt(np.mean((x - target) ** 2))),
                n_holds=len(pooled[target]),
                n_samples=int(x.size),
            )
        )
    return SkillTestScore(scores)
