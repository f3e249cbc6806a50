"""The log readers on every real and edge-case export in ../shared/data/logs, and on made-up text.

Expected counts were read off the files independently (row counts with the csv module, workouts
as distinct title+start or date, exercises as distinct names), not from the reader.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest

from mindmuscle.errors import FileFormatError
from mindmuscle.io.logs import ParsedSet, open_log

# path under logs/, unit option, sets, workouts, distinct exercise names
IMPORTS = [
    ("hevyconnect/workouts.csv", None, 1922, 80, 38),
    ("kaiserlift-fitnotes/FitNotes_Export_2025_05_21_08_39_11.csv", None, 750, 141, 15),
    ("openweight/strong-real.csv", "lb", 30, 2, 6),
    ("openweight/hevy-real.csv", None, 22, 2, 6),
    ("openweight/strong-basic.csv", "kg", 6, 1, 2),
    ("openweight/strong-multiworkout.csv", "kg", 7, 2, 4),
    ("openweight/strong-ai-test.csv", "kg", 12, 1, 6),
    ("openweight/hevy-basic.csv", None, 5, 1, 2),
    ("openweight/hevy-exercise-notes.csv", None, 3, 1, 2),
    ("openweight/hevy-supersets.csv", None, 6, 1, 3),
    ("vis-strong-go/alt.csv", "kg", 9, 1, 3),
    ("vis-strong-go/example.csv", None, 14, 2, 3),
    ("vis-strong-go/exampleB.csv", None, 14, 2, 5),
    ("openweight/exploratory/hevy-date-formats.csv", None, 6, 6, 1),
    ("openweight/exploratory/hevy-header-only.csv", None, 0, 0, 0),
    ("openweight/exploratory/hevy-lbs-only.csv", None, 3, 1, 2),
    ("openweight/exploratory/hevy-single-set.csv", None, 1, 1, 1),
    ("openweight/exploratory/hevy-unicode-emoji.csv", None, 3, 1, 3),
    ("openweight/exploratory/strong-all-set-types.csv", "kg", 4, 1, 1),
    ("openweight/exploratory/strong-bodyweight-distance.csv", "kg", 6, 1, 3),
    ("openweight/exploratory/strong-bom.csv", "kg", 1, 1, 1),
    ("openweight/exploratory/strong-crlf.csv", "kg", 2, 1, 1),
    ("openweight/exploratory/strong-duration-formats.csv", "kg", 10, 10, 1),
    ("openweight/exploratory/strong-extra-columns.csv", "kg", 2, 1, 1),
    ("openweight/exploratory/strong-header-only.csv", "kg", 0, 0, 0),
    ("openweight/exploratory/strong-many-exercises.csv", "kg", 26, 1, 13),
    ("openweight/exploratory/strong-newlines-in-notes.csv", "kg", 2, 1, 1),
    ("openweight/exploratory/strong-quoted-commas.csv", "kg", 3, 1, 2),
    ("openweight/exploratory/strong-single-set.csv", "kg", 1, 1, 1),
    ("openweight/exploratory/strong-unicode-emoji.csv", "kg", 4, 1, 3),
    ("openweight/exploratory/strong-whitespace-hell.csv", "kg", 2, 1, 1),
]

# path under logs/, the message must match this (file, line, column and reason)
FAILURES = [
    ("openweight/exploratory/hevy-all-set-types.csv", r"line 6, column set_type: '99' is not"),
    ("openweight/exploratory/hevy-empty.csv", r"hevy-empty.csv: is empty"),
    ("openweight/exploratory/hevy-extreme-values.csv", r"line 4, column weight_kg: '-5' is neg"),
    ("openweight/exploratory/hevy-garbage-values.csv", r"line 2, column start_time: 'not-a-d"),
    ("openweight/exploratory/hevy-missing-fields.csv", r"line 4, column start_time: is empty"),
    ("openweight/exploratory/hevy-reversed-time.csv", r"line 2, column end_time: .* before"),
    # 01/15/2024 (line 7) is read: only one order is a date; the next fault is line 9.
    ("openweight/exploratory/strong-date-formats.csv", r"line 9: has 13 fields"),
    ("openweight/exploratory/strong-empty.csv", r"strong-empty.csv: is empty"),
    ("openweight/exploratory/strong-extreme-values.csv", r"line 4, column Weight: '-5' is neg"),
    ("openweight/exploratory/strong-garbage-values.csv", r"line 2, column Date: 'not-a-date'"),
    ("openweight/exploratory/strong-missing-fields.csv", r"line 3, column Date: is empty"),
    ("openweight/exploratory/not-a-workout.csv", r"line 1: is not a known workout-log export"),
]
_JEFIT_EDGE = (
    "bodyweight bom crlf decimal-weights duplicate-sessions empty-logs extreme-values header-only "
    "malformed-logs many-exercises missing-session single-set starttime-missing starttimie-typo "
    "unicode-exercises zero-duration"
)
JEFIT = [
    "openweight/jefit-basic.csv",
    "openweight/jefit-multisession.csv",
    "openweight/jefit-real.csv",
    *(f"openweight/exploratory/jefit-{n}.csv" for n in _JEFIT_EDGE.split()),
]


def _read(path: Path | str, unit: str | None = None, **kw: object) -> list[ParsedSet]:
    with open_log(path, unit=unit, **kw) as log:  # type: ignore[arg-type]
        return list(log)


def _text(text: str, unit: str | None = None) -> list[ParsedSet]:
    return _read("made-up.csv", unit, stream=io.StringIO(text))


def test_every_file_in_the_folder_is_covered(shared_data: Path) -> None:
    root = shared_data / "logs"
    listed = {p for p, *_ in IMPORTS} | {p for p, _ in FAILURES} | set(JEFIT)
    on_disk = {str(p.relative_to(root)) for p in root.rglob("*.csv")}
    assert on_disk == listed


@pytest.mark.parametrize(("rel", "unit", "n_sets", "n_workouts", "n_exercises"), IMPORTS)
def test_export_reads_with_exact_counts(
    shared_data: Path, rel: str, unit: str | None, n_sets: int, n_workouts: int, n_exercises: int
) -> None:
    sets = _read(shared_data / "logs" / rel, unit)
    assert len(sets) == n_sets
    assert len({s.workout_key for s in sets}) == n_workouts
    assert len({s.exercise_name for s in sets}) == n_exercises
    assert len({s.import_key for s in sets}) == n_sets  # every set has its own key


@pytest.mark.parametrize(("rel", "message"), FAILURES)
def test_broken_export_names_line_and_column(shared_data: Path, rel: str, message: str) -> None:
    with pytest.raises(FileFormatError, match=message):
        _read(shared_data / "logs" / rel, "kg")


@pytest.mark.parametrize("rel", JEFIT)
def test_jefit_is_refused_by_name(shared_data: Path, rel: str) -> None:
    with pytest.raises(FileFormatError, match=r"line 1: unsupported format \(JEFIT\)"):
        _read(shared_data / "logs" / rel, "kg")


def test_real_hevy_export_values(shared_data: Path) -> None:
    sets = _read(shared_data / "logs" / "hevyconnect" / "workouts.csv")
    kinds = {k: sum(s.set_type == k for s in sets) for k in ("working", "warmup")}
    assert kinds == {"working": 1902, "warmup": 20}
    first = sets[0]
    assert (first.exercise_name, first.load_kg, first.reps) == ("Pull Up", None, 7)
    assert first.started_at == datetime(2025, 12, 5, 11, 37)
    assert first.workout_duration_s == 78 * 60
    running = [s for s in sets if s.exercise_name == "Running" and s.distance_m]
    assert running[0].distance_m == 5000.0


def test_real_fitnotes_export_converts_pounds(shared_data: Path) -> None:
    name = "FitNotes_Export_2025_05_21_08_39_11.csv"
    sets = _read(shared_data / "logs" / "kaiserlift-fitnotes" / name)
    first = sets[0]
    assert first.exercise_name == "Flat Barbell Bench Press"
    assert first.load_kg == pytest.approx(45.0 * 0.45359237, abs=1e-4)
    assert first.started_at == datetime(2022, 9, 14)
    assert first.category == "Chest"


def test_strong_s3_has_units_and_plain_second_durations(shared_data: Path) -> None:
    sets = _read(shared_data / "logs" / "vis-strong-go" / "exampleB.csv")
    plank = [s for s in sets if s.exercise_name == "Plank"]
    assert [(p.load_kg, p.reps, p.duration_s) for p in plank] == [
        (None, None, 75.0),
        (None, None, 80.0),
        (None, None, 60.0),
    ]
    assert sets[0].workout_duration_s == 2227.0
    assert sets[0].workout_title == "Back, Core, Biceps"


def test_strong_without_unit_needs_the_option(shared_data: Path) -> None:
    path = shared_data / "logs" / "openweight" / "strong-real.csv"
    with pytest.raises(FileFormatError, match=r"column Weight: .*whether .* kg or lb") as err:
        _read(path)
    assert err.value.needs == "weight_unit"  # each channel names its own control for it
    sets = _read(path, "lb")
    assert sets[3].load_kg == pytest.approx(115 * 0.45359237, abs=1e-4)


def test_strong_durations(shared_data: Path) -> None:
    sets = _read(shared_data / "logs/openweight/exploratory/strong-duration-formats.csv", "kg")
    assert [s.workout_duration_s for s in sets] == [
        4980.0,
        3300.0,
        3600.0,
        5025.0,
        1425.0,
        3600.0,
        0.0,
        None,
        9015.0,
        45.0,
    ]


def test_set_types_from_a_set_type_column(shared_data: Path) -> None:
    sets = _read(shared_data / "logs/openweight/exploratory/strong-all-set-types.csv", "kg")
    assert [s.set_type for s in sets] == ["warmup", "working", "drop", "failure"]


def test_quoted_commas_and_newlines(shared_data: Path) -> None:
    logs = shared_data / "logs/openweight/exploratory"
    sets = _read(logs / "strong-quoted-commas.csv", "kg")
    assert sets[0].exercise_name == "Bench Press, Flat (Barbell)"
    assert sets[0].workout_title == "Chest, Shoulders, and Triceps"
    sets = _read(logs / "strong-newlines-in-notes.csv", "kg")
    assert sets[0].notes == "Line 1\nLine 2\nLine 3"
    assert (sets[0].line, sets[1].line) == (2, 6)


def test_hevy_superset_rows_interleaved_stay_in_their_blocks(shared_data: Path) -> None:
    sets = _read(shared_data / "logs/openweight/hevy-supersets.csv")
    placed = [(s.exercise_name[:5], s.exercise_position, s.set_position, s.superset) for s in sets]
    assert placed == [
        ("Bench", 1, 1, "1"),
        ("Bent-", 2, 1, "1"),
        ("Bench", 1, 2, "1"),
        ("Bent-", 2, 2, "1"),
        ("Later", 3, 1, None),
        ("Later", 3, 2, None),
    ]


STRONG_HEADER = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,Workout Notes,RPE\n"  # noqa: E501


def test_strong_letters_and_pseudo_rows() -> None:
    rows = [
        "2024-01-01 10:00:00,A,1h,Squat,W,60,5,0,0,,,",
        "2024-01-01 10:00:00,A,1h,Squat,Rest Timer,0,0,0,90,,,",
        "2024-01-01 10:00:00,A,1h,Squat,1,100,5,0,0,,,8.5",
        "2024-01-01 10:00:00,A,1h,Squat,Note,0,0,0,0,knees ok,,",
        "2024-01-01 10:00:00,A,1h,Squat,D,80,8,0,0,,,",
        "2024-01-01 10:00:00,A,1h,Squat,F,80,3,0,0,,,",
    ]
    sets = _text(STRONG_HEADER + "\n".join(rows), "kg")
    assert [(s.set_type, s.line) for s in sets] == [
        ("warmup", 2),
        ("working", 4),
        ("drop", 6),
        ("failure", 7),
    ]
    assert sets[1].rpe == 8.5


def test_the_same_exercise_twice_is_two_blocks() -> None:
    rows = [
        "2024-01-01 10:00:00,A,1h,Squat,1,100,5,0,0,,,",
        "2024-01-01 10:00:00,A,1h,Squat,2,100,5,0,0,,,",
        "2024-01-01 10:00:00,A,1h,Curl,1,10,5,0,0,,,",
        "2024-01-01 10:00:00,A,1h,Squat,1,90,5,0,0,,,",
        "2024-01-01 10:00:00,A,1h,Squat,1,80,5,0,0,,,",
    ]
    sets = _text(STRONG_HEADER + "\n".join(rows), "kg")
    assert [(s.exercise_position, s.set_position) for s in sets] == [
        (1, 1),
        (1, 2),
        (2, 1),
        (3, 1),
        (4, 1),
    ]


def test_strong_semicolon_dialect_with_units_and_decimal_commas() -> None:
    text = (
        "Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;"
        "Distance Unit;Seconds;Notes;Workout Notes;Workout Duration\r\n"
        "2024-02-03 08:00:00;Push;Bench Press (Barbell);1;62,5;kg;8;;;;;;;38min\r\n"
        "2024-02-03 08:00:00;Push;Bench Press (Barbell);2;135;lbs;5;;;;;;;38min\r\n"
        "2024-02-03 08:00:00;Push;Rowing (Machine);1;;;;;2;km;600;;;38min\r\n"
    )
    sets = _text("\ufeff" + text)
    assert [s.load_kg for s in sets] == [62.5, pytest.approx(61.235, abs=1e-3), None]
    assert sets[0].workout_duration_s == 38 * 60
    assert (sets[2].distance_m, sets[2].duration_s) == (2000.0, 600.0)


def test_fitnotes_without_a_unit_column() -> None:
    text = "Date,Exercise,Category,Weight (lbs),Reps,Distance,Distance Unit,Time,Comment\n"
    text += "2024-03-01,Curl,Biceps,20,10,,,,\n2024-03-01,Run,Cardio,,,5,km,0:25:00,easy\n"
    sets = _text(text)
    assert sets[0].load_kg == pytest.approx(9.0718, abs=1e-4)
    assert (sets[1].distance_m, sets[1].duration_s, sets[1].notes) == (5000.0, 1500.0, "easy")
    text = "Date,Exercise,Category,Weight,Reps\n2024-03-01,Curl,Biceps,20,10\n"
    with pytest.raises(FileFormatError, match=r"column Weight: .*whether .* kg or lb") as err:
        _text(text)
    assert err.value.needs == "weight_unit"
    assert _text(text, "kg")[0].load_kg == 20.0


def test_hevy_imperial_header() -> None:
    text = (
        "title,start_time,end_time,description,exercise_title,superset_id,exercise_notes,"
        "set_index,set_type,weight_lbs,reps,distance_miles,duration_seconds,rpe\n"
        '"Legs","5 Dec 2025, 11:37","5 Dec 2025, 12:55","","Squat (Barbell)",,"",0,'
        '"dropset",225,5,,,9\n'
    )
    (s,) = _text(text)
    assert (s.load_kg, s.set_type, s.rpe) == (pytest.approx(102.0583, abs=1e-4), "drop", 9.0)


def test_format_option_must_match_the_header(shared_data: Path) -> None:
    path = shared_data / "logs/openweight/hevy-basic.csv"
    with pytest.raises(FileFormatError, match=r"was given as strong but its header is a hevy"):
        _read(path, format="strong")


def test_row_with_an_unquoted_delimiter_names_its_line() -> None:
    text = STRONG_HEADER + "Jan 15, 2024 10:30 AM,A,1h,Squat,1,100,5,0,0,,,\n"
    with pytest.raises(FileFormatError, match=r"line 2: has 13 fields but the header has 12"):
        _text(text, "kg")


def test_bad_quoting_names_its_line() -> None:
    text = STRONG_HEADER + '2024-01-01 10:00:00,"A"x,1h,Squat,1,100,5,0,0,,,\n'
    with pytest.raises(FileFormatError, match=r"line 2: is not valid CSV"):
        _text(text, "kg")


def test_not_utf8_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    row = "2024-01-01,Día,1h,Sq,1,1,1,0,0,,,\n"
    path.write_bytes(STRONG_HEADER.encode() + row.encode("latin-1"))
    with pytest.raises(FileFormatError, match=r"latin1.csv, line 2: is not UTF-8 text"):
        _read(path, "kg")


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match=r"nope.csv: cannot be read"):
        _read(tmp_path / "nope.csv")


def test_dates_out_of_range_are_refused() -> None:
    rows = "0001-01-01T00:00:00+05:00,A,1h,Squat,1,100,5,0,0,,,\n"
    with pytest.raises(FileFormatError, match=r"line 2, column Date: .* is not a date"):
        _text(STRONG_HEADER + rows, "kg")
    rows = "9999-12-31 23:59:00,A,30h,Squat,1,100,5,0,0,,,\n"
    with pytest.raises(FileFormatError, match=r"line 2, column Date: .* between 1970 and 2100"):
        _text(STRONG_HEADER + rows, "kg")


def test_a_lettered_set_does_not_hide_a_restart() -> None:
    rows = [
        "2024-01-01 10:00:00,A,1h,Squat,1,100,5,0,0,,,",
        "2024-01-01 10:00:00,A,1h,Squat,2,100,5,0,0,,,",
        "2024-01-01 10:00:00,A,1h,Squat,D,80,8,0,0,,,",
        "2024-01-01 10:00:00,A,1h,Squat,1,60,5,0,0,,,",
    ]
    sets = _text(STRONG_HEADER + "\n".join(rows), "kg")
    assert [(s.exercise_position, s.set_position) for s in sets] == [(1, 1), (1, 2), (1, 3), (2, 1)]


def test_hevy_workouts_blocks_and_supersets_are_per_workout() -> None:
    head = "title,start_time,end_time,exercise_title,superset_id,set_index,set_type,weight_kg,reps"
    rows = [
        "Push,2025-01-01T10:00:00,2025-01-01T11:00:00,Bench Press (Barbell),,0,normal,60,8",
        "Push,2025-01-01T10:00:00,2025-01-01T11:00:00,Bench Press (Barbell),,1,normal,60,8",
        "Push,2025-01-01T10:00:00,2025-01-01T11:00:00,Seated Row (Machine),0,0,normal,50,10",
        "Push,2025-01-01T10:00:00,2025-01-01T11:00:00,Bench Press (Barbell),,0,failure,50,12",
        "Push,2025-01-08T10:00:00,2025-01-08T11:00:00,Seated Row (Machine),0,0,normal,55,10",
        "Pull,2025-01-08T10:00:00,2025-01-08T11:00:00,Seated Row (Machine),0,0,warmup,30,10",
    ]
    sets = _text(head + "\n" + "\n".join(rows))
    assert [(s.exercise_position, s.set_position, s.set_type) for s in sets] == [
        (1, 1, "working"),
        (1, 2, "working"),
        (2, 1, "working"),
        (3, 1, "failure"),  # the bench press again: a block of its own
        (1, 1, "working"),  # same title, another start: another workout
        (1, 1, "warmup"),  # same start, another title: another workout
    ]
    assert len({s.workout_key for s in sets}) == 3


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        # Weight, Reps, Distance (km), Seconds, RPE, Set Order: each bound is the one table's.
        (("100", "201", "", "", "", "1"), r"column Reps: '201' is not allowed: the reps must be"),
        (("100", "-1", "", "", "", "1"), r"column Reps: '-1' is not allowed: the reps must be"),
        (("1500.5", "5", "", "", "", "1"), r"column Weight: '1500.5' kg is not allowed: the load"),
        (("100", "5", "", "", "10.5", "1"), r"column RPE: '10.5' is not allowed: an RPE must be"),
        (("100", "5", "", "", "", "1001"), r"column Set Order: '1001' is not allowed: the set's"),
        (("", "", "1000.5", "", "", "1"), r"column Distance: '1000.5' km is not allowed: a dist"),
        (("", "", "", "2592001", "", "1"), r"column Seconds: '2592001' is not a duration"),
    ],
)
def test_every_bound_of_a_cell_comes_from_the_table_of_limits(
    cells: tuple[str, ...], message: str
) -> None:
    weight, reps, km, seconds, rpe, order = cells
    header = (
        "Date,Workout Name,Exercise Name,Set Order,Weight,Weight Unit,Reps,RPE,Distance,"
        "Distance Unit,Seconds,Notes,Workout Notes,Workout Duration\n"
    )
    row = f"2024-02-03 08:00:00,Push,Row,{order},{weight},kg,{reps},{rpe},{km},km,{seconds},,,1h\n"
    with pytest.raises(FileFormatError, match=r"line 2, " + message):
        _text(header + row)


def test_the_largest_allowed_values_are_read() -> None:
    header = (
        "Date,Workout Name,Exercise Name,Set Order,Weight,Weight Unit,Reps,RPE,Distance,"
        "Distance Unit,Seconds,Notes,Workout Notes,Workout Duration\n"
    )
    row = "2024-02-03 08:00:00,Push,Row,1000,1500,kg,200,10,1000,km,2592000,,,1h\n"
    (s,) = _text(header + row)
    assert (s.load_kg, s.reps, s.rpe, s.distance_m, s.duration_s) == (
        1500.0, 200, 10.0, 1_000_000.0, 2_592_000.0)  # fmt: skip


def test_a_reader_given_row_errors_skips_each_broken_row_and_records_why() -> None:
    from mindmuscle.io.logs import RowErrors

    text = (
        "Date,Workout Name,Exercise Name,Set Order,Weight,Reps\n"
        "2024-01-02 10:00,A,Curl,1,10,8\n"
        "2024-01-02 10:00,A,Curl,2,ten,8\n"
        "2024-01-02 10:00,A,Curl,3,10,8,extra\n"
        "not a date,A,Curl,4,10,8\n"
        "2024-01-02 10:00,A,Curl,5,12,6\n"
    )
    errors = RowErrors(limit=2)
    with open_log("s.csv", unit="kg", stream=io.StringIO(text), errors=errors) as log:
        sets = list(log)

    assert [(s.line, s.load_kg, s.reps) for s in sets] == [(2, 10.0, 8), (6, 12.0, 6)]
    assert [(e.line, e.column) for e in errors.listed] == [(3, "Weight"), (4, None)]
    assert "has 7 fields but the header has 6" in errors.listed[1].reason
    assert (len(errors), errors.more) == (3, 1)
    with pytest.raises(FileFormatError, match=r"s.csv: 3 rows cannot be imported.*line 3"):
        errors.raise_any()
