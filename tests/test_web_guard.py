"""The gate before every route: body limits, bounded counts, ids, Host and Origin checks.

Each test reproduces a finding of the server probe (issue 14) and shows it answered. The hostile
uploads go to a real uvicorn server on 127.0.0.1, since what matters is what reaches its disk.
"""

from __future__ import annotations

import json
import select
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from mindmuscle.config import Settings
from mindmuscle.web import api, data_api, data_pages, pages, sets_api
from mindmuscle.web.guard import allowed_hosts, body_limit_bytes
from tests.e2e.conftest import Server, start_server
from tests.test_web_api import _client, _plan

BIG_ID = 2**64


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path) as c:
        yield c


def _prescription(client: TestClient) -> dict[str, Any]:
    plan = _plan(client)
    p: dict[str, Any] = plan["plan"]["exercises"][0]
    return p


# ---------------------------------------------------------------- bounded counts and ids
def test_a_prescription_of_ten_million_reps_is_refused(client: TestClient) -> None:
    p = _prescription(client)
    p["reps"] = [1, 10_000_000]
    r = client.post("/api/set-timeline", json={"prescription": p})
    assert r.status_code == 422
    assert r.json()["message"] == (
        "prescription.reps.1 10000000 is not allowed: a planned set's reps must be a whole "
        "number from 1 to 100."
    )
    p["reps"] = [8, 12]
    p["sets"] = 21
    r = client.post("/api/set-timeline", json={"prescription": p})
    assert r.status_code == 422
    assert r.json()["message"] == (
        "prescription.sets 21 is not allowed: the sets of a planned exercise must be a whole "
        "number from 1 to 20."
    )
    p["sets"] = 20
    p["reps"] = [100, 100]
    r = client.post("/api/set-timeline", json={"prescription": p})
    assert r.status_code == 200
    reps = [e for e in r.json()["events"] if e["type"] == "rep_completed"]
    assert len(reps) == 100


def _id_routes() -> list[tuple[str, str]]:
    found = []
    for module in (api, data_api, pages, data_pages, sets_api):
        for route in module.router.routes:
            path = route.path.replace("{exercise_id}", "") if isinstance(route, APIRoute) else ""
            if "_id}" in path or "{set_ref}" in path:
                found += [(method, route.path) for method in sorted(route.methods)]
    return found


def test_ids_beyond_64_bits_are_404_or_422_never_500(client: TestClient) -> None:
    routes = _id_routes()
    assert len(routes) >= 14
    for method, path in routes:
        url = path
        for name in (
            "session_id",
            "drill_id",
            "recording_id",
            "experiment_id",
            "number",
            "set_ref",
        ):
            url = url.replace("{" + name + "}", str(BIG_ID))
        assert "{" not in url, url
        r = client.request(method, url, json={})
        assert r.status_code in (404, 422), (method, url, r.status_code, r.text)
    r = client.get("/api/sets", params={"session_id": BIG_ID})
    assert r.status_code == 422


# ---------------------------------------------------------------- body limits
def test_route_limits_come_from_the_settings() -> None:
    s = Settings(json_body_max_mb=1, motion_body_max_mb=2, import_body_max_mb=3, emg_body_max_mb=4)
    assert body_limit_bytes("PUT", "/api/profile", s) == 1_000_000
    assert body_limit_bytes("POST", "/api/sets", s) == 2_000_000
    assert body_limit_bytes("POST", "/api/motion/analyze", s) == 2_000_000
    assert body_limit_bytes("POST", "/api/import", s) == 3_000_000
    assert body_limit_bytes("POST", "/api/emg/recordings", s) == 4_000_000
    assert body_limit_bytes("POST", "/api/experiments/3/sets/2", s) == 4_000_000
    assert body_limit_bytes("GET", "/api/import", s) == 1_000_000
    d = Settings()
    assert [
        d.json_body_max_mb,
        d.motion_body_max_mb,
        d.import_body_max_mb,
        d.emg_body_max_mb,
    ] == [5, 20, 50, 200]


def test_a_json_body_over_the_limit_is_413_before_it_is_parsed(client: TestClient) -> None:
    body = json.dumps({"units": "kg", "pad": "x" * 5_100_000})
    r = client.put("/api/profile", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert r.json()["message"] == "The request is too big: it may be at most 5 MB."


def _http(port: int, head: str, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(head.encode() + body)
        return _read_response(sock)


def _read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        rest += chunk
    return status, headers, rest[:length]


def _stream_chunked(port: int, head: str, max_bytes: int) -> tuple[int, int, bytes]:
    """Send a chunked multipart body of up to ``max_bytes`` until the server answers.

    Returns the status, the bytes sent, and the body of the answer.
    """
    boundary = "b0undary"
    opening = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    piece = b"t,biceps\r\n" * 104_858  # about 1 MB
    sent = 0
    with socket.create_connection(("127.0.0.1", port), timeout=20) as sock:
        sock.sendall(
            (
                head + f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
                "Transfer-Encoding: chunked\r\n\r\n"
            ).encode()
        )
        sock.sendall(f"{len(opening):x}\r\n".encode() + opening + b"\r\n")
        deadline = time.monotonic() + 60
        while sent < max_bytes and time.monotonic() < deadline:
            readable, _, _ = select.select([sock], [], [], 0)
            if readable:
                break
            try:
                sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(piece)
        status, _, body = _read_response(sock)
    return status, sent, body


def _spool(tmp: Path) -> Path:
    spool = tmp / "spool"
    spool.mkdir()
    return spool


def _stop(server: Server) -> None:
    server.http.close()
    server.process.terminate()
    try:
        server.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.process.kill()


def _spooled_bytes(spool: Path) -> int:
    return sum(p.stat().st_size for p in spool.rglob("*") if p.is_file())


def test_a_3_gb_upload_without_a_session_never_reaches_the_disk(tmp_path: Path) -> None:
    spool = _spool(tmp_path)
    # The server listens on 127.0.0.1 but is configured as open to the network: login required.
    server = start_server(tmp_path, env_extra={"MINDMUSCLE_HOST": "0.0.0.0", "TMPDIR": str(spool)})
    try:
        port = int(server.base_url.rsplit(":", 1)[1])
        head = (
            "POST /api/import HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 3000000000\r\n\r\n"
        )
        started = time.monotonic()
        status, _, body = _http(port, head, b"--x\r\n" + b"a" * 100_000)
        assert status == 413
        assert time.monotonic() - started < 5
        assert json.loads(body)["message"].startswith(
            "The file is too big: an import takes files of at most 50 MB."
        )
        # Chunked: no length to check up front, so the missing session is what refuses it,
        # before a byte of the body is read.
        status, sent, body = _stream_chunked(
            port, "POST /api/import HTTP/1.1\r\nHost: 127.0.0.1\r\n", 3_000_000_000
        )
        assert status == 401, body
        assert sent < 200_000_000
        assert _spooled_bytes(spool) == 0
    finally:
        _stop(server)


def test_a_chunked_upload_stops_at_the_limit(tmp_path: Path) -> None:
    spool = _spool(tmp_path)
    server = start_server(
        tmp_path, env_extra={"MINDMUSCLE_EMG_BODY_MAX_MB": "5", "TMPDIR": str(spool)}
    )
    try:
        port = int(server.base_url.rsplit(":", 1)[1])
        token = server.http.get("/api/csrf").json()["token"]
        head = (
            "POST /api/emg/recordings HTTP/1.1\r\nHost: localhost\r\n"
            f"Cookie: mm_csrf={token}\r\nX-CSRF-Token: {token}\r\n"
        )
        status, sent, body = _stream_chunked(port, head, 3_000_000_000)
        assert status == 413, body
        assert json.loads(body)["message"].startswith(
            "The recording is too big: an EMG recording may be at most 5 MB."
        )
        assert sent < 200_000_000
        # The part spooled before the limit was dropped with the request.
        time.sleep(0.5)
        assert _spooled_bytes(spool) == 0
        # An upload without its CSRF header is refused before its body is read.
        status, sent, body = _stream_chunked(
            port, "POST /api/emg/recordings HTTP/1.1\r\nHost: localhost\r\n", 3_000_000_000
        )
        assert status == 403
        assert "X-CSRF-Token" in json.loads(body)["message"]
        # The server is still there and answers.
        assert server.http.get("/api/csrf").status_code == 200
    finally:
        _stop(server)


# ---------------------------------------------------------------- Host and Origin (DNS rebinding)
def test_the_host_allow_list() -> None:
    names, any_ip = allowed_hosts(Settings(), "127.0.0.1", loopback=True)
    assert names == {"localhost", "127.0.0.1", "::1"}
    assert not any_ip
    names, any_ip = allowed_hosts(
        Settings(allowed_hosts="gym.example"), "192.168.1.20", loopback=False
    )
    assert names == {"localhost", "127.0.0.1", "::1", "gym.example", "192.168.1.20"}
    assert not any_ip
    assert allowed_hosts(Settings(), "0.0.0.0", loopback=False)[1]


def test_a_rebound_name_cannot_read_or_change_a_loopback_server(client: TestClient) -> None:
    assert client.put("/api/profile", json={"units": "kg"}).status_code == 200
    r = client.get("/api/export", params={"format": "json"}, headers={"host": "rebind.example"})
    assert r.status_code == 400
    assert r.json()["message"].startswith(
        "This MindMuscle does not answer to the host 'rebind.example'; it answers to localhost, "
        "127.0.0.1, [::1]."
    )
    r = client.get("/today", headers={"host": "rebind.example:8000"})
    assert r.status_code == 400
    assert r.headers["content-type"].startswith("text/plain")
    r = client.put("/api/profile", json={"units": "lb"}, headers={"host": "rebind.example"})
    assert r.status_code == 400
    for host in ("localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"):
        assert client.get("/api/profile", headers={"host": host}).status_code == 200, host
    assert client.get("/api/profile").json()["profile"]["units"] == "kg"


def test_a_state_change_from_another_origin_is_refused(client: TestClient) -> None:
    r = client.put(
        "/api/profile", json={"units": "lb"}, headers={"origin": "http://rebind.example"}
    )
    assert r.status_code == 403
    assert r.json()["message"] == (
        "A request from 'http://rebind.example' cannot change data on this MindMuscle "
        "(localhost): only its own pages can. Open MindMuscle itself and try again there."
    )
    assert (
        client.put("/api/profile", json={"units": "kg"}, headers={"origin": "null"}).status_code
        == 403
    )
    same = client.put("/api/profile", json={"units": "lb"}, headers={"origin": "http://localhost"})
    assert same.status_code == 200
    other_port = client.put(
        "/api/profile", json={"units": "kg"}, headers={"origin": "http://localhost:9999"}
    )
    assert other_port.status_code == 403
    # Reading is not state-changing: a GET with a foreign Origin is answered (CORS keeps the
    # answer from the other page, and the Host check keeps rebinding out).
    assert client.get("/api/profile", headers={"origin": "http://x.example"}).status_code == 200
    assert client.get("/api/profile").json()["profile"]["units"] == "lb"


def test_a_client_without_origin_is_let_through_on_its_csrf_token_alone(
    client: TestClient,
) -> None:
    # curl or a script sends no Origin (a browser always does): the token is what keeps another
    # site out, as the README says.
    assert "origin" not in client.headers
    ok = client.put("/api/profile", json={"units": "lb"})
    assert ok.status_code == 200
    token = client.headers.pop("X-CSRF-Token")
    refused = client.put("/api/profile", json={"units": "kg"})
    client.headers["X-CSRF-Token"] = token
    assert refused.status_code == 403
    assert client.get("/api/profile").json()["profile"]["units"] == "lb"


def test_a_real_loopback_server_refuses_a_rebound_host(tmp_path: Path) -> None:
    server = start_server(tmp_path)
    try:
        port = int(server.base_url.rsplit(":", 1)[1])
        status, _, body = _http(
            port,
            f"GET /api/export?format=json HTTP/1.1\r\nHost: rebind.example:{port}\r\n"
            "Connection: close\r\n\r\n",
        )
        assert status == 400
        assert "rebind.example" in json.loads(body)["message"]
        status, _, _ = _http(
            port,
            f"GET /api/export?format=json HTTP/1.1\r\nHost: localhost:{port}\r\n"
            "Connection: close\r\n\r\n",
        )
        assert status == 200
    finally:
        _stop(server)
