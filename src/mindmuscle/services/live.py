"""Live biofeedback: a source's chunks through the live pipeline into frames, and its setup.

::

    source = open_source("synthetic")
    pipeline = build_pipeline(source, "1=biceps,3=forearm_flexors",
                              exercise_id="dumbbell_biceps_curl")
    summary = run_live(source, pipeline, seconds=30, on_frame=print_frame)

The caller shows the frames (terminal view, JSON lines, WebSocket); :func:`run_live` only reads,
computes, records and reports a stall or a lost stream as a frame: it never raises for them.
"""

from __future__ import annotations

import difflib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np

from mindmuscle.catalog import Catalog, load_catalog
from mindmuscle.errors import InvalidInputError, StreamError
from mindmuscle.io.live import LiveSource
from mindmuscle.io.live.record import LiveRecorder
from mindmuscle.signals.emg.gaps import sample_steps
from mindmuscle.signals.emg.live import (
    LiveChannel,
    LiveFrame,
    LivePipeline,
    base_muscle,
    card_roles,
    parse_channel_map,
)
from mindmuscle.signals.emg.mvc import (
    CalibrationStep,
    best_mvc_window,
    calibration_flags,
    calibration_steps,
    continuous_runs,
)
from mindmuscle.signals.emg.streaming import causal_envelope
from mindmuscle.store import CalibrationCreate, Database, repo

__all__ = [
    "CalibrationRun",
    "CalibrationView",
    "LiveSummary",
    "build_pipeline",
    "load_calibrations",
    "run_calibration",
    "run_live",
    "save_calibrations",
]

FrameFn = Callable[[LiveFrame, float], None]
"""Called with each frame and its latency in seconds (sample timestamp to frame out)."""


@dataclass
class LiveSummary:
    """What a live run saw: frames, samples, the stream's state at the end (ok, stalled,
    lost), and the latencies (s)."""

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
    roles = card_roles(names, load_catalog().exercise(exercise_id) if exercise_id else None)
    channels = [LiveChannel(i, m, roles[m]) for i, m in mapping]
    pipeline = LivePipeline(
        source.sfreq_hz,
        channels,
        mvc=mvc,
        cue_at_pct_mvc=cue_at_pct_mvc,
        mains_hz=mains_hz,
    )
    pipeline.notes.extend(_unknown_muscle_notes(names))
    return pipeline


def _unknown_muscle_notes(names: list[str]) -> list[str]:
    """A note for each mapped muscle the catalogue does not know (a typo reads as one)."""
    known = sorted(load_catalog().muscles)
    notes = []
    for name in names:
        base = base_muscle(name)
        if base in known:
            continue
        close = difflib.get_close_matches(base, known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        notes.append(
            f"--map muscle {name!r} is not in the catalogue{hint}: it is shown, but no exercise "
            "card gives it a role."
        )
    return notes


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
            summary.state = "ok"
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
    return summary


# --- calibration -----------------------------------------------------------------------------

StepFn = Callable[[CalibrationStep, float], None]
"""Called with the current step and the seconds left in it (about twice a second)."""


def run_calibration(
    source: LiveSource,
    channel_map: str,
    muscles: list[str] | None = None,
    *,
    placement: str = "",
    trials: int = 3,
    contraction_s: float = 5.0,
    rest_s: float = 30.0,
    on_step: StepFn = lambda step, left: None,
    clock: Callable[[], float] = time.monotonic,
) -> CalibrationRun:
    """Guide the MVC protocol on ``source`` and return each muscle's best 1-second window.

    ``muscles`` are names from ``channel_map`` (default: every mapped muscle), calibrated one
    after the other: ``trials`` maximal contractions of ``contraction_s`` with ``rest_s``
    between. Nothing is stored here (see :func:`save_calibrations`).

    A gap in the stream (the timestamps jump: the sensor paused, a radio dropped samples) is
    never joined over: the envelope is computed per continuous run and no window spans a gap
    (:func:`~mindmuscle.signals.emg.mvc.best_mvc_window`); the gaps during the contractions
    are counted in the answer. Too little continuous signal left is refused
    (:class:`~mindmuscle.errors.InvalidSignalError`).
    """
    mapping = dict((m, i) for i, m in parse_channel_map(channel_map, source.labels))
    wanted = list(muscles) if muscles else list(mapping)
    unknown = [m for m in wanted if m not in mapping]
    if unknown:
        raise InvalidInputError(
            f"--muscle {unknown[0]!r} is not in --map: calibrate a mapped muscle "
            f"({', '.join(mapping)})."
        )
    steps = calibration_steps(wanted, trials=trials, contraction_s=contraction_s, rest_s=rest_s)
    chunks: list[np.ndarray] = []
    received = 0
    gaps: list[tuple[int, int]] = []  # (first sample after the gap, samples it lacks)
    last_ts: float | None = None
    windows: dict[str, list[tuple[int, int]]] = {m: [] for m in wanted}
    for step in steps:
        start_count = received
        end = clock() + step.seconds
        next_report = 0.0
        while (now := clock()) < end:
            if now >= next_report:
                on_step(step, end - now)
                next_report = now + 0.5
            chunk = source.read(min(0.05, max(0.0, end - now)))
            if chunk.n_samples:
                periods = sample_steps(chunk.timestamps, source.sfreq_hz, before=last_ts)
                gaps += [
                    (received + int(k), int(periods[k]) - 1) for k in np.flatnonzero(periods > 1)
                ]
                last_ts = float(chunk.timestamps[-1])
                chunks.append(chunk.data)
                received += chunk.n_samples
        if step.kind == "contract":
            windows[step.muscle].append((start_count, received))
    if not chunks:
        raise StreamError("the stream sent no samples during the calibration")
    data = np.concatenate(chunks, axis=1)
    made = datetime.now(UTC)
    results: list[CalibrationCreate] = []
    runs = continuous_runs(data.shape[1], gaps)
    for muscle in wanted:
        row = data[mapping[muscle]]
        env = np.concatenate([causal_envelope(row[None, a:b], source.sfreq_hz)[0] for a, b in runs])
        best = best_mvc_window(env, source.sfreq_hz, windows[muscle], gaps=gaps)
        results.append(
            CalibrationCreate(
                muscle=muscle,
                level=best.level,
                unit=source.unit,
                sfreq_hz=source.sfreq_hz,
                trial=best.trial,
                window_start_s=round(best.start_s, 3),
                placement=placement,
                source=source.description[:200],
                created_at=made,
            )
        )
    contracting = {w for ws in windows.values() for w in ws}
    inside = [n for g, n in gaps if any(a < g < b for a, b in contracting)]
    return CalibrationRun(results, len(inside), sum(inside) / source.sfreq_hz)


@dataclass(frozen=True)
class CalibrationRun:
    """What a calibration measured: each muscle's best window (not stored yet), and the gaps
    in the stream during the contractions (``gaps``, ``missing_s`` seconds of signal they
    lack), none of which a window spans."""

    results: list[CalibrationCreate]
    gaps: int = 0
    missing_s: float = 0.0


def save_calibrations(db: Database, user_id: int, results: list[CalibrationCreate]) -> None:
    """Store calibrations (the newest per muscle is the one live uses)."""
    with db.session() as s:
        for data in results:
            repo.add_calibration(session=s, user_id=user_id, data=data)


@dataclass(frozen=True)
class CalibrationView:
    """A stored calibration as the live view uses it: level, date, and why it is flagged."""

    muscle: str
    level: float
    unit: str
    created_at: datetime
    placement: str
    flags: list[str]


def load_calibrations(
    db: Database,
    user_id: int,
    muscles: list[str],
    *,
    unit: str | None,
    now: datetime | None = None,
    placement_now: str | None = None,
    session_started_at: datetime | None = None,
) -> dict[str, CalibrationView]:
    """The newest calibration of each muscle, flagged when stale, moved or in another unit
    (``unit`` None: the unit is not checked)."""
    moment = now or datetime.now(UTC)
    with db.session() as s:
        rows = repo.latest_calibrations(session=s, user_id=user_id, muscles=muscles)
        out: dict[str, CalibrationView] = {}
        for muscle, row in rows.items():
            flags = calibration_flags(
                row.created_at,
                row.placement,
                now=moment,
                session_started_at=session_started_at,
                placement_now=placement_now,
            )
            if unit is not None and row.unit != unit:
                flags.append(f"made in {row.unit}, the stream is in {unit}")
            out[muscle] = CalibrationView(
                muscle, row.level, row.unit, row.created_at, row.placement, flags
            )
    return out


def mapped_muscle_name(catalog: Catalog, mapped: str) -> str:
    """The name a lifter reads for a mapped channel's muscle: "Biceps" for ``biceps``,
    "Biceps (left)" for ``biceps_left``, ``l_biceps`` or ``biceps_l``; an id the catalogue
    does not know is shown with spaces for underscores.

    Examples
    --------
    >>> c = load_catalog()
    >>> [mapped_muscle_name(c, m) for m in ("biceps", "biceps_left", "r_lats", "calf_x")]
    ['Biceps', 'Biceps (left)', 'Lats (right)', 'calf x']
    """
    base = base_muscle(mapped)
    side = mapped[len(base) :] if mapped.startswith(base) else ""
    name = catalog.muscles[base].name if base in catalog.muscles else base
    name = name.split(" (")[0].replace("_", " ")
    tail = "left" if "left" in side.lower() or side.lower().endswith("_l") else ""
    tail = tail or ("right" if "right" in side.lower() or side.lower().endswith("_r") else "")
    if not tail and mapped != base:
        low = mapped.lower()
        tail = "left" if low.startswith(("l_", "left_")) else ""
        tail = tail or ("right" if low.startswith(("r_", "right_")) else "")
    return f"{name} ({tail})" if tail else name
