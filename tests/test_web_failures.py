"""Failures answered properly by a real uvicorn server: 503 for a busy database, errors that keep
the connection, the security headers of every page."""

from __future__ import annotations

import http.client
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from mindmuscle.config import Settings
from mindmuscle.web import create_app
from tests.test_web_api import _client, _settings


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture()
def served(tmp_path: Path) -> Iterator[tuple[FastAPI, int, Path]]:
    """The app on a real uvicorn server (in a thread), with a 200 ms SQLite busy timeout."""
    settings = _settings(tmp_path)
    settings = Settings(
        data_dir=settings.data_dir, database_url=settings.database_url, sqlite_busy_timeout_ms=200
    )
    app = create_app(settings)

    def boom() -> None:
        raise RuntimeError("a bug in a route")

    app.add_api_route("/api/boom", boom)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="critical", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield app, port, tmp_path / "web.db"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _get(
    conn: http.client.HTTPConnection, method: str, path: str, body: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    token = "t" * 32  # double-submit CSRF: the same token in the cookie and the header
    headers = {
        "Host": "localhost",
        "Content-Type": "application/json",
        "Cookie": f"mm_csrf={token}",
        "X-CSRF-Token": token,
    }
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()


def test_an_unexpected_error_is_a_500_that_keeps_the_connection(
    served: tuple[FastAPI, int, Path],
) -> None:
    _, port, _ = served
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    status, headers, body = _get(conn, "GET", "/api/boom")
    assert status == 500
    assert body == (
        b'{"error":"Something broke","message":"An unexpected error happened on the server; '
        b'it has been logged."}'
    )
    assert headers.get("connection") != "close"
    sock = conn.sock
    assert sock is not None
    status, _, _ = _get(conn, "GET", "/api/csrf")
    assert status == 200
    assert conn.sock is sock  # the same connection answered the next request
    conn.close()


def test_a_locked_database_is_503_with_retry_after_and_keeps_the_connection(
    served: tuple[FastAPI, int, Path],
) -> None:
    _, port, path = served
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        status, headers, body = _get(conn, "PUT", "/api/profile", '{"units": "lb"}')
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert status == 503
    assert headers["retry-after"] == "2"
    assert body == (
        b'{"error":"Database unavailable","message":"The database is busy: another request or '
        b'program holds its write lock. Nothing was stored; try again in a moment."}'
    )
    sock = conn.sock
    status, _, body = _get(conn, "PUT", "/api/profile", '{"units": "lb"}')
    assert status == 200, body
    assert conn.sock is sock
    conn.close()


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    with _client(tmp_path) as c:
        yield c


def test_pages_carry_the_security_headers(client: TestClient) -> None:
    assert client.put("/api/profile", json={"units": "kg"}).status_code == 200
    for path in ("/today", "/progress", "/exercises", "/api/profile", "/static/css/app.css"):
        r = client.get(path)
        assert r.status_code == 200, path
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self';" in csp
        assert "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "same-origin"
    # Plotly adds style elements as it draws: the chart pages allow inline styles, not scripts.
    chart = client.get("/emg").headers["content-security-policy"]
    assert "script-src 'self';" in chart
    assert "style-src 'self' 'unsafe-inline';" in chart
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "script-src 'self' 'sha256-" in docs.headers["content-security-policy"]


def test_an_unknown_swagger_file_is_404(client: TestClient) -> None:
    r = client.get("/vendor/swagger/foo")
    assert r.status_code == 404
    assert "There is no Swagger UI file &#39;foo&#39;." in r.text
    assert client.get("/vendor/swagger/swagger-ui.css").status_code == 200
