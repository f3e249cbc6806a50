"""history at scale: newest first, the last 20 by default, names, one line per set at 80 columns."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mindmuscle.cli import app

runner = CliRunner()
NAMES = ("Bench Press (Barbell)", "Squat (Barbell)", "Lateral Raise (Dumbbell)")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """45 sets on 15 days (2024-01-01 ..), three exercises, loads 20 + set number."""
    root = tmp_path_factory.mktemp("history")
    lines = ["Date;Workout Name;Exercise Name;Set Order;Weight;Weight Unit;Reps;RPE;Distance;"
             "Distance Unit;Seconds;Notes;Workout Notes;Workout Duration"]  # fmt: skip
    start = datetime(2024, 1, 1, 7, 30)
    for i in range(45):
        day, k = divmod(i, 3)
        when = (start + timedelta(days=day, minutes=k)).strftime("%Y-%m-%d %H:%M:%S")
        lines.append(f"{when};Day;{NAMES[k]};1;{20 + i};kg;{5 + k};8;;;;;;1h")
    export = root / "strong.csv"
    export.write_text("\n".join(lines) + "\n", encoding="utf-8")
    url = str(root / "h.db")
    result = runner.invoke(app, ["import", str(export), "--db", url])
    assert result.exit_code == 0, result.output
    return url


def _rows(out: str) -> list[str]:
    return [line for line in out.splitlines() if re.match(r"^\s*\d+\s+\d{4}-\d\d-\d\d", line)]


def test_newest_twenty_first_with_names_in_80_columns(db: str) -> None:
    result = runner.invoke(app, ["history", "--db", db], env={"COLUMNS": "80"})
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("History: the newest 20 sets, newest first")
    rows = _rows(out)
    assert len(rows) == 20
    assert "Barbell Lateral" not in out and "dumbbell_lateral_raise" not in out
    assert "64 kg" in rows[0] and "2024-01-15" in rows[0]  # the last set: 20 + 44
    assert "45 kg" in rows[-1]  # the 20th newest: 20 + 25
    assert all(len(line) <= 80 for line in out.splitlines())
    assert "Older sets: --limit N, --all, or --since YYYY-MM-DD." in out


def test_limit_all_since_and_exercise_by_name(db: str) -> None:
    assert len(_rows(runner.invoke(app, ["history", "-n", "5", "--db", db]).output)) == 5
    everything = runner.invoke(app, ["history", "--all", "--db", db]).output
    assert len(_rows(everything)) == 45 and "Older sets" not in everything
    since = runner.invoke(app, ["history", "--since", "2024-01-14", "--db", db]).output
    assert len(_rows(since)) == 6 and "since 2024-01-14" in since
    squats = runner.invoke(app, ["history", "-e", "barbell back squat", "--db", db]).output
    rows = _rows(squats)
    assert len(rows) == 15 and all("Barbell Back Squat" in r for r in rows)
    assert "of Barbell Back Squat" in squats


def test_json_keeps_every_set_oldest_first(db: str) -> None:
    sets = json.loads(runner.invoke(app, ["history", "--json", "--db", db]).output)["sets"]
    assert len(sets) == 45 and sets[0]["load_kg"] == 20 and sets[-1]["load_kg"] == 64


def test_a_missing_database_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "x.db"
    result = runner.invoke(app, ["history", "--db", str(missing)])
    assert result.exit_code == 1
    assert f"No MindMuscle database at {missing}" in result.stderr
    assert not missing.parent.exists()


def test_exercises_are_readable_at_80_columns() -> None:
    from mindmuscle.catalog import load_catalog

    out = runner.invoke(app, ["exercises", "--builtin"], env={"COLUMNS": "80"}).output
    lines = out.splitlines()
    assert all(len(line) <= 80 for line in lines)
    first_words = {line.split()[0] for line in lines if line.strip()}
    assert set(load_catalog().exercises) <= first_words  # every id whole, on its own line
    assert "…" not in out
    assert "Barbell Bench Press" in out and "Mid and lower chest" in out and "tempo 2-1-1-0" in out
