"""The EMG a stored set keeps, from the analysis of its recording (pure)."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from mindmuscle.signals.emg import EmgRecording, analyze_emg
from mindmuscle.signals.emg import sets as sets_module
from mindmuscle.signals.emg.sets import (
    SetEmgFeatures,
    SetEmgMuscle,
    measured_text,
    set_emg_features,
)

FS = 2000.0
WINDOWS = [(1.0, 3.0), (4.0, 6.0), (7.0, 9.0)]


def _channel(amps: list[float], rng: np.random.Generator) -> np.ndarray:
    """A 97 Hz carrier rising over 0.2 s to each amplitude: its envelope holds 2A/pi."""
    t = np.arange(round(10.0 * FS)) / FS
    x = 0.005 * rng.standard_normal(t.size)
    for (a, b), amp in zip(WINDOWS, amps, strict=True):
        x += amp * np.clip(np.minimum(t - a, b - t) / 0.2, 0.0, 1.0) * np.sin(2 * np.pi * 97 * t)
    return x


def _analysis(levels: dict[str, float]) -> tuple[SetEmgFeatures, object]:
    rng = np.random.default_rng(3)
    data = np.stack([_channel([0.3, 0.6, 0.45], rng), _channel([0.15, 0.2, 0.15], rng)])
    rec = EmgRecording(data, FS, ("biceps", "front_delt"), ("mV", "mV"))
    analysis = analyze_emg(
        rec, target="biceps", synergists=["front_delt"], mvc_levels=levels
    ).analysis
    roles = {"biceps": "target", "front_delt": "compensator"}
    return set_emg_features(analysis, roles), analysis  # type: ignore[arg-type]


def test_calibrated_muscles_read_in_pct_mvc_within_2_percent_and_onsets_within_20_ms() -> None:
    level = 2.0 / np.pi  # the envelope of amplitude 1: 100 %MVC
    f, _ = _analysis({"biceps": level, "front_delt": level})
    biceps = f.muscle("biceps")
    assert biceps.basis == "pct_mvc" and biceps.reference == pytest.approx(level, rel=1e-5)
    assert [r.peak_pct for r in biceps.reps] == pytest.approx([30.0, 60.0, 45.0], rel=0.02)
    assert [r.onset_s for r in biceps.reps] == pytest.approx([1.0, 4.0, 7.0], abs=0.02)
    assert biceps.peak_pct == max(r.peak_pct for r in biceps.reps)
    assert f.peak_pct_mvc == biceps.peak_pct
    [ratio] = f.ratios
    assert (ratio.kind, ratio.note) == ("compensator", "")
    assert ratio.value == pytest.approx(0.45 / (0.5 / 3), rel=0.02)  # mean 45 vs mean 16.7 %MVC
    assert measured_text(f) == f"{biceps.peak_pct:.0f}% MVC"


def test_without_a_calibration_values_are_pct_of_the_sets_peak_and_no_ratio_is_made_up() -> None:
    f, _ = _analysis({"biceps": 2.0 / np.pi})
    delt = f.muscle("front_delt")
    assert delt.basis == "pct_set_peak"
    assert max(r.peak_pct for r in delt.reps) == pytest.approx(100.0, abs=0.01)
    [ratio] = f.ratios
    assert (ratio.value, ratio.note) == (None, "needs a calibration of both muscles")

    plain, _ = _analysis({})
    assert plain.peak_pct_mvc is None
    mean = plain.muscle("biceps").mean_pct
    assert mean is not None and mean < 100
    assert measured_text(plain) == f"{mean:.0f}% of this set's peak"


def test_a_set_without_repetitions_says_so() -> None:
    m = SetEmgMuscle(
        muscle="biceps",
        channel="biceps",
        role="target",
        unit="mV",
        basis="pct_mvc",
        reference=1.0,
        peak_pct=None,
        mean_pct=None,
        bursts=[],
        reps=[],
    )
    f = SetEmgFeatures(
        target="biceps",
        n_reps=0,
        sfreq_hz=FS,
        duration_s=3.0,
        muscles=[m],
        ratios=[],
        peak_pct_mvc=None,
    )
    assert measured_text(f) == "no repetition found in the EMG"


def test_docstring_examples_run() -> None:
    result = doctest.testmod(sets_module)
    assert result.attempted > 0 and result.failed == 0
