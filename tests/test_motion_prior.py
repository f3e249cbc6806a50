"""The guided set's count may lean on a period: the prescribed tempo's, or the lifter's usual
cadence for the exercise learnt from their confirmed sets; never on the prescribed reps
(through the real web API and a real SQLite store)."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from mindmuscle.config import Settings
from mindmuscle.services.motion import period_prior_s, usual_cadence_s
from mindmuscle.store import open_database
from mindmuscle.web.app import create_app
from tests.factories import payload_of, two_alike_halves

READY = {"sleep": 4, "energy": 4, "stress": 2, "focus": 4}
# Eight 4 s repetitions of two alike halves: alone, the count takes each half for a repetition.
AMBIGUOUS = payload_of(two_alike_halves(seed=2, period_s=4.0, reps=8))


def _client(tmp_path: Path) -> tuple[TestClient, str]:
    db = tmp_path / "mm.db"
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{db}")
    return TestClient(create_app(settings), base_url="http://localhost"), f"sqlite:///{db}"


def _analyze(client: TestClient, exercise_id: str, tempo: str) -> dict[str, Any]:
    ecc, pause, conc, squeeze = (float(x) for x in tempo.split("-"))
    prescribed = {
        "eccentric_s": ecc,
        "bottom_pause_s": pause,
        "concentric_s": conc,
        "top_squeeze_s": squeeze,
    }
    r = client.post(
        "/api/motion/analyze",
        json={"exercise_id": exercise_id, "tempo": prescribed, "motion": AMBIGUOUS},
    )
    assert r.status_code == 200, r.text
    out: dict[str, Any] = r.json()
    return out


def test_the_prescribed_tempo_and_then_the_usual_cadence_guide_the_count(tmp_path: Path) -> None:
    client, url = _client(tmp_path)
    with client:
        client.headers["X-CSRF-Token"] = client.get("/api/csrf").json()["token"]
        assert client.put("/api/profile", json={"units": "kg"}).status_code == 200
        plan = client.post("/api/today", json={"readiness": READY}).json()
        p = plan["plan"]["exercises"][0]
        exercise_id = p["exercise_id"]
        # A tempo of 4 s per repetition settles the two readings; one of 2 s keeps the halves.
        assert _analyze(client, exercise_id, "2-0-2-0")["reps"] == 8
        assert _analyze(client, exercise_id, "1-0-1-0")["reps"] == 16

        def post(i: int, reps: int, counted: int, rep_s: float) -> None:
            body = {
                "uuid": str(uuid.UUID(int=i)),
                "session_id": plan["session_id"],
                "exercise_id": exercise_id,
                "exercise_index": 0,
                "set_index": i - 1,
                "performed_at": f"2026-11-21T10:0{i}:00Z",
                "reps": reps,
                "load_kg": p["load_kg"],
                "reflection": {"target_rating": 6},
                "motion": AMBIGUOUS,
                "motion_analysis": {"reps": counted, "rep_s": rep_s},
            }
            r = client.post("/api/sets", json=body)
            assert r.status_code == 200, r.text

        # Two sets confirmed as counted at 4 s, one corrected (its 2 s cadence teaches nothing).
        post(1, 8, 8, 4.1)
        post(2, 8, 8, 3.9)
        post(3, 8, 16, 2.0)
        db = open_database(url)
        assert usual_cadence_s(db=db, user_id=1, exercise_id=exercise_id) is None
        assert _analyze(client, exercise_id, "1-0-1-0")["reps"] == 16
        post(4, 8, 8, 4.0)
        # Three confirmed sets: the lifter's usual 4 s beats the prescribed 2 s.
        assert usual_cadence_s(db=db, user_id=1, exercise_id=exercise_id) == 4.0
        assert period_prior_s(db=db, user_id=1, exercise_id=exercise_id, tempo=None) == 4.0
        assert _analyze(client, exercise_id, "1-0-1-0")["reps"] == 8
        # Another exercise has no usual cadence of its own: its tempo is the prior.
        other = plan["plan"]["exercises"][1]["exercise_id"]
        assert usual_cadence_s(db=db, user_id=1, exercise_id=other) is None
        assert _analyze(client, other, "1-0-1-0")["reps"] == 16


def test_motion_analyze_lets_the_given_tempo_guide_the_period(tmp_path: Path) -> None:
    """`mindmuscle motion analyze --tempo` counts as the guided set loop does: the tempo's
    repetition time settles what the signal leaves open, and never forces a count."""
    import json

    from typer.testing import CliRunner

    from mindmuscle.cli import app

    path = tmp_path / "set.json"
    path.write_text(json.dumps(AMBIGUOUS))

    def reps(*extra: str) -> int:
        result = CliRunner().invoke(app, ["motion", str(path), "--json", *extra])
        assert result.exit_code == 0, result.output
        count: int = json.loads(result.output)["reps"]
        return count

    assert reps() == 16
    assert reps("--tempo", "2-0-2-0") == 8  # 4 s a repetition
    assert reps("--tempo", "1-0-1-0") == 16  # 2 s: the halves


def test_motion_evaluate_counts_each_set_with_the_prior_the_set_loop_had(tmp_path: Path) -> None:
    """Each stored set is counted again with its own tempo's period, or the usual cadence of
    the lifter's earlier sets of the exercise; never with its confirmed reps."""
    from mindmuscle.catalog import load_catalog
    from mindmuscle.services.motion import evaluate_counts

    client, url = _client(tmp_path)
    with client:
        client.headers["X-CSRF-Token"] = client.get("/api/csrf").json()["token"]
        assert client.put("/api/profile", json={"units": "kg"}).status_code == 200
        plan = client.post("/api/today", json={"readiness": READY}).json()
        exercise_id = plan["plan"]["exercises"][0]["exercise_id"]

        def post(i: int, tempo: dict[str, float] | None, counted: int) -> None:
            body = {
                "uuid": str(uuid.UUID(int=i)), "exercise_id": exercise_id, "set_index": i - 1,
                "performed_at": f"2026-11-21T10:0{i}:00Z", "reps": 8, "load_kg": 20.0,
                "tempo": tempo, "reflection": {"target_rating": 6}, "motion": AMBIGUOUS,
                "motion_analysis": {"reps": counted, "rep_s": 4.0},
            }  # fmt: skip
            r = client.post("/api/sets", json=body)
            assert r.status_code == 200, r.text

        four = {"eccentric_s": 2, "bottom_pause_s": 0, "concentric_s": 2, "top_squeeze_s": 0}
        post(1, None, 16)  # no tempo, no cadence yet: the halves
        post(2, four, 8)  # the tempo's 4 s
        post(3, four, 8)
        post(4, four, 8)
        post(5, None, 8)  # no tempo, but three sets confirmed at 4 s before it
        db = open_database(url)
        result = evaluate_counts(db=db, user_id=1, catalog=load_catalog())
    assert [s.counted for s in result.sets] == [16, 8, 8, 8, 8]
    assert [s.confirmed for s in result.sets] == [8] * 5
