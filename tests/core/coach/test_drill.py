"""The flexing drill (coach/drill.py): weakest muscles first, its length checked."""

from __future__ import annotations

import pytest

from mindmuscle.coach import (
    connection_map,
    drill_plan,
)
from mindmuscle.errors import InvalidInputError
from tests.factories import (
    NOW,
    make_catalog,
    rated_sessions,
)


def test_drill_plan_is_ten_minutes_weakest_first() -> None:
    cat = make_catalog()
    new = drill_plan(catalog=cat, scores={})
    assert new.total_s == 600
    assert len(new.items) == 8
    assert new.items[0].muscle_id == "biceps"
    assert new.items[0].cue == cat.muscle("biceps").flex_cue
    assert (new.items[0].flex_s, new.items[0].hold_s, new.items[0].release_s) == (2, 5, 5)
    scores = connection_map(
        rated_sessions("leg_extension", [3, 3]) + rated_sessions("dumbbell_biceps_curl", [9, 9, 9]),
        catalog=cat,
        now=NOW,
    )
    d = drill_plan(catalog=cat, scores=scores)
    assert d.items[0].muscle_id == "quadriceps"
    assert "biceps" not in [i.muscle_id for i in d.items]  # connected: after the 8 slots
    assert "quadriceps" in d.reason
    assert drill_plan(catalog=cat, scores={}, minutes=5).total_s == 300


def test_drill_rejects_bad_minutes() -> None:
    with pytest.raises(InvalidInputError, match="give 2-60 minutes"):
        drill_plan(catalog=make_catalog(), scores={}, minutes=1)
