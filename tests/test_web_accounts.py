"""Accounts for a team on a server open to the network: each user sees only their own data,
sessions end on the server, logins are limited, and a password check never holds the database.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from mindmuscle.services import accounts
from mindmuscle.store import open_database
from tests.e2e.conftest import start_server
from tests.test_web_api import _client, _plan, _set_body
from tests.test_web_data import STRONG_OK, _upload_log, curl  # noqa: F401 (curl: a fixture)
from tests.test_web_workers import _env, _free_port, _stop, _wait_ready


def _login(c: TestClient, name: str, password: str) -> None:
    c.cookies.clear()
    c.headers["X-CSRF-Token"] = c.get("/api/csrf").json()["token"]
    r = c.post("/api/login", json={"name": name, "password": password})
    assert r.status_code == 200, r.text


def test_a_second_user_finds_none_of_the_first_users_data(
    tmp_path: Path,
    curl: tuple[bytes, list[tuple[float, float]]],  # noqa: F811
) -> None:
    c = _client(tmp_path, host="0.0.0.0")
    db = c.app.state.ctx.db  # type: ignore[attr-defined]
    accounts.add_user(db=db, name="alex", password="correct horse")
    accounts.add_user(db=db, name="sam", password="battery staple")

    # alex records something everywhere the API stores anything.
    _login(c, "alex", "correct horse")
    plan = _plan(c)
    marker = str(uuid.UUID(int=0xA1E7))
    r = c.post("/api/sets", json=_set_body(plan, uuid=marker))
    assert r.status_code == 200, r.text
    set_id = c.get("/api/sets").json()[0]["id"]
    drill = c.post("/api/drills", json={"minutes": 5}).json()
    muscle = drill["plan"]["items"][0]["muscle_id"]
    assert c.post(
        f"/api/drills/{drill['drill_id']}/ratings", json={"muscle_id": muscle, "rating": 7}
    ).is_success
    rec = c.post("/api/emg/recordings", files={"file": ("alex-curl.csv", curl[0])}).json()
    exp = c.post("/api/experiments", json={"preset": "curl-focus"}).json()
    assert _upload_log(c, "alex.csv", STRONG_OK.encode(), unit="kg", dry_run="false").is_success
    routine = c.post(
        "/api/routines",
        json={"name": "Alex Arms Day", "exercises": [{"exercise_id": "barbell_curl", "sets": 2}]},
    )
    assert routine.status_code == 201, routine.text
    ids = {
        "routine_id": routine.json()["id"],
        "session_id": plan["session_id"],
        "drill_id": drill["drill_id"],
        "recording_id": rec["recording_id"],
        "experiment_id": exp["id"],
        "set_ref": set_id,
        "number": 1,
        "exercise_id": plan["plan"]["exercises"][0]["exercise_id"],
        "user_name": "alex",
        "client_name": "alex",
    }
    alexs = [marker, "alex-curl.csv", "Zercher Wobble Thing", "Alex Arms Day"]
    mine = " ".join(
        c.get(url).text
        for url in (
            "/api/sets",
            "/api/emg/recordings",
            "/api/export?format=json",
            "/api/exercises",
            "/api/routines",
        )
    )
    assert [m for m in alexs if m not in mine] == []
    assert len(c.get("/api/experiments").json()) == 1

    # sam walks every route of the OpenAPI document with alex's ids.
    _login(c, "sam", "battery staple")
    spec = c.get("/api/openapi.json").json()
    answered: Counter[int] = Counter()
    for path, operations in spec["paths"].items():
        if path in ("/api/login", "/api/logout"):
            continue
        url = re.sub(r"\{(\w+)\}", lambda m: str(ids[m.group(1)]), path)
        for method in operations:
            if method == "get" or "{" in path:
                r = c.request(method.upper(), url, json={})
            else:
                continue  # creating sam's own records says nothing of alex's
            answered[r.status_code] += 1
            assert r.status_code < 500, (method, url, r.text)
            for m in alexs:
                assert m not in r.text, (method, url, m)
            if path.startswith("/api/users/"):  # managing accounts is an admin's task
                assert r.status_code in (403, 422), (method, url, r.status_code, r.text)
            elif "{" in path and "{exercise_id}" not in path:
                assert r.status_code in (404, 422), (method, url, r.status_code, r.text)
    for page in (
        f"/emg/recordings/{rec['recording_id']}/report",
        f"/experiments/{exp['id']}/report",
    ):
        assert c.get(page).status_code == 404
    for page in ("/today", "/progress", "/emg", "/experiments", "/import"):
        r = c.get(page, follow_redirects=False)
        assert r.status_code in (200, 303)
        assert not any(m in r.text for m in alexs), page
    assert c.get("/api/sets").json() == []
    assert sum(answered.values()) >= 29
    # alex's data is all still there.
    _login(c, "alex", "correct horse")
    assert [s["uuid"] for s in c.get("/api/sets").json()].count(marker) == 1
    assert c.get("/api/experiments").json()[0]["id"] == exp["id"]


def test_logout_and_a_new_password_end_the_session_on_the_server(tmp_path: Path) -> None:
    c = _client(tmp_path, host="0.0.0.0")
    db = c.app.state.ctx.db  # type: ignore[attr-defined]
    accounts.add_user(db=db, name="alex", password="correct horse")
    _login(c, "alex", "correct horse")
    stolen = c.cookies["mm_session"]
    assert c.get("/api/profile").status_code == 200
    assert c.post("/api/logout").status_code == 204
    c.cookies.set("mm_session", stolen)
    r = c.get("/api/profile")
    assert r.status_code == 401  # the old cookie opens nothing any more
    _login(c, "alex", "correct horse")
    stolen = c.cookies["mm_session"]
    accounts.change_password(db=db, name="alex", password="new staple horse")
    c.cookies.set("mm_session", stolen)
    assert c.get("/api/profile").status_code == 401
    # A state-changing request with the ended session is refused before its body is read.
    r = c.put("/api/profile", json={"units": "lb"})
    assert r.status_code == 401


def test_logging_in_again_from_a_browser_replaces_its_session(tmp_path: Path) -> None:
    c = _client(tmp_path, host="0.0.0.0")
    db = c.app.state.ctx.db  # type: ignore[attr-defined]
    accounts.add_user(db=db, name="alex", password="correct horse")

    def open_sessions(now: datetime | None = None) -> int:
        now = now or datetime.now(UTC)
        return {a.name: a.sessions for a in accounts.list_users(db=db, now=now)}["alex"]

    def login_again(client: TestClient, form: bool = False) -> None:
        # The browser keeps its session cookie, as a phone does when the login page is opened.
        if form:
            r = client.post(
                "/login",
                data={"name": "alex", "password": "correct horse"},
                follow_redirects=False,
            )
            assert r.status_code == 303, r.text
        else:
            r = client.post("/api/login", json={"name": "alex", "password": "correct horse"})
            assert r.status_code == 200, r.text

    _login(c, "alex", "correct horse")
    first = c.cookies["mm_session"]
    for form in (False, True, False):
        login_again(c, form)
    assert open_sessions() == 1
    c.cookies.set("mm_session", first)
    assert c.get("/api/profile").status_code == 401  # the replaced session opens nothing
    phone = TestClient(c.app, base_url="http://localhost")
    _login(phone, "alex", "correct horse")
    assert open_sessions() == 2  # another browser has its own
    assert phone.post("/api/logout").status_code == 204
    assert open_sessions() == 1
    # An expired session is not counted, and the next login deletes it.
    assert open_sessions(datetime.now(UTC) + timedelta(seconds=accounts.SESSION_MAX_AGE_S + 1)) == 0


def test_too_many_refused_logins_answer_429_with_retry_after(tmp_path: Path) -> None:
    c = _client(tmp_path, host="0.0.0.0")
    settings = c.app.state.ctx.settings  # type: ignore[attr-defined]
    settings.login_failures_per_account = 3
    accounts.add_user(db=c.app.state.ctx.db, name="alex", password="correct horse")  # type: ignore[attr-defined]
    for _ in range(3):
        r = c.post("/api/login", json={"name": "alex", "password": "guess guess"})
        assert r.status_code == 401
    r = c.post("/api/login", json={"name": "alex", "password": "correct horse"})
    assert r.status_code == 429
    assert 890 <= int(r.headers["retry-after"]) <= 900
    assert r.json()["message"].startswith(
        "Too many refused logins for 'alex' from your address: 3 in the last 15 minutes "
        "(at most 3)."
    )
    token = c.cookies["mm_csrf"]
    form = {"name": "alex", "password": "correct horse", "csrf_token": token}
    del c.headers["X-CSRF-Token"]
    r = c.post("/login", data=form, follow_redirects=False)
    assert r.status_code == 429
    assert "Retry-After" in r.headers


def _serve(tmp_path: Path, *extra: str) -> tuple[str, subprocess.Popen[bytes], Path]:
    """``mindmuscle serve`` open to the network, as an owner starts it."""
    data = tmp_path / "data"
    data.mkdir()
    db = open_database(f"sqlite:///{data / 'team.db'}")
    accounts.add_user(db=db, name="alice", password="correct horse")
    db.close()
    port = _free_port()
    log = tmp_path / "serve.log"
    cmd = [
        sys.executable, "-c", "from mindmuscle.cli import main; main()",
        "serve", "--host", "0.0.0.0", "--port", str(port), *extra,
    ]  # fmt: skip
    proc = subprocess.Popen(
        cmd, env=_env(data, "0.0.0.0"), stdout=log.open("wb"), stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, proc, log)
    except BaseException:
        _stop(proc)
        raise
    return base, proc, log


def _login_from(h: httpx.Client, password: str, forwarded_for: str) -> httpx.Response:
    token = h.get("/api/csrf").json()["token"]
    return h.post(
        "/api/login",
        json={"name": "alice", "password": password},
        headers={"X-CSRF-Token": token, "X-Forwarded-For": forwarded_for},
    )


@pytest.mark.slow
def test_wrong_passwords_from_one_address_behind_a_proxy_do_not_lock_the_owner_out(
    tmp_path: Path,
) -> None:
    base, proc, _ = _serve(tmp_path, "--forwarded-allow-ips", "127.0.0.1")
    try:
        with httpx.Client(base_url=base, timeout=60) as attacker:
            for _ in range(10):
                assert _login_from(attacker, "guess guess", "203.0.113.5").status_code == 401
            r = _login_from(attacker, "correct horse", "203.0.113.5")
            assert r.status_code == 429
            wait_s = int(r.headers["retry-after"])
            assert 600 <= wait_s <= 900  # 900 s after the first refusal (a slow machine: later)
            message = r.json()["message"]
            assert re.fullmatch(
                r"Too many refused logins for 'alice' from your address: 10 in the last 15 "
                rf"minutes \(at most 10\)\. Try again in {wait_s} s\.",
                message,
            ), message
        # alice, from her own address through the same proxy, logs in at once.
        with httpx.Client(base_url=base, timeout=60) as alice:
            r = _login_from(alice, "correct horse", "198.51.100.7")
            assert r.status_code == 200, r.text
            assert alice.get("/api/profile").status_code == 200
        with httpx.Client(base_url=base, timeout=60) as attacker:
            assert _login_from(attacker, "correct horse", "203.0.113.5").status_code == 429
    finally:
        _stop(proc)


@pytest.mark.slow
def test_a_forwarded_address_from_an_untrusted_client_is_ignored(tmp_path: Path) -> None:
    base, proc, _ = _serve(tmp_path)
    try:
        with httpx.Client(base_url=base, timeout=60) as attacker:
            # A new X-Forwarded-For on every attempt does not make a new address.
            for i in range(10):
                r = _login_from(attacker, "guess guess", f"203.0.113.{i}")
                assert r.status_code == 401
            r = _login_from(attacker, "correct horse", "198.51.100.7")
            assert r.status_code == 429
            assert r.json()["message"].startswith("Too many refused logins for 'alice' from your")
    finally:
        _stop(proc)


@pytest.mark.parametrize("clients", [40])
def test_logins_under_load_never_lock_the_database(tmp_path: Path, clients: int) -> None:
    """200 login attempts by 40 clients gave 33 "database is locked" 500s; now none."""
    db = open_database(f"sqlite:///{tmp_path / 'e2e.db'}")
    accounts.add_user(db=db, name="alex", password="correct horse")
    db.close()
    server = start_server(
        tmp_path,
        env_extra={
            "MINDMUSCLE_HOST": "0.0.0.0",
            "MINDMUSCLE_LOGIN_FAILURES_PER_ADDRESS": "100000",
            "MINDMUSCLE_LOGIN_FAILURES_PER_ACCOUNT": "100000",
        },
    )
    statuses: Counter[int] = Counter()
    dropped: list[str] = []
    lock = threading.Lock()

    def client(i: int) -> None:
        with httpx.Client(base_url=server.base_url, timeout=120) as h:
            token = h.get("/api/csrf").json()["token"]
            for k in range(5):
                password = "correct horse" if (i + k) % 4 == 0 else f"guess {i} {k}"
                try:
                    r = h.post(
                        "/api/login",
                        json={"name": "alex", "password": password},
                        headers={"X-CSRF-Token": token},
                    )
                except httpx.HTTPError as exc:
                    with lock:
                        dropped.append(repr(exc))
                    continue
                with lock:
                    statuses[r.status_code] += 1
                    if r.status_code not in (200, 401):
                        dropped.append(f"{r.status_code} {r.text}")

    try:
        started = time.monotonic()
        threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
        for t in threads:
            t.start()
        # Meanwhile the owner keeps using the app: every request is answered.
        owner: list[int] = []
        with httpx.Client(base_url=server.base_url, timeout=120) as h:
            token = h.get("/api/csrf").json()["token"]
            r = h.post(
                "/api/login",
                json={"name": "alex", "password": "correct horse"},
                headers={"X-CSRF-Token": token},
            )
            owner.append(r.status_code)
            while any(t.is_alive() for t in threads) and time.monotonic() - started < 300:
                r = h.put("/api/profile", json={"units": "kg"}, headers={"X-CSRF-Token": token})
                owner.append(r.status_code)
                time.sleep(0.2)
        for t in threads:
            t.join(timeout=300)
    finally:
        server.http.close()
        server.process.terminate()
        server.process.wait(timeout=20)
    assert dropped == []
    assert sum(statuses.values()) == clients * 5
    assert set(statuses) <= {200, 401}, statuses
    assert statuses[200] == sum(1 for i in range(clients) for k in range(5) if (i + k) % 4 == 0)
    assert set(owner) == {200}, Counter(owner)
    assert "database is locked" not in server.log.read_text()
