"""Motion recordings and results (signals/motion/models.py): checked and put in order."""

from __future__ import annotations

import numpy as np
import pytest

from mindmuscle.errors import InvalidSignalError
from mindmuscle.signals.motion import (
    MotionRecording,
    analyze_motion,
)


def test_recording_validation() -> None:
    with pytest.raises(InvalidSignalError, match="at least 20"):
        MotionRecording(np.arange(10) / 50.0, np.zeros((10, 3)))
    with pytest.raises(InvalidSignalError, match=r"shape \(n_samples, 3\)"):
        MotionRecording(np.arange(30) / 50.0, np.zeros((30, 2)))
    with pytest.raises(InvalidSignalError, match="NaN"):
        MotionRecording(np.arange(30) / 50.0, np.full((30, 3), np.nan))
    with pytest.raises(InvalidSignalError, match="lasts"):
        analyze_motion(
            MotionRecording(np.arange(30) / 50.0, np.random.default_rng(0).normal(9.8, 1, (30, 3)))
        )
    # Unsorted and repeated timestamps are put in order, first sample kept.
    t = np.array([0.0, 0.02, 0.01, 0.02] + [0.03 + 0.01 * i for i in range(20)])
    rec = MotionRecording(t, np.arange(t.size * 3, dtype=float).reshape(-1, 3))
    assert np.all(np.diff(rec.t_s) > 0)
    assert rec.t_s.size == t.size - 1
