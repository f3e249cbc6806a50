"""The connection test on the web: past tests with their chart, and the test itself on the
server's live sensor over a WebSocket.

``GET /api/skill-tests?muscle=M`` lists a muscle's tests (newest first) with the plotly figure of
the error over weeks, and the live sensor's mapped muscles (with whether each has a fresh
calibration), or ``live: null`` when the server has none.

``/api/live/skill-test?muscle=M[&hold_s=5&rest_s=10&repeats=1&seed=N]`` runs the test: the server
sends ``step`` messages (what to do, never the level held), then ``result`` with the stored test,
or ``stopped`` with the reason (nothing stored). Closing the socket stops the test; nothing is
stored. The WebSocket passes the same guard as every request (host, origin, session).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

from anyio import to_thread
from fastapi import APIRouter, Query, WebSocket, WebSocketDisconnect
from pydantic import BaseModel, Field

from mindmuscle.errors import DatabaseBusyError, InvalidInputError, MindMuscleError
from mindmuscle.experiments.skill_test import PastSkillTest, skill_test_order
from mindmuscle.services import skill_tests as service
from mindmuscle.services.live import mapped_muscle_name
from mindmuscle.web.deps import Ctx, User, WebContext, accept_websocket
from mindmuscle.web.errors import web_fix, web_worded

__all__ = ["SkillTestsOut", "router", "stopped_words"]

router = APIRouter(prefix="/api")


class SkillTestsOut(BaseModel):
    """A muscle's connection tests and the chart of their error over weeks."""

    muscle: str | None = Field(description="The muscle shown (default: the latest test's).")
    muscles: list[str] = Field(description="Every muscle tested.")
    tests: list[dict[str, Any]] = Field(description="Its tests, newest first.")
    figure: dict[str, Any] | None = Field(description="Plotly figure of the error over weeks.")
    live: dict[str, Any] | None = Field(
        description="The live sensor's muscles and their calibration (None: no sensor)."
    )
    names: dict[str, str] = Field(
        default_factory=dict, description="Each muscle id above -> the name a lifter reads."
    )


@router.get("/skill-tests", response_model=SkillTestsOut, tags=["live"])
def skill_tests(
    ctx: Ctx, user: User, muscle: str | None = Query(default=None, min_length=1, max_length=64)
) -> SkillTestsOut:
    """The connection tests of a muscle (effortmatch2019): per level, the SD around the target."""
    live_map = ctx.live.channel_map if ctx.live is not None else None
    overview = service.skill_test_overview(ctx.db, user, muscle=muscle, live_map=live_map)
    ids = list(overview["muscles"])
    if overview.get("live"):
        ids += [str(m["muscle"]) for m in overview["live"]["muscles"]]
    return SkillTestsOut(**overview, names={m: mapped_muscle_name(ctx.catalog, m) for m in ids})


def _number(ws: WebSocket, name: str, default: float) -> float:
    text = ws.query_params.get(name)
    if text is None or text == "":
        return default
    try:
        return float(text)
    except ValueError:
        raise InvalidInputError(
            f"{name} {text[:20]!r} is not a number: give seconds, e.g. {name}={default:g}."
        ) from None


async def _store(ctx: WebContext, user_id: int, run: service.SkillTestRun) -> PastSkillTest:
    """Store a complete test; a busy database is tried again after 0.5, 1 and 2 s, so a test
    held for a minute is not lost to another writer's moment."""
    for wait_s in (0.5, 1.0, 2.0):
        try:
            return await to_thread.run_sync(service.save_skill_test, ctx.db, user_id, run)
        except DatabaseBusyError:
            await asyncio.sleep(wait_s)
    return await to_thread.run_sync(service.save_skill_test, ctx.db, user_id, run)


def stopped_words(runner: service.LiveSkillTest) -> str:
    """Why the test stopped, as the page shows it: with the web's way to fix it, if any."""
    if runner.stopped is None:
        return "The test stopped: nothing was stored."
    if runner.stopped_fix is None:
        return runner.stopped
    return f"{runner.stopped} {web_fix(*runner.stopped_fix)}"


@router.websocket("/live/skill-test")
async def skill_test_socket(ws: WebSocket) -> None:
    """Run the connection test on the server's live sensor (see the module docstring)."""
    ctx: WebContext = ws.app.state.ctx
    user_id = await accept_websocket(ws)
    if user_id is None:
        return

    async def stop(message: str) -> None:
        await ws.send_text(json.dumps({"type": "stopped", "message": message}))
        await ws.close(code=1000)

    feed = ctx.live
    if feed is None:
        await stop(
            "This server has no live sensor: start it with `mindmuscle serve --live SOURCE --map "
            "CH=MUSCLE`, or run the test in the terminal (`mindmuscle live skill-test`)."
        )
        return
    muscle = (ws.query_params.get("muscle") or "")[:64]
    try:
        mapped = service.mapped_muscles(feed.channel_map)
        if muscle not in mapped:
            raise InvalidInputError(
                f"muscle {muscle!r} is not on the live sensor: choose one of {', '.join(mapped)}."
            )
        seed_text = ws.query_params.get("seed")
        order = skill_test_order(
            repeats=int(_number(ws, "repeats", 1)),
            seed=int(seed_text) if seed_text and seed_text.isdigit() else None,
        )
        calibration = await to_thread.run_sync(
            lambda: service.skill_test_calibration(ctx.db, user_id, muscle)
        )
        runner = service.LiveSkillTest(
            muscle,
            calibration=calibration,
            order=order,
            hold_s=_number(ws, "hold_s", 5.0),
            rest_s=_number(ws, "rest_s", 10.0),
            settle_s=1.0,
        )
    except MindMuscleError as exc:
        await stop(web_worded(exc))
        return

    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    def deliver(message: dict[str, Any]) -> None:  # called from the feed's thread
        out = runner.take(message)
        if runner.done:
            out.append({"type": "_done"})
        for m in out:
            loop.call_soon_threadsafe(queue.put_nowait, m)

    await ws.send_text(
        json.dumps(
            {"type": "start", "muscle": muscle, "holds": len(order), "hold_s": runner.hold_s,
             "source": feed.description}
        )
    )  # fmt: skip
    watch = await to_thread.run_sync(
        lambda: feed.watch(user_id=user_id, exercise_id=None, deliver=deliver)
    )

    async def send() -> None:
        while True:
            message = await queue.get()
            if message["type"] != "_done":
                await ws.send_text(json.dumps(message, separators=(",", ":")))
                continue
            feed.unwatch(watch)
            if runner.run is not None:
                done = runner.run
                before = await to_thread.run_sync(
                    lambda: service.list_skill_tests(ctx.db, user_id, muscle=muscle)
                )
                try:
                    saved = await _store(ctx, user_id, done)
                except MindMuscleError as exc:
                    await stop(f"The test is complete, but it could not be stored: {exc}")
                    return
                result = {
                    "type": "result",
                    "test": saved.to_json(),
                    "previous": before[-1].to_json() if before else None,
                }
                await ws.send_text(json.dumps(result))
                await ws.close(code=1000)
            else:
                await stop(stopped_words(runner))
            return

    sender = asyncio.create_task(send())
    try:
        receiver = asyncio.create_task(ws.receive_text())
        await asyncio.wait({sender, receiver}, return_when=asyncio.FIRST_COMPLETED)
        receiver.cancel()
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        feed.unwatch(watch)  # a closed page stops the test: nothing is stored
        if not sender.done():
            sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await sender
