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
