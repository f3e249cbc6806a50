"""Motion analysis benchmark: repetition counts on real recordings, and speed.

Run: ``.venv/bin/python benchmarks/bench_motion.py [--quick]`` (about 10 minutes; --quick 4)

Accuracy
    ``../shared/data/imu/barbell`` (MetaMotion wrist IMU; nominal reps heavy 5, medium 10; rest and
    bad-form sets skipped) and ``../shared/data/imu/muvr-dev`` (Pebble wrist accelerometer; reps
    logged per set; reps = 0 skipped). Per exercise and overall: exact-count and within-one rates,
    and every miss. A recording that holds fewer cycles of its clearest rhythm than its label's
    repetitions less half a cycle, idle time included (``cycles_held``, measured independently
    of the analysis), is marked "holds N" (a truncated recording, an over-logged set, a protocol
    target that was not met, or alternating sides); the rates are printed with and without
    them, and none of them is tuned to. ``../shared/data/imu/watch`` (100 Hz watch with
    gyroscope, labels.csv) is counted twice: the whole recordings with their idle time ("watch")
    and the same recordings cut to the hand-marked set ("watch-cut"); the set found in the whole
    recordings is compared with the hand-marked start and end (median and 90th percentile of
    the error).
Leave-one-exercise-out
    The analysis has no per-exercise setting. To show that its global settings were not fitted to
    the known sets, each exercise in turn is held out (a watch exercise from both its whole and
    its hand-cut recordings), the best of a small grid of global settings (whether the count
    keeps to the set found, how clear a set must be for that, and the hump thresholds) is
    chosen on all the other exercises, and the held-out exercise is counted with it; the rates
    are printed per dataset, all sets and those that can hold their label.
Speed
    A 100 Hz 6-axis stream (accelerometer + gyroscope), batch and streaming (10-sample chunks),
    against a plain scipy baseline (band-pass the magnitude, ``scipy.signal.find_peaks``), in the
    same run. Reported as multiples of real time.
"""

from __future__ import annotations

import csv
import itertools
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import signal

from mindmuscle.catalog import load_catalog
from mindmuscle.catalog.models import Tempo
from mindmuscle.io.motion import read_metamotion, read_muvr_csv, read_watch_csv, read_watch_labels
from mindmuscle.signals.motion import (
    DEFAULT_PARAMS,
    MotionParams,
    MotionRecording,
    MotionStream,
    analyze_motion,
    simulate_set,
)
from mindmuscle.signals.motion.evaluation import score_counts
from mindmuscle.signals.motion.synthetic import add_turning_wrist

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "imu"


@dataclass(frozen=True)
class Case:
    dataset: str
    exercise: str
    name: str
    truth: int
    rec: MotionRecording
    # Hand-marked start and end of the set, seconds from the recording's first sample.
    marked: tuple[float, float] | None = None


DATASETS = ("barbell", "muvr", "watch", "watch-cut")


def load_cases() -> list[Case]:
    cases: list[Case] = []
    barbell = DATA / "barbell"
    if (barbell / "sets_unique.csv").is_file():
        with (barbell / "sets_unique.csv").open(newline="") as fh:
            for row in csv.DictReader(fh):
                if row["is_form"] == "True" or row["exercise"] == "rest":
                    continue
                rec = read_metamotion(
                    barbell / "raw" / row["acc_file"], gyro_path=barbell / "raw" / row["gyr_file"]
                )
                name = row["acc_file"].split("_MetaWear")[0]
                cases.append(Case("barbell", row["exercise"], name, int(row["nominal_reps"]), rec))
    muvr = DATA / "muvr-dev"
    if (muvr / "manifest.csv").is_file():
        with (muvr / "manifest.csv").open(newline="") as fh:
            for row in csv.DictReader(fh):
                if int(row["reps"]) == 0:
                    continue
                rec = read_muvr_csv(muvr / row["file"])
                cases.append(
                    Case("muvr", row["exercise"], Path(row["file"]).name, int(row["reps"]), rec)
                )
    watch = DATA / "watch"
    if (watch / "labels.csv").is_file():
        for label in read_watch_labels(watch):
            if label.reps is None or label.active_start_s is None or label.active_end_s is None:
                continue
            whole = read_watch_csv(watch / label.file, units=label.accel_units)
            t0 = float(whole.t_s[0])
            marked = (label.active_start_s - t0, label.active_end_s - t0)
            cases.append(Case("watch", label.exercise, label.file, label.reps, whole, marked))
            cut = read_watch_csv(
                watch / label.file,
                units=label.accel_units,
                start_s=label.active_start_s,
                end_s=label.active_end_s,
            )
            cases.append(Case("watch-cut", label.exercise, label.file, label.reps, cut))
    return cases


def set_finding(cases: list[Case]) -> None:
    """How far the set found in a whole recording lies from the hand-marked one."""
    marked = [c for c in cases if c.marked is not None]
    if not marked:
        return
    print("\n## The set inside whole recordings (found against hand-marked start and end)\n")
    starts, ends, missing = [], [], 0
    for case in marked:
        assert case.marked is not None
        a = analyze_motion(case.rec)
        if a.active_start_s is None or a.active_end_s is None:
            missing += 1
            continue
        starts.append(a.active_start_s - case.marked[0])
        ends.append(a.active_end_s - case.marked[1])
    s, e = np.abs(starts), np.abs(ends)
    med_s, med_e = np.median(starts), np.median(ends)
    print(f"Recordings: {len(marked)}, no set found in {missing}")
    print("| edge  | median abs error (s) | 90th percentile (s) | median signed (s) |")
    print("|-------|---------------------:|--------------------:|------------------:|")
    print(f"| start | {np.median(s):20.2f} | {np.percentile(s, 90):19.2f} | {med_s:17.2f} |")
    print(f"| end   | {np.median(e):20.2f} | {np.percentile(e, 90):19.2f} | {med_e:17.2f} |")


def cycles_held(case: Case) -> float:
    """How many cycles of its clearest rhythm the whole recording holds, idle time included.

    Independent of the analysis under test, so that it can judge the labels: the accelerometer
    is put on a 25 Hz grid and band-passed at 0.15-3 Hz (zero-phase Butterworth); for each axis
    and for the three together, the period is the first autocorrelation peak between 0.5 and
    20 s that reaches half the highest; the clearest of the four (highest autocorrelation) wins.
    """
    rate = 25.0
    t = case.rec.t_s - case.rec.t_s[0]
    grid = np.arange(0.0, t[-1], 1.0 / rate)
    acc = np.column_stack([np.interp(grid, t, case.rec.acc_ms2[:, i]) for i in range(3)])
    sos = signal.butter(2, [0.15, 3.0], btype="bandpass", fs=rate, output="sos")
    x = signal.sosfiltfilt(sos, acc, axis=0)
    x -= x.mean(axis=0)
    spec = np.fft.rfft(x, 2 * grid.size, axis=0)
    per_axis = np.fft.irfft(np.abs(spec) ** 2, 2 * grid.size, axis=0)[: grid.size]
    lo, hi = int(0.5 * rate), min(int(20 * rate), grid.size - 1)
    best_period, best_ac = float("nan"), 0.0
    for ac in (per_axis.sum(axis=1), *per_axis.T):
        if ac[0] <= 0 or hi <= lo + 2:
            continue
        ac = ac / ac[0]
        peaks = signal.find_peaks(ac[lo:hi])[0] + lo
        peaks = peaks[ac[peaks] > 0.1]
        if peaks.size == 0:
            continue
        lag = int(peaks[np.argmax(ac[peaks] >= 0.5 * ac[peaks].max())])
        if ac[lag] > best_ac:
            best_period, best_ac = lag / rate, float(ac[lag])
    return case.rec.duration_s / best_period if np.isfinite(best_period) else float("inf")


# A recording cut to the set itself holds its N repetitions in about N cycles, measured to within
# half a cycle either way (where the first and last repetitions start and stop): 11.9 cycles can
# hold a set of 12.
HOLD_TOLERANCE_CYCLES = 0.5


def can_hold(held: float, truth: int) -> bool:
    """Whether a recording holding ``held`` cycles of its clearest rhythm can hold ``truth``
    repetitions."""
    return held >= truth - HOLD_TOLERANCE_CYCLES


# A recording with less than 1 s per logged repetition (idle time included) cannot hold those
# repetitions at the loads of this data.
MIN_SECONDS_PER_LOGGED_REP = 1.0


def is_too_fast(case: Case) -> bool:
    return case.rec.duration_s < MIN_SECONDS_PER_LOGGED_REP * case.truth


def rates(rows: list[tuple[int, int]]) -> tuple[float, float]:
    """Exact and within-one rates of (counted, labelled) pairs, scored as the app scores a
    lifter's own sets (``mindmuscle motion evaluate``)."""
    score = score_counts(rows)
    if score is None:
        return float("nan"), float("nan")
    return score.exact, score.within_one


def accuracy(cases: list[Case]) -> None:
    print("\n## Repetition counts on real recordings (global settings, no exercise given)\n")
    results = []
    for case in cases:
        # Flagged: the whole recording holds fewer cycles of its clearest rhythm than the
        # label's reps (measured once per recording; the flag prints the number).
        held = cycles_held(case)
        results.append(
            (case, analyze_motion(case.rec), None if can_hold(held, case.truth) else held)
        )
    for dataset in DATASETS:
        subset = [r for r in results if r[0].dataset == dataset]
        if not subset:
            print(f"{dataset}: data folder absent, skipped")
            continue
        by_ex: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for case, a, _ in subset:
            by_ex[case.exercise].append((a.reps, case.truth))
        print(f"### {dataset}\n")
        print(f"| {'exercise':32} | sets | exact | within 1 |")
        print(f"|{'-' * 34}|-----:|------:|---------:|")
        for ex in sorted(by_ex):
            e, w = rates(by_ex[ex])
            print(f"| {ex:32} | {len(by_ex[ex]):4} | {e:5.0%} | {w:8.0%} |")
        e, w = rates([(a.reps, c.truth) for c, a, _ in subset])
        print(f"| {'ALL':32} | {len(subset):4} | {e:5.0%} | {w:8.0%} |")
        fast = [(a.reps, c.truth) for c, a, _ in subset if not is_too_fast(c)]
        if len(fast) != len(subset):
            e2, w2 = rates(fast)
            label = "ALL without < 1 s per logged rep"
            print(f"| {label:32} | {len(fast):4} | {e2:5.0%} | {w2:8.0%} |")
        kept = [(a.reps, c.truth) for c, a, s in subset if s is None]
        if len(kept) != len(subset):
            e2, w2 = rates(kept)
            label = "ALL that can hold the label"
            print(f"| {label:32} | {len(kept):4} | {e2:5.0%} | {w2:8.0%} |")
        print()
        misses = [(c, a, s) for c, a, s in subset if a.reps != c.truth]
        print(f"Misses ({len(misses)}): name, exercise, truth, counted (+partial), period, flags")
        for c, a, s in misses:
            flags = []
            if is_too_fast(c):
                flags.append("<1s/rep")
            if s is not None:
                flags.append(f"holds {s:.1f}")
            if a.gaps:
                flags.append(f"gap ({a.reps_in_gaps} estimated)")
            if a.quality.status != "good":
                flags.append(f"quality {a.quality.status}")
            period = f"{a.rep_period_s:.2f}s" if a.rep_period_s else "-"
            print(
                f"  {c.name:40} {c.exercise:30} {c.truth:3} {a.reps:3} (+{a.partial_reps}) "
                f"{period:>6} {' '.join(flags)}"
            )
        print()
    all_rows = [(a.reps, c.truth) for c, a, _ in results]
    e, w = rates(all_rows)
    kept = [(a.reps, c.truth) for c, a, s in results if s is None]
    e2, w2 = rates(kept)
    print(f"Overall, all folders: {len(all_rows)} sets, exact {e:.1%}, within one {w:.1%}")
    print(
        f"Overall on the recordings that can hold their label: {len(kept)} sets, "
        f"exact {e2:.1%}, within one {w2:.1%}"
    )
    held = [(a.reps, c.truth) for c, a, s in results if s is not None]
    print(
        f"{len(held)} of {len(results)} recordings hold fewer cycles of their clearest rhythm than "
        f"their label's repetitions, idle time included; {sum(g == t for g, t in held)} of them "
        "are counted exactly all the same."
    )


# The catalogue card a lifter would pick in the app for each exercise of the two folders.
CATALOGUE_IDS = {
    "bench": "barbell_bench_press",
    "dead": "conventional_deadlift",
    "ohp": "barbell_overhead_press",
    "row": "barbell_row",
    "squat": "barbell_back_squat",
    "alt-dumbbell-biceps-curl": "alternating_dumbbell_curl",
    "barbell-biceps-curl": "barbell_curl",
    "dumbbell-biceps-curl": "dumbbell_biceps_curl",
    "rope-biceps-curl": "cable_curl",
    "straight-bar-biceps-curl": "cable_curl",
    "rope-triceps-extension": "cable_triceps_pushdown",
    "straight-bar-triceps-extension": "cable_triceps_pushdown",
    "triceps-dips": "parallel_bar_triceps_dip",
    "lateral-raise": "dumbbell_lateral_raise",
    "dumbbell-side-rise": "dumbbell_lateral_raise",
    "dumbbell-front-rise": "dumbbell_front_raise",
    "dumbbell-press": "dumbbell_shoulder_press",
    "barbell-press": "barbell_overhead_press",
    "barbell-pullup": "pull_up",
}


def with_exercise(cases: list[Case]) -> None:
    """Counts when the set's exercise is given, as the app does (direction, alternating sides)."""
    print("\n## With the exercise given (the catalogue card the app would pass)\n")
    catalog = load_catalog()
    rows: dict[str, list[tuple[int, int]]] = {"barbell": [], "muvr": [], "both folders": []}
    changed = []
    for case in cases:
        if case.exercise not in CATALOGUE_IDS:
            continue  # the watch folder: counted without the card (see the tables above)
        ex = catalog.exercise(CATALOGUE_IDS[case.exercise])
        plain = analyze_motion(case.rec).reps
        got = analyze_motion(case.rec, concentric=ex.concentric, alternating=ex.alternating).reps
        rows[case.dataset].append((got, case.truth))
        rows["both folders"].append((got, case.truth))
        if got != plain:
            changed.append((case, ex.id, plain, got))
    print("| data | sets | exact | within 1 |")
    print("|------|-----:|------:|---------:|")
    for name, r in rows.items():
        e, w = rates(r)
        print(f"| {name} | {len(r)} | {e:.1%} | {w:.1%} |")
    print(f"\nCounts that the exercise changed ({len(changed)}): name, card, truth, without, with")
    for case, ex_id, plain, got in changed:
        print(f"  {case.name:40} {ex_id:28} {case.truth:3} {plain:3} {got:3}")


def _live_count(rec: MotionRecording) -> int:
    stream = MotionStream()
    t, acc = rec.t_s, rec.acc_ms2
    step = max(1, round(0.2 * rec.median_rate_hz))
    for i in range(0, t.size, step):
        stream.push(t[i : i + step], acc[i : i + step])
    return stream.live_reps


# The tempos of the catalogue's exercise cards, and a slow one the coach can prescribe.
CATALOGUE_TEMPOS = (
    "2-0-1-1",
    "3-0-1-1",
    "2-0-1-0",
    "2-1-1-0",
    "3-0-1-0",
    "2-1-1-1",
    "2-0-1-2",
    "2-0-2-0",
    "3-1-1-1",
    "4-0-2-1",
)


def live_accuracy(cases: list[Case], quick: bool) -> None:
    print("\n## Live count during the set (MotionStream, 0.2 s chunks; final answer = batch)\n")
    print("| data | sets | live exact | live within 1 | live = final count |")
    print("|------|-----:|-----------:|--------------:|-------------------:|")
    for dataset in ("barbell", "muvr"):
        rows, agree = [], []
        for case in (c for c in cases if c.dataset == dataset):
            live = _live_count(case.rec)
            rows.append((live, case.truth))
            agree.append((live, analyze_motion(case.rec).reps))
        if rows:
            e, w = rates(rows)
            print(f"| {dataset} | {len(rows)} | {e:.0%} | {w:.0%} | {rates(agree)[0]:.0%} |")
    rng = np.random.default_rng(7)
    rows, agree = [], []
    for k in range(50 if quick else 150):
        reps = int(rng.integers(3, 21))
        rate = float(rng.choice([12.5, 25.0, 50.0, 100.0]))
        rec = simulate_set(
            reps=reps,
            tempo=Tempo.parse(CATALOGUE_TEMPOS[k % len(CATALOGUE_TEMPOS)]),
            rate_hz=rate,
            seed=1000 + k,
            idle_before_s=float(rng.uniform(0, 10)),
            idle_after_s=float(rng.uniform(0, 10)),
            start_at_top=bool(rng.integers(0, 2)),
        )
        live = _live_count(rec)
        rows.append((live, reps))
        agree.append((live, analyze_motion(rec).reps))
    e, w = rates(rows)
    print(
        f"| simulated, catalogue tempos | {len(rows)} | {e:.0%} | {w:.0%} | {rates(agree)[0]:.0%} |"
    )


GRID: dict[str, tuple[float, ...]] = {
    "count_in_set": (0.0, 1.0),
    "prominence_ratio": (0.2, 0.3),
    "keep_ratio": (0.3, 0.4, 0.5),
    "clear_set": (0.7, 0.8),
}
QUICK_GRID: dict[str, tuple[float, ...]] = {
    "count_in_set": (0.0, 1.0),
    "keep_ratio": (0.4, 0.5),
    "clear_set": (0.7, 0.8),
}


def _family(case: Case) -> str:
    """The recordings a case comes from: the watch's whole and hand-cut sets are the same sets."""
    return "watch" if case.dataset.startswith("watch") else case.dataset


def leave_one_exercise_out(cases: list[Case], quick: bool) -> None:
    print("\n## Leave-one-exercise-out (global settings chosen without the held-out exercise)\n")
    grid = QUICK_GRID if quick else GRID
    names = list(grid)
    combos = list(itertools.product(*(grid[n] for n in names)))
    counts: dict[tuple[float, ...], list[int]] = {}
    for combo in combos:
        setting: dict[str, Any] = {**asdict(DEFAULT_PARAMS), **dict(zip(names, combo, strict=True))}
        setting["count_in_set"] = bool(setting["count_in_set"])
        params = MotionParams(**setting)
        counts[combo] = [analyze_motion(c.rec, params=params).reps for c in cases]
    exercises = sorted({(_family(c), c.exercise) for c in cases})
    held: dict[int, int] = {}
    print(f"| {'held-out exercise':46} | sets | chosen {'/'.join(names)} | exact | within 1 |")
    print(f"|{'-' * 48}|-----:|{'-' * 40}|------:|---------:|")
    for family, ex in exercises:
        train = [i for i, c in enumerate(cases) if (_family(c), c.exercise) != (family, ex)]
        test = [i for i, c in enumerate(cases) if (_family(c), c.exercise) == (family, ex)]

        def score(combo: tuple[float, ...], idx: list[int] = train) -> tuple[float, float]:
            rows = [(counts[combo][i], cases[i].truth) for i in idx]
            return rates(rows)

        best = max(combos, key=score)
        for i in test:
            held[i] = counts[best][i]
        e, w = rates([(counts[best][i], cases[i].truth) for i in test])
        chosen = "/".join(f"{v:g}" for v in best)
        print(
            f"| {family + ': ' + ex[:38]:46} | {len(test):4} | {chosen:38} | {e:5.0%} | {w:8.0%} |"
        )
    default = _default_combo(names)
    print("\n| data | sets | LOEO exact | LOEO within 1 | default exact | default within 1 |")
    print("|------|-----:|-----------:|--------------:|--------------:|-----------------:|")
    holds = [can_hold(cycles_held(c), c.truth) for c in cases]
    for dataset in (*DATASETS, "all"):
        for only_holding in (False, True):
            idx = [
                i
                for i, c in enumerate(cases)
                if dataset in ("all", c.dataset) and (holds[i] or not only_holding)
            ]
            if not idx:
                continue
            e, w = rates([(held[i], cases[i].truth) for i in idx])
            e0, w0 = rates([(counts[default][i], cases[i].truth) for i in idx])
            name = dataset + (", can hold the label" if only_holding else "")
            print(f"| {name} | {len(idx)} | {e:.1%} | {w:.1%} | {e0:.1%} | {w0:.1%} |")


def _default_combo(names: list[str]) -> tuple[float, ...]:
    return tuple(float(getattr(DEFAULT_PARAMS, n)) for n in names)


def synthetic(quick: bool) -> None:
    print("\n## Simulated sets (random orientation, noise, jitter, idle and unrack time)\n")
    tempos = ("3-1-1-1", "2-0-1-0", "4-0-2-1", "1-0-1-0", "2-1-2-1", "3-0-1-2")
    seeds = range(2 if quick else 6)
    by_tempo: dict[str, list[tuple[int, int]]] = defaultdict(list)
    errors: dict[str, list[float]] = defaultdict(list)
    for tp, seed, top in itertools.product(tempos, seeds, (True, False)):
        tempo = Tempo.parse(tp)
        reps = 6 + seed % 5
        a = analyze_motion(
            simulate_set(reps=reps, tempo=tempo, seed=seed, start_at_top=top),
            concentric=None,
            tempo=tempo,
        )
        by_tempo[tp].append((a.reps, reps))
        for r in a.repetitions:
            errors["eccentric"].append(abs(r.eccentric_s - tempo.eccentric_s))
            errors["concentric"].append(abs(r.concentric_s - tempo.concentric_s))
            errors["bottom pause"].append(abs(r.bottom_pause_s - tempo.bottom_pause_s))
            errors["top pause"].append(abs(r.top_pause_s - tempo.top_squeeze_s))
    print("| tempo   | sets | exact | within 1 |")
    print("|---------|-----:|------:|---------:|")
    for tp, rows in by_tempo.items():
        e, w = rates(rows)
        print(f"| {tp:7} | {len(rows):4} | {e:5.0%} | {w:8.0%} |")
    walk_rows = []
    for tp, seed, cadence in itertools.product(tempos, seeds, (1.5, 1.8, 2.2)):
        reps = 6 + seed % 5
        rec = simulate_set(
            reps=reps,
            tempo=Tempo.parse(tp),
            seed=seed,
            start_at_top=bool(seed % 2),
            walk_before_s=12.0,
            walk_after_s=8.0,
            walk_cadence_hz=cadence,
        )
        walk_rows.append((analyze_motion(rec).reps, reps))
    e, w = rates(walk_rows)
    print(
        f"\nWith 12 s of walking before and 8 s after (1.5, 1.8 and 2.2 steps/s): "
        f"{len(walk_rows)} sets, exact {e:.0%}, within one {w:.0%}"
    )
    random_sets(60 if quick else 300)
    period_priors(30 if quick else 100)
    turning_wrist(seeds)
    print("\nPer-repetition phase error (s): median / 90th percentile")
    for phase, errs in errors.items():
        arr = np.asarray(errs)
        print(f"  {phase:13} {np.median(arr):.2f} / {np.percentile(arr, 90):.2f}")


def random_sets(n: int) -> None:
    """Sets drawn at random: 3-24 reps, six tempos, 10-200 Hz, 0-20 s of idle either side."""
    rng = np.random.default_rng(1)
    tempos = ("1-0-1-0", "2-0-1-0", "3-1-1-1", "4-0-2-1", "2-1-2-1", "3-0-1-2")
    by_tempo: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for k in range(n):
        reps = int(rng.integers(3, 25))
        tp = str(rng.choice(tempos))
        rec = simulate_set(
            reps=reps,
            tempo=Tempo.parse(tp),
            rate_hz=float(rng.choice([10.0, 12.5, 25.0, 50.0, 100.0, 200.0])),
            seed=k,
            idle_before_s=float(rng.uniform(0, 20)),
            idle_after_s=float(rng.uniform(0, 20)),
            start_at_top=bool(k % 2),
        )
        by_tempo[tp].append((analyze_motion(rec).reps, reps))
    rows = [r for v in by_tempo.values() for r in v]
    e, w = rates(rows)
    worst = max(abs(got - want) for got, want in rows)
    per = ", ".join(f"{tp} {rates(v)[0]:.0%}" for tp, v in sorted(by_tempo.items()))
    print(
        f"\nRandom sets (3-24 reps, 10-200 Hz, 0-20 s idle either side): {len(rows)} sets, "
        f"exact {e:.1%}, within one {w:.1%}, largest miss {worst}; exact by tempo: {per}"
    )


def period_priors(n: int) -> None:
    """Random sets counted with a period prior: the prescribed tempo's, and wrong ones (half and
    twice it), against the count without one. A prior guides the period search only where the
    signal leaves it open; it must not move a clear count."""
    rng = np.random.default_rng(2)
    tempos = ("1-0-1-0", "2-0-1-0", "3-1-1-1", "4-0-2-1", "2-1-2-1", "3-0-1-2")
    rows: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for k in range(n):
        reps = int(rng.integers(3, 25))
        tempo = Tempo.parse(str(rng.choice(tempos)))
        rec = simulate_set(
            reps=reps,
            tempo=tempo,
            rate_hz=float(rng.choice([12.5, 25.0, 50.0, 100.0])),
            seed=5000 + k,
            idle_before_s=float(rng.uniform(0, 10)),
            idle_after_s=float(rng.uniform(0, 10)),
            start_at_top=bool(k % 2),
        )
        for name, prior in (
            ("none", None),
            ("the tempo's", tempo.rep_s),
            ("half of it", tempo.rep_s / 2),
            ("twice it", 2 * tempo.rep_s),
        ):
            rows[name].append((analyze_motion(rec, period_prior_s=prior).reps, reps))
    shown = ", ".join(f"{name} {rates(r)[0]:.0%}" for name, r in rows.items())
    print(f"With a period prior ({n} random sets), exact by prior: {shown}")


def turning_wrist(seeds: range) -> None:
    """Sets with 2 m/s^2 RMS of irregular turning on one device axis during the set."""
    rows = []
    for tp, seed, band in itertools.product(
        ("2-0-1-0", "3-1-1-1", "1-0-1-0"), seeds, ((0.1, 0.4), (0.5, 1.5))
    ):
        reps = 8 + seed % 4
        rec = add_turning_wrist(
            simulate_set(reps=reps, tempo=Tempo.parse(tp), seed=seed), band, seed=seed
        )
        rows.append((analyze_motion(rec).reps, reps))
    e, w = rates(rows)
    print(
        f"With an irregular turning wrist on one axis (2 m/s^2 RMS, 0.1-0.4 or 0.5-1.5 Hz): "
        f"{len(rows)} sets, exact {e:.0%}, within one {w:.0%}"
    )


def _best_time(fn: Callable[[], object], repeat: int) -> float:
    best = np.inf
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return float(best)


def speed(quick: bool) -> None:
    print("\n## Speed: 100 Hz accelerometer + gyroscope (6 axes)\n")
    duration_s = 60.0
    reps = 12
    tempo = Tempo.parse("2-0-1-1")
    rec = simulate_set(
        reps=reps,
        tempo=tempo,
        seed=3,
        rate_hz=100.0,
        with_gyro=True,
        idle_before_s=8.0,
        idle_after_s=4.0,
    )
    # Give the gyroscope the accelerometer's 100 Hz clock (a 6-axis stream).
    gyro = np.random.default_rng(0).normal(scale=2.0, size=rec.acc_ms2.shape)
    rec = MotionRecording(rec.t_s, rec.acc_ms2, rec.t_s, gyro, source="bench")
    duration_s = rec.duration_s
    repeat = 3 if quick else 7

    def batch() -> object:
        return analyze_motion(rec)

    def streaming() -> object:
        stream = MotionStream()
        for i in range(0, rec.t_s.size, 10):
            stream.push(
                rec.t_s[i : i + 10], rec.acc_ms2[i : i + 10], rec.t_s[i : i + 10], gyro[i : i + 10]
            )
        return stream.finish()

    def baseline() -> object:
        mag = np.sqrt(np.sum(rec.acc_ms2**2, axis=1))
        sos = signal.butter(2, [0.2, 2.0], btype="bandpass", fs=100.0, output="sos")
        filtered = signal.sosfiltfilt(sos, mag)
        peaks, _ = signal.find_peaks(filtered, distance=50, prominence=0.3 * np.ptp(filtered))
        return peaks.size

    rows = [
        ("mindmuscle batch (analyze_motion)", batch),
        ("mindmuscle streaming (10-sample chunks + finish)", streaming),
        ("scipy baseline (band-pass |a| + find_peaks)", baseline),
    ]
    print(f"Recording: {duration_s:.1f} s, {rec.t_s.size} samples x 6 axes\n")
    print(f"| {'method':50} | time (ms) | x real time |")
    print(f"|{'-' * 52}|----------:|------------:|")
    for name, fn in rows:
        fn()
        t = _best_time(fn, repeat)
        print(f"| {name:50} | {t * 1000:9.2f} | {duration_s / t:11.0f} |")
    print(
        f"\nAnswers: batch {analyze_motion(rec).reps}, streaming {streaming().reps}, "  # type: ignore[attr-defined]
        f"baseline {baseline()}, true {reps}"
    )


def main() -> None:
    quick = "--quick" in sys.argv
    cases = load_cases()
    if cases:
        accuracy(cases)
        set_finding(cases)
        with_exercise(cases)
        live_accuracy(cases, quick)
        leave_one_exercise_out(cases, quick)
    else:
        print(f"Real data folder {DATA} absent: accuracy skipped.")
    synthetic(quick)
    speed(quick)


if __name__ == "__main__":
    main()
