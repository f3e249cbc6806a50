"""EMG files (CSV, EDF, XDF, BrainFlow), the analysis service and the ``mindmuscle emg`` command."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.errors import FileFormatError, InvalidSignalError
from mindmuscle.io.emg import read_emg_file
from mindmuscle.io.plots.emg import render_emg_report
from mindmuscle.services.emg import analyze_emg_file, analyze_emg_recording
from mindmuscle.signals.emg import BandNarrowedWarning, simulate_set

FS = 1000.0


@pytest.fixture(scope="module")
def curls() -> np.ndarray:
    rng = np.random.default_rng(0)
    biceps, _ = simulate_set(6, FS, amplitude=0.5, rng=rng)
    brachialis, _ = simulate_set(6, FS, amplitude=0.25, rng=rng)
    return np.stack([biceps, brachialis])


def _write_csv(path: Path, data: np.ndarray, header: str, *, with_time: bool, scale: float = 1.0):
    cols = [data[i] * scale for i in range(data.shape[0])]
    if with_time:
        cols.insert(0, np.arange(data.shape[1]) / FS)
    np.savetxt(path, np.column_stack(cols), delimiter=",", header=header, comments="", fmt="%.7g")
    return path


# --- CSV -----------------------------------------------------------------------------------------


def test_csv_with_time_column_and_units(tmp_path: Path, curls: np.ndarray) -> None:
    path = _write_csv(
        tmp_path / "set.csv", curls, "t,biceps,brachialis", with_time=True, scale=1000
    )
    rec = read_emg_file(path, units="uV")
    assert rec.channels == ("biceps", "brachialis")
    assert rec.units == ("uV", "uV")
    assert rec.sfreq_hz == pytest.approx(FS)
    assert_allclose(rec.in_millivolts(), curls, atol=1e-3)


def test_csv_with_rate_and_units_in_the_header(tmp_path: Path, curls: np.ndarray) -> None:
    path = _write_csv(tmp_path / "set.csv", curls, "biceps [mV];brachialis (V)", with_time=False)
    path.write_text(path.read_text().replace(",", ";"))
    rec = read_emg_file(path, rate_hz=FS)
    assert rec.channels == ("biceps", "brachialis")
    assert rec.units == ("mV", "V")
    with pytest.raises(InvalidSignalError, match=r"no time column .* no sampling rate") as e:
        read_emg_file(path)
    assert e.value.needs == "sampling_rate"


def test_csv_rate_disagreeing_with_the_time_column(tmp_path: Path, curls: np.ndarray) -> None:
    path = _write_csv(tmp_path / "set.csv", curls, "t,biceps,brachialis", with_time=True)
    with pytest.raises(InvalidSignalError, match=r"gives 1000 Hz but 2000 Hz was given"):
        read_emg_file(path, rate_hz=2000.0)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("t,biceps\n0,1\n0.001,x\n", r"set\.csv, line 3, column biceps: 'x' is not a number"),
        ("t,biceps\n0,1\n0.001\n", r"set\.csv, line 3, column 2: expected 2 values"),
        ("t,biceps\n0,1\n0.001,nan\n", r"line 3, column biceps: value nan is not a finite"),
        ("t,biceps\n", r"set\.csv, line 1: the file holds a header but no data rows"),
        ("0.1,0.2\n0.3,0.4\n", r"line 1: no header row naming the 2 channels"),
        ("t,biceps [mA]\n0,1\n0.001,2\n", r"line 1, column biceps: Unknown EMG unit 'mA'"),
    ],
)
def test_malformed_csv_names_line_and_column(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "set.csv"
    path.write_text(body)
    with pytest.raises(FileFormatError, match=message):
        read_emg_file(path)


def test_csv_single_sample_and_uneven_time(tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    one.write_text("t,biceps\n0,1\n")
    with pytest.raises(InvalidSignalError, match="one sample is not a recording"):
        read_emg_file(one)
    uneven = tmp_path / "uneven.csv"
    uneven.write_text("t,biceps\n0,1\n0.001,2\n0.0015,3\n0.01,4\n")
    with pytest.raises(InvalidSignalError, match="not evenly spaced"):
        read_emg_file(uneven)
    back = tmp_path / "back.csv"
    back.write_text("t,biceps\n0,1\n0.002,2\n0.001,3\n")
    with pytest.raises(InvalidSignalError, match="time does not increase at data row 3"):
        read_emg_file(back)


def test_a_recording_with_a_gap_is_read_with_its_samples_at_their_times(
    tmp_path: Path, curls: np.ndarray
) -> None:
    """``mindmuscle live --record`` writes each sample's time: a sensor that paused leaves a
    gap, which is read as one (filled, noted), not refused as uneven nor closed up."""
    keep = np.ones(curls.shape[1], dtype=bool)
    keep[5000:5750] = False  # 0.75 s never came
    t = np.flatnonzero(keep) / FS
    path = tmp_path / "live.csv"
    table = np.column_stack([t, curls[0][keep]])
    np.savetxt(path, table, delimiter=",", header="t,biceps [mV]", comments="", fmt="%.6f")
    rec = read_emg_file(path)
    assert rec.n_samples == curls.shape[1] and rec.sfreq_hz == pytest.approx(FS)
    assert rec.notes == (
        "750 samples (0.75 s) never came, from 5.00 s: nothing was measured there, and what "
        "came after is at its time",
    )
    assert_allclose(rec.data[0][keep], curls[0][keep], atol=1e-6)
    assert_allclose(rec.data[0][5750:], curls[0][5750:], atol=1e-6)


def test_opensignals_text_file_from_comments(shared_data) -> None:
    rec = read_emg_file(shared_data / "emg" / "biosppy-examples" / "emg_1.txt")
    assert rec.channels == ("EMG",)
    assert rec.sfreq_hz == 1000.0
    assert rec.data.shape == (1, 63_880)


# --- EDF, XDF, BrainFlow -------------------------------------------------------------------------


def test_edf_round_trip_keeps_names_units_and_rate(tmp_path: Path, curls: np.ndarray) -> None:
    pyedflib = pytest.importorskip("pyedflib")
    n = (curls.shape[1] // int(FS)) * int(FS)  # whole 1-s data records
    data_uv = curls[:, :n] * 1000.0
    accel = np.zeros(n // 10)  # a 100 Hz signal in the same file
    path = tmp_path / "set.edf"
    writer = pyedflib.EdfWriter(str(path), 3, file_type=pyedflib.FILETYPE_EDFPLUS)

    def header(name: str, unit: str, rate: float) -> dict[str, object]:
        return {
            "label": name,
            "dimension": unit,
            "sample_frequency": rate,
            "physical_max": 5000.0,
            "physical_min": -5000.0,
            "digital_max": 32767,
            "digital_min": -32768,
            "transducer": "",
            "prefilter": "",
        }

    try:
        writer.setSignalHeaders(
            [header("biceps", "uV", FS), header("brachialis", "uV", FS), header("acc", "g", 100.0)]
        )
        writer.writeSamples([data_uv[0], data_uv[1], accel])
    finally:
        writer.close()
    rec = read_emg_file(path)
    assert rec.channels == ("biceps", "brachialis")
    assert rec.units == ("uV", "uV")
    assert rec.sfreq_hz == FS
    assert_allclose(rec.data, data_uv, atol=10000.0 / 65535)  # 16-bit quantisation
    assert rec.notes == (
        "signals at another sampling rate than 1000 Hz were not read: acc (100 Hz)",
    )
    a = analyze_emg_recording(rec, target="biceps").analysis
    assert a.warnings[0].startswith("signals at another sampling rate")


def _chunk(tag: int, content: bytes) -> bytes:
    body = struct.pack("<H", tag) + content
    return struct.pack("<BI", 4, len(body)) + body


def _write_xdf(path: Path, data: np.ndarray, rate: float, names: list[str], unit: str) -> None:
    """A minimal XDF 1.0 file: file header, one float32 stream, samples, stream footer."""
    stream_id = 1
    chans = "".join(
        f"<channel><label>{n}</label><unit>{unit}</unit><type>EMG</type></channel>" for n in names
    )
    header = (
        f'<?xml version="1.0"?><info><name>Myo</name><type>EMG</type>'
        f"<channel_count>{len(names)}</channel_count><nominal_srate>{rate:g}</nominal_srate>"
        f"<channel_format>float32</channel_format><source_id>test</source_id>"
        f"<created_at>0</created_at><desc><channels>{chans}</channels></desc></info>"
    )
    n = data.shape[1]
    samples = bytearray(struct.pack("<I", stream_id))
    samples += struct.pack("<BI", 4, n)
    for i in range(n):
        samples += struct.pack("<Bd", 8, 100.0 + i / rate)
        samples += data[:, i].astype("<f4").tobytes()
    footer = (
        f'<?xml version="1.0"?><info><first_timestamp>100</first_timestamp>'
        f"<last_timestamp>{100 + (n - 1) / rate}</last_timestamp>"
        f"<sample_count>{n}</sample_count><clock_offsets></clock_offsets></info>"
    )
    with path.open("wb") as f:
        f.write(b"XDF:")
        f.write(_chunk(1, b'<?xml version="1.0"?><info><version>1.0</version></info>'))
        f.write(_chunk(2, struct.pack("<I", stream_id) + header.encode()))
        f.write(_chunk(3, bytes(samples)))
        f.write(_chunk(6, struct.pack("<I", stream_id) + footer.encode()))


def test_xdf_stream_keeps_labels_and_units(tmp_path: Path, curls: np.ndarray) -> None:
    pytest.importorskip("pyxdf")
    path = tmp_path / "set.xdf"
    part = curls[:, :3000]
    _write_xdf(path, part * 1000.0, FS, ["biceps", "brachialis"], "microvolts")
    rec = read_emg_file(path)
    assert rec.channels == ("biceps", "brachialis")
    assert rec.units == ("uV", "uV")
    assert rec.sfreq_hz == FS
    assert_allclose(rec.data, (part * 1000.0).astype(np.float32), rtol=1e-6)


def test_foreign_xdf_file_is_a_format_error(tmp_path: Path) -> None:
    pytest.importorskip("pyxdf")
    path = tmp_path / "bad.xdf"
    path.write_bytes(b"not an xdf file")
    with pytest.raises(FileFormatError, match=r"bad\.xdf: not a readable XDF file"):
        read_emg_file(path)


def test_brainflow_file_for_a_board(tmp_path: Path, curls: np.ndarray) -> None:
    board_shim = pytest.importorskip("brainflow.board_shim")
    from brainflow.data_filter import DataFilter

    board = -1  # synthetic board: 16 EMG rows at 250 Hz, 32 rows in all
    rows = board_shim.BoardShim.get_num_rows(board)
    emg_rows = board_shim.BoardShim.get_emg_channels(board)
    table = np.zeros((rows, 2500))
    rng = np.random.default_rng(0)
    for r in emg_rows:
        table[r] = rng.standard_normal(2500) * 20.0
    path = tmp_path / "session.csv"
    DataFilter.write_file(table, str(path), "w")
    rec = read_emg_file(path, board_id=board)
    assert rec.sfreq_hz == 250.0
    assert rec.channels[0] == "emg1" and len(rec.channels) == 16
    assert rec.units == ("uV",) * 16
    assert_allclose(rec.data, table[emg_rows], atol=1e-5)
    with pytest.warns(BandNarrowedWarning, match="narrowed to 20-112.5 Hz"):
        result = analyze_emg_recording(rec)
    assert any("narrowed" in w for w in result.analysis.warnings)
    with pytest.raises(InvalidSignalError, match="needs its board id"):
        read_emg_file(path, fmt="brainflow")


# --- service and CLI -----------------------------------------------------------------------------


def test_analyze_file_with_mvc(tmp_path: Path, curls: np.ndarray) -> None:
    path = _write_csv(tmp_path / "set.csv", curls, "t,biceps,brachialis", with_time=True)
    mvc = _write_csv(tmp_path / "mvc.csv", curls * 2.0, "t,biceps,brachialis", with_time=True)
    result = analyze_emg_file(path, target="biceps", synergists=["brachialis"], mvc_path=mvc)
    a = result.analysis
    assert a.n_reps == 6
    assert a.channel("biceps").normalisation == "mvc"
    assert max(r.peak_pct for r in a.channel("biceps").reps) == pytest.approx(50.0, rel=0.01)
    assert a.ratios[0].ratio == pytest.approx(1.0, rel=0.1)  # both at half their MVC
    html = render_emg_report(result)
    assert "<script src=" not in html and "plotly" in html.lower()


def test_cli_json_and_report(tmp_path: Path, curls: np.ndarray) -> None:
    path = _write_csv(tmp_path / "set.csv", curls, "t,biceps,brachialis", with_time=True)
    report = tmp_path / "out.html"
    runner = CliRunner()
    res = runner.invoke(
        app,
        [
            "emg",
            str(path),
            "--target",
            "biceps",
            "--synergist",
            "brachialis",
            "--json",
            "--report",
            str(report),
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["n_reps"] == 6
    assert [c["name"] for c in data["channels"]] == ["biceps", "brachialis"]
    assert data["channels"][0]["quality"]["issues"] == []
    assert len(data["channels"][0]["reps"]) == 6
    assert {"peak_pct", "mean_pct", "iemg", "rms", "mean_freq_hz", "median_freq_hz"} <= set(
        data["channels"][0]["reps"][0]
    )
    assert data["ratios"][0]["synergist"] == "brachialis"
    text = report.read_text()
    assert text.startswith("<!doctype html>") and "Repetitions of biceps" in text
    plain = runner.invoke(app, ["emg", str(path), "--target", "biceps"])
    assert plain.exit_code == 0
    assert "6 repetitions on biceps" in plain.stdout


def test_cli_errors_are_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("t,biceps\n0,1\n0.001,oops\n")
    runner = CliRunner()
    res = runner.invoke(app, ["emg", str(bad)])
    assert res.exit_code == 1
    assert "line 3, column biceps: 'oops' is not a number" in res.output
    assert "Traceback" not in res.output
    res = runner.invoke(app, ["emg", str(tmp_path / "missing.csv")])
    assert res.exit_code == 1
    assert "no such EMG file" in res.output
    help_text = runner.invoke(app, ["emg", "--help"])
    assert "--synergist" in help_text.stdout and "Analyse an EMG recording" in help_text.stdout


def test_csv_motion_column_counts_repetitions(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    biceps, _ = simulate_set(5, FS, rep_s=3.0, rest_s=1.0, lead_s=2.0, rng=rng)
    n = int(24 * FS)
    t = np.arange(n) / FS
    angle = 60 * (1 - np.cos(2 * np.pi * t / 4.0))
    angle[t >= 20] = 0.0
    path = tmp_path / "curl.csv"
    np.savetxt(
        path,
        np.column_stack([t, biceps[:n], angle]),
        delimiter=",",
        header="t,biceps,angle",
        comments="",
        fmt="%.7g",
    )
    rec = read_emg_file(path)
    assert rec.channels == ("biceps",)
    assert rec.motion is not None and rec.motion.shape == (n,)
    a = analyze_emg_recording(rec).analysis
    assert a.rep_source == "motion"
    assert a.n_reps == 5


def test_cli_reference_contraction(tmp_path: Path, curls: np.ndarray) -> None:
    path = _write_csv(tmp_path / "set.csv", curls, "t,biceps,brachialis", with_time=True)
    ref = _write_csv(tmp_path / "ref.csv", curls * 4.0, "t,biceps,brachialis", with_time=True)
    res = CliRunner().invoke(app, ["emg", str(path), "--mvc", str(ref), "--reference", "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["target"] == "biceps"
    assert data["channels"][0]["normalisation"] == "reference"
    peaks = [r["peak_pct"] for r in data["channels"][0]["reps"]]
    assert max(peaks) == pytest.approx(25.0, rel=0.01)


def test_cli_says_the_balance_is_over_the_whole_recording(
    tmp_path: Path, curls: np.ndarray
) -> None:
    # The right side works at half the left's amplitude: a left share of 2/3.
    both = np.stack([curls[0], 0.5 * curls[0]])
    path = _write_csv(tmp_path / "set.csv", both, "t,biceps_left,biceps_right", with_time=True)
    res = CliRunner().invoke(app, ["emg", str(path)])
    assert res.exit_code == 0, res.output
    line = next(x for x in res.stdout.splitlines() if x.startswith("balance"))
    assert line.startswith("balance biceps, whole recording: left share ")
    assert line.endswith("% (raw amplitude, not calibrated)")
    share = float(line.split("left share ")[1].split("%")[0])
    assert share == pytest.approx(100 * 2 / 3, abs=2)
