"""MindMuscle's own CSV export: one row per set, readable by spreadsheets and importable again.

The first columns are Strong-like (so spreadsheet habits carry over), then the mind-muscle
columns, then what makes the file importable without loss: the set's ``Set ID`` (its uuid), the
workout's start, end and source, the reflection's note, the superset, the import key of a set
that came from another app's export, and the motion summary.

A file is recognised as ours by its header (:func:`is_mindmuscle_csv`), never as a Strong
export: importing it honours its set ids, so importing it into the database it came from adds
nothing, and into a new one gives the same history as the JSON export.

Spreadsheet safety: a text cell that begins with ``=``, ``+``, ``-``, ``@`` (or a tab, a
carriage return or an apostrophe) is written with a leading apostrophe, so no spreadsheet runs
it as a formula; :func:`unescape_cell` reads it back exactly as it was. Numeric columns are
written as plain numbers and never escaped: a number MindMuscle formats (``-2.5``, ``1e-05``) is
a number to a spreadsheet, not a formula, and must stay a number.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mindmuscle.coach.limits import range_errors
from mindmuscle.errors import FileFormatError
from mindmuscle.io.jsontext import parse_json
from mindmuscle.io.logs.mmjson import ExportDocument, JsonReflection, JsonSession, JsonSet
from mindmuscle.io.logs.model import RowErrors

__all__ = [
    "CSV_COLUMNS",
    "NUMERIC_COLUMNS",
    "escape_cell",
    "format_number",
    "is_mindmuscle_csv",
    "read_mindmuscle_csv",
    "unescape_cell",
]

CSV_COLUMNS = (
    "Date",
    "Workout Name",
    "Duration (sec)",
    "Exercise Name",
    "Exercise ID",
    "Set Order",
    "Set Type",
    "Weight (kg)",
    "Reps",
    "RIR",
    "Distance (meters)",
    "Seconds",
    "Notes",
    "Workout Notes",
    "Tempo",
    "Time Under Tension (sec)",
    "Focus Mode",
    "Cue",
    "Target Rating",
    "Felt Elsewhere",
    "Focus Rating",
    "EMG Peak %MVC",
    "Source",
    "Set ID",
    "Workout Start",
    "Workout End",
    "Workout Source",
    "Reflection Note",
    "Reflected At",
    "Superset",
    "Import Key",
    "Motion",
)
"""The header of the export, in order."""

NUMERIC_COLUMNS = frozenset(
    {
        "Duration (sec)",
        "Set Order",
        "Weight (kg)",
        "Reps",
        "RIR",
        "Distance (meters)",
        "Seconds",
        "Time Under Tension (sec)",
        "Target Rating",
        "Focus Rating",
        "EMG Peak %MVC",
    }
)
"""Columns written as plain numbers (never escaped)."""

# The columns that make a file ours: those of the first version of the export (2024) and every
# version since. The columns added later are optional when reading.
_REQUIRED = CSV_COLUMNS[:24]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")


def escape_cell(text: str) -> str:
    """A text cell as written to the file: a leading apostrophe when a spreadsheet could run it.

    >>> escape_cell("=SUM(A1)"), escape_cell("-5 reps felt easy"), escape_cell("plain")
    ("'=SUM(A1)", "'-5 reps felt easy", 'plain')
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


def unescape_cell(text: str) -> str:
    """A text cell as it was before :func:`escape_cell`.

    >>> unescape_cell("'=SUM(A1)"), unescape_cell("''quoted"), unescape_cell("plain")
    ('=SUM(A1)', "'quoted", 'plain')
    """
    return text[1:] if text.startswith("'") else text


def format_number(value: float | None) -> str:
    """A number as the shortest text that reads back as the same float ("" for None).

    >>> format_number(60.0), format_number(102.05828325), format_number(-2.5), format_number(None)
    ('60', '102.05828325', '-2.5', '')
    """
    if value is None:
        return ""
    text = repr(float(value))
    return text[:-2] if text.endswith(".0") else text


def is_mindmuscle_csv(path: str | Path) -> bool:
    """Whether the file's header is that of MindMuscle's CSV export (any version)."""
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as fh:
            header = next(csv.reader(fh), [])
    except (OSError, UnicodeDecodeError, csv.Error):
        return False
    return len(header) >= len(_REQUIRED) and tuple(header[: len(_REQUIRED)]) == _REQUIRED


class _Row:
    def __init__(self, values: dict[str, str], line: int, path: str) -> None:
        self.values = values
        self.line = line
        self.path = path

    def fail(self, column: str, message: str) -> FileFormatError:
        return FileFormatError(message, path=self.path, line=self.line, column=column)

    def text(self, column: str) -> str:
        return unescape_cell(self.values.get(column, ""))

    def optional(self, column: str) -> str | None:
        value = self.text(column)
        return value if value else None

    def number(self, column: str) -> float | None:
        raw = self.values.get(column, "").strip()
        if not raw:
            return None
        try:
            return float(unescape_cell(raw))
        except ValueError:
            raise self.fail(column, f"{raw!r} is not a number") from None

    def integer(self, column: str) -> int | None:
        value = self.number(column)
        if value is None:
            return None
        if not value.is_integer():
            raise self.fail(column, f"{value:g} is not a whole number")
        return int(value)

    def time(self, column: str, *, required: bool = False) -> datetime | None:
        raw = self.text(column).strip()
        if not raw:
            if required:
                raise self.fail(column, "is empty; a date and time (ISO 8601) is required")
            return None
        try:
            return datetime.fromisoformat(raw)
        except ValueError:
            raise self.fail(column, f"{raw!r} is not an ISO 8601 date and time") from None

    def json(self, column: str) -> dict[str, Any] | None:
        raw = self.text(column).strip()
        if not raw:
            return None
        try:
            value = parse_json(raw)
        except FileFormatError:
            raise self.fail(column, f"{raw[:40]!r} is not JSON") from None
        if not isinstance(value, dict):
            raise self.fail(column, "must be a JSON object")
        return value


def _felt(row: _Row) -> dict[str, Any]:
    felt: dict[str, Any] = {}
    for part in row.text("Felt Elsewhere").split(";"):
        if not part.strip():
            continue
        muscle, sep, value = part.partition(":")
        try:
            number = float(value)
        except ValueError:
            number = None
        if not sep or not muscle.strip() or number is None:
            raise row.fail("Felt Elsewhere", f"{part!r} is not MUSCLE:RATING")
        felt[muscle.strip()] = int(number) if number.is_integer() else number
    return felt


def _tempo(row: _Row) -> dict[str, Any] | None:
    raw = row.text("Tempo").strip()
    if not raw:
        return None
    parts = raw.split("-")
    try:
        values = [float(p) for p in parts]
    except ValueError:
        values = []
    if len(values) != 4:
        raise row.fail("Tempo", f"{raw!r} is not ECCENTRIC-PAUSE-CONCENTRIC-SQUEEZE in seconds")
    keys = ("eccentric_s", "bottom_pause_s", "concentric_s", "top_squeeze_s")
    return dict(zip(keys, values, strict=True))


def _motion(row: _Row) -> dict[str, Any] | None:
    if "Motion" in row.values:
        return row.json("Motion")
    motion = {
        key: value
        for key, value in (
            ("duration_s", row.number("Seconds")),
            ("distance_m", row.number("Distance (meters)")),
        )
        if value is not None
    }
    return motion or None


def _session(row: _Row) -> tuple[str, JsonSession] | None:
    start = row.time("Workout Start")
    if start is None:
        return None
    title, notes = row.text("Workout Name"), row.text("Workout Notes")
    end = row.time("Workout End")
    if end is None and row.number("Duration (sec)") is not None:
        end = start + timedelta(seconds=row.number("Duration (sec)") or 0.0)
    source = row.text("Workout Source") or "import"
    joined = f"{title}\n\n{notes}" if notes else title
    ref = f"{start.isoformat()}|{source}|{joined}"
    session = JsonSession(
        ref=ref,
        started_at=start,
        ended_at=end,
        source=source,
        notes=joined,
        plan=None,
        state=None,
        planned=[],
    )
    return ref, session


def _set(row: _Row, session: str | None) -> JsonSet:
    performed = row.time("Date", required=True)
    assert performed is not None
    uuid = row.text("Set ID").strip()
    if not uuid:
        raise row.fail("Set ID", "is empty; every set of a MindMuscle export has its id")
    order = row.integer("Set Order")
    rating = row.integer("Target Rating")
    reflected = row.time("Reflected At")
    reflection = None
    # Files of the first version have no "Reflected At": a rating tells a reflection there.
    if reflected is not None or rating is not None:
        reflection = JsonReflection(
            target_rating=rating,
            felt_elsewhere=_felt(row),
            focus_rating=row.integer("Focus Rating"),
            note=row.text("Reflection Note"),
            created_at=reflected or performed,
        )
    reps = row.integer("Reps")
    return JsonSet(
        uuid=uuid,
        session=session,
        set_index=None if order is None else order - 1,
        exercise_id=row.text("Exercise ID").strip(),
        performed_at=performed,
        load_kg=row.number("Weight (kg)") or 0.0,
        reps=0 if reps is None else reps,
        set_type=row.text("Set Type") or "working",
        rir=row.integer("RIR"),
        tempo=_tempo(row),
        focus_mode=row.optional("Focus Mode"),
        cue=row.optional("Cue"),
        motion=_motion(row),
        emg_peak_mvc=row.number("EMG Peak %MVC"),
        source=row.text("Source") or "import",
        import_key=row.optional("Import Key"),
        notes=row.text("Notes"),
        superset=row.optional("Superset"),
        reflection=reflection,
    )


def _rows(path: Path, errors: RowErrors) -> Iterator[_Row]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, [])
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            line = reader.line_num
            if len(values) != len(header):
                errors.add(
                    FileFormatError(
                        f"has {len(values)} cells; the header has {len(header)}",
                        path=path,
                        line=line,
                    )
                )
                continue
            yield _Row(dict(zip(header, values, strict=True)), line, str(path))


def read_mindmuscle_csv(path: str | Path) -> tuple[ExportDocument, dict[str, str]]:
    """Read a MindMuscle CSV export as an export document (sets and their workouts).

    Returns
    -------
    document : ExportDocument
        Its sessions (one per workout start, source and notes) and sets; a set's ``session`` is
        the ``ref`` of its session.
    names : dict of str to str
        Exercise id -> the name written beside it (for exercises a new database lacks).

    Raises
    ------
    FileFormatError
        Not our header, or a bad cell (the message names the file, the line and the column).
    """
    p = Path(path)
    if not is_mindmuscle_csv(p):
        raise FileFormatError(
            f"is not a MindMuscle CSV export (its header starts {', '.join(_REQUIRED[:4])}, ...)",
            path=p,
            line=1,
        )
    sessions: dict[str, JsonSession] = {}
    sets: list[JsonSet] = []
    names: dict[str, str] = {}
    # Every broken row is listed at once (the first 50), and nothing of the file is used.
    errors = RowErrors()
    try:
        for row in _rows(p, errors):
            try:
                found = _session(row)
                ref = None
                if found is not None:
                    ref, session = found
                    sessions.setdefault(ref, session)
                sets.append(_set(row, ref))
            except FileFormatError as exc:
                errors.add(exc)
                continue
            except ValidationError as exc:
                for e in range_errors(exc.errors()):
                    errors.add(FileFormatError(str(e).rstrip("."), path=p, line=row.line))
                continue
            names.setdefault(sets[-1].exercise_id, row.text("Exercise Name"))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise FileFormatError(f"cannot be read as CSV: {exc}", path=p) from None
    errors.raise_any()
    return ExportDocument(sessions=list(sessions.values()), sets=sets), names
