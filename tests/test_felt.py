"""mindmuscle calibration: felt versus measured over stored sets, in the terminal and as JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.store import LOCAL_USER_ID, ReflectionCreate, SetCreate, open_database, repo


def _store(db_path: Path, rows: list[tuple[str, int, float | None]]) -> None:
    db = open_database(f"sqlite:///{db_path}")
    start = datetime(2026, 11, 1, 18, 0, tzinfo=UTC)
    with db.session() as s:
        for i, (exercise, felt, emg) in enumerate(rows):
            repo.store_set(
                session=s,
                user_id=LOCAL_USER_ID,
                data=SetCreate(
                    uuid=f"00000000-0000-0000-0000-{i:012d}",
                    exercise_id=exercise,
                    performed_at=start + timedelta(days=i),
                    load_kg=12.0,
                    reps=10,
                    emg_peak_mvc=emg,
                    reflection=ReflectionCreate(target_rating=felt),
                ),
            )


def test_calibration_reports_tracks_no_relation_and_not_enough(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    felt = rng.integers(2, 10, 14)
    curls = [("dumbbell_biceps_curl", int(f), float(20 + 6 * f + rng.normal(0, 3))) for f in felt]
    pulldowns = [("lat_pulldown", int(f), float(rng.uniform(20, 80))) for f in felt[:12]]
    bench = [("barbell_bench_press", 7, 55.0)] * 5 + [("barbell_bench_press", 6, None)] * 4
    db_path = tmp_path / "m.db"
    _store(db_path, curls + pulldowns + bench)
    runner = CliRunner()
    out = runner.invoke(app, ["calibration", "--json", "--db", str(db_path)])
    assert out.exit_code == 0, out.output
    doc = json.loads(out.stdout)
    by = {d["exercise_id"]: d for d in doc}
    assert by["dumbbell_biceps_curl"]["muscle"] == "biceps"
    assert by["dumbbell_biceps_curl"]["verdict"] == "tracks"
    assert by["dumbbell_biceps_curl"]["n"] == 14
    assert by["dumbbell_biceps_curl"]["ci_low"] > 0
    assert by["lat_pulldown"]["verdict"] == "no relation"
    assert by["lat_pulldown"]["rho"] is None
    assert by["barbell_bench_press"]["verdict"] == "not enough sets yet"
    assert by["barbell_bench_press"]["n"] == 5  # sets without EMG do not count
    assert by["barbell_bench_press"]["exercise_name"] == "Barbell Bench Press"
    assert all(d["evidence"] == ["sevilmis2024"] for d in doc)
    text = runner.invoke(app, ["calibration", "--db", str(db_path)], env={"COLUMNS": "60"})
    assert text.exit_code == 0, text.output
    lines = text.stdout.splitlines()
    assert lines[0] == "Felt versus measured (sevilmis2024)"
    curl = next(line for line in lines if "Dumbbell Biceps Curl" in line)
    assert curl.startswith("- ") and ": your feeling tracks the measured activation: rho" in curl
    assert any("Lat Pulldown: no relation found over 12 sets" in line for line in lines), (
        text.stdout
    )
    assert any("Barbell Bench Press: not enough sets yet: 5 of 8" in line for line in lines)


def test_calibration_without_sets_says_what_to_do(tmp_path: Path) -> None:
    db_path = tmp_path / "m.db"
    open_database(f"sqlite:///{db_path}")
    out = CliRunner().invoke(app, ["calibration", "--db", str(db_path)])
    assert out.exit_code == 0, out.output
    assert "No sets with both a felt rating and EMG yet" in out.stdout
    none = CliRunner().invoke(app, ["calibration", "--db", str(tmp_path / "absent.db")])
    assert none.exit_code == 1 and "No MindMuscle database" in none.stderr
