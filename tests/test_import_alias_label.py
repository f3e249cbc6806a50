"""The import preview tells an exercise name matched through one of the card's other names
(an alias) from its exact name, in the terminal and in the API the page reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mindmuscle.catalog import load_catalog
from mindmuscle.catalog.matching import ExerciseMatcher
from mindmuscle.cli import app
from mindmuscle.cli._app import console

HEADER = (
    '"title","start_time","end_time","description","exercise_title","superset_id",'
    '"exercise_notes","set_index","set_type","weight_kg","reps","distance_km",'
    '"duration_seconds","rpe"\n'
)
ROW = '"Push","5 Dec 2025, 11:37","5 Dec 2025, 12:30","","{name}",,"",{i},"normal",80,5,,,\n'
NAMES = ["Bench Press (Barbell)", "Barbell Bench Press", "Press Bench Barbell"]


def hevy_file(folder: Path) -> Path:
    """A Hevy export naming the barbell bench press three ways: an alias, its name, the words
    of its name in another order."""
    path = folder / "hevy.csv"
    rows = "".join(ROW.format(name=n, i=i) for i, n in enumerate(NAMES))
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def _env(folder: Path) -> dict[str, str]:
    return {
        "MINDMUSCLE_DATA_DIR": str(folder),
        "MINDMUSCLE_DATABASE_URL": f"sqlite:///{folder / 'm.db'}",
        "COLUMNS": "140",
    }


def test_the_matcher_says_alias_for_another_name_and_exact_for_the_name() -> None:
    matcher = ExerciseMatcher(load_catalog().exercises.values())
    found = [matcher.match(n) for n in NAMES]
    assert [(m.exercise.name, m.method, m.confidence) for m in found if m is not None] == [
        ("Barbell Bench Press", "alias", 1.0),
        ("Barbell Bench Press", "exact", 1.0),
        ("Barbell Bench Press", "normalised", 0.95),
    ]


def test_the_terminal_preview_labels_an_alias_as_an_alias(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The console was made once per process, maybe at another width: one table row a line.
    monkeypatch.setattr(console, "width", 140)
    result = CliRunner().invoke(
        app, ["import", str(hevy_file(tmp_path)), "--dry-run"], env=_env(tmp_path)
    )
    assert result.exit_code == 0, result.output
    rows = {
        cells[0]: cells[1:]
        for line in result.output.splitlines()
        if line.startswith("│") and (cells := [c.strip() for c in line.strip("│").split("│")])
    }
    exercise = "Barbell Bench Press (barbell_bench_press)"
    assert rows["Bench Press (Barbell)"] == [
        exercise,
        "alias of Barbell Bench Press",
        "1.00",
        "1",
    ]
    assert rows["Barbell Bench Press"] == [exercise, "exact", "1.00", "1"]
    assert rows["Press Bench Barbell"] == [exercise, "normalised", "0.95", "1"]


def test_the_report_the_page_reads_says_alias(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["import", str(hevy_file(tmp_path)), "--dry-run", "--json"], env=_env(tmp_path)
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert [(m["name"], m["exercise_name"], m["method"]) for m in report["mappings"]] == [
        ("Barbell Bench Press", "Barbell Bench Press", "exact"),
        ("Bench Press (Barbell)", "Barbell Bench Press", "alias"),
        ("Press Bench Barbell", "Barbell Bench Press", "normalised"),
    ]
    assert (report["matched"], report["user_exercises"]) == (3, 0)
