"""An EMG recording (signals/emg/recording.py): names, units and lengths checked."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose

from mindmuscle.errors import InvalidSignalError
from mindmuscle.signals.emg import (
    EmgRecording,
)

FS = 2000.0


def test_recording_checks_names_units_and_lengths() -> None:
    with pytest.raises(InvalidSignalError, match="2 channel names were given for 1 channels"):
        EmgRecording(np.zeros((1, 10)), FS, ("a", "b"), ("mV",))
    with pytest.raises(InvalidSignalError, match=r"Unknown EMG unit 'mA'"):
        EmgRecording(np.zeros((1, 10)), FS, ("a",), ("mA",))  # type: ignore[arg-type]
    rec = EmgRecording(np.ones((2, 10)), FS, ("a", "b"), ("µV",))  # type: ignore[arg-type]
    assert rec.units == ("uV", "uV")
    assert_allclose(rec.in_millivolts(), 1e-3)
    with pytest.raises(InvalidSignalError, match="Channel 'c' is not in this recording; its"):
        rec.index("c")
