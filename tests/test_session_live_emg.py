"""``mindmuscle session --live``: a real LSL stream with known bursts, recorded between the start
and the done of the set, stored with it, and shown as felt beside measured after the reflection.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from mindmuscle.services.emg_sets import get_set_emg, set_emg_file
from mindmuscle.store import CalibrationCreate, open_database, repo
from tests.test_session_cli import CURL, Driver, cli, lifter

pylsl = pytest.importorskip("pylsl", reason="the sensors extra (pylsl) is not installed")
pyxdf = pytest.importorskip("pyxdf", reason="the sensors extra (pyxdf) is not installed")

FS = 1000.0
BURSTS = [(3.0, 5.0), (6.0, 8.0), (9.0, 11.0)]
AMPS = [0.3, 0.5, 0.4]  # with the calibration level 2/pi: 30, 50, 40 %MVC
SECONDS = 12.0


def _known_bursts() -> npt.NDArray[np.float64]:
    """Biceps: a 97 Hz carrier rising over 0.2 s to each amplitude (rectified mean 2A/pi);
    front delt: a fifth of it."""
    rng = np.random.default_rng(5)
    t = np.arange(round(SECONDS * FS)) / FS
    x = 0.005 * rng.standard_normal(t.size)
    for (a, b), amp in zip(BURSTS, AMPS, strict=True):
        x += amp * np.clip(np.minimum(t - a, b - t) / 0.2, 0, 1) * np.sin(2 * np.pi * 97 * t)
    return np.vstack([x, 0.2 * x + 0.003 * rng.standard_normal(t.size)])


class RealTimeSender:
    """An LSL outlet sending ``data`` in 20 ms chunks in real time once ``go`` is set, each
    sample timestamped; ``t0`` is the LSL time of the first sample."""

    def __init__(self, data: npt.NDArray[np.float64]) -> None:
        self.name = f"mm-set-{uuid.uuid4().hex[:8]}"
        info = pylsl.StreamInfo(self.name, "EMG", data.shape[0], FS, "float32", self.name)
        info.set_channel_labels(["EMG1", "EMG2"])
        self.outlet = pylsl.StreamOutlet(info, chunk_size=20)
        self.data = data
        self.t0 = 0.0
        self.go = threading.Event()
        self.done = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        self.go.wait(60)
        self.t0 = pylsl.local_clock()
        n = self.data.shape[1]
        for i in range(0, n, 20):
            due = self.t0 + i / FS
            time.sleep(max(0.0, due - pylsl.local_clock()))
            chunk = self.data[:, i : i + 20].T.astype(np.float32)
            self.outlet.push_chunk(chunk, timestamp=self.t0 + (i + chunk.shape[0] - 1) / FS)
        self.done.set()


@pytest.mark.slow
def test_session_live_stores_each_sets_emg_and_shows_felt_beside_measured(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    cli("init", "--no-input", "--db", url)
    db = open_database(url)
    with db.session() as s:
        for muscle in ("biceps", "front_delt"):
            repo.add_calibration(
                session=s,
                user_id=1,
                data=CalibrationCreate(
                    muscle=muscle,
                    level=2.0 / np.pi,
                    unit="uV",  # the unit an LSL stream without units is read in
                    sfreq_hz=FS,
                    trial=1,
                    window_start_s=0.5,
                    placement="mid belly",
                    source="test",
                    created_at=datetime.now(UTC) - timedelta(minutes=10),
                ),
            )
    db.close()

    sender = RealTimeSender(_known_bursts())
    d = Driver(
        "session", "--db", url, "--exercise", CURL, "--no-squeeze-test", "--count-in", "0",
        "--no-sound", "--no-voice", "--live", f"lsl:{sender.name}",
        "--map", "EMG1=biceps,2=front_delt", "--placement", "mid belly",
    )  # fmt: skip
    answer = lifter([8])
    d.until(r"^EMG: .*biceps, front_delt recorded during each set", answer)
    d.until(r"^Set 1 started:", answer)
    sender.go.set()
    assert sender.done.wait(30), "the outlet did not finish"
    d.send("")  # the set is done
    measured = d.until(r"^EMG: felt 8/10, measured", answer)
    d.until(r"^\? Rest", lambda p: None)
    d.send("q")
    d.until(r"^\? End the session now", lambda p: None)
    d.send("y")
    summary = d.until(r"^  Dumbbell Biceps Curl set 1: felt 8/10, measured", answer)
    assert d.finish() == 0

    db = open_database(url)
    [s] = json.loads(cli("history", "--json", "--db", url))["sets"]
    view = get_set_emg(db, 1, s["id"])
    assert view is not None and view.source == "live"
    biceps = view.features.muscle("biceps")
    assert biceps.basis == "pct_mvc"
    assert len(biceps.reps) == 3
    # Onsets against the outlet's own timestamps, kept in the stored XDF file.
    name, content = set_emg_file(db, 1, s["id"])
    path = tmp_path / name
    path.write_bytes(content)
    streams, _ = pyxdf.load_xdf(str(path), dejitter_timestamps=False)
    first = float(streams[0]["time_stamps"][0])
    for rep, (on, off), amp in zip(biceps.reps, BURSTS, AMPS, strict=True):
        assert rep.peak_pct == pytest.approx(100 * amp, rel=0.02)
        assert rep.onset_s == pytest.approx(sender.t0 + on - first, abs=0.020)
        assert rep.offset_s == pytest.approx(sender.t0 + off - first, abs=0.020)
    peak = view.features.peak_pct_mvc
    assert peak == pytest.approx(50.0, rel=0.02)
    assert s["emg_peak_mvc"] == peak
    text = f"felt 8/10, measured {peak:.0f}% MVC"
    assert measured == f"EMG: {text} (3 repetitions in the EMG)"
    assert summary == f"  Dumbbell Biceps Curl set 1: {text}"
    db.close()


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (["--map", "1=biceps"], "Error: Invalid value for '--map': --map names the EMG of --live"),
        (["--live", "synthetic"], "Error: Invalid value for '--map': say which channel is which"),
        (
            ["--live", "nope", "--map", "1=biceps"],
            "Error: Invalid value for '--live': 'nope' is not a source: give lsl:NAME",
        ),
        (
            ["--live", "synthetic", "--map", "9=biceps"],
            "Error: Invalid value for '--map': channel 9 does not exist: the stream has channels "
            "1-4",
        ),
    ],
)
def test_session_live_bad_input_is_one_line_before_anything_starts(
    tmp_path: Path, args: list[str], line: str
) -> None:
    from typer.testing import CliRunner

    from mindmuscle.cli import app

    url = f"sqlite:///{tmp_path / 'bad.db'}"
    cli("init", "--no-input", "--db", url)
    result = CliRunner().invoke(app, ["session", "--db", url, "--exercise", CURL, *args])
    assert result.exit_code == 2
    [shown] = [x for x in result.stderr.splitlines() if x.strip()]
    assert shown.startswith(line), shown
    assert json.loads(cli("history", "--json", "--db", url))["sets"] == []


def test_the_line_after_a_set_says_the_repetitions_only_when_the_emg_held_some() -> None:
    from mindmuscle.cli.session import emg_line

    assert emg_line("felt 8/10, measured 62% MVC", 1) == (
        "EMG: felt 8/10, measured 62% MVC (1 repetition in the EMG)"
    )
    # Not "no repetition found in the EMG (0 repetitions in the EMG)".
    assert emg_line("felt 7/10; no repetition found in the EMG", 0) == (
        "EMG: felt 7/10; no repetition found in the EMG"
    )
