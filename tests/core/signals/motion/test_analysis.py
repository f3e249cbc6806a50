"""Counting a set from motion (signals/motion/analysis.py): simulated sets whose answer is known,
counted exactly through rotations, gaps, pauses, idle time, walking and turning wrists, and
the count as a property of the movement, not of the sensor (hypothesis)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mindmuscle.catalog.models import Movement, Tempo
from mindmuscle.errors import InvalidSignalError
from mindmuscle.signals.motion import (
    MotionRecording,
    analyze_motion,
    analyze_motion_trace,
    simulate_set,
)
from mindmuscle.signals.motion.analysis import (
    DEFAULT_PARAMS,
    _cut_edge_reps,
    _like_set,
    _like_template,
    _missing_edge_reps,
    _pick_humps,
    _without_setup,
)
from mindmuscle.signals.motion.synthetic import (
    add_turning_wrist,
    random_rotation,
)
from tests.factories import synthetic_curls

# Tolerance on the mean phase durations of a set, seconds (two samples of the 25 Hz grid plus the
# smoothing of a band-limited position estimate).
PHASE_TOL_S = 0.35


@pytest.mark.parametrize(
    ("tempo", "seed", "start_at_top", "rate_hz"),
    [
        ("2-0-1-0", 1, True, 50.0),
        ("2-0-1-0", 1, False, 100.0),
        ("1-0-1-0", 2, True, 20.0),
        ("1-0-1-0", 3, False, 200.0),
        ("3-1-1-1", 2, True, 50.0),
        ("3-1-1-1", 3, False, 25.0),
        ("3-0-1-2", 2, True, 50.0),
    ],
)
def test_simulated_sets_count_exactly(
    tempo: str, seed: int, start_at_top: bool, rate_hz: float
) -> None:
    t = Tempo.parse(tempo)
    rec = simulate_set(reps=8, tempo=t, seed=seed, start_at_top=start_at_top, rate_hz=rate_hz)
    result = analyze_motion(rec, concentric=Movement.UP, tempo=t)
    assert result.reps == 8
    assert result.partial_reps == 0
    assert result.quality.status == "good"
    assert result.rep_period_s == pytest.approx(t.rep_s, abs=0.1)
    assert result.phase_confidence == "high"


def test_orientation_does_not_change_the_count() -> None:
    t = Tempo.parse("2-0-1-0")
    counts = {
        analyze_motion(simulate_set(reps=7, tempo=t, seed=seed, noise_ms2=0.1)).reps
        for seed in range(10, 16)
    }
    assert counts == {7}


def test_gaps_and_irregular_timestamps() -> None:
    t = Tempo.parse("2-0-1-0")
    rec = simulate_set(reps=8, tempo=t, seed=4, jitter=0.4, gaps=[(9.2, 0.3), (15.5, 0.4)])
    result = analyze_motion(rec, concentric=Movement.UP)
    assert result.reps == 8
    assert result.quality.gaps_s == pytest.approx(0.7, abs=0.1)


def test_long_gap_lowers_quality() -> None:
    t = Tempo.parse("2-0-1-0")
    rec = simulate_set(reps=8, tempo=t, seed=4, gaps=[(10.0, 4.0)])
    result = analyze_motion(rec)
    assert result.quality.status == "poor"
    assert any("gaps" in r for r in result.quality.reasons)
    # 4 s at a 3 s cadence inside the set: one repetition estimated, so the count is whole.
    assert (result.reps, result.reps_in_gaps) == (8, 1)


@pytest.mark.parametrize("seed", range(4))
def test_gap_inside_the_set_counts_the_repetition_it_hid(seed: int) -> None:
    # 2-0-1-0 after 3 s idle: repetition 5 runs from 15 s to 18 s, and the gap removes all of it.
    t = Tempo.parse("2-0-1-0")
    result = analyze_motion(simulate_set(reps=10, tempo=t, seed=seed, gaps=[(15.0, 3.0)]))
    assert result.reps == 10
    assert result.reps_in_gaps == 1
    assert len(result.repetitions) == 9  # phases only for the repetitions seen
    [gap] = result.gaps
    assert gap.inside_set and gap.estimated_reps == 1
    assert gap.start_s == pytest.approx(15.0, abs=0.03)
    assert gap.end_s == pytest.approx(18.0, abs=0.03)
    assert any("1 repetition estimated" in r for r in result.quality.reasons)
    summary = result.summary_dict()
    assert summary["reps_in_gaps"] == 1
    assert summary["gaps"] == [g.model_dump(mode="json") for g in result.gaps]


def test_gap_at_the_end_of_the_set_is_reported_not_guessed() -> None:
    # The last repetition (24-27 s) falls in the gap: nothing on its far side, so not estimated.
    t = Tempo.parse("2-0-1-0")
    result = analyze_motion(simulate_set(reps=8, tempo=t, seed=0, gaps=[(24.0, 3.5)]))
    assert (result.reps, result.reps_in_gaps) == (7, 0)
    assert not result.gaps[0].inside_set
    assert any("at the end of the set" in r for r in result.quality.reasons)


def test_short_dropouts_add_nothing() -> None:
    t = Tempo.parse("2-0-1-0")
    rec = simulate_set(reps=8, tempo=t, seed=4, gaps=[(9.2, 0.3), (15.5, 0.4)])
    result = analyze_motion(rec)
    assert (result.reps, result.reps_in_gaps) == (8, 0)
    assert [g.estimated_reps for g in result.gaps] == [0, 0]


def test_idle_before_and_after_never_counts() -> None:
    t = Tempo.parse("2-0-1-0")
    rec = simulate_set(reps=6, tempo=t, seed=5, idle_before_s=15.0, idle_after_s=12.0)
    result = analyze_motion(rec)
    assert result.reps == 6
    assert result.set_start_s is not None and result.set_start_s >= 14.0
    assert result.set_end_s is not None and result.set_end_s <= 15.0 + 6 * t.rep_s + 1.5


@pytest.mark.parametrize(
    ("tempo", "seed", "start_at_top"),
    [
        ("3-1-1-1", 0, True),
        ("3-1-1-1", 1, True),
        ("3-1-1-1", 2, False),
        ("3-1-1-1", 4, True),
        ("3-1-1-1", 4, False),
        ("2-1-2-1", 0, True),
        ("2-1-2-1", 3, True),
        ("2-1-2-1", 5, True),
    ],
)
def test_pauses_and_the_resting_position_are_not_repetitions(
    tempo: str, seed: int, start_at_top: bool
) -> None:
    # Slow, paused repetitions with idle time (and a small unrack) on both sides: the position
    # held before the first repetition and the pauses inside each one add no count.
    reps = 6 + seed % 5
    rec = simulate_set(reps=reps, tempo=Tempo.parse(tempo), seed=seed, start_at_top=start_at_top)
    assert analyze_motion(rec).reps == reps


def test_partial_repetition_is_reported() -> None:
    t = Tempo.parse("2-0-1-0")
    rec = simulate_set(reps=8, tempo=t, seed=6, partial=[5], noise_ms2=0.05)
    result = analyze_motion(rec, concentric=Movement.UP)
    assert result.reps == 7
    assert result.partial_reps == 1
    assert [r.index for r in result.repetitions if r.partial] == [5]


def test_count_is_the_same_without_an_exercise() -> None:
    t = Tempo.parse("3-1-1-1")
    rec = simulate_set(reps=8, tempo=t, seed=2)
    with_dir = analyze_motion(rec, concentric=Movement.UP)
    without = analyze_motion(rec)
    assert without.reps == with_dir.reps == 8
    assert without.phase_confidence == "low"
    assert "No exercise given" in without.phase_note
    rotation = analyze_motion(rec, concentric=Movement.ROTATION)
    assert rotation.phase_confidence == "low"
    assert rotation.reps == 8


def test_concentric_down_swaps_the_phases() -> None:
    t = Tempo.parse("3-0-1-0")
    rec = simulate_set(reps=6, tempo=t, seed=2, noise_ms2=0.05)
    up = analyze_motion(rec, concentric=Movement.UP)
    down = analyze_motion(rec, concentric=Movement.DOWN)
    mean_up_ecc = np.mean([r.eccentric_s for r in up.repetitions])
    mean_down_conc = np.mean([r.concentric_s for r in down.repetitions])
    assert mean_up_ecc == pytest.approx(3.0, abs=PHASE_TOL_S)
    assert mean_down_conc == pytest.approx(mean_up_ecc, abs=0.3)


def test_isometric_exercise_has_no_repetitions() -> None:
    rec = simulate_set(reps=5, tempo=Tempo.parse("2-0-1-0"), seed=0)
    result = analyze_motion(rec, concentric=Movement.ISOMETRIC)
    assert result.reps == 0
    assert "Isometric" in result.phase_note


def test_trace_marks_phases_inside_repetitions_only() -> None:
    t = Tempo.parse("2-1-1-1")
    result, trace = analyze_motion_trace(
        simulate_set(reps=5, tempo=t, seed=3), concentric=Movement.UP
    )
    assert result.reps == 5
    assert trace.phases.shape == trace.t_s.shape
    assert set(np.unique(trace.phases)) == {0, 1, 2, 3, 4}
    assert trace.peaks_s.size == 5
    assert trace.phases[0] == 0 and trace.phases[-1] == 0


@pytest.mark.parametrize(
    ("acc", "match"),
    [
        (np.tile([0.0, 0.0, 9.81], (200, 1)), "constant"),
        (np.tile([0.0, 0.0, 1.0], (200, 1)) + 0.01, "looks like g"),
    ],
)
def test_unusable_signals_are_refused(acc: np.ndarray, match: str) -> None:
    rec = MotionRecording(np.arange(200) / 50.0, acc)
    with pytest.raises(InvalidSignalError, match=match):
        analyze_motion(rec)


@pytest.mark.parametrize("seed", range(4))
def test_ten_second_repetitions_are_found(seed: int) -> None:
    # 5-1-2-2: the slowest tempo the coach prescribes without a warning (10 s per repetition).
    # The period sits at 10 s; the unrack lift just before the first slow lowering can add one.
    result = analyze_motion(simulate_set(reps=6, tempo=Tempo.parse("5-1-2-2"), seed=seed))
    assert result.rep_period_s == pytest.approx(10.0, abs=0.3)
    assert result.reps in (6, 7)


LOW, HIGH = (0.1, 0.4), (0.5, 1.5)


@pytest.mark.parametrize(
    ("tempo", "seed", "band_hz"),
    [
        ("2-0-1-0", 1, LOW),
        ("1-0-1-0", 2, LOW),
        ("1-0-1-0", 5, LOW),
        ("2-0-1-0", 5, HIGH),
        ("3-1-1-1", 2, HIGH),
        ("3-1-1-1", 4, HIGH),
    ],
)
def test_a_turning_wrist_on_one_axis_does_not_hide_or_add_repetitions(
    tempo: str, seed: int, band_hz: tuple[float, float]
) -> None:
    # Before the recount these gave -5, -6, -4, +11, +31 and +20.
    reps = 8 + seed % 4
    rec = simulate_set(reps=reps, tempo=Tempo.parse(tempo), seed=seed)
    analysis = analyze_motion(add_turning_wrist(rec, band_hz, seed=seed))
    assert analysis.reps == reps
    recounted = any("counted along the direction" in why for why in analysis.quality.reasons)
    # All six are recounted (and say so). In the sixth (2-0-1-0, seed 5, fast turning) the
    # set found is the sensor's noise in the first 2 s (clarity 0.75, period 1 s); it counted 9
    # at the once-integrated signal's period until the set's room was weighed, which leaves out
    # one of its 3 noise humps: then the count is far from the rhythm and the set is recounted.
    assert recounted
    assert analysis.quality.status == "fair"


def test_turning_wrist_grid_stays_at_its_measured_accuracy() -> None:
    """36 sets (3 tempos x 6 seeds x slow and fast turning): 18 exact and 25 within one.

    Before the recount: 8 exact and 15 within one. A floor, so that a change that loses
    ground here shows up. It was 26 within one before the count kept to sets found with a
    clarity of 0.7-0.8 (``MotionParams.clear_set``): one set (3-1-1-1, seed 3, slow turning)
    went from one too many to three too few, for 5 more whole watch recordings and 2 more
    muvr-dev sets counted exactly (2 fewer barbell sets).
    """
    errors = []
    for tempo in ("2-0-1-0", "3-1-1-1", "1-0-1-0"):
        for seed in range(6):
            for band in (LOW, HIGH):
                reps = 8 + seed % 4
                rec = simulate_set(reps=reps, tempo=Tempo.parse(tempo), seed=seed)
                errors.append(analyze_motion(add_turning_wrist(rec, band, seed=seed)).reps - reps)
    assert sum(e == 0 for e in errors) >= 18
    assert sum(abs(e) <= 1 for e in errors) >= 25


@pytest.mark.parametrize(
    ("reps", "idle_before_s", "idle_after_s"), [(14, 15.74, 3.83), (3, 6.53, 18.89)]
)
def test_pauses_inside_slow_repetitions_are_no_reason_to_recount(
    reps: int, idle_before_s: float, idle_after_s: float
) -> None:
    """2-1-2-1 at 10 Hz: each repetition has three turns of the acceleration, and idle time.

    The first set's clearest single-axis rhythm is a third of a repetition (a recount at that
    rhythm gave 41); the second is three repetitions amid 25 s of idle time (the rhythm's
    expected count is too high, and a recount gave 6). Both count one extra, as slow sets that
    start from the resting position can (see the benchmark), and no more.
    """
    rec = simulate_set(
        reps=reps,
        tempo=Tempo.parse("2-1-2-1"),
        rate_hz=10.0,
        seed=14 if reps == 14 else 152,
        idle_before_s=idle_before_s,
        idle_after_s=idle_after_s,
        start_at_top=False,
    )
    assert analyze_motion(rec).reps in (reps, reps + 1)


def test_motion_analysis_counts_synthetic_curls() -> None:
    result = analyze_motion(synthetic_curls(), concentric=Movement.UP, tempo=Tempo.parse("3-0-1-1"))
    assert result.reps + result.partial_reps == 4
    assert result.tempo_adherence is not None
    mean_ecc = np.mean([r.eccentric_s for r in result.repetitions])
    mean_conc = np.mean([r.concentric_s for r in result.repetitions])
    assert mean_ecc == pytest.approx(3.0, abs=0.4)
    assert mean_conc == pytest.approx(1.0, abs=0.3)


_KERNEL_SCRIPT = """
import numpy as np
from tests.factories import synthetic_curls
from mindmuscle.signals.motion import analyze_motion, simulate_set
from mindmuscle.signals.motion.synthetic import add_turning_wrist
from mindmuscle.catalog.models import Tempo
counts = [analyze_motion(synthetic_curls()).reps]
rec = simulate_set(reps=9, tempo=Tempo.parse("3-1-1-1"), seed=1)
rec = add_turning_wrist(rec, (0.1, 0.4), seed=1)
counts.append(analyze_motion(rec).reps)
print(counts)
"""


@pytest.mark.parametrize("kernel", ["Haswell", "Prescott", "Sandybridge", "SkylakeX"])
def test_the_count_does_not_depend_on_the_blas_kernel(kernel: str) -> None:
    # OpenBLAS picks its kernel at import; each must give the answer of the default one.
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "OPENBLAS_CORETYPE": kernel, "PYTHONPATH": str(root)}
    out = subprocess.run(
        [sys.executable, "-c", _KERNEL_SCRIPT], env=env, capture_output=True, text=True, check=True
    )
    default = subprocess.run(
        [sys.executable, "-c", _KERNEL_SCRIPT],
        env={k: v for k, v in env.items() if k != "OPENBLAS_CORETYPE"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == default.stdout.strip()
    assert out.stdout.strip().startswith("[4, ")


TEMPOS = ("2-0-1-0", "3-1-1-1", "2-0-1-1", "3-0-1-0", "4-0-2-1")
# Sets at these tempos keep their count exactly under 12-bit steps and any rate from 10 to
# 200 Hz (a random search of 500 sets found no change). At the slow ones (3-1-1-1, 4-0-2-1), a
# set that starts at the top begins with the unracking lift, and the lowering of a long
# eccentric leaves the filter's rebound after the last repetition: those edge humps sit near
# the count's thresholds, so a 12-bit step or another rate can tip them (of 300 random slow sets,
# 5 moved by one under 12-bit steps and 14 under another rate). There the bound is one.
BRISK_TEMPOS = ("2-0-1-0", "2-0-1-1", "3-0-1-0")
SLOW_TEMPOS = ("3-1-1-1", "4-0-2-1")


# Derandomised: the same examples on every run, so a change to the count is caught the same way
# each time.
SETTINGS = settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
    derandomize=True,
)


@st.composite
def sets(draw: st.DrawFn, tempos: tuple[str, ...] = TEMPOS) -> MotionRecording:
    return simulate_set(
        reps=draw(st.integers(5, 12)),
        tempo=Tempo.parse(draw(st.sampled_from(tempos))),
        seed=draw(st.integers(0, 10_000)),
        rate_hz=100.0,
        start_at_top=draw(st.booleans()),
    )


def _with(rec: MotionRecording, acc: np.ndarray, t: np.ndarray | None = None) -> MotionRecording:
    return MotionRecording(rec.t_s if t is None else t, acc, source="changed")


@SETTINGS
@given(rec=sets(), level=st.floats(-15.0, 15.0))
def test_the_level_of_a_stuck_axis_changes_nothing(rec: MotionRecording, level: float) -> None:
    # One axis stuck at one value (a failed sensor axis, or one that gravity alone holds): where
    # it sits must not matter, however near-singular it makes the axes' covariance.
    acc = rec.acc_ms2.copy()
    weakest = int(np.argmin(np.std(acc, axis=0)))
    acc[:, weakest] = 0.0
    stuck = acc.copy()
    stuck[:, weakest] = level
    assert analyze_motion(_with(rec, stuck)).reps == analyze_motion(_with(rec, acc)).reps


def _quantised(rec: MotionRecording, full_scale_g: float) -> MotionRecording:
    step = 2 * full_scale_g * 9.80665 / 4096
    return _with(rec, np.round(rec.acc_ms2 / step) * step)


@SETTINGS
@given(rec=sets(BRISK_TEMPOS), full_scale_g=st.sampled_from([4.0, 8.0, 16.0]))
def test_twelve_bit_steps_change_nothing(rec: MotionRecording, full_scale_g: float) -> None:
    assert analyze_motion(_quantised(rec, full_scale_g)).reps == analyze_motion(rec).reps


@SETTINGS
@given(rec=sets(SLOW_TEMPOS), full_scale_g=st.sampled_from([4.0, 8.0, 16.0]))
def test_twelve_bit_steps_move_a_slow_set_by_one_at_most(
    rec: MotionRecording, full_scale_g: float
) -> None:
    # Exactly equal is the goal (the motion issue); an edge hump of a slow set can tip (above).
    assert abs(analyze_motion(_quantised(rec, full_scale_g)).reps - analyze_motion(rec).reps) <= 1


@SETTINGS
@given(rec=sets(), share=st.floats(0.002, 0.01))
def test_clipping_the_highest_samples_changes_nothing(rec: MotionRecording, share: float) -> None:
    # A sensor that saturates on the sharpest jolts (the top fraction of a percent of samples).
    dev = rec.acc_ms2 - np.median(rec.acc_ms2, axis=0)
    limit = np.quantile(np.abs(dev), 1 - share, axis=0)
    clipped = np.median(rec.acc_ms2, axis=0) + np.clip(dev, -limit, limit)
    assert analyze_motion(_with(rec, clipped)).reps == analyze_motion(rec).reps


def _resampled(rec: MotionRecording, rate_hz: float) -> MotionRecording:
    t = np.arange(rec.t_s[0], rec.t_s[-1], 1.0 / rate_hz)
    acc = np.column_stack([np.interp(t, rec.t_s, rec.acc_ms2[:, i]) for i in range(3)])
    return _with(rec, acc, t)


@SETTINGS
@given(rec=sets(BRISK_TEMPOS), rate_hz=st.floats(10.0, 200.0))
def test_any_rate_from_10_to_200_hz_changes_nothing(rec: MotionRecording, rate_hz: float) -> None:
    assert analyze_motion(_resampled(rec, rate_hz)).reps == analyze_motion(rec).reps


@SETTINGS
@given(rec=sets(SLOW_TEMPOS), rate_hz=st.floats(10.0, 200.0))
def test_any_rate_moves_a_slow_set_by_one_at_most(rec: MotionRecording, rate_hz: float) -> None:
    # Exactly equal is the goal; an edge hump of a slow set can tip (above).
    assert abs(analyze_motion(_resampled(rec, rate_hz)).reps - analyze_motion(rec).reps) <= 1


@SETTINGS
@given(rec=sets(), where=st.floats(0.1, 0.9), length_s=st.floats(0.1, 0.24))
def test_a_short_dropout_changes_nothing(
    rec: MotionRecording, where: float, length_s: float
) -> None:
    # Samples lost for under a quarter of a second (a Bluetooth hiccup): the movement went on.
    t0 = rec.t_s[0] + where * (rec.t_s[-1] - rec.t_s[0])
    keep = (rec.t_s < t0) | (rec.t_s >= t0 + length_s)
    dropped = MotionRecording(rec.t_s[keep], rec.acc_ms2[keep], source="dropout")
    assert analyze_motion(dropped).reps == analyze_motion(rec).reps


def _tilting_set(reps: int, period_s: float, rate_hz: float = 50.0) -> MotionRecording:
    """``reps`` repetitions of a wrist tilting 100 degrees and back (a curl as the watch feels
    it: gravity turning between two axes), ``period_s`` each, from rest, with light noise."""
    t = np.arange(0.0, reps * period_s, 1 / rate_hz)
    theta = np.radians(50.0) * (1 - np.cos(2 * np.pi * t / period_s))
    g = 9.80665
    acc = np.column_stack([g * np.cos(theta), 0.3 * g * np.sin(theta), g * np.sin(theta)])
    acc += np.random.default_rng(0).normal(scale=0.05, size=acc.shape)
    return MotionRecording(t, acc, source="tilting set")


@pytest.mark.parametrize(
    ("reps", "period_s", "share"), [(6, 4.0, 0.8), (8, 2.5, 0.8), (10, 2.0, 0.85)]
)
def test_a_last_repetition_cut_by_the_stop_of_the_recording_counts(
    reps: int, period_s: float, share: float
) -> None:
    # The recording stops while the last repetition comes down (share of it recorded): that
    # repetition can lose its hump on the band-limited signal (6 slow ones at 4 s counted 5),
    # but the movement after the last hump holds more than a period and looks like the others.
    rec = _tilting_set(reps, period_s)
    keep = rec.t_s <= (reps - 1 + share) * period_s
    result = analyze_motion(MotionRecording(rec.t_s[keep], rec.acc_ms2[keep], source="cut"))
    assert result.reps == reps
    assert result.partial_reps == 0


@pytest.mark.parametrize("periods", [1.5, 2.0, 3.0])
def test_another_movement_after_the_set_is_no_missing_repetition(periods: float) -> None:
    # After 8 repetitions the wrist turns about another axis (the weight put down) for 1.5 to 3
    # periods: room for a repetition, but nothing like one.
    period_s, rate = 2.5, 50.0
    rec = _tilting_set(8, period_s, rate)
    u = np.arange(1 / rate, periods * period_s, 1 / rate)
    phi = np.radians(50.0) * np.sin(np.pi * u / u[-1]) * np.sin(2 * np.pi * u / (0.7 * period_s))
    g = 9.80665
    after = np.column_stack([g * np.cos(phi), g * np.sin(phi), np.zeros_like(phi)])
    t = np.concatenate([rec.t_s, rec.t_s[-1] + u])
    whole = MotionRecording(t, np.vstack([rec.acc_ms2, after]), source="set then put down")
    assert analyze_motion(whole).reps == 8


def test_hump_thresholds_are_the_sets_own() -> None:
    # Six humps of height 1 inside the set and two of height 8 just outside it (set-up movement):
    # judged by the set's own humps all eight clear the bar; judged by all, the six inner ones
    # fall under a fifth of the 90th percentile.
    rate, period = 25.0, 2.0
    t = np.arange(0.0, 24.0, 1 / rate)
    centres = [(2.0, 8.0), *((5.0 + period * k, 1.0) for k in range(6)), (20.0, 8.0)]
    hump = sum(h * np.exp(-0.5 * ((t - c) / 0.3) ** 2) for c, h in centres)
    env = np.ones(t.size)
    inside = (int(4.0 * rate), int(17.0 * rate))
    region = (0, t.size)
    judged, _ = _pick_humps(hump, env, period, rate, DEFAULT_PARAMS, region, inside)
    assert [round(t[p], 1) for p in judged] == [2.0, 5.0, 7.0, 9.0, 11.0, 13.0, 15.0, 20.0]
    by_all, _ = _pick_humps(hump, env, period, rate, DEFAULT_PARAMS, region)
    assert [round(t[p], 1) for p in by_all] == [2.0, 20.0]


@pytest.mark.parametrize(
    ("reps", "rate_hz", "seed", "idle_before_s", "idle_after_s"),
    [(9, 12.5, 159, 3.5, 1.4), (19, 100.0, 213, 3.9, 18.3)],
)
def test_stillness_or_a_rack_after_a_slow_set_is_no_missing_repetition(
    reps: int, rate_hz: float, seed: int, idle_before_s: float, idle_after_s: float
) -> None:
    # 2-1-2-1 (6 s a repetition, small accelerations): the sensor's noise at rest reaches half
    # the set's movement strength, and a recording that stops 1.4 s after the last repetition
    # holds only its end; neither is a repetition whose hump is missing (both counted one more
    # before the strength level and the quarter period either side of the hump were required).
    rec = simulate_set(
        reps=reps,
        tempo=Tempo.parse("2-1-2-1"),
        rate_hz=rate_hz,
        seed=seed,
        idle_before_s=idle_before_s,
        idle_after_s=idle_after_s,
    )
    assert analyze_motion(rec).reps == reps


def test_a_first_or_last_repetition_must_look_like_the_set_to_count() -> None:
    # The same cut set as above, with a likeness no movement reaches: the last repetition, which
    # has no hump of its own, is not counted.
    rec = _tilting_set(6, 4.0)
    keep = rec.t_s <= 5.8 * 4.0
    cut = MotionRecording(rec.t_s[keep], rec.acc_ms2[keep], source="cut")
    assert analyze_motion(cut).reps == 6
    assert analyze_motion(cut, params=replace(DEFAULT_PARAMS, missing_likeness=1.01)).reps == 5


def test_a_hump_beside_the_set_needs_less_likeness_than_a_missing_one() -> None:
    # A candidate whose movement correlates 0.47 with the set's typical repetition: enough for a
    # hump beside the set (0.45), not for a repetition whose hump is missing (0.5).
    period = 50
    u = np.arange(8 * period)
    shape = np.sin(2 * np.pi * u / period)[:, None].copy()
    k = 6 * period + period // 2
    window = np.arange(k - period // 2, k + period // 2)
    phase = 2 * np.pi * window / period
    shape[window, 0] = 0.47 * np.sin(phase) + np.sqrt(1 - 0.47**2) * np.cos(phase)
    inner = np.array([period // 2 + period * j for j in range(1, 5)])
    assert _like_template(shape, inner, k, period, DEFAULT_PARAMS.edge_likeness)
    assert not _like_template(shape, inner, k, period, DEFAULT_PARAMS.missing_likeness)


def _with_setup_movement(seed: int) -> MotionRecording:
    """Eight 2-0-1-0 repetitions (the first starts 5 s in) and, 0.5 s before the first, a 1 s
    push and pull of 2 m/s^2 at 60 degrees from the vertical (sitting down, gripping): a hump
    on the movement axis spaced like a repetition, unlike one on the other axes."""
    rec = simulate_set(reps=8, tempo=Tempo.parse("2-0-1-0"), seed=seed, idle_before_s=5.0)
    # simulate_set draws its orientation first from the same seed.
    rot = random_rotation(np.random.default_rng(seed))
    u = rec.t_s - rec.t_s[0] - 3.5
    push = np.where((u >= 0) & (u <= 1.0), 2.0 * np.sin(2 * np.pi * u), 0.0)
    angle = np.radians(60.0)
    direction = np.array([0.0, np.sin(angle), np.cos(angle)]) @ rot
    acc = rec.acc_ms2 + push[:, None] * direction[None, :]
    return MotionRecording(rec.t_s, acc, source="set-up movement, then the set")


@pytest.mark.parametrize("seed", [2, 3, 6])
def test_a_setup_movement_beside_a_full_set_is_no_repetition(seed: int) -> None:
    # The push makes a hump 0.6 s before the set found, 1.2 periods before the first
    # repetition's: spaced like one, but the set's 8 periods are full and it looks like none
    # of them (counted 9 before the set's room was weighed).
    rec = _with_setup_movement(seed)
    result = analyze_motion_trace(rec)
    assert result[0].reps == 8
    assert result[1].peaks_s[0] > 5.0  # the first repetition's hump, not the push's
    always_room = replace(DEFAULT_PARAMS, edge_room=-np.inf)
    assert analyze_motion(rec, params=always_room).reps == 9


def test_a_hump_beside_the_set_counts_when_the_set_has_room_or_it_looks_like_the_set() -> None:
    # Eight humps inside the set, one 0.6 period before it. Unlike the set's repetitions (its
    # movement on another axis), it counts only when the set's length holds a ninth
    # repetition; like them, it counts either way.
    period = 50
    u = np.arange(12 * period)
    shape = np.zeros((u.size, 2))
    shape[:, 0] = np.sin(2 * np.pi * u / period)
    inner = [2 * period + period // 4 + period * j for j in range(8)]
    before = inner[0] - round(0.6 * period)
    peaks = np.array([before, *inner], dtype=np.int64)
    keep = np.ones(peaks.size, dtype=bool)
    prom = np.ones(peaks.size)
    full = (2 * period, 10 * period)  # 8 periods
    roomy = (2 * period - 3 * period // 4, 10 * period)  # 8.75 periods
    window = slice(before - period // 2, before + period // 2)
    like = shape.copy()
    like[window] = shape[inner[0] - period // 2 : inner[0] + period // 2]
    unlike = like.copy()
    unlike[window] = unlike[window][:, ::-1]

    def kept(core: tuple[int, int], s: np.ndarray) -> list[bool]:
        out = _without_setup(peaks, keep, core, float(period), DEFAULT_PARAMS, s, prom, 1.0)
        return [bool(k) for k in out]

    assert kept(full, unlike) == [False] + [True] * 8
    assert kept(roomy, unlike) == [True] * 9
    assert kept(full, like) == [True] * 9


@pytest.mark.parametrize(("reps", "period_s"), [(6, 4.0), (8, 2.5), (10, 2.0)])
@pytest.mark.parametrize("cut", [0.3, 0.4])
def test_a_repetition_cut_by_the_stop_keeps_its_opposite_half(
    reps: int, period_s: float, cut: float
) -> None:
    # The recording stops 0.3 or 0.4 of a period before the last repetition ends: its lowering
    # is recorded, its hump on the band-limited velocity is not, and the room after the last
    # hump is under 1.5 periods. A trough like the set's on both sides of the humps (N + 1
    # troughs for N humps), with the device moving at the stop, tells the repetition cut by
    # the stop (counted one fewer without the rule).
    rec = _tilting_set(reps, period_s)
    keep = rec.t_s <= (reps - cut) * period_s
    stopped = MotionRecording(rec.t_s[keep], rec.acc_ms2[keep], source="stopped early")
    assert analyze_motion(stopped).reps == reps
    assert analyze_motion(stopped, params=replace(DEFAULT_PARAMS, cut_edges=False)).reps == reps - 1


@pytest.mark.parametrize(("reps", "tempo", "seed"), [(8, "2-0-1-0", 4), (6, "3-1-1-1", 5)])
def test_a_rerack_and_stillness_after_the_set_is_no_cut_repetition(
    reps: int, tempo: str, seed: int
) -> None:
    # After the last repetition the bar is re-racked (5 cm) and the recording runs on 3 s: the
    # band-limited velocity holds a trough like the set's there, and the hump that would follow
    # it lies at the stop, but the device is still (2-0-1-0) or the re-rack is unlike the set
    # at the set's pace (3-1-1-1, which at a faster pace looks like it): no repetition is cut.
    rec = simulate_set(reps=reps, tempo=Tempo.parse(tempo), seed=seed, start_at_top=True)
    assert analyze_motion(rec).reps == reps


def _pulses(n: int, humps: list[tuple[int, float]], period: int) -> np.ndarray:
    """Repetitions on three axes: a small pulse at each hump, the turn a quarter period before it
    on the second axis and after it on the third, all drawn out by the repetition's pace."""
    shape = np.zeros((n, 3))
    for k, pace in humps:
        d = np.arange(n) - k
        near = np.abs(d) < pace * period / 2
        width = pace * period / 16
        for axis, (at, size) in enumerate(((0.0, 0.5), (-0.25, 1.0), (0.25, -1.0))):
            shape[near, axis] += size * np.exp(-0.5 * ((d[near] - at * pace * period) / width) ** 2)
    return shape


@pytest.mark.parametrize(
    ("spacing", "found"), [(1.0, True), (1.12, True), (0.88, True), (1.3, False)]
)
def test_a_missing_first_repetition_is_looked_for_where_it_lies(
    spacing: float, found: bool
) -> None:
    # Eight counted repetitions of 50 samples and, ``spacing`` periods before the first, one
    # more whose hump was not counted (a breath after it, or a first repetition that took
    # longer or less long): the movement before the first hump holds 1.5 periods, room for it.
    # Exactly one period before the first hump it correlates under 0.5 with the typical
    # repetition at 1.12 or 0.88 periods (counted one fewer without looking around), and the
    # repetition is found where it is. Beyond 15% of the period its place is not looked at:
    # nothing is added.
    period, rate = 50, 25.0
    inner = [3 * period + period * j for j in range(8)]
    early = inner[0] - round(spacing * period)
    shape = _pulses(13 * period, [(early, 1.0), *((k, 1.0) for k in inner)], period)
    humps = np.array(inner, dtype=np.int64)
    least = DEFAULT_PARAMS.missing_likeness
    one_period = inner[0] - period
    assert _like_template(shape, humps, one_period, period, least) == (spacing == 1.0)
    region = (0, shape.shape[0])
    out, sizes = _missing_edge_reps(
        shape, (humps, np.ones(8)), period / rate, rate, region, shape, least
    )
    assert out.tolist() == ([early, *inner] if found else inner)
    assert sizes.tolist() == [1.0] * out.size


def test_an_unracking_before_the_first_repetition_is_no_missing_repetition() -> None:
    # Eight 3-0-1-1 squats after 15 s of walking: the 5 cm unracking just before the first
    # lowering is shaped like a repetition's lifting, 0.9 period before the first hump, with
    # room for one more repetition before it; but it moves about a quarter of what the set's
    # repetitions move (counted 9 when a missing repetition needed no movement of its own).
    rec = simulate_set(reps=8, tempo=Tempo.parse("3-0-1-1"), seed=4, walk_before_s=15)
    assert analyze_motion(rec).reps == 8


def test_a_slower_edge_repetition_is_compared_at_its_own_pace() -> None:
    # Eight repetitions of 50 samples and, 1.8 periods after the last, one 1.8 times slower (a
    # hard set's last repetition): at the set's pace it correlates 0.40 with the typical
    # repetition (under the 0.45 a hump beside the set needs), at its own pace 1.0. A movement
    # faster than the set is not squeezed to fit: compared at the set's pace only.
    period, least = 50, DEFAULT_PARAMS.edge_likeness
    inner = [period + period * j for j in range(8)]
    slow = inner[-1] + round(1.8 * period)
    shape = _pulses(14 * period, [*((k, 1.0) for k in inner), (slow, 1.8)], period)
    humps = np.array(inner, dtype=np.int64)
    assert not _like_template(shape, humps, slow, period, least)
    assert _like_set(shape, humps, slow, period, least, 1.8)
    fast = inner[-1] + round(0.6 * period)
    shape = _pulses(14 * period, [*((k, 1.0) for k in inner), (fast, 0.55)], period)
    assert not _like_template(shape, humps, fast, period, least)
    assert _like_template(shape, humps, fast, period, least, stretch=0.55)
    assert not _like_set(shape, humps, fast, period, least, 0.6)


def _cut_circle(start: float, stop: float, moving: tuple[float, float]) -> tuple[int, list[int]]:
    """Six repetitions as a circle on two axes (hump of the first axis at 0, 1, ..., 5 periods of
    50 samples, its trough half a period after each), moving from ``moving[0]`` to
    ``moving[1]`` periods and recorded from ``start`` to ``stop``; returns the samples recorded
    and where :func:`_cut_edge_reps` puts the humps, relative to the first counted one."""
    period, reps = 50, 6
    u = np.arange(round(start * period), round(stop * period))
    on = (u >= moving[0] * period) & (u < moving[1] * period)
    phase = 2 * np.pi * u / period
    shape = np.column_stack([np.cos(phase), np.sin(phase)]) * on[:, None]
    humps = np.arange(reps, dtype=np.int64) * period - round(start * period)
    out, _ = _cut_edge_reps(
        (shape[:, 0], shape, shape),
        (humps, np.ones(reps)),
        period / 25.0,
        25.0,
        DEFAULT_PARAMS.edge_likeness,
        True,
    )
    return u.size, [int(k - humps[0]) for k in out]


def test_a_trough_on_both_sides_adds_the_repetition_the_recording_cut() -> None:
    every = [0, 50, 100, 150, 200, 250]
    # Started 0.3 period after the hump before the first: that repetition's trough is recorded,
    # its hump is not; it is put at the first sample.
    assert _cut_circle(-0.7, 7.5, (-2.0, 5.5))[1] == [-35, *every]
    # Stopped 0.3 period after the last trough, still moving: the next hump is cut by the stop.
    n, humps = _cut_circle(-2.0, 5.8, (-0.75, 7.0))
    assert humps == [*every, n - 1 - 100]
    # Stopped 0.45 period after the last trough, still for the last 0.35: the set had ended.
    assert _cut_circle(-2.0, 5.95, (-0.75, 5.6))[1] == every
    # The movement starts from stillness a quarter period before the first trough: the hump
    # before it would lie in the recording, which holds none, so nothing was cut.
    assert _cut_circle(-2.0, 7.5, (-0.75, 5.5))[1] == every


def _lost_inside(lost: list[int], scale: float = 1.0, *, gap: bool = False) -> list[int]:
    """Eight repetitions as a circle on two axes (hump of the first axis every 50 samples), of
    which the count lost the humps ``lost`` (0-based); those repetitions move ``scale`` times as
    far (0 for a rest), or fall in a stretch with no samples (``gap``). Returns the humps that
    :func:`_inner_missing_reps` gives back."""
    from mindmuscle.signals.motion.analysis import DEFAULT_PARAMS, _inner_missing_reps

    period, reps = 50, 8
    u = np.arange(-period, (reps + 1) * period)
    phase = 2 * np.pi * u / period
    size = np.ones(u.size)
    for k in lost:
        size[np.abs(u - k * period) <= period // 2] = scale
    shape = np.column_stack([np.cos(phase), np.sin(phase)]) * size[:, None]
    humps = np.array([k * period for k in range(reps) if k not in lost], dtype=np.int64) + period
    unrecorded = np.zeros(u.size, dtype=bool)
    if gap:
        for k in lost:
            unrecorded[period + k * period - 10 : period + k * period + 10] = True
    out, sizes = _inner_missing_reps(
        shape[:, 0],
        (humps, np.ones(humps.size)),
        period / 25.0,
        25.0,
        shape,
        DEFAULT_PARAMS.missing_likeness,
        unrecorded,
        DEFAULT_PARAMS.partial_ratio,
    )
    assert sizes.size == out.size
    return [int(k - period) // period for k in out]


def test_a_repetition_inside_the_set_whose_hump_was_lost_is_counted() -> None:
    every = list(range(8))
    # Full movement on every axis where a hump is missing: one (or two) repetitions were lost.
    assert _lost_inside([3]) == every
    assert _lost_inside([3, 4]) == every
    # A rest, a repetition at 40% of the range (partial) or a stretch with no samples: nothing.
    assert _lost_inside([3], 0.0) == [0, 1, 2, 4, 5, 6, 7]
    assert _lost_inside([3], 0.4) == [0, 1, 2, 4, 5, 6, 7]
    assert _lost_inside([3], gap=True) == [0, 1, 2, 4, 5, 6, 7]
    # Nothing is missing: the humps are unchanged.
    assert _lost_inside([]) == every
