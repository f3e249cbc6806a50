"""Calibrating %MVC on a stream with a gap: the simulated source the calibration tests play,
with the samples of a stretch never arriving (a sensor that paused, a radio that dropped
them), so the timestamps jump over it. No 1-second window joins the samples either side, the
gaps during the contractions are counted, and too little continuous signal is refused."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from mindmuscle.errors import InvalidSignalError
from mindmuscle.io.live import Chunk
from mindmuscle.io.live.synthetic import SyntheticSource
from mindmuscle.services.live import CalibrationRun, run_calibration
from mindmuscle.signals.emg.simulate import simulate_emg

FS = 1000.0
# The protocol with 2 s rests: contractions at 3-8, 10-15 and 17-22 s (plus the 10 ms chunk
# the source waits for); the lifter gives 80 %, 100 % and 90 % of their maximum.
CONTRACTIONS = [(3.0, 8.0), (10.0, 15.0), (17.0, 22.0)]


class VirtualClock:
    """Time that moves only when someone sleeps: a 24-second protocol runs in a moment."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 1e-4)


class GappySource:
    """A :class:`SyntheticSource` whose samples in each (from_s, to_s) of ``gaps`` (stream
    time) never come: the chunks skip them and the next sample's timestamp is its own."""

    def __init__(self, source: SyntheticSource, gaps: list[tuple[float, float]]) -> None:
        self._source = source
        self._t0 = source.local_clock()
        self._gaps = gaps
        self.sfreq_hz, self.labels, self.unit = source.sfreq_hz, source.labels, source.unit
        self.description = source.description

    def read(self, timeout_s: float) -> Chunk:
        chunk = self._source.read(timeout_s)
        index = np.round((chunk.timestamps - self._t0) * self.sfreq_hz)
        keep = np.ones(index.size, dtype=bool)
        for a, b in self._gaps:
            keep &= (index < round(a * self.sfreq_hz)) | (index >= round(b * self.sfreq_hz))
        return Chunk(np.ascontiguousarray(chunk.data[:, keep]), chunk.timestamps[keep])

    def local_clock(self) -> float:
        return self._source.local_clock()

    def close(self) -> None:
        self._source.close()


def _calibrate(gaps: list[tuple[float, float]]) -> CalibrationRun:
    x = simulate_emg(
        24.0, FS, CONTRACTIONS, amplitudes=[0.8, 1.0, 0.9], rng=np.random.default_rng(11)
    )
    clock = VirtualClock()
    source = SyntheticSource(data=x[None, :], loop=False, clock=clock, sleep=clock.sleep)
    return run_calibration(GappySource(source, gaps), "1=biceps", rest_s=2.0, clock=clock)


def test_a_gap_through_the_strongest_contraction_leaves_it_out() -> None:
    steady = _calibrate([])
    [whole] = steady.results
    assert (whole.trial, steady.gaps, steady.missing_s) == (2, 0, 0.0)
    # 2.4 s lost in the strongest contraction (10-15 s): 0.7 s before the gap after the
    # reaction time, 0.9 s after it once the envelope has settled; neither holds a second.
    # Joined over the gap, its samples made the best second; now the 90 % one does.
    run = _calibrate([(11.2, 13.6)])
    [cal] = run.results
    assert (cal.trial, run.gaps, run.missing_s) == (3, 1, 2.4)
    assert 0.5 <= cal.window_start_s <= 4.0
    assert cal.level / whole.level == pytest.approx(0.9, abs=0.05)


def test_a_window_after_a_gap_starts_at_its_time() -> None:
    # 0.4 s lost early in the strongest contraction: it still makes the best second, from
    # half a second after the gap on (11.5 s, 1.5 s into it, counting the 0.4 s it lacks).
    run = _calibrate([(10.6, 11.0)])
    [cal] = run.results
    assert (cal.trial, run.gaps, run.missing_s) == (2, 1, 0.4)
    assert 1.5 <= cal.window_start_s <= 4.0


def test_gaps_in_every_contraction_are_refused_in_one_line() -> None:
    with pytest.raises(InvalidSignalError) as refused:
        _calibrate([(4.2, 6.6), (11.2, 13.6), (18.2, 20.6), (8.5, 9.0)])
    assert str(refused.value) == (
        "No contraction of the calibration holds a 1-second window of continuous signal (the "
        "stream had 3 gaps during them, 7.20 s of signal missing): check that the stream runs "
        "steadily and the electrodes are on, then calibrate again."
    )


def test_the_terminal_says_how_many_gaps_and_how_long(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mindmuscle.io.live as live_io
    import mindmuscle.services.live as live_service
    from mindmuscle.cli import app

    clock = VirtualClock()
    x = simulate_emg(12.0, FS, [(3.0, 10.0)], amplitudes=[1.0], rng=np.random.default_rng(5))
    source = SyntheticSource(data=x[None, :], loop=False, clock=clock, sleep=clock.sleep)
    monkeypatch.setattr(live_io, "open_source", lambda spec: GappySource(source, [(6.0, 6.75)]))
    real = live_service.run_calibration  # the real protocol, on the virtual clock
    monkeypatch.setattr(
        live_service, "run_calibration", lambda *a, **kw: real(*a, **kw, clock=clock)
    )
    db = str(tmp_path / "m.db")
    result = CliRunner().invoke(
        app,
        ["live", "calibrate", "--source", "synthetic", "--map", "1=biceps", "--trials", "1",
         "--contraction-s", "7", "--rest-s", "0", "--db", db],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[-2] == (
        "The stream had 1 gap during the contractions (0.75 s of signal missing): no 1-second "
        "window spans a gap."
    )
    assert lines[-1].startswith("biceps: MVC ") and lines[-1].endswith("stored.")
