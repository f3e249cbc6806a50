"""End-to-end harness: a real uvicorn server on a free loopback port with a temporary SQLite
database, and Debian's Chromium driven by Playwright (no browser download).

Every test here skips with a clear reason when /usr/bin/chromium is absent (CI installs it).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

CHROMIUM = Path(os.environ.get("MINDMUSCLE_CHROMIUM", "/usr/bin/chromium"))
REPO = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """A running ``mindmuscle`` web server and a plain HTTP client for checking its data."""

    def __init__(self, base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
        self.base_url = base_url
        self.process = process
        self.log = log
        self.http = httpx.Client(base_url=base_url, timeout=10)

    def sets(self) -> list[dict[str, object]]:
        r = self.http.get("/api/sets", params={"limit": 1000})
        r.raise_for_status()
        data: list[dict[str, object]] = r.json()
        return data


def start_server(tmp: Path, *, env_extra: dict[str, str] | None = None) -> Server:
    port = _free_port()
    env = {
        **os.environ,
        "MINDMUSCLE_DATA_DIR": str(tmp),
        "MINDMUSCLE_DATABASE_URL": f"sqlite:///{tmp / 'e2e.db'}",
        "MINDMUSCLE_HOST": "127.0.0.1",
        **(env_extra or {}),
    }
    log = tmp / "server.log"
    cmd = [
        sys.executable, "-m", "uvicorn", "mindmuscle.web:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning",
    ]  # fmt: skip
    process = subprocess.Popen(cmd, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90  # a loaded two-core machine starts slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server stopped at start:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/api/csrf", timeout=1).status_code == 200:
                return Server(base, process, log)
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"the server did not answer within 90 s:\n{log.read_text()}")


def stop_server(srv: Server) -> None:
    """Stop a server from :func:`start_server` (killed if it does not stop within 10 s)."""
    srv.http.close()
    srv.process.terminate()
    try:
        srv.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        srv.process.kill()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the tests of a module, which see each other's data."""
    srv = start_server(tmp_path_factory.mktemp("e2e"))
    yield srv
    stop_server(srv)


@pytest.fixture()
def fresh_server(tmp_path: Path) -> Iterator[Server]:
    """A fresh server per test: each one starts at the first run, with an empty database."""
    srv = start_server(tmp_path)
    yield srv
    stop_server(srv)


@pytest.fixture()
def server(request: pytest.FixtureRequest) -> Server:
    """The server of a test (and of its ``page``): the module's shared one, or a fresh one per
    test in a module marked ``fresh_server`` (``pytestmark = [..., pytest.mark.fresh_server]``).
    A module may still define its own ``server`` (one filled with a history, say)."""
    fresh = request.node.get_closest_marker("fresh_server") is not None
    found: Server = request.getfixturevalue("fresh_server" if fresh else "shared_server")
    return found


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: install Debian's chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser: object, server: Server) -> Iterator[object]:
    from playwright.sync_api import Browser

    assert isinstance(browser, Browser)
    # Playwright's wait_for_function evaluates its string in the page, which the app's
    # Content-Security-Policy refuses (no eval): these tests bypass it, and
    # test_browser_csp.py runs the pages and a whole set under the policy.
    context = browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
        base_url=server.base_url, service_workers="allow", bypass_csp=True,
    )  # fmt: skip
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.errors = errors  # type: ignore[attr-defined]
    yield pg
    context.close()


def shot(page: object, name: str) -> None:
    """Save a phone-size screenshot as a test artefact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=False)  # type: ignore[attr-defined]
