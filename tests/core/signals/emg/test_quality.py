"""Signal quality (signals/emg/quality.py): each problem flagged, a clean channel passed."""

from __future__ import annotations

import numpy as np
import pytest

from mindmuscle.signals.emg import (
    EmgRecording,
    analyze_emg,
    simulate_set,
)

FS = 2000.0


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


def test_a_rate_too_low_for_surface_emg_is_flagged_and_a_motion_sensors_rate_asked_about() -> None:
    from mindmuscle.signals.emg.quality import assess_quality

    rng = np.random.default_rng(1)
    for fs, hint in ((100.0, True), (250.0, False), (500.0, None)):
        x = 0.3 * rng.standard_normal((1, int(20 * fs)))
        [q] = assess_quality(x, fs, np.abs(x), ("mV",))
        rate_issues = [i for i in q.issues if i.startswith("sampled at")]
        if hint is None:  # 500 Hz and above: not flagged
            assert not q.low_rate and rate_issues == []
            continue
        assert q.low_rate
        assert rate_issues == [
            f"sampled at {fs:g} Hz: surface EMG reaches 450 Hz and needs 1000 Hz or more, so "
            f"everything above {fs / 2:g} Hz is lost and the frequency features are not "
            "comparable" + (" (a motion sensor's rate: is this an EMG file?)" if hint else "")
        ]


def test_an_amplitude_beyond_surface_emg_in_its_unit_is_flagged() -> None:
    from mindmuscle.signals.emg.quality import MAX_RMS_MV, assess_quality

    rng = np.random.default_rng(2)
    # Raw 12-bit converter counts about 2048, swinging by an RMS of 23.5: as "mV" that is 23.5 mV.
    counts = 2048.0 + 23.5 * rng.standard_normal((1, 20_000))
    [q] = assess_quality(counts, FS, np.abs(counts - 2048.0), ("mV",))
    assert q.implausible_amplitude
    [issue] = [i for i in q.issues if i.startswith("amplitude")]
    # The RMS is measured on the segments the spectral checks draw: within 2% of the whole's.
    said = float(issue.removeprefix("amplitude: RMS ").split(" mV")[0])
    assert said == pytest.approx(float(np.std(counts)), rel=0.02)
    assert issue == (
        f"amplitude: RMS {said:.3g} mV is beyond surface EMG (a few mV at most): raw converter "
        "counts, or a unit other than mV? give the file's unit"
    )
    # The same numbers in microvolts are 23.5 uV, a quiet muscle: nothing to flag; and a channel
    # just under the limit in volts is not flagged either.
    for data, unit in ((counts, "uV"), (0.0049 * rng.standard_normal((1, 20_000)), "V")):
        [q] = assess_quality(data, FS, np.abs(data), (unit,))
        assert not q.implausible_amplitude, unit
    assert MAX_RMS_MV == 5.0
    # Without units the amplitude is not judged.
    [q] = assess_quality(counts, FS, np.abs(counts - 2048.0))
    assert not q.implausible_amplitude
