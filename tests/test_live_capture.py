"""The guided session's capture of a live stream: only the samples between a set's start and
its done, named by their muscles, and a stream lost mid-set said in words."""

from __future__ import annotations

import time

import numpy as np

from mindmuscle.errors import StreamError
from mindmuscle.io.live import Chunk
from mindmuscle.io.live.synthetic import SyntheticSource
from mindmuscle.services.live_capture import SetCapture


def test_only_the_set_is_kept_with_its_timestamps_and_muscles() -> None:
    source = SyntheticSource(sfreq_hz=1000.0)
    capture = SetCapture(source, [(0, "biceps"), (2, "front_delt")])
    try:
        time.sleep(1.5)  # before the set: read and dropped
        capture.start()
        time.sleep(1.5)
        taken = capture.stop()
    finally:
        capture.close()
    assert taken.problem == ""
    rec, ts = taken.recording, taken.timestamps
    assert rec is not None and ts is not None
    assert rec.channels == ("biceps", "front_delt") and rec.units == ("mV", "mV")
    assert rec.sfreq_hz == 1000.0
    # About 1.5 s of consecutive samples (the thread wakes every 10 ms chunk; a loaded machine
    # may shift start and stop a little), never the 1.5 s before the set (3 s or more).
    assert 1.0 <= rec.duration_s <= 2.6
    assert np.allclose(np.diff(ts), 1e-3)


class _Dying:
    """A source that sends 1.2 s of samples, then is lost."""

    def __init__(self) -> None:
        self.description = "dying"
        self.sfreq_hz = 1000.0
        self.labels = ["EMG1"]
        self.unit = "uV"
        self.sent = 0

    def read(self, timeout_s: float) -> Chunk:
        if self.sent >= 1200:
            raise StreamError("the LSL stream was lost (its sending app stopped)")
        time.sleep(0.01)
        idx = np.arange(self.sent, self.sent + 100)
        self.sent += 100
        return Chunk(np.sin(idx / 7.0)[None, :], idx / 1000.0)

    def local_clock(self) -> float:
        return time.monotonic()

    def close(self) -> None:
        return None


def test_a_stream_lost_mid_set_is_said_and_what_came_is_kept() -> None:
    capture = SetCapture(_Dying(), [(0, "biceps")])
    capture.start()
    deadline = time.monotonic() + 5
    while not capture.lost and time.monotonic() < deadline:
        time.sleep(0.02)
    taken = capture.stop()
    capture.close()
    assert taken.recording is not None and taken.recording.n_samples == 1200
    assert taken.problem == (
        "the stream was lost during the set (the LSL stream was lost (its sending app "
        "stopped)): kept what came before"
    )
    # The next set gets nothing, and says why.
    capture.start()
    later = capture.stop()
    assert later.recording is None
    assert later.problem == (
        "no EMG for this set: the stream was lost (the LSL stream was lost (its sending app "
        "stopped))"
    )
