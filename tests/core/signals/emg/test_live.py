"""The live pipeline on simulated EMG whose bursts, amplitudes and MVC are known."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pytest

from mindmuscle.errors import ChannelMapError, InvalidInputError, InvalidSignalError
from mindmuscle.signals.emg.live import (
    CUE_EVIDENCE,
    LiveChannel,
    LivePipeline,
    assign_roles,
    base_muscle,
    parse_channel_map,
)
from mindmuscle.signals.emg.simulate import simulate_emg
from mindmuscle.signals.emg.streaming import causal_envelope

FS = 2000.0


def mvc_level(fs: float = FS) -> float:
    """The envelope level of a steady contraction of amplitude 1 (30 s, so its mean is exact)."""
    x = simulate_emg(32.0, fs, [(1.0, 31.0)], amplitudes=[1.0], rng=np.random.default_rng(99))
    env = causal_envelope(x[None, :], fs)[0]
    return float(env[int(2 * fs) : int(30 * fs)].mean())


def simulated_set(
    seed: int, fs: float = FS
) -> tuple[npt.NDArray[np.float64], list[tuple[float, float]], npt.NDArray[np.float64]]:
    """Two channels: a target with five bursts of known amplitude, a helper at 30 % of it."""
    rng = np.random.default_rng(seed)
    bursts = [(2.0 + i * 3.5 + rng.uniform(-0.2, 0.2), 4.0 + i * 3.5) for i in range(5)]
    amps = rng.uniform(0.2, 0.7, 5)
    duration = 2 + 5 * 3.5 + 2
    target = simulate_emg(duration, fs, bursts, amplitudes=amps.tolist(), rng=rng)
    helper = simulate_emg(duration, fs, bursts, amplitudes=(0.3 * amps).tolist(), rng=rng)
    return np.vstack([target, helper]), bursts, amps


def feed(p: LivePipeline, data: npt.NDArray[np.float64], fs: float, chunk: int = 40) -> list:
    ts = np.arange(data.shape[1]) / fs
    frames = []
    for i in range(0, data.shape[1], chunk):
        frames += p.push(data[:, i : i + chunk], ts[i : i + chunk], received_at=ts[i])
    return frames


MUSCLES = [LiveChannel(0, "biceps", "target"), LiveChannel(1, "front_delt", "compensator")]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_onsets_within_20_ms_and_pct_mvc_within_2_points(seed: int) -> None:
    data, bursts, amps = simulated_set(seed)
    level = mvc_level()
    p = LivePipeline(FS, MUSCLES, mvc={"biceps": level, "front_delt": level})
    feed(p, data, FS)
    assert len(p.reps) == 5
    for rep, (on, off), amp in zip(p.reps, bursts, amps, strict=True):
        assert abs(rep.onset_s - on) <= 0.020
        assert abs(rep.offset_s - off) <= 0.030
        assert rep.mean_pct_mvc is not None
        assert rep.mean_pct_mvc == pytest.approx(100 * amp, abs=2.0)


def test_frames_come_20_times_a_second_with_the_documented_shape() -> None:
    data, _bursts, _amps = simulated_set(4)
    p = LivePipeline(FS, MUSCLES, mvc={"biceps": mvc_level()})
    frames = feed(p, data, FS)
    duration = data.shape[1] / FS
    assert len(frames) == pytest.approx(duration / 0.05, abs=1)
    doc = frames[-1].to_json()
    assert set(doc) == {"t", "muscles", "ratios", "reps", "quality"}
    assert set(doc["muscles"]["biceps"]) == {"role", "pct_mvc", "pct_peak", "active", "cue"}
    # Calibrated: %MVC; not calibrated: None, never a %MVC made up from the set's peak.
    assert doc["muscles"]["biceps"]["pct_mvc"] is not None
    assert doc["muscles"]["front_delt"]["pct_mvc"] is None
    assert doc["quality"] == {"stream": "ok", "age_s": 0.0, "dropped_samples": 0, "flat": []}
    assert len(doc["reps"]) == 5


def test_without_calibration_bars_are_percent_of_the_sets_peak() -> None:
    data, _bursts, _amps = simulated_set(5)
    p = LivePipeline(FS, MUSCLES)
    frames = feed(p, data, FS)
    peaks = [f.muscles["biceps"]["pct_peak"] for f in frames]
    assert max(peaks) == pytest.approx(100.0, abs=0.1)
    assert all(f.muscles["biceps"]["pct_mvc"] is None for f in frames)
    assert all(r.mean_pct_mvc is None for r in p.reps)
    ratio = frames[-1].ratios["biceps:front_delt"]
    assert ratio == {"kind": "compensator", "value": None}


def test_a_share_of_the_peak_is_never_above_100_even_in_microvolts() -> None:
    """A stream in µV (values in the hundreds) from its first frame: % of this set's peak is
    0-100 throughout, 0 while the filters settle, never the raw level."""
    data, _bursts, _amps = simulated_set(6)
    frames = feed(LivePipeline(FS, MUSCLES), 1000.0 * data, FS)
    shares = [f.muscles[m]["pct_peak"] for f in frames for m in ("biceps", "front_delt")]
    assert min(shares) >= 0.0 and max(shares) == pytest.approx(100.0, abs=0.1)
    assert frames[0].muscles["biceps"]["pct_peak"] == 0.0


def test_ratio_over_the_latest_rep_and_the_compensator_cue() -> None:
    rng = np.random.default_rng(7)
    bursts = [(1.0, 3.0), (4.0, 6.0)]
    target = simulate_emg(7.0, FS, bursts, amplitudes=[0.4, 0.2], rng=rng)
    helper = simulate_emg(7.0, FS, bursts, amplitudes=[0.1, 0.5], rng=rng)
    level = mvc_level()
    p = LivePipeline(FS, MUSCLES, mvc={"biceps": level, "front_delt": level}, cue_at_pct_mvc=30.0)
    frames = feed(p, np.vstack([target, helper]), FS)
    first_rep = [f for f in frames if 1.5 < f.t < 2.5]
    second_rep = [f for f in frames if 4.5 < f.t < 5.5]
    # Rep 1: the target reaches 30 % MVC (40 % true); rep 2: the compensator takes over.
    assert any(
        f.muscles["biceps"]["cue"]
        == {"kind": "target_reached", "evidence": list(CUE_EVIDENCE["target_reached"])}
        for f in first_rep
    )
    assert all(f.muscles["front_delt"]["cue"] is None for f in first_rep)
    assert any(f.muscles["front_delt"]["cue"] is not None for f in second_rep)
    assert all(f.muscles["biceps"]["cue"] is None for f in second_rep)
    new = [c for f in frames for c in f.new_cues]
    assert new == [("biceps", "target_reached"), ("front_delt", "compensating")]
    assert frames[-1].ratios["biceps:front_delt"]["value"] == pytest.approx(0.4, abs=0.05)


def test_left_right_balance_where_both_sides_are_mapped() -> None:
    rng = np.random.default_rng(8)
    left = simulate_emg(4.0, FS, [(1.0, 3.0)], amplitudes=[0.6], rng=rng)
    right = simulate_emg(4.0, FS, [(1.0, 3.0)], amplitudes=[0.2], rng=rng)
    chans = [LiveChannel(0, "biceps_left", "target"), LiveChannel(1, "biceps_right", "target")]
    p = LivePipeline(FS, chans)
    frames = feed(p, np.vstack([left, right]), FS)
    bal = frames[-1].ratios["biceps left:right"]
    assert bal["basis"] == "raw"
    assert bal["left_share_pct"] == pytest.approx(75.0, abs=2.0)


def test_a_stalled_and_a_lost_stream_are_frames_not_errors() -> None:
    data, _bursts, _amps = simulated_set(6)
    p = LivePipeline(FS, MUSCLES, stall_after_s=0.5)
    ts = np.arange(4000) / FS
    p.push(data[:, :4000], ts, received_at=100.0)
    assert p.idle(100.3) is None
    stalled = p.idle(100.6)
    assert stalled is not None and stalled.stream == "stalled"
    assert stalled.to_json()["quality"]["note"] == "no samples for 0.6 s"
    assert p.idle(100.62) is None  # at most one per frame interval
    lost = p.lost(101.0, "the LSL stream was lost")
    assert lost.to_json()["quality"]["stream"] == "lost"
    assert lost.to_json()["quality"]["note"] == "the LSL stream was lost"


def test_gaps_in_timestamps_count_as_dropped_samples() -> None:
    data, _bursts, _amps = simulated_set(6)
    p = LivePipeline(FS, MUSCLES)
    ts = np.arange(4000) / FS
    p.push(data[:, :2000], ts[:2000], received_at=0.0)
    p.push(data[:, 2100:4000], ts[2100:4000], received_at=1.0)
    assert p.dropped_samples == 100
    p.push(data[:, 4000:4010], 2.0 + np.arange(10) / FS, received_at=2.0, dropped=7)
    assert p.dropped_samples == 107


def test_a_flat_channel_is_named() -> None:
    p = LivePipeline(FS, MUSCLES)
    chunk = np.vstack([np.random.default_rng(0).standard_normal(400), np.full(400, 1.5)])
    frames = p.push(chunk, np.arange(400) / FS, received_at=0.0)
    assert frames[-1].flat == ["front_delt"]


def test_parse_channel_map_by_number_and_label() -> None:
    labels = ["EMG1", "EMG2", "Trig"]
    assert parse_channel_map("1=biceps, emg2=triceps", labels) == [(0, "biceps"), (1, "triceps")]
    with pytest.raises(InvalidInputError, match="channel 4 does not exist: the stream has"):
        parse_channel_map("4=biceps", labels)
    with pytest.raises(InvalidInputError, match="'EMG9' is not in the stream"):
        parse_channel_map("EMG9=biceps", labels)
    with pytest.raises(ChannelMapError, match=r"^In the channel map, channel EMG1 is given") as e:
        parse_channel_map("1=biceps,EMG1=triceps", labels)
    # The facts, in words that name no channel's input: the terminal says --map, the web app
    # the field it was typed in.
    assert e.value.problem == "channel EMG1 is given two muscles: one channel is one muscle."
    with pytest.raises(InvalidInputError, match="is not CH=MUSCLE"):
        parse_channel_map("biceps", labels)
    with pytest.raises(InvalidInputError, match="muscle 'biceps' is named twice"):
        parse_channel_map("1=biceps,2=biceps", labels)
    with pytest.raises(InvalidInputError, match="maps no channel"):
        parse_channel_map(" , ", labels)


def test_roles_come_from_the_exercise_card() -> None:
    roles = assign_roles(
        ["biceps_left", "biceps_right", "brachialis", "front_delt", "calves"],
        targets=["biceps"],
        synergists=["brachialis", "forearm_flexors"],
        compensators=["front_delt"],
    )
    assert roles == {
        "biceps_left": "target",
        "biceps_right": "target",
        "brachialis": "synergist",
        "front_delt": "compensator",
        "calves": "other",
    }
    assert assign_roles(["a", "b"]) == {"a": "target", "b": "synergist"}
    assert base_muscle("left_biceps") == "biceps"


def test_bad_input_is_refused_with_what_is_allowed() -> None:
    with pytest.raises(ChannelMapError, match="no channel is mapped to a muscle"):
        LivePipeline(FS, [])
    with pytest.raises(InvalidInputError, match="at most 100"):
        LivePipeline(FS, MUSCLES, cue_at_pct_mvc=150.0)
    with pytest.raises(InvalidInputError, match="not a positive envelope level"):
        LivePipeline(FS, MUSCLES, mvc={"biceps": 0.0})
    p = LivePipeline(FS, MUSCLES)
    with pytest.raises(InvalidSignalError, match="channel 2 is mapped"):
        p.push(np.zeros((1, 10)), np.arange(10) / FS, received_at=0.0)


def test_every_cue_names_evidence_that_exists() -> None:
    from mindmuscle.catalog import load_catalog

    studies = load_catalog().studies
    for ids in CUE_EVIDENCE.values():
        assert ids and all(i in studies for i in ids)
