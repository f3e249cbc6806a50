"""The web server: the process that serves the web app (``mindmuscle serve``), its self-signed
certificate, and the address a phone opens.

Phones give motion sensors, the screen wake lock and service workers only to secure pages, so
serving on the local network needs HTTPS. The certificate is made once in the data folder and
reused (the phone then asks to trust it only once).

This module sits beside ``web`` and ``cli``, not in either: the command line starts the server,
the server builds the web app by its import path in each worker process (uvicorn's factory), so
``cli`` never imports ``web`` and ``web`` never imports ``cli``. It imports only ``config`` and
``errors`` (tests/test_architecture.py).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import ipaddress
import os
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from mindmuscle.config import Settings
from mindmuscle.errors import ConfigError

__all__ = [
    "APP_FACTORY",
    "CERT_VALID_DAYS",
    "check_port",
    "ensure_certificate",
    "lan_address",
    "run",
]

# With several workers, uvicorn's supervisor kills a worker that does not answer its health
# check in time (5 s by default), dropping every request it holds. A worker busy with a long
# request on a loaded machine answers late, not never: it gets a minute.
WORKER_HEALTHCHECK_S = 60
APP_FACTORY = "mindmuscle.web:create_app"
"""The web app's factory, by import path: each worker process builds its own app from it."""

CERT_VALID_DAYS = 825  # the longest validity phones accept for a TLS server certificate


def lan_address() -> str | None:
    """This machine's address on the local network (the one a phone on the same Wi-Fi opens)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            # No packet is sent: connecting a UDP socket only picks the outgoing interface.
            s.connect(("192.0.2.1", 9))
            addr = str(s.getsockname()[0])
        except OSError:
            return None
    return None if addr.startswith("127.") or addr == "0.0.0.0" else addr


def _still_valid(cert_path: Path, now: dt.datetime, hosts: set[str]) -> bool:
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    except (OSError, ValueError):
        return False
    if cert.not_valid_after_utc - now < dt.timedelta(days=7):
        return False
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return False
    names = {str(n) for n in san.get_values_for_type(x509.IPAddress)} | set(
        san.get_values_for_type(x509.DNSName)
    )
    return hosts <= names


def ensure_certificate(
    data_dir: Path, *, extra_hosts: tuple[str, ...] = (), now: dt.datetime | None = None
) -> tuple[Path, Path, bool]:
    """The certificate and key files in ``data_dir/tls``, made if missing, expiring or if a
    host is new.

    Returns
    -------
    cert_path, key_path, created
        ``created`` is True when a new certificate was written.
    """
    now = now or dt.datetime.now(dt.UTC)
    folder = data_dir / "tls"
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    hosts = {"localhost", "127.0.0.1", *(h for h in extra_hosts if h and h != "0.0.0.0")}
    if cert_path.is_file() and key_path.is_file() and _still_valid(cert_path, now, hosts):
        return cert_path, key_path, False
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"Cannot create {folder} for the certificate: {exc}.") from exc
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "MindMuscle on this computer")])
    alt: list[x509.GeneralName] = []
    for h in sorted(hosts):
        try:
            alt.append(x509.IPAddress(ipaddress.ip_address(h)))
        except ValueError:
            alt.append(x509.DNSName(h))
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=CERT_VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path, True


def check_port(host: str, port: int) -> None:
    """Refuse a port that is taken or may not be used, before anything says the server runs.

    Binds the address as uvicorn will (``SO_REUSEADDR``), then lets it go. Raises
    :class:`~mindmuscle.errors.ConfigError` with one line that names the port and the fix.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host.strip("[]"), port))
        except socket.gaierror:
            raise ConfigError(
                f"Cannot find host {host}; give an address such as 127.0.0.1 (this machine "
                "only) or 0.0.0.0 (every network)."
            ) from None
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise ConfigError(
                    f"Port {port} on {host} is in use: stop what runs there or give --port N."
                ) from None
            if exc.errno in (errno.EACCES, errno.EPERM):
                raise ConfigError(
                    f"Port {port} on {host} may not be used by this user (ports below 1024 "
                    "need more rights): give --port N of 1024 or more."
                ) from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise ConfigError(
                    f"{host} is not an address of this machine: give --host 127.0.0.1, "
                    "0.0.0.0 or one of its own addresses."
                ) from None
            raise


def run(
    *,
    settings: Settings,
    host: str,
    port: int,
    tls: tuple[Path, Path] | None,
    on_ready: Callable[[], None] | None = None,
) -> None:
    """Serve the web app on ``host:port`` until stopped (``tls``: certificate and key files).

    ``on_ready`` is called once the server accepts connections (with one worker, when uvicorn
    has started it; with several, once the shared socket listens and the workers are being
    started: a browser's first request waits for them instead of being refused).

    The app is built by uvicorn from the environment, in each worker process. The workers
    share only the database and the data folder's secret key file (the first to start creates
    it, the others read it), so any worker can answer any request.
    """
    import uvicorn  # the server's own import: commands that do not serve stay quick to start
    from uvicorn.supervisors import Multiprocess

    os.environ["MINDMUSCLE_HOST"] = host
    os.environ["MINDMUSCLE_DATABASE_URL"] = settings.resolved_database_url()
    os.environ["MINDMUSCLE_DATA_DIR"] = str(settings.data_dir)
    if settings.live_source:
        os.environ["MINDMUSCLE_LIVE_SOURCE"] = settings.live_source
        os.environ["MINDMUSCLE_LIVE_MAP"] = settings.live_map or ""
    proxies = settings.forwarded_allow_ips
    ssl = {} if tls is None else {"ssl_certfile": str(tls[0]), "ssl_keyfile": str(tls[1])}
    config = uvicorn.Config(
        APP_FACTORY,
        factory=True,
        host=host,
        port=port,
        workers=settings.workers,
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_S,
        log_level="warning",
        proxy_headers=bool(proxies),
        forwarded_allow_ips=proxies or None,
        **ssl,  # type: ignore[arg-type]
    )
    server = uvicorn.Server(config)
    if config.workers > 1:
        sock = config.bind_socket()
        if on_ready is not None:
            on_ready()
        with contextlib.suppress(KeyboardInterrupt):
            Multiprocess(config, sockets=[sock]).run()
        return

    def announce() -> None:
        while not server.started and not server.should_exit:
            time.sleep(0.02)
        if server.started and on_ready is not None:
            on_ready()

    if on_ready is not None:
        threading.Thread(target=announce, name="announce", daemon=True).start()
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    if not server.started:
        raise ConfigError(f"The web app did not start on {host}:{port}; the lines above say why.")
