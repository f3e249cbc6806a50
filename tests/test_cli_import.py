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


def _bad_rows_file(path: Path, n_bad: int) -> Path:
    """A Strong export of one good row then ``n_bad`` broken rows: reps 'abc', or 9000."""
    rows = ["2024-02-01 10:30,Push,1h,Bench Press (Barbell),1,60,8,,,,,\n"]
    for i in range(n_bad):
        reps = "abc" if i % 2 == 0 else "9000"
        rows.append(
            f"2024-01-{i % 28 + 1:02d} 10:30,Push,1h,Bench Press (Barbell),1,60,{reps},,,,,\n"
        )
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


REPS_ALLOWED = "the reps must be a whole number from 0 to 200"


def _stored_sets(db: str) -> list[object]:
    result = runner.invoke(app, ["history", "--json", "--db", db])
    assert result.exit_code == 0, result.output
    return list(json.loads(result.output)["sets"])


def test_every_broken_row_of_a_file_is_listed_and_nothing_is_stored(tmp_path: Path) -> None:
    db = str(tmp_path / "k.db")
    log = _bad_rows_file(tmp_path / "strong.csv", 3)

    result = runner.invoke(app, ["import", str(log), "--unit", "kg", "--db", db])

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"Error: {log}: 3 rows cannot be imported, so nothing was stored:",
        f"  {log}, line 3, column Reps: 'abc' is not a number; allowed: {REPS_ALLOWED}",
        f"  {log}, line 4, column Reps: '9000' is not allowed: {REPS_ALLOWED}",
        f"  {log}, line 5, column Reps: 'abc' is not a number; allowed: {REPS_ALLOWED}",
    ]
    assert _stored_sets(db) == []  # not even the good row


def test_a_file_with_80_broken_rows_lists_the_first_50_and_counts_the_rest(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "l.db")
    log = _bad_rows_file(tmp_path / "strong.csv", 80)

    for args in (["--dry-run"], []):
        result = runner.invoke(app, ["import", str(log), "--unit", "kg", "--db", db, *args])

        assert result.exit_code == 1
        lines = result.stderr.splitlines()
        assert lines[0] == f"Error: {log}: 80 rows cannot be imported, so nothing was stored:"
        assert len(lines) == 1 + 50 + 1
        assert [int(line.split(", line ")[1].split(",")[0]) for line in lines[1:51]] == list(
            range(3, 53)
        )
        assert lines[-1] == "  ... and 30 more (the first 50 are listed)."
        assert "Traceback" not in result.output
    assert _stored_sets(db) == []


def test_one_broken_row_is_still_one_line(tmp_path: Path) -> None:
    log = _bad_rows_file(tmp_path / "strong.csv", 1)
    result = runner.invoke(
        app, ["import", str(log), "--unit", "kg", "--db", str(tmp_path / "m.db")]
    )
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"Error: {log}, line 3, column Reps: 'abc' is not a number; allowed: {REPS_ALLOWED}"
    ]


HEADERS = {
    "strong.csv": "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,"
    "Seconds,Notes,Workout Notes,RPE\n",
    "hevy.csv": '"title","start_time","end_time","description","exercise_title","superset_id",'
    '"exercise_notes","set_index","set_type","weight_kg","reps","distance_km",'
    '"duration_seconds","rpe"\n',
    "fitnotes.csv": "Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,"
    "Time,Comment\n",
}


def test_a_header_only_export_says_no_sets_and_exits_1_as_an_empty_file_does(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "m.db")
    runner.invoke(app, ["log", "leg_extension", "--reps", "10", "--load", "40", "--db", db])
    # Our own CSV export, header only: made from a database without sets.
    empty_db = str(tmp_path / "empty.db")
    assert runner.invoke(app, ["init", "--no-input", "--db", empty_db]).exit_code == 0
    ours = tmp_path / "mindmuscle.csv"
    exported = runner.invoke(app, ["export", "--format", "csv", "-o", str(ours), "--db", empty_db])
    assert exported.exit_code == 0, exported.output
    files = [ours]
    for name, header in HEADERS.items():
        (tmp_path / name).write_text(header, encoding="utf-8")
        files.append(tmp_path / name)
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    for path in files:
        for dry in ([], ["--dry-run"]):
            result = runner.invoke(app, ["import", str(path), *dry, "--unit", "kg", "--db", db])
            assert result.exit_code == 1, (path.name, result.output)
            assert result.output.strip().splitlines() == [
                f"Error: no sets in {path.name}: it has a header row but no set rows, so nothing "
                "was imported; export again with your workouts in it"
            ]
    empty = runner.invoke(app, ["import", str(tmp_path / "empty.csv"), "--db", db])
    assert empty.exit_code == 1 and "empty.csv: is empty" in empty.output
    sets = json.loads(runner.invoke(app, ["history", "--json", "--db", db]).output)["sets"]
    assert len(sets) == 1  # the one logged set, nothing else


def test_mindmuscle_json_into_a_lb_profile_says_its_loads_are_kg(tmp_path: Path) -> None:
    first, second = str(tmp_path / "a.db"), str(tmp_path / "b.db")
    log = tmp_path / "strong.csv"
    log.write_text(HEADER + "01/15/2024 10:30,Push,1h,Bench Press (Barbell),1,100,8,,,,,\n")
    assert runner.invoke(app, ["import", str(log), "--unit", "kg", "--db", first]).exit_code == 0
    out = tmp_path / "export.json"
    args = ["export", "--format", "json", "--out", str(out), "--db", first]
    assert runner.invoke(app, args).exit_code == 0
    assert (
        runner.invoke(app, ["init", "--no-input", "--units", "lb", "--db", second]).exit_code == 0
    )
    result = runner.invoke(app, ["import", str(out), "--db", second], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output + result.stderr
    said = " ".join(result.output.split())  # the console may wrap at another width
    assert (
        "Format: mindmuscle-json; weights: kg, as MindMuscle's own files store them. "
        "0 sets were already stored."
    ) in said
    assert "states no weight unit" not in said
    sets = json.loads(runner.invoke(app, ["history", "--json", "--db", second]).output)["sets"]
    assert [s["load_kg"] for s in sets] == [100]
