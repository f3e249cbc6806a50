"""Simulated motion (signals/motion/synthetic.py): rotations are rotations, positions follow the
tempo."""

from __future__ import annotations

import numpy as np
import pytest

from mindmuscle.catalog.models import Tempo
from mindmuscle.signals.motion.synthetic import (
    random_rotation,
    simulate_position,
)


def test_random_rotation_is_a_rotation() -> None:
    rot = random_rotation(np.random.default_rng(0))
    np.testing.assert_allclose(rot @ rot.T, np.eye(3), atol=1e-12)
    assert np.linalg.det(rot) == pytest.approx(1.0)


def test_simulated_position_has_the_tempo() -> None:
    z = simulate_position(
        reps=3, tempo=Tempo.parse("2-1-1-1"), rate_hz=10.0, idle_before_s=3.0, idle_after_s=3.0
    )
    # 1.5 s still + 1 s unrack + 0.5 s still, 3 x 5 s of repetitions, the same after.
    assert z.size == 30 + 3 * 50 + 30
    assert z.max() == pytest.approx(0.4)
