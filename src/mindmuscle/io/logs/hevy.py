"""Hevy exports: metric (``weight_kg``, ``distance_km``) or imperial (``weight_lbs``, ...).

Hevy has no workout id: a workout is its ``title`` plus ``start_time``. The same exercise can
appear twice in one workout (two blocks), and ``superset_id`` is only unique inside a workout.
``set_type`` is ``normal``, ``warmup``, ``dropset`` or ``failure`` (some converters write the
codes 1-4 for the same).
"""

from __future__ import annotations

from collections.abc import Iterator

from mindmuscle.coach.limits import SET_INDEX
from mindmuscle.coach.models import SetType
from mindmuscle.errors import FileFormatError
from mindmuscle.io.logs._blocks import Blocks
from mindmuscle.io.logs._table import CsvTable, Row
from mindmuscle.io.logs.model import ParsedSet, RowErrors, collect

__all__ = ["REQUIRED", "describe_units", "is_hevy", "read_hevy"]

REQUIRED = ("title", "start_time", "exercise_title")
_SET_TYPES: dict[str, SetType] = {
    "": "working",
    "normal": "working",
    "warmup": "warmup",
    "warm_up": "warmup",
    "dropset": "drop",
    "drop_set": "drop",
    "failure": "failure",
    "1": "working",
    "2": "warmup",
    "3": "drop",
    "4": "failure",
}


def is_hevy(columns: dict[str, tuple[int, str]]) -> bool:
    """Whether a header (normalised names) is a Hevy export."""
    return all(c in columns for c in REQUIRED)


def describe_units(columns: dict[str, tuple[int, str]]) -> str | None:
    """``"kg"`` or ``"lb"`` from the weight column of the header."""
    if "weight_kg" in columns:
        return "kg"
    return "lb" if "weight_lbs" in columns else None


def _load_kg(row: Row, has_kg: bool, has_lbs: bool) -> float | None:
    kg = row.cell("weight_kg").load("kg") if has_kg else None
    # Some files carry both columns; a 0 in kg next to a real pound value means "use pounds".
    if has_lbs and not kg:
        lbs = row.cell("weight_lbs").load("lb")
        if lbs is not None and (kg is None or lbs > 0):
            return lbs
    return kg


def _distance_m(row: Row) -> float | None:
    for column, unit in (("distance_km", "km"), ("distance_miles", "mi")):
        metres = row.cell(column).distance(unit)
        if metres is not None:
            return metres
    return None


def read_hevy(table: CsvTable, *, errors: RowErrors | None = None) -> Iterator[ParsedSet]:
    """Stream the sets of a Hevy export (``errors``: see :func:`.strong.read_strong`).

    Raises
    ------
    FileFormatError
        On the first row that cannot be read (without ``errors``), naming its line and
        column, or when the header has no weight column (``weight_kg`` or ``weight_lbs``).
    """
    columns = table.columns
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise FileFormatError(
            f"is not a Hevy export: the header has no {', '.join(missing)} column",
            path=table.path,
            line=table.header_line or 1,
        )
    has_kg, has_lbs = "weight_kg" in columns, "weight_lbs" in columns
    if not (has_kg or has_lbs):
        raise FileFormatError(
            "this Hevy export has neither a weight_kg nor a weight_lbs column",
            path=table.path,
            line=table.header_line,
        )
    blocks = Blocks()
    for row in table.rows(errors):
        try:
            title = row.text("title")
            started_at = row.cell("start_time").when()
            end = row.cell("end_time")
            ended_at = None if end.empty else end.when()
            if ended_at is not None and ended_at < started_at:
                raise end.error(f"{end.text!r} is before the start_time {row.text('start_time')!r}")
            name = row.cell("exercise_title").required()
            type_cell = row.cell("set_type")
            kind = _SET_TYPES.get(type_cell.text.casefold())
            if kind is None:
                raise type_cell.error(
                    f"{type_cell.text!r} is not a set type; allowed: normal, warmup, dropset, "
                    "failure"
                )
            superset = row.text("superset_id") or None
            order = row.cell("set_index").integer(SET_INDEX)
            key = f"{started_at.isoformat()}|{title}"
            exercise_pos, set_pos = blocks.place(key, name, order=order, superset=superset)
            parsed = ParsedSet(
                line=row.line,
                workout_key=key,
                workout_title=title,
                started_at=started_at,
                ended_at=ended_at,
                workout_duration_s=None
                if ended_at is None
                else (ended_at - started_at).total_seconds(),
                workout_notes=row.text("description"),
                exercise_name=name,
                exercise_position=exercise_pos,
                set_position=set_pos,
                set_type=kind,
                load_kg=_load_kg(row, has_kg, has_lbs),
                reps=row.cell("reps").integer(),
                rpe=row.cell("rpe").rpe(),
                duration_s=row.cell("duration_seconds").seconds(),
                distance_m=_distance_m(row),
                notes=row.text("exercise_notes"),
                superset=superset,
            )
        except FileFormatError as exc:
            collect(errors, exc)
            continue
        yield parsed
