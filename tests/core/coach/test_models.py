"""The coach's models (coach/models.py): the contracts other layers fill in."""

from __future__ import annotations

from mindmuscle.coach import (
    LoggedSet,
)
from tests.factories import (
    NOW,
)


def test_logged_set_is_the_history_contract() -> None:
    s = LoggedSet(exercise_id="x", performed_at=NOW, load_kg=10, reps=5)
    assert s.set_type == "working"
