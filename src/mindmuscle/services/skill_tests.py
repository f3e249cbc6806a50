"""The connection test (effortmatch2019, rule 17): run it on a live source, store it, list it.

::

    cal = skill_test_calibration(db, user_id, "biceps", unit=source.unit)   # refuses without one
    order = skill_test_order(seed=None)
    run = run_skill_test(source, "1=biceps", "biceps", calibration=cal, order=order,
                         on_step=show_words)
    save_skill_test(db, user_id, run)                # only a complete test is ever stored
    past = list_skill_tests(db, user_id, muscle="biceps")

The lifter sees words and hears sounds, never the level (the caller shows the steps):
:func:`run_skill_test` reads the stream, then scores the holds on the same envelope as the
calibration, divided by the calibrated MVC. A stream that is lost raises
:class:`~mindmuscle.errors.StreamError`; a hold with too little signal raises
:class:`~mindmuscle.errors.InvalidSignalError`; an interrupted run raises what interrupted it.
Nothing is stored by any of them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from mindmuscle.errors import Action, InvalidInputError, NotFoundError, StreamError
from mindmuscle.experiments.skill_test import (
    PastSkillTest,
    SkillStep,
    SkillTestScore,
    TargetScore,
    readings_on_grid,
    score_skill_test,
    skill_test_steps,
    step_at,
)
from mindmuscle.io.live import LiveSource
from mindmuscle.services.live import CalibrationView, load_calibrations
from mindmuscle.signals.emg.live import parse_channel_map
from mindmuscle.signals.emg.streaming import causal_envelope
from mindmuscle.store import Database, SkillTestCreate, repo
from mindmuscle.store.tables import SkillTestRow

__all__ = [
    "LiveSkillTest",
    "SkillTestRun",
    "list_skill_tests",
    "mapped_muscles",
    "run_skill_test",
    "save_skill_test",
    "skill_history_figure",
    "skill_test_calibration",
    "skill_test_overview",
    "write_skill_history",
]

StepFn = Callable[[SkillStep, float], None]
"""Called with the current step and the seconds left in it (about twice a second)."""


def skill_test_calibration(
    db: Database,
    user_id: int,
    muscle: str,
    *,
    unit: str | None = None,
    placement_now: str | None = None,
    accept_stale: bool = False,
    now: datetime | None = None,
) -> CalibrationView:
    """The calibration the test divides by: the muscle's newest, and not flagged.

    Raises
    ------
    NotFoundError
        The muscle was never calibrated.
    InvalidInputError
        Its newest calibration is flagged (older than this session, electrodes moved, another
        unit) and ``accept_stale`` is not set. Both carry the action that fixes them
        (``calibrate_muscle``, ``recalibrate_muscle``), which each channel words.
    """
    found = load_calibrations(
        db, user_id, [muscle], unit=unit, now=now, placement_now=placement_now
    ).get(muscle)
    if found is None:
        raise NotFoundError(
            f"{muscle} has no calibration (the test's targets are % of your MVC)."
        ).to_fix("calibrate_muscle", muscle=muscle)
    flags = found.flags
    if flags and not accept_stale:
        raise InvalidInputError(
            f"the calibration of {muscle} ({found.created_at:%Y-%m-%d %H:%M}) cannot be used: "
            f"{'; '.join(flags)}."
        ).to_fix("recalibrate_muscle", muscle=muscle)
    return found


@dataclass(frozen=True)
class SkillTestRun:
    """A complete test, scored and not yet stored."""

    muscle: str
    order_pct: list[float]
    score: SkillTestScore
    hold_s: float
    settle_s: float
    calibration: CalibrationView
    source: str
    performed_at: datetime


def run_skill_test(
    source: LiveSource,
    channel_map: str,
    muscle: str,
    *,
    calibration: CalibrationView,
    order: Sequence[float],
    hold_s: float = 5.0,
    rest_s: float = 10.0,
    settle_s: float = 1.0,
    on_step: StepFn = lambda step, left: None,
    clock: Callable[[], float] = time.monotonic,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> SkillTestRun:
    """Guide the holds of ``order`` on ``source`` and score them (see the module docstring).

    ``muscle`` must be mapped in ``channel_map``; only its channel is read for the score.
    """
    mapping = {m: i for i, m in parse_channel_map(channel_map, source.labels)}
    if muscle not in mapping:
        raise InvalidInputError(
            f"--muscle {muscle!r} is not in --map: test a mapped muscle ({', '.join(mapping)})."
        )
    if calibration.muscle != muscle:
        raise InvalidInputError(
            f"the calibration is of {calibration.muscle}, not of {muscle}: test the muscle "
            "it was made for."
        )
    steps = skill_test_steps(order, hold_s=hold_s, rest_s=rest_s, settle_s=settle_s)
    row = mapping[muscle]
    chunks: list[np.ndarray] = []
    received = 0
    holds: list[tuple[float, int, int]] = []
    for step in steps:
        start_count = received
        end = clock() + step.seconds
        next_report = 0.0
        while (moment := clock()) < end:
            if moment >= next_report:
                on_step(step, end - moment)
                next_report = moment + 0.5
            chunk = source.read(min(0.05, max(0.0, end - moment)))
            if chunk.n_samples:
                chunks.append(chunk.data[row])
                received += chunk.n_samples
        if step.kind == "hold":
            holds.append((step.target_pct, start_count, received))
    if not chunks:
        raise StreamError("the stream sent no samples during the test")
    envelope = causal_envelope(np.concatenate(chunks)[None, :], source.sfreq_hz)[0]
    pct = 100.0 * envelope / calibration.level
    score = score_skill_test(
        [(target, pct[a:b]) for target, a, b in holds], source.sfreq_hz, settle_s=settle_s
    )
    return SkillTestRun(
        muscle=muscle,
        order_pct=[float(t) for t in order],
        score=score,
        hold_s=hold_s,
        settle_s=settle_s,
        calibration=calibration,
        source=source.description[:200],
        performed_at=now(),
    )


def save_skill_test(db: Database, user_id: int, run: SkillTestRun) -> PastSkillTest:
    """Store a complete test; returns it as the history lists it."""
    data = SkillTestCreate.model_validate(
        {
            "muscle": run.muscle,
            "performed_at": run.performed_at,
            "targets": [t.to_json() for t in run.score.targets],
            "overall_sd_pct": round(run.score.overall_sd_pct, 2),
            "order_pct": run.order_pct,
            "hold_s": run.hold_s,
            "settle_s": run.settle_s,
            "mvc_level": run.calibration.level,
            "unit": run.calibration.unit,
            "calibrated_at": run.calibration.created_at,
            "placement": run.calibration.placement[:500],
            "source": run.source,
        }
    )
    with db.session() as s:
        row = repo.add_skill_test(session=s, user_id=user_id, data=data)
        return _past(row)


def list_skill_tests(
    db: Database, user_id: int, *, muscle: str | None = None
) -> list[PastSkillTest]:
    """The user's complete tests, oldest first (of ``muscle``, else of every muscle)."""
    with db.session(readonly=True) as s:
        return [_past(r) for r in repo.list_skill_tests(session=s, user_id=user_id, muscle=muscle)]


def _past(row: SkillTestRow) -> PastSkillTest:
    targets = [
        TargetScore(
            target_pct=float(t["target_pct"]),
            mean_pct=float(t["mean_pct"]),
            sd_pct=float(t["sd_pct"]),
            n_holds=int(t["n_holds"]),
            n_samples=int(t["n_samples"]),
        )
        for t in row.targets
    ]
    return PastSkillTest(
        id=row.id,
        muscle=row.muscle,
        performed_at=row.performed_at,
        order_pct=[float(t) for t in row.order_pct],
        score=SkillTestScore(targets),
    )


def skill_history_figure(tests: Sequence[PastSkillTest], *, dark: bool = False) -> dict[str, Any]:
    """The tests' errors over weeks, as a plotly figure (``dark``: as the web page draws it)."""
    from mindmuscle.io.plots.skill_tests import skill_history_figure as figure

    return figure(tests, dark=dark)


def write_skill_history(tests: Sequence[PastSkillTest], path: str | Path) -> Path:
    """Write the tests' errors over weeks as a self-contained HTML chart."""
    from mindmuscle.io.plots.skill_tests import write_skill_history_html

    return write_skill_history_html(tests, path)


# --- the test on the server's live sensor (the web page) ----------------------------------------


def mapped_muscles(channel_map: str) -> list[str]:
    """The muscle names of a ``CH=MUSCLE[,...]`` map, in its order (the channels unchecked).

    Examples
    --------
    >>> mapped_muscles("1=biceps_left, EMG2 = brachialis")
    ['biceps_left', 'brachialis']
    """
    return [p.split("=", 1)[1].strip() for p in channel_map.split(",") if "=" in p]


class LiveSkillTest:
    """The test on the server's live feed for one lifter: it takes the feed's messages
    (:mod:`mindmuscle.services.live_feed`) and gives the page its words, never the level.

    Time is the stream's (each frame's ``t``): the test begins at the first frame with the
    muscle's %MVC. :meth:`take` returns the messages for the page: ``{"type": "step", "kind",
    "number", "of", "target_pct", "seconds", "left_s"}`` when a step begins. The test ends
    complete (:attr:`run` is set, to be stored) or stopped (:attr:`stopped` says why: the
    sensor was lost or stalled for ``max_stall_s``, the muscle has no %MVC); a stopped test
    stores nothing. A shorter stall (a busy computer, a radio hiccup) only pauses the words:
    the samples that arrive late keep their stream times, and a hold left with less than a
    second to score stops the test with that reason.
    """

    def __init__(
        self,
        muscle: str,
        *,
        calibration: CalibrationView,
        order: Sequence[float],
        hold_s: float = 5.0,
        rest_s: float = 10.0,
        settle_s: float = 1.0,
        max_stall_s: float = 3.0,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.muscle = muscle
        self.max_stall_s = float(max_stall_s)
        self._paused = False
        self.calibration = calibration
        self.order = [float(t) for t in order]
        self.steps = skill_test_steps(self.order, hold_s=hold_s, rest_s=rest_s, settle_s=settle_s)
        self.hold_s, self.settle_s = hold_s, settle_s
        self.run: SkillTestRun | None = None
        self.stopped: str | None = None
        self.stopped_fix: tuple[Action, dict[str, str]] | None = None  # what would fix it
        self.source = ""
        self._now = now
        self._start: float | None = None
        self._current = -1
        self._readings: list[list[tuple[float, float]]] = [[] for _ in self.order]

    @property
    def done(self) -> bool:
        return self.run is not None or self.stopped is not None

    def take(self, message: dict[str, Any]) -> list[dict[str, Any]]:
        """Take one message of the feed; returns the messages for the page."""
        if self.done:
            return []
        kind = message.get("type")
        if kind == "setup":
            self.source = str(message.get("source", ""))[:200]
            return []
        if kind == "status":
            if message.get("state") == "connecting":
                return [{"type": "status", "message": str(message.get("message", ""))}]
            return self._stop(str(message.get("message", "The sensor cannot be used.")))
        if kind != "frame":
            return []
        quality = message.get("quality", {})
        stream = quality.get("stream", "ok")
        if stream == "stalled":
            age = float(quality.get("age_s", 0.0))
            if self._start is None or age < self.max_stall_s:
                if self._start is None or self._paused:
                    return []
                self._paused = True
                return [{"type": "status", "message": "The sensor paused: waiting for it…"}]
            return self._stop(f"The sensor stalled for {age:.1f} s")
        if stream != "ok":
            return self._stop("The sensor was lost")
        if self._paused:  # the samples are back: the words again, with the time left
            self._paused, self._current = False, -1
        reading = message.get("muscles", {}).get(self.muscle)
        if reading is None:
            return self._stop(f"{self.muscle} is not mapped on this sensor")
        pct = reading.get("pct_mvc")
        if pct is None:
            return self._stop(
                f"{self.muscle} has no %MVC on this sensor (a calibration made in another unit?)",
                fix=("recalibrate_muscle", {"muscle": self.muscle}),
            )
        t = float(message["t"])
        if self._start is None:
            self._start = t
        where = step_at(self.steps, t - self._start)
        if where is None:
            self._finish()
            return []
        index, left = where
        out: list[dict[str, Any]] = []
        step = self.steps[index]
        if index != self._current:
            self._current = index
            out.append(
                {
                    "type": "step",
                    "kind": step.kind,
                    "number": step.number,
                    "of": len(self.order),
                    "target_pct": step.target_pct,
                    "seconds": step.seconds,
                    "left_s": round(left, 2),
                }
            )
        if step.kind == "hold":
            self._readings[step.number - 1].append((step.seconds - left, float(pct)))
        return out

    def _stop(
        self, why: str, *, fix: tuple[Action, dict[str, str]] | None = None
    ) -> list[dict[str, Any]]:
        self.stopped = f"{why}: the test is not complete, so nothing was stored."
        self.stopped_fix = fix
        return []

    def _finish(self) -> None:
        times = [t for hold in self._readings for t, _ in hold]
        gaps = np.diff(times) if len(times) > 1 else np.array([])
        gaps = gaps[gaps > 0]
        if not gaps.size:
            self._stop("No readings arrived during the holds")
            return
        rate_hz = 1.0 / float(np.median(gaps))
        holds = [
            (target, readings_on_grid([t for t, _ in hold], [p for _, p in hold], rate_hz))
            for target, hold in zip(self.order, self._readings, strict=True)
        ]
        try:
            score = score_skill_test(holds, rate_hz, settle_s=self.settle_s)
        except InvalidInputError as exc:
            self.stopped = f"{exc} Nothing was stored."
            return
        self.run = SkillTestRun(
            muscle=self.muscle,
            order_pct=self.order,
            score=score,
            hold_s=self.hold_s,
            settle_s=self.settle_s,
            calibration=self.calibration,
            source=self.source,
            performed_at=self._now(),
        )


def skill_test_overview(
    db: Database, user_id: int, *, muscle: str | None = None, live_map: str | None = None
) -> dict[str, Any]:
    """What the web page shows: the tests of ``muscle`` (default: the latest test's), the
    muscles tested, the figure over weeks, and the live sensor's mapped muscles with whether
    each has a fresh calibration (``live_map`` None: the server has no sensor)."""
    every = list_skill_tests(db, user_id)
    tested = sorted({t.muscle for t in every})
    chosen = muscle or (every[-1].muscle if every else None)
    tests = [t for t in every if t.muscle == chosen]
    live: dict[str, Any] | None = None
    if live_map is not None:
        names = mapped_muscles(live_map)
        found = load_calibrations(db, user_id, names, unit=None)
        live = {
            "muscles": [
                {"muscle": m, "calibrated": m in found and not found[m].flags} for m in names
            ]
        }
    return {
        "muscle": chosen,
        "muscles": tested,
        "tests": [t.to_json() for t in reversed(tests)],
        "figure": skill_history_figure(tests, dark=True) if tests else None,
        "live": live,
    }
