"""A large export (100,000 sets) imports completely; speed and memory are in benchmarks/."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from mindmuscle.services.imports import import_file
from mindmuscle.store import open_database
from mindmuscle.store.tables import SessionRow, SetRow

EXERCISES = (
    "Bench Press (Barbell)",
    "Squat (Barbell)",
    "Lat Pulldown (Machine)",
    "Lateral Raise (Dumbbell)",
    "My Own Carry",
)
HEADER = (
    "Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;"
    "Distance Unit;Seconds;Notes;Workout Notes;Workout Duration\n"
)


def write_strong_export(path: Path, n_sets: int, sets_per_exercise: int = 5) -> tuple[int, int]:
    """Write a Strong semicolon export of ``n_sets`` sets; returns (sets, workouts)."""
    start = datetime(2015, 1, 1, 7, 30)
    per_workout = sets_per_exercise * len(EXERCISES)
    with path.open("w", encoding="utf-8", newline="") as fh:
        fh.write(HEADER)
        for i in range(n_sets):
            w, k = divmod(i, per_workout)
            e, s = divmod(k, sets_per_exercise)
            day = (start + timedelta(days=w)).strftime("%Y-%m-%d %H:%M:%S")
            load = 20 + (w % 40) * 2.5 + s
            fh.write(
                f'{day};"Day {w % 3}";{EXERCISES[e]};{s + 1};{load:g};kg;{8 + s % 3};8,5;;;;'
                f";;1h {w % 60}m\n"
            )
    return n_sets, -(-n_sets // per_workout)


@pytest.mark.slow
def test_hundred_thousand_sets_import(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    n_sets, n_workouts = write_strong_export(path, 100_000)
    assert (n_sets, n_workouts) == (100_000, 4_000)
    db = open_database(str(tmp_path / "big.db"))
    try:
        report = import_file(db=db, user_id=1, path=path)
        assert (report.sets, report.sets_added, report.workouts, report.exercises) == (
            n_sets,
            n_sets,
            n_workouts,
            5,
        )
        with db.session(readonly=True) as s:
            assert s.scalar(select(func.count()).select_from(SetRow)) == n_sets
            assert s.scalar(select(func.count()).select_from(SessionRow)) == n_workouts
    finally:
        db.close()
