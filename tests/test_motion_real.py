"""Repetition counts on real wrist recordings, held to floors just under what is achieved.

Achieved with the default settings and no exercise given (see benchmarks/bench_motion.py for
every miss): barbell 44/57 exact (77%), 51/57 within one (89%); muvr 26/90 exact (29%), 48/90
within one (53%); watch, whole recordings with idle time, 16/49 exact (33%), 38/49 within one
(78%); the same recordings cut by hand to the set 26/49 (53%) and 40/49 (82%). The floors below
sit a few sets lower so a regression fails while a small, honest change in either direction does
not. The goal of 90% exact / 98% within one is not met yet.

The muvr exact floor went from 0.29 to 0.26 when the count learnt to find the set inside a
recording (the watch's whole recordings went from 4/49 to 12/49 exact and from 16/49 to 34/49
within one): four muvr sets lost their first or last repetition, within one moved by one set.
When the count began to keep to the set found even where loud movement lies within a period of
it (the pin set just before the first repetition, the weight put down right after the last), the
whole watch recordings went from 12/49 to 16/49 exact and 34/49 to 36/49 within one; one muvr
set and one hand-cut watch set lost an edge repetition that does not look like the others.
Leaving out a first or last hump twice as broad as the others and no taller (the filter's
rebound after the last lowering) added one exact muvr set and one watch set within one.
Looking for the period in the clearest 30 s when nothing repeats over the whole loud stretch
found the set in the three whole wrist-curl recordings that had none (one more within one).
Counting a first or last repetition that has lost its hump (the movement beside the humps holds
1.5 periods or more and looks like a repetition) and judging humps by the set's own sizes: watch
whole 16/49 to 17/49 exact, hand-cut 26/49 to 28/49 exact; barbell and muvr unchanged. A hump
beside the set counting from a likeness of 0.45 to its typical repetition (0.5 before): muvr
26/90 to 29/90 exact.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.io.motion import read_metamotion, read_muvr_csv, read_watch_csv, read_watch_labels
from mindmuscle.signals.motion import analyze_motion
from mindmuscle.signals.motion.evaluation import score_counts

# Floors two sets under the rates reached on every labelled set (the benchmark reports the
# rates on the sets that can hold their label): barbell 45 and 52 of 57, muvr-dev 31 and 48 of
# 90, whole watch recordings 32 and 44 of 49, hand-cut ones 35 and 43 of 49.
BARBELL_EXACT_FLOOR = 43 / 57
BARBELL_WITHIN_ONE_FLOOR = 50 / 57
MUVR_EXACT_FLOOR = 29 / 90
MUVR_WITHIN_ONE_FLOOR = 46 / 90
WATCH_WHOLE_EXACT_FLOOR = 30 / 49
WATCH_WHOLE_WITHIN_ONE_FLOOR = 42 / 49
WATCH_CUT_EXACT_FLOOR = 33 / 49
WATCH_CUT_WITHIN_ONE_FLOOR = 41 / 49
# Median distance of the set found from the hand-marked start and end, seconds: the goal (a set
# not found counts as infinitely far; achieved: see benchmarks/bench_motion.py).
WATCH_EDGE_ERROR_CEILING_S = 1.0


def _rates(rows: list[tuple[int, int]]) -> tuple[float, float]:
    score = score_counts(rows)
    assert score is not None
    return score.exact, score.within_one


@pytest.fixture(scope="module")
def barbell_counts(shared_data: Path) -> list[tuple[str, int, int]]:
    folder = shared_data / "imu" / "barbell"
    out = []
    with (folder / "sets_unique.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            if row["is_form"] == "True" or row["exercise"] == "rest":
                continue
            rec = read_metamotion(
                folder / "raw" / row["acc_file"], gyro_path=folder / "raw" / row["gyr_file"]
            )
            out.append((row["exercise"], analyze_motion(rec).reps, int(row["nominal_reps"])))
    return out


def test_barbell_counts(barbell_counts: list[tuple[str, int, int]]) -> None:
    assert len(barbell_counts) == 57
    exact, within = _rates([(got, want) for _, got, want in barbell_counts])
    assert exact >= BARBELL_EXACT_FLOOR
    assert within >= BARBELL_WITHIN_ONE_FLOOR
    rows = [(got, want) for ex, got, want in barbell_counts if ex == "row"]
    assert rows and _rates(rows) == (1.0, 1.0)


def test_barbell_rest_sets_do_not_look_like_a_good_set(shared_data: Path) -> None:
    folder = shared_data / "imu" / "barbell"
    with (folder / "sets_unique.csv").open(newline="") as fh:
        rest = [r for r in csv.DictReader(fh) if r["exercise"] == "rest"]
    assert len(rest) == 2
    for row in rest:
        rec = read_metamotion(folder / "raw" / row["acc_file"])
        result = analyze_motion(rec)
        # Sitting or standing still: no quality-good set of repetitions.
        assert result.quality.status != "good" or result.reps <= 3


def test_muvr_counts(shared_data: Path) -> None:
    folder = shared_data / "imu" / "muvr-dev"
    rows = []
    with (folder / "manifest.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            if int(row["reps"]) == 0:
                continue
            rows.append(
                (analyze_motion(read_muvr_csv(folder / row["file"])).reps, int(row["reps"]))
            )
    assert len(rows) == 90
    exact, within = _rates(rows)
    assert exact >= MUVR_EXACT_FLOOR
    assert within >= MUVR_WITHIN_ONE_FLOOR


def test_gap_inside_a_real_set_is_counted(shared_data: Path) -> None:
    # D-squat-medium (10 reps): the wristband delivered nothing for 2.2 s after 20 s.
    folder = shared_data / "imu" / "barbell" / "raw"
    name = "D-squat-medium_MetaWear_2019-01-18T17.45.47.575_C42732BE255C"
    acc = folder / f"{name}_Accelerometer_12.500Hz_1.4.4.csv"
    if not acc.is_file():
        pytest.skip(f"{acc.name} is not in this copy of the data")
    result = analyze_motion(read_metamotion(acc))
    assert (result.reps, result.reps_in_gaps, len(result.repetitions)) == (10, 1, 9)
    [gap] = [g for g in result.gaps if g.inside_set]
    assert gap.end_s - gap.start_s == pytest.approx(2.2, abs=0.1)


def test_alternating_curls_count_both_arms_with_the_card(shared_data: Path) -> None:
    # The lifter wore the watch on one wrist and logged both arms: 20, 15, 15, 10 and 10.
    folder = shared_data / "imu" / "muvr-dev"
    rows = []
    with (folder / "manifest.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            if row["exercise"] == "alt-dumbbell-biceps-curl" and int(row["reps"]):
                rec = read_muvr_csv(folder / row["file"])
                one_side = analyze_motion(rec).reps
                both = analyze_motion(rec, alternating=True).reps
                rows.append((int(row["reps"]), one_side, both))
    assert rows == [(20, 10, 20), (15, 7, 14), (15, 7, 14), (10, 5, 10), (10, 5, 10)]


def test_no_real_set_is_mistaken_for_walking(shared_data: Path) -> None:
    # Heavy barbell repetitions jolt the wristband and fast dips shake the watch, but none of the
    # 147 sets holds the steady step rhythm of walking.
    from mindmuscle.signals.motion.preprocess import resample_recording
    from mindmuscle.signals.motion.walking import walking_mask

    recs = []
    barbell = shared_data / "imu" / "barbell"
    with (barbell / "sets_unique.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            recs.append(read_metamotion(barbell / "raw" / row["acc_file"]))
    muvr = shared_data / "imu" / "muvr-dev"
    with (muvr / "manifest.csv").open(newline="") as fh:
        recs += [read_muvr_csv(muvr / row["file"]) for row in csv.DictReader(fh)]
    assert len(recs) == 61 + 112
    marked = {}
    for rec in recs:
        _, acc, _, _ = resample_recording(rec, 25.0)
        marked[rec.source] = int(walking_mask(acc, 25.0).sum())
    assert sum(marked.values()) == 0, {k: v for k, v in marked.items() if v}


def test_watch_sets_are_found_and_counted_in_whole_recordings(shared_data: Path) -> None:
    folder = shared_data / "imu" / "watch"
    whole, cut, starts, ends = [], [], [], []
    for label in read_watch_labels(folder):
        assert label.reps is not None
        assert label.active_start_s is not None and label.active_end_s is not None
        rec = read_watch_csv(folder / label.file, units=label.accel_units)
        got = analyze_motion(rec)
        whole.append((got.reps, label.reps))
        t0 = float(rec.t_s[0])
        if got.active_start_s is None or got.active_end_s is None:
            # No repeating movement found (the wrist curls barely move the watch): a miss.
            starts.append(float("inf"))
            ends.append(float("inf"))
        else:
            starts.append(abs(got.active_start_s + t0 - label.active_start_s))
            ends.append(abs(got.active_end_s + t0 - label.active_end_s))
        part = read_watch_csv(
            folder / label.file,
            units=label.accel_units,
            start_s=label.active_start_s,
            end_s=label.active_end_s,
        )
        cut.append((analyze_motion(part).reps, label.reps))
    assert len(whole) == 49
    exact, within = _rates(whole)
    assert exact >= WATCH_WHOLE_EXACT_FLOOR
    assert within >= WATCH_WHOLE_WITHIN_ONE_FLOOR
    exact, within = _rates(cut)
    assert exact >= WATCH_CUT_EXACT_FLOOR
    assert within >= WATCH_CUT_WITHIN_ONE_FLOOR
    starts.sort()
    ends.sort()
    assert starts[len(starts) // 2] <= WATCH_EDGE_ERROR_CEILING_S
    assert ends[len(ends) // 2] <= WATCH_EDGE_ERROR_CEILING_S


def test_a_set_too_uneven_to_keep_to_is_not_reported_as_found(shared_data: Path) -> None:
    # A wrist curl barely moves a watch on the wrist: its likeliest set (from 4.6 s to 20.5 s)
    # repeats too unevenly to keep the count to, so the count covers the whole recording, and
    # the terminal and the JSON say so instead of "set found".
    path = shared_data / "imu" / "watch" / "011224_DWC_W7_5_S1_R12.csv"
    res = CliRunner().invoke(app, ["motion", str(path)])
    assert res.exit_code == 0, res.output
    assert "set found" not in res.output
    assert (
        "no clear set in the 63.4 s recording (the likeliest, 4.6 s to 20.5 s, repeats "
        "unevenly): counted over all of it"
    ) in " ".join(res.output.split())
    got = json.loads(CliRunner().invoke(app, ["motion", str(path), "--json"]).output)
    assert (got["counted_in_set"], got["active_start_s"], got["active_end_s"]) == (
        False,
        pytest.approx(4.6, abs=0.05),
        pytest.approx(20.5, abs=0.05),
    )
    # A set that repeats clearly is kept to, and reported as found.
    clear = shared_data / "imu" / "watch" / "241124_DWC_W7_5_S1_R12.csv"
    got = json.loads(CliRunner().invoke(app, ["motion", str(clear), "--json"]).output)
    assert got["counted_in_set"] is True


def test_a_large_set_up_movement_beside_the_set_does_not_raise_the_bar_for_its_repetitions(
    shared_data: Path,
) -> None:
    # A machine incline bench press: sitting down and gripping the handles swings the watch
    # five times as far as a repetition, just before the set. Judged by every hump within reach
    # of the set, that swing set the bar and 3 of the 8 repetitions fell under it (5 counted);
    # judged by the humps where the set clearly repeats, 7 are counted.
    folder = shared_data / "imu" / "watch"
    [label] = [x for x in read_watch_labels(folder) if x.file == "291124_MIBP_W4_5_S1_R8.csv"]
    got = analyze_motion(read_watch_csv(folder / label.file, units=label.accel_units))
    assert label.reps == 8
    assert got.reps == 7
