"""A simulated live EMG stream with known bursts (demos, tests and benchmarks, no hardware).

Four channels at 1000 Hz, in mV, repeating a 20-second loop: five repetitions of 2 s with
1.5 s rests. ``EMG1`` is the target (0.5 mV), ``EMG2`` a synergist (0.2 mV), ``EMG3`` a
compensator that rises from 0.1 to 0.6 mV over the five repetitions (it takes over near the
end, as a tiring lifter's helpers do), ``EMG4`` the target's other side (0.45 mV).
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from mindmuscle.io.live import Chunk
from mindmuscle.signals.emg.simulate import simulate_emg

__all__ = ["SyntheticSource", "synthetic_loop"]

REP_S = 2.0
REST_S = 1.5
LEAD_S = 2.0
N_REPS = 5
CHUNK_S = 0.01


def synthetic_loop(
    sfreq_hz: float = 1000.0, *, seed: int = 0
) -> tuple[npt.NDArray[np.float64], list[tuple[float, float]]]:
    """The loop's samples, shape (4, n_samples), in mV, and the true (onset, offset) of each rep."""
    rng = np.random.default_rng(seed)
    bursts = [
        (LEAD_S + i * (REP_S + REST_S), LEAD_S + i * (REP_S + REST_S) + REP_S)
        for i in range(N_REPS)
    ]
    duration = LEAD_S + N_REPS * (REP_S + REST_S) + LEAD_S - REST_S
    amps = {
        "target": [0.5] * N_REPS,
        "synergist": [0.2] * N_REPS,
        "compensator": np.linspace(0.1, 0.6, N_REPS).tolist(),
        "other_side": [0.45] * N_REPS,
    }
    rows = [simulate_emg(duration, sfreq_hz, bursts, amplitudes=a, rng=rng) for a in amps.values()]
    return np.vstack(rows), bursts


class SyntheticSource:
    """Plays :func:`synthetic_loop` (or ``data``) in real time on ``clock``.

    Timestamps are on ``clock``; with ``loop=False`` the stream falls silent after ``data``
    (a stalled stream). A clock and sleep of one's own run a protocol faster than real time.
    """

    def __init__(
        self,
        *,
        sfreq_hz: float = 1000.0,
        seed: int = 0,
        data: npt.NDArray[np.float64] | None = None,
        labels: list[str] | None = None,
        unit: str = "mV",
        loop: bool = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if data is None:
            self._data, self.bursts = synthetic_loop(sfreq_hz, seed=seed)
        else:
            self._data, self.bursts = np.atleast_2d(np.asarray(data, dtype=np.float64)), []
        self.sfreq_hz = float(sfreq_hz)
        n = self._data.shape[0]
        self.labels = labels or [f"EMG{i + 1}" for i in range(n)]
        self.unit = unit
        self._loop = loop
        self.description = (
            f"simulated EMG ({n} channels, {sfreq_hz:g} Hz, five repetitions every "
            f"{self._data.shape[1] / sfreq_hz:g} s)"
            if data is None
            else f"simulated EMG ({n} channels, {sfreq_hz:g} Hz)"
        )
        self._clock = clock
        self._sleep = sleep
        self._t0 = clock()
        self._sent = 0
        self._chunk = max(1, round(CHUNK_S * sfreq_hz))

    def read(self, timeout_s: float) -> Chunk:
        n_loop = self._data.shape[1]
        if not self._loop and self._sent >= n_loop:
            self._sleep(timeout_s)  # the recording is over: nothing will come
            return Chunk(np.zeros((self._data.shape[0], 0)), np.zeros(0))
        due = int((self._clock() - self._t0) * self.sfreq_hz)
        if due < self._sent + self._chunk:
            # Like an amplifier's driver: a chunk every CHUNK_S, not one sample at a time.
            wait = (self._sent + self._chunk) / self.sfreq_hz - (self._clock() - self._t0)
            self._sleep(max(0.0, min(timeout_s, wait)))
            due = int((self._clock() - self._t0) * self.sfreq_hz)
        if not self._loop:
            due = min(due, n_loop)
        idx = np.arange(self._sent, max(due, self._sent))
        self._sent = max(due, self._sent)
        return Chunk(
            np.ascontiguousarray(self._data[:, idx % n_loop]),
            self._t0 + idx / self.sfreq_hz,
        )

    def local_clock(self) -> float:
        return self._clock()

    def close(self) -> None:
        return None
