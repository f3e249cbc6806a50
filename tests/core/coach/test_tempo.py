"""Tempo (coach/tempo.py): the default tempo by mechanic and the checks of a given tempo."""

from __future__ import annotations

import pytest

from mindmuscle.catalog.models import Tempo
from mindmuscle.coach import (
    check_tempo,
    default_tempo,
)
from tests.factories import (
    make_exercise,
    squat,
)

CURL = make_exercise()


def test_default_tempo_by_mechanic() -> None:
    assert default_tempo(CURL).as_string() == "3-0-1-1"
    assert default_tempo(squat()).as_string() == "2-1-1-0"
    # a card tempo outside 0.5-8 s falls back to the mechanic default
    slow_curl = make_exercise(tempo=Tempo.parse("5-1-5-1"))
    assert default_tempo(slow_curl).as_string() == "3-0-1-1"
    slow_squat = squat(tempo=Tempo.parse("6-2-2-0"))
    assert default_tempo(slow_squat).as_string() == "2-1-1-0"
    # never a required 3-5 s eccentric
    assert default_tempo(CURL).eccentric_s <= 3 and default_tempo(squat()).eccentric_s <= 3


@pytest.mark.parametrize(
    ("tempo", "n_warnings", "match"),
    [
        ("3-0-1-1", 0, None),
        ("0.25-0-0.25-0", 0, None),  # 0.5 s: the fast end of fine
        ("4-1-3-0", 0, None),  # 8 s
        ("4-1-3-1", 0, None),  # 9 s: accepted without a warning
        ("4-1-4-1", 0, None),  # 10 s
        ("6-1-3-1", 1, "above 10 s"),
        ("0.2-0-0.2-0", 1, "below 0.5 s"),
    ],
)
def test_check_tempo(tempo: str, n_warnings: int, match: str | None) -> None:
    warnings = check_tempo(Tempo.parse(tempo))
    assert len(warnings) == n_warnings
    if match:
        assert match in warnings[0] and "schoenfeld2015" in warnings[0]


def test_check_tempo_skips_holds() -> None:
    assert check_tempo(Tempo.parse("0-10-0-5"), isometric=True) == []
