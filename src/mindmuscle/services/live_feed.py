"""The server's live sensor: one source read in one thread, frames for every page that watches.

The sensor is attached to the computer that runs the server (``mindmuscle serve --live SOURCE
--map CH=MUSCLE,...``). :class:`LiveFeed` opens the source when the first page starts watching
and closes it when the last one stops (a BrainFlow board is then free for ``mindmuscle live``
again). Each watcher has a pipeline of its own, built from its exercise card (which mapped
muscles are targets and compensators) and its user's calibrations, so its bars show "% of this
set's peak" from the start of its set, and one lifter's calibration is never another's %MVC.

Everything a watcher receives is a plain dict (the web app sends it as JSON):

* ``{"type": "setup", "muscles": [...], "basis": "pct_mvc" or "pct_peak", ...}`` once the source
  is open, and again after it was reopened;
* ``{"type": "frame", ...LiveFrame.to_json(), "source_time": s, "sound": [...]}`` about 20
  times a second (:func:`frame_message`), and
  "stalled" or "lost" frames (``quality.stream``) when the samples stop;
* ``{"type": "status", "state": "connecting" | "no_sensor" | "unmapped", "message": "..."}``.

A stream that is lost is reopened every ``retry_s`` while anyone watches. Nothing here raises
into the web app: a problem becomes a status or a lost frame, in words.

The set's EMG: a watcher that names its set (the set page's UUID for it) has the mapped
channels' samples kept, from its first frame until the page closes the WebSocket at "done" (a
page reloaded mid-set reconnects with the same UUID and the samples go on into the same take).
When the lifter saves the set, :meth:`LiveFeed.store_set_emg` hands the take to
:func:`mindmuscle.services.emg_sets.store_set_emg`, which stores it with the set; a take whose
set is never saved is dropped after :data:`TAKE_KEPT_S`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from mindmuscle.catalog import Catalog, load_catalog
from mindmuscle.errors import MindMuscleError, StreamError
from mindmuscle.io.live import Chunk, LiveSource, open_source, parse_source
from mindmuscle.services.emg_sets import get_set_emg
from mindmuscle.services.emg_sets import store_set_emg as store_emg_with_set
from mindmuscle.services.live import build_pipeline, load_calibrations, mapped_muscle_name
from mindmuscle.services.live_capture import CapturedSet, set_missing
from mindmuscle.signals.emg import EmgRecording, parse_emg_unit
from mindmuscle.signals.emg.live import (
    LiveFrame,
    LivePipeline,
    assign_roles,
    parse_channel_map,
)
from mindmuscle.store import Database

__all__ = ["MAX_WATCHERS", "TAKE_KEPT_S", "TAKE_MAX_S", "LiveFeed", "LiveWatch", "SourceOpener"]

SourceOpener = Callable[[str, float], LiveSource]
"""Opens a ``--source`` text with a timeout in seconds (default: :func:`open_source`)."""

Deliver = Callable[[dict[str, Any]], None]

_log = logging.getLogger("mindmuscle.live")
_REPS_SENT = 3
_MIN_TAKE_S = 1.0
TAKE_KEPT_S = 6 * 3600.0
"""How long the samples of a set that was not saved yet are kept (an offline phone saves late)."""
MAX_ANSWERS_KEPT = 1024
"""How many sets' answers about their EMG are kept for retries (the oldest go first)."""
TAKE_MAX_S = 15 * 60.0
"""The longest stretch of one set's samples kept; later samples of that set are not."""
_MAX_TAKES = 16
MAX_WATCHERS = 8
"""Pages that may watch the sensor at once (each has a pipeline of its own)."""


@dataclass(eq=False)
class _Take:
    """The samples of one set (the mapped channels, float32) and their timestamps."""

    muscles: tuple[str, ...]
    rows: list[int]
    sfreq_hz: float
    unit: str
    touched: float
    data: list[npt.NDArray[np.float32]] = field(default_factory=list)
    times: list[npt.NDArray[np.float64]] = field(default_factory=list)
    samples: int = 0
    dropped: int = 0
    truncated: bool = False
    lost: str = ""

    def add(self, chunk: Chunk, now: float) -> None:
        self.touched = now
        if self.samples >= TAKE_MAX_S * self.sfreq_hz:
            self.truncated = True
            return
        self.data.append(np.asarray(chunk.data[self.rows], dtype=np.float32))
        self.times.append(np.asarray(chunk.timestamps, dtype=np.float64))
        self.samples += chunk.n_samples
        self.dropped += int(chunk.dropped or 0)

    def captured(self) -> CapturedSet:
        """The take as a recording named by the muscles, or why there is none."""
        if self.samples < _MIN_TAKE_S * self.sfreq_hz:
            why = f"only {self.samples / self.sfreq_hz:.1f} s of samples came"
            return CapturedSet(None, None, f"no EMG for this set: {why}")
        x = np.concatenate(self.data, axis=1).astype(np.float64)
        ts = np.concatenate(self.times)
        missing = set_missing(ts, self.sfreq_hz, self.dropped)
        problems = []
        if self.lost:
            problems.append("the sensor stopped during the set")
        if missing.samples:
            problems.append(f"{missing.samples / self.sfreq_hz:.1f} s of samples are missing")
        if self.truncated:
            problems.append(f"only the first {TAKE_MAX_S / 60:g} minutes are kept")
        try:
            recording = EmgRecording(x, self.sfreq_hz, self.muscles, (parse_emg_unit(self.unit),))
        except MindMuscleError as exc:
            return CapturedSet(None, None, f"no EMG for this set: {exc}")
        return CapturedSet(recording, ts, "; ".join(problems), missing.gaps, missing.samples)


def _open(text: str, timeout_s: float) -> LiveSource:
    return open_source(text, timeout_s=timeout_s)


@dataclass(eq=False)
class LiveWatch:
    """One page watching the feed: its user, exercise, tone level and where its messages go."""

    user_id: int
    exercise_id: str | None
    cue_at_pct_mvc: float | None
    deliver: Deliver
    set_uuid: str | None = None
    pipeline: LivePipeline | None = None
    take: _Take | None = None
    generation: int = -1
    frames: int = 0
    setup: dict[str, Any] = field(default_factory=dict)


def frame_message(frame: LiveFrame) -> dict[str, Any]:
    """A frame as the page receives it.

    ``source_time`` is the shown sample's time on the source's clock (for the latency);
    ``sound`` the cues that start in this frame, once per repetition, ``[muscle, kind]``;
    ``reps`` the latest three repetitions, ``rep_count`` how many there were. The feed adds
    ``emitted_time``: when the frame left the pipeline, on the source's clock.
    """
    data = frame.to_json()
    # A page needs the latest repetitions, not the whole set's list in every frame (which
    # would grow with the set, 20 times a second).
    data["rep_count"] = len(data["reps"])
    data["reps"] = data["reps"][-_REPS_SENT:]
    return {
        "type": "frame",
        **data,
        "source_time": frame.source_time,
        "sound": [[muscle, kind] for muscle, kind in frame.new_cues],
    }


class LiveFeed:
    """The live sensor of the server (see the module docstring).

    Parameters
    ----------
    source
        ``lsl:NAME``, ``brainflow:BOARD[:ADDRESS]`` or ``synthetic``, as for ``mindmuscle live``.
    channel_map
        ``CH=MUSCLE[,CH=MUSCLE...]``; checked against the stream's channels when it opens.
    db
        The database of the users' calibrations (None: no %MVC).
    opener
        Opens the source (tests and benchmarks may give their own).
    read_timeout_s
        The longest a read waits for samples: how soon a stall is noticed.
    retry_s
        Seconds between attempts to open a source that is absent or was lost.
    """

    def __init__(
        self,
        source: str,
        channel_map: str,
        *,
        db: Database | None = None,
        catalog: Catalog | None = None,
        opener: SourceOpener = _open,
        read_timeout_s: float = 0.02,
        retry_s: float = 1.0,
        open_timeout_s: float = 2.0,
    ) -> None:
        self.spec = parse_source(source)  # a bad --live is refused before the server starts
        self.source_text = source
        self.channel_map = channel_map
        self.db = db
        self.catalog = catalog or load_catalog()
        self._opener = opener
        self._read_timeout_s = read_timeout_s
        self._retry_s = retry_s
        self._open_timeout_s = open_timeout_s
        self._watchers: list[LiveWatch] = []
        self._cond = threading.Condition()
        self._closing = False
        self._thread: threading.Thread | None = None
        self._source: LiveSource | None = None
        self._generation = 0
        self.description = source
        self._takes: dict[tuple[int, str], _Take] = {}
        self._takes_lock = threading.Lock()
        # What each saved set's answer said of its EMG, for a retry whose answer was lost.
        self._answers: dict[tuple[int, str], str] = {}

    # -- the web app's side -------------------------------------------------------------------

    def watch(
        self,
        *,
        user_id: int,
        exercise_id: str | None,
        deliver: Deliver,
        cue_at_pct_mvc: float | None = None,
        set_uuid: str | None = None,
    ) -> LiveWatch:
        """Start sending this watcher's messages to ``deliver`` (called from the feed's thread).

        With ``set_uuid`` the set's samples are kept for :meth:`store_set_emg`.
        """
        w = LiveWatch(user_id, exercise_id, cue_at_pct_mvc, deliver, set_uuid)
        with self._cond:
            if self._closing:
                raise StreamError("the server is stopping")
            if len(self._watchers) >= MAX_WATCHERS:
                raise StreamError(
                    f"{MAX_WATCHERS} pages are watching the sensor already: close one (each "
                    "running set page watches while its set runs)"
                )
            self._watchers.append(w)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="live-feed", daemon=True)
                self._thread.start()
            self._cond.notify_all()
        if self._source is None:
            connecting = "Connecting to the sensor…"
            _safe(w, {"type": "status", "state": "connecting", "message": connecting})
        return w

    def unwatch(self, w: LiveWatch) -> None:
        """Stop sending to ``w`` (the source closes when nobody watches)."""
        with self._cond:
            if w in self._watchers:
                self._watchers.remove(w)
            self._cond.notify_all()

    def take(self, user_id: int, set_uuid: str) -> CapturedSet | None:
        """The samples kept for this user's set (None: none were), taken out of the feed."""
        with self._takes_lock:
            take = self._takes.pop((user_id, set_uuid), None)
            with self._cond:
                for w in self._watchers:
                    if w.take is take:
                        w.take = None  # a page still open on this set keeps no more
        return None if take is None else take.captured()

    def store_set_emg(self, db: Database, user_id: int, set_uuid: str) -> str | None:
        """Store the samples kept for a set the lifter just saved, with that set.

        Returns what the set's answer says of its EMG: what was measured (e.g. "62% MVC"),
        then what the stream lacked during the set ("62% MVC; 2.0 s of samples are missing"),
        or why nothing was stored (the set itself is stored all the same); None when nothing
        was kept for this set.
        """
        text = self._store_set_emg(db, user_id, set_uuid)
        if text is not None:
            with self._takes_lock:
                if len(self._answers) >= MAX_ANSWERS_KEPT:
                    self._answers.pop(next(iter(self._answers)))  # the oldest
                self._answers[(user_id, set_uuid)] = text
        return text

    def emg_answer(self, db: Database, user_id: int, set_uuid: str) -> str | None:
        """What the answer of a set already stored says of its EMG: a phone that lost the
        first answer sends the set again and gets the same words (what :meth:`store_set_emg`
        said then, or, from another worker or after a restart, what the stored EMG measured);
        None when the set has no EMG."""
        with self._takes_lock:
            text = self._answers.get((user_id, set_uuid))
        if text is not None:
            return text
        stored = get_set_emg(db, user_id, set_uuid)
        return None if stored is None else stored.measured

    def _store_set_emg(self, db: Database, user_id: int, set_uuid: str) -> str | None:
        captured = self.take(user_id, set_uuid)
        if captured is None:
            return None
        if captured.recording is None:
            return captured.problem
        try:
            view = store_emg_with_set(
                db,
                user_id,
                set_uuid,
                captured.recording,
                timestamps=captured.timestamps,
                source="web",
            )
        except MindMuscleError as exc:
            _log.info("the set's EMG was not stored: %s", exc)
            return f"no EMG for this set: {exc}"
        return f"{view.measured}; {captured.problem}" if captured.problem else view.measured

    def _take_for(self, w: LiveWatch, source: LiveSource, pipeline: LivePipeline) -> None:
        if not w.set_uuid:
            return
        key = (w.user_id, w.set_uuid)
        now = time.monotonic()
        muscles = tuple(pipeline.names)
        rows = [int(r) for r in pipeline.rows]
        with self._takes_lock:
            for old_key, old in list(self._takes.items()):
                if now - old.touched > TAKE_KEPT_S:
                    del self._takes[old_key]
            take = self._takes.get(key)
            if take is None or (take.muscles, take.rows, take.sfreq_hz, take.unit) != (
                muscles,
                rows,
                source.sfreq_hz,
                source.unit,
            ):
                take = _Take(muscles, rows, source.sfreq_hz, source.unit, now)
                self._takes[key] = take
            while len(self._takes) > _MAX_TAKES:
                oldest = min(self._takes, key=lambda k: self._takes[k].touched)
                del self._takes[oldest]
            w.take = take

    def close(self) -> None:
        """Stop the thread and close the source (the server is stopping)."""
        with self._cond:
            self._closing = True
            self._watchers.clear()
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=5.0)

    # -- the feed's thread --------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self._loop()
        finally:
            self._close_source()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._watchers and not self._closing:
                    self._close_source()  # nobody watches: free the sensor
                    self._cond.wait()
                if self._closing:
                    return
                watchers = list(self._watchers)
            source = self._source
            if source is None:
                source = self._try_open(watchers)
                if source is None:
                    continue
            for w in watchers:
                if w.generation != self._generation:
                    self._set_up(w, source)
            try:
                chunk = source.read(self._read_timeout_s)
            except StreamError as exc:
                now = time.monotonic()
                for w in watchers:
                    if w.take is not None:
                        w.take.lost = str(exc)
                    if w.pipeline is not None:
                        _safe(w, frame_message(w.pipeline.lost(now, str(exc))))
                self._close_source()
                self._pause(self._retry_s)
                continue
            now = time.monotonic()
            if chunk.n_samples:
                with self._takes_lock:
                    for take in {id(w.take): w.take for w in watchers if w.take}.values():
                        take.add(chunk, now)
            for w in watchers:
                p = w.pipeline
                if p is None:
                    continue
                try:
                    if chunk.n_samples:
                        frames = p.push(
                            chunk.data, chunk.timestamps, received_at=now, dropped=chunk.dropped
                        )
                    else:
                        idle = p.idle(now)
                        frames = [] if idle is None else [idle]
                except MindMuscleError as exc:
                    w.pipeline = None
                    _safe(w, {"type": "status", "state": "unmapped", "message": str(exc)})
                    continue
                for frame in frames:
                    w.frames += 1
                    message = frame_message(frame)
                    message["emitted_time"] = source.local_clock()
                    _safe(w, message)

    def _try_open(self, watchers: Sequence[LiveWatch]) -> LiveSource | None:
        try:
            source = self._opener(self.source_text, self._open_timeout_s)
        except MindMuscleError as exc:
            message = f"The sensor ({self.source_text}) is not there: {exc}"
            for w in watchers:
                _safe(w, {"type": "status", "state": "no_sensor", "message": message})
            self._pause(self._retry_s)
            return None
        with self._cond:
            self._source = source
            self._generation += 1
            self.description = source.description
        return source

    def _set_up(self, w: LiveWatch, source: LiveSource) -> None:
        w.generation = self._generation
        w.pipeline = None
        try:
            mapping = parse_channel_map(self.channel_map, source.labels)
            names = [m for _, m in mapping]
            mvc = self._levels(w.user_id, names, source.unit)
            exercise = self._exercise(w.exercise_id)
            if exercise is not None:
                card = self.catalog.exercise(exercise)
                roles = assign_roles(names, targets=card.targets)
                if "target" not in roles.values():
                    where = ", ".join(mapped_muscle_name(self.catalog, m) for m in names)
                    wanted = " or ".join(mapped_muscle_name(self.catalog, m) for m in card.targets)
                    message = (
                        f"The sensor is on {where}, not on a target of {card.name} ({wanted}): "
                        "no live bars for this exercise."
                    )
                    _safe(w, {"type": "status", "state": "unmapped", "message": message})
                    return
            pipeline = build_pipeline(
                source,
                self.channel_map,
                exercise_id=exercise,
                mvc=mvc,
                cue_at_pct_mvc=w.cue_at_pct_mvc if mvc else None,
            )
        except MindMuscleError as exc:
            _safe(w, {"type": "status", "state": "unmapped", "message": str(exc)})
            return
        muscles = [
            {
                "key": ch.muscle,
                "name": mapped_muscle_name(self.catalog, ch.muscle),
                "role": ch.role,
                "calibrated": ch.muscle in mvc,
            }
            for ch in pipeline.channels
        ]
        shown = [m for m in muscles if m["role"] in ("target", "compensator")]
        w.setup = {
            "type": "setup",
            "source": source.description,
            "muscles": shown,
            "basis": "pct_mvc"
            if shown and all(m["calibrated"] for m in shown if m["role"] == "target")
            else "pct_peak",
            "cue_at_pct_mvc": pipeline.cue_at_pct_mvc,
            "notes": pipeline.notes,
        }
        w.pipeline = pipeline
        self._take_for(w, source, pipeline)
        _safe(w, w.setup)

    def _exercise(self, exercise_id: str | None) -> str | None:
        """The exercise whose card gives the roles (None: an exercise the catalogue lacks)."""
        if not exercise_id or exercise_id not in self.catalog.exercises:
            return None
        return exercise_id

    def _levels(self, user_id: int, muscles: list[str], unit: str) -> dict[str, float]:
        if self.db is None:
            return {}
        found = load_calibrations(self.db, user_id, muscles, unit=unit)
        return {m: cal.level for m, cal in found.items() if not cal.flags}

    def _pause(self, seconds: float) -> None:
        with self._cond:
            if not self._closing:
                self._cond.wait(seconds)

    def _close_source(self) -> None:
        source, self._source = self._source, None
        if source is not None:
            try:
                source.close()
            except Exception:  # a driver failing to close must not stop the server
                _log.warning("closing the live source failed", exc_info=True)


def _safe(w: LiveWatch, message: dict[str, Any]) -> None:
    try:
        w.deliver(message)
    except Exception:  # a page that went away must not stop the others
        _log.debug("a live watcher could not take a message", exc_info=True)
