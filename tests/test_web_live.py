"""Live EMG over the set page's WebSocket: frames, muscle roles, calibrations per user, and the
same gate as every request (host, origin, session).

The frames come from the simulated sensor (``synthetic``: four channels at 1000 Hz, known
repetitions) played in real time; the refusals are checked in the app and on a real uvicorn
server, where a refused WebSocket is an HTTP 403 before it opens.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.websockets import WebSocketDisconnect

from mindmuscle.services import accounts
from mindmuscle.services.live import save_calibrations
from mindmuscle.store import CalibrationCreate
from mindmuscle.web import create_app
from tests.e2e.conftest import start_server
from tests.test_web_api import _plan, _set_body, _settings

MAP = "1=biceps_left,2=brachialis,3=front_delt,4=biceps_right"
CURL = "dumbbell_biceps_curl"
ORIGIN = {"origin": "http://localhost", "host": "localhost"}


def _live_client(tmp_path: Path, host: str = "127.0.0.1") -> TestClient:
    settings = _settings(tmp_path).model_copy(update={"live_source": "synthetic", "live_map": MAP})
    return TestClient(create_app(settings, host=host), base_url="http://localhost")


@pytest.fixture()
def live(tmp_path: Path) -> Iterator[TestClient]:
    with _live_client(tmp_path) as c:
        yield c


def _messages(ws: Any, seconds: float) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        out.append(json.loads(ws.receive_text()))
    return out


def _setup(ws: Any) -> dict[str, Any]:
    for _ in range(50):
        message: dict[str, Any] = json.loads(ws.receive_text())
        if message["type"] == "setup":
            return message
    raise AssertionError("no setup message")


def _refusal(c: TestClient, headers: dict[str, str]) -> int:
    """The close code of a WebSocket the app refuses before it opens."""
    try:
        with c.websocket_connect("/api/live/ws", headers=headers) as ws:
            ws.receive_text()
    except WebSocketDisconnect as exc:
        return int(exc.code)
    raise AssertionError("the WebSocket was accepted")


def _calibrate(db: Any, user_id: int, muscle: str, level: float) -> None:
    save_calibrations(
        db,
        user_id,
        [CalibrationCreate(muscle=muscle, level=level, unit="mV", sfreq_hz=1000.0, trial=1,
                           window_start_s=0.0, placement="", source="test")],
    )  # fmt: skip


def test_without_a_sensor_the_page_is_told_nothing_is_live(tmp_path: Path) -> None:
    with TestClient(create_app(_settings(tmp_path)), base_url="http://localhost") as c:
        assert c.get("/api/live").json() == {"configured": False, "source": None}
        with c.websocket_connect("/api/live/ws", headers=ORIGIN) as ws:
            message = json.loads(ws.receive_text())
    assert message["type"] == "status" and message["state"] == "none"


def test_a_set_gets_about_20_frames_a_second_with_the_cards_roles(live: TestClient) -> None:
    status = live.get("/api/live").json()
    assert status["configured"] is True
    with live.websocket_connect(f"/api/live/ws?exercise={CURL}", headers=ORIGIN) as ws:
        setup = _setup(ws)
        messages = _messages(ws, 3.0)
    # The target and the card's compensators are shown, by name; the synergist is not.
    assert [(m["key"], m["name"], m["role"]) for m in setup["muscles"]] == [
        ("biceps_left", "Biceps (left)", "target"),
        ("front_delt", "Front deltoid", "compensator"),
        ("biceps_right", "Biceps (right)", "target"),
    ]
    assert setup["basis"] == "pct_peak"  # nobody calibrated
    frames = [m for m in messages if m["type"] == "frame"]
    assert 45 <= len(frames) <= 70, len(frames)  # 20 a second over 3 s, give or take a read
    assert all(f["quality"]["stream"] == "ok" for f in frames)
    target = [f["muscles"]["biceps_left"]["pct_peak"] for f in frames]
    assert max(target) == 100.0 and min(target) < 30.0  # the simulated rep starts at 2 s
    assert all(f["muscles"]["biceps_left"]["pct_mvc"] is None for f in frames)


def test_a_tone_level_outside_0_to_100_is_refused_in_words(live: TestClient) -> None:
    with live.websocket_connect("/api/live/ws?cue_at=140", headers=ORIGIN) as ws:
        message = json.loads(ws.receive_text())
    assert message == {
        "type": "status",
        "state": "refused",
        "message": "cue_at '140' is not allowed: give a %MVC above 0 and at most 100.",
    }


def test_each_user_gets_their_own_calibration_and_no_one_elses(tmp_path: Path) -> None:
    with _live_client(tmp_path, host="0.0.0.0") as c:
        db = c.app.state.ctx.db  # type: ignore[attr-defined]
        alex = accounts.add_user(db=db, name="alex", password="correct horse")
        accounts.add_user(db=db, name="sam", password="battery staple")
        _calibrate(db, alex, "biceps_left", 0.4)
        _calibrate(db, alex, "biceps_right", 0.4)
        _calibrate(db, alex, "front_delt", 0.4)
        seen = {}
        passwords = {"alex": "correct horse", "sam": "battery staple"}
        same_uuid = str(uuid.uuid4())  # each lifter's own set, by chance with the same UUID

        def login(name: str) -> dict[str, str]:
            c.cookies.clear()
            c.headers["X-CSRF-Token"] = c.get("/api/csrf").json()["token"]
            r = c.post("/api/login", json={"name": name, "password": passwords[name]})
            assert r.is_success
            return {"cookie": f"mm_session={c.cookies['mm_session']}"}

        for name in ("alex", "sam"):
            cookie = login(name)
            url = f"/api/live/ws?exercise={CURL}&cue_at=40&set={same_uuid}"
            with c.websocket_connect(url, headers={**ORIGIN, **cookie}) as ws:
                setup = _setup(ws)
                frames = [m for m in _messages(ws, 4.5) if m["type"] == "frame"]  # a rep: 2-4 s
            seen[name] = (setup, frames)
        # Each saves the set: each gets the EMG of their own watching, measured their own way.
        measured = {}
        for name in ("sam", "alex"):
            login(name)
            now = datetime.now(UTC).isoformat()
            body = _set_body(_plan(c), uuid=same_uuid, performed_at=now)
            r = c.post("/api/sets", json=body)
            assert r.status_code == 200, r.text
            measured[name] = r.json()["emg"]
    assert re.fullmatch(r"\d+% MVC", measured["alex"]), measured
    assert re.fullmatch(r"\d+% of this set's peak", measured["sam"]), measured
    alex_setup, alex_frames = seen["alex"]
    assert alex_setup["basis"] == "pct_mvc" and alex_setup["cue_at_pct_mvc"] == 40.0
    assert all(m["calibrated"] for m in alex_setup["muscles"])
    assert all(f["muscles"]["biceps_left"]["pct_mvc"] is not None for f in alex_frames)
    sam_setup, sam_frames = seen["sam"]
    assert sam_setup["basis"] == "pct_peak" and sam_setup["cue_at_pct_mvc"] is None
    assert not any(m["calibrated"] for m in sam_setup["muscles"])
    assert all(f["muscles"]["biceps_left"]["pct_mvc"] is None for f in sam_frames)


@pytest.mark.parametrize(
    ("headers", "why"),
    [
        ({"host": "localhost"}, "no Origin (not a browser page)"),
        ({**ORIGIN, "origin": "http://evil.example"}, "another site's page"),
        ({**ORIGIN, "origin": "http://localhost:8001"}, "another port"),
        ({"origin": "http://localhost", "host": "evil.example"}, "another Host (DNS rebinding)"),
    ],
)
def test_a_websocket_from_elsewhere_is_refused(
    live: TestClient, headers: dict[str, str], why: str
) -> None:
    assert _refusal(live, headers) == 1008, why


def test_a_websocket_without_a_session_is_refused_on_the_network(tmp_path: Path) -> None:
    with _live_client(tmp_path, host="0.0.0.0") as c:
        db = c.app.state.ctx.db  # type: ignore[attr-defined]
        accounts.add_user(db=db, name="alex", password="correct horse")
        assert _refusal(c, ORIGIN) == 1008
        assert _refusal(c, {**ORIGIN, "cookie": "mm_session=forged-token"}) == 1008


def test_a_real_server_refuses_a_foreign_websocket_with_403_and_allows_its_own(
    tmp_path: Path,
) -> None:
    from websockets.asyncio.client import connect
    from websockets.exceptions import InvalidStatus

    server = start_server(
        tmp_path, env_extra={"MINDMUSCLE_LIVE_SOURCE": "synthetic", "MINDMUSCLE_LIVE_MAP": MAP}
    )
    try:
        base = server.base_url
        host = base.removeprefix("http://")
        page = server.http.get("/session")
        assert (
            f"connect-src 'self' ws://{host} wss://{host};"
            in page.headers["content-security-policy"]
        )
        port = int(host.rsplit(":", 1)[1])

        async def attempt(origin: str | None, host_name: str = "127.0.0.1") -> Any:
            # Always to this server's socket; the Host header says host_name (DNS rebinding).
            url = f"ws://{host_name}:{port}/api/live/ws?exercise={CURL}"
            async with connect(url, origin=origin, host="127.0.0.1", port=port) as ws:  # type: ignore[arg-type]
                for _ in range(50):
                    message = json.loads(await ws.recv())
                    if message["type"] == "frame":
                        return message
            return None

        for origin, host_name in (
            ("http://evil.example", "127.0.0.1"),
            (None, "127.0.0.1"),
            (f"http://evil.example:{port}", "evil.example"),
        ):
            with pytest.raises(InvalidStatus) as refused:
                asyncio.run(attempt(origin, host_name))
            assert refused.value.response.status_code == 403, (origin, host_name)
        frame = asyncio.run(attempt(base))
        assert frame is not None and "biceps_left" in frame["muscles"]
    finally:
        server.http.close()
        server.process.terminate()
        server.process.wait(timeout=10)


def test_the_sets_samples_are_stored_with_it_when_the_lifter_saves_it(live: TestClient) -> None:
    from mindmuscle.services.emg_sets import get_set_emg
    from mindmuscle.store import LOCAL_USER_ID

    live.headers["X-CSRF-Token"] = live.get("/api/csrf").json()["token"]
    plan = _plan(live)
    body = _set_body(plan, uuid=str(uuid.uuid4()))
    assert body["exercise_id"] == CURL
    url = f"/api/live/ws?exercise={CURL}&set={body['uuid']}"
    with live.websocket_connect(url, headers=ORIGIN) as ws:
        _setup(ws)
        frames = [m for m in _messages(ws, 3.0) if m["type"] == "frame"]
    assert frames
    r = live.post("/api/sets", json=body)
    assert r.status_code == 200, r.text
    # No calibration: the target's mean over its repetitions, as % of this set's peak.
    assert r.json()["emg"].endswith("% of this set's peak")
    db = live.app.state.ctx.db  # type: ignore[attr-defined]
    stored = get_set_emg(db, LOCAL_USER_ID, body["uuid"])
    assert stored is not None
    assert stored.source == "web"
    assert stored.features.target == "biceps_left"
    # From the socket's start to the save: 3 s of frames, and what a loaded machine adds.
    assert 2.5 <= stored.features.duration_s <= 10.0, stored.features.duration_s
    assert stored.measured == r.json()["emg"]
    # A retry of the same set (its first answer was lost) stores nothing twice and gets the
    # same words about its EMG; so does a retry that another worker, or a restarted server,
    # answers from the stored EMG. A set without live samples gets none.
    again = live.post("/api/sets", json=body)
    assert again.json()["stored_now"] is False
    assert again.json()["emg"] == r.json()["emg"]
    live.app.state.ctx.live._answers.clear()  # type: ignore[attr-defined]
    from_store = live.post("/api/sets", json=body)
    assert from_store.json()["stored_now"] is False
    assert from_store.json()["emg"] == r.json()["emg"]
    other = live.post("/api/sets", json=_set_body(plan, uuid=str(uuid.uuid4()), set_index=1))
    assert other.status_code == 200 and other.json()["emg"] is None


def test_a_set_uuid_that_is_not_one_is_refused_in_words(live: TestClient) -> None:
    with live.websocket_connect("/api/live/ws?set=../../etc", headers=ORIGIN) as ws:
        message = json.loads(ws.receive_text())
    assert message == {
        "type": "status",
        "state": "refused",
        "message": "set '../../etc' is not a set's UUID: the set page sends its own.",
    }


def test_every_module_the_set_page_imports_is_kept_for_offline_use() -> None:
    """A module the service worker does not keep breaks the set page with no network."""
    from mindmuscle.web import app as web_app

    js = web_app.STATIC_DIR / "js"
    shell = (web_app.TEMPLATE_DIR / "sw.js").read_text()
    seen: set[str] = set()
    todo = ["session.js"]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        todo += re.findall(r'^import .* from "\./([a-z]+\.js)";', (js / name).read_text(), re.M)
    assert "live.js" in seen
    missing = sorted(n for n in seen if f'"/static/js/{n}' not in shell)
    assert missing == []


def test_more_pages_than_the_sensor_serves_get_a_sentence(live: TestClient) -> None:
    from contextlib import ExitStack

    from mindmuscle.services.live_feed import MAX_WATCHERS

    with ExitStack() as open_pages:
        for _ in range(MAX_WATCHERS):
            ws = open_pages.enter_context(live.websocket_connect("/api/live/ws", headers=ORIGIN))
            _setup(ws)
        with live.websocket_connect("/api/live/ws", headers=ORIGIN) as ws:
            message = json.loads(ws.receive_text())
    assert message["state"] == "busy"
    assert message["message"] == (
        f"No live bars: {MAX_WATCHERS} pages are watching the sensor already: close one (each "
        "running set page watches while its set runs)."
    )
