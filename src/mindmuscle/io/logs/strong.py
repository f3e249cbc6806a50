"""Strong exports, every dialect seen in the wild.

=========  ===========  ==============================================================
dialect    delimiter    header (what tells them apart)
=========  ===========  ==============================================================
S1         ``,``        ``Date,Workout Name,Duration,Exercise Name,Set Order,Weight,...``
S2         ``;``        ``...;Weight;Weight Unit;...;Distance Unit;...;Workout Duration``
S3         ``;`` quoted ``"Workout #";...;"Duration (sec)";...;"Weight (kg)";...``
older      ``,``        S1 without ``Duration``
=========  ===========  ==============================================================

``Set Order`` is a number, or ``W`` (warm-up), ``D`` (drop), ``F`` (failure); ``Note`` and
``Rest Timer`` rows are not sets and are skipped. An optional ``Set Type`` column (``Warm Up``,
``Normal``, ``Drop Set``, ``Failure``) is honoured. S1 and the older dialect do not say whether
weights are kg or lb: the caller must.
"""

from __future__ import annotations

from collections.abc import Iterator

from mindmuscle.coach.limits import SET_INDEX
from mindmuscle.coach.models import SetType
from mindmuscle.errors import FileFormatError
from mindmuscle.io.logs._blocks import Blocks
from mindmuscle.io.logs._cells import Cell
from mindmuscle.io.logs._table import CsvTable, Row
from mindmuscle.io.logs.model import ParsedSet, RowErrors, collect
from mindmuscle.units import MassUnit, parse_unit

__all__ = ["REQUIRED", "describe_units", "is_strong", "read_strong"]

REQUIRED = ("date", "exercise name", "set order")
_WEIGHT_COLUMNS: dict[str, MassUnit | None] = {
    "weight (kg)": "kg",
    "weight (kgs)": "kg",
    "weight (lb)": "lb",
    "weight (lbs)": "lb",
    "weight": None,
}
_DISTANCE_COLUMNS = {
    "distance (meters)": "m",
    "distance (m)": "m",
    "distance (km)": "km",
    "distance (miles)": "mi",
    "distance": None,
}
_LETTER_TYPES: dict[str, SetType] = {"w": "warmup", "d": "drop", "f": "failure"}
_NOT_SETS = {"note", "rest timer", "rest"}
_SET_TYPES: dict[str, SetType | None] = {
    "": None,
    "normal": "working",
    "working": "working",
    "warm up": "warmup",
    "warm-up": "warmup",
    "warmup": "warmup",
    "drop set": "drop",
    "dropset": "drop",
    "drop": "drop",
    "failure": "failure",
    "to failure": "failure",
    "amrap": "amrap",  # MindMuscle's own CSV export
    "test": "test",
}


def is_strong(columns: dict[str, tuple[int, str]]) -> bool:
    """Whether a header (normalised names) is a Strong export."""
    return all(c in columns for c in REQUIRED)


def _weight_column(columns: dict[str, tuple[int, str]]) -> tuple[str | None, MassUnit | None]:
    for name, unit in _WEIGHT_COLUMNS.items():
        if name in columns:
            return name, unit
    return None, None


def describe_units(columns: dict[str, tuple[int, str]]) -> str | None:
    """``"kg"``/``"lb"`` when the header says, ``"per row"`` with a unit column, else ``None``."""
    _, unit = _weight_column(columns)
    if unit is not None:
        return unit
    return "per row" if "weight unit" in columns else None


def check_weight_header(
    table: CsvTable, *, required: tuple[str, ...], app: str, unit: MassUnit | None
) -> tuple[str | None, MassUnit | None, bool]:
    """Check a Strong-like header and say where weights and their unit come from.

    Returns ``(weight column, unit in the header, unit per row)``.

    Raises
    ------
    FileFormatError
        When a required column is missing, or weights have no unit and ``unit`` is None.
    """
    columns = table.columns
    missing = [c for c in required if c not in columns]
    if missing:
        raise FileFormatError(
            f"is not a {app} export: the header has no {', '.join(missing)} column",
            path=table.path,
            line=table.header_line or 1,
        )
    weight_col, header_unit = _weight_column(columns)
    per_row_unit = "weight unit" in columns
    if weight_col is not None and header_unit is None and not per_row_unit and unit is None:
        raise FileFormatError(
            f"this {app} export does not say whether weights are in kg or lb",
            path=table.path,
            column=columns[weight_col][1],
            needs="weight_unit",
        )
    return weight_col, header_unit, per_row_unit


def _set_type(row: Row, order: Cell) -> tuple[SetType | None, int | None]:
    """The set type and numeric order of a row; ``(None, None)`` for rows that are not sets."""
    label = order.required().casefold()
    number: int | None = None
    kind: SetType = "working"
    if label in _NOT_SETS:
        return None, None
    if label in _LETTER_TYPES:
        kind = _LETTER_TYPES[label]
    else:
        number = order.integer(SET_INDEX)
        if number is None:  # pragma: no cover - required() refused empty text
            raise order.error("is empty")
    type_cell = row.cell("set type")
    if not type_cell.empty:
        key = type_cell.text.casefold().strip()
        if key not in _SET_TYPES:
            raise type_cell.error(
                f"{type_cell.text!r} is not a set type; allowed: Normal, Warm Up, Drop Set, Failure"
            )
        given = _SET_TYPES[key]
        if given is not None:
            kind = given
    return kind, number


def read_strong(
    table: CsvTable, *, unit: MassUnit | None, errors: RowErrors | None = None
) -> Iterator[ParsedSet]:
    """Stream the sets of a Strong export.

    Parameters
    ----------
    table : CsvTable
        The opened file; its header must have ``Date``, ``Exercise Name`` and ``Set Order``.
    unit : {"kg", "lb"} or None
        Unit of ``Weight`` when the file does not say (S1 and the older dialect).
    errors : RowErrors, optional
        Where a row that cannot be read is recorded (and skipped); without it, the first one
        is raised.

    Raises
    ------
    FileFormatError
        On the first row that cannot be read (without ``errors``), naming its line and column;
        or, before any row, when weights have no unit and ``unit`` is None.
    """
    columns = table.columns
    weight_col, header_unit, per_row_unit = check_weight_header(
        table, required=REQUIRED, app="Strong", unit=unit
    )
    distance_col = next((c for c in _DISTANCE_COLUMNS if c in columns), None)
    duration_col = next(
        (c for c in ("duration", "workout duration", "duration (sec)") if c in columns), None
    )
    blocks = Blocks()
    for row in table.rows(errors):
        try:
            order = row.cell("set order")
            kind, number = _set_type(row, order)
            if kind is None:
                continue
            started_at = row.cell("date").when()
            title = row.text("workout name")
            workout_no = row.text("workout #")
            key = f"#{workout_no}" if workout_no else f"{started_at.isoformat()}|{title}"
            name = row.cell("exercise name").required()
            row_unit = header_unit or unit
            if per_row_unit and not row.cell("weight unit").empty:
                try:
                    row_unit = parse_unit(row.text("weight unit"))
                except ValueError as exc:
                    raise row.cell("weight unit").error(str(exc)) from None
            load = row.cell(weight_col).load(row_unit) if weight_col else None
            distance_m: float | None = None
            if distance_col is not None:
                dist_unit = _DISTANCE_COLUMNS[distance_col] or row.text("distance unit")
                distance_m = row.cell(distance_col).distance(dist_unit, row.cell("distance unit"))
            duration = row.cell(duration_col).seconds() if duration_col else None
            exercise_pos, set_pos = blocks.place(key, name, order=number)
            parsed = ParsedSet(
                line=row.line,
                workout_key=key,
                workout_title=title,
                started_at=started_at,
                ended_at=None,
                workout_duration_s=duration,
                workout_notes=row.text("workout notes"),
                exercise_name=name,
                exercise_position=exercise_pos,
                set_position=set_pos,
                set_type=kind,
                load_kg=load,
                reps=row.cell("reps").integer(),
                rpe=row.cell("rpe").rpe(),
                duration_s=row.cell("seconds").seconds(),
                distance_m=distance_m,
                notes=row.text("notes"),
                superset=None,
            )
        except FileFormatError as exc:
            collect(errors, exc)
            continue
        yield parsed
