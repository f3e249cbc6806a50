"""Import from the terminal: the profile's unit for files that state none, slash dates."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from mindmuscle.cli import app

runner = CliRunner()
HEADER = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
HEADER += "Workout Notes,RPE\n"


def test_a_file_without_units_is_read_in_the_profile_unit_and_says_so(tmp_path: Path) -> None:
    db = str(tmp_path / "i.db")
    assert runner.invoke(app, ["init", "--no-input", "--units", "lb", "--db", db]).exit_code == 0
    log = tmp_path / "strong.csv"
    log.write_text(
        HEADER
        + "01/15/2024 10:30,Push,1h,Bench Press (Barbell),1,135,8,,,,,\n"
        + "16/01/2024 11:30,Push,1h,Bench Press (Barbell),2,140,6,,,,,\n"
        + "2024/01/17 07:00,Push,1h,Bench Press (Barbell),3,145,5,,,,,\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["import", str(log), "--db", db], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output + result.stderr
    assert "The file states no weight unit: read in lb, your profile's unit" in result.output
    sets = json.loads(runner.invoke(app, ["history", "--json", "--db", db]).output)["sets"]
    assert [s["performed_at"][:16] for s in sets] == [
        "2024-01-15T10:30",
        "2024-01-16T11:30",
        "2024-01-17T07:00",
    ]
    assert [round(s["load_kg"], 2) for s in sets] == [61.23, 63.5, 65.77]  # 135, 140, 145 lb


def test_an_ambiguous_slash_date_is_refused_and_nothing_stored(tmp_path: Path) -> None:
    db = str(tmp_path / "j.db")
    log = tmp_path / "strong.csv"
    log.write_text(HEADER + "01/02/2024 10:30,Push,1h,Bench Press (Barbell),1,60,8,,,,,\n")
    result = runner.invoke(app, ["import", str(log), "--unit", "kg", "--db", db])
    assert result.exit_code == 1
    assert "'01/02/2024 10:30' is ambiguous" in result.stderr
    assert "YYYY-MM-DD" in result.stderr
