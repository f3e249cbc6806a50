"""FitNotes exports.

Header ``Date,Exercise,Category,Weight,Weight Unit,Reps,Distance,Distance Unit,Time,Comment``
(unit per row, ``kgs`` or ``lbs``), or the older ``Weight (kgs)`` / ``Weight (lbs)`` without a
unit column. FitNotes has one workout per day and no clock time: sets are dated at midnight of
that day. Cardio rows have an empty weight and reps.
"""

from __future__ import annotations

from collections.abc import Iterator

from mindmuscle.errors import FileFormatError
from mindmuscle.io.logs._blocks import Blocks
from mindmuscle.io.logs._table import CsvTable
from mindmuscle.io.logs.model import ParsedSet, RowErrors, collect
from mindmuscle.io.logs.strong import _DISTANCE_COLUMNS, _weight_column, check_weight_header
from mindmuscle.units import MassUnit, parse_unit

__all__ = ["REQUIRED", "describe_units", "is_fitnotes", "read_fitnotes"]

REQUIRED = ("date", "exercise", "category", "reps")


def is_fitnotes(columns: dict[str, tuple[int, str]]) -> bool:
    """Whether a header (normalised names) is a FitNotes export."""
    return all(c in columns for c in REQUIRED)


def describe_units(columns: dict[str, tuple[int, str]]) -> str | None:
    """``"kg"``/``"lb"`` when the header says, ``"per row"`` with a unit column, else ``None``."""
    _, unit = _weight_column(columns)
    if unit is not None:
        return unit
    return "per row" if "weight unit" in columns else None


def read_fitnotes(
    table: CsvTable, *, unit: MassUnit | None, errors: RowErrors | None = None
) -> Iterator[ParsedSet]:
    """Stream the sets of a FitNotes export.

    Parameters
    ----------
    table : CsvTable
        The opened file.
    unit : {"kg", "lb"} or None
        Unit of ``Weight`` for rows whose unit the file does not give.
    errors : RowErrors, optional
        Where a row that cannot be read is recorded (and skipped); without it, the first one
        is raised.

    Raises
    ------
    FileFormatError
        On the first row that cannot be read (without ``errors``), naming its line and column.
    """
    columns = table.columns
    weight_col, header_unit, per_row_unit = check_weight_header(
        table, required=REQUIRED, app="FitNotes", unit=unit
    )
    distance_col = next((c for c in _DISTANCE_COLUMNS if c in columns), None)
    blocks = Blocks()
    for row in table.rows(errors):
        try:
            day = row.cell("date").when()
            started_at = day.replace(hour=0, minute=0, second=0, microsecond=0)
            key = started_at.date().isoformat()
            name = row.cell("exercise").required()
            row_unit = header_unit or unit
            unit_cell = row.cell("weight unit")
            if per_row_unit and not unit_cell.empty:
                try:
                    row_unit = parse_unit(unit_cell.text)
                except ValueError as exc:
                    raise unit_cell.error(str(exc)) from None
            distance_m: float | None = None
            if distance_col is not None:
                dist_unit = _DISTANCE_COLUMNS[distance_col] or row.text("distance unit")
                distance_m = row.cell(distance_col).distance(dist_unit, row.cell("distance unit"))
            exercise_pos, set_pos = blocks.place(key, name)
            parsed = ParsedSet(
                line=row.line,
                workout_key=key,
                workout_title="",
                started_at=started_at,
                ended_at=None,
                workout_duration_s=None,
                workout_notes="",
                exercise_name=name,
                exercise_position=exercise_pos,
                set_position=set_pos,
                set_type="working",
                load_kg=row.cell(weight_col).load(row_unit) if weight_col else None,
                reps=row.cell("reps").integer(),
                rpe=None,
                duration_s=row.cell("time").seconds(),
                distance_m=distance_m,
                notes=row.text("comment"),
                superset=None,
                category=row.text("category") or None,
            )
        except FileFormatError as exc:
            collect(errors, exc)
            continue
        yield parsed
