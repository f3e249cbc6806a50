"""The coach's models (coach/models.py): the contracts other layers fill in."""

from __future__ import annotations

import pytest

from mindmuscle.coach import (
    LoggedSet,
)
from tests.factories import (
    NOW,
)


def test_logged_set_is_the_history_contract() -> None:
    s = LoggedSet(exercise_id="x", performed_at=NOW, load_kg=10, reps=5)
    assert s.set_type == "working"


def test_a_dumbbell_step_larger_than_the_rack_is_refused() -> None:
    from pydantic import ValidationError

    from mindmuscle.coach.models import EquipmentProfile

    with pytest.raises(ValidationError, match=r"dumbbell step \(30 kg\) is larger than the rack"):
        EquipmentProfile(dumbbell_min=2, dumbbell_max=10, dumbbell_step=30)
    # A step as large as the rack, or a single pair of dumbbells, can be planned.
    assert EquipmentProfile(dumbbell_min=2, dumbbell_max=10, dumbbell_step=8).dumbbell_step == 8
    assert EquipmentProfile(dumbbell_min=10, dumbbell_max=10, dumbbell_step=30).dumbbell_max == 10
