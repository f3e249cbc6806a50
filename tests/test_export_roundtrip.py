"""Round trips of MindMuscle's own CSV export, with every shared log imported (2876 sets).

* Into the database it came from: recognised as ours by its header, its set ids honoured, so it
  adds nothing (it was read as a Strong export before and added 2452 of 2876 sets).
* Into a new database: the same history as the JSON export, compared set by set.
* Cells that a spreadsheet would run as a formula are written escaped and read back as written.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from mindmuscle.errors import FileFormatError, FileRowsError
from mindmuscle.io.logs.mmcsv import (
    CSV_COLUMNS,
    escape_cell,
    format_number,
    read_mindmuscle_csv,
    unescape_cell,
)
from mindmuscle.services.export import export_csv, export_document, export_json
from mindmuscle.services.imports import import_file
from mindmuscle.store import Database, ReflectionCreate, SetCreate, open_database, repo
from mindmuscle.store.tables import SessionRow, SetRow, UserExerciseRow
from tests.test_export import _guided

USER = 1
N_SHARED_SETS = 2876

# A Strong export whose names and notes a spreadsheet would run as formulas.
FORMULAS = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    "Workout Notes,RPE\n"
    '2025-02-01 09:00:00,=HYPERLINK("http://x"),1h,=2+3,1,40,8,0,0,@SUM(A1),-tired,\n'
    '2025-02-01 09:00:00,=HYPERLINK("http://x"),1h,=2+3,2,42.5,6,0,0,+1 rep,-tired,\n'
    '2025-02-01 09:00:00,=HYPERLINK("http://x"),1h,\'quoted,1,10,10,0,0,-2.5,-tired,\n'
)


def _import_shared_logs(db: Database, logs: Path) -> int:
    """Every shared log that MindMuscle reads (JEFIT and the broken fixtures are refused)."""
    added = 0
    for path in sorted(logs.rglob("*.csv")):
        try:
            report = import_file(db=db, user_id=USER, path=path)
        except FileFormatError as exc:
            if exc.needs != "weight_unit":
                continue
            try:
                report = import_file(db=db, user_id=USER, path=path, unit="kg")
            except FileFormatError:
                continue
        added += report.sets_added
    return added


@pytest.fixture(scope="module")
def everything(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """A database with every shared log, a guided session and formula-like cells (built once)."""
    path = tmp_path_factory.mktemp("roundtrip") / "all.db"
    db = open_database(str(path))
    assert _import_shared_logs(db, shared_data / "logs") == N_SHARED_SETS
    _guided(db)
    formulas = path.parent / "formulas.csv"
    formulas.write_text(FORMULAS, encoding="utf-8")
    assert import_file(db=db, user_id=USER, path=formulas, unit="kg").sets_added == 3
    with db.session() as s:  # a reflection note and a cue that start like formulas
        repo.add_set(
            session=s,
            user_id=USER,
            data=SetCreate(
                uuid="00000000-0000-4000-8000-00000000f001",
                exercise_id="barbell_back_squat",
                performed_at=_guided_time(),
                load_kg=102.05828325,  # 225 lb: a value only the shortest repr keeps
                reps=5,
                cue="-push the floor away",
                notes="=1+1",
                source="log",
                reflection=ReflectionCreate(
                    target_rating=7,
                    felt_elsewhere={"upper_traps": 4},
                    focus_rating=None,
                    note="@coach: knees out",
                ),
            ),
        )
    db.close()
    return path


def _guided_time() -> Any:
    from tests.test_export import T0

    return T0


def _copy(src: Path, dest: Path) -> Database:
    dest.write_bytes(src.read_bytes())
    return open_database(str(dest))


def _counts(db: Database) -> tuple[int, int, int]:
    with db.session(readonly=True) as s:
        return tuple(  # type: ignore[return-value]
            int(s.scalar(select(func.count()).select_from(t)) or 0)
            for t in (SetRow, SessionRow, UserExerciseRow)
        )


def _export(db: Database, path: Path) -> int:
    with path.open("w", encoding="utf-8", newline="") as fh:
        return export_csv(db=db, user_id=USER, out=fh)


def test_our_csv_into_the_same_database_adds_nothing(everything: Path, tmp_path: Path) -> None:
    db = _copy(everything, tmp_path / "same.db")
    try:
        before = _counts(db)
        out = tmp_path / "sets.csv"
        n = _export(db, out)
        assert n == before[0]
        report = import_file(db=db, user_id=USER, path=out)
        assert (report.format, report.sets, report.sets_added, report.workouts_added) == (
            "mindmuscle-csv",
            n,
            0,
            0,
        )
        assert report.new_user_exercises == 0
        assert _counts(db) == before
    finally:
        db.close()


def _history(doc: Any) -> list[tuple[Any, ...]]:
    """Each set with its workout's start, end, source and notes (database ids differ)."""
    sessions = {s.ref: (s.started_at, s.ended_at, s.source, s.notes) for s in doc.sessions}
    return [
        (
            st.model_dump(exclude={"session"}),
            None if st.session is None else sessions[st.session],
        )
        for st in doc.sets
    ]


def test_our_csv_into_a_new_database_gives_the_json_history(
    everything: Path, tmp_path: Path
) -> None:
    db = open_database(str(everything))
    csv_path, json_path = tmp_path / "sets.csv", tmp_path / "all.json"
    n = _export(db, csv_path)
    with json_path.open("w", encoding="utf-8") as fh:
        export_json(db=db, user_id=USER, out=fh)
    db.close()
    from_csv = open_database(str(tmp_path / "csv.db"))
    from_json = open_database(str(tmp_path / "json.db"))
    try:
        report = import_file(db=from_csv, user_id=USER, path=csv_path)
        assert (report.sets, report.sets_added) == (n, n)
        assert import_file(db=from_json, user_id=USER, path=json_path).sets_added == n
        a = _history(export_document(db=from_csv, user_id=USER))
        b = _history(export_document(db=from_json, user_id=USER))
        assert len(a) == len(b) == n
        for got, want in zip(a, b, strict=True):
            assert got == want
        # The user's own exercises are there, under the same ids and names.
        with from_csv.session(readonly=True) as s:
            mine = {r.exercise_id: r.exercise["name"] for r in repo.list_user_exercises(
                session=s, user_id=USER
            )}  # fmt: skip
        assert mine["user_2_3"] == "=2+3"
        assert mine["user_quoted"] == "'quoted"
        # Importing it again adds nothing there either.
        again = import_file(db=from_csv, user_id=USER, path=csv_path)
        assert (again.sets_added, again.workouts_added, again.new_user_exercises) == (0, 0, 0)
    finally:
        from_csv.close()
        from_json.close()


def test_formula_cells_are_escaped_and_read_back_as_written(
    everything: Path, tmp_path: Path
) -> None:
    db = open_database(str(everything))
    out = io.StringIO()
    export_csv(db=db, user_id=USER, out=out)
    db.close()
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    formula = [r for r in rows if r["Exercise ID"] == "user_2_3"]
    cells = [
        (r["Exercise Name"], r["Workout Name"], r["Notes"], r["Workout Notes"]) for r in formula
    ]
    assert cells == [
        ("'=2+3", "'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "'-tired"),
        ("'=2+3", "'=HYPERLINK(\"http://x\")", "'+1 rep", "'-tired"),
    ]  # fmt: skip
    quoted = next(r for r in rows if r["Exercise ID"] == "user_quoted")
    assert (quoted["Exercise Name"], quoted["Notes"]) == ("''quoted", "'-2.5")
    squat = next(r for r in rows if r["Set ID"] == "00000000-0000-4000-8000-00000000f001")
    assert (squat["Cue"], squat["Notes"], squat["Reflection Note"]) == (
        "'-push the floor away",
        "'=1+1",
        "'@coach: knees out",
    )
    # Numbers are numbers: never escaped, and exact.
    assert (squat["Weight (kg)"], squat["Reps"], squat["Target Rating"]) == (
        "102.05828325",
        "5",
        "7",
    )
    assert not any(
        r[c].startswith("'") for r in rows for c in ("Weight (kg)", "Reps", "RIR", "Seconds")
    )
    path = tmp_path / "sets.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    doc, names = read_mindmuscle_csv(path)
    (back,) = [st for st in doc.sets if st.uuid == "00000000-0000-4000-8000-00000000f001"]
    assert (back.cue, back.notes, back.load_kg) == ("-push the floor away", "=1+1", 102.05828325)
    assert back.reflection is not None and back.reflection.note == "@coach: knees out"
    assert names["user_2_3"] == "=2+3" and names["user_quoted"] == "'quoted"
    assert {st.notes for st in doc.sets if st.exercise_id in ("user_2_3", "user_quoted")} == {
        "@SUM(A1)",
        "+1 rep",
        "-2.5",
    }


def test_cells_escape_and_unescape_exactly() -> None:
    for text in ("=1", "+1", "-1", "@a", "\tx", "\rx", "'x", "''", "plain", "", "a=b", "1-2"):
        assert unescape_cell(escape_cell(text)) == text
        assert not escape_cell(text).startswith(("=", "+", "-", "@", "\t", "\r"))
    assert [format_number(v) for v in (-2.5, 0.0, 1e-05, 60.0, 0.1 + 0.2)] == [
        "-2.5",
        "0",
        "1e-05",
        "60",
        "0.30000000000000004",
    ]


def _one_row(tmp_path: Path, **cells: str) -> Path:
    values = {c: "" for c in CSV_COLUMNS}
    values.update(
        {
            "Date": "2025-01-01T10:00:00",
            "Exercise ID": "barbell_back_squat",
            "Exercise Name": "Barbell Back Squat",
            "Set Type": "working",
            "Weight (kg)": "100",
            "Reps": "5",
            "Source": "log",
            "Set ID": "00000000-0000-4000-8000-000000000abc",
        }
    )
    values.update(cells)
    path = tmp_path / "one.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        writer.writerow([values[c] for c in CSV_COLUMNS])
    return path


def test_a_negative_number_in_a_numeric_column_is_a_number(tmp_path: Path) -> None:
    # A spreadsheet that kept the apostrophe, or none: both are the number, never text.
    for cell in ("-1.5", "'-1.5"):
        doc, _ = read_mindmuscle_csv(_one_row(tmp_path, **{"EMG Peak %MVC": cell}))
        assert doc.sets[0].emg_peak_mvc == -1.5
    # Where the number is out of range the row names its line and column.
    with pytest.raises(FileFormatError, match=r"one.csv, line 2: load_kg -5 is not allowed: the"):
        read_mindmuscle_csv(_one_row(tmp_path, **{"Weight (kg)": "-5"}))
    with pytest.raises(FileFormatError, match=r"line 2, column Reps: 'five' is not a number"):
        read_mindmuscle_csv(_one_row(tmp_path, Reps="five"))


def test_an_older_export_without_the_new_columns_is_ours_too(tmp_path: Path) -> None:
    old = tmp_path / "old.csv"
    with old.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(CSV_COLUMNS[:24])
        row = {c: "" for c in CSV_COLUMNS[:24]}
        row.update(
            {
                "Date": "2025-01-01T10:00:00",
                "Exercise ID": "barbell_back_squat",
                "Set Type": "working",
                "Weight (kg)": "100",
                "Reps": "5",
                "Target Rating": "6",
                "Felt Elsewhere": "upper_traps:3",
                "Seconds": "40",
                "Source": "log",
                "Set ID": "00000000-0000-4000-8000-000000000abd",
            }
        )
        writer.writerow([row[c] for c in CSV_COLUMNS[:24]])
    db = open_database(str(tmp_path / "old.db"))
    try:
        report = import_file(db=db, user_id=USER, path=old)
        assert (report.format, report.sets_added) == ("mindmuscle-csv", 1)
        with db.session(readonly=True) as s:
            (stored,) = repo.list_sets(session=s, user_id=USER)
            assert (stored.uuid, stored.load_kg, stored.motion) == (
                "00000000-0000-4000-8000-000000000abd",
                100.0,
                {"duration_s": 40.0},
            )
            assert stored.reflection is not None
            assert (stored.reflection.target_rating, stored.reflection.felt_elsewhere) == (
                6,
                {"upper_traps": 3},
            )
    finally:
        db.close()


def _rows_file(tmp_path: Path, rows: list[dict[str, str]]) -> Path:
    base = {c: "" for c in CSV_COLUMNS}
    base.update(
        {
            "Date": "2025-01-01T10:00:00",
            "Exercise ID": "barbell_back_squat",
            "Exercise Name": "Barbell Back Squat",
            "Set Type": "working",
            "Weight (kg)": "100",
            "Reps": "5",
            "Source": "log",
        }
    )
    path = tmp_path / "ours.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
        for i, cells in enumerate(rows):
            values = base | {"Set ID": f"00000000-0000-4000-8000-{i:012d}"} | cells
            writer.writerow([values[c] for c in CSV_COLUMNS])
    return path


def test_our_csv_lists_every_broken_row_and_stores_nothing(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'm.db'}")
    good: dict[str, str] = {}
    path = _rows_file(
        tmp_path,
        [good, {"Reps": "five"}, good, {"Date": "tomorrow"}, {"Tempo": "fast"}, good],
    )
    with pytest.raises(FileRowsError) as err:
        import_file(db=db, user_id=USER, path=path)
    assert [(e.line, e.column) for e in err.value.errors] == [
        (3, "Reps"),
        (5, "Date"),
        (6, "Tempo"),
    ]
    assert err.value.more == 0
    assert _counts(db)[0] == 0  # not even the good rows
    # Eighty broken rows: fifty listed, thirty counted.
    path = _rows_file(tmp_path, [{"Reps": "x"}] * 80)
    with pytest.raises(FileRowsError) as err:
        import_file(db=db, user_id=USER, path=path)
    assert (len(err.value.errors), err.value.more, err.value.count) == (50, 30, 80)
    # Rows that read but break the limits of a set are listed too, by set.
    path = _rows_file(tmp_path, [good, {"Reps": "500"}, {"Weight (kg)": "2000"}])
    with pytest.raises(FileRowsError) as err:
        import_file(db=db, user_id=USER, path=path)
    assert [(e.line, e.reason) for e in err.value.errors] == [
        (3, "reps 500 is not allowed: the reps must be a whole number from 0 to 200"),
        (4, "load_kg 2000 is not allowed: the load must be a finite number from 0 to 1500 kg"),
    ]
    assert _counts(db)[0] == 0
    db.close()


def test_our_json_lists_every_problem_and_stores_nothing(tmp_path: Path) -> None:
    src = open_database(f"sqlite:///{tmp_path / 'src.db'}")
    _guided(src)
    doc = json.loads(export_document(db=src, user_id=USER).to_json())
    src.close()
    doc["sets"][0]["reps"] = "many"
    doc["sets"][1]["load_kg"] = "heavy"
    path = tmp_path / "export.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    db = open_database(f"sqlite:///{tmp_path / 'm.db'}")
    with pytest.raises(FileRowsError) as err:
        import_file(db=db, user_id=USER, path=path)
    assert [e.reason for e in err.value.errors] == [
        "sets[0]: reps 'many' is not allowed: the reps must be a whole number from 0 to 200",
        "sets[1]: load_kg 'heavy' is not allowed: the load must be a finite number from 0 to "
        "1500 kg",
    ]
    assert _counts(db)[0] == 0
    db.close()


def test_a_json_import_counts_only_workouts_with_sets(tmp_path: Path) -> None:
    """A planned session never trained is stored again (the export keeps it), but it is no
    workout: the preview and the summary count the one workout that has sets."""
    from datetime import UTC, datetime

    from mindmuscle.store import SessionCreate
    from tests.test_export import USER

    src = open_database(f"sqlite:///{tmp_path / 'src.db'}")
    _guided(src)
    with src.session() as s:
        for day in (6, 7):  # two plans made and never started
            repo.create_session(
                session=s,
                user_id=USER,
                data=SessionCreate(
                    started_at=datetime(2024, 1, day, 9, tzinfo=UTC),
                    planned=[{"exercise_id": "lat_pulldown", "sets": 3}],
                ),
            )
    path = tmp_path / "all.json"
    with path.open("w", encoding="utf-8") as f:
        export_json(db=src, user_id=USER, out=f)
    dest = open_database(f"sqlite:///{tmp_path / 'dest.db'}")
    preview = import_file(db=dest, user_id=USER, path=path, dry_run=True)
    assert (preview.sets, preview.workouts, preview.workouts_added) == (2, 1, 0)
    done = import_file(db=dest, user_id=USER, path=path)
    assert (done.sets_added, done.workouts, done.workouts_added) == (2, 1, 1)
    with dest.session(readonly=True) as s:
        assert s.scalar(select(func.count(SessionRow.id))) == 3  # the plans are kept
    again = import_file(db=dest, user_id=USER, path=path)
    assert (again.sets_added, again.workouts, again.workouts_added) == (0, 1, 0)
