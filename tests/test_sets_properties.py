"""Property test: random valid and invalid sets through all five ways in (the web API, ``log``,
the guided session, a file import, an experiment) get the same decision as the one set model,
and an accepted set is stored with the same values everywhere.

Each way carries what it can: the web API, ``log`` and the guided session the reps, load,
target rating, muscles felt elsewhere and note; a Strong CSV file the reps and load; an
experiment the reps, load and target rating.
"""

from __future__ import annotations

import json
import math
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from mindmuscle.catalog import load_catalog
from mindmuscle.cli import app
from mindmuscle.coach.sets import check_set, parse_set
from mindmuscle.config import Settings
from mindmuscle.errors import MindMuscleError
from mindmuscle.services import experiments as exp_service
from mindmuscle.services.history import history
from mindmuscle.services.imports import import_file
from mindmuscle.services.sessions import confirm_set
from mindmuscle.session import CompletedSet
from mindmuscle.store import SessionCreate, open_database, repo
from mindmuscle.web import create_app

CURL = "dumbbell_biceps_curl"
CATALOG = load_catalog()
runner = CliRunner()

reps_st = st.one_of(
    st.integers(0, 200), st.integers(-5, -1), st.integers(201, 10**12)
)  # fmt: skip
load_st = st.one_of(
    st.integers(0, 6000).map(lambda q: q / 4),
    st.sampled_from([-1.0, 1500.25, math.inf, math.nan, 1e308]),
)
rating_st = st.one_of(st.integers(0, 10), st.sampled_from([-1, 11, 10**23]))
felt_st = st.dictionaries(
    st.sampled_from(["front_delt", "upper_traps", "forearm", "no_such_muscle"]),
    st.one_of(st.integers(0, 10), st.sampled_from([-5, 99])),
    max_size=2,
)
note_st = st.sampled_from(["", "felt it", "x" * 2000, "x" * 2001])


@dataclass
class Ways:
    """One database per way in, made once for the whole property run."""

    root: Path
    web: TestClient
    log_url: str
    guided_db: Any
    guided_session: int
    import_db: Any
    exp_db: Any
    exp_id: int
    exp_next: int = 1
    guided_next: int = 0  # each guided set at its own place in the workout
    day: int = 0
    seen: dict[str, list[bool]] = field(default_factory=dict)


def _model_accepts(fields: dict[str, Any], now: datetime) -> bool:
    try:
        check_set(parse_set(fields), catalog=CATALOG, now=now)
    except MindMuscleError:
        return False
    return True


def _web(w: Ways, reps: int, load: float, rating: int, felt: dict[str, int], note: str) -> Any:
    body = {
        "uuid": str(uuid.uuid4()),
        "exercise_id": CURL,
        "set_index": 0,
        "performed_at": "2026-11-21T10:00:00Z",
        "reps": reps,
        "load_kg": load,
        "reflection": {"target_rating": rating, "felt_elsewhere": felt, "note": note},
    }
    text = json.dumps(body)  # NaN and Infinity as a careless client sends them
    r = w.web.post("/api/sets", content=text, headers={"Content-Type": "application/json"})
    assert r.status_code in (200, 422), r.text
    return r.json()["set"] if r.status_code == 200 else None


def _log(w: Ways, reps: int, load: float, rating: int, felt: dict[str, int], note: str) -> Any:
    set_id = str(uuid.uuid4())
    args = ["log", CURL, "--reps", str(reps), "--rating", str(rating), "--load", repr(load)]
    args += ["--units", "kg", "--note", note, "--uuid", set_id, "--json", "--db", w.log_url]
    for muscle, value in felt.items():
        args += ["--elsewhere", f"{muscle}={value}"]
    r = runner.invoke(app, args)
    assert r.exit_code in (0, 1, 2), r.output
    if r.exit_code != 0:
        assert len(r.output.strip().splitlines()) <= 3, r.output  # a short message, no dump
        return None
    return json.loads(r.output)


def _guided(w: Ways, reps: int, load: float, rating: int, felt: dict[str, int], note: str) -> Any:
    try:
        completed = CompletedSet.model_validate(
            {
                "set_uuid": str(uuid.uuid4()),
                "exercise_id": CURL,
                "exercise_index": 0,
                "set_index": w.guided_next,
                "reps": reps,
                "load_kg": load,
                "tempo": {"eccentric_s": 2, "bottom_pause_s": 0, "concentric_s": 1,
                          "top_squeeze_s": 1},
                "focus_mode": "internal",
                "cue": "squeeze",
                "reflection": {"target_rating": rating, "felt_elsewhere": felt, "note": note},
                "started_ms": 0,
                "finished_ms": 1000,
            }
        )  # fmt: skip
        record = confirm_set(
            db=w.guided_db,
            user_id=1,
            session_id=w.guided_session,
            completed=completed,
            performed_at=datetime.now(UTC),
        )
    except (MindMuscleError, ValueError):
        return None
    w.guided_next += 1
    return record.model_dump(mode="json")


def _import(w: Ways, reps: int, load: float) -> Any:
    w.day += 1
    day = datetime(2025, 1, 1) + timedelta(days=w.day)
    path = w.root / f"strong-{w.day}.csv"
    path.write_text(
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
        f"Workout Notes,RPE\n{day:%Y-%m-%d} 10:00:00,Arms,1h,Bicep Curl (Dumbbell),1,{load!r},"
        f"{reps},0,0,,,\n",
        encoding="utf-8",
    )
    try:
        import_file(db=w.import_db, user_id=1, path=path, unit="kg")
    except MindMuscleError:
        return None
    stored = history(db=w.import_db, user_id=1)
    assert stored[-1].performed_at.date() == day.date()
    return stored[-1].model_dump(mode="json")


def _experiment(w: Ways, reps: int, load: float, rating: int) -> Any:
    try:
        rec = exp_service.record_experiment_set(
            db=w.exp_db,
            user_id=1,
            experiment_id=w.exp_id,
            set_number=w.exp_next,
            target_rating=rating,
            now=datetime.now(UTC),
            reps=reps,
            load_kg=load,
        )
    except MindMuscleError:
        return None
    w.exp_next += 1
    found = [s for s in history(db=w.exp_db, user_id=1) if s.uuid == rec.set_uuid]
    return found[0].model_dump(mode="json")


@pytest.fixture()
def ways(tmp_path: Path) -> Any:
    settings_ = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'web.db'}")
    with TestClient(create_app(settings_, host="127.0.0.1"), base_url="http://localhost") as web:
        web.headers["X-CSRF-Token"] = web.get("/api/csrf").json()["token"]
        log_url = f"sqlite:///{tmp_path / 'log.db'}"
        assert runner.invoke(app, ["init", "--no-input", "--db", log_url]).exit_code == 0
        guided_db = open_database(f"sqlite:///{tmp_path / 'guided.db'}")
        with guided_db.session() as s:
            session_id = repo.create_session(session=s, user_id=1, data=SessionCreate()).id
        import_db = open_database(f"sqlite:///{tmp_path / 'import.db'}")
        exp_db = open_database(f"sqlite:///{tmp_path / 'exp.db'}")
        info = exp_service.new_experiment(
            db=exp_db, user_id=1, exercise_id=CURL, conditions=["internal", "external"],
            loads_pct_e1rm=[50.0, 60.0, 70.0], sets_per_condition=20, seed=0, e1rm_kg=30.0,
        )  # fmt: skip
        yield Ways(tmp_path, web, log_url, guided_db, session_id, import_db, exp_db, info.id)
        for db in (guided_db, import_db, exp_db):
            db.close()


def test_every_way_in_decides_and_stores_a_set_like_the_model(ways: Ways) -> None:
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(reps=reps_st, load=load_st, rating=rating_st, felt=felt_st, note=note_st)
    def check(reps: int, load: float, rating: int, felt: dict[str, int], note: str) -> None:
        now = datetime.now(UTC)
        base = {"exercise_id": CURL, "performed_at": now, "reps": reps, "load_kg": load}
        full = base | {
            "reflection": {"target_rating": rating, "felt_elsewhere": felt, "note": note}
        }
        rated = base | {"reflection": {"target_rating": rating}}
        expected = {
            "web": _model_accepts(full, now),
            "log": _model_accepts(full, now),
            "guided": _model_accepts(full, now),
            "import": _model_accepts(base, now),
            "experiment": _model_accepts(rated, now),
        }
        got = {
            "web": _web(ways, reps, load, rating, felt, note),
            "log": _log(ways, reps, load, rating, felt, note),
            "guided": _guided(ways, reps, load, rating, felt, note),
            "import": _import(ways, reps, load),
            "experiment": _experiment(ways, reps, load, rating),
        }
        assert {k: v is not None for k, v in got.items()} == expected
        for way, stored in got.items():
            if stored is None:
                continue
            assert (stored["reps"], stored["load_kg"]) == (reps, load), way
            if way in ("web", "log", "guided"):
                r = stored["reflection"]
                assert (r["target_rating"], r["felt_elsewhere"], r["note"]) == (
                    rating, felt, note), way  # fmt: skip
            if way == "experiment":
                assert stored["reflection"]["target_rating"] == rating
        for way, ok in expected.items():
            ways.seen.setdefault(way, []).append(ok)

    check()
    # The run met both decisions on every way (otherwise it proves little).
    assert all(True in v and False in v for v in ways.seen.values()), ways.seen
