"""Every command that takes an exercise takes its name as well as its id: 'exercise show',
'motion --exercise' and 'experiment new --exercise' as 'log' and 'plan' do."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from typer.testing import CliRunner

from mindmuscle.catalog import load_catalog
from mindmuscle.catalog.models import Tempo
from mindmuscle.cli import app
from mindmuscle.signals.motion import simulate_set

runner = CliRunner()


def _set_csv(path: Path) -> Path:
    rec = simulate_set(reps=6, tempo=Tempo.parse("2-0-1-0"), rate_hz=50, seed=4)
    rows = np.column_stack([rec.t_s, rec.acc_ms2])
    lines = ["t,ax,ay,az"] + [",".join(f"{v:.6f}" for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_exercise_show_takes_a_name() -> None:
    by_name = runner.invoke(app, ["exercise", "show", "Barbell Bench Press", "--json"])
    assert by_name.exit_code == 0, by_name.output
    expected = load_catalog().exercise("barbell_bench_press").model_dump(mode="json")
    assert json.loads(by_name.output) == expected


def test_motion_takes_the_exercise_s_name(tmp_path: Path) -> None:
    path = _set_csv(tmp_path / "set.csv")
    outs = [
        runner.invoke(app, ["motion", str(path), "--units", "ms2", "--json", "--exercise", ex])
        for ex in ("lat_pulldown", "Lat Pulldown")
    ]
    assert [o.exit_code for o in outs] == [0, 0], outs[1].output
    assert json.loads(outs[0].output) == json.loads(outs[1].output)
    bad = runner.invoke(app, ["motion", str(path), "--exercise", "Lat Pulldwn"])
    assert bad.exit_code == 1
    assert " ".join(bad.output.split()) == (
        "Error: No exercise has the name, alias or id 'Lat Pulldwn'. Did you mean: lat_pulldown, "
        "face_pull?"
    )


def test_experiment_new_takes_the_exercise_s_name(tmp_path: Path) -> None:
    db = str(tmp_path / "m.db")
    made = runner.invoke(
        app,
        ["experiment", "new", "--exercise", "Dumbbell Biceps Curl", "--seed", "1", "--json",
         "--db", db],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["design"]["exercise_id"] == "dumbbell_biceps_curl"
