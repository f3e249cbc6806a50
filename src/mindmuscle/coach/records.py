"""An exercise's records from its logged sets: best e1RM, best set, and the most recent sets.

- **Best e1RM**: the highest one-set estimate (the same rules as :func:`estimate_e1rm`: working
  sets with a load, reps plus reps in reserve at most 30, Brzycki up to 10 and Epley above).
- **Best set**: the heaviest load lifted for at least one repetition (ties: more reps, then the
  earlier set, which set the record first).
- **Recent**: the newest sets, newest first, warm-ups included (they are what was done).

Pure: the sets come in as an argument; loads are kilograms (the channels show the user's units).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from mindmuscle.coach.e1rm import MAX_E1RM_REPS, set_e1rm
from mindmuscle.coach.models import LoggedSet

__all__ = ["ExerciseRecords", "SetSummary", "exercise_records", "records_by_exercise"]


class SetSummary(BaseModel):
    """One logged set, as a record or a line of recent history."""

    model_config = ConfigDict(frozen=True)

    performed_at: datetime
    load_kg: float
    reps: int
    target_rating: int | None = None


class ExerciseRecords(BaseModel):
    """What the lifter has done of one exercise."""

    model_config = ConfigDict(frozen=True)

    exercise_id: str
    n_sets: int = Field(description="Sets logged (deleted ones are not counted).")
    best_e1rm_kg: float | None = Field(description="The highest one-set e1RM, kg.")
    best_e1rm_set: SetSummary | None = Field(description="The set that gave it.")
    best_set: SetSummary | None = Field(description="The heaviest load lifted, kg.")
    recent: list[SetSummary] = Field(description="The newest sets, newest first.")


def _summary(s: LoggedSet) -> SetSummary:
    return SetSummary(
        performed_at=s.performed_at, load_kg=s.load_kg, reps=s.reps, target_rating=s.target_rating
    )


def exercise_records(
    sets: Sequence[LoggedSet], exercise_id: str, *, recent: int = 5
) -> ExerciseRecords:
    """The records of ``exercise_id`` among ``sets`` (any exercises, any order).

    Examples
    --------
    >>> from datetime import datetime
    >>> day = datetime(2026, 3, 1)
    >>> sets = [LoggedSet(exercise_id="squat", performed_at=day, load_kg=100, reps=5),
    ...         LoggedSet(exercise_id="squat", performed_at=day, load_kg=90, reps=10)]
    >>> r = exercise_records(sets, "squat")
    >>> r.best_e1rm_kg, r.best_set.load_kg, r.best_set.reps
    (120.0, 100.0, 5)
    """
    mine = sorted((s for s in sets if s.exercise_id == exercise_id), key=lambda s: s.performed_at)
    best_e1rm: tuple[float, LoggedSet] | None = None
    best_set: LoggedSet | None = None
    for s in mine:
        if s.set_type == "warmup" or s.load_kg <= 0 or s.reps < 1:
            continue
        reps = s.reps + (s.reps_in_reserve or 0)
        if reps <= MAX_E1RM_REPS:
            value, _ = set_e1rm(s.load_kg, reps)
            if best_e1rm is None or value > best_e1rm[0] + 1e-9:
                best_e1rm = (value, s)
        if best_set is None or (s.load_kg, s.reps) > (best_set.load_kg, best_set.reps):
            best_set = s
    return ExerciseRecords(
        exercise_id=exercise_id,
        n_sets=len(mine),
        best_e1rm_kg=None if best_e1rm is None else best_e1rm[0],
        best_e1rm_set=None if best_e1rm is None else _summary(best_e1rm[1]),
        best_set=None if best_set is None else _summary(best_set),
        recent=[_summary(s) for s in reversed(mine[-recent:])] if recent > 0 else [],
    )


def records_by_exercise(
    sets: Sequence[LoggedSet], *, recent: int = 5
) -> dict[str, ExerciseRecords]:
    """:func:`exercise_records` of every exercise that has a logged set."""
    by_id: dict[str, list[LoggedSet]] = {}
    for s in sets:
        by_id.setdefault(s.exercise_id, []).append(s)
    return {i: exercise_records(group, i, recent=recent) for i, group in by_id.items()}
