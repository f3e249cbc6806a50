"""Live counting (signals/motion/stream.py): the stream ends with the batch answer."""

from __future__ import annotations

import numpy as np
import pytest

from mindmuscle.catalog.models import Movement, Tempo
from mindmuscle.errors import InvalidSignalError, SessionStateError
from mindmuscle.signals.motion import (
    MotionRecording,
    MotionStream,
    analyze_motion,
    simulate_set,
)


def test_streaming_ends_with_the_batch_answer() -> None:
    t = Tempo.parse("2-0-1-1")
    rec = simulate_set(reps=10, tempo=t, seed=7, rate_hz=100.0, with_gyro=True)
    stream = MotionStream(concentric=Movement.UP, tempo=t)
    live: list[int] = []
    assert rec.gyro_t_s is not None and rec.gyro_dps is not None
    for start in range(0, rec.t_s.size, 17):
        chunk_t = rec.t_s[start : start + 17]
        # Every gyroscope sample goes in exactly one chunk (the count reads the gyroscope).
        upto = rec.t_s[start + 17] if start + 17 < rec.t_s.size else np.inf
        since = -np.inf if start == 0 else chunk_t[0]
        g = (rec.gyro_t_s >= since) & (rec.gyro_t_s < upto)
        live.append(
            stream.push(chunk_t, rec.acc_ms2[start : start + 17], rec.gyro_t_s[g], rec.gyro_dps[g])
        )
    assert live == sorted(live)  # the live count never goes down
    assert stream.live_reps == 10
    final = stream.finish()
    batch = analyze_motion(
        MotionRecording(rec.t_s, rec.acc_ms2, rec.gyro_t_s, rec.gyro_dps),
        concentric=Movement.UP,
        tempo=t,
    )
    assert final.model_dump(exclude={"has_gyro"}) == batch.model_dump(exclude={"has_gyro"})
    assert final.reps == 10
    with pytest.raises(SessionStateError, match="finished"):
        stream.push(rec.t_s[:5], rec.acc_ms2[:5])


def test_stream_without_samples_refuses_to_finish() -> None:
    with pytest.raises(InvalidSignalError, match="No samples"):
        MotionStream().finish()


def test_alternating_sides_double_the_count_live_and_at_the_end() -> None:
    rec = simulate_set(reps=6, tempo=Tempo.parse("2-3-1-0"), seed=3, start_at_top=False)
    one_side = analyze_motion(rec)
    both = analyze_motion(rec, alternating=True)
    assert (one_side.reps, both.reps) == (6, 12)
    assert both.alternating and not one_side.alternating
    assert both.repetitions == one_side.repetitions
    stream = MotionStream(alternating=True)
    live = []
    for i in range(0, rec.t_s.size, 25):
        live.append(stream.push(rec.t_s[i : i + 25], rec.acc_ms2[i : i + 25]))
    assert all(n % 2 == 0 for n in live)
    assert stream.finish() == both
