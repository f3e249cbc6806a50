"""``mindmuscle serve``, its certificate, and the signed cookies of the web app."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

from cryptography import x509
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.server import CERT_VALID_DAYS, ensure_certificate
from mindmuscle.web.security import (
    csrf_matches,
    is_loopback,
    load_or_create_secret,
)

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)


def test_certificate_is_made_once_and_reused(tmp_path: Path) -> None:
    cert, key, created = ensure_certificate(tmp_path, extra_hosts=("192.168.1.20",), now=NOW)
    assert created
    assert key.stat().st_mode & 0o777 == 0o600
    loaded = x509.load_pem_x509_certificate(cert.read_bytes())
    san = loaded.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert sorted(str(a) for a in san.get_values_for_type(x509.IPAddress)) == [
        "127.0.0.1",
        "192.168.1.20",
    ]
    assert san.get_values_for_type(x509.DNSName) == ["localhost"]
    assert loaded.not_valid_after_utc - NOW > dt.timedelta(days=CERT_VALID_DAYS - 1)
    before = cert.read_bytes()
    assert ensure_certificate(tmp_path, extra_hosts=("192.168.1.20",), now=NOW)[2] is False
    assert cert.read_bytes() == before
    # A new LAN address, or a certificate about to expire, gives a new certificate.
    assert ensure_certificate(tmp_path, extra_hosts=("10.0.0.5",), now=NOW)[2] is True
    later = NOW + dt.timedelta(days=CERT_VALID_DAYS - 3)
    assert ensure_certificate(tmp_path, extra_hosts=("10.0.0.5",), now=later)[2] is True


def test_csrf_and_loopback_checks(tmp_path: Path) -> None:
    assert csrf_matches("abc", "abc")
    assert not csrf_matches("abc", "abd")
    assert not csrf_matches(None, None)
    assert not csrf_matches("", "")
    assert [is_loopback(h) for h in ("127.0.0.1", "::1", "localhost", "0.0.0.0", "10.0.0.2")] == [
        True,
        True,
        True,
        False,
        False,
    ]
    secret = load_or_create_secret(tmp_path)
    assert len(secret) == 64
    assert load_or_create_secret(tmp_path) == secret
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_serve_refuses_the_network_without_a_login(tmp_path: Path) -> None:
    before = {k: v for k, v in os.environ.items() if k.startswith("MINDMUSCLE_")}
    result = CliRunner().invoke(
        app,
        ["serve", "--host", "0.0.0.0", "--db", f"sqlite:///{tmp_path / 's.db'}"],
        env={"MINDMUSCLE_DATA_DIR": str(tmp_path)},
    )
    assert result.exit_code == 1
    assert "Serving on 0.0.0.0 needs a login" in result.output
    # The refusal leaves this process's environment as it was (later servers are not affected).
    assert {k: v for k, v in os.environ.items() if k.startswith("MINDMUSCLE_")} == before


def test_serve_has_help() -> None:
    result = CliRunner().invoke(app, ["serve", "--help"])
    assert result.exit_code == 0
    assert "--https" in result.output
    assert "--db" in result.output


def test_serve_live_refuses_a_bad_sensor_or_several_workers_in_one_line(tmp_path: Path) -> None:
    db = ["--db", f"sqlite:///{tmp_path / 's.db'}"]
    env = {"MINDMUSCLE_DATA_DIR": str(tmp_path)}
    cases = [
        (
            ["--live", "serial:/dev/ttyUSB0", "--map", "1=biceps"],
            "Error: --live 'serial:/dev/ttyUSB0' is not a source: give lsl:NAME (a stream's "
            "name or type), brainflow:BOARD[:ADDRESS], or synthetic.",
        ),
        (
            ["--live", "synthetic"],
            "Error: --live needs --map: say which channel is which muscle, e.g. "
            "--map 1=biceps,2=front_delt.",
        ),
        (  # the simulated sensor's four channels are known: a fifth is refused at once
            ["--live", "synthetic", "--map", "9=biceps"],
            "Error: --map channel 9 does not exist: the stream has channels 1-4 or the labels "
            "EMG1, EMG2, EMG3, EMG4.",
        ),
        (
            ["--live", "synthetic", "--map", "1=biceps", "--workers", "2"],
            "Error: --live needs one worker process (the sensor is read once), not --workers 2: "
            "serve the live sensor with one worker.",
        ),
    ]
    for args, line in cases:
        result = CliRunner().invoke(app, ["serve", *db, *args], env=env)
        assert result.exit_code == 1, result.output
        assert " ".join(result.output.split()) == line


def test_serve_on_a_taken_port_says_so_in_one_line_and_never_says_it_runs(
    tmp_path: Path,
) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            app,
            ["serve", "--port", str(port), "--db", f"sqlite:///{tmp_path / 's.db'}"],
            env={"MINDMUSCLE_DATA_DIR": str(tmp_path)},
        )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: Port {port} on 127.0.0.1 is in use: stop what runs there or give --port N.\n"
    )


def test_serve_says_it_runs_only_once_it_accepts_connections(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "MINDMUSCLE_DATA_DIR": str(tmp_path)}
    env.pop("MINDMUSCLE_DATABASE_URL", None)
    cmd = [sys.executable, "-c", "from mindmuscle.cli import main; main()"]
    args = ["serve", "--port", str(port), "--db", f"sqlite:///{tmp_path / 's.db'}"]
    proc = subprocess.Popen(
        [*cmd, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line == f"MindMuscle is running: open http://127.0.0.1:{port}\n"
        # At once, no retry: the line came after the server started to accept connections.
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/csrf", timeout=10) as r:
            assert r.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=20)
