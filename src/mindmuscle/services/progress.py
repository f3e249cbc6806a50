"""The progress page's numbers: the connection map, per-muscle rating trends, and e1RM and
volume per exercise, week by week, over the last two years.

Ten years of training is about 100,000 sets. :class:`ProgressCache` keeps each user's logged
sets of the window in memory (the totals of the rest are counted in the database), reads only
the sets added since the last look (one indexed query tells), and computes the page again only
when they changed. The connection map is computed from the sets of
the window: a rating two years old weighs ``0.5 ** (730 / 21)``, under 1e-10 of a fresh one, so
the scores are those of the whole history; ``count`` is then the rated sets of the window.
"""

from __future__ import annotations

import bisect
import itertools
import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from mindmuscle.catalog import Catalog
from mindmuscle.coach import connection_map, set_e1rm
from mindmuscle.coach.models import ConnectionScore, LoggedSet
from mindmuscle.services.history import logged_set_of
from mindmuscle.store import Database, bulk

__all__ = [
    "MAX_CACHED_USERS",
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
    n_sets: int = Field(description="The exercise's sets in the weeks covered.")


class Progress(BaseModel):
    model_config = ConfigDict(frozen=True)

    computed_at: datetime
    total_sets: int
    rated_sets: int
    first_set_at: datetime | None
    last_set_at: datetime | None
    since: date = Field(
        description="The Monday the trends and series start (weeks before: not drawn)."
    )
    scores: dict[str, ConnectionScore]
    trends: list[MuscleTrend]
    exercises: list[ExerciseSeries]


WEEKS = 104
"""The weeks the trends and series cover."""


def _monday(t: datetime) -> date:
    d = t.date()
    return d - timedelta(days=d.weekday())


def window_start(now: datetime, weeks: int = WEEKS) -> datetime:
    """The first moment the progress page's trends and series cover: the Monday ``weeks - 1``
    weeks before this one."""
    start = _monday(now) - timedelta(weeks=weeks - 1)
    return datetime.combine(start, datetime.min.time(), tzinfo=now.tzinfo)


def compute_progress(
    sets: Sequence[LoggedSet],
    *,
    catalog: Catalog,
    now: datetime,
    weeks: int = WEEKS,
    totals: bulk.SetTotals | None = None,
) -> Progress:
    """Progress from logged sets (oldest first); trends and series cover the last ``weeks``.

    ``sets`` may start anywhere before the window (:func:`window_start`) when ``totals`` gives
    the whole history's count, rated count, first and last set; without ``totals`` they are
    counted from ``sets``, which must then be every set.
    """
    since = window_start(now, weeks)
    # Sets are oldest first: only the window is walked (ten years is five windows).
    first = bisect.bisect_left(sets, since, key=lambda x: x.performed_at)
    window = sets[first:]
    ratings: dict[str, dict[date, list[int]]] = defaultdict(lambda: defaultdict(list))
    best: dict[str, dict[date, float]] = defaultdict(dict)
    volume: dict[str, dict[date, float]] = defaultdict(lambda: defaultdict(float))
    counts: dict[str, int] = defaultdict(int)
    if totals is None:
        totals = bulk.SetTotals(
            sets=len(sets),
            rated=sum(1 for s in sets if s.target_rating is not None),
            first=sets[0].performed_at if sets else None,
            last=sets[-1].performed_at if sets else None,
        )
    for s in window:
        week = _monday(s.performed_at)
        counts[s.exercise_id] += 1
        volume[s.exercise_id][week] += s.load_kg * s.reps
        if s.load_kg > 0 and 1 <= s.reps <= 36:
            e1rm = set_e1rm(s.load_kg, s.reps)[0]
            if e1rm > best[s.exercise_id].get(week, 0.0):
                best[s.exercise_id][week] = e1rm
        if s.target_rating is not None and s.exercise_id in catalog.exercises:
            for muscle in catalog.exercises[s.exercise_id].targets:
                ratings[muscle][week].append(s.target_rating)
    known = [s for s in window if s.exercise_id in catalog.exercises]
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
        total_sets=totals.sets,
        rated_sets=totals.rated,
        first_set_at=totals.first,
        last_set_at=totals.last,
        since=since.date(),
        scores=scores,
        trends=trends,
        exercises=series,
    )


Version = tuple[int, int, int]
FULL_RELOAD_S = 3600.0  # reflections replaced in place (same ids) show within the hour


def history_version(*, db: Database, user_id: int) -> Version:
    """(highest set id, highest reflection id, highest revision id) of a user: changes when a
    set or reflection is added, and when a set is edited, deleted or restored."""
    with db.session(readonly=True) as s:
        return _version(s, user_id)


def _version(s: Session, user_id: int) -> Version:
    return bulk.history_version(session=s, user_id=user_id)


def _logged(rows: Iterable[bulk.LoggedSetRow]) -> list[tuple[int, LoggedSet]]:
    """(set id, set as the coach reads it) of each row."""
    return [(row.id, logged_set_of(row)) for row in rows]


# Past this many sets changed at once, reading everything again is as quick.
MAX_REREAD_SETS = 2000


class _UserSets:
    def __init__(self, since: datetime | None = None) -> None:
        self.since = since
        """Only sets performed from then on are held (None: every set)."""
        self.totals: bulk.SetTotals | None = None
        """The whole history's totals at ``version`` (held with a window of sets only)."""
        self.version: Version = (0, 0, 0)
        self.sets: list[LoggedSet] = []
        self.by_id: dict[int, LoggedSet] = {}
        self.loaded_at = float("-inf")
        # The catalogue is part of the key: assigning an exercise's targets changes the map.
        self.progress: tuple[Version, date, Catalog, Progress] | None = None


# Ten years of one user's sets take about 100 MB in memory: a team's server keeps the few
# users who looked last (each worker its own), and reads anyone else's sets again.
MAX_CACHED_USERS = 4
# The window held for the progress page reaches a week further back than the page shows, so it
# still covers the page next week (it is read afresh within the hour anyway).
_WINDOW_MARGIN = timedelta(weeks=1)


class _UserEntry:
    """One user's cached sets: every set (records), and the progress page's window."""

    def __init__(self) -> None:
        self.every: _UserSets | None = None
        self.window: _UserSets | None = None


class ProgressCache:
    """The logged sets and last :class:`Progress` of the ``max_users`` users who looked last,
    brought up to date on demand.

    The progress page reads only the sets of its window (the last two years) and counts the
    rest in the database, so its first view of ten years of sets reads a fifth of them; the
    records of an exercise read every set. New sets are read by id; sets edited, deleted or
    restored (their revisions) are read again one by one; a reflection added later to a set
    already read without a revision, or many changes at once, read everything again. A user
    beyond ``max_users`` pushes out the one who looked longest ago.
    """

    def __init__(self, max_users: int = MAX_CACHED_USERS) -> None:
        if max_users < 1:
            raise ValueError(f"max_users must be at least 1, got {max_users}")
        self._lock = threading.Lock()
        self._max_users = max_users
        self._users: OrderedDict[int, _UserEntry] = OrderedDict()

    @property
    def users(self) -> list[int]:
        """The users whose sets are held, the one who looked longest ago first."""
        with self._lock:
            return list(self._users)

    def _entry(self, user_id: int) -> _UserEntry:
        """The user's entry, now the most recent; the oldest beyond ``max_users`` leave."""
        cached = self._users.pop(user_id, None) or _UserEntry()
        self._users[user_id] = cached
        while len(self._users) > self._max_users:
            self._users.popitem(last=False)
        return cached

    def _changed(
        self, s: Session, user_id: int, cached: _UserSets, version: Version
    ) -> set[int] | None:
        """The ids of the sets already read that changed since, or None to read everything."""
        revised: set[int] = set()
        if version[2] != cached.version[2]:
            revised = bulk.revised_set_ids(
                session=s,
                user_id=user_id,
                after_revision_id=cached.version[2],
                up_to_revision_id=version[2],
            )
            # Sets newer than the last read are read with the new ones anyway.
            revised = {i for i in revised if i <= cached.version[0]}
            if len(revised) > MAX_REREAD_SETS:
                return None
        late = bulk.late_reflection_set_ids(
            session=s,
            user_id=user_id,
            after_reflection_id=cached.version[1],
            up_to_set_id=cached.version[0],
        )
        return None if late - revised else revised

    def _sync(self, db: Database, user_id: int, cached: _UserSets) -> Version:
        now = time.monotonic()
        full = now - cached.loaded_at > FULL_RELOAD_S
        with db.session(readonly=True) as s:
            version = _version(s, user_id)
            if version == cached.version and not full:
                return version
            changed = None if full else self._changed(s, user_id, cached, version)
            # Ids bound the reads, so a set stored meanwhile is read next time, never twice.
            after = 0 if changed is None else cached.version[0]
            new = _logged(
                bulk.logged_set_rows(
                    session=s,
                    user_id=user_id,
                    after_id=after,
                    up_to_id=version[0],
                    since=cached.since,
                )
            )
            if changed:
                new += _logged(
                    bulk.logged_set_rows_by_id(
                        session=s, user_id=user_id, set_ids=changed, since=cached.since
                    )
                )
            if cached.since is not None:
                cached.totals = bulk.set_totals(session=s, user_id=user_id)
        if changed is None:
            cached.sets, cached.by_id = [], {}
            cached.loaded_at = now
        elif changed:
            gone = {id(cached.by_id.pop(i)) for i in changed if i in cached.by_id}
            cached.sets = [x for x in cached.sets if id(x) not in gone]
        times = [x.performed_at for x in cached.sets[-1:]] + [x.performed_at for _, x in new]
        for set_id, logged in new:
            cached.by_id[set_id] = logged
            cached.sets.append(logged)
        if any(b < a for a, b in itertools.pairwise(times)):
            # Oldest first, as a full read would give them (sets of the same time by id).
            set_id_of = {id(x): k for k, x in cached.by_id.items()}
            cached.sets.sort(key=lambda x: (x.performed_at, set_id_of[id(x)]))
        cached.version = version
        return version

    def sets(self, *, db: Database, user_id: int) -> list[LoggedSet]:
        """Every logged set of the user, oldest first (a copy)."""
        with self._lock:
            entry = self._entry(user_id)
            cached = entry.every = entry.every or _UserSets()
            self._sync(db, user_id, cached)
            return list(cached.sets)

    def get(self, *, db: Database, user_id: int, catalog: Catalog, now: datetime) -> Progress:
        """The user's progress as of ``now``, computed again only when their sets changed."""
        start = window_start(now)
        with self._lock:
            entry = self._entry(user_id)
            cached = entry.window
            # A window that no longer starts near the page's (a server up for months) is
            # read afresh.
            if (
                cached is None
                or cached.since is None
                or not start - 4 * _WINDOW_MARGIN <= cached.since <= start
            ):
                cached = entry.window = _UserSets(since=start - _WINDOW_MARGIN)
            version = self._sync(db, user_id, cached)
            hit = cached.progress
            if hit is not None and hit[:3] == (version, now.date(), catalog):
                return hit[3]
            progress = compute_progress(cached.sets, catalog=catalog, now=now, totals=cached.totals)
            cached.progress = (version, now.date(), catalog, progress)
            return progress
