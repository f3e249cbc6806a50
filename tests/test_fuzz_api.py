"""Schemathesis against the real server: no 5xx, no answer that breaks the schema, and the
server's memory below 1 GB throughout.

A real uvicorn process on loopback with a SQLite database and one account; the test logs in
(session cookie and CSRF token, as a browser would) and runs Schemathesis's command line
against ``/api/openapi.json`` with a bounded number of examples per operation, a fixed seed
and deterministic generation, so every run sends the same requests. Login and logout are left
out (a fuzzed logout would end the session the other requests use). The server's resident
memory is sampled every 0.1 s while Schemathesis runs.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mindmuscle.services.accounts import set_password
from mindmuscle.store import open_database

pytestmark = pytest.mark.slow

EXAMPLES = 10  # per operation and phase: about 1,500 requests, one to two minutes on two cores
SEED = 14
MEMORY_LIMIT = 1 << 30
START_S = 90.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _rss(pid: int) -> int:
    """Resident memory of the process in bytes (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], Path]]:
    """A real server with one account ("alex"), open to the network, bound to loopback."""
    if not Path("/proc/self/status").exists():
        pytest.skip("the server's memory is read from /proc (Linux)")
    data = tmp_path / "data"
    data.mkdir()
    db = open_database(f"sqlite:///{data / 'team.db'}")
    set_password(db=db, password="correct horse", name="alex")
    db.close()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINDMUSCLE_")}
    env |= {
        "MINDMUSCLE_DATA_DIR": str(data),
        "MINDMUSCLE_DATABASE_URL": f"sqlite:///{data / 'team.db'}",
        "MINDMUSCLE_HOST": "0.0.0.0",
    }
    log = tmp_path / "server.log"
    cmd = [
        sys.executable, "-m", "uvicorn", "mindmuscle.web:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_S
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start:\n{log.read_text()}")
            try:
                if httpx.get(f"{base}/api/csrf", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        yield base, proc, log
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def test_schemathesis_finds_no_server_error_and_no_schema_break(
    server: tuple[str, subprocess.Popen[bytes], Path], tmp_path: Path
) -> None:
    base, proc, log = server
    with httpx.Client(base_url=base, timeout=30) as client:
        token = client.get("/api/csrf").json()["token"]
        login = client.post(
            "/api/login",
            json={"name": "alex", "password": "correct horse"},
            headers={"X-CSRF-Token": token},
        )
        assert login.status_code == 200, login.text
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
        assert "mm_csrf" in cookie

    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss(proc.pid))
            done.wait(0.1)

    events = tmp_path / "events.ndjson"
    cmd = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{base}/api/openapi.json",
        "--checks", "not_a_server_error,response_schema_conformance",
        "--max-examples", str(EXAMPLES), "--seed", str(SEED), "--generation-deterministic",
        "--workers", "1", "--no-shrink",
        "--phases", "examples,coverage,fuzzing", "--request-timeout", "60",
        "--exclude-path", "/api/login", "--exclude-path", "/api/logout",
        "-H", f"Cookie: {cookie}", "-H", f"X-CSRF-Token: {token}", "-H", f"Origin: {base}",
        "--report", "ndjson", "--report-ndjson-path", str(events), "--no-color",
        "--warnings", "off", "--suppress-health-check", "all",
    ]  # fmt: skip
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    t0 = time.monotonic()
    try:
        run = subprocess.run(
            cmd, capture_output=True, text=True, timeout=900, cwd=tmp_path, check=False
        )
    finally:
        done.set()
        sampler.join()
    elapsed = time.monotonic() - t0

    assert events.exists(), run.stdout[-6000:] + run.stderr[-3000:]
    cases, server_errors = _count(events)
    print(
        f"\nSchemathesis: {cases} cases in {elapsed:.0f} s, {server_errors} answers 5xx, server "
        f"peak memory {peak / 2**20:.0f} MiB"
    )
    assert proc.poll() is None, f"the server stopped:\n{log.read_text()[-3000:]}"
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert server_errors == 0
    assert cases >= 500, run.stdout[-3000:]  # the run reached every operation
    assert 0 < peak < MEMORY_LIMIT


def _count(events: Path) -> tuple[int, int]:
    """(test cases sent, answers with a 5xx status) from Schemathesis's event log."""
    cases = 0
    server_errors = 0
    for line in events.read_text().splitlines():
        event = json.loads(line)
        for name, body in event.items():
            if name != "ScenarioFinished":
                continue
            for case in (body.get("recorder") or {}).get("interactions", {}).values():
                cases += 1
                response = case.get("response") or {}
                if int(response.get("status_code") or 0) >= 500:
                    server_errors += 1
    return cases, server_errors
