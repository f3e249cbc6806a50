"""`mindmuscle motion evaluate`: the count against the reps the lifter confirmed, on sets the
phone stored with their motion recording (through the real web API and the real command)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from mindmuscle.cli import app as cli_app
from mindmuscle.config import Settings
from mindmuscle.web.app import create_app
from tests.factories import synthetic_curls_payload

READY = {"sleep": 4, "energy": 4, "stress": 2, "focus": 4}


def _evaluate(db: Path, *args: str) -> dict[str, Any]:
    result = CliRunner().invoke(
        cli_app, ["motion", "evaluate", "--db", f"sqlite:///{db}", "--json", *args]
    )
    assert result.exit_code == 0, result.output
    out: dict[str, Any] = json.loads(result.output)
    return out


def test_evaluate_scores_counts_against_confirmed_reps(tmp_path: Path) -> None:
    db = tmp_path / "mm.db"
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{db}")
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        client.headers["X-CSRF-Token"] = client.get("/api/csrf").json()["token"]
        assert client.put("/api/profile", json={"units": "kg"}).status_code == 200
        plan = client.post("/api/today", json={"readiness": READY}).json()
        p = plan["plan"]["exercises"][0]
        short = {"t_ms": [0, 10, 20], "ax": [0, 0, 0], "ay": [0, 0, 0], "az": [9.8, 9.8, 9.8]}

        def post(i: int, reps: int, motion: dict[str, Any]) -> int:
            body = {
                "uuid": str(uuid.UUID(int=i)),
                "session_id": plan["session_id"],
                "exercise_id": p["exercise_id"],
                "exercise_index": 0,
                "set_index": i - 1,
                "performed_at": f"2026-11-21T10:0{i}:00Z",
                "reps": reps,
                "load_kg": p["load_kg"],
                "reflection": {"target_rating": 6},
                "motion": motion,
            }
            r = client.post("/api/sets", json=body)
            assert r.status_code == 200, r.text
            set_id: int = r.json()["set"]["id"]
            return set_id

        post(1, 4, synthetic_curls_payload())  # four curls, counted 4
        second = post(2, 5, synthetic_curls_payload())  # the lifter did 5: the count is one short
        third = post(3, 9, synthetic_curls_payload())  # deleted below: left out
        post(4, 6, short)  # too short to analyse: listed, not scored
        assert client.delete(f"/api/sets/{third}").status_code == 200
        exercise_id = p["exercise_id"]

    out = _evaluate(db)
    assert [(s["confirmed"], s["counted"]) for s in out["sets"]] == [(4, 4), (5, 4), (6, None)]
    assert out["sets"][2]["problem"]
    assert out["unanalysable"] == 1
    assert out["total"] == {
        "n": 2,
        "exact": 0.5,
        "within_one": 1.0,
        "mean_abs_error": 0.5,
        "mean_error": -0.5,
    }
    [row] = out["by_exercise"]
    assert row["exercise_id"] == exercise_id and row["n"] == 2
    assert row["exercise"] != exercise_id  # its name, not its id

    # A correction in the reflection afterwards is what the count is measured against.
    with TestClient(create_app(settings), base_url="http://localhost") as client:
        client.headers["X-CSRF-Token"] = client.get("/api/csrf").json()["token"]
        assert client.patch(f"/api/sets/{second}", json={"reps": 4}).status_code == 200
    assert _evaluate(db)["total"]["exact"] == 1.0
    assert _evaluate(db, "--exercise", exercise_id)["total"]["n"] == 2

    table = CliRunner().invoke(cli_app, ["motion", "evaluate", "--db", f"sqlite:///{db}"])
    assert table.exit_code == 0, table.output
    assert "100%" in table.output and "1 recording(s) could not be analysed" in table.output


def test_evaluate_without_recordings_or_database(tmp_path: Path) -> None:
    db = tmp_path / "none.db"
    runner = CliRunner()
    missing = runner.invoke(cli_app, ["motion", "evaluate", "--db", str(db)])
    assert missing.exit_code == 1 and "No MindMuscle database" in missing.output
    assert not db.exists()
    from mindmuscle.store import open_database

    open_database(f"sqlite:///{db}").close()
    empty = runner.invoke(cli_app, ["motion", "evaluate", "--db", str(db)])
    assert empty.exit_code == 0 and "No sets with a motion recording yet" in empty.output
    assert _evaluate(db) == {"sets": [], "total": None, "by_exercise": [], "unanalysable": 0}
    unknown = runner.invoke(cli_app, ["motion", "evaluate", "--db", str(db), "-e", "squatt"])
    assert unknown.exit_code == 1 and "squatt" in unknown.output
