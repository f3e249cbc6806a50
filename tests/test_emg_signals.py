"""EMG signal processing on synthetic signals whose answers are known."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import signal

import mindmuscle.signals.emg as emg
from mindmuscle.errors import InvalidSignalError
from mindmuscle.signals.emg import (
    BandNarrowedWarning,
    BlockFilter,
    EmgRecording,
    StreamingEnvelope,
    StreamingFilter,
    analyze_emg,
    bandpass,
    causal_envelope,
    causal_filter,
    design_emg_sos,
    detect_bursts,
    linear_envelope,
    mean_median_frequency,
    moving_rms,
    notch,
    process_emg,
    rectify,
    remove_dc,
    repetitions_from_motion,
    simulate_emg,
    simulate_set,
)

FS = 2000.0


def _sine(freq_hz: float, seconds: float = 2.0, fs: float = FS) -> np.ndarray:
    t = np.arange(int(seconds * fs)) / fs
    return np.sin(2 * np.pi * freq_hz * t)


def test_public_api_is_complete() -> None:
    public = {
        name
        for name in dir(emg)
        if not name.startswith("_") and name not in {"annotations"} and not _is_module(name)
    }
    assert public == set(emg.__all__)
    assert emg.__all__ == sorted(emg.__all__)


def _is_module(name: str) -> bool:
    return type(getattr(emg, name)).__name__ == "module"


# --- filters -------------------------------------------------------------------------------------


def test_bandpass_passes_100_hz_and_removes_5_and_700_hz() -> None:
    mid = slice(1000, 3000)
    assert_allclose(bandpass(_sine(100.0), FS)[0, mid].std() * np.sqrt(2), 1.0, atol=0.02)
    assert bandpass(_sine(5.0), FS)[0, mid].std() < 0.02
    assert bandpass(_sine(700.0), FS)[0, mid].std() < 0.1


def test_bandpass_keeps_float32() -> None:
    x = _sine(100.0).astype(np.float32)
    assert bandpass(x, FS).dtype == np.float32
    assert bandpass(x.astype(np.float64), FS).dtype == np.float64


def test_cutoff_at_or_above_nyquist_is_an_error() -> None:
    with pytest.raises(InvalidSignalError, match=r"high cut-off 500.*Nyquist frequency 500"):
        bandpass(_sine(100.0, fs=1000.0), 1000.0, high_hz=500.0)
    with pytest.raises(InvalidSignalError, match=r"low cut-off 600"):
        bandpass(_sine(100.0, fs=1000.0), 1000.0, low_hz=600.0, high_hz=400.0)


def test_low_sampling_rate_narrows_the_default_band_with_a_warning() -> None:
    with pytest.warns(BandNarrowedWarning, match=r"narrowed to 20-112.5 Hz"):
        y = bandpass(_sine(50.0, fs=250.0), 250.0)
    assert y.shape == (1, 500)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        bandpass(_sine(50.0, fs=250.0), 250.0, high_hz=100.0)  # explicit edges: no warning
    with pytest.raises(InvalidSignalError, match=r"Sampling rate 80 Hz is too low for surface EMG"):
        bandpass(_sine(10.0, fs=80.0), 80.0)


def test_notch_removes_mains_and_keeps_neighbours() -> None:
    x = _sine(50.0) + _sine(80.0)
    y = notch(x, FS, 50.0)[0, 1000:3000]
    assert_allclose(y.std() * np.sqrt(2), 1.0, atol=0.05)
    with_notch = bandpass(_sine(60.0), FS, mains_hz=60.0)[0, 1000:3000]
    assert with_notch.std() < 0.05


def test_dc_rectify_envelope_rms() -> None:
    assert_allclose(remove_dc([[1.0, 2.0, 6.0]]), [[-2.0, -1.0, 3.0]])
    assert_allclose(rectify([[-1.0, 2.0]]), [[1.0, 2.0]])
    sine = _sine(100.0)
    assert_allclose(linear_envelope(sine, FS)[0, 1000:3000], 2 / np.pi, atol=0.01)
    assert_allclose(moving_rms(sine, FS, 100.0)[0, 1000:3000], 1 / np.sqrt(2), atol=1e-3)


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


def test_recording_checks_names_units_and_lengths() -> None:
    with pytest.raises(InvalidSignalError, match="2 channel names were given for 1 channels"):
        EmgRecording(np.zeros((1, 10)), FS, ("a", "b"), ("mV",))
    with pytest.raises(InvalidSignalError, match=r"Unknown EMG unit 'mA'"):
        EmgRecording(np.zeros((1, 10)), FS, ("a",), ("mA",))  # type: ignore[arg-type]
    rec = EmgRecording(np.ones((2, 10)), FS, ("a", "b"), ("µV",))  # type: ignore[arg-type]
    assert rec.units == ("uV", "uV")
    assert_allclose(rec.in_millivolts(), 1e-3)
    with pytest.raises(InvalidSignalError, match="Channel 'c' is not in this recording; its"):
        rec.index("c")


# --- causal, block and streaming filters ---------------------------------------------------------


@pytest.mark.parametrize("mains", [None, 50.0])
@pytest.mark.parametrize("n_samples", [7, 40, 1001, 20_000])
def test_block_filter_equals_the_causal_filter(mains: float | None, n_samples: int) -> None:
    rng = np.random.default_rng(0)
    x = rng.standard_normal((3, n_samples)).astype(np.float32)
    sos = design_emg_sos(FS, mains_hz=mains)
    ref = causal_filter(x.astype(np.float64), sos)
    for block_len in (1, 10, 40, 64):
        y = BlockFilter.design(sos, block_len)(x)
        assert y.dtype == np.float32
        assert_allclose(y, ref, atol=2e-5 * np.abs(ref).max())


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


# --- onsets and repetitions ----------------------------------------------------------------------


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


def test_detect_bursts_hysteresis_gap_and_duration() -> None:
    env = np.full(1000, 0.1)
    env[100:300] = 1.0
    env[300:305] = 0.15  # dip shorter than min_gap: merged
    env[305:400] = 1.0
    env[600:610] = 1.0  # 0.1 s twitch: dropped
    env[700:800] = 0.18  # rises above "off" but never reaches "on": ignored
    assert detect_bursts(env, 100.0).tolist() == [[100, 400]]
    assert detect_bursts(np.full(500, 0.3), 100.0).tolist() == []  # no contrast, no bursts
    with pytest.raises(InvalidSignalError, match="need 0 < off <= on < 1"):
        detect_bursts(env, 100.0, on_fraction=0.1, off_fraction=0.2)


def test_repetitions_from_a_motion_channel() -> None:
    motion_fs = 100.0
    t = np.arange(0, 24, 1 / motion_fs)
    angle = 60 * (1 - np.cos(2 * np.pi * t / 4.0))
    angle[t >= 20] = 0.0  # rest at the end
    x, _ = simulate_set(5, FS, rep_s=3.0, rest_s=1.0, lead_s=2.0, rng=np.random.default_rng(1))
    rec = EmgRecording(
        x[None, : int(24 * FS)], FS, ("biceps",), ("mV",), motion=angle, motion_rate_hz=motion_fs
    )
    a = analyze_emg(rec, target="biceps").analysis
    assert a.rep_source == "motion"
    assert a.n_reps == 5
    assert_allclose([r.start_s for r in a.channel("biceps").reps], [0, 4, 8, 12, 16], atol=0.06)
    assert repetitions_from_motion(np.zeros(100), 100.0).shape == (0, 2)


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


# --- features, normalisation, set summaries ------------------------------------------------------


def test_mean_and_median_frequency_of_a_sine() -> None:
    mnf, mdf = mean_median_frequency(_sine(120.0), FS, band_hz=(20.0, 450.0))
    assert_allclose([mnf[0], mdf[0]], [120.0, 120.0], atol=2.0)


def test_fatiguing_set_shows_rms_up_and_median_frequency_down() -> None:
    rng = np.random.default_rng(0)
    tired, _ = simulate_set(10, FS, fatigue=1.0, rng=rng)
    fresh, _ = simulate_set(10, FS, fatigue=0.0, rng=rng)
    rec = EmgRecording(np.stack([tired, fresh]), FS, ("tired", "fresh"), ("mV", "mV"))
    a = analyze_emg(rec, target="tired", synergists=["fresh"]).analysis
    trend = {f.channel: f for f in a.fatigue}
    assert trend["tired"].fatigue_signs
    assert trend["tired"].rms_slope_pct_per_rep is not None
    assert trend["tired"].rms_slope_pct_per_rep > 3.0  # +60 % over 9 steps, about 5 %/rep
    assert trend["tired"].median_freq_slope_pct_per_rep is not None
    assert trend["tired"].median_freq_slope_pct_per_rep < -2.0
    fresh_trend = trend["fresh"]
    assert fresh_trend.rms_slope_pct_per_rep is not None
    assert abs(fresh_trend.rms_slope_pct_per_rep) < 1.5


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
    no_mvc = analyze_emg(rec, target="biceps_left").analysis
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


# --- quality -------------------------------------------------------------------------------------


def test_quality_flags_each_problem_and_passes_a_clean_channel() -> None:
    rng = np.random.default_rng(0)
    clean, _ = simulate_set(4, FS, rng=rng)
    n = clean.size
    t = np.arange(n) / FS
    flat = np.zeros(n)
    clipped = np.clip(clean * 4, -0.5, 0.5)
    mains = clean + 0.5 * np.sin(2 * np.pi * 50 * t)
    motion = clean + 3.0 * np.sin(2 * np.pi * 2.0 * t)
    noise = 0.05 * rng.standard_normal(n)
    data = np.stack([clean, flat, clipped, mains, motion, noise])
    names = ("clean", "flat", "clipped", "mains", "motion", "noise")
    rec = EmgRecording(data, FS, names, ("mV",) * 6)
    a = analyze_emg(rec, target="clean").analysis
    q = {c.name: c.quality for c in a.channels}
    assert q["clean"].issues == []
    assert q["flat"].flat_line and q["flat"].issues[0].startswith("flat line")
    assert q["clipped"].clipping and q["clipped"].clipping_pct > 1.0
    assert q["mains"].mains_noise and q["mains"].mains_hz == 50.0
    assert q["motion"].motion_artefact and not q["motion"].mains_noise
    assert q["noise"].low_snr and q["noise"].issues == [q["noise"].issues[0]]
    flagged = {name for name, qual in q.items() if qual.issues}
    assert flagged == {"flat", "clipped", "mains", "motion", "noise"}
    # every issue is also in the analysis warnings, named by channel
    assert sum(w.startswith("flat: flat line") for w in a.warnings) == 1


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


def test_a_burst_running_to_the_end_of_the_recording() -> None:
    x = simulate_emg(6.0, FS, [(1.0, 2.5), (4.0, 6.0)], rng=np.random.default_rng(4))
    result = analyze_emg(EmgRecording(x[None, :], FS, ("m",), ("mV",)), target="m")
    reps = result.analysis.channel("m").reps
    assert len(reps) == 2
    assert reps[1].end_s == pytest.approx(6.0, abs=0.01)
    filtered = result.processed.filtered[0].astype(np.float64)
    seg = filtered[round(reps[1].start_s * FS) : round(reps[1].end_s * FS)]
    assert_allclose(reps[1].rms, np.sqrt(np.mean(seg**2)), rtol=1e-4)
    env = result.processed.envelope[0]
    start = round(reps[1].start_s * result.processed.envelope_rate_hz)
    assert reps[1].peak == pytest.approx(float(env[start:].max()), rel=1e-6)
