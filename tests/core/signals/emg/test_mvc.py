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
