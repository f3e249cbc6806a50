"""What every route depends on: the app's context, the logged-in user and the CSRF check."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Path, Request, WebSocket

from mindmuscle.catalog import Catalog
from mindmuscle.config import Settings
from mindmuscle.services import accounts
from mindmuscle.services.catalog import user_catalog
from mindmuscle.services.live_feed import LiveFeed
from mindmuscle.services.progress import ProgressCache
from mindmuscle.services.sets import SetWriter
from mindmuscle.store import LOCAL_USER_ID, Database
from mindmuscle.web.errors import CsrfError, LoginRequiredError
from mindmuscle.web.security import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    csrf_matches,
)

__all__ = [
    "MAX_ID",
    "Ctx",
    "Id",
    "User",
    "UserCatalog",
    "WebContext",
    "accept_websocket",
    "check_csrf",
    "current_catalog",
    "current_user",
    "get_context",
    "is_https",
    "path_part",
    "session_user",
    "utcnow",
]

MAX_ID = 2**63 - 1
"""The largest id a database row can have (a signed 64-bit integer)."""

Id = Annotated[int, Path(ge=1, le=MAX_ID, description="A stored record's id.")]
"""An id in a route's path: a larger number is a 422, never a database error."""

UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class WebContext:
    """What every request handler needs: settings, database, catalogue and the login policy.

    ``catalog`` is the built-in catalogue (muscles, evidence); a user's exercises come from
    :data:`UserCatalog`, which adds the imported and the user's own ones.
    """

    settings: Settings
    db: Database
    catalog: Catalog
    secret: str
    login_required: bool
    asset_version: str
    progress: ProgressCache
    set_writer: SetWriter
    live: LiveFeed | None = None
    """The live EMG sensor of this server (None: none configured, nothing live on the pages)."""


def is_https(request: Request) -> bool:
    """Whether the request came over TLS (cookies are then marked Secure)."""
    return request.url.scheme == "https"


def path_part(name: str) -> str:
    """``name`` as one segment of a URL path: every character but letters, digits and
    ``-._~`` percent-encoded (a user name may hold a slash or a question mark)."""
    return quote(name, safe="")


def utcnow() -> datetime:
    """Now, in UTC (the one clock of the web app)."""
    return datetime.now(UTC)


def get_context(request: Request) -> WebContext:
    """The :class:`WebContext` of the app serving ``request``."""
    ctx: WebContext = request.app.state.ctx
    return ctx


Ctx = Annotated[WebContext, Depends(get_context)]


def session_user(ctx: WebContext, token: str | None) -> int | None:
    """The user id of a session cookie's value, None when it is not an open session."""
    return accounts.session_user(db=ctx.db, token=token, now=utcnow())


def current_user(request: Request, ctx: Ctx) -> int:
    """The user id of the request: the local user on loopback, else the logged-in user."""
    if not ctx.login_required:
        return LOCAL_USER_ID
    state = request.scope.get("state") or {}
    if "mindmuscle_user" in state:  # the guard has looked the session up already
        user_id: int | None = state["mindmuscle_user"]
    else:
        user_id = session_user(ctx, request.cookies.get(SESSION_COOKIE))
    if user_id is None:
        raise LoginRequiredError("Log in first: this MindMuscle is open to the network.")
    return user_id


User = Annotated[int, Depends(current_user)]


def current_catalog(ctx: Ctx, user: User) -> Catalog:
    """The catalogue of the request's user: built-in, imported and their own exercises."""
    return user_catalog(db=ctx.db, user_id=user, settings=ctx.settings)


UserCatalog = Annotated[Catalog, Depends(current_catalog)]


async def check_csrf(request: Request) -> None:
    """Refuse an unsafe request whose CSRF token does not match its cookie."""
    if request.method not in UNSAFE:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not csrf_matches(request.cookies.get(CSRF_COOKIE), sent):
        raise CsrfError(
            "The request has no valid CSRF token: reload the page and try again (API clients: "
            "GET /api/csrf, then send its token in the X-CSRF-Token header with the cookie)."
        )


async def accept_websocket(ws: WebSocket) -> int | None:
    """Accept a WebSocket for its user (the local user on loopback) and return the user id;
    None when it has no open session (it is closed, policy violation). The guard refuses such
    a socket before it opens; this does not rely on it."""
    ctx: WebContext = ws.app.state.ctx
    user = (ws.scope.get("state") or {}).get("mindmuscle_user") if ctx.login_required else None
    if ctx.login_required and user is None:
        await ws.close(code=1008)
        return None
    await ws.accept()
    return int(user) if user is not None else LOCAL_USER_ID
