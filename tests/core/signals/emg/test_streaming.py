"""Streaming EMG (signals/emg/streaming.py): sample by sample, equal to the batch causal filter."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from mindmuscle.errors import InvalidSignalError
from mindmuscle.signals.emg import (
    StreamingEnvelope,
    StreamingFilter,
    causal_envelope,
    causal_filter,
    design_emg_sos,
)

FS = 2000.0


def test_streaming_output_is_identical_to_the_batch_causal_filter() -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 4000))
    sos = design_emg_sos(FS, mains_hz=50.0)
    stream = StreamingFilter(sos, 16)
    chunks = [stream.process(x[:, i : i + 40]) for i in range(0, 4000, 40)]
    assert_array_equal(np.concatenate(chunks, axis=1), causal_filter(x, sos))
    env = StreamingEnvelope(FS, 16)
    # uneven chunk sizes too
    cuts = [0, 1, 41, 100, 1999, 4000]
    parts = [env.process(x[:, a:b]) for a, b in itertools.pairwise(cuts)]
    assert_array_equal(np.concatenate(parts, axis=1), causal_envelope(x, FS))
    with pytest.raises(InvalidSignalError, match="does not fit a stream of 16 channels"):
        stream.process(x[:3, :40])
