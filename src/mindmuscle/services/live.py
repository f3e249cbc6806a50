"""Live biofeedback: a source's chunks through the live pipeline into frames, and its setup.

::

    source = open_source("synthetic")
    pipeline = build_pipeline(source, "1=biceps_brachii,3=brachioradialis",
                              exercise_id="dumbbell_biceps_curl")
    summary = run_live(source, pipeline, seconds=30, on_frame=print_frame)

The caller shows the frames (terminal view, JSON lines, WebSocket); :func:`run_live` only reads,
computes, records and reports a stall or a lost stream as a frame: it never raises for them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from mindmuscle.catalog import load_catalog
from mindmuscle.errors import InvalidInputError, StreamError
from mindmuscle.io.live import LiveSource
from mindmuscle.io.live.record import LiveRecorder
from mindmuscle.signals.emg.live import (
    LiveChannel,
    LiveFrame,
    LivePipeline,
    assign_roles,
    parse_channel_map,
)

__all__ = ["LiveSummary", "build_pipeline", "run_live"]

FrameFn = Callable[[LiveFrame, float], None]
"""Called with each frame and its latency in seconds (sample timestamp to frame out)."""


@dataclass
class LiveSummary:
    """What a live run saw: frames, samples, the stream's end state, and the latencies (s)."""

    frames: int = 0
    samples: int = 0
    state: str = "ok"
    reason: str = ""
    latencies_s: list[float] = field(default_factory=list)


def build_pipeline(
    source: LiveSource,
    channel_map: str,
    *,
    exercise_id: str | None = None,
    mvc: Mapping[str, float] | None = None,
    cue_at_pct_mvc: float | None = None,
    mains_hz: float | None = None,
) -> LivePipeline:
    """The pipeline for ``source`` with ``--map`` and the exercise card's muscle roles."""
    mapping = parse_channel_map(channel_map, source.labels)
    names = [m for _, m in mapping]
    if exercise_id:
        ex = load_catalog().exercise(exercise_id)
        roles = assign_roles(
            names,
            targets=ex.targets,
            synergists=ex.synergists,
            compensators=ex.compensators,
        )
        if "target" not in roles.values():
            raise InvalidInputError(
                f"--map names no target muscle of {ex.name}: map a channel to "
                f"{' or '.join(ex.targets) or 'its target'} (add _left or _right for a side)."
            )
    else:
        roles = assign_roles(names)
    channels = [LiveChannel(i, m, roles[m]) for i, m in mapping]
    return LivePipeline(
        source.sfreq_hz,
        channels,
        mvc=mvc,
        cue_at_pct_mvc=cue_at_pct_mvc,
        mains_hz=mains_hz,
    )


def run_live(
    source: LiveSource,
    pipeline: LivePipeline,
    *,
    on_frame: FrameFn,
    seconds: float | None = None,
    record: LiveRecorder | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    clock: Callable[[], float] = time.monotonic,
    read_timeout_s: float = 0.05,
) -> LiveSummary:
    """Read ``source`` into ``pipeline`` for ``seconds`` (None: until ``should_stop()``).

    A stream that delivers nothing for the pipeline's ``stall_after_s`` gives "stalled"
    frames (the run goes on, and recovers when samples come back); a stream the source
    reports lost gives one "lost" frame and ends the run.
    """
    summary = LiveSummary()
    start = clock()
    while not should_stop() and (seconds is None or clock() - start < seconds):
        try:
            chunk = source.read(read_timeout_s)
        except StreamError as exc:
            frame = pipeline.lost(clock(), str(exc))
            summary.state, summary.reason = "lost", str(exc)
            summary.frames += 1
            on_frame(frame, 0.0)
            break
        now = clock()
        if chunk.n_samples:
            if record is not None:
                record.write(chunk)
            summary.samples += chunk.n_samples
            frames = pipeline.push(
                chunk.data, chunk.timestamps, received_at=now, dropped=chunk.dropped
            )
            for frame in frames:
                latency = source.local_clock() - frame.source_time
                summary.latencies_s.append(latency)
                summary.frames += 1
                on_frame(frame, latency)
        else:
            idle = pipeline.idle(now)
            if idle is not None:
                summary.frames += 1
                summary.state = "stalled"
                on_frame(idle, 0.0)
    if summary.state == "stalled" and pipeline.idle(clock()) is None:
        summary.state = "ok"
    return summary
