"""CSV and JSON export; the JSON round trip (export, import into an empty database, export)."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.errors import FileFormatError
from mindmuscle.services.export import CSV_COLUMNS, export_csv, export_json
from mindmuscle.services.imports import import_file
from mindmuscle.store import (
    Database,
    DrillRatingCreate,
    ExperimentCreate,
    ExperimentSetCreate,
    ProfileData,
    ReadinessCreate,
    RecordingCreate,
    ReflectionCreate,
    SessionCreate,
    SetCreate,
    open_database,
    repo,
)

USER = 1
T0 = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)


def _guided(db: Database) -> None:
    """A guided session with the MMC fields, a reflection, a drill, an experiment, a recording."""
    with db.session() as s:
        repo.save_profile(
            session=s, user_id=USER, data=ProfileData(units="lb", goal="strength", bodyweight_kg=80)
        )
        readiness = repo.add_readiness(
            session=s,
            user_id=USER,
            data=ReadinessCreate(recorded_at=T0, sleep=4, energy=3, stress=2, focus=4),
        )
        sess = repo.create_session(
            session=s,
            user_id=USER,
            data=SessionCreate(
                started_at=T0,
                readiness_id=readiness.id,
                planned=[{"exercise_id": "dumbbell_biceps_curl", "sets": 3}],
            ),
        )
        for i, rating in enumerate((6, 8)):
            repo.add_set(
                session=s,
                user_id=USER,
                data=SetCreate(
                    uuid=f"00000000-0000-4000-8000-00000000000{i}",
                    exercise_id="dumbbell_biceps_curl",
                    performed_at=T0.replace(minute=5 + i),
                    load_kg=12.5,
                    reps=10,
                    rir=2,
                    tempo={
                        "eccentric_s": 3.0,
                        "bottom_pause_s": 1.0,
                        "concentric_s": 1.0,
                        "top_squeeze_s": 1.0,
                    },
                    focus_mode="internal",
                    cue="Squeeze the biceps, hands in, slowly.",
                    emg_peak_mvc=61.5 if i else None,
                    session_id=sess.id,
                    set_index=i,
                    reflection=ReflectionCreate(
                        target_rating=rating,
                        felt_elsewhere={"front_delt": 3, "forearm_flexors": 2},
                        focus_rating=7,
                        note="felt it" if i else "",
                    ),
                ),
            )
        repo.end_session(session=s, user_id=USER, session_id=sess.id, ended_at=T0.replace(hour=19))
        drill = repo.create_drill(session=s, user_id=USER, plan={"minutes": 10}, started_at=T0)
        repo.add_drill_rating(
            session=s,
            user_id=USER,
            drill_id=drill.id,
            data=DrillRatingCreate(muscle_id="biceps", rating=7, rated_at=T0),
        )
        repo.create_experiment(
            session=s,
            user_id=USER,
            data=ExperimentCreate(name="focus", design={"conditions": ["internal", "external"]}),
            sets=[ExperimentSetCreate(condition="internal", order_index=0, load_kg=12.5)],
        )
        repo.add_recording(
            session=s,
            user_id=USER,
            data=RecordingCreate(
                kind="emg",
                set_uuid="00000000-0000-4000-8000-000000000001",
                file_name="curl.csv",
                blob=b"\x00\x01emg",
                analysis={"peak_mvc": 61.5},
            ),
        )


@pytest.fixture
def filled(tmp_path: Path, shared_data: Path) -> Database:
    db = open_database(str(tmp_path / "a.db"))
    _guided(db)
    logs = shared_data / "logs"
    import_file(db=db, user_id=USER, path=logs / "openweight/hevy-real.csv")
    import_file(db=db, user_id=USER, path=logs / "openweight/strong-real.csv", unit="lb")
    import_file(db=db, user_id=USER, path=logs / "vis-strong-go/exampleB.csv")
    yield db  # type: ignore[misc]
    db.close()


def _json(db: Database) -> str:
    out = io.StringIO()
    export_json(db=db, user_id=USER, out=out)
    return out.getvalue()


def test_json_round_trip_is_exact(filled: Database, tmp_path: Path) -> None:
    first = _json(filled)
    path = tmp_path / "export.json"
    path.write_text(first, encoding="utf-8")
    empty = open_database(str(tmp_path / "b.db"))
    try:
        report = import_file(db=empty, user_id=USER, path=path)
        assert (report.format, report.sets, report.sets_added) == ("mindmuscle-json", 68, 68)
        assert _json(empty) == first
        again = import_file(db=empty, user_id=USER, path=path)  # nothing new the second time
        assert (again.sets_added, again.workouts_added) == (0, 0)
        assert _json(empty) == first
    finally:
        empty.close()
    assert '"blob_base64": "AAFlbWc="' in first
    assert first.count('"ref": "session-') == 1 + 2 + 2 + 2


def test_csv_has_one_row_per_set_with_mmc_columns(filled: Database) -> None:
    out = io.StringIO()
    n = export_csv(db=filled, user_id=USER, out=out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert n == len(rows) == 22 + 30 + 14 + 2
    assert tuple(rows[0]) == CSV_COLUMNS
    curls = [r for r in rows if r["Exercise ID"] == "dumbbell_biceps_curl" and r["Tempo"]]
    assert [
        (
            r["Tempo"],
            r["Time Under Tension (sec)"],
            r["Focus Mode"],
            r["Target Rating"],
            r["Felt Elsewhere"],
            r["Focus Rating"],
            r["EMG Peak %MVC"],
        )
        for r in curls
    ] == [
        ("3-1-1-1", "60", "internal", "6", "forearm_flexors:2;front_delt:3", "7", ""),
        ("3-1-1-1", "60", "internal", "8", "forearm_flexors:2;front_delt:3", "7", "61.5"),
    ]
    plank = [r for r in rows if r["Exercise Name"] == "Plank"]
    assert [p["Seconds"] for p in plank] == ["75", "80", "60"]
    bench = next(r for r in rows if r["Workout Name"] == "4by5 Chest And Triceps")
    assert (bench["Exercise ID"], bench["Set Order"], bench["Duration (sec)"]) == (
        "barbell_bench_press",
        "1",
        "6180",
    )


def test_broken_json_names_where(tmp_path: Path) -> None:
    db = open_database(str(tmp_path / "c.db"))
    try:
        path = tmp_path / "bad.json"
        path.write_text('{"format": "mindmuscle-export", "version": 1, "sets": [{"uuid": 1}]}')
        with pytest.raises(FileFormatError, match=r"bad.json: sets\[0\]: uuid 1 is not allowed"):
            import_file(db=db, user_id=USER, path=path)
    finally:
        db.close()


def test_cli_import_then_export(tmp_path: Path, shared_data: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "cli.db")
    hevy = str(shared_data / "logs/openweight/hevy-real.csv")
    result = runner.invoke(app, ["import", hevy, "--db", db, "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    assert '"sets_added": 0' in result.output and '"dry_run": true' in result.output
    result = runner.invoke(app, ["import", hevy, "--db", db])
    assert result.exit_code == 0, result.output
    assert "matched to the catalogue" in result.output and "Lower Chest Fly" in result.output
    result = runner.invoke(app, ["import", hevy, "--db", db, "--map", "Lower Chest Fly"])
    assert result.exit_code == 1 and "is not NAME=EXERCISE_ID" in result.output
    strong = str(shared_data / "logs/openweight/strong-real.csv")
    # No unit in the file: read in the profile's unit, and the report says so.
    result = runner.invoke(app, ["import", strong, "--db", db, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "The file states no weight unit: read in kg, your profile's unit" in " ".join(
        result.output.split()
    )
    out = tmp_path / "sets.csv"
    result = runner.invoke(app, ["export", "--db", db, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 1 + 22
    result = runner.invoke(app, ["export", "--db", db, "--format", "json"])
    assert result.exit_code == 0 and '"format": "mindmuscle-export"' in result.output


def test_today_plans_from_the_imported_hevy_history(tmp_path: Path, shared_data: Path) -> None:
    runner = CliRunner()
    db = str(tmp_path / "plan.db")
    hevy = str(shared_data / "logs/hevyconnect/workouts.csv")
    assert runner.invoke(app, ["import", hevy, "--db", db]).exit_code == 0
    check = ["--sleep", "4", "--energy", "4", "--stress", "2", "--focus", "4"]
    args = ["today", "--db", db, *check, "-e", "barbell_bench_press", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    plan = json.loads(result.output)["plan"]
    (bench,) = [e for e in plan["exercises"] if e["exercise_id"] == "barbell_bench_press"]
    assert bench["load_source"] == "history"
    assert bench["e1rm_kg"] > 0 and bench["load_kg"] > 0


def test_csv_export_is_recognised_and_still_reads_as_a_strong_export(
    filled: Database, tmp_path: Path
) -> None:
    path = tmp_path / "sets.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        n = export_csv(db=filled, user_id=USER, out=fh)
    other = open_database(str(tmp_path / "other.db"))
    strong = open_database(str(tmp_path / "strong.db"))
    try:
        report = import_file(db=other, user_id=USER, path=path)
        assert (report.format, report.unit, report.sets, report.sets_added) == (
            "mindmuscle-csv",
            "kg",
            n,
            n,
        )
        # Its first columns are Strong's, so it still reads as a Strong export when asked.
        report = import_file(db=strong, user_id=USER, path=path, format="strong")
        assert (report.format, report.unit, report.sets, report.sets_added) == (
            "strong",
            "kg",
            n,
            n,
        )
    finally:
        other.close()
        strong.close()
