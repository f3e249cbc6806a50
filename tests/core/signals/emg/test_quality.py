"""Signal quality (signals/emg/quality.py): each problem flagged, a clean channel passed."""

from __future__ import annotations

import numpy as np

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
