"""A warning raised by an analysis reaches the terminal as one line, not as Python's file, line
number and source."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from mindmuscle.cli import app


def test_a_low_rate_emg_file_says_so_in_one_line_and_in_its_quality(shared_data: Path) -> None:
    # A 100 Hz watch recording given to the EMG analysis: the band is narrowed (a note), and the
    # quality says the rate is a motion sensor's.
    path = shared_data / "imu" / "watch" / "011224_DWC_W7_5_S1_R12.csv"
    res = CliRunner().invoke(app, ["emg", str(path)])
    assert res.exit_code == 0, res.output
    notes = [line for line in res.output.splitlines() if line.startswith("Note: ")]
    assert notes == [
        "Note: Sampling rate 100 Hz is too low for the 20-450 Hz EMG band: the band was narrowed "
        "to 20-45 Hz. Amplitudes and frequencies are biased low; record at 1 kHz or more for "
        "full-band EMG."
    ]
    assert ".py:" not in res.output and "return _analyze(" not in res.output
    assert "is this an EMG file?" in " ".join(res.output.replace("│", " ").split())
