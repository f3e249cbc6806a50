"""MVC calibration: the guided protocol, the best 1-second window, and when one is stale."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from mindmuscle.errors import InvalidInputError, InvalidSignalError, OutOfRangeError
from mindmuscle.signals.emg.mvc import (
    SESSION_HOURS,
    best_mvc_window,
    calibration_flags,
    calibration_steps,
)
from mindmuscle.signals.emg.simulate import simulate_emg
from mindmuscle.signals.emg.streaming import causal_envelope


def test_the_protocol_is_three_contractions_after_rests_per_muscle() -> None:
    steps = calibration_steps(["biceps", "triceps"])
    assert [(s.kind, s.muscle, s.trial, s.seconds) for s in steps[:6]] == [
        ("rest", "biceps", 1, 3.0),
        ("contract", "biceps", 1, 5.0),
        ("rest", "biceps", 2, 30.0),
        ("contract", "biceps", 2, 5.0),
        ("rest", "biceps", 3, 30.0),
        ("contract", "biceps", 3, 5.0),
    ]
    assert len(steps) == 12 and steps[6].muscle == "triceps"


@pytest.mark.parametrize(
    ("kwargs", "phrase"),
    [
        ({"trials": 0}, "give 1 to 10"),
        ({"contraction_s": 1.0}, "give 2 to 10 s"),
        ({"rest_s": -1.0}, "give 0 to 300 s"),
    ],
)
def test_a_protocol_out_of_range_is_refused(kwargs: dict[str, float], phrase: str) -> None:
    with pytest.raises(OutOfRangeError, match=phrase) as refused:
        calibration_steps(["biceps"], **kwargs)  # type: ignore[arg-type]
    # The error names its field and value, so each channel can word it with its own names.
    assert (refused.value.field, refused.value.value) == next(iter(kwargs.items()))
    with pytest.raises(InvalidInputError, match="at least one muscle"):
        calibration_steps([])


def test_the_best_window_is_the_strongest_contraction() -> None:
    fs = 1000.0
    rng = np.random.default_rng(0)
    contractions_s = [(3.0, 8.0), (10.0, 15.0), (17.0, 22.0)]
    x = simulate_emg(23.0, fs, contractions_s, amplitudes=[0.6, 1.0, 0.8], rng=rng)
    env = causal_envelope(x[None, :], fs)[0]
    windows = [(int(a * fs), int(b * fs)) for a, b in contractions_s]
    best = best_mvc_window(env, fs, windows)
    assert best.trial == 2
    assert 0.5 <= best.start_s <= 4.0
    plateau = float(env[int(10.5 * fs) : int(14.9 * fs)].mean())
    # The best second sits above the plateau's mean (it is the maximum), by a few percent.
    assert plateau <= best.level <= 1.10 * plateau


def test_no_signal_in_the_contractions_is_an_error() -> None:
    env = np.zeros(5000)
    with pytest.raises(InvalidSignalError, match="calibrate again"):
        best_mvc_window(env, 1000.0, [(1000, 4000)])
    with pytest.raises(InvalidSignalError, match="1-second window"):
        best_mvc_window(np.ones(5000), 1000.0, [(1000, 1200)])


def test_stale_and_moved_calibrations_are_flagged() -> None:
    now = datetime(2026, 12, 7, 18, 0)
    fresh = now - timedelta(hours=SESSION_HOURS - 0.5)
    assert calibration_flags(fresh, "mid belly", now=now) == []
    assert calibration_flags(fresh, "Mid belly ", now=now, placement_now="mid belly") == []
    old = now - timedelta(hours=SESSION_HOURS + 0.5)
    assert calibration_flags(old, "", now=now) == [
        "older than this session (made 2026-12-07 13:30)"
    ]
    started = now - timedelta(minutes=20)
    assert calibration_flags(fresh, "", now=now, session_started_at=started) == [
        f"older than this session (made {fresh:%Y-%m-%d %H:%M})"
    ]
    moved = calibration_flags(fresh, "mid belly", now=now, placement_now="distal third")
    assert moved == ["electrodes moved (placed 'mid belly' at calibration, 'distal third' now)"]


def test_no_window_spans_a_gap_in_the_stream() -> None:
    # Trial 1 holds 1.0; trial 2 holds 0.5 with 2.0 from 8000 to 9400, and the stream lost
    # 250 samples before sample 8700. Joined over the gap, the best second would be 2.0 (from
    # 8000); the samples either side were not measured one period apart, so the best is the
    # second up to the gap: 300 samples at 0.5 and 700 at 2.0.
    env = np.zeros(12_000)
    env[1000:6000] = 1.0
    env[7000:11_000] = 0.5
    env[8000:9400] = 2.0
    contractions = [(1000, 6000), (7000, 11_000)]
    joined = best_mvc_window(env, 1000.0, contractions)
    assert (joined.trial, joined.start_s, joined.level) == (2, 1.0, 2.0)
    best = best_mvc_window(env, 1000.0, contractions, gaps=[(8700, 250)])
    assert (best.trial, best.start_s) == (2, 0.7)
    assert best.level == pytest.approx((300 * 0.5 + 700 * 2.0) / 1000, abs=1e-12)
    # After the gap, the half second the envelope needs is skipped as after a contraction's
    # start: the second from 9200 holds 200 samples at 2.0 and 800 at 0.5.
    after = best_mvc_window(env[:11_000], 1000.0, [(8700, 11_000)], gaps=[(8700, 250)])
    assert after.level == pytest.approx((200 * 2.0 + 800 * 0.5) / 1000, abs=1e-12)


def test_too_little_continuous_signal_is_refused_with_the_gaps() -> None:
    # 2.4 s of contraction as samples, a 0.5 s gap a second in: after the reaction time half
    # a second before the gap, and after it 0.9 s once the envelope has settled; never one
    # whole second. The gap after the contraction is no part of it.
    with pytest.raises(InvalidSignalError) as refused:
        best_mvc_window(np.ones(5000), 1000.0, [(1000, 3400)], gaps=[(2000, 500), (4000, 9)])
    assert str(refused.value) == (
        "No contraction of the calibration holds a 1-second window of continuous signal (the "
        "stream had 1 gap during them, 0.50 s of signal missing): check that the stream runs "
        "steadily and the electrodes are on, then calibrate again."
    )
