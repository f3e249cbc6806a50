"""What today's plan reads from a long history, without reading every set.

The store counts the user's sets per exercise in one pass in the database; only the recent
sets that carry weight in the connection score and the e1RM are read
(:mod:`mindmuscle.coach.summary` says which, and why the result equals the full computation).
Ten years of sets is then about 20,000 rows read instead of 100,000, and the first plan of the
day needs no cache of every set.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from mindmuscle.catalog.models import Mechanic
from mindmuscle.coach.catalog_view import CatalogView
from mindmuscle.coach.e1rm import MAX_E1RM_REPS, estimate_e1rm
from mindmuscle.coach.models import E1RM, ConnectionScore, LoggedSet
from mindmuscle.coach.plan import RECENT_HOURS, PlanHistory
from mindmuscle.coach.summary import (
    HistorySummary,
    LiftedExercise,
    RatedExercise,
    RatedSet,
    connection_maps_from_summary,
    e1rm_from_summary,
    e1rm_window,
    rated_windows,
)
from mindmuscle.services.history import logged_set_of, logged_sets
from mindmuscle.store import Database, bulk

__all__ = ["connection_map_summarised", "history_summary", "plan_history"]


def history_summary(*, db: Database, user_id: int) -> HistorySummary:
    """The totals of the user's sets, per exercise, counted by the database."""
    with db.session(readonly=True) as s:
        totals = bulk.exercise_totals(session=s, user_id=user_id, max_reps=MAX_E1RM_REPS)
        felt_rows = []
        if any(t.felt for t in totals):  # most lifters never note another muscle
            felt_rows = bulk.felt_elsewhere_rows(session=s, user_id=user_id)
    rated: dict[str, RatedExercise] = {}
    lifted: dict[str, LiftedExercise] = {}
    for t in totals:
        if t.rated and t.first_rated is not None and t.last_rated is not None:
            rated[t.exercise_id] = RatedExercise(t.rated, t.first_rated, t.last_rated)
        if t.lifted and t.last_lifted is not None and t.max_lifted_kg is not None:
            lifted[t.exercise_id] = LiftedExercise(
                t.lifted, t.last_lifted, t.lifted_low_reps, float(t.max_lifted_kg)
            )
    felt: dict[str, dict[str, int]] = {}
    for exercise_id, values in felt_rows:
        for muscle, value in values.items():
            if int(value) >= 5:
                by_muscle = felt.setdefault(exercise_id, {})
                by_muscle[muscle] = by_muscle.get(muscle, 0) + 1
    return HistorySummary(
        sets={t.exercise_id: t.sets for t in totals}, rated=rated, lifted=lifted, felt=felt
    )


def _maps(
    *, db: Database, user_id: int, summary: HistorySummary, catalog: CatalogView, now: datetime
) -> tuple[dict[str, ConnectionScore], dict[str, ConnectionScore]] | None:
    """Both connection maps (all exercises, isolation only), or None if they cannot be had
    from the summary (the history changed meanwhile)."""
    since: dict[str, datetime | None] = dict(rated_windows(summary, catalog))
    for _attempt in range(2):
        with db.session(readonly=True) as s:
            rows = bulk.rated_set_rows(session=s, user_id=user_id, since=since)
        maps = connection_maps_from_summary(
            summary,
            [RatedSet(*row) for row in rows],
            since=since,
            catalog=catalog,
            now=now,
            mechanics=(None, Mechanic.ISOLATION),
        )
        if maps[0] is not None and maps[1] is not None:
            return maps[0], maps[1]
        # Old ratings still matter (an uneven history): read every rated set once.
        since = dict.fromkeys(since)
    return None


def _e1rm(
    *, db: Database, user_id: int, summary: HistorySummary, exercise_id: str, now: datetime
) -> E1RM | None:
    start = e1rm_window(summary, exercise_id)
    if start is None:
        return None
    with db.session(readonly=True) as s:
        # The rows as they are: an e1RM reads their fields (no set objects to build).
        recent = bulk.lift_rows_since(
            session=s, user_id=user_id, exercise_id=exercise_id, since=start
        )
    got = e1rm_from_summary(summary, recent, exercise_id, since=start, now=now)
    if got is not False:
        return got if isinstance(got, E1RM) else None
    # Old sets still matter, or the sets changed meanwhile: every set of the exercise.
    with db.session(readonly=True) as s:
        every = bulk.lift_rows_since(
            session=s, user_id=user_id, exercise_id=exercise_id, since=None
        )
    return estimate_e1rm(every, exercise_id, now=now)


def plan_history(*, db: Database, user_id: int, catalog: CatalogView, now: datetime) -> PlanHistory:
    """What :func:`~mindmuscle.coach.build_plan` reads from the user's history: equal to
    ``PlanHistory.of(logged_sets(...))`` without reading every set."""
    summary = history_summary(db=db, user_id=user_id)
    maps = _maps(db=db, user_id=user_id, summary=summary, catalog=catalog, now=now)
    if maps is None:
        return PlanHistory.of(logged_sets(db=db, user_id=user_id), catalog=catalog, now=now)
    unknown = {ex: n for ex, n in summary.sets.items() if ex not in catalog.exercises}
    since = now - timedelta(hours=RECENT_HOURS)
    with db.session(readonly=True) as s:
        # The same stored sets the rest of the plan reads, logged here or imported alike.
        recent = [
            logged_set_of(row)
            for row in bulk.logged_set_rows_by_time(session=s, user_id=user_id, since=since)
        ]
    return PlanHistory(
        scores=maps[0],
        iso_scores=maps[1],
        unknown_sets=unknown,
        e1rm=lambda exercise_id: _e1rm(
            db=db, user_id=user_id, summary=summary, exercise_id=exercise_id, now=now
        ),
        trained=dict(summary.sets),
        imported=lambda exercise_id: _imported(db=db, user_id=user_id, exercise_id=exercise_id),
        recent=recent,
        last_working=lambda exercise_id: _last_working(
            db=db, user_id=user_id, exercise_id=exercise_id
        ),
    )


def _last_working(*, db: Database, user_id: int, exercise_id: str) -> LoggedSet | None:
    with db.session(readonly=True) as s:
        row = bulk.last_working_set(session=s, user_id=user_id, exercise_id=exercise_id)
    return None if row is None else logged_set_of(row)


def _imported(*, db: Database, user_id: int, exercise_id: str) -> int:
    with db.session(readonly=True) as s:
        return bulk.imported_set_count(session=s, user_id=user_id, exercise_id=exercise_id)


def connection_map_summarised(
    *, db: Database, user_id: int, catalog: CatalogView, now: datetime
) -> dict[str, ConnectionScore]:
    """The connection map of every exercise (as ``connection_map(..., unknown="skip")``) from
    the summary and the recent rated sets."""
    return dict(plan_history(db=db, user_id=user_id, catalog=catalog, now=now).scores)
