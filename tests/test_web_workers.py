"""Several worker processes serve one app: whatever one worker answered, another agrees with.

Real uvicorn processes on loopback and one SQLite database. The first test starts two server
processes on two ports at the same moment on a new data folder (so both race to create the
secret key) and sends each request to a chosen one: a login and a CSRF token from one work on
the other, and a set stored through one is read through the other. The second runs
``mindmuscle serve --workers 2`` itself.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mindmuscle.services.accounts import set_password
from mindmuscle.store import open_database
from mindmuscle.web import security
from mindmuscle.web.security import load_or_create_secret

START_S = 90.0


def test_a_worker_that_loses_the_race_for_the_secret_key_uses_the_winners(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Worker B looked (no key file yet), then worker A created the key before B wrote its own.
    winner = load_or_create_secret(tmp_path)
    real = security._read_secret
    calls: list[Path] = []

    def read_late(path: Path) -> str | None:
        calls.append(path)
        return None if len(calls) == 1 else real(path)

    monkeypatch.setattr(security, "_read_secret", read_late)
    assert load_or_create_secret(tmp_path) == winner
    assert (tmp_path / "secret_key").read_text().strip() == winner
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]
    # A damaged key file (too short) is replaced by a new key.
    (tmp_path / "secret_key").write_text("short\n")
    fresh = load_or_create_secret(tmp_path)
    assert len(fresh) == 64
    assert fresh != winner
    assert load_or_create_secret(tmp_path) == fresh


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_ready(base: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server stopped at start:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/api/csrf", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {START_S} s:\n{log.read_text()}")


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _env(data: Path, host: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINDMUSCLE_")}
    env |= {
        "MINDMUSCLE_DATA_DIR": str(data),
        "MINDMUSCLE_DATABASE_URL": f"sqlite:///{data / 'team.db'}",
        "MINDMUSCLE_HOST": host,
    }
    return env


@pytest.fixture
def two_processes(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    """Two server processes on one database, open to the network (login required), bound to
    127.0.0.1 only; started together on a data folder without a secret key."""
    data = tmp_path / "data"
    data.mkdir()
    db = open_database(f"sqlite:///{data / 'team.db'}")
    set_password(db=db, password="correct horse", name="alex")
    db.close()
    assert not (data / "secret_key").exists()
    procs: list[tuple[str, subprocess.Popen[bytes], Path]] = []
    try:
        for i in range(2):
            port = _free_port()
            log = tmp_path / f"worker{i}.log"
            cmd = [
                sys.executable, "-m", "uvicorn", "mindmuscle.web:create_app", "--factory",
                "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
            ]  # fmt: skip
            proc = subprocess.Popen(
                cmd, env=_env(data, "0.0.0.0"), stdout=log.open("wb"), stderr=subprocess.STDOUT
            )
            procs.append((f"http://127.0.0.1:{port}", proc, log))
        for base, proc, log in procs:
            _wait_ready(base, proc, log)
        yield procs[0][0], procs[1][0], data
    finally:
        for _, proc, _ in procs:
            _stop(proc)


def _set_body(n: int) -> dict[str, object]:
    return {
        "uuid": str(uuid.UUID(int=n + 1)),
        "exercise_id": "dumbbell_biceps_curl",
        "set_index": n,
        "performed_at": f"2026-11-21T10:{n:02d}:00Z",
        "reps": 8 + n,
        "load_kg": 12.0,
        "reflection": {"target_rating": 7, "focus_rating": 6},
    }


@pytest.mark.slow
def test_login_csrf_and_sets_hold_across_worker_processes(
    two_processes: tuple[str, str, Path],
) -> None:
    a, b, data = two_processes
    key = (data / "secret_key").read_text().strip()
    assert len(key) == 64
    assert (data / "secret_key").stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in data.iterdir() if "secret" in p.name) == ["secret_key"]

    client = httpx.Client(timeout=30)
    try:
        # Not logged in: both refuse.
        assert client.get(f"{a}/api/sets").status_code == 401
        assert client.get(f"{b}/api/sets").status_code == 401
        # The CSRF token from A, the login on B, then a write on A with B's session.
        token = client.get(f"{a}/api/csrf").json()["token"]
        headers = {"X-CSRF-Token": token}
        login = client.post(
            f"{b}/api/login", json={"name": "alex", "password": "correct horse"}, headers=headers
        )
        assert login.status_code == 200, login.text
        first = client.post(f"{a}/api/sets", json=_set_body(0), headers=headers)
        assert first.status_code == 200, first.text
        assert first.json()["stored_now"] is True
        second = client.post(f"{b}/api/sets", json=_set_body(1), headers=headers)
        assert second.status_code == 200, second.text
        # A retry of A's set sent to B stores nothing new.
        again = client.post(f"{b}/api/sets", json=_set_body(0), headers=headers)
        assert again.status_code == 200
        assert again.json()["stored_now"] is False
        # Each worker reads what the other wrote.
        for base in (a, b):
            sets = client.get(f"{base}/api/sets").json()
            assert sorted((s["uuid"], s["reps"]) for s in sets) == [
                (str(uuid.UUID(int=1)), 8),
                (str(uuid.UUID(int=2)), 9),
            ]
            progress = client.get(f"{base}/api/progress")
            assert progress.status_code == 200
            assert progress.json()["total_sets"] == 2
        # A wrong CSRF token is refused by both.
        for base in (a, b):
            bad = client.post(f"{base}/api/sets", json=_set_body(2), headers={"X-CSRF-Token": "x"})
            assert bad.status_code == 403
    finally:
        client.close()


def _children(pid: int) -> list[int]:
    out = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True, check=False
    )
    return [int(x) for x in out.stdout.split()]


@pytest.mark.slow
def test_serve_starts_the_workers_asked_for(tmp_path: Path) -> None:
    data = tmp_path / "data"
    port = _free_port()
    log = tmp_path / "serve.log"
    cmd = [
        sys.executable, "-c", "from mindmuscle.cli import main; main()",
        "serve", "--port", str(port), "--workers", "2",
    ]  # fmt: skip
    env = _env(data, "127.0.0.1")
    proc = subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, proc, log)
        assert "2 worker processes share the database." in log.read_text()
        workers: list[int] = []
        deadline = time.monotonic() + START_S
        while len(workers) < 2 and time.monotonic() < deadline:
            workers = [c for c in _children(proc.pid) if Path(f"/proc/{c}/cmdline").exists()]
            workers = [
                c for c in workers if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()
            ]
            time.sleep(0.2)
        assert len(workers) == 2, log.read_text()
        # Every request on a new connection (spread over the workers by the kernel).
        token = httpx.get(f"{base}/api/csrf").json()["token"]
        for n in range(20):
            r = httpx.post(
                f"{base}/api/sets",
                json=_set_body(n),
                headers={"X-CSRF-Token": token},
                cookies={"mm_csrf": token},
                timeout=30,
            )
            assert r.status_code == 200, r.text
        for _ in range(4):
            sets = httpx.get(f"{base}/api/sets", params={"limit": 100}, timeout=30).json()
            assert len(sets) == 20
    finally:
        _stop(proc)
