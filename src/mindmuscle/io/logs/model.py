"""What a workout-log reader yields: one :class:`ParsedSet` per set, in file order.

Readers stream: they hold one row at a time plus a little state per workout (which exercise
block is open), never the whole file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from mindmuscle.coach.models import SetType
from mindmuscle.errors import FileFormatError, FileRowsError

__all__ = ["MAX_LISTED_ERRORS", "LogFormat", "ParsedSet", "RowErrors", "make_import_key"]

MAX_LISTED_ERRORS = 50
"""The most broken rows of a file an import lists; the rest are counted."""

LogFormat = Literal["strong", "hevy", "fitnotes"]


@dataclass(frozen=True, slots=True)
class ParsedSet:
    """One set of an imported log, loads already in kilograms.

    Times without a zone in the file are kept as written; times with a zone are converted to
    UTC. Both are naive here (the store keeps them as UTC).
    """

    line: int
    """Physical line of the file where the row starts (1 = header)."""
    workout_key: str
    """Identity of the workout inside the file (start time and title, or Strong's Workout #)."""
    workout_title: str
    started_at: datetime
    ended_at: datetime | None
    workout_duration_s: float | None
    workout_notes: str
    exercise_name: str
    exercise_position: int
    """1-based position of the exercise block in its workout (an exercise done twice is twice)."""
    set_position: int
    """1-based position of the set in its exercise block."""
    set_type: SetType
    load_kg: float | None
    reps: int | None
    rpe: float | None
    duration_s: float | None
    distance_m: float | None
    notes: str
    superset: str | None
    category: str | None = None

    @property
    def import_key(self) -> str:
        """A deterministic key of this set: the same row imported twice gives the same key."""
        return make_import_key(
            started_at=self.started_at,
            workout_title=self.workout_title,
            exercise_name=self.exercise_name,
            exercise_position=self.exercise_position,
            set_position=self.set_position,
            set_type=self.set_type,
            load_kg=self.load_kg,
            reps=self.reps,
            rpe=self.rpe,
            duration_s=self.duration_s,
            distance_m=self.distance_m,
        )


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def make_import_key(
    *,
    started_at: datetime,
    workout_title: str,
    exercise_name: str,
    exercise_position: int,
    set_position: int,
    set_type: str,
    load_kg: float | None,
    reps: int | None,
    rpe: float | None,
    duration_s: float | None,
    distance_m: float | None,
) -> str:
    """SHA-256 (hex, 40 characters) of the workout start, exercise, order and values of a set."""
    text = "\x1f".join(
        [
            started_at.isoformat(),
            workout_title,
            exercise_name,
            str(exercise_position),
            str(set_position),
            set_type,
            _num(load_kg),
            "" if reps is None else str(reps),
            _num(rpe),
            _num(duration_s),
            _num(distance_m),
        ]
    )
    return "log:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:40]


class RowErrors:
    """The broken rows of a file, collected while it is read to the end.

    A reader given one skips a broken row (recording why) instead of stopping at it, so one
    import lists every broken row at once: the first ``limit`` of them, and how many more.

    Examples
    --------
    >>> errors = RowErrors(limit=1)
    >>> errors.add(FileFormatError("'x' is not a number", path="a.csv", line=2, column="Reps"))
    >>> errors.add(FileFormatError("is empty", path="a.csv", line=3, column="Date"))
    >>> len(errors), errors.more
    (2, 1)
    >>> [e.line for e in errors.listed]
    [2]
    """

    def __init__(self, limit: int = MAX_LISTED_ERRORS) -> None:
        self.limit = limit
        self.listed: list[FileFormatError] = []
        self.more = 0

    def add(self, error: FileFormatError) -> None:
        """Record one broken row."""
        if len(self.listed) < self.limit:
            self.listed.append(error)
        else:
            self.more += 1

    def __len__(self) -> int:
        return len(self.listed) + self.more

    def raise_any(self) -> None:
        """Raise :class:`~mindmuscle.errors.FileRowsError` when a row was broken."""
        if self.listed:
            raise FileRowsError(self.listed, more=self.more)


def collect(errors: RowErrors | None, error: FileFormatError) -> None:
    """Record ``error`` in ``errors``; raise it when there is nowhere to collect it."""
    if errors is None:
        raise error
    errors.add(error)
