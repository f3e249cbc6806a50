"""Tempo adherence: measured phases against a prescribed tempo (EVIDENCE rule 12)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from mindmuscle.catalog.models import Tempo
from mindmuscle.signals.motion.models import PhaseDifferences, Repetition, RushFlag, TempoAdherence

__all__ = ["RUSH_MIN_PRESCRIBED_S", "RUSH_RATIO", "tempo_adherence"]

# A phase is "rushed" when it takes less than half its prescribed time; phases prescribed
# shorter than 1 s are not judged (a 0.5 s difference there is within measurement error).
RUSH_RATIO = 0.5
RUSH_MIN_PRESCRIBED_S = 1.0

_Phase = Literal["eccentric", "bottom_pause", "concentric", "top_pause"]
_PHASES: tuple[tuple[_Phase, str, str], ...] = (
    ("eccentric", "eccentric_s", "eccentric_s"),
    ("bottom_pause", "bottom_pause_s", "bottom_pause_s"),
    ("concentric", "concentric_s", "concentric_s"),
    ("top_pause", "top_pause_s", "top_squeeze_s"),
)


def tempo_adherence(reps: Sequence[Repetition], tempo: Tempo) -> TempoAdherence:
    """Score how closely full repetitions followed ``tempo``.

    Each repetition scores ``1 - sum(|measured - prescribed|) / max(tempo.rep_s, 1 s)``, floored
    at 0; the set's score is the mean over full repetitions (partial ones are left out).

    Parameters
    ----------
    reps : sequence of Repetition
        The measured repetitions.
    tempo : Tempo
        The prescription (eccentric - bottom pause - concentric - top squeeze).

    Returns
    -------
    TempoAdherence
        Score 0-1, per-rep scores, mean per-phase differences and rushed phases.

    Examples
    --------
    >>> rep = Repetition(index=1, start_s=0, end_s=6, eccentric_s=3, bottom_pause_s=1,
    ...                  concentric_s=1, top_pause_s=1, partial=False, range_ratio=1.0)
    >>> tempo_adherence([rep], Tempo.parse("3-1-1-1")).score
    1.0
    """
    full = [r for r in reps if not r.partial]
    scale_s = max(tempo.rep_s, 1.0)
    rep_scores: list[float] = []
    sums = {name: 0.0 for name, _, _ in _PHASES}
    rushed: list[RushFlag] = []
    rushed_reps: dict[str, set[int]] = {name: set() for name, _, _ in _PHASES}
    for rep in full:
        total = 0.0
        for name, rep_attr, tempo_attr in _PHASES:
            measured = float(getattr(rep, rep_attr))
            prescribed = float(getattr(tempo, tempo_attr))
            diff = measured - prescribed
            sums[name] += diff
            total += abs(diff)
            if prescribed >= RUSH_MIN_PRESCRIBED_S and measured < RUSH_RATIO * prescribed:
                rushed.append(
                    RushFlag(
                        rep_index=rep.index,
                        phase=name,
                        measured_s=round(measured, 3),
                        prescribed_s=prescribed,
                    )
                )
                rushed_reps[name].add(rep.index)
        rep_scores.append(round(max(0.0, 1.0 - total / scale_s), 4))
    n = len(full)
    means = {name: (sums[name] / n if n else 0.0) for name in sums}
    rushing = n > 0 and any(len(s) >= n / 2 for s in rushed_reps.values())
    return TempoAdherence(
        prescribed=tempo,
        score=round(sum(rep_scores) / n, 4) if n else 0.0,
        rep_scores=rep_scores,
        differences=PhaseDifferences(
            eccentric_s=round(means["eccentric"], 3),
            bottom_pause_s=round(means["bottom_pause"], 3),
            concentric_s=round(means["concentric"], 3),
            top_pause_s=round(means["top_pause"], 3),
        ),
        rushed=rushed,
        rushing=rushing,
    )
