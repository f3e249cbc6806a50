"""``mindmuscle serve``: the phone-first web app."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer
import uvicorn

from mindmuscle.cli._app import app, console
from mindmuscle.config import Settings
from mindmuscle.errors import ConfigError
from mindmuscle.services import web_auth
from mindmuscle.services.web_tls import ensure_certificate, lan_address
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
) -> None:
    """Start the web app (open it on your phone at the gym)."""
    # Options win over the environment; nothing here changes the environment of this process
    # until the server itself starts.
    settings = (
        Settings(host=host, port=port, database_url=db) if db else Settings(host=host, port=port)
    )
    database = open_database(settings.resolved_database_url(), settings=settings)
    open_to_network = not web_auth.is_loopback(host)
    if open_to_network and not web_auth.has_login(db=database):
        if not sys.stdin.isatty():
            raise ConfigError(
                f"Serving on {host} needs a login: run `mindmuscle serve --host {host}` in a "
                "terminal to set a password, or set one with `mindmuscle init`."
            )
        console.print(f"MindMuscle will be reachable by other devices on {host}: set a login.")
        name = typer.prompt("Login name", default=web_auth.login_name(db=database))
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
        web_auth.set_password(db=database, password=password, name=name)
    database.close()

    scheme = "https" if https else "http"
    lan = lan_address() if open_to_network else None
    ssl: dict[str, str] = {}
    if https:
        cert, key, created = ensure_certificate(
            settings.data_dir, extra_hosts=tuple(h for h in (lan, host) if h)
        )
        ssl = {"ssl_certfile": str(cert), "ssl_keyfile": str(key)}
        console.print(f"{'Created' if created else 'Using'} the certificate {cert}")
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") and not lan else (lan or host)
    console.print(f"MindMuscle is running: open {scheme}://{shown}:{port}")
    if lan:
        console.print(f"On your phone (same Wi-Fi): {scheme}://{lan}:{port}")
    # The app is built by uvicorn from the environment (it may start several processes).
    os.environ["MINDMUSCLE_HOST"] = host
    os.environ["MINDMUSCLE_DATABASE_URL"] = settings.resolved_database_url()
    uvicorn.run(
        "mindmuscle.web:create_app",
        factory=True,
        host=host,
        port=port,
        log_level="warning",
        proxy_headers=False,
        **ssl,  # type: ignore[arg-type]
    )
