"""Live biofeedback end to end with real streams: a pylsl outlet on loopback, BrainFlow's
synthetic board, our simulated source, and the command line."""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.errors import StreamError
from mindmuscle.io.live import open_source, parse_source
from mindmuscle.signals.emg.live import LiveFrame
from mindmuscle.signals.emg.simulate import simulate_emg
from mindmuscle.signals.emg.streaming import causal_envelope

pylsl = pytest.importorskip("pylsl", reason="the sensors extra (pylsl) is not installed")

FS = 1000.0


def _mvc_level() -> float:
    x = simulate_emg(32.0, FS, [(1.0, 31.0)], amplitudes=[1.0], rng=np.random.default_rng(99))
    return float(causal_envelope(x[None, :], FS)[0][int(2 * FS) : int(30 * FS)].mean())


class Sender:
    """A real LSL outlet that sends ``data`` in 20 ms chunks, four times faster than real time,
    with each sample's timestamp; ``stop_at_s`` makes it fall silent there (outlet still open)."""

    def __init__(self, data: npt.NDArray[np.float64], *, stop_at_s: float | None = None) -> None:
        self.name = f"mm-test-{uuid.uuid4().hex[:8]}"
        info = pylsl.StreamInfo(self.name, "EMG", data.shape[0], FS, "float32", self.name)
        info.set_channel_labels([f"EMG{i + 1}" for i in range(data.shape[0])])
        self.outlet = pylsl.StreamOutlet(info, chunk_size=20)
        self.data = data
        self.stop_at = data.shape[1] if stop_at_s is None else int(stop_at_s * FS)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.outlet.have_consumers():
            time.sleep(0.01)
        t0 = pylsl.local_clock()
        for i in range(0, self.stop_at, 20):
            chunk = self.data[:, i : min(i + 20, self.stop_at)].T.astype(np.float32)
            self.outlet.push_chunk(chunk, timestamp=t0 + (i + chunk.shape[0] - 1) / FS)
            time.sleep(0.005)
        self.done.set()


@contextlib.contextmanager
def sending(data: npt.NDArray[np.float64], **kw: Any) -> Iterator[Sender]:
    sender = Sender(data, **kw)
    sender.thread.start()
    try:
        yield sender
    finally:
        sender.done.wait(60)


def _simulated(seed: int) -> tuple[npt.NDArray[np.float64], list[tuple[float, float]], list[float]]:
    rng = np.random.default_rng(seed)
    bursts = [(1.5 + i * 3.0, 3.5 + i * 3.0) for i in range(4)]
    amps = [0.3, 0.5, 0.4, 0.6]
    x = simulate_emg(14.0, FS, bursts, amplitudes=amps, rng=rng)
    y = simulate_emg(14.0, FS, bursts, amplitudes=[0.1] * 4, rng=rng)
    return np.vstack([x, y]), bursts, amps


def test_lsl_loopback_onsets_within_20_ms_and_pct_mvc_within_2_points() -> None:
    from mindmuscle.services.live import build_pipeline, run_live

    data, bursts, amps = _simulated(3)
    frames: list[LiveFrame] = []
    with sending(data) as sender:
        source = open_source(f"lsl:{sender.name}", timeout_s=10)
        assert source.labels == ["EMG1", "EMG2"]
        level = _mvc_level()
        pipeline = build_pipeline(
            source, "EMG1=biceps,2=brachialis", mvc={"biceps": level, "brachialis": level}
        )
        summary = run_live(
            source,
            pipeline,
            on_frame=lambda f, lat: frames.append(f),
            should_stop=lambda: sender.done.is_set() and pipeline.t >= 13.999 - 1e-6,
            seconds=30,
        )
        source.close()
    assert summary.samples == data.shape[1]
    assert pipeline.dropped_samples == 0
    assert len(pipeline.reps) == 4
    for rep, (on, off), amp in zip(pipeline.reps, bursts, amps, strict=True):
        assert abs(rep.onset_s - on) <= 0.020
        assert abs(rep.offset_s - off) <= 0.030
        assert rep.mean_pct_mvc == pytest.approx(100 * amp, abs=2.0)
    assert frames[-1].to_json()["reps"][-1]["rep"] == 4


def test_a_stream_that_stops_mid_set_is_reported_within_a_second_then_lost() -> None:
    from mindmuscle.services.live import build_pipeline, run_live

    data, _bursts, _amps = _simulated(4)
    seen: list[tuple[float, LiveFrame]] = []
    with sending(data, stop_at_s=5.0) as sender:
        source = open_source(f"lsl:{sender.name}", timeout_s=10)
        pipeline = build_pipeline(source, "1=biceps")
        last_sample: list[float] = []

        def on_frame(frame: LiveFrame, latency: float) -> None:
            seen.append((time.monotonic(), frame))
            if frame.stream == "ok":
                last_sample[:] = [time.monotonic()]
            if frame.stream == "stalled" and len(seen) > 1 and seen[-2][1].stream == "ok":
                sender.outlet = None  # the sending app goes away: the stream is lost

        summary = run_live(source, pipeline, on_frame=on_frame, seconds=20)
        source.close()
    states = [f.stream for _, f in seen]
    first_stall = states.index("stalled")
    assert set(states[:first_stall]) == {"ok"}
    # Within the stall mark and a frame or two; a loaded machine may add scheduling delay (the
    # exact 0.5-1.0 s is proven on a virtual clock below).
    assert seen[first_stall][0] - last_sample[0] < 3.0
    assert seen[first_stall][1].t == pytest.approx(5.0, abs=1.0)
    assert states[-1] == "lost" and summary.state == "lost"
    assert "lost" in seen[-1][1].to_json()["quality"]["note"]


def test_brainflow_synthetic_board_streams_frames() -> None:
    with warnings.catch_warnings():  # brainflow's own import warns about pkg_resources
        warnings.simplefilter("ignore")
        try:
            import brainflow.board_shim  # noqa: F401
        except ImportError:
            pytest.skip("the sensors extra (brainflow) is not installed")
    from mindmuscle.services.live import build_pipeline, run_live

    source = open_source("brainflow:synthetic")
    try:
        assert source.sfreq_hz == 250.0 and len(source.labels) == 16
        pipeline = build_pipeline(source, "1=biceps,2=brachialis")
        frames: list[LiveFrame] = []
        summary = run_live(source, pipeline, on_frame=lambda f, lat: frames.append(f), seconds=1.5)
    finally:
        source.close()
    assert summary.samples > 250
    assert len(frames) >= 15
    assert any(n.startswith("The band") or "Nyquist" in n or "band" in n for n in pipeline.notes)
    assert {f.stream for f in frames} == {"ok"}
    assert frames[-1].dropped_samples == 0


def test_parse_source_and_brainflow_addresses() -> None:
    from mindmuscle.io.live import address_kind

    assert parse_source("synthetic").kind == "synthetic"
    assert parse_source("brainflow:cyton:COM3").address == "COM3"
    assert parse_source("brainflow:ganglion:F0:12:34:56:78:9A").address == "F0:12:34:56:78:9A"
    assert address_kind("F0:12:34:56:78:9A") == "mac_address"
    assert address_kind("192.168.4.1:6677") == "ip_address"
    assert address_kind("/dev/ttyUSB0") == "serial_port"


def test_lsl_stream_not_found_says_so() -> None:
    with pytest.raises(StreamError, match="no LSL stream named or of type 'mm-absent"):
        open_source(f"lsl:mm-absent-{uuid.uuid4().hex[:6]}", timeout_s=0.3)


def _cli(args: list[str]) -> Any:
    return CliRunner().invoke(app, args, env={"COLUMNS": "100"})


def test_cli_json_lines_and_record_read_back_by_emg(tmp_path: Path) -> None:
    rec = tmp_path / "set.csv"
    result = _cli(
        [
            "live",
            "--source",
            "synthetic",
            "--map",
            "EMG1=biceps_left,2=brachialis,3=front_delt,4=biceps_right",
            "--exercise",
            "dumbbell_biceps_curl",
            "--seconds",
            "4.6",
            "--json-lines",
            "--record",
            str(rec),
        ]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == pytest.approx(4.6 / 0.05, abs=6)
    last = lines[-1]
    assert set(last) == {"t", "muscles", "ratios", "reps", "quality"}
    assert last["muscles"]["front_delt"]["role"] == "compensator"
    assert last["muscles"]["biceps_left"]["pct_mvc"] is None  # no calibration: never %MVC
    assert [r["muscle"] for r in last["reps"]] == ["biceps_left", "biceps_right"]
    assert abs(last["reps"][0]["onset_s"] - 2.0) <= 0.02
    assert last["ratios"]["biceps left:right"]["left_share_pct"] == pytest.approx(52.6, abs=3)
    analysed = _cli(["emg", str(rec), "--json"])
    assert analysed.exit_code == 0, analysed.output
    doc = json.loads(analysed.stdout)
    assert [c["name"] for c in doc["channels"]] == [
        "biceps_left", "brachialis", "front_delt", "biceps_right"
    ]  # fmt: skip
    assert doc["sfreq_hz"] == pytest.approx(1000.0, rel=1e-3)


def test_cli_live_view_shows_bars_labelled_percent_of_set_peak() -> None:
    result = _cli(["live", "--source", "synthetic", "--map", "1=biceps", "--seconds", "2.5"])
    assert result.exit_code == 0, result.output
    assert "of this set's peak" in result.stdout
    assert "% MVC" not in result.stdout
    assert "stream ok" in result.stdout


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["--source", "bluetooth", "--map", "1=b"], "'bluetooth' is not a source"),
        (["--source", "synthetic", "--map", "9=biceps"], "channel 9 does not exist"),
        (["--source", "synthetic", "--map", "biceps"], "is not CH=MUSCLE"),
        (["--source", "synthetic"], "--map"),
        (["--map", "1=b"], "--source"),
        (["--source", "synthetic", "--map", "1=b", "--seconds", "0"], "above 0"),
        (["--source", "synthetic", "--map", "1=b", "--notch", "55"], "50 or 60"),
        (["--source", "brainflow:toaster", "--map", "1=b"], "no board 'toaster'"),
        (
            ["--source", "brainflow:playback:/no/such.csv", "--map", "1=b"],
            "brainflow:playback:/no/such.csv: no such file (check the path)",
        ),
        (["--source", "synthetic", "--map", "1=b", "--exercise", "nope"], "nope"),
        (
            ["--source", "synthetic", "--map", "1=triceps", "--exercise", "dumbbell_biceps_curl"],
            "no target muscle of Dumbbell Biceps Curl",
        ),
        (["--source", "synthetic", "--map", "1=b", "--record", "x.edf"], ".csv"),
        (  # the option named is the one given wrong
            ["--source", "synthetic", "--map", "1=b", "--cue-at", "500"],
            "Invalid value for '--cue-at': 500 is not a %MVC to cue at",
        ),
    ],
)
def test_cli_bad_arguments_give_one_line_and_exit_2(
    args: list[str], phrase: str, tmp_path: Path
) -> None:
    with contextlib.chdir(tmp_path):
        result = _cli(["live", *args])
    lines = result.stderr.strip().splitlines()
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith("Error: ")
    assert phrase in lines[0]
    assert "Traceback" not in result.output


class VirtualClock:
    """Time that moves only when someone sleeps: a 40-second protocol runs in a moment."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 1e-4)


def test_calibration_finds_the_strongest_contraction_and_live_reads_pct_mvc(
    tmp_path: Path,
) -> None:
    from mindmuscle.io.live.synthetic import SyntheticSource
    from mindmuscle.services.live import (
        build_pipeline,
        load_calibrations,
        run_calibration,
        run_live,
        save_calibrations,
    )
    from mindmuscle.store import LOCAL_USER_ID, open_database

    # The protocol with 2 s rests: contractions at 3-8, 10-15 and 17-22 s (plus the 10 ms
    # chunk the source waits for). The lifter gives 80 %, 100 % and 90 % of their maximum.
    contractions = [(3.0, 8.0), (10.0, 15.0), (17.0, 22.0)]
    rng = np.random.default_rng(11)
    x = simulate_emg(24.0, FS, contractions, amplitudes=[0.8, 1.0, 0.9], rng=rng)
    clock = VirtualClock()
    steps: list[str] = []
    source = SyntheticSource(data=x[None, :], loop=False, clock=clock, sleep=clock.sleep)
    results = run_calibration(
        source,
        "1=biceps",
        placement="mid belly",
        rest_s=2.0,
        on_step=lambda step, left: steps.append(step.kind),
        clock=clock,
    )
    assert steps[0] == "rest" and steps.count("contract") >= 3
    assert (results.gaps, results.missing_s) == (0, 0.0)
    [cal] = results.results
    assert (cal.muscle, cal.trial, cal.unit, cal.placement) == ("biceps", 2, "mV", "mid belly")
    level = _mvc_level()
    assert level <= cal.level <= 1.10 * level  # the best second: the maximum, a little above

    db = open_database(f"sqlite:///{tmp_path / 'm.db'}")
    save_calibrations(db, LOCAL_USER_ID, results.results)
    stored = load_calibrations(db, LOCAL_USER_ID, ["biceps", "triceps"], unit="mV")
    assert list(stored) == ["biceps"] and stored["biceps"].flags == []
    moved = load_calibrations(db, LOCAL_USER_ID, ["biceps"], unit="uV", placement_now="distal")
    assert moved["biceps"].flags == [
        "electrodes moved (placed 'mid belly' at calibration, 'distal' now)",
        "made in mV, the stream is in uV",
    ]

    # A set at half the best contraction reads about 50 % MVC (minus the best window's lead).
    y = simulate_emg(6.0, FS, [(2.0, 4.0)], amplitudes=[0.5], rng=rng)
    clock2 = VirtualClock()
    live_src = SyntheticSource(data=y[None, :], loop=False, clock=clock2, sleep=clock2.sleep)
    pipeline = build_pipeline(live_src, "1=biceps", mvc={"biceps": stored["biceps"].level})
    run_live(live_src, pipeline, on_frame=lambda f, lat: None, seconds=6.5, clock=clock2)
    [rep] = pipeline.reps
    assert rep.mean_pct_mvc is not None
    assert 100 * 0.5 * level / cal.level == pytest.approx(rep.mean_pct_mvc, abs=2.0)
    assert 45.0 <= rep.mean_pct_mvc <= 51.0


def test_a_simulated_stream_that_ends_is_reported_stalled_within_a_second() -> None:
    from mindmuscle.io.live.synthetic import SyntheticSource
    from mindmuscle.services.live import build_pipeline, run_live

    clock = VirtualClock()
    x = simulate_emg(3.0, FS, [(1.0, 2.5)], rng=np.random.default_rng(2))
    source = SyntheticSource(data=x[None, :], loop=False, clock=clock, sleep=clock.sleep)
    pipeline = build_pipeline(source, "1=biceps")
    frames: list[tuple[float, LiveFrame]] = []
    summary = run_live(
        source,
        pipeline,
        on_frame=lambda f, lat: frames.append((clock.now, f)),
        seconds=5.0,
        clock=clock,
    )
    last_ok = max(t for t, f in frames if f.stream == "ok")
    first_stall = min(t for t, f in frames if f.stream == "stalled")
    assert 0.5 <= first_stall - last_ok < 1.0
    assert summary.state == "stalled"
    assert frames[-1][1].to_json()["quality"]["note"].startswith("no samples for")


def test_cli_calibrate_then_live_uses_it_and_flags_a_moved_one(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    result = _cli(
        [
            "live", "calibrate", "--source", "synthetic", "--map", "EMG1=biceps,EMG2=brachialis",
            "--muscle", "biceps", "--trials", "1", "--contraction-s", "2", "--rest-s", "0",
            "--placement", "mid belly", "--db", db,
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "CONTRACT biceps AS HARD AS YOU CAN" in result.stdout
    assert "biceps: MVC" in result.stdout and "placement 'mid belly'; stored." in result.stdout
    live = ["live", "--source", "synthetic", "--map", "1=biceps,2=brachialis", "--db", db]
    used = _cli([*live, "--seconds", "0.5", "--json-lines"])
    assert used.exit_code == 0, used.output
    frame = json.loads(used.stdout.splitlines()[-1])
    assert frame["muscles"]["biceps"]["pct_mvc"] is not None
    assert frame["muscles"]["brachialis"]["pct_mvc"] is None  # never calibrated
    moved = _cli([*live, "--seconds", "0.5", "--json-lines", "--placement", "distal third"])
    assert moved.exit_code == 0, moved.output
    assert "electrodes moved (placed 'mid belly' at calibration, 'distal third' now)" in (
        moved.stderr.replace("\n", " ")
    )
    assert json.loads(moved.stdout.splitlines()[-1])["muscles"]["biceps"]["pct_mvc"] is None


def test_cli_calibrate_bad_arguments_exit_2(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    base = ["live", "calibrate", "--source", "synthetic", "--map", "1=biceps", "--db", db]
    for extra, phrase in [
        (["--muscle", "triceps"], "'triceps' is not in --map"),
        (["--trials", "0"], "'--trials': 0 is not allowed: give 1 to 10 contractions (3 usual)."),
        (["--contraction-s", "30"], "'--contraction-s': 30 is not allowed: give 2 to 10 s (5"),
        (["--rest-s", "-1"], "'--rest-s': -1 is not allowed: give 0 to 300 s of rest."),
    ]:
        result = _cli([*base, *extra])
        assert result.exit_code == 2, result.output
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and phrase in lines[0]


def test_cli_calibrate_stopped_with_ctrl_c_says_nothing_was_stored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mindmuscle.services.live as live_service

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(live_service, "run_calibration", interrupted)
    db = str(tmp_path / "m.db")
    result = _cli(
        ["live", "calibrate", "--source", "synthetic", "--map", "1=biceps", "--muscle", "biceps",
         "--db", db]
    )  # fmt: skip
    assert result.exit_code == 130
    assert result.stderr.strip() == "Stopped: no calibration was stored."
    assert "Traceback" not in result.output


def test_cli_notes_a_mapped_muscle_the_catalogue_does_not_know(tmp_path: Path) -> None:
    with contextlib.chdir(tmp_path):
        result = _cli(
            ["live", "--source", "synthetic", "--map", "1=bicep,2=biceps_left", "--seconds",
             "0.3", "--json-lines"]
        )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert result.stderr.strip().splitlines() == [
        "note: --map muscle 'bicep' is not in the catalogue (did you mean biceps?): it is "
        "shown, but no exercise card gives it a role."
    ]
