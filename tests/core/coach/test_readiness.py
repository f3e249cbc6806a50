"""Readiness (coach/readiness.py): the decision of the day from four answers and soreness."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mindmuscle.coach import (
    Readiness,
    assess_readiness,
    readiness_score,
)
from mindmuscle.errors import InvalidInputError


def r(sleep: int, energy: int, stress: int, focus: int, **kw: object) -> Readiness:
    return Readiness(sleep=sleep, energy=energy, stress=stress, focus=focus, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("readiness", "decision", "score"),
    [
        (r(5, 5, 1, 5), "train", 1.0),
        (r(3, 3, 3, 3), "train", 0.5),
        (r(2, 3, 3, 3), "light", 0.4375),
        (r(5, 5, 1, 1), "light", 0.75),  # focus at its worst caps the day at light
        (r(2, 2, 4, 2), "drill", 0.25),
        (r(5, 1, 5, 5), "drill", 0.5),  # two scales at their worst cap the day at drill
        (r(1, 1, 4, 2), "rest", 0.125),
        (r(1, 1, 5, 1), "rest", 0.0),
    ],
)
def test_readiness_decisions(readiness: Readiness, decision: str, score: float) -> None:
    out = assess_readiness(readiness)
    assert out.decision == decision
    assert out.score == pytest.approx(score)
    assert readiness_score(readiness) == pytest.approx(score)
    assert out.reason


def test_rest_day_offers_imagery_as_an_adjunct() -> None:
    out = assess_readiness(r(1, 1, 5, 1))
    assert out.decision == "rest"
    assert out.evidence == ["ranganathan2004"]
    assert out.imagery is not None and "adjunct" in out.imagery
    assert "never a substitute" in out.imagery


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5), st.integers(1, 5), st.integers(1, 5), st.integers(1, 5))
def test_very_poor_readiness_gives_rest_or_drill(
    sleep: int, energy: int, stress: int, focus: int
) -> None:
    readiness = r(sleep, energy, stress, focus)
    worst = [sleep == 1, energy == 1, stress == 5, focus == 1].count(True)
    out = assess_readiness(readiness)
    if readiness_score(readiness) < 0.35 or worst >= 2:
        assert out.decision in ("rest", "drill")
    if out.decision == "train":
        assert worst == 0


def test_soreness_out_of_range_is_rejected() -> None:
    with pytest.raises(InvalidInputError, match=r"Soreness for 'quadriceps' is 4: allowed"):
        assess_readiness(r(4, 4, 2, 4, soreness={"quadriceps": 4}))
