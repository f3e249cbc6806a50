"""EMG features (signals/emg/features.py): mean and median frequency of a sine, fatigue in a
simulated set, and the numbers other people published (../shared/data/emg)."""

from __future__ import annotations

import csv
from collections import defaultdict

import numpy as np
import pytest
import scipy.io
from numpy.testing import assert_allclose

from mindmuscle.signals.emg import (
    EmgRecording,
    analyze_emg,
    fatigue_slopes,
    mean_median_frequency,
    reference_window_features,
    simulate_set,
)

FS = 2000.0


def _sine(freq_hz: float, seconds: float = 2.0, fs: float = FS) -> np.ndarray:
    t = np.arange(int(seconds * fs)) / fs
    return np.sin(2 * np.pi * freq_hz * t)


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


FEATURES = ("rms_mV", "mean_amp_mV", "max_amp_mV", "mean_freq_Hz", "median_freq_Hz")


def _roshni(shared_data):
    folder = shared_data / "emg" / "roshni-biceps-curl"
    with (folder / "curl_windows.csv").open(newline="") as f:
        windows = list(csv.DictReader(f))
    with (folder / "reference_features.csv").open(newline="") as f:
        reference = list(csv.DictReader(f))
    assert len(windows) == len(reference) == 36
    signals: dict[str, np.ndarray] = {}
    rows = []
    for win, ref in zip(windows, reference, strict=True):
        key = ("arm", "electrode", "curl")
        assert [win[k] for k in key] == [ref[k] for k in key]
        if win["file"] not in signals:
            signals[win["file"]] = scipy.io.loadmat(folder / win["file"])["signal"][:, 0]
        got = reference_window_features(
            signals[win["file"]], 10_000.0, float(win["start_s"]), float(win["end_s"])
        )
        ours = dict(
            zip(
                FEATURES,
                (got.rms, got.mean_amp, got.max_amp, got.mean_freq_hz, got.median_freq_hz),
                strict=True,
            )
        )
        rows.append((win, ref, ours))
    return rows


@pytest.fixture(scope="module")
def roshni(shared_data):
    return _roshni(shared_data)


def test_roshni_features_reproduced_within_half_a_percent(roshni) -> None:
    worst = dict.fromkeys(FEATURES, 0.0)
    for win, ref, ours in roshni:
        copy_error = (win["file"], win["curl"]) == ("mat/right_small_2cm.mat", "2")
        for name in FEATURES:
            if copy_error and name == "mean_freq_Hz":
                continue  # see the next test
            rel = abs(ours[name] - float(ref[name])) / abs(float(ref[name]))
            worst[name] = max(worst[name], rel)
    assert max(worst.values()) < 0.005
    # In fact much closer: 0.06 % for the smoothed mean amplitude, 0.05 % elsewhere.
    assert worst["mean_amp_mV"] < 6e-4
    assert max(worst[n] for n in FEATURES if n != "mean_amp_mV") < 5e-4


def test_roshni_upstream_copy_error_is_found(roshni) -> None:
    # NOTES.md: the spreadsheet repeats curl 1's mean frequency (54.255 Hz) for
    # right/ESVI/2 cm curl 2; the signal gives 57.855 Hz.
    by_key = {(w["file"], w["curl"]): (ref, ours) for w, ref, ours in roshni}
    ref1, _ = by_key[("mat/right_small_2cm.mat", "1")]
    ref2, ours2 = by_key[("mat/right_small_2cm.mat", "2")]
    assert ref2["mean_freq_Hz"] == ref1["mean_freq_Hz"]
    assert ours2["mean_freq_Hz"] == pytest.approx(57.855, abs=0.001)


def test_roshni_medtronic_2cm_outliers_are_tiny_but_still_match(roshni) -> None:
    # The Medtronic ("big") 2 cm recordings are 30-90x smaller than the rest (a different gain
    # or a bad contact); the author's method still gives the author's numbers on them.
    outliers = [
        ours
        for w, _, ours in roshni
        if w["electrode"] == "Medtronic" and w["electrode_distance_cm"] == "2.0"
    ]
    others = [
        ours
        for w, _, ours in roshni
        if not (w["electrode"] == "Medtronic" and w["electrode_distance_cm"] == "2.0")
    ]
    assert len(outliers) == 6
    assert max(o["rms_mV"] for o in outliers) < 0.002
    assert min(o["rms_mV"] for o in others) > 0.02


def test_fatigue_dataset_median_frequency_falls_in_most_sets(shared_data) -> None:
    # The raw signals are not published, so the trend is checked on the authors' per-rep
    # features: median frequency falls in 23 of 32 curl-to-failure sets (one-sided sign test
    # p = 0.01), significantly (p < 0.05) in 17 and rises significantly in only 2; RMS rises
    # in only 15. Both move the fatigue way, one of them significantly, in 9 sets.
    path = shared_data / "emg" / "fatigue-biceps-features" / "master_df.csv"
    with path.open(newline="") as f:
        sets: dict[str, list[dict[str, str]]] = defaultdict(list)
        for row in csv.DictReader(f):
            sets[row["file_id"]].append(row)
    assert len(sets) == 32
    mdf_down = mdf_down_sig = mdf_up_sig = rms_up = both = 0
    for reps in sets.values():
        reps.sort(key=lambda r: int(r["rep"]))
        trend = fatigue_slopes([float(r["rms"]) for r in reps], [float(r["mdf"]) for r in reps])
        falling = trend.median_freq_slope_hz_per_rep < 0
        mdf_down += falling
        mdf_down_sig += falling and trend.median_freq_slope_p < 0.05
        mdf_up_sig += (not falling) and trend.median_freq_slope_p < 0.05
        rms_up += trend.rms_slope_pct_per_rep > 0
        both += trend.fatigue_signs
    assert (mdf_down, mdf_down_sig, mdf_up_sig, rms_up, both) == (23, 17, 2, 15, 9)
