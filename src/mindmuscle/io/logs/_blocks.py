"""Exercise blocks inside a workout: which block a row belongs to, and its set number.

A new block starts when the exercise changes, or when the same exercise's set numbering starts
again (the exercise done twice in a row). Rows of a superset may interleave ("A, B, A, B"):
they stay in their exercise's block of that superset. Superset ids are only unique inside a
workout, so they are looked up per workout.

Only the most recent workouts are kept open (exports list a workout's rows together), so memory
does not grow with the file.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

__all__ = ["Blocks"]

OPEN_WORKOUTS = 256


@dataclass(slots=True)
class _Workout:
    current: int = 0
    last_name: str | None = None
    last_order: int | None = None
    counts: dict[int, int] = field(default_factory=dict)
    supersets: dict[tuple[str, str], int] = field(default_factory=dict)


class Blocks:
    """Assigns (exercise position, set position) to rows in file order."""

    def __init__(self) -> None:
        self._workouts: OrderedDict[str, _Workout] = OrderedDict()

    def place(
        self, workout_key: str, name: str, *, order: int | None = None, superset: str | None = None
    ) -> tuple[int, int]:
        """The 1-based exercise position and set position of the next row."""
        w = self._workouts.get(workout_key)
        if w is None:
            w = self._workouts[workout_key] = _Workout()
            if len(self._workouts) > OPEN_WORKOUTS:
                self._workouts.popitem(last=False)
        else:
            self._workouts.move_to_end(workout_key)
        block: int | None = None
        if superset:
            block = w.supersets.get((name, superset))
        if block is None:
            restarted = order is not None and w.last_order is not None and order <= w.last_order
            if name != w.last_name or restarted or w.current == 0:
                w.current += 1
                w.counts[w.current] = 0
                w.last_order = None
                if superset:
                    w.supersets[(name, superset)] = w.current
            block = w.current
        w.last_name = name
        if order is not None:  # a lettered set (W, D, F) keeps the numbering it interrupts
            w.last_order = order
        w.counts[block] += 1
        return block, w.counts[block]
