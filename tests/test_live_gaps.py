"""A live stream whose sending app pauses and resumes, over a real LSL outlet on loopback: the
gap is seen from the stream's own timestamps, its missing samples counted (the same count in the
terminal's set and the web's), the time never runs backwards, and what comes after the gap sits
at its true time."""

from __future__ import annotations

import itertools
import threading
import time
import uuid
import warnings
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from mindmuscle.io.live import open_source
from mindmuscle.signals.emg.live import LiveFrame
from mindmuscle.signals.emg.simulate import simulate_emg

pylsl = pytest.importorskip("pylsl", reason="the sensors extra (pylsl) is not installed")

FS = 1000.0
GAP = (2700, 3700)  # samples 2700-3699 are never sent: the app hung for 1 s
BURSTS = [(1.0, 2.5), (4.0, 5.5)]
END_S = 6.5


def _emg() -> npt.NDArray[np.float64]:
    rng = np.random.default_rng(7)
    return simulate_emg(END_S, FS, BURSTS, amplitudes=[0.5, 0.5], rng=rng)


class PausingSender:
    """One channel of EMG in real time, 20-sample chunks stamped with each sample's time; the
    samples of ``GAP`` are never sent (the app hung), the outlet stays open."""

    def __init__(self) -> None:
        self.name = f"mm-pause-{uuid.uuid4().hex[:8]}"
        info = pylsl.StreamInfo(self.name, "EMG", 1, FS, "float32", self.name)
        self.outlet = pylsl.StreamOutlet(info, chunk_size=20)
        self.x = _emg()
        self.done = threading.Event()

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        self.outlet.wait_for_consumers(10)
        time.sleep(0.3)  # every inlet has opened its stream (they open before start())
        t0 = pylsl.local_clock()
        for i in range(0, self.x.size, 20):
            time.sleep(max(0.0, t0 + i / FS - pylsl.local_clock()))
            if GAP[0] <= i < GAP[1]:
                continue
            chunk = self.x[i : i + 20, None].astype(np.float32)
            self.outlet.push_chunk(chunk, timestamp=t0 + (i + chunk.shape[0] - 1) / FS)
        time.sleep(0.3)
        self.done.set()


def test_a_pause_of_the_sending_app_is_a_gap_with_its_samples_counted_and_time_kept() -> None:
    from mindmuscle.services.live import build_pipeline, run_live

    sender = PausingSender()
    source = open_source(f"lsl:{sender.name}", timeout_s=10)
    pipeline = build_pipeline(source, "1=biceps")
    frames: list[LiveFrame] = []
    sender.start()
    summary = run_live(
        source,
        pipeline,
        on_frame=lambda f, _lat: frames.append(f),
        should_stop=lambda: sender.done.is_set(),
        seconds=30,
    )
    source.close()
    sent = sender.x.size - (GAP[1] - GAP[0])
    assert summary.samples == sent
    # The 500 samples the app never sent, no more, no less.
    assert pipeline.dropped_samples == GAP[1] - GAP[0]
    assert frames[-1].dropped_samples == GAP[1] - GAP[0]
    # The time of the frames never runs backwards (stalled frames included), and the samples
    # after the pause sit at their own times: the last one at 6.499 s, not 1 s early.
    times = [f.t for f in frames]
    assert all(b >= a for a, b in itertools.pairwise(times)), times
    assert "stalled" in [f.stream for f in frames]
    assert pipeline.t == pytest.approx(END_S - 1 / FS, abs=1e-3)  # within a sample
    # The repetition after the gap starts at 4.0 s, as sent (within the live onset's 20 ms).
    assert [round(r.onset_s, 2) for r in pipeline.reps] == pytest.approx(
        [b[0] for b in BURSTS], abs=0.02
    )


def test_the_terminal_and_the_web_count_the_same_missing_samples() -> None:
    from mindmuscle.services.live_capture import SetCapture
    from mindmuscle.services.live_feed import LiveFeed

    sender = PausingSender()
    terminal = SetCapture(open_source(f"lsl:{sender.name}", timeout_s=10), [(0, "biceps")])
    feed = LiveFeed(f"lsl:{sender.name}", "1=biceps", retry_s=0.2)
    set_uuid = str(uuid.uuid4())
    messages: list[dict[str, object]] = []
    watch = feed.watch(user_id=1, exercise_id=None, deliver=messages.append, set_uuid=set_uuid)
    try:
        deadline = time.monotonic() + 20
        while not any(m.get("type") == "setup" for m in messages):
            assert time.monotonic() < deadline, messages
            time.sleep(0.05)
        terminal.start()
        sender.start()
        assert sender.done.wait(30)
        time.sleep(0.3)
        in_terminal = terminal.stop()
        on_web = feed.take(1, set_uuid)
    finally:
        feed.unwatch(watch)
        feed.close()
        terminal.close()
    assert on_web is not None and in_terminal.recording is not None
    assert in_terminal.problem == "1000 samples were missing in 1 gap(s)"
    assert on_web.problem == "1.0 s of samples are missing"
    assert (in_terminal.missing, in_terminal.stalls) == (GAP[1] - GAP[0], 1)
    assert (on_web.missing, on_web.stalls) == (GAP[1] - GAP[0], 1)


def test_brainflows_synthetic_board_makes_no_gap_of_its_arrival_jitter() -> None:
    """BrainFlow stamps a sample when its packet arrives (steps of 0 to 70 ms at 250 Hz): the
    set's stream kept the raw stamps, and a set of the synthetic board, which loses nothing,
    was said to miss samples. The board's counter places the lost ones; nothing else is one."""
    with warnings.catch_warnings():  # brainflow's own import warns about pkg_resources
        warnings.simplefilter("ignore")
        try:
            import brainflow.board_shim  # noqa: F401
        except ImportError:
            pytest.skip("the sensors extra (brainflow) is not installed")
    from mindmuscle.services.live_capture import SetCapture

    capture = SetCapture(open_source("brainflow:synthetic"), [(0, "biceps")])
    try:
        time.sleep(0.5)
        capture.start()
        time.sleep(3.0)
        taken = capture.stop()
    finally:
        capture.close()
    assert taken.recording is not None and taken.timestamps is not None
    assert taken.problem == ""
    assert (taken.missing, taken.stalls) == (0, 0)
    steps = np.diff(taken.timestamps)
    assert steps.min() > 0.55 / 250.0 and steps.max() < 1.45 / 250.0


def test_a_sets_stored_emg_places_the_repetitions_after_a_gap_at_their_times(
    tmp_path: Path,
) -> None:
    """The set's samples, kept by the web's live sensor across the pause, are stored with the
    set: its repetitions sit where they were sent (the second at 4.0 s, not 1 s early), and
    the stored file read again (``mindmuscle emg``) gives the same."""
    from mindmuscle.io.emg import read_emg_file
    from mindmuscle.services.emg_sets import set_emg_file, store_set_emg
    from mindmuscle.services.live_feed import LiveFeed
    from mindmuscle.signals.emg import analyze_emg
    from tests.test_set_emg import _db, _set

    sender = PausingSender()
    feed = LiveFeed(f"lsl:{sender.name}", "1=biceps", retry_s=0.2)
    set_uuid = str(uuid.uuid4())
    messages: list[dict[str, object]] = []
    watch = feed.watch(
        user_id=1, exercise_id="dumbbell_biceps_curl", deliver=messages.append, set_uuid=set_uuid
    )
    try:
        deadline = time.monotonic() + 20
        while not any(m.get("type") == "setup" for m in messages):
            assert time.monotonic() < deadline, messages
            time.sleep(0.05)
        sender.start()
        assert sender.done.wait(30)
        time.sleep(0.3)
        taken = feed.take(1, set_uuid)
    finally:
        feed.unwatch(watch)
        feed.close()
    assert taken is not None and taken.recording is not None
    db = _db(tmp_path)
    set_id = _set(db)
    view = store_set_emg(db, 1, set_id, taken.recording, timestamps=taken.timestamps)
    biceps = view.features.muscle("biceps")
    assert [r.onset_s for r in biceps.reps] == pytest.approx([b[0] for b in BURSTS], abs=0.05)
    assert [r.offset_s for r in biceps.reps] == pytest.approx([b[1] for b in BURSTS], abs=0.05)
    assert view.features.duration_s == pytest.approx(END_S, abs=0.002)
    assert any("1000 samples (1.00 s) never came, from 2.70 s" in w for w in view.features.warnings)
    name, content = set_emg_file(db, 1, set_id)
    (tmp_path / name).write_bytes(content)
    again = read_emg_file(tmp_path / name)
    assert again.n_samples == round(END_S * FS)
    result = analyze_emg(again, target="biceps")
    onsets = [r.start_s for r in result.analysis.channel("biceps").reps]
    assert onsets == pytest.approx([r.onset_s for r in biceps.reps], abs=0.001)


def test_a_brainflow_playback_with_a_gap_counts_it_and_keeps_the_times(tmp_path: Path) -> None:
    """BrainFlow's playback board on a file with 300 samples cut out (1.2 s at 250 Hz): more
    than one turn of the board's 0-255 counter, which alone would say 44. The terminal's set
    says 300, and the samples after the gap are 1.2 s later than those before it."""
    with warnings.catch_warnings():  # brainflow's own import warns about pkg_resources
        warnings.simplefilter("ignore")
        try:
            from brainflow.board_shim import BoardIds, BoardShim
            from brainflow.data_filter import DataFilter
        except ImportError:
            pytest.skip("the sensors extra (brainflow) is not installed")
    from mindmuscle.services.live_capture import SetCapture

    board = BoardIds.SYNTHETIC_BOARD.value
    fs = float(BoardShim.get_sampling_rate(board))
    n = round(4.0 * fs)
    table = np.zeros((BoardShim.get_num_rows(board), n))
    table[BoardShim.get_package_num_channel(board)] = np.arange(n) % 256
    table[BoardShim.get_timestamp_channel(board)] = 1.7e9 + np.arange(n) / fs
    table[BoardShim.get_exg_channels(board)[0]] = 50.0 * np.sin(np.arange(n) / 3.0)
    keep = np.ones(n, dtype=bool)
    keep[300:600] = False
    path = tmp_path / "cut.csv"
    DataFilter.write_file(np.ascontiguousarray(table[:, keep]), str(path), "w")
    capture = SetCapture(open_source(f"brainflow:playback:{path}"), [(0, "biceps")])
    try:
        capture.start()
        time.sleep(5.5)  # the board plays the file's 4 s in real time
        taken = capture.stop()
    finally:
        capture.close()
    assert taken.timestamps is not None
    assert taken.problem == "300 samples were missing in 1 gap(s)"
    periods = np.round(np.diff(taken.timestamps) * fs).astype(int)
    # All of the file, but for what came before the set started (the first reads, at most).
    assert keep.sum() - 100 <= taken.timestamps.size <= keep.sum()
    assert sorted(set(periods.tolist())) == [1, 301] and int((periods == 301).sum()) == 1
