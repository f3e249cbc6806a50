"""The gate every request passes first, before a route parses or stores anything.

:class:`Guard` is a plain ASGI middleware, the outermost layer of the app. In order, it:

1. refuses a ``Host`` header the app does not answer to (400): a web page on another site that
   points its own name at 127.0.0.1 (DNS rebinding) never reaches a route;
2. refuses a state-changing request whose ``Origin`` is another site (403);
3. refuses a body larger than the route's limit (413): up front from ``Content-Length``, and while
   streaming for a chunked body (:func:`body_limit_bytes` says which limit a route has; the
   limits are settings);
4. on a server open to the network, refuses a state-changing request without a valid session
   (401), and an upload without its CSRF header (403), before a byte of the body is read;
5. adds the security headers to every answer (:data:`SECURITY_HEADERS`);
6. answers an error that no handler took with the app's error response, so the connection stays
   open for the next request instead of being dropped.

A WebSocket (the set page's live EMG frames) passes the same gate before it is accepted: a
known ``Host``, an ``Origin`` that is this app's own (a browser always sends one; any other site,
or none, is refused: a page elsewhere cannot read a lifter's muscles through their browser), and
on a server open to the network a valid session, whose user the route then reads from
``scope["state"]["mindmuscle_user"]``. A refused WebSocket is closed before it opens (the
browser sees HTTP 403).
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from anyio import to_thread
from fastapi import HTTPException
from starlette.requests import Request

from mindmuscle.config import Settings
from mindmuscle.web.errors import handle_error

__all__ = [
    "CHART_PAGE_POLICY",
    "CONTENT_SECURITY_POLICY",
    "SECURITY_HEADERS",
    "Guard",
    "allowed_hosts",
    "body_limit_bytes",
    "connect_policy",
    "inline_page_policy",
]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; worker-src 'self'; manifest-src 'self'; media-src 'self' blob: data:; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
"""Everything is served by the app itself: no inline script or style, no other site, no frame."""

CHART_PAGE_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self';", "style-src 'self' 'unsafe-inline';"
)
"""The policy of pages that draw plotly charts: plotly.js adds its own style elements while it
draws, so those pages allow inline styles (never inline scripts; styles cannot run code)."""

_PLAIN_HOST = re.compile(r"^[a-z0-9.-]+(:[0-9]{1,5})?$")


def connect_policy(policy: str, host: str | None) -> str:
    """``policy`` allowing WebSockets to this very host and port (``ws://`` and ``wss://``).

    CSP 3 counts a same-origin ``ws:`` as ``'self'``, but older Safari does not: naming the
    host keeps the live frames working on an older iPhone without allowing any other host.

    Examples
    --------
    >>> connect_policy("connect-src 'self'; img-src 'self'", "127.0.0.1:8000")
    "connect-src 'self' ws://127.0.0.1:8000 wss://127.0.0.1:8000; img-src 'self'"
    """
    name = (host or "").strip().lower()
    if not _PLAIN_HOST.match(name):
        return policy
    return policy.replace("connect-src 'self';", f"connect-src 'self' ws://{name} wss://{name};")


SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
}
"""Sent with every answer (a route that sets its own policy keeps it)."""

CSP = "content-security-policy"

# Routes whose bodies may be larger than a JSON body: (method, path pattern, setting).
_LIMITS: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("POST", re.compile(r"^/api/import$"), "import_body_max_mb"),
    ("POST", re.compile(r"^/api/emg/recordings$"), "emg_body_max_mb"),
    ("POST", re.compile(r"^/api/sets/[^/]+/emg(/channels)?$"), "emg_body_max_mb"),
    ("POST", re.compile(r"^/api/experiments/[^/]+/sets/[^/]+$"), "emg_body_max_mb"),
    ("POST", re.compile(r"^/api/sets$"), "motion_body_max_mb"),
    ("POST", re.compile(r"^/api/motion/analyze$"), "motion_body_max_mb"),
    ("POST", re.compile(r"^/api/motion/files$"), "motion_body_max_mb"),
)
# State-changing routes that a person without a session must reach: the login itself.
_NO_SESSION = frozenset({"/api/login", "/login", "/api/logout"})


_INLINE_SCRIPT = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE
)


def inline_page_policy(html: str) -> str:
    """The Content-Security-Policy of a page that must carry its scripts inline.

    The self-contained reports (plotly.js inside, so a saved copy works offline) and the API
    docs page run exactly the scripts they were sent with: each is allowed by its SHA-256 hash,
    and no other inline script. Plotly adds its own style elements, so inline styles are allowed
    on these pages (styles cannot run code).
    """
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m.group(1).encode()).digest()).decode() + "'"
        for m in _INLINE_SCRIPT.finditer(html)
    )
    return CONTENT_SECURITY_POLICY.replace(
        "script-src 'self';", f"script-src 'self' {hashes};"
    ).replace("style-src 'self';", "style-src 'self' 'unsafe-inline';")


def body_limit_bytes(method: str, path: str, settings: Settings) -> int:
    """The largest body a request to ``method path`` may carry, in bytes.

    Uploads (workout logs, EMG recordings) and sets with their motion have their own limits; every
    other request has the JSON limit.
    """
    for m, pattern, name in _LIMITS:
        if method == m and pattern.match(path):
            return int(getattr(settings, name) * 1_000_000)
    return int(settings.json_body_max_mb * 1_000_000)


_TOO_LARGE = {
    "import_body_max_mb": (
        "The file is too big: an import takes files of at most {mb} MB. Export a shorter "
        "period from your app and import it in parts."
    ),
    "emg_body_max_mb": (
        "The recording is too big: an EMG recording may be at most {mb} MB. Send a shorter "
        "recording."
    ),
    "motion_body_max_mb": (
        "The set is too big: a set with its motion recording may be at most {mb} MB."
    ),
    "json_body_max_mb": "The request is too big: it may be at most {mb} MB.",
}
"""A body over its route's limit, in a lifter's words: what is too big and the limit in MB (the
setting that raises it is the operator's business: the README's table of settings)."""
_TOO_LARGE_FILE = {
    "/api/motion/files": (
        "The recording is too big: a motion file may be at most {mb} MB. Send a shorter "
        "recording, cut to the set."
    ),
}
"""A route whose body is a file rather than a set, under a shared limit: its own words."""


def _setting_of(method: str, path: str) -> str:
    for m, pattern, name in _LIMITS:
        if method == m and pattern.match(path):
            return name
    return "json_body_max_mb"


def _host_name(host: str) -> str:
    """The name of a ``Host`` header without its port, lower-case; IPv6 keeps no brackets."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1 : host.find("]")] if "]" in host else host
    return host.rsplit(":", 1)[0] if host.count(":") == 1 else host


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


def allowed_hosts(settings: Settings, bound: str, *, loopback: bool) -> tuple[frozenset[str], bool]:
    """The host names the app answers to, and whether any IP address is allowed too.

    Always localhost, 127.0.0.1 and ::1, plus ``settings.allowed_hosts``. Bound to another
    address, that address too; bound to every address (0.0.0.0, ::), any IP address, since a
    name that resolves to this machine is what DNS rebinding needs and an IP address is none.
    """
    names = {*LOOPBACK_NAMES, *(h.lower() for h in settings.allowed_hosts)}
    any_ip = False
    if not loopback:
        name = _host_name(bound) if bound.startswith("[") else bound.lower()
        names.add(name)
        any_ip = name in ("0.0.0.0", "::", "")
    return frozenset(names), any_ip


async def _answer(
    send: Send,
    path: str,
    status: int,
    title: str,
    message: str,
    extra: dict[str, str] | None = None,
) -> None:
    """A short answer from the guard itself: JSON under /api, plain text elsewhere."""
    if path.startswith("/api/") or path == "/api":
        body = json.dumps({"error": title, "message": message}).encode()
        ctype = b"application/json"
    else:
        body = f"{title}: {message}\n".encode()
        ctype = b"text/plain; charset=utf-8"
    headers = [(b"content-type", ctype), (b"content-length", str(len(body)).encode())]
    headers += [(k.encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
    headers += [(k.encode(), v.encode()) for k, v in (extra or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _headers(scope: Scope) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in scope.get("headers", []):
        out.setdefault(k.decode("latin-1").lower(), v.decode("latin-1"))
    return out


def _cookies(header: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in header.split(";"):
        if "=" in part:
            k, v = part.split("=", 1)
            out.setdefault(k.strip(), v.strip())
    return out


def _same_origin(origin: str, host: str) -> bool:
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    default = 443 if parts.scheme == "https" else 80
    try:
        origin_port = parts.port or default
    except ValueError:
        return False
    name = _host_name(host)
    rest = host.strip().lower()[len(name) + (2 if host.strip().startswith("[") else 0) :]
    host_port = int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else default
    return parts.hostname.lower() == name and origin_port == host_port


class Guard:
    """The outermost ASGI layer of the web app (see the module docstring).

    Parameters
    ----------
    app
        The app it guards.
    settings
        The settings in force (limits and host names).
    bound
        The address the server is bound to.
    login_required
        True when the app is open to the network (every request needs a session).
    session_user
        Tells the user id of a session cookie's value (None: no valid session); runs in a
        worker thread since it may read the database.
    csrf_matches
        Compares the CSRF cookie with the token sent in the header.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        settings: Settings,
        bound: str,
        login_required: bool,
        session_user: Callable[[str | None], int | None],
        csrf_matches: Callable[[str | None, str | None], bool],
        session_cookie: str,
        csrf_cookie: str,
        csrf_header: str,
    ) -> None:
        self.app = app
        self.settings = settings
        self.login_required = login_required
        self.hosts, self.any_ip = allowed_hosts(settings, bound, loopback=not login_required)
        self.session_user = session_user
        self.csrf_matches = csrf_matches
        self.session_cookie = session_cookie
        self.csrf_cookie = csrf_cookie
        self.csrf_header = csrf_header

    def _host_allowed(self, host: str | None) -> bool:
        if not host:
            return False
        name = _host_name(host)
        return name in self.hosts or (self.any_ip and _is_ip(name))

    async def _websocket(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _headers(scope)
        host = headers.get("host")
        origin = headers.get("origin")
        refused = ""
        if not self._host_allowed(host):
            refused = f"unknown host {host!r}"
        elif origin is None or not _same_origin(origin, host or ""):
            refused = f"origin {origin!r} is not this app ({host})"
        elif self.login_required:
            cookies = _cookies(headers.get("cookie", ""))
            user = await to_thread.run_sync(self.session_user, cookies.get(self.session_cookie))
            scope.setdefault("state", {})["mindmuscle_user"] = user
            if user is None:
                refused = "no valid session"
        if not refused:
            await self.app(scope, receive, send)
            return
        message = await receive()  # websocket.connect
        if message["type"] == "websocket.connect":
            await send({"type": "websocket.close", "code": 1008, "reason": refused[:120]})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            await self._websocket(scope, receive, send)
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        method: str = scope.get("method", "GET")
        headers = _headers(scope)

        host = headers.get("host")
        if not self._host_allowed(host):
            order = [*LOOPBACK_NAMES, *sorted(self.hosts - set(LOOPBACK_NAMES))]
            shown = ", ".join(f"[{h}]" if ":" in h else h for h in order)
            await _answer(
                send, path, 400, "Unknown host",
                f"This MindMuscle does not answer to the host {host!r}; it answers to {shown}. "
                "Open it by one of those names, or add the name to MINDMUSCLE_ALLOWED_HOSTS.",
            )  # fmt: skip
            return

        origin = headers.get("origin")
        if method in UNSAFE and origin is not None and not _same_origin(origin, host or ""):
            await _answer(
                send, path, 403, "Not allowed",
                f"A request from {origin!r} cannot change data on this MindMuscle ({host}): only "
                "its own pages can. Open MindMuscle itself and try again there.",
            )  # fmt: skip
            return

        limit = body_limit_bytes(method, path, self.settings)
        setting = _setting_of(method, path)
        words = _TOO_LARGE_FILE.get(path) or _TOO_LARGE.get(setting, _TOO_LARGE["json_body_max_mb"])
        too_large = words.format(mb=f"{limit / 1e6:g}")
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.strip().isdigit():
                await _answer(
                    send, path, 400, "Bad request",
                    f"Content-Length {declared!r} is not a number of bytes.",
                )  # fmt: skip
                return
            if int(declared) > limit:
                await _answer(send, path, 413, "Too large", too_large, {"connection": "close"})
                return

        if method in UNSAFE and path not in _NO_SESSION:
            cookies = _cookies(headers.get("cookie", ""))
            if self.login_required:
                user = await to_thread.run_sync(self.session_user, cookies.get(self.session_cookie))
                # The route's own login check reads it here instead of asking the database again.
                scope.setdefault("state", {})["mindmuscle_user"] = user
                if user is None:
                    await _answer(
                        send, path, 401, "Login required",
                        "Log in first: this MindMuscle is open to the network.",
                    )  # fmt: skip
                    return
            ctype = headers.get("content-type", "")
            if ctype.startswith("multipart/form-data") and not self.csrf_matches(
                cookies.get(self.csrf_cookie), headers.get(self.csrf_header)
            ):
                await _answer(
                    send, path, 403, "Not allowed",
                    "An upload needs the CSRF token in the X-CSRF-Token header: reload the page "
                    "and try again (API clients: GET /api/csrf, then send its token).",
                )  # fmt: skip
                return

        received = 0

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, too_large)
            return message

        started = False

        async def secured_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [
                    (k.encode(), (connect_policy(v, host) if k == CSP else v).encode())
                    for k, v in SECURITY_HEADERS.items()
                    if k.encode() not in present
                ]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        try:
            await self.app(scope, counted_receive, secured_send)
        except Exception as exc:
            if started:
                raise
            # The app's handler for unexpected errors answers and logs; answering here keeps
            # the connection open (an error that reached the server would close it).
            response = await handle_error(Request(scope), exc)
            await response(scope, counted_receive, secured_send)
