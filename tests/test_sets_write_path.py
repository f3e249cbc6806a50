"""The one write path of a set, through every channel, with the inputs of issue 12."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.config import Settings
from mindmuscle.web import create_app
from tests.test_session_cli import CURL, Driver, session_args

runner = CliRunner()


def _client(tmp_path: Path) -> TestClient:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'w.db'}")
    return TestClient(create_app(settings, host="127.0.0.1"), base_url="http://localhost")


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path) as c:
        c.headers["X-CSRF-Token"] = c.get("/api/csrf").json()["token"]
        assert c.put("/api/profile", json={"units": "kg"}).status_code == 200
        yield c


def _body(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "uuid": str(uuid.uuid4()),
        "exercise_id": CURL,
        "set_index": 0,
        "performed_at": "2026-11-21T10:00:00Z",
        "reps": 10,
        "load_kg": 12.0,
        "reflection": {"target_rating": 6},
    }
    body.update(over)
    return body


# ---------------------------------------------------------------- the web API
@pytest.mark.parametrize("value", [99, -5, 10**23])
def test_api_refuses_an_out_of_range_rating_felt_elsewhere(client: TestClient, value: int) -> None:
    body = _body(reflection={"target_rating": 5, "felt_elsewhere": {"no_such_muscle": value}})
    r = client.post("/api/sets", json=body)
    assert r.status_code == 422
    detail = r.json()["details"][0]
    assert detail["field"] == "reflection.felt_elsewhere.no_such_muscle"
    assert detail["allowed"] == "a rating must be a whole number from 0 to 10"
    assert r.json()["message"] == (
        f"reflection.felt_elsewhere.no_such_muscle {value} is not allowed: a rating must be a "
        "whole number from 0 to 10."
    )
    assert client.get("/api/sets").json() == []


def test_api_refuses_a_muscle_outside_the_catalogue(client: TestClient) -> None:
    body = _body(reflection={"target_rating": 5, "felt_elsewhere": {"no_such_muscle": 5}})
    r = client.post("/api/sets", json=body)
    assert r.status_code == 422
    assert r.json()["details"][0]["field"] == "reflection.felt_elsewhere.no_such_muscle"
    assert r.json()["message"].startswith("Unknown muscle id 'no_such_muscle'.")
    assert client.get("/api/sets").json() == []


def test_api_refuses_an_id_beyond_64_bits_with_422(client: TestClient) -> None:
    r = client.post("/api/sets", json=_body(session_id=2**70))
    assert r.status_code == 422
    assert r.json()["details"][0]["field"] == "session_id"
    assert "fits in 64 bits" in r.json()["message"]


def test_api_refuses_a_set_dated_more_than_a_day_ahead(client: TestClient) -> None:
    r = client.post("/api/sets", json=_body(performed_at="2099-01-01T00:00:00Z"))
    assert (r.status_code, r.json()["details"][0]["field"]) == (422, "performed_at")


def test_api_stores_a_set_without_a_target_rating(client: TestClient) -> None:
    r = client.post("/api/sets", json=_body(reflection={"felt_elsewhere": {"front_delt": 2}}))
    assert r.status_code == 200, r.text
    assert r.json()["set"]["reflection"]["target_rating"] is None


def test_openapi_carries_the_set_bounds(client: TestClient) -> None:
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    props = schemas["WebSetInput"]["properties"]
    assert (props["reps"]["minimum"], props["reps"]["maximum"]) == (0, 200)
    load = props["load_kg"]["anyOf"][0]
    assert (load["minimum"], load["maximum"]) == (0, 1500)
    # JSON numbers are doubles: the bound arrives as 2**63 rounded.
    assert props["session_id"]["anyOf"][0]["maximum"] == pytest.approx(2**63 - 1)
    refl = schemas["Reflection"]["properties"]
    assert refl["note"]["maxLength"] == 2000
    value = refl["felt_elsewhere"]["additionalProperties"]
    assert (value["minimum"], value["maximum"]) == (0, 10)


# ---------------------------------------------------------------- the set writer
def test_set_writer_isolates_a_set_that_breaks_inside_it(client: TestClient) -> None:
    """A set that fails inside the writer (a 2**70 id that skipped the API's check: it raised
    OverflowError there and failed its whole batch) fails alone; the others are stored."""
    from mindmuscle.services.sets import SetWriter, WebSetInput

    writer = SetWriter(client.app.state.ctx.db, max_batch=64)  # type: ignore[attr-defined]
    good = [WebSetInput.model_validate(_body()) for _ in range(63)]
    poisoned = WebSetInput.model_construct(**{**good[0].model_dump(), "uuid": str(uuid.uuid4()),
                                              "session_id": 2**70})  # fmt: skip
    jobs = [*good[:30], poisoned, *good[30:]]

    def store(data: WebSetInput) -> bool | str:
        try:
            return writer.store(user_id=1, data=data)[1]
        except Exception as exc:  # the poisoned set's own error
            return type(exc).__name__

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(store, jobs))
    assert results.count(True) == 63
    assert [r for r in results if r is not True] == ["ValidationError"]
    assert len(client.get("/api/sets", params={"limit": 1000}).json()) == 63


@pytest.fixture()
def pg(tmp_path: Path) -> Iterator[Any]:
    from tests.test_store import make_db

    yield from make_db("postgresql", tmp_path)


def test_two_writers_storing_one_set_at_once_store_it_once(
    pg: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two server processes (two writers) receive the same set (a phone's retry) at the same
    moment, both inside their transactions: one stores it, the other returns the stored set;
    no error, one row. A set alone in its batch is inserted at once: the second insert waits
    for the first commit, fails on the unique index, and its transaction runs again and finds
    the set. (PostgreSQL: SQLite writers take turns.)"""
    from mindmuscle.services import sets
    from mindmuscle.services.sets import SetWriter, WebSetInput
    from mindmuscle.store import repo

    barrier = threading.Barrier(2, timeout=30)
    waited = threading.local()
    real = sets.catalog_for_exercise_in

    def read_then_wait(s: Any, **kw: Any) -> Any:
        found = real(s, **kw)
        if not getattr(waited, "once", False):
            waited.once = True
            barrier.wait()  # both transactions are open before either inserts
        return found

    monkeypatch.setattr(sets, "catalog_for_exercise_in", read_then_wait)
    data = WebSetInput.model_validate(_body())
    writers = [SetWriter(pg), SetWriter(pg)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda w: w.store(user_id=1, data=data), writers))
    assert sorted(r.stored_now for r in results) == [False, True]
    assert results[0].record == results[1].record
    with pg.session(readonly=True) as s:
        assert [r.uuid for r in repo.list_sets(session=s, user_id=1)] == [data.uuid]


def test_a_set_is_checked_against_the_users_catalogue_with_or_without_their_exercises(
    client: TestClient,
) -> None:
    """A set of a built-in exercise is checked without reading the user's own exercises (they
    cannot change a built-in one); a set of the user's own exercise reads them."""
    from mindmuscle.catalog import load_catalog
    from mindmuscle.services.catalog import catalog_for_exercise_in, user_catalog_in
    from mindmuscle.store import UserExerciseCreate, repo

    ctx = client.app.state.ctx  # type: ignore[attr-defined]
    own = (
        load_catalog()
        .exercise(CURL)
        .model_copy(update={"id": "kneeling_cable_curl", "name": "Kneeling cable curl"})
    )
    with ctx.db.session() as s:
        repo.upsert_user_exercise(session=s, user_id=1, data=UserExerciseCreate(
            exercise_id=own.id, exercise=own.model_dump(mode="json"), source="import"))  # fmt: skip
    with ctx.db.session(readonly=True) as s:
        full = user_catalog_in(s, user_id=1)
        built_in = catalog_for_exercise_in(s, user_id=1, exercise_id=CURL)
        mine = catalog_for_exercise_in(s, user_id=1, exercise_id=own.id)
    assert own.id in full.exercises and own.id not in built_in.exercises
    assert built_in.exercise(CURL) == full.exercise(CURL) and built_in.muscles == full.muscles
    assert mine is full
    r = client.post("/api/sets", json=_body(exercise_id=own.id))
    assert r.status_code == 200, r.text
    r = client.post("/api/sets", json=_body(exercise_id="kneeling_cable_curl_x"))
    assert r.status_code == 422 and "kneeling_cable_curl_x" in r.json()["message"]


def test_240_concurrent_sets_with_one_poisoned_over_real_http(tmp_path: Path) -> None:
    from tests.e2e.conftest import start_server

    server = start_server(tmp_path)
    try:
        http = server.http
        http.headers["X-CSRF-Token"] = http.get("/api/csrf").json()["token"]
        assert http.put("/api/profile", json={"units": "kg"}).status_code == 200
        bodies = [_body() for _ in range(239)]
        bodies.insert(120, _body(session_id=2**70))

        def post(body: dict[str, Any]) -> int:
            return http.post("/api/sets", json=body, timeout=120).status_code

        with ThreadPoolExecutor(max_workers=24) as pool:
            codes = list(pool.map(post, bodies))
        assert (codes.count(200), codes.count(422), codes[120]) == (239, 1, 422)
        assert len(server.sets()) == 239
    finally:
        server.http.close()
        server.process.terminate()
        server.process.wait(timeout=10)


# ---------------------------------------------------------------- the CLI
@pytest.mark.parametrize(
    ("args", "code", "line"),
    [
        # A value typed for an option that the set model refuses is a usage error (exit 2).
        (
            ["--load", "inf"],
            2,
            "Error: --load inf is not allowed: the load must be a finite number from 0 to 1500 "
            "kg. See 'mindmuscle log --help'.",
        ),
        (
            ["--load", "1e308"],
            2,
            "Error: --load 1e308 is not allowed: the load must be a finite number from 0 to "
            "1500 kg. See 'mindmuscle log --help'.",
        ),
        (
            ["--reps", "99999999999"],
            2,
            "Error: --reps 99999999999 is not allowed: the reps must be a whole number from 0 "
            "to 200. See 'mindmuscle log --help'.",
        ),
        (
            ["--elsewhere", "forearm=3"],
            1,
            "Error: --elsewhere: No muscle has the name, alias or id 'forearm'. Did you mean: "
            "forearm flexors?",
        ),
    ],
)
def test_log_refuses_out_of_range_values_in_one_line(
    tmp_path: Path, args: list[str], code: int, line: str
) -> None:
    db = f"sqlite:///{tmp_path / 'l.db'}"
    base = ["log", "barbell_back_squat", "--reps", "5", "--rating", "5", "--db", db]
    r = runner.invoke(app, [*base, *args])
    assert (r.exit_code, r.output.strip()) == (code, line)
    history = runner.invoke(app, ["history", "--json", "--db", db])
    assert json.loads(history.output)["sets"] == []


def test_guided_session_refuses_forearm_like_log_and_asks_again(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'g.db'}"
    assert runner.invoke(app, ["init", "--no-input", "--db", url]).exit_code == 0
    answers = iter(["forearm=3", "forearm_flexors=3"])

    def answer(prompt: str) -> str | None:
        if prompt.startswith("Felt elsewhere"):
            return next(answers)
        if prompt.startswith("Target rating"):
            return "6"
        if prompt.startswith("Rest"):
            return None
        return ""

    d = Driver(*session_args(url, "--exercise", CURL))
    try:
        d.until(r"^Set confirmed and stored: .* set 1,", answer)
    finally:
        d.finish()
    errors = [line for line in d.lines if line.startswith("Error:")]
    assert errors == [
        "Error: No muscle has the name, alias or id 'forearm'. Did you mean: forearm flexors?"
    ]
    stored = json.loads(runner.invoke(app, ["history", "--json", "--db", url]).output)["sets"]
    assert [s["reflection"]["felt_elsewhere"] for s in stored] == [{"forearm_flexors": 3}]


# ---------------------------------------------------------------- imports and experiments
def test_import_refuses_a_row_outside_the_limits_naming_file_and_line(tmp_path: Path) -> None:
    from mindmuscle.errors import FileFormatError
    from mindmuscle.services.imports import import_file
    from mindmuscle.store import open_database

    path = tmp_path / "strong.csv"
    path.write_text(
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
        "Workout Notes,RPE\n"
        "2026-01-05 10:00:00,Legs,1h,Squat (Barbell),1,100,5,0,0,,,\n"
        "2026-01-05 10:00:00,Legs,1h,Squat (Barbell),2,100,500,0,0,,,\n",
        encoding="utf-8",
    )
    db = open_database(f"sqlite:///{tmp_path / 'i.db'}")
    try:
        with pytest.raises(
            FileFormatError,
            match=r"line 3, column Reps: '500' is not allowed: the reps must be a whole number "
            r"from 0 to 200$",
        ):
            import_file(db=db, user_id=1, path=path, unit="kg")
        from mindmuscle.services.history import history

        assert history(db=db, user_id=1) == []
    finally:
        db.close()


def test_experiment_sets_take_the_one_write_path(tmp_path: Path) -> None:
    from mindmuscle.errors import OutOfRangeError
    from mindmuscle.services import experiments as exp

    with pytest.raises(OutOfRangeError, match=r"reflection\.target_rating 11 is not allowed"):
        exp.record_experiment_set(
            db=None,  # type: ignore[arg-type]  # refused before the database is read
            user_id=1,
            experiment_id=1,
            set_number=1,
            target_rating=11,
            now=datetime(2026, 1, 1, tzinfo=UTC),
        )


BIG = 2**70
ROUTES_WITH_IDS = [
    ("PUT", f"/api/sessions/{BIG}/state", {"snapshot": {}}),
    ("POST", f"/api/sessions/{BIG}/end", None),
    ("POST", f"/api/drills/{BIG}/ratings", {"muscle_id": "biceps", "rating": 5}),
    ("POST", f"/api/drills/{BIG}/end", None),
    ("GET", f"/api/experiments/{BIG}", None),
    ("GET", f"/api/experiments/{BIG}/analysis", None),
    ("GET", f"/experiments/{BIG}/report", None),
    ("GET", f"/api/sessions/{BIG}", None),
    ("PATCH", f"/api/sessions/{BIG}", {"notes": "x"}),
    ("DELETE", f"/api/sessions/{BIG}", None),
    ("POST", f"/api/sessions/{BIG}/restore", None),
    ("GET", f"/api/sets/{BIG}", None),
    ("PATCH", f"/api/sets/{BIG}", {"reps": 5}),
    ("DELETE", f"/api/sets/{BIG}", None),
    ("POST", f"/api/sets/{BIG}/restore", None),
    ("GET", f"/api/sets?session_id={BIG}", None),
]


def test_ids_beyond_64_bits_are_not_found_or_refused_on_every_route(client: TestClient) -> None:
    codes = {
        (m, url): client.request(m, url, json=body).status_code for m, url, body in ROUTES_WITH_IDS
    }
    assert {k: v for k, v in codes.items() if v not in (404, 422)} == {}
