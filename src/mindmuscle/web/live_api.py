"""Live EMG on the set page: whether this server has a sensor, and its frames over a WebSocket.

``GET /api/live`` says whether a live sensor is configured (``mindmuscle serve --live SOURCE
--map CH=MUSCLE,...``); the set page shows nothing live when it is not. ``/api/live/ws`` is the
WebSocket a running set opens: the page names its exercise (``?exercise=ID``) and, optionally,
the %MVC its tone sounds at (``&cue_at=40``) and its set's UUID (``&set=UUID``: the samples
are kept, and stored with the set when the lifter saves it, ``POST /api/sets``); the server
sends the feed's messages (:mod:`mindmuscle.services.live_feed`) as JSON text, about 20 frames
a second. The WebSocket
passes the guard like every request (host, origin, session: :mod:`mindmuscle.web.guard`) and
each user gets frames computed with their own calibrations only.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import re
from typing import Any

from anyio import to_thread
from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field

from mindmuscle.coach.sets import UUID_PATTERN
from mindmuscle.errors import StreamError
from mindmuscle.web.deps import Ctx, User, WebContext, accept_websocket

__all__ = ["LiveStatus", "router"]

router = APIRouter(prefix="/api")

_UUID = re.compile(UUID_PATTERN)
_QUEUE = 8  # frames a slow page may lag behind before the oldest are dropped (newest wins)


class LiveStatus(BaseModel):
    """Whether the set page shows live EMG."""

    configured: bool = Field(description="True when this server has a live sensor.")
    source: str | None = Field(description="The sensor, in words (None without one).")


@router.get("/live", response_model=LiveStatus, tags=["live"])
def live_status(ctx: Ctx, user: User) -> LiveStatus:
    """Whether this server has a live EMG sensor for the set page."""
    del user  # a login is needed on a server open to the network, as for every page's data
    feed = ctx.live
    if feed is None:
        return LiveStatus(configured=False, source=None)
    return LiveStatus(configured=True, source=feed.description)


def _cue_at(text: str | None) -> tuple[float | None, str | None]:
    if text is None or text == "":
        return None, None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 < value <= 100):
        return None, f"cue_at {text!r} is not allowed: give a %MVC above 0 and at most 100."
    return value, None


@router.websocket("/live/ws")
async def live_socket(ws: WebSocket) -> None:
    """Live frames of the server's sensor for one running set (see the module docstring)."""
    ctx: WebContext = ws.app.state.ctx
    user_id = await accept_websocket(ws)
    if user_id is None:
        return
    feed = ctx.live
    if feed is None:
        await ws.send_text(
            json.dumps(
                {
                    "type": "status",
                    "state": "none",
                    "message": "This server has no live sensor (mindmuscle serve --live).",
                }
            )
        )
        await ws.close(code=1000)
        return
    cue_at, problem = _cue_at(ws.query_params.get("cue_at"))
    if problem:
        await ws.send_text(json.dumps({"type": "status", "state": "refused", "message": problem}))
        await ws.close(code=1008)
        return
    exercise = (ws.query_params.get("exercise") or "")[:100] or None
    set_uuid = ws.query_params.get("set") or None
    if set_uuid is not None and not _UUID.match(set_uuid):
        message = f"set {set_uuid[:40]!r} is not a set's UUID: the set page sends its own."
        await ws.send_text(json.dumps({"type": "status", "state": "refused", "message": message}))
        await ws.close(code=1008)
        return
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(maxsize=_QUEUE)

    def put(message: dict[str, Any]) -> None:
        if queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                queue.get_nowait()
        queue.put_nowait(message)

    def deliver(message: dict[str, Any]) -> None:  # called from the feed's thread
        loop.call_soon_threadsafe(put, message)

    try:
        watch = await to_thread.run_sync(
            lambda: feed.watch(
                user_id=user_id,
                exercise_id=exercise,
                deliver=deliver,
                cue_at_pct_mvc=cue_at,
                set_uuid=set_uuid,
            )
        )
    except StreamError as exc:
        busy = {"type": "status", "state": "busy", "message": f"No live bars: {exc}."}
        await ws.send_text(json.dumps(busy))
        await ws.close(code=1013)
        return

    async def send() -> None:
        while True:
            message = await queue.get()
            await ws.send_text(json.dumps(message, separators=(",", ":")))

    sender = asyncio.create_task(send())
    try:
        while True:
            received = await ws.receive_text()  # the page says nothing yet; closing ends it
            del received
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        feed.unwatch(watch)
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender
