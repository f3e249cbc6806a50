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

from mindmuscle.errors import InvalidInputError, NotFoundError, StreamError
from mindmuscle.experiments.skill_test import (
    PastSkillTest,
    SkillStep,
    SkillTestScore,
    TargetScore,
    score_skill_test,
    skill_test_steps,
)
from mindmuscle.io.live import LiveSource
from mindmuscle.services.live import CalibrationView, load_calibrations
from mindmuscle.signals.emg.live import parse_channel_map
from mindmuscle.signals.emg.streaming import causal_envelope
from mindmuscle.store import Database, SkillTestCreate, repo
from mindmuscle.store.tables import SkillTestRow

__all__ = [
    "SkillTestRun",
    "list_skill_tests",
    "run_skill_test",
    "save_skill_test",
    "skill_history_figure",
    "skill_test_calibration",
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
        unit) and ``accept_stale`` is not set.
    """
    found = load_calibrations(
        db, user_id, [muscle], unit=unit, now=now, placement_now=placement_now
    ).get(muscle)
    if found is None:
        raise NotFoundError(
            f"{muscle} has no calibration: run `mindmuscle live calibrate --muscle {muscle}` "
            "first (the test's targets are % of your MVC)."
        )
    flags = found.flags
    if flags and not accept_stale:
        raise InvalidInputError(
            f"the calibration of {muscle} ({found.created_at:%Y-%m-%d %H:%M}) is "
            f"{'; '.join(flags)}: run `mindmuscle live calibrate --muscle {muscle}` again, or "
            "pass --accept-stale to test against it anyway."
        )
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


def skill_history_figure(tests: Sequence[PastSkillTest]) -> dict[str, Any]:
    """The tests' errors over weeks, as the plotly figure the web page draws."""
    from mindmuscle.io.plots.skill_tests import skill_history_figure as figure

    return figure(tests)


def write_skill_history(tests: Sequence[PastSkillTest], path: str | Path) -> Path:
    """Write the tests' errors over weeks as a self-contained HTML chart."""
    from mindmuscle.io.plots.skill_tests import write_skill_history_html

    return write_skill_history_html(tests, path)
