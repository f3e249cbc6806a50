"""Today's readiness check: train, a light day, a flexing drill, or rest.

Each scale is turned into 0 (worst) .. 1 (best): ``(x - 1) / 4`` for sleep, energy and focus,
``(5 - x) / 4`` for stress. The readiness score is their mean. The decision:

========================  ==========
score                     decision
========================  ==========
>= 0.5                    ``train``
0.35 .. < 0.5             ``light``
0.2 .. < 0.35             ``drill``
< 0.2                     ``rest``
========================  ==========

Caps on top of the score: one scale at its worst (sleep 1, energy 1, focus 1 or stress 5) allows
at most ``light``; two or more at their worst allow at most ``drill``. So very poor readiness always
gives ``drill`` or ``rest``. Soreness (0-3 per muscle) does not change the decision; the plan skips
exercises for a muscle at 3 and makes those for a muscle at 2 light.
"""

from __future__ import annotations

from typing import Literal

from mindmuscle.coach.models import Readiness, ReadinessDecision
from mindmuscle.errors import InvalidInputError

__all__ = [
    "IMAGERY_PRACTICE",
    "READINESS_THRESHOLDS",
    "assess_readiness",
    "check_soreness",
    "readiness_score",
]

Decision = Literal["train", "light", "drill", "rest"]

#: Lowest score for each decision, best first.
READINESS_THRESHOLDS: tuple[tuple[Decision, float], ...] = (
    ("train", 0.5),
    ("light", 0.35),
    ("drill", 0.2),
    ("rest", 0.0),
)
_ORDER: tuple[Decision, ...] = ("train", "light", "drill", "rest")

IMAGERY_PRACTICE = (
    "Optional, as an adjunct to training and never a substitute for it: lie down, close your "
    "eyes and imagine five slow repetitions of one exercise you know well. Feel the target muscle "
    "shorten, squeeze at the top for two seconds, lengthen slowly. Rest a minute; repeat three "
    "rounds."
)


def check_soreness(soreness: dict[str, int]) -> None:
    """Raise :class:`~mindmuscle.errors.InvalidInputError` unless every soreness is 0-3.

    Parameters
    ----------
    soreness : dict of str to int
        Muscle id -> 0 (none) .. 3 (very sore).

    Raises
    ------
    InvalidInputError
        When a value is outside 0-3.

    Examples
    --------
    >>> check_soreness({"quadriceps": 2})
    """
    for muscle_id, value in soreness.items():
        if not 0 <= value <= 3:
            raise InvalidInputError(
                f"Soreness for {muscle_id!r} is {value}: allowed values are 0 (none), 1, 2 "
                "and 3 (very sore)."
            )


def readiness_score(readiness: Readiness) -> float:
    """The readiness score: 0 (not ready) .. 1 (fully ready).

    Parameters
    ----------
    readiness : Readiness
        Sleep, energy and focus 1 (very poor) .. 5 (very good); stress 1 (calm) .. 5.

    Returns
    -------
    float
        The mean of the four scales, each mapped to 0 (worst) .. 1 (best).

    Examples
    --------
    >>> readiness_score(Readiness(sleep=5, energy=5, stress=1, focus=5))
    1.0
    >>> readiness_score(Readiness(sleep=3, energy=3, stress=3, focus=3))
    0.5
    """
    parts = (
        (readiness.sleep - 1) / 4,
        (readiness.energy - 1) / 4,
        (5 - readiness.stress) / 4,
        (readiness.focus - 1) / 4,
    )
    return sum(parts) / len(parts)


def _worst(readiness: Readiness) -> list[str]:
    worst = []
    if readiness.sleep == 1:
        worst.append("sleep 1/5")
    if readiness.energy == 1:
        worst.append("energy 1/5")
    if readiness.stress == 5:
        worst.append("stress 5/5")
    if readiness.focus == 1:
        worst.append("focus 1/5")
    return worst


def assess_readiness(readiness: Readiness) -> ReadinessDecision:
    """Decide today's session from the readiness check.

    Parameters
    ----------
    readiness : Readiness
        Today's check (see the module docstring for the scales and thresholds).

    Returns
    -------
    ReadinessDecision
        ``train``, ``light`` (one set fewer, about 10% lighter), ``drill`` (the flexing drill
        only) or ``rest`` (with an optional motor-imagery practice, labelled as an adjunct: rule
        14, ranganathan2004), with the score and the reason.

    Raises
    ------
    InvalidInputError
        When a soreness value is outside 0-3.

    Examples
    --------
    >>> assess_readiness(Readiness(sleep=1, energy=1, stress=5, focus=1)).decision
    'rest'
    >>> assess_readiness(Readiness(sleep=4, energy=4, stress=2, focus=4)).decision
    'train'
    """
    check_soreness(readiness.soreness)
    score = readiness_score(readiness)
    decision: Decision = next(d for d, low in READINESS_THRESHOLDS if score >= low)
    worst = _worst(readiness)
    cap: Decision | None = None
    if len(worst) >= 2:
        cap = "drill"
    elif len(worst) == 1:
        cap = "light"
    if cap is not None and _ORDER.index(decision) < _ORDER.index(cap):
        decision = cap
    scales = (
        f"sleep {readiness.sleep}/5, energy {readiness.energy}/5, stress {readiness.stress}/5, "
        f"focus {readiness.focus}/5 (readiness {score:.2f} of 1)"
    )
    capped = f"; {' and '.join(worst)} at the worst end" if worst else ""
    sore = sorted(m for m, v in readiness.soreness.items() if v >= 2)
    sore_note = (
        f" Sore today: {', '.join(sore)}; their exercises are lighter (2) or skipped (3)."
        if sore
        else ""
    )
    if decision == "train":
        return ReadinessDecision(
            decision="train",
            score=score,
            reason=f"Ready to train: {scales}.{sore_note}",
        )
    if decision == "light":
        return ReadinessDecision(
            decision="light",
            score=score,
            reason=(
                f"A light day: {scales}{capped}. One set fewer per exercise and about 10% lighter; "
                f"the cues and tempo stay the same.{sore_note}"
            ),
        )
    if decision == "drill":
        return ReadinessDecision(
            decision="drill",
            score=score,
            reason=(
                f"Drill only today: {scales}{capped}. A 10-minute flexing drill without weights "
                "keeps the practice going without loading a tired body."
            ),
        )
    return ReadinessDecision(
        decision="rest",
        score=score,
        reason=(
            f"Rest today: {scales}{capped}. It is fine to rest when body and mind are not "
            "there. Motor imagery is offered as an optional adjunct, never as a substitute for "
            "training (rule 14)."
        ),
        evidence=["ranganathan2004"],
        imagery=IMAGERY_PRACTICE,
    )
