"""The EMG pipeline (signals/emg/pipeline.py): checks of its input, the envelope against SciPy,
simulated curls counted with their onsets, MVC normalisation and per-repetition features."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import signal

from mindmuscle.errors import InvalidSignalError
from mindmuscle.signals.emg import (
    EmgRecording,
    analyze_emg,
    process_emg,
    simulate_emg,
    simulate_set,
)

FS = 2000.0


@pytest.mark.parametrize(
    ("data", "rate", "message"),
    [
        (np.zeros((1, 100)), 0.0, r"Sampling rate 0\.0 Hz is not allowed"),
        (np.zeros((1, 100)), -5, r"must be a positive number"),
        (np.zeros((1, 100)), "fast", r"is not a number"),
        (np.array([[0.0, np.nan, 1.0, 2.0]]), FS, r"NaN or infinite values.*channel 0, sample 1"),
        (np.zeros((1, 1)), FS, r"1 sample\(s\) per channel; at least 2"),
        ([np.zeros(10), np.zeros(12)], FS, r"unequal lengths \[10, 12\]"),
        (np.zeros((2, 3, 4)), FS, r"shape \(n_channels, n_samples\)"),
    ],
)
def test_bad_input_gets_clear_errors(data: object, rate: object, message: str) -> None:
    with pytest.raises(InvalidSignalError, match=message):
        process_emg(data, rate)  # type: ignore[arg-type]


def test_too_short_for_the_pipeline() -> None:
    with pytest.raises(InvalidSignalError, match=r"too short to analyse: at least 160 samples"):
        process_emg(np.zeros((1, 100)), FS)


def test_pipeline_envelope_correlates_with_the_scipy_reference() -> None:
    rng = np.random.default_rng(0)
    x, _ = simulate_set(6, FS, rng=rng)
    proc = process_emg(x[None, :], FS)
    sos = signal.butter(2, [20, 450], btype="bandpass", fs=FS, output="sos")
    ref = signal.sosfiltfilt(
        signal.butter(2, 6.0, fs=FS, output="sos"), np.abs(signal.sosfiltfilt(sos, x - x.mean()))
    )
    q = proc.decimation
    ref_blocks = ref[: proc.envelope.shape[1] * q].reshape(-1, q).mean(axis=1)
    assert np.corrcoef(ref_blocks, proc.envelope[0])[0, 1] > 0.999


def test_ten_simulated_curls_count_ten_with_onsets_within_20_ms() -> None:
    x, truth = simulate_set(10, FS, rng=np.random.default_rng(0))
    rec = EmgRecording(x[None, :], FS, ("biceps",), ("mV",))
    a = analyze_emg(rec, target="biceps").analysis
    assert a.n_reps == 10
    bursts = a.channel("biceps").bursts
    onset_err = [abs(b.onset_s - t[0]) for b, t in zip(bursts, truth, strict=True)]
    offset_err = [abs(b.offset_s - t[1]) for b, t in zip(bursts, truth, strict=True)]
    assert max(onset_err) <= 0.020
    assert max(offset_err) <= 0.020


def test_biosppy_examples_give_a_sensible_number_of_onsets(shared_data) -> None:
    # emg.txt: mostly noise (rest-to-activity contrast only ~2.4x) with two sustained
    # activations (about 36-41 s and 50-58 s) and a few brief blips; thresholds on a fixed
    # multiple of the rest SD give hundreds of onsets here. emg_1.txt: three clear
    # contractions near 1.6 s, 16 s and 26 s (plus a smaller one at 25.8 s).
    folder = shared_data / "emg" / "biosppy-examples"
    counts = {}
    for name in ("emg.txt", "emg_1.txt"):
        x = np.loadtxt(folder / name, comments="#")
        rec = EmgRecording(x[None, :], 1000.0, ("EMG",), ("mV",))
        a = analyze_emg(rec, target="EMG").analysis
        counts[name] = a.channel("EMG").bursts
    long_ones = [b for b in counts["emg.txt"] if b.offset_s - b.onset_s > 3.0]
    assert 2 <= len(counts["emg.txt"]) <= 8
    assert [(round(b.onset_s), round(b.offset_s)) for b in long_ones] == [(36, 41), (50, 58)]
    assert 3 <= len(counts["emg_1.txt"]) <= 5
    assert [round(b.onset_s) for b in counts["emg_1.txt"]][:2] == [1, 16]


def test_mvc_normalisation_ratio_and_balance() -> None:
    rng = np.random.default_rng(0)
    target, _ = simulate_set(5, FS, amplitude=0.4, rng=rng)
    helper, _ = simulate_set(5, FS, amplitude=0.2, rng=rng)
    right, _ = simulate_set(5, FS, amplitude=0.3, rng=rng)
    names = ("biceps_left", "brachialis", "biceps_right")
    rec = EmgRecording(np.stack([target, helper, right]), FS, names, ("mV",) * 3)
    # MVC: bursts of amplitude 0.8 on every channel (twice the target's set amplitude).
    mvc_x = np.stack(
        [simulate_emg(6.0, FS, [(2.0, 5.0)], amplitudes=[0.8], rng=rng) for _ in range(3)]
    )
    mvc = EmgRecording(mvc_x, FS, names, ("mV",) * 3)
    a = analyze_emg(rec, target="biceps_left", synergists=["brachialis"], mvc=mvc).analysis
    left = a.channel("biceps_left")
    assert left.normalisation == "mvc"
    assert_allclose(np.mean([r.peak_pct for r in left.reps]), 50.0, rtol=0.1)
    assert a.ratios[0].synergist == "brachialis"
    assert a.ratios[0].ratio is not None
    assert_allclose(a.ratios[0].ratio, 2.0, rtol=0.1)
    assert len(a.balance) == 1
    assert a.balance[0].muscle == "biceps"
    assert a.balance[0].left_share_pct is not None
    assert_allclose(a.balance[0].left_share_pct, 100 * 0.4 / 0.7, rtol=0.05)
    assert a.balance[0].basis == "mvc"
    no_mvc = analyze_emg(rec, target="biceps_left").analysis
    # Without a calibration: the raw amplitudes (each side's own peak would give about 50%).
    assert no_mvc.balance[0].basis == "raw"
    assert no_mvc.balance[0].left_share_pct is not None
    assert_allclose(no_mvc.balance[0].left_share_pct, 100 * 0.4 / 0.7, rtol=0.05)
    assert no_mvc.channel("biceps_left").normalisation == "task_peak"
    assert max(r.peak_pct for r in no_mvc.channel("biceps_left").reps) == pytest.approx(100.0)


def test_rep_features_match_direct_computation() -> None:
    x, _ = simulate_set(4, FS, rng=np.random.default_rng(3))
    rec = EmgRecording(x[None, :], FS, ("m",), ("mV",))
    result = analyze_emg(rec, target="m")
    filtered = result.processed.filtered[0].astype(np.float64)
    for rep in result.analysis.channel("m").reps:
        seg = filtered[round(rep.start_s * FS) : round(rep.end_s * FS)]
        assert_allclose(rep.rms, np.sqrt(np.mean(seg**2)), rtol=1e-4)
        assert_allclose(rep.iemg, np.abs(seg).sum() / FS, rtol=1e-4)
        assert rep.median_freq_hz is not None
        assert 50.0 < rep.median_freq_hz < 150.0


def test_noise_only_target_reports_no_repetitions_and_why() -> None:
    rng = np.random.default_rng(0)
    data = np.stack([0.01 * rng.standard_normal(4000), np.zeros(4000)])
    rec = EmgRecording(data, 1000.0, ("noise", "flat"), ("mV", "mV"))
    a = analyze_emg(rec, target="noise", synergists=["flat"]).analysis
    assert a.n_reps == 0
    assert a.warnings[-1] == (
        "no repetitions found on 'noise': no burst of activity stood out from rest "
        "(see the quality issues)"
    )
    assert a.ratios[0].ratio is None
    assert a.fatigue[0].n_reps == 0 and a.fatigue[0].rms_slope_pct_per_rep is None
    json_text = a.model_dump_json()
    assert '"n_reps":0' in json_text
