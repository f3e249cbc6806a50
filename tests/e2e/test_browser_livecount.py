"""The phone's live repetition count (static/js/livecount.js) is the same algorithm as
MotionStream's live count: fed the same samples in the same batches, both give the same count
after every batch, on simulated sets and on real wrist recordings."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from mindmuscle.catalog.models import Tempo
from mindmuscle.io.motion import read_metamotion, read_muvr_csv
from mindmuscle.signals.motion import MotionRecording, MotionStream, simulate_set
from tests.e2e.conftest import Server

pytestmark = pytest.mark.browser

UPDATE_S = 0.5  # LIVE_UPDATE_S in livecount.js and _LIVE_UPDATE_S in stream.py

RUN_IN_BROWSER = """
async ({ samples, sides }) => {
  const m = await import("/static/js/livecount.js");
  const counter = new m.LiveRepCounter({ sides });
  const counts = samples.map(([t, x, y, z]) => counter.push(t, x, y, z));
  return { counts, final: counter.flush() };
}
"""


def _batches(t: np.ndarray) -> list[tuple[int, int]]:
    """The page's batches: samples until they span at least UPDATE_S (then the rest)."""
    out, start = [], 0
    for i in range(1, t.size):
        if t[i] - t[start] >= UPDATE_S:
            out.append((start, i + 1))
            start = i + 1
    if start < t.size:
        out.append((start, t.size))
    return out


def _python_counts(rec: MotionRecording, t: np.ndarray, sides: int) -> tuple[list[int], int]:
    stream = MotionStream(alternating=sides == 2)
    after = []
    for lo, hi in _batches(t):
        stream.push(t[lo:hi], rec.acc_ms2[lo:hi])
        after.append(stream.live_reps)
    return after, stream.live_reps


def _recordings(shared: Path | None) -> list[tuple[str, MotionRecording]]:
    recs = [
        ("simulated 3-1-1-1 50 Hz", simulate_set(reps=8, tempo=Tempo.parse("3-1-1-1"), seed=1)),
        (
            "simulated 1-0-1-0 100 Hz",
            simulate_set(reps=12, tempo=Tempo.parse("1-0-1-0"), seed=2, rate_hz=100.0),
        ),
        (
            "simulated 2-0-1-0 curl, jittered",
            simulate_set(
                reps=10, tempo=Tempo.parse("2-0-1-0"), seed=3, jitter=0.4, start_at_top=False
            ),
        ),
    ]
    if shared is not None:
        barbell = shared / "imu" / "barbell"
        with (barbell / "sets_unique.csv").open(newline="") as fh:
            rows = [r for r in csv.DictReader(fh) if r["is_form"] != "True"][:4]
        recs += [
            (r["acc_file"][:30], read_metamotion(barbell / "raw" / r["acc_file"])) for r in rows
        ]
        muvr = sorted((shared / "imu" / "muvr-dev" / "labelled" / "shoulders").glob("*.csv"))[:4]
        recs += [(p.name, read_muvr_csv(p)) for p in muvr]
    return recs


def test_phone_live_count_matches_the_python_stream(page, server: Server, request) -> None:
    shared = Path(__file__).resolve().parents[3] / "shared" / "data"
    recs = _recordings(shared if (shared / "imu").is_dir() else None)
    page.goto("/exercises")
    compared = 0
    for name, rec in recs:
        t = rec.t_s - rec.t_s[0]
        samples = np.column_stack([t, rec.acc_ms2]).tolist()
        for sides in (1, 2):
            got = page.evaluate(RUN_IN_BROWSER, {"samples": samples, "sides": sides})
            after, final = _python_counts(rec, t, sides)
            ends = [hi - 1 for _, hi in _batches(t)]
            # The page shows its count after each sample; compare it where each batch ends.
            assert [got["counts"][i] for i in ends[:-1]] == after[:-1], name
            assert got["final"] == final, name
            compared += 1
    assert compared == 2 * len(recs)
    assert page.errors == []
