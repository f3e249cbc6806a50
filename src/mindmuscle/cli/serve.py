"""``mindmuscle serve``: the phone-first web app."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from mindmuscle.cli._app import LiveMapOption, app, console
from mindmuscle.config import Settings
from mindmuscle.errors import ChannelMapError, ConfigError, InvalidInputError
from mindmuscle.server import check_port, ensure_certificate, lan_address, run
from mindmuscle.services import accounts
from mindmuscle.store import open_database

__all__ = ["serve"]


@app.command()
def serve(
    host: Annotated[
        str, typer.Option(help="Address to bind; anything but loopback requires the login.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = 8000,
    https: Annotated[
        bool,
        typer.Option(
            "--https", help="Serve HTTPS with a self-signed certificate (phones need it)."
        ),
    ] = False,
    db: Annotated[
        str | None, typer.Option("--db", help="Database URL or SQLite file (default: data dir).")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Worker processes (default: MINDMUSCLE_WORKERS or 1); for a team, on PostgreSQL.",
        ),
    ] = None,
    live: Annotated[
        str | None,
        typer.Option(
            "--live",
            metavar="SOURCE",
            help="A live EMG sensor on this computer, shown on the set page: lsl:NAME, "
            "brainflow:BOARD[:ADDRESS] or synthetic (as for mindmuscle live; needs --map).",
        ),
    ] = None,
    channel_map: LiveMapOption = None,
    forwarded_allow_ips: Annotated[
        str | None,
        typer.Option(
            help="Behind a reverse proxy: its address(es), comma-separated, whose "
            "X-Forwarded-For/-Proto headers are trusted (default: none is trusted)."
        ),
    ] = None,
) -> None:
    """Start the web app (open it on your phone at the gym)."""
    # Options win over the environment; nothing here changes the environment of this process
    # until the server itself starts.
    given: dict[str, object] = {"host": host, "port": port}
    if db:
        given["database_url"] = db
    if workers is not None:
        given["workers"] = workers
    if forwarded_allow_ips is not None:
        given["forwarded_allow_ips"] = forwarded_allow_ips
    if live is not None:
        given["live_source"] = live
    if channel_map is not None:
        given["live_map"] = channel_map
    if live is not None and channel_map is None and not os.environ.get("MINDMUSCLE_LIVE_MAP"):
        raise ConfigError(
            "--live needs --map: say which channel is which muscle, e.g. "
            "--map 1=biceps,2=front_delt."
        )
    # The environment as the server's processes will read it: a bad variable is refused now,
    # before anything says the server is running.
    Settings()
    settings = Settings.model_validate(given)
    if settings.live_source:
        from mindmuscle.io.live import open_source, parse_source
        from mindmuscle.signals.emg.live import parse_channel_map

        try:
            spec = parse_source(settings.live_source)
            if spec.kind == "synthetic":
                # Its channels are known without a device: a wrong map is refused now, not on
                # the phone (a real sensor's are checked when the server opens it).
                source = open_source(spec)
                try:
                    parse_channel_map(settings.live_map or "", source.labels)
                finally:
                    source.close()
        except ChannelMapError:
            raise  # worded with --map
        except InvalidInputError as exc:
            raise InvalidInputError(str(exc).replace("--source", "--live", 1)) from None
        if settings.workers > 1:
            raise ConfigError(
                f"--live needs one worker process (the sensor is read once), not "
                f"--workers {settings.workers}: serve the live sensor with one worker."
            )
    check_port(host, port)
    database = open_database(settings.resolved_database_url(), settings=settings)
    open_to_network = not accounts.is_loopback(host)
    if open_to_network and not accounts.has_login(db=database):
        if not sys.stdin.isatty():
            raise ConfigError(
                f"Serving on {host} needs a login. Give the local user (who owns what was "
                "recorded on this machine) a password with `mindmuscle user passwd "
                f"{accounts.login_name(db=database)} --password-stdin`, or make an account with "
                "`mindmuscle user add NAME --password-stdin` (the password is read from standard "
                "input), then start the server again."
            )
        console.print(f"MindMuscle will be reachable by other devices on {host}: set a login.")
        name = typer.prompt("Login name", default=accounts.login_name(db=database))
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        accounts.set_password(db=database, password=password, name=name)
    database.close()

    scheme = "https" if https else "http"
    lan = lan_address() if open_to_network else None
    tls: tuple[Path, Path] | None = None
    if https:
        cert, key, created = ensure_certificate(
            settings.data_dir, extra_hosts=tuple(h for h in (lan, host) if h)
        )
        tls = (cert, key)
        console.print(f"{'Created' if created else 'Using'} the certificate {cert}")
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") and not lan else (lan or host)
    live_source = settings.live_source
    workers = settings.workers
    proxies = settings.forwarded_allow_ips

    def ready() -> None:
        # Said only once the server accepts connections: a browser opened on this line is
        # not refused.
        console.print(f"MindMuscle is running: open {scheme}://{shown}:{port}")
        if lan:
            console.print(f"On your phone (same Wi-Fi): {scheme}://{lan}:{port}")
        if live_source:
            console.print(f"Live EMG on the set page from {live_source}.")
        if workers > 1:
            console.print(f"{workers} worker processes share the database.")
        if proxies:
            console.print(f"Trusting X-Forwarded-For and X-Forwarded-Proto from {proxies}.")

    run(settings=settings, host=host, port=port, tls=tls, on_ready=ready)
