"""Importing exports into a real SQLite database: counts, dedupe, transactions, matching, plan."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mindmuscle.catalog import Catalog, Exercise, load_catalog
from mindmuscle.coach import build_plan, estimate_e1rm
from mindmuscle.coach.models import Profile
from mindmuscle.errors import FileFormatError, UnknownIdError
from mindmuscle.services.imports import import_file, logged_history
from mindmuscle.store import Database, open_database, repo
from mindmuscle.store.tables import SessionRow, SetRow, UserExerciseRow
from tests.factories import fixed_name_catalog

USER = 1


@pytest.fixture(scope="module")
def fixed() -> Catalog:
    return fixed_name_catalog()


# path under logs/, unit, sets, workouts, exercises, matched to the catalogue, user exercises
REAL = [
    ("hevyconnect/workouts.csv", None, 1922, 80, 38, 10, 28),
    ("kaiserlift-fitnotes/FitNotes_Export_2025_05_21_08_39_11.csv", None, 750, 141, 15, 3, 12),
    ("openweight/strong-real.csv", "lb", 30, 2, 6, 5, 1),
    ("openweight/hevy-real.csv", None, 22, 2, 6, 3, 3),
    ("vis-strong-go/alt.csv", "kg", 9, 1, 3, 1, 2),
    ("vis-strong-go/example.csv", None, 14, 2, 3, 2, 1),
    ("vis-strong-go/exampleB.csv", None, 14, 2, 5, 3, 2),
]


@pytest.fixture
def db(tmp_path: Path) -> Database:
    database = open_database(str(tmp_path / "mm.db"))
    yield database  # type: ignore[misc]
    database.close()


def _count(db: Database, table: type) -> int:
    with db.session(readonly=True) as s:
        return int(s.scalar(select(func.count()).select_from(table)) or 0)


@pytest.mark.parametrize(("rel", "unit", "n_sets", "n_work", "n_ex", "n_match", "n_user"), REAL)
def test_real_export_imports_once(
    db: Database,
    fixed: Catalog,
    shared_data: Path,
    rel: str,
    unit: str | None,
    n_sets: int,
    n_work: int,
    n_ex: int,
    n_match: int,
    n_user: int,
) -> None:
    path = shared_data / "logs" / rel
    report = import_file(db=db, user_id=USER, path=path, unit=unit, catalog=fixed)  # type: ignore[arg-type]
    got = (report.sets, report.workouts, report.exercises, report.matched, report.user_exercises)
    assert got == (n_sets, n_work, n_ex, n_match, n_user)
    assert (report.sets_added, report.workouts_added, report.new_user_exercises) == (
        n_sets,
        n_work,
        n_user,
    )
    assert (_count(db, SetRow), _count(db, SessionRow), _count(db, UserExerciseRow)) == (
        n_sets,
        n_work,
        n_user,
    )
    assert len(report.mappings) == n_ex
    assert sum(m.sets for m in report.mappings) == n_sets
    again = import_file(db=db, user_id=USER, path=path, unit=unit, catalog=fixed)  # type: ignore[arg-type]
    assert (again.sets_added, again.workouts_added, again.new_user_exercises) == (0, 0, 0)
    assert again.sets_already_stored == n_sets
    assert (_count(db, SetRow), _count(db, SessionRow)) == (n_sets, n_work)


def test_hevy_mappings_are_listed_with_method_and_confidence(
    db: Database, shared_data: Path, fixed: Catalog
) -> None:
    path = shared_data / "logs/hevyconnect/workouts.csv"
    report = import_file(db=db, user_id=USER, path=path, catalog=fixed)
    by_name = {m.name: m for m in report.mappings}
    bench = by_name["Bench Press (Barbell)"]
    assert (bench.exercise_id, bench.method, bench.confidence, bench.sets) == (
        "barbell_bench_press",
        "alias",  # Hevy's name is one of the card's other names, not its name
        1.0,
        248,
    )
    rope = by_name["Triceps Rope Pushdown"]
    assert (rope.exercise_id, rope.method) == ("cable_triceps_pushdown", "fuzzy")
    assert 0.85 <= rope.confidence < 1
    running = by_name["Running"]
    assert (running.exercise_id, running.method, running.sets) == ("user_running", "new", 7)
    # Nothing in "Warm Up" tells a muscle: no target until the user assigns one.
    warm_up = by_name["Warm Up"]
    assert (warm_up.method, warm_up.unassigned, warm_up.suggested_targets) == ("new", True, [])
    assert (running.unassigned, running.suggested_targets) == (True, ["quadriceps"])
    assert running.suggested_target_names == ["Quads (quadriceps)"]  # names for the page
    assert report.unit == "kg"
    assert report.first_workout == datetime(2025, 6, 11, 13, 24)


def test_a_broken_row_at_the_end_imports_nothing(db: Database, tmp_path: Path) -> None:
    header = "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,"
    header += "Notes,Workout Notes,RPE\n"
    good = "".join(f"2024-01-{d:02d} 10:00:00,A,1h,Odd Lift {d},1,50,5,0,0,,,\n" for d in (1, 2))
    path = tmp_path / "broken.csv"
    path.write_text(header + good * 600 + "2024-01-03 10:00:00,A,1h,Squat,1,heavy,5,0,0,,,\n")
    with pytest.raises(FileFormatError, match=r"broken.csv, line 1202, column Weight: 'heavy'"):
        import_file(db=db, user_id=USER, path=path, unit="kg")
    assert (_count(db, SetRow), _count(db, SessionRow), _count(db, UserExerciseRow)) == (0, 0, 0)


def test_dry_run_reports_and_stores_nothing(
    db: Database, shared_data: Path, fixed: Catalog
) -> None:
    path = shared_data / "logs/openweight/hevy-real.csv"
    report = import_file(db=db, user_id=USER, path=path, dry_run=True, catalog=fixed)
    assert (report.sets, report.sets_added, report.workouts, report.new_user_exercises) == (
        22,
        0,
        2,
        3,
    )
    assert (_count(db, SetRow), _count(db, SessionRow), _count(db, UserExerciseRow)) == (0, 0, 0)


def test_set_values_are_stored_in_kg_with_types(db: Database, shared_data: Path) -> None:
    import_file(
        db=db, user_id=USER, path=shared_data / "logs/openweight/strong-real.csv", unit="lb"
    )
    import_file(
        db=db,
        user_id=USER,
        path=shared_data / "logs/openweight/exploratory/strong-all-set-types.csv",
        unit="kg",
    )
    with db.session(readonly=True) as s:
        rows = list(s.scalars(select(SetRow).order_by(SetRow.performed_at, SetRow.set_index)))
        first = rows[0]
        assert (first.exercise_id, first.reps, first.source) == ("barbell_bench_press", 5, "import")
        assert first.load_kg == pytest.approx(45 * 0.45359237, abs=1e-3)
        session = s.get(SessionRow, first.session_id)
        assert session is not None
        assert session.notes == "4by5 Chest And Triceps"
        assert (session.ended_at - session.started_at).total_seconds() == 103 * 60  # 1h 43m
        typed = [r.set_type for r in rows if r.performed_at.year == 2024]
        assert typed == ["warmup", "working", "drop", "failure"]


def test_history_feeds_the_plan_after_import(db: Database, shared_data: Path) -> None:
    import_file(db=db, user_id=USER, path=shared_data / "logs/hevyconnect/workouts.csv")
    history = logged_history(db=db, user_id=USER)
    assert len(history) == 1922
    now = datetime(2025, 12, 6, tzinfo=UTC)
    e1rm = estimate_e1rm(history, "barbell_bench_press", now=now)
    assert e1rm is not None and e1rm.e1rm_kg > 0
    with db.session(readonly=True) as s:
        mine = [Exercise.model_validate(r.exercise) for r in repo.list_user_exercises(
            session=s, user_id=USER
        )]  # fmt: skip
    plan = build_plan(
        catalog=load_catalog().with_exercises(mine),
        profile=Profile(goal="hypertrophy", experience="some"),
        readiness=None,
        history=history,
        now=now,
        exercise_ids=["barbell_bench_press"],
    )
    (bench,) = plan.exercises
    assert bench.load_source == "history"
    assert bench.e1rm_kg == pytest.approx(e1rm.e1rm_kg, abs=0.005)  # shown to 0.01 kg


def test_json_format_needs_a_mindmuscle_document(db: Database, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('{"sets": [')
    with pytest.raises(FileFormatError, match=r"x.json, line 1, column 11: is not valid JSON"):
        import_file(db=db, user_id=USER, path=path)
    path.write_text('{"format": "other"}')
    with pytest.raises(FileFormatError, match=r"x.json, line 1: is not a MindMuscle export"):
        import_file(db=db, user_id=USER, path=path)


def test_the_users_own_mapping_wins(db: Database, shared_data: Path, fixed: Catalog) -> None:
    path = shared_data / "logs/openweight/hevy-real.csv"
    preview = import_file(db=db, user_id=USER, path=path, dry_run=True, catalog=fixed)
    lower = next(m for m in preview.mappings if m.name == "Lower Chest Fly")
    assert (lower.exercise_id, lower.method) == ("user_lower_chest_fly", "new")
    given = {"Lower Chest Fly": "cable_fly", "seated row (machine)": "dumbbell_row"}
    report = import_file(db=db, user_id=USER, path=path, catalog=fixed, mapping=given)
    by_name = {m.name: (m.exercise_id, m.method, m.confidence) for m in report.mappings}
    assert by_name["Lower Chest Fly"] == ("cable_fly", "given", 1.0)
    assert by_name["Seated Row (Machine)"] == ("dumbbell_row", "given", 1.0)
    assert (report.matched, report.user_exercises, report.new_user_exercises) == (5, 1, 1)
    with pytest.raises(UnknownIdError, match=r"Unknown exercise id 'cable_fyl'.*cable_fly"):
        import_file(db=db, user_id=USER, path=path, catalog=fixed, mapping={"X": "cable_fyl"})
