"""The JSON API of the web app, endpoint by endpoint, with bad input and the login."""

from __future__ import annotations

import html
import json
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mindmuscle.catalog import load_catalog
from mindmuscle.config import Settings
from mindmuscle.errors import ConfigError
from mindmuscle.services import accounts
from mindmuscle.web import create_app
from tests.factories import synthetic_curls_payload

READY = {"sleep": 4, "energy": 4, "stress": 2, "focus": 4}


_TEMPLATE: dict[str, Path] = {}


def _settings(tmp_path: Path) -> Settings:
    # One migrated database, copied for each test (migrating takes most of a test's time).
    if "db" not in _TEMPLATE:
        import tempfile

        from mindmuscle.store import open_database

        path = Path(tempfile.mkdtemp()) / "template.db"
        open_database(f"sqlite:///{path}").close()
        _TEMPLATE["db"] = path
    shutil.copyfile(_TEMPLATE["db"], tmp_path / "web.db")
    return Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'web.db'}")


def _client(tmp_path: Path, host: str = "127.0.0.1") -> TestClient:
    client = TestClient(create_app(_settings(tmp_path), host=host), base_url="http://localhost")
    token = client.get("/api/csrf").json()["token"]
    client.headers["X-CSRF-Token"] = token
    return client


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path) as c:
        yield c


def _plan(client: TestClient) -> dict[str, Any]:
    assert client.put("/api/profile", json={"units": "kg"}).status_code == 200
    r = client.post("/api/today", json={"readiness": READY})
    assert r.status_code == 200, r.text
    data: dict[str, Any] = r.json()
    return data


def _set_body(plan: dict[str, Any], **over: Any) -> dict[str, Any]:
    p = plan["plan"]["exercises"][0]
    body = {
        "uuid": str(uuid.UUID(int=1)),
        "session_id": plan["session_id"],
        "exercise_id": p["exercise_id"],
        "exercise_index": 0,
        "set_index": 0,
        "performed_at": "2026-11-21T10:00:00Z",
        "reps": 10,
        "load_kg": p["load_kg"],
        "tempo": p["tempo"],
        "focus_mode": p["focus"]["mode"],
        "cue": p["focus"]["cue"],
        "reflection": {"target_rating": 3, "felt_elsewhere": {"front_delt": 4}, "focus_rating": 7},
        "prescription": p,
    }
    body.update(over)
    return body


# ---------------------------------------------------------------- errors and CSRF
def test_unsafe_request_without_csrf_token_is_refused(tmp_path: Path) -> None:
    with TestClient(create_app(_settings(tmp_path)), base_url="http://localhost") as c:
        r = c.put("/api/profile", json={"units": "kg"})
    assert r.status_code == 403
    assert "CSRF token" in r.json()["message"]


def test_api_errors_are_json_and_pages_are_html(client: TestClient) -> None:
    r = client.get("/api/nothing-here")
    assert r.status_code == 404
    assert r.json() == {"error": "Not found", "message": "Not Found"}
    page = client.get("/nothing-here")
    assert page.status_code == 404
    assert page.headers["content-type"].startswith("text/html")
    assert "Error 404" in page.text


def test_bad_profile_is_422_naming_the_field(client: TestClient) -> None:
    r = client.put("/api/profile", json={"units": "stone", "goal": "hypertrophy"})
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "Check the input"
    assert body["message"] == "units 'stone' is not allowed: it must be 'kg' or 'lb'."
    assert body["details"][0]["field"] == "units"


# ---------------------------------------------------------------- profile and today
def test_profile_round_trip(client: TestClient) -> None:
    assert client.get("/api/profile").json()["exists"] is False
    profile = {"goal": "strength", "experience": "some", "units": "lb", "bodyweight_kg": 80.5}
    r = client.put("/api/profile", json=profile)
    assert r.status_code == 200
    got = client.get("/api/profile").json()
    assert got["exists"] is True
    assert got["profile"]["goal"] == "strength"
    assert got["profile"]["units"] == "lb"
    assert got["profile"]["bodyweight_kg"] == 80.5


def test_today_makes_a_stored_plan_with_reasons(client: TestClient) -> None:
    plan = _plan(client)
    assert plan["decision"]["decision"] == "train"
    assert plan["plan"]["exercises"], "a training day has exercises"
    first = plan["plan"]["exercises"][0]
    assert first["why"] and all("text" in r for r in first["why"])
    active = client.get("/api/sessions/active").json()
    assert active["session"]["session_id"] == plan["session_id"]
    catalog = load_catalog()
    assert active["targets"][first["exercise_id"]] == catalog.exercise(first["exercise_id"]).targets
    # Each card's "Why this?" gives each reason once: the focus rationale is one of the plan's.
    page = client.get("/today").text
    for ex in plan["plan"]["exercises"]:
        card = page.split(f'data-exercise="{ex["exercise_id"]}"', 1)[1].split("</article>", 1)[0]
        rationale = ex["focus"]["rationale"]
        assert rationale in [r["text"] for r in ex["why"]]
        assert card.count(html.escape(rationale, quote=False)) == 1, ex["exercise_id"]


def test_today_refuses_a_bad_readiness_and_unknown_exercises(client: TestClient) -> None:
    client.put("/api/profile", json={})
    r = client.post("/api/today", json={"readiness": {**READY, "sleep": 9}})
    assert r.status_code == 422
    assert (
        "readiness.sleep 9 is not allowed: it must be less than or equal to 5."
        in r.json()["message"]
    )
    r = client.post("/api/today", json={"readiness": None, "exercise_ids": ["bicep_curl"]})
    assert r.status_code == 422
    assert "Unknown exercise id 'bicep_curl'" in r.json()["message"]


def test_no_active_session_before_a_plan(client: TestClient) -> None:
    assert client.get("/api/sessions/active").json() == {"session": None, "targets": {}}


# ---------------------------------------------------------------- the set loop
def test_set_timeline_is_the_set_loop_s_events(client: TestClient) -> None:
    plan = _plan(client)
    p = plan["plan"]["exercises"][0]
    r = client.post("/api/set-timeline", json={"prescription": p, "time_scale": 0.5})
    assert r.status_code == 200
    events = r.json()["events"]
    assert events[0]["type"] == "set_started"
    assert [e["type"] for e in events[1:4]] == ["count_in"] * 3
    reps = [e for e in events if e["type"] == "rep_completed"]
    assert len(reps) == p["reps"][1]
    tempo = p["tempo"]
    rep_s = sum(
        tempo[k] for k in ("eccentric_s", "bottom_pause_s", "concentric_s", "top_squeeze_s")
    )
    # 3 s of count-in, then every repetition, all at half time.
    assert reps[-1]["at_ms"] == pytest.approx(0.5 * 1000 * (3 + p["reps"][1] * rep_s), abs=2)
    phases = [e for e in events if e["type"] == "tempo_phase"]
    assert {e["phase"] for e in phases} <= {
        "eccentric",
        "bottom_pause",
        "concentric",
        "top_squeeze",
    }
    assert all(e["word"] and e["breath"] for e in phases)


def test_set_timeline_refuses_a_bad_time_scale(client: TestClient) -> None:
    plan = _plan(client)
    p = plan["plan"]["exercises"][0]
    r = client.post("/api/set-timeline", json={"prescription": p, "time_scale": 0})
    assert r.status_code == 422
    assert "time_scale 0 is not allowed: it must be greater than 0." in r.json()["message"]


def test_a_set_is_stored_once_per_uuid_and_adapts_the_next(client: TestClient) -> None:
    plan = _plan(client)
    body = _set_body(plan)
    first = client.post("/api/sets", json=body)
    assert first.status_code == 200, first.text
    out = first.json()
    assert out["stored_now"] is True
    assert out["set"]["reflection"]["target_rating"] == 3
    assert out["adaptation"]["actions"] != ["keep"]  # 3/10 is a weak connection
    again = client.post("/api/sets", json=body)
    assert again.json()["stored_now"] is False
    assert again.json()["adaptation"] == out["adaptation"]
    sets = client.get("/api/sets").json()
    assert len(sets) == 1
    assert sets[0]["uuid"] == body["uuid"]
    assert sets[0]["session_id"] == plan["session_id"]


def test_the_next_set_follows_the_load_lifted_not_the_load_planned(client: TestClient) -> None:
    plan = _plan(client)
    p = plan["plan"]["exercises"][0]
    lifted = p["load_kg"] + 2.5
    body = _set_body(
        plan,
        load_kg=lifted,
        reflection={"target_rating": 7, "felt_elsewhere": {}, "focus_rating": 7},
    )
    r = client.post("/api/sets", json=body)
    assert r.status_code == 200, r.text
    adaptation = r.json()["adaptation"]
    assert adaptation["actions"] == ["keep"]  # felt 7/10: keep everything as it is...
    assert adaptation["next"]["load_kg"] == lifted  # ...which is the load just lifted
    assert r.json()["set"]["load_kg"] == lifted


def test_a_set_with_phone_motion_keeps_the_recording(client: TestClient) -> None:
    plan = _plan(client)
    motion = {"columns": ["t_ms", "ax", "ay", "az"], "samples": [[0, 0, 9.8, 0], [10, 0, 9.9, 0]]}
    r = client.post("/api/sets", json=_set_body(plan, motion=motion))
    assert r.status_code == 200
    from mindmuscle.store import repo

    db = client.app.state.ctx.db  # type: ignore[attr-defined]
    with db.session() as s:
        recs = repo.list_recordings(session=s, user_id=1)
    assert [(r.kind, r.set_uuid, r.data) for r in recs] == [
        ("motion", str(uuid.UUID(int=1)), motion)
    ]


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"uuid": "not-a-uuid"}, "uuid 'not-a-uuid' is not allowed: a set's uuid must be a UUID"),
        ({"reps": -1}, "reps -1 is not allowed: the reps must be a whole number from 0 to 200."),
        (
            {"reflection": {"target_rating": 11}},
            "reflection.target_rating 11 is not allowed: a rating must be a whole number from "
            "0 to 10.",
        ),
        ({"exercise_id": "squatt", "prescription": None}, "Unknown exercise id 'squatt'"),
        (
            {"performed_at": "yesterday"},
            "performed_at must be a date and time like 2026-12-07T18:30:00Z; got 'yesterday'.",
        ),
        (
            {"performed_at": "1900-01-01T00:00:00Z"},
            "performed_at '1900-01-01 00:00 UTC' is not allowed: a set can be dated from "
            "1970-01-01 on.",
        ),
    ],
)
def test_bad_sets_are_422_with_a_useful_message(
    client: TestClient, override: dict[str, Any], message: str
) -> None:
    plan = _plan(client)
    r = client.post("/api/sets", json=_set_body(plan, **override))
    assert r.status_code == 422
    assert message in r.json()["message"]
    assert client.get("/api/sets").json() == []


@pytest.mark.parametrize(
    ("override", "message"),
    [
        (
            {"reps": True},
            "reps True is not allowed: the reps must be a whole number from 0 to 200.",
        ),
        (
            {"reps": "10"},
            "reps '10' is not allowed: the reps must be a whole number from 0 to 200.",
        ),
        (
            {"load_kg": "10"},
            "load_kg '10' is not allowed: the load must be a finite number from 0 to 1500 kg.",
        ),
        (
            {"load_kg": False},
            "load_kg False is not allowed: the load must be a finite number from 0 to 1500 kg.",
        ),
        (
            {"set_index": "0"},
            "set_index '0' is not allowed: the set's place in its workout must be a whole number "
            "from 0 to 1000.",
        ),
        (
            {"reflection": {"target_rating": True}},
            "reflection.target_rating True is not allowed: a rating must be a whole number from "
            "0 to 10.",
        ),
        (
            {"reflection": {"reps_in_reserve": "2"}},
            "reflection.reps_in_reserve '2' is not allowed: the reps in reserve must be a whole "
            "number from 0 to 10.",
        ),
    ],
)
def test_a_set_s_numbers_must_be_json_numbers(
    client: TestClient, override: dict[str, Any], message: str
) -> None:
    # True is not one rep and "10" is not a number: the API takes JSON numbers only.
    plan = _plan(client)
    r = client.post("/api/sets", json=_set_body(plan, **override))
    assert r.status_code == 422
    assert r.json()["message"] == message
    assert client.get("/api/sets").json() == []


def test_bodies_the_api_cannot_use_get_one_line_in_its_own_words(client: TestClient) -> None:
    plan = _plan(client)

    def message(method: str, url: str, status: int = 422, **kw: Any) -> str:
        r = client.request(method, url, **kw)
        assert r.status_code == status, r.text
        text: str = r.json()["message"]
        return text

    text_plain = {"Content-Type": "text/plain"}
    json_type = {"Content-Type": "application/json"}
    assert message("POST", "/api/today", content='{"readiness":null}', headers=text_plain) == (
        "The body must be a JSON object (Content-Type: application/json); got text/plain."
    )
    assert message("POST", "/api/today", content="null", headers=json_type) == (
        "The body must be a JSON object; got null."
    )
    assert message("POST", "/api/sets", json=_set_body(plan, performed_at="garbage")) == (
        "performed_at must be a date and time like 2026-12-07T18:30:00Z; got 'garbage'."
    )
    raw = json.dumps(_set_body(plan)).replace('"reps": 10', '"reps": 1e+300')
    assert message("POST", "/api/sets", content=raw, headers=json_type) == (
        "reps 1e+300 is not allowed: the reps must be a whole number from 0 to 200."
    )
    long = "x" * 500
    assert message("POST", "/api/sets", json=_set_body(plan, reps=long)) == (
        f"reps '{long[:56]}... is not allowed: the reps must be a whole number from 0 to 200."
    )
    assert message("GET", "/api/routines/1e3") == (
        "routine_id '1e3' is not allowed: it must be a whole number."
    )
    reflection = {"target_rating": 3, "felt_elsewhere_muscles": {}}
    assert message("POST", "/api/sets", json=_set_body(plan, reflection=reflection)) == (
        "reflection has no field 'felt_elsewhere_muscles'; allowed: target_rating, "
        "felt_elsewhere, focus_rating, reps_in_reserve, note."
    )
    account = {"name": "ann", "password": "a long enough password", "admin": True}
    assert message("POST", "/api/users", json=account) == (
        "The body has no field 'admin'; allowed: name, password."
    )
    latin1 = '{"readiness": "\xe9"}'.encode("latin-1")
    assert message("POST", "/api/today", 400, content=latin1, headers=json_type) == (
        "The body is not valid UTF-8 JSON (byte 16 is 0xe9): send a JSON object encoded as UTF-8."
    )
    deep = "[" * 5000 + "]" * 5000
    assert message("POST", "/api/today", 400, content=deep, headers=json_type) == (
        "The body is nested too deeply (5000 levels): send a JSON object nested at most 100 levels."
    )
    assert client.get("/api/sets").json() == []


def test_a_set_for_another_session_is_404(client: TestClient) -> None:
    plan = _plan(client)
    r = client.post("/api/sets", json=_set_body(plan, session_id=999))
    assert r.status_code == 404
    assert r.json()["message"] == (
        "No workout with id 999. The History page lists your workouts (GET /api/sessions)."
    )
    assert client.get("/api/sets/12345").json()["message"] == (
        "No set with id 12345. The History page lists your sets (GET /api/sets gives their ids)."
    )


def _snapshot(plan: dict[str, Any], **over: Any) -> dict[str, Any]:
    snap = {
        "version": 1,
        "state": "rest",
        "position": [0, 1],
        "current": plan["plan"]["exercises"],
        "completed": [],
        "skipped": [],
        "reps_done": 0,
        "set_started_ms": 0,
        "set_finished_ms": 0,
        "ended_early": False,
    }
    snap.update(over)
    return snap


def test_session_state_is_a_resumable_set_loop_snapshot(client: TestClient) -> None:
    plan = _plan(client)
    sid = plan["session_id"]
    r = client.put(
        f"/api/sessions/{sid}/state", json={"snapshot": _snapshot(plan), "web": {"x": 1}}
    )
    assert r.status_code == 200, r.text
    from mindmuscle.services.sessions import GuidedRun

    run = GuidedRun.resume(db=client.app.state.ctx.db, user_id=1, session_id=sid)  # type: ignore[attr-defined]
    assert run.loop.position == (0, 1)
    snap = client.get("/api/sessions/active").json()["session"]["snapshot"]
    assert snap["web"] == {"x": 1}


def test_bad_session_state_is_refused(client: TestClient) -> None:
    plan = _plan(client)
    sid = plan["session_id"]
    r = client.put(f"/api/sessions/{sid}/state", json={"snapshot": {"version": 1}})
    assert r.status_code == 422
    assert "not a set loop snapshot" in r.json()["message"]
    r = client.put(f"/api/sessions/{sid}/state", json={"snapshot": _snapshot(plan, version=7)})
    assert r.status_code == 422
    assert "snapshot version 7" in r.json()["message"]
    r = client.put("/api/sessions/12345/state", json={"snapshot": _snapshot(plan)})
    assert r.status_code == 404


def test_ending_a_session(client: TestClient) -> None:
    plan = _plan(client)
    sid = plan["session_id"]
    r = client.post(f"/api/sessions/{sid}/end")
    assert r.status_code == 200
    assert r.json()["ended_at"] is not None
    assert client.post(f"/api/sessions/{sid}/end").json()["ended_at"] == r.json()["ended_at"]
    assert client.get("/api/sessions/active").json()["session"] is None
    r = client.put(f"/api/sessions/{sid}/state", json={"snapshot": _snapshot(plan)})
    assert r.status_code == 422
    assert "has ended" in r.json()["message"]


def test_motion_analysis_of_bad_recordings_says_what_is_wrong(client: TestClient) -> None:
    body: dict[str, Any] = {
        "exercise_id": "dumbbell_biceps_curl",
        "tempo": {"eccentric_s": 2, "bottom_pause_s": 0, "concentric_s": 1, "top_squeeze_s": 1},
        "motion": {"t_ms": [0, 10], "ax": [0, 0], "ay": [0, 0], "az": [9.8, 9.8]},
    }
    r = client.post("/api/motion/analyze", json={**body, "exercise_id": "curlz"})
    assert r.status_code == 422
    assert "Unknown exercise id 'curlz'" in r.json()["message"]
    r = client.post("/api/motion/analyze", json=body)
    assert r.status_code == 422
    assert "has 2 distinct samples; at least 20 are needed" in r.json()["message"]
    r = client.post("/api/motion/analyze", json={**body, "motion": {"t_ms": [0], "ax": [0]}})
    assert r.status_code == 422
    assert "missing 'ay'" in r.json()["message"]


def test_motion_analysis_route_answers_with_the_count_and_tempo(client: TestClient) -> None:
    motion = synthetic_curls_payload()
    body = {
        "exercise_id": "dumbbell_biceps_curl",
        "tempo": {"eccentric_s": 3, "bottom_pause_s": 0, "concentric_s": 1, "top_squeeze_s": 1},
        "motion": motion,
    }
    r = client.post("/api/motion/analyze", json=body)
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["reps"] + got["partial_reps"] == 4
    assert got["tempo"]["eccentric_s"] == pytest.approx(3.0, abs=0.4)
    assert got["tempo"]["concentric_s"] == pytest.approx(1.0, abs=0.3)


# ---------------------------------------------------------------- progress and drill
def test_progress_shows_the_set(client: TestClient) -> None:
    empty = client.get("/api/progress").json()
    assert empty["total_sets"] == 0
    assert empty["scores"] == {}
    plan = _plan(client)
    client.post("/api/sets", json=_set_body(plan))
    got = client.get("/api/progress").json()
    assert got["total_sets"] == 1
    assert got["rated_sets"] == 1
    target = load_catalog().exercise(plan["plan"]["exercises"][0]["exercise_id"]).targets[0]
    assert got["scores"][target]["count"] == 1
    assert [t["muscle_id"] for t in got["trends"]] == sorted(
        load_catalog().exercise(plan["plan"]["exercises"][0]["exercise_id"]).targets
    )
    series = got["exercises"][0]
    assert series["volume_kg"] == [
        pytest.approx(10 * (plan["plan"]["exercises"][0]["load_kg"] or 0))
    ]


def test_drill_start_rate_end(client: TestClient) -> None:
    r = client.post("/api/drills", json={"minutes": 10})
    assert r.status_code == 200
    drill = r.json()
    assert drill["plan"]["items"]
    muscle = drill["plan"]["items"][0]["muscle_id"]
    did = drill["drill_id"]
    r = client.post(f"/api/drills/{did}/ratings", json={"muscle_id": muscle, "rating": 7})
    assert r.status_code == 200
    assert r.json()["rating"] == 7
    r = client.post(f"/api/drills/{did}/ratings", json={"muscle_id": "bicep", "rating": 7})
    assert r.status_code == 422
    assert "Unknown muscle id 'bicep'" in r.json()["message"]
    r = client.post(f"/api/drills/{did}/ratings", json={"muscle_id": muscle, "rating": 11})
    assert r.status_code == 422
    assert client.post(f"/api/drills/{did}/end").status_code == 204
    r = client.post("/api/drills", json={"minutes": 60})
    assert r.status_code == 422
    assert "minutes 60 is not allowed: it must be less than or equal to 30." in r.json()["message"]


# ---------------------------------------------------------------- catalogue and evidence
def test_catalogue_endpoints(client: TestClient) -> None:
    catalog = load_catalog()
    exercises = client.get("/api/exercises").json()
    assert len(exercises) == len(catalog.exercises)
    curl = client.get("/api/exercises/dumbbell_biceps_curl").json()
    assert curl["targets"] == catalog.exercise("dumbbell_biceps_curl").targets
    r = client.get("/api/exercises/dumbell_biceps_curl")
    assert r.status_code == 404
    assert "Did you mean: dumbbell_biceps_curl" in r.json()["message"]
    biceps = client.get("/api/exercises", params={"muscle": "biceps"}).json()
    assert biceps and all("biceps" in e["targets"] for e in biceps)
    assert len(client.get("/api/muscles").json()) == 26
    ev = client.get("/api/evidence").json()
    assert len(ev["studies"]) == len(catalog.studies)
    assert [r["number"] for r in ev["rules"]] == list(range(1, 18))
    assert len(ev["claims"]) == len(catalog.claims)


# ---------------------------------------------------------------- pages and assets
PAGES = ["/first-run", "/session", "/drill", "/progress", "/exercises", "/evidence", "/settings"]


def test_every_page_and_asset_comes_from_the_app(client: TestClient) -> None:
    client.put("/api/profile", json={})
    for path in [*PAGES, "/today", "/docs"]:
        r = client.get(path)
        assert r.status_code == 200, path
        for ref in re.findall(r'(?:src|href)="([^"]+)"', r.text):
            assert not re.match(r"^(https?:)?//", ref), f"{path} loads {ref} from elsewhere"
            if ref.startswith("/") and not ref.startswith(("/evidence#", "/docs")):
                assert client.get(ref).status_code == 200, f"{path}: {ref}"
    assert "swagger-ui-bundle.js" in client.get("/docs").text
    assert client.get("/api/openapi.json").json()["info"]["title"] == "MindMuscle"
    sw = client.get("/sw.js")
    assert sw.headers["content-type"].startswith("text/javascript")
    assert "/session" in sw.text


def test_pages_escape_what_they_show(tmp_path: Path) -> None:
    c = _client(tmp_path, host="0.0.0.0")
    token = c.cookies["mm_csrf"]
    r = c.post(
        "/login", data={"name": '"><script>x()</script>', "password": "p", "csrf_token": token}
    )
    assert r.status_code == 401
    assert "<script>x()" not in r.text
    assert "&#34;&gt;&lt;script&gt;x()&lt;/script&gt;" in r.text


def test_first_visit_goes_to_first_run_then_today(client: TestClient) -> None:
    r = client.get("/", follow_redirects=False)
    assert r.headers["location"] == "/first-run"
    assert client.get("/today", follow_redirects=False).headers["location"] == "/first-run"
    client.put("/api/profile", json={})
    assert client.get("/", follow_redirects=False).headers["location"] == "/today"
    today = client.get("/today")
    assert "How are you today?" in today.text
    _plan(client)
    assert "Start session" in client.get("/today").text


# ---------------------------------------------------------------- login off loopback
def test_network_bound_app_requires_login(tmp_path: Path) -> None:
    c = _client(tmp_path, host="0.0.0.0")
    r = c.get("/api/profile")
    assert r.status_code == 401
    assert "Log in first" in r.json()["message"]
    page = c.get("/today", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/login?next=/today"
    accounts.set_password(db=c.app.state.ctx.db, password="correct horse", name="alex")  # type: ignore[attr-defined]
    r = c.post("/api/login", json={"name": "alex", "password": "wrong password"})
    assert r.status_code == 401
    assert r.json()["message"] == "Wrong name or password. Passwords are case-sensitive."
    r = c.post("/api/login", json={"name": "alex", "password": "correct horse"})
    assert r.status_code == 200
    cookie = r.headers["set-cookie"]
    assert "mm_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert c.get("/api/profile").status_code == 200
    assert c.post("/api/logout").status_code == 204


def test_login_form_needs_csrf_and_never_redirects_off_site(tmp_path: Path) -> None:
    c = _client(tmp_path, host="192.168.1.20")
    accounts.set_password(db=c.app.state.ctx.db, password="correct horse")  # type: ignore[attr-defined]
    form = c.get("/login")
    assert form.status_code == 200
    assert 'name="csrf_token"' in form.text
    token = c.cookies["mm_csrf"]
    del c.headers["X-CSRF-Token"]
    r = c.post("/login", data={"name": "local", "password": "correct horse"})
    assert r.status_code == 403
    data = {
        "name": "local",
        "password": "correct horse",
        "next": "//evil.example",
        "csrf_token": token,
    }
    r = c.post("/login", data=data, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/today"
    assert "mm_session=" in r.headers["set-cookie"]
    r = c.post("/login", data={**data, "password": "nope nope"}, follow_redirects=False)
    assert r.status_code == 401
    assert "Wrong name or password" in r.text


def test_short_passwords_are_refused(tmp_path: Path) -> None:
    c = _client(tmp_path)
    with pytest.raises(Exception, match="use at least 8"):
        accounts.set_password(db=c.app.state.ctx.db, password="short")  # type: ignore[attr-defined]


def test_production_mode_needs_a_secret_key(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="MINDMUSCLE_SECRET_KEY"):
        Settings(data_dir=tmp_path, production=True)
    unchecked = Settings.model_construct(data_dir=tmp_path, production=True, secret_key=None)
    with pytest.raises(ConfigError, match="Production mode needs MINDMUSCLE_SECRET_KEY"):
        create_app(unchecked)
    settings = Settings(data_dir=tmp_path, production=True, secret_key="s" * 64,
                        database_url=f"sqlite:///{tmp_path / 'p.db'}")  # fmt: skip
    assert create_app(settings).state.ctx.secret == "s" * 64


def test_set_writer_shares_commits_and_keeps_each_set_apart(client: TestClient) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from mindmuscle.errors import NotFoundError
    from mindmuscle.services.sets import SetWriter, WebSetInput

    plan = _plan(client)
    writer = SetWriter(client.app.state.ctx.db, max_batch=4)  # type: ignore[attr-defined]
    bodies = [
        _set_body(plan, uuid=str(uuid.UUID(int=100 + i)), set_index=i, prescription=None)
        for i in range(30)
    ]
    bodies += [bodies[0], _set_body(plan, uuid=str(uuid.UUID(int=999)), session_id=4242)]

    def store(body: dict[str, Any]) -> bool | str:
        try:
            return writer.store(user_id=1, data=WebSetInput.model_validate(body))[1]
        except NotFoundError as exc:
            return str(exc)

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(store, bodies))
    assert results[1:30] == [True] * 29
    assert sorted([results[0], results[30]]) == [False, True]  # the same uuid twice: stored once
    assert "No workout with id 4242" in str(results[31])
    stored = {s["uuid"] for s in client.get("/api/sets", params={"limit": 1000}).json()}
    assert stored == {b["uuid"] for b in bodies[:30]}


def test_a_too_long_motion_recording_is_refused(client: TestClient) -> None:
    plan = _plan(client)
    motion = {"t_ms": [0] * 120_001, "ax": [0], "ay": [0], "az": [0]}
    r = client.post("/api/sets", json=_set_body(plan, motion=motion))
    assert r.status_code == 422
    assert "The motion recording has 120001 samples; at most 120000" in r.json()["message"]


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("MySecretPassw0rd!" * 70, "password is not allowed: it must be at most 1000 characters."),
        (12345678, "password is not allowed: it must be text."),
        ("", "password is not allowed: it must be at least 1 character."),
    ],
)
def test_login_errors_never_repeat_the_password(
    client: TestClient, password: object, message: str
) -> None:
    r = client.post("/api/login", json={"name": "alex", "password": password})
    assert r.status_code == 422
    body = r.json()
    assert body["message"] == message
    assert "MySecret" not in r.text and "12345678" not in r.text
    assert [set(d) for d in body["details"]] == [{"field", "allowed", "message", "type"}]


def test_a_body_that_is_not_json_gets_one_line_with_where_it_breaks(client: TestClient) -> None:
    r = client.post("/api/sets", content=b"{bad", headers={"content-type": "application/json"})
    assert r.status_code == 422
    assert r.json()["message"] == (
        "The request body is not valid JSON (line 1, column 2): send a JSON object."
    )
    r = client.post(
        "/api/sets",
        content=b'{\n  "reps": 5,\n  oops}',
        headers={"content-type": "application/json"},
    )
    assert r.json()["message"] == (
        "The request body is not valid JSON (line 3, column 3): send a JSON object."
    )


def test_missing_fields_are_named_in_one_line(client: TestClient) -> None:
    plan = _plan(client)
    body = _set_body(plan)
    del body["exercise_id"]
    r = client.post("/api/sets", json=body)
    assert r.status_code == 422
    assert r.json()["message"] == (
        "exercise_id is missing: give the exercise's id, e.g. 'barbell_bench_press' "
        "(the catalogue lists them)."
    )
    r = client.post("/api/sets", json={})
    assert r.status_code == 422
    assert r.json()["message"] == (
        "These fields are missing: uuid, exercise_id, set_index, performed_at, reps and "
        "reflection; send each of them."
    )
    assert "\n" not in r.json()["message"]
    assert [d["field"] for d in r.json()["details"]] == [
        "uuid",
        "exercise_id",
        "set_index",
        "performed_at",
        "reps",
        "reflection",
    ]
