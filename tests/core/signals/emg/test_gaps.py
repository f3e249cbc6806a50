"""Gaps in a stream: one count of the missing samples, a smoothing that does not hide a gap,
and samples placed at their times on the grid."""

from __future__ import annotations

import doctest

import numpy as np
import numpy.typing as npt
import pytest

import mindmuscle.signals.emg.gaps as gaps_module
from mindmuscle.signals.emg import EmgRecording
from mindmuscle.signals.emg.gaps import (
    GapClock,
    Missing,
    missing_samples,
    on_grid,
    recording_on_grid,
)

FS = 1000.0


def test_the_docstring_examples_run() -> None:
    result = doctest.testmod(gaps_module)
    assert result.attempted > 0 and result.failed == 0


def test_a_gap_lacks_one_sample_less_than_its_step_in_periods() -> None:
    ts = np.r_[np.arange(100), np.arange(600, 700), np.arange(705, 800)] / FS
    # 500 samples between 99 and 600, 5 between 699 and 705; 1-sample jitter is no gap (nor
    # are 3 missing samples at 1 kHz: a step of 4 ms is within the clock jitter allowed).
    assert missing_samples(ts, FS) == Missing(505, 2)
    assert missing_samples(ts[100:], FS, before=ts[99]) == Missing(505, 2)
    assert missing_samples(np.r_[np.arange(10), np.arange(13, 20)] / FS, FS) == Missing(0, 0)
    jitter = np.arange(100) / FS + np.tile([0.0, 0.0012], 50)
    assert missing_samples(jitter, FS) == Missing(0, 0)
    assert missing_samples(np.zeros(0), FS) == Missing(0, 0)


def _chunks(times: npt.NDArray[np.float64], size: int = 20) -> list[npt.NDArray[np.float64]]:
    return [times[i : i + size] for i in range(0, times.size, size)]


def _stamped_late(n: int, rng: np.random.Generator) -> npt.NDArray[np.float64]:
    """A chunked sender stamping each chunk when it was sent: 0-6 ms late, 20 samples each."""
    true = 100.0 + np.arange(n) / FS
    late = np.repeat(rng.uniform(0.0, 0.006, size=-(-n // 20)), 20)[:n]
    return true + late


def test_the_clock_smooths_jitter_without_a_gap_and_never_turns_back() -> None:
    rng = np.random.default_rng(0)
    raw = _stamped_late(20_000, rng)
    clock = GapClock(FS)
    out = np.concatenate([clock.stamp(c) for c in _chunks(raw)])
    steps = np.diff(out)
    assert clock.missing == 0 and missing_samples(out, FS) == Missing(0, 0)
    assert steps.min() >= 0.549 / FS and steps.max() <= 1.451 / FS
    # Within the senders' lateness (0-6 ms, 3 ms on average) of each sample's true time.
    true = 100.0 + np.arange(raw.size) / FS
    assert np.abs(out[2000:] - true[2000:] - 0.003).max() < 0.0015
    # The raw stamps would have counted gaps that are none.
    assert missing_samples(raw, FS).samples > 0


@pytest.mark.parametrize("gap", [(5000, 5500), (5003, 5010), (7777, 9777)])
def test_a_gap_starts_a_new_stretch_at_its_true_time(gap: tuple[int, int]) -> None:
    true = 100.0 + np.arange(12_000) / FS
    keep = np.ones(true.size, dtype=bool)
    keep[gap[0] : gap[1]] = False
    clock = GapClock(FS)
    out = np.concatenate([clock.stamp(c) for c in _chunks(true[keep])])
    n = gap[1] - gap[0]
    assert (clock.missing, clock.gaps) == (n, 1)
    assert missing_samples(out, FS) == Missing(n, 1)
    np.testing.assert_allclose(out, true[keep], atol=1e-9)


def test_a_gap_among_jitter_is_counted_and_the_times_after_it_are_true() -> None:
    rng = np.random.default_rng(1)
    raw = _stamped_late(12_000, rng)
    keep = np.ones(raw.size, dtype=bool)
    keep[6000:7000] = False
    clock = GapClock(FS)
    out = np.concatenate([clock.stamp(c) for c in _chunks(raw[keep])])
    # The lateness of the chunks before and after the gap differs by up to 6 ms: so may the
    # count (in samples, at 1 kHz), never by more.
    assert clock.gaps == 1 and abs(clock.missing - 1000) <= 6
    assert missing_samples(out, FS) == Missing(clock.missing, 1)
    true = 100.0 + np.arange(raw.size) / FS
    after = true[keep][6000:]
    assert np.abs(out[6000:] - after).max() < 0.008
    assert np.diff(out).min() > 0


def test_a_counter_places_its_gaps_and_arrival_jitter_makes_none() -> None:
    rng = np.random.default_rng(2)
    fs = 250.0
    true = np.arange(2500) / fs
    arrival = true + rng.uniform(0.0, 0.07, size=true.size)  # packets stamped on arrival
    keep = np.ones(true.size, dtype=bool)
    keep[[1000, 1001, 1500]] = False  # three samples the counter says were lost
    keep[2000:2300] = False  # 300 more: the 0-255 counter wraps once in them
    idx = np.flatnonzero(keep)
    lost = np.diff(idx, prepend=-1) - 1
    lost_by_counter = lost % 256
    clock = GapClock(fs, counter_wrap=256)
    out = np.concatenate(
        [
            clock.stamp(arrival[idx][i : i + 10], lost_by_counter[i : i + 10])
            for i in range(0, idx.size, 10)
        ]
    )
    assert clock.missing == 303
    assert np.diff(out).min() > 0
    # Each gap is whole periods long, where it happened (the first one at a chunk's start).
    periods = np.round(np.diff(out) * fs).astype(int)
    gaps = np.flatnonzero(periods > 1)
    assert idx[gaps + 1].tolist() == [1002, 1501, 2300]
    assert periods[gaps].tolist() == [3, 2, 301]
    # The samples after the long gap sit at their times (within the arrival jitter).
    assert np.abs(out[-200:] - true[idx][-200:] - 0.035).max() < 0.03


def test_on_grid_puts_each_sample_at_its_time_and_fills_the_gaps() -> None:
    x = np.vstack([np.arange(10.0), -np.arange(10.0)])
    ts = np.r_[np.arange(5), np.arange(8, 13)] / 100.0
    g = on_grid(x, ts, 100.0)
    assert g.filled == [(5, 3)] and g.missing == 3 and g.start == 0.0
    assert g.data.shape == (2, 13)
    np.testing.assert_allclose(g.data[0], [0, 1, 2, 3, 4, 4.25, 4.5, 4.75, 5, 6, 7, 8, 9])
    np.testing.assert_allclose(g.data[1], -g.data[0])
    same = on_grid(x, np.arange(10) / 100.0, 100.0)
    assert same.filled == [] and np.array_equal(same.data, x)
    with pytest.raises(ValueError, match="9 timestamps for 10 samples"):
        on_grid(x, ts[:9], 100.0)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("rate_hz", [997.0, 1000.0, 1003.0])
def test_chunks_up_to_50_ms_late_and_a_rate_off_by_3_per_mille_make_no_gap(
    seed: int, rate_hz: float
) -> None:
    rng = np.random.default_rng(seed)
    true = np.arange(30_000) / rate_hz
    raw = true + np.repeat(rng.uniform(0.0, 0.05, size=1500), 20)
    clock = GapClock(FS)
    out = np.concatenate([clock.stamp(c) for c in _chunks(raw)])
    assert (clock.missing, clock.gaps) == (0, 0)
    assert missing_samples(out, FS) == Missing(0, 0)


def test_a_recording_on_its_grid_keeps_its_motion_beside_the_emg() -> None:
    x = np.vstack([np.arange(300.0), 2 * np.arange(300.0)])
    rec = EmgRecording(x, 100.0, ("biceps", "triceps"), ("mV",), motion=-np.arange(300.0))
    ts = 5.0 + np.r_[np.arange(120), np.arange(170, 350)] / 100.0
    g = recording_on_grid(rec, ts)
    assert g.n_samples == 350 and g.motion is not None and g.motion.size == 350
    np.testing.assert_allclose(g.motion, -g.data[0])
    np.testing.assert_allclose(g.data[1], 2 * g.data[0])
    assert g.notes == (
        "50 samples (0.50 s) never came, from 1.20 s: nothing was measured there, and what "
        "came after is at its time",
    )
    assert recording_on_grid(rec, 5.0 + np.arange(300) / 100.0) is rec
    assert recording_on_grid(rec, None) is rec


def test_a_first_chunk_longer_than_the_smoothing_does_not_stop_the_clock() -> None:
    # A 1 kHz stream whose first pull holds 5 s of samples (a backlog), then chunks of 80:
    # weighed as more than the smoothing's 2 s, that first chunk drove the jitter below 0, and
    # then every next sample looked like a gap of no samples, forever.
    import threading

    clock = GapClock(1000.0)
    clock.stamp(np.arange(5000) / 1000.0)
    assert clock._jitter_s >= 0.0
    done: list[int] = []

    def more() -> None:
        for i in range(10):
            clock.stamp(5.0 + i * 0.08 + np.arange(80) / 1000.0)
            done.append(i)

    worker = threading.Thread(target=more, daemon=True)
    worker.start()
    worker.join(timeout=20)
    assert len(done) == 10, "stamping a chunk did not end"
    assert (clock.missing, clock.gaps) == (0, 0)
