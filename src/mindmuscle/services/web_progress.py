"""The progress page's numbers: the connection map, per-muscle rating trends, and e1RM and
volume per exercise, week by week.

Computing them reads every logged set (ten years of training is about 100,000 sets), so
:class:`ProgressCache` keeps the last result per user and computes again only when a set was
added (or removed) since: the check is one indexed query.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select

from mindmuscle.catalog import Catalog
from mindmuscle.coach import connection_map, set_e1rm
from mindmuscle.coach.models import ConnectionScore, LoggedSet
from mindmuscle.services.history import logged_sets
from mindmuscle.store import Database
from mindmuscle.store.tables import SetRow

__all__ = [
    "ExerciseSeries",
    "MuscleTrend",
    "Progress",
    "ProgressCache",
    "compute_progress",
    "history_version",
]


class MuscleTrend(BaseModel):
    model_config = ConfigDict(frozen=True)

    muscle_id: str
    name: str
    weeks: list[date] = Field(description="Monday of each week with a rating.")
    mean_rating: list[float] = Field(description="Mean target rating 0-10 of that week.")
    n_sets: list[int]


class ExerciseSeries(BaseModel):
    model_config = ConfigDict(frozen=True)

    exercise_id: str
    name: str
    weeks: list[date]
    e1rm_kg: list[float | None] = Field(description="Best set e1RM of the week (None: no reps).")
    volume_kg: list[float] = Field(description="Sum of load x reps of the week.")
    n_sets: int


class Progress(BaseModel):
    model_config = ConfigDict(frozen=True)

    computed_at: datetime
    total_sets: int
    rated_sets: int
    first_set_at: datetime | None
    last_set_at: datetime | None
    scores: dict[str, ConnectionScore]
    trends: list[MuscleTrend]
    exercises: list[ExerciseSeries]


def _monday(t: datetime) -> date:
    d = t.date()
    return d - timedelta(days=d.weekday())


def compute_progress(
    sets: Sequence[LoggedSet], *, catalog: Catalog, now: datetime, weeks: int = 104
) -> Progress:
    """Progress from logged sets (oldest first); trends and series cover the last ``weeks``."""
    start = _monday(now) - timedelta(weeks=weeks - 1)
    ratings: dict[str, dict[date, list[int]]] = defaultdict(lambda: defaultdict(list))
    best: dict[str, dict[date, float]] = defaultdict(dict)
    volume: dict[str, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    counts: dict[str, int] = defaultdict(int)
    rated = 0
    for s in sets:
        if s.target_rating is not None:
            rated += 1
        week = _monday(s.performed_at)
        if week < start:
            continue
        counts[s.exercise_id] += 1
        volume[s.exercise_id][week] += s.load_kg * s.reps
        if s.load_kg > 0 and 1 <= s.reps <= 36:
            e1rm = set_e1rm(s.load_kg, s.reps)[0]
            if e1rm > best[s.exercise_id].get(week, 0.0):
                best[s.exercise_id][week] = e1rm
        if s.target_rating is not None and s.exercise_id in catalog.exercises:
            for muscle in catalog.exercises[s.exercise_id].targets:
                ratings[muscle][week].append(s.target_rating)
    known = [s for s in sets if s.exercise_id in catalog.exercises]
    scores = connection_map(known, catalog=catalog, now=now) if known else {}
    trends = [
        MuscleTrend(
            muscle_id=m,
            name=catalog.muscles[m].name if m in catalog.muscles else m,
            weeks=sorted(by_week),
            mean_rating=[round(sum(v) / len(v), 2) for _, v in sorted(by_week.items())],
            n_sets=[len(v) for _, v in sorted(by_week.items())],
        )
        for m, by_week in sorted(ratings.items())
    ]
    series = []
    for ex_id in sorted(volume, key=lambda e: -counts[e]):
        weeks_sorted = sorted(volume[ex_id])
        series.append(
            ExerciseSeries(
                exercise_id=ex_id,
                name=catalog.exercises[ex_id].name if ex_id in catalog.exercises else ex_id,
                weeks=weeks_sorted,
                e1rm_kg=[
                    round(best[ex_id][w], 1) if w in best[ex_id] else None for w in weeks_sorted
                ],
                volume_kg=[round(volume[ex_id][w], 1) for w in weeks_sorted],
                n_sets=counts[ex_id],
            )
        )
    return Progress(
        computed_at=now,
        total_sets=len(sets),
        rated_sets=rated,
        first_set_at=sets[0].performed_at if sets else None,
        last_set_at=sets[-1].performed_at if sets else None,
        scores=scores,
        trends=trends,
        exercises=series,
    )


def history_version(*, db: Database, user_id: int) -> tuple[int, int]:
    """(number of sets, highest set id) of a user: changes whenever a set is added or removed."""
    with db.session(readonly=True) as s:
        row = s.execute(
            select(func.count(SetRow.id), func.max(SetRow.id)).where(SetRow.user_id == user_id)
        ).one()
        return int(row[0]), int(row[1] or 0)


class ProgressCache:
    """The last :class:`Progress` per user, computed again only when the sets changed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_user: dict[int, tuple[tuple[int, int], date, Progress]] = {}

    def get(self, *, db: Database, user_id: int, catalog: Catalog, now: datetime) -> Progress:
        version = history_version(db=db, user_id=user_id)
        with self._lock:
            hit = self._by_user.get(user_id)
            if hit is not None and hit[0] == version and hit[1] == now.date():
                return hit[2]
            progress = compute_progress(
                logged_sets(db=db, user_id=user_id), catalog=catalog, now=now
            )
            self._by_user[user_id] = (version, now.date(), progress)
            return progress
