"""Motion files: generic CSV, MetaMotion pairs, FIT, web JSON; bad files; the CLI command."""

from __future__ import annotations

import json
import re
import struct
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from mindmuscle.catalog.models import Tempo
from mindmuscle.cli import app
from mindmuscle.errors import FileFormatError, InvalidInputError, InvalidSignalError
from mindmuscle.io.motion import (
    detect_format,
    read_fit,
    read_generic_csv,
    read_metamotion,
    read_motion_file,
    read_watch_csv,
    read_watch_labels,
    recording_from_payload,
)
from mindmuscle.io.plots.motion import _movement_scale
from mindmuscle.services.motion import analyze_file, analyze_web_recording, measure_web_set
from mindmuscle.signals.motion import (
    STANDARD_GRAVITY_MS2,
    MotionRecording,
    analyze_motion_trace,
    simulate_set,
)

TEMPO = Tempo.parse("2-0-1-0")


@pytest.fixture(scope="module")
def sim() -> MotionRecording:
    """Eight simulated repetitions at 50 Hz with a gyroscope (counted exactly by the analysis)."""
    return simulate_set(reps=8, tempo=TEMPO, seed=1, with_gyro=True)


def _write_csv(path: Path, header: str, rows: np.ndarray) -> Path:
    lines = [header] + [",".join(f"{v:.6f}" for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# Generic CSV


def test_generic_csv_in_g_with_seconds(tmp_path: Path, sim: MotionRecording) -> None:
    rows = np.column_stack([sim.t_s, sim.acc_ms2 / STANDARD_GRAVITY_MS2])
    path = _write_csv(tmp_path / "set.csv", "t,ax,ay,az", rows)
    rec = read_generic_csv(path)  # units decided from gravity
    np.testing.assert_allclose(rec.acc_ms2, sim.acc_ms2, atol=1e-4)
    assert analyze_file(path).reps == 8
    assert analyze_file(path, units="g", exercise_id="barbell_back_squat").reps == 8


def test_generic_csv_with_rate_and_gyro_in_rad_s(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    acc = rng.normal([0.0, 0.0, 9.81], 0.5, size=(100, 3))
    gyro = rng.normal(0, 1, size=(100, 3))
    path = _write_csv(
        tmp_path / "x.csv", "AX,AY,AZ,GX,GY,GZ,note", np.column_stack([acc, gyro, np.zeros(100)])
    )
    rec = read_generic_csv(path, rate_hz=50.0, units="ms2", gyro_units="rad_s")
    assert rec.t_s[-1] == pytest.approx(99 / 50)
    assert rec.gyro_dps is not None
    np.testing.assert_allclose(rec.gyro_dps, np.degrees(gyro), atol=1e-3)


def test_generic_csv_with_milliseconds(tmp_path: Path) -> None:
    acc = np.tile([0.0, 0.0, 1.0], (50, 1))
    path = _write_csv(
        tmp_path / "ms.csv", "t_ms,ax,ay,az", np.column_stack([np.arange(50) * 20.0, acc])
    )
    rec = read_generic_csv(path)
    assert rec.duration_s == pytest.approx(0.98)
    assert rec.acc_ms2[0, 2] == pytest.approx(STANDARD_GRAVITY_MS2)


def test_no_header_is_refused_with_its_line(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "nohead.csv", "0.0,0.01,0.02,0.98", np.zeros((30, 4)))
    with pytest.raises(FileFormatError, match=r"nohead\.csv, line 1: no header row") as info:
        read_motion_file(path)
    assert info.value.line == 1


def test_text_in_numbers_names_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "text.csv"
    lines = ["t,ax,ay,az"] + [f"{i / 50},0.0,0.0,1.0" for i in range(40)]
    lines[7] = "0.12,0.0,abc,1.0"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"line 8, column ay: 'abc' is not a number") as info:
        read_generic_csv(path)
    assert (info.value.line, info.value.column) == (8, "ay")


def test_ten_samples_are_too_few(tmp_path: Path) -> None:
    path = _write_csv(
        tmp_path / "ten.csv", "t,ax,ay,az", np.column_stack([np.arange(10) / 50, np.ones((10, 3))])
    )
    with pytest.raises(InvalidSignalError, match="10 distinct samples; at least 20"):
        analyze_file(path)


def test_constant_signal_is_refused(tmp_path: Path) -> None:
    rows = np.column_stack([np.arange(500) / 50, np.tile([0.0, 0.0, 1.0], (500, 1))])
    path = _write_csv(tmp_path / "flat.csv", "t,ax,ay,az", rows)
    with pytest.raises(InvalidSignalError, match="signal is constant"):
        analyze_file(path)


def test_missing_columns_and_missing_time(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "cols.csv", "t,ax,ay", np.zeros((30, 3)))
    with pytest.raises(FileFormatError, match="missing column"):
        read_generic_csv(path)
    path = _write_csv(tmp_path / "notime.csv", "ax,ay,az", np.full((30, 3), 2.5))
    with pytest.raises(FileFormatError, match="no time column"):
        read_generic_csv(path)
    with pytest.raises(InvalidInputError, match="cannot tell the acceleration units"):
        read_generic_csv(path, rate_hz=50.0)
    with pytest.raises(InvalidInputError, match="Unknown motion file format"):
        read_motion_file(path, fmt="xlsx")


def test_empty_and_short_rows(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match="the file is empty"):
        read_generic_csv(empty)
    short = tmp_path / "short.csv"
    short.write_text("t,ax,ay,az\n0,0,0,1\n0.02,0,0\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"line 3: 3 fields where the header has 4"):
        read_generic_csv(short)


# --------------------------------------------------------------------------------------------
# MetaMotion


def _write_metamotion(folder: Path, sim: MotionRecording) -> Path:
    prefix = "X-curl-medium_MetaWear_2019-01-01T10.00.00.000_C42732BE255C"
    acc = folder / f"{prefix}_Accelerometer_50.000Hz_1.4.4.csv"
    gyr = folder / f"{prefix}_Gyroscope_25.000Hz_1.4.4.csv"
    epoch0 = 1_546_336_800_000
    lines = ["epoch (ms),time (01:00),elapsed (s),x-axis (g),y-axis (g),z-axis (g)"]
    for t, (x, y, z) in zip(sim.t_s, sim.acc_ms2 / STANDARD_GRAVITY_MS2, strict=True):
        lines.append(
            f"{epoch0 + round(t * 1000)},2019-01-01T10:00:00.000,{t:.3f},{x:.3f},{y:.3f},{z:.3f}"
        )
    acc.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert sim.gyro_t_s is not None and sim.gyro_dps is not None
    lines = ["epoch (ms),time (01:00),elapsed (s),x-axis (deg/s),y-axis (deg/s),z-axis (deg/s)"]
    for t, (x, y, z) in zip(sim.gyro_t_s, sim.gyro_dps, strict=True):
        lines.append(
            f"{epoch0 + round(t * 1000)},2019-01-01T10:00:00.000,{t:.3f},{x:.3f},{y:.3f},{z:.3f}"
        )
    gyr.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return acc


def test_metamotion_pair_found_from_either_file(tmp_path: Path, sim: MotionRecording) -> None:
    acc = _write_metamotion(tmp_path, sim)
    assert detect_format(acc) == "metamotion"
    rec = read_metamotion(acc)
    assert rec.has_gyro
    assert rec.gyro_t_s is not None
    assert rec.gyro_t_s.size == sim.gyro_t_s.size  # type: ignore[union-attr]
    gyro_file = next(tmp_path.glob("*_Gyroscope_*"))
    assert read_metamotion(gyro_file).t_s.size == rec.t_s.size
    result = analyze_file(acc)
    assert result.reps == 8
    assert result.has_gyro


def test_metamotion_real_pair(shared_data: Path) -> None:
    raw = shared_data / "imu" / "barbell" / "raw"
    acc = next(raw.glob("A-row-heavy_MetaWear_*_Accelerometer_*.csv"))
    rec = read_motion_file(acc)
    assert rec.has_gyro
    assert rec.median_rate_hz == pytest.approx(12.5, abs=0.1)
    assert analyze_file(acc, exercise_id="barbell_row").reps == 5


def test_metamotion_header_checked(tmp_path: Path) -> None:
    path = tmp_path / "bad_Accelerometer_x.csv"
    path.write_text("time,x-axis (g),y-axis (g),z-axis (g)\n", encoding="utf-8")
    with pytest.raises(FileFormatError, match="first column should be 'epoch"):
        read_metamotion(path)


# --------------------------------------------------------------------------------------------
# FIT: a minimal encoder written to the FIT protocol (header, definition and data messages,
# CRC), decoded by fitdecode, an independent implementation.

_CRC_TABLE = (
    0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401,
    0xA001, 0x6C00, 0x7800, 0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
)  # fmt: skip


def _fit_crc(data: bytes) -> int:
    crc = 0
    for byte in data:
        tmp = _CRC_TABLE[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC_TABLE[byte & 0xF]
        tmp = _CRC_TABLE[crc & 0xF]
        crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ _CRC_TABLE[(byte >> 4) & 0xF]
    return crc


def _fit_file(records: bytes) -> bytes:
    header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(records), b".FIT")
    header += struct.pack("<H", _fit_crc(header))
    body = header + records
    return body + struct.pack("<H", _fit_crc(body))


def _fit_accelerometer(
    rec: MotionRecording, per_message: int = 25, with_accel: bool = True
) -> bytes:
    n_msgs = rec.t_s.size // per_message
    out = bytearray()
    # file_id (global 0): type=activity(4), manufacturer=development(255)
    out += struct.pack("<BBBHB", 0x40, 0, 0, 0, 2) + bytes([0, 1, 0x00, 1, 2, 0x84])
    out += struct.pack("<BBH", 0x00, 4, 255)
    if not with_accel:
        return bytes(out)
    fields = [(253, 4, 0x86), (0, 2, 0x84), (1, 2 * per_message, 0x84)]
    fields += [(5 + i, 4 * per_message, 0x88) for i in range(3)]
    out += struct.pack("<BBBHB", 0x41, 0, 0, 165, len(fields))
    for num, size, base in fields:
        out += bytes([num, size, base])
    t0 = 1_000_000_000  # seconds since the FIT epoch
    g = rec.acc_ms2 / STANDARD_GRAVITY_MS2
    for m in range(n_msgs):
        idx = slice(m * per_message, (m + 1) * per_message)
        t = rec.t_s[idx] - rec.t_s[0]
        base_ms = int(np.floor(t[0] * 1000))
        offsets = np.round(t * 1000 - base_ms).astype(int)
        out += bytes([0x01])
        out += struct.pack("<IH", t0 + base_ms // 1000, base_ms % 1000)
        out += struct.pack(f"<{per_message}H", *offsets)
        for axis in range(3):
            out += struct.pack(f"<{per_message}f", *g[idx, axis])
    return bytes(out)


def test_fit_accelerometer_records(tmp_path: Path, sim: MotionRecording) -> None:
    path = tmp_path / "set.fit"
    path.write_bytes(_fit_file(_fit_accelerometer(sim)))
    rec = read_fit(path)
    n = (sim.t_s.size // 25) * 25
    assert rec.t_s.size == n
    np.testing.assert_allclose(rec.acc_ms2, sim.acc_ms2[:n], atol=1e-4)
    np.testing.assert_allclose(rec.t_s - rec.t_s[0], sim.t_s[:n] - sim.t_s[0], atol=1.5e-3)
    assert analyze_file(path).reps == 8


def test_fit_errors(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.fit"
    garbage.write_bytes(b"this is not a fit file at all" * 4)
    with pytest.raises(FileFormatError, match="not a readable FIT file"):
        read_motion_file(garbage)
    no_acc = tmp_path / "noacc.fit"
    no_acc.write_bytes(
        _fit_file(_fit_accelerometer(simulate_set(reps=1, tempo=TEMPO), with_accel=False))
    )
    with pytest.raises(FileFormatError, match="no accelerometer_data messages"):
        read_fit(no_acc)


# --------------------------------------------------------------------------------------------
# JSON from the web page


def _payload(sim: MotionRecording) -> dict[str, object]:
    assert sim.gyro_dps is not None and sim.gyro_t_s is not None
    gyro = np.column_stack([np.interp(sim.t_s, sim.gyro_t_s, sim.gyro_dps[:, i]) for i in range(3)])
    return {
        "t_ms": (sim.t_s * 1000).tolist(),
        "ax": sim.acc_ms2[:, 0].tolist(),
        "ay": sim.acc_ms2[:, 1].tolist(),
        "az": sim.acc_ms2[:, 2].tolist(),
        "gx": gyro[:, 0].tolist(),
        "gy": gyro[:, 1].tolist(),
        "gz": gyro[:, 2].tolist(),
        "units": "ms2",
        "rotation_units": "deg_s",
    }


def test_web_recording(sim: MotionRecording) -> None:
    result = analyze_web_recording(
        _payload(sim), exercise_id="barbell_bench_press", tempo="2-0-1-0"
    )
    assert result.reps == 8
    assert result.has_gyro
    assert result.phase_confidence == "high"
    assert result.tempo_adherence is not None
    assert result.tempo_adherence.score >= 0.7


def test_web_recording_in_g_with_rate(sim: MotionRecording) -> None:
    g = sim.acc_ms2 / STANDARD_GRAVITY_MS2
    payload = {
        "rate_hz": 50,
        "ax": g[:, 0].tolist(),
        "ay": g[:, 1].tolist(),
        "az": g[:, 2].tolist(),
        "units": "g",
    }
    rec = recording_from_payload(payload)
    assert rec.median_rate_hz == pytest.approx(50.0)
    np.testing.assert_allclose(rec.acc_ms2, sim.acc_ms2)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"ax": None}, r"'ax' must be a list"),
        ({"ay": [1.0, 2.0]}, r"'ay' has 2 values where 't_ms' has"),
        ({"az": ["x"] * 5}, r"'az' has 5 values"),
        ({"units": "mg"}, r"'units' is 'mg'"),
        ({"rotation_units": "rpm"}, r"'rotation_units' is 'rpm'"),
        ({"t_ms": None}, r"'t_ms' must be a list"),
    ],
)
def test_bad_payloads(sim: MotionRecording, change: dict[str, object], match: str) -> None:
    payload = _payload(sim)
    payload.update(change)
    with pytest.raises(FileFormatError, match=match):
        recording_from_payload(payload)


def test_payload_with_text_value(sim: MotionRecording) -> None:
    payload = _payload(sim)
    values = list(payload["ax"])  # type: ignore[call-overload]
    values[3] = "1.0"
    payload["ax"] = values
    with pytest.raises(FileFormatError, match=r"'ax'\[3\] is '1.0', not a finite number"):
        recording_from_payload(payload)
    with pytest.raises(FileFormatError, match="missing 'az'"):
        recording_from_payload({"t_ms": [], "ax": [], "ay": []})


def test_json_file_and_bad_json(tmp_path: Path, sim: MotionRecording) -> None:
    good = tmp_path / "rec.json"
    good.write_text(json.dumps(_payload(sim)), encoding="utf-8")
    assert analyze_file(good).reps == 8
    bad = tmp_path / "bad.json"
    bad.write_text('{"t_ms": [1, 2,', encoding="utf-8")
    with pytest.raises(FileFormatError, match=r"bad\.json, line 1, column \d+: is not valid JSON"):
        read_motion_file(bad)


# --------------------------------------------------------------------------------------------
# Command line


def test_cli_json_output(tmp_path: Path, sim: MotionRecording) -> None:
    rows = np.column_stack([sim.t_s, sim.acc_ms2])
    path = _write_csv(tmp_path / "set.csv", "t,ax,ay,az", rows)
    res = CliRunner().invoke(
        app,
        [
            "motion",
            str(path),
            "--units",
            "ms2",
            "--tempo",
            "2-0-1-0",
            "--json",
            "--exercise",
            "barbell_back_squat",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["reps"] == 8
    assert len(data["reps_detail"]) == 8
    assert set(data["reps_detail"][0]) == {
        "start_s",
        "end_s",
        "eccentric_s",
        "bottom_pause_s",
        "concentric_s",
        "top_pause_s",
        "partial",
    }
    assert data["tut_s"] == pytest.approx(
        sum(r["end_s"] - r["start_s"] for r in data["reps_detail"]), abs=0.05
    )
    assert 0.0 <= data["tempo_adherence"]["score"] <= 1.0
    assert data["quality"]["status"] == "good"


def test_cli_text_and_plots(tmp_path: Path, sim: MotionRecording) -> None:
    rows = np.column_stack([sim.t_s, sim.acc_ms2 / STANDARD_GRAVITY_MS2])
    path = _write_csv(tmp_path / "set.csv", "t,ax,ay,az", rows)
    png = tmp_path / "out.png"
    res = CliRunner().invoke(app, ["motion", str(path), "--plot", str(png)])
    assert res.exit_code == 0, res.output
    assert "8 repetitions" in res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    html = tmp_path / "out.html"
    res = CliRunner().invoke(app, ["motion", str(path), "--plot", str(html), "--json"])
    assert res.exit_code == 0, res.output
    text = html.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", text)  # plotly.js is inline: works offline
    assert "Plotly.newPlot" in text


def test_cli_errors(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "nohead.csv", "0,0,0,1", np.zeros((30, 4)))
    res = CliRunner().invoke(app, ["motion", str(path)])
    assert res.exit_code == 1
    assert "Error:" in res.output and "no header row" in res.output
    assert "Traceback" not in res.output
    res = CliRunner().invoke(app, ["motion", str(path), "--exercise", "no_such_lift"])
    assert res.exit_code == 1 and "No exercise has the name, alias or id" in res.output
    res = CliRunner().invoke(app, ["motion", str(path), "--plot", str(tmp_path / "x.pdf")])
    assert res.exit_code == 1 and "must end in .png or .html" in res.output
    res = CliRunner().invoke(app, ["motion", "--help"])
    assert res.exit_code == 0 and "--tempo" in res.output


def test_muvr_headerless_reader(tmp_path: Path, sim: MotionRecording) -> None:
    g = sim.acc_ms2 / STANDARD_GRAVITY_MS2
    path = tmp_path / "labelled.csv"
    path.write_text(
        "".join(f"{x:.3f},{y:.3f},{z:.3f},curl,,20.0,8\n" for x, y, z in g), encoding="utf-8"
    )
    rec = read_motion_file(path, fmt="muvr")
    assert rec.median_rate_hz == pytest.approx(50.0)
    assert analyze_file(path, fmt="muvr").reps == 8


def test_cli_alternating_sides_count_both(tmp_path: Path) -> None:
    # One wrist: each curl of the worn arm (3 s) is followed by 3 s still while the other arm
    # curls, so six repetitions are seen and twelve were done.
    rec = simulate_set(reps=6, tempo=Tempo.parse("2-3-1-0"), seed=2, start_at_top=False)
    path = _write_csv(tmp_path / "alt.csv", "t,ax,ay,az", np.column_stack([rec.t_s, rec.acc_ms2]))
    runs = {
        "plain": ["motion", str(path), "--json"],
        "flag": ["motion", str(path), "--json", "--alternating"],
        "card": ["motion", str(path), "--json", "--exercise", "alternating_dumbbell_curl"],
        "other card": ["motion", str(path), "--json", "--exercise", "dumbbell_biceps_curl"],
    }
    out = {}
    for name, argv in runs.items():
        res = CliRunner().invoke(app, argv)
        assert res.exit_code == 0, res.output
        out[name] = json.loads(res.output)
    assert {k: (v["reps"], v["alternating"]) for k, v in out.items()} == {
        "plain": (6, False),
        "flag": (12, True),
        "card": (12, True),
        "other card": (6, False),
    }
    assert len(out["card"]["reps_detail"]) == 6  # phases for the sensor's side
    assert "Alternating sides" in out["card"]["phase_note"]
    text = CliRunner().invoke(app, ["motion", str(path), "--alternating"])
    assert "12 repetitions (both sides)" in text.output


def test_phone_set_of_an_alternating_exercise_counts_both_sides() -> None:
    rec = simulate_set(reps=6, tempo=Tempo.parse("2-3-1-0"), seed=2, start_at_top=False)
    payload = {
        "t_ms": (rec.t_s * 1000).tolist(),
        "ax": rec.acc_ms2[:, 0].tolist(),
        "ay": rec.acc_ms2[:, 1].tolist(),
        "az": rec.acc_ms2[:, 2].tolist(),
        "units": "ms2",
    }
    measured = measure_web_set(payload, exercise_id="alternating_dumbbell_curl", tempo=None)
    assert measured.reps == 12
    assert "Alternating sides: both counted (6 seen on the phone's side)." in measured.notes
    plain = measure_web_set(payload, exercise_id="dumbbell_biceps_curl", tempo=None)
    assert (plain.reps, plain.notes) == (6, [])


def _write_watch(folder: Path, name: str, units: str, scale: float) -> MotionRecording:
    rec = simulate_set(reps=6, tempo=Tempo.parse("2-0-1-0"), seed=4, rate_hz=100.0)
    t = rec.t_s - rec.t_s[0] + 0.15
    # rad/s, turning with the movement (a wrist turns as the arm moves).
    gyro = 0.05 * (rec.acc_ms2 - rec.acc_ms2.mean(axis=0))
    lines = ["t,ax,ay,az,gx,gy,gz"]
    for k in range(t.size):
        a = rec.acc_ms2[k] / scale
        lines.append(
            f"{t[k]:.5f},{a[0]:.6f},{a[1]:.6f},{a[2]:.6f}," + ",".join(f"{v:.6f}" for v in gyro[k])
        )
    (folder / name).write_text("\n".join(lines) + "\n")
    return rec


def test_watch_export_reads_units_from_its_labels(tmp_path: Path) -> None:
    _write_watch(tmp_path, "a.csv", "g", STANDARD_GRAVITY_MS2)
    rec = _write_watch(tmp_path, "b.csv", "m/s^2", 1.0)
    (tmp_path / "labels.csv").write_text(
        "file,exercise,reps,accel_units,active_start_s,active_end_s\n"
        "a.csv,curl,6,g,2.0,20.5\nb.csv,curl,6,m/s^2,,\n"
    )
    labels = read_watch_labels(tmp_path)
    assert [(x.file, x.reps, x.accel_units, x.active_start_s, x.active_end_s) for x in labels] == [
        ("a.csv", 6, "g", 2.0, 20.5),
        ("b.csv", 6, "ms2", None, None),
    ]
    for name in ("a.csv", "b.csv"):
        assert detect_format(tmp_path / name) == "watch"
        got = read_motion_file(tmp_path / name)
        np.testing.assert_allclose(got.acc_ms2, rec.acc_ms2, atol=1e-4)
        assert got.gyro_dps is not None
        want = np.degrees(0.05 * (rec.acc_ms2[:, 0] - rec.acc_ms2[:, 0].mean()))
        np.testing.assert_allclose(got.gyro_dps[:, 0], want, atol=1e-3)
    cut = read_watch_csv(tmp_path / "a.csv", start_s=2.0, end_s=20.5)
    assert cut.t_s[0] == pytest.approx(2.0, abs=0.01)
    assert cut.t_s[-1] == pytest.approx(20.5, abs=0.01)


def test_watch_labels_with_unknown_units_name_the_line(tmp_path: Path) -> None:
    (tmp_path / "labels.csv").write_text("file,accel_units\na.csv,g\nb.csv,furlongs\n")
    with pytest.raises(FileFormatError, match=r"line 3.*accel_units.*'furlongs' is not one of"):
        read_watch_labels(tmp_path / "labels.csv")


def test_a_watch_file_without_its_header_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("t,ax,ay,az\n0,0,0,1\n")
    with pytest.raises(FileFormatError, match="not a watch export"):
        read_watch_csv(tmp_path / "x.csv")


def test_the_command_line_says_where_the_set_was_found(tmp_path: Path) -> None:
    _write_watch(tmp_path, "a.csv", "g", STANDARD_GRAVITY_MS2)
    (tmp_path / "labels.csv").write_text("file,accel_units\na.csv,g\n")
    res = CliRunner().invoke(app, ["motion", str(tmp_path / "a.csv")])
    assert res.exit_code == 0, res.output
    assert re.search(
        r"set found from \d+\.\d s to \d+\.\d s of the \d+\.\d s recording", res.output
    )
    res = CliRunner().invoke(app, ["motion", str(tmp_path / "a.csv"), "--json"])
    got = json.loads(res.output)
    assert 0.0 <= got["active_start_s"] < got["active_end_s"] <= 30.0


def test_plot_scales_the_movement_to_the_repetitions_not_to_a_racking_movement() -> None:
    rec = simulate_set(reps=6, tempo=Tempo.parse("2-0-1-0"), seed=3, idle_after_s=6.0)
    analysis, trace = analyze_motion_trace(rec)
    last_end = analysis.repetitions[-1].end_s
    inside = (trace.t_s >= analysis.repetitions[0].start_s) & (trace.t_s <= last_end)
    largest = float(np.max(np.abs(trace.movement[inside])))
    # A racking movement after the set, five times the repetitions' swing.
    racked = trace.movement.copy()
    after = trace.t_s > last_end + 1.0
    racked[after] += 5 * largest * np.sin(np.linspace(0, np.pi, int(after.sum())))
    assert _movement_scale(analysis, replace(trace, movement=racked)) == pytest.approx(largest)
