"""Parsing single cells of a log export: numbers, dates, durations, units, set types.

Every function raises :class:`~mindmuscle.errors.FileFormatError` through :class:`Cell`, which
knows the file, the line and the column of the value it parses.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

from mindmuscle.coach.limits import DISTANCE_M, DURATION_S, LOAD_KG, REPS, RPE, Limit
from mindmuscle.errors import FileFormatError, Setting
from mindmuscle.units import KG_PER_LB, MassUnit

__all__ = [
    "Cell",
    "distance_to_m",
    "mass_to_kg",
]

# Every bound of a value comes from the one table (mindmuscle.coach.limits); only the dates an
# export can hold are the file's own concern.
MIN_YEAR, MAX_YEAR = 1970, 2100
# Every row of a workout repeats its date: parse each text once (bounded, pure values only).
_WHEN_CACHE: dict[str, datetime] = {}

_DECIMAL_COMMA = re.compile(r"^[+-]?\d+,\d+$")
_HMS_WORDS = re.compile(
    r"^(?:(?P<h>\d+(?:\.\d+)?)\s*h(?:ours?|rs?)?)?\s*"
    r"(?:(?P<m>\d+(?:\.\d+)?)\s*m(?:in(?:utes?|s)?)?)?\s*"
    r"(?:(?P<s>\d+(?:\.\d+)?)\s*s(?:ec(?:onds?|s)?)?)?$",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"^(\d+):([0-5]?\d)(?::([0-5]?\d(?:\.\d+)?))?$")
_DATE_FORMATS = (
    "%d %b %Y, %H:%M",  # Hevy: "5 Dec 2025, 11:37"
    "%d %b %Y, %H:%M:%S",
    "%d %b %Y %H:%M",
    "%d %B %Y, %H:%M",
    "%d %B %Y %H:%M",
    "%b %d, %Y %I:%M %p",  # "Jan 15, 2024 10:30 AM"
    "%b %d, %Y %H:%M",
    "%b %d, %Y",
    "%d %b %Y",
)
_SLASH_DATE = re.compile(
    r"^(\d{1,4})/(\d{1,2})/(\d{2,4})"
    r"(?:[ ,T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)


def _slash_date(text: str) -> datetime | None:
    """A date with slashes, when the order of day and month is certain; else None.

    >>> _slash_date("01/15/2024 10:30 PM")
    datetime.datetime(2024, 1, 15, 22, 30)
    >>> _slash_date("15/01/2024"), _slash_date("2024/01/15"), _slash_date("01/02/2024")
    (datetime.datetime(2024, 1, 15, 0, 0), datetime.datetime(2024, 1, 15, 0, 0), None)
    """
    m = _SLASH_DATE.match(text.strip())
    if m is None:
        return None
    a, b, c = m.group(1), int(m.group(2)), m.group(3)
    if len(a) == 4:
        year, month, day = int(a), b, int(c)
    elif len(c) == 4:
        first, year = int(a), int(c)
        if first > 12 >= b:
            day, month = first, b
        elif b > 12 >= first or first == b:
            month, day = first, b
        else:
            return None  # both could be the month
    else:
        return None
    hour = int(m.group(4) or 0)
    ampm = (m.group(7) or "").lower()
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    try:
        return datetime(year, month, day, hour, int(m.group(5) or 0), int(m.group(6) or 0))
    except ValueError:
        return None


_DISTANCE_M = {
    "m": 1.0,
    "meter": 1.0,
    "meters": 1.0,
    "metre": 1.0,
    "metres": 1.0,
    "km": 1000.0,
    "kms": 1000.0,
    "kilometers": 1000.0,
    "kilometres": 1000.0,
    "mi": 1609.344,
    "mile": 1609.344,
    "miles": 1609.344,
    "ft": 0.3048,
    "feet": 0.3048,
    "yd": 0.9144,
    "yds": 0.9144,
    "yards": 0.9144,
}


def mass_to_kg(value: float, unit: MassUnit) -> float:
    """``value`` in ``unit`` as kilograms, rounded to 0.1 g (a stable value for the import key)."""
    return round(value if unit == "kg" else value * KG_PER_LB, 4)


def distance_to_m(value: float, unit: str) -> float | None:
    """``value`` in ``unit`` (m, km, mi, ft, yd and spellings) as metres; ``None`` if unknown."""
    factor = _DISTANCE_M.get(unit.strip().lower())
    return None if factor is None else round(value * factor, 3)


class Cell:
    """One value of one row, with where it came from (for error messages)."""

    __slots__ = ("column", "line", "path", "text")

    def __init__(self, text: str, path: str, line: int, column: str) -> None:
        self.text = text
        self.path = path
        self.line = line
        self.column = column

    def error(self, reason: str, *, needs: Setting | None = None) -> FileFormatError:
        """A FileFormatError naming this cell's file, line and column."""
        return FileFormatError(
            reason, path=self.path, line=self.line, column=self.column, needs=needs
        )

    @property
    def empty(self) -> bool:
        return not self.text

    def required(self) -> str:
        """The text; an error when it is empty."""
        if not self.text:
            raise self.error("is empty, but every row needs a value here")
        return self.text

    def number(self, limit: Limit | None = None) -> float | None:
        """A finite number that ``limit`` allows (any finite number without one); ``None`` when
        empty.

        A decimal comma (``62,5``, written by European exports) is read as a decimal point.
        """
        text = self.text
        if not text:
            return None
        if _DECIMAL_COMMA.match(text):
            text = text.replace(",", ".")
        allowed = "" if limit is None else f"; allowed: {limit.allowed()}"
        try:
            value = float(text)
        except ValueError:
            raise self.error(f"{self.text!r} is not a number{allowed}") from None
        if not math.isfinite(value):
            raise self.error(f"{self.text!r} is not a finite number{allowed}")
        if limit is not None and not limit.ok(value):
            raise self.error(f"{self.text!r} is not allowed: {limit.allowed()}")
        return value

    def integer(self, limit: Limit = REPS) -> int | None:
        """A whole number (``5`` or ``5.0``) that ``limit`` allows; ``None`` when empty."""
        try:
            value = self.number()
        except FileFormatError as exc:
            raise self.error(f"{exc.reason}; allowed: {limit.allowed()}") from None
        if value is None:
            return None
        if value != int(value):
            raise self.error(f"{self.text!r} is not a whole number; allowed: {limit.allowed()}")
        if not limit.ok(int(value)):
            raise self.error(f"{self.text!r} is not allowed: {limit.allowed()}")
        return int(value)

    def load(self, unit: MassUnit | None) -> float | None:
        """A load in kilograms, from a value in ``unit``; ``None`` when empty."""
        value = self.number()
        if value is None:
            return None
        if value < 0:
            raise self.error(f"{self.text!r} is negative; a load is 0 (bodyweight) or more")
        if unit is None:
            raise self.error(
                f"the weight {self.text!r} has no unit in the file", needs="weight_unit"
            )
        kg = mass_to_kg(value, unit)
        if not LOAD_KG.ok(kg):
            raise self.error(f"{self.text!r} {unit} is not allowed: {LOAD_KG.allowed()}")
        return kg

    def rpe(self) -> float | None:
        """A rating of perceived exertion (:data:`~mindmuscle.coach.limits.RPE`); ``None`` when
        empty."""
        return self.number(RPE)

    def distance(self, unit: str, unit_cell: Cell | None = None) -> float | None:
        """A distance in ``unit`` as metres (:data:`~mindmuscle.coach.limits.DISTANCE_M`);
        ``None`` when empty or zero (a strength set's empty distance column) or without a unit.

        ``unit_cell`` is where the unit came from, named when it is not a distance unit.
        """
        value = self.number()
        if not value or not unit:
            return None
        metres = distance_to_m(value, unit)
        if metres is None:
            raise (unit_cell or self).error(f"{unit!r} is not a distance unit")
        if not DISTANCE_M.ok(metres):
            raise self.error(f"{self.text!r} {unit} is not allowed: {DISTANCE_M.allowed()}")
        return metres

    def seconds(self) -> float | None:
        """A duration in seconds from ``3600``, ``1h 43m``, ``38min``, ``45s`` or ``1:23:45``."""
        text = self.text
        if not text:
            return None
        value: float | None = None
        try:
            value = float(text)
        except ValueError:
            clock = _CLOCK.match(text)
            words = _HMS_WORDS.match(text)
            if clock:
                a, b, c = clock.groups()
                if c is None:  # m:ss
                    value = int(a) * 60 + int(b)
                else:  # h:mm:ss
                    value = int(a) * 3600 + int(b) * 60 + float(c)
            elif words and any(words.groupdict().values()):
                h, m, s = (float(words[g] or 0) for g in ("h", "m", "s"))
                value = h * 3600 + m * 60 + s
        if value is None or not DURATION_S.ok(float(value)):
            raise self.error(
                f"{self.text!r} is not a duration; expected seconds (3600), '1h 43m', "
                "'38min', '45s' or '1:23:45'"
            )
        return float(value)

    def when(self) -> datetime:
        """A date and time; required (see :meth:`parse_when`). Repeated texts are cached."""
        cached = _WHEN_CACHE.get(self.text)
        if cached is None:
            cached = self.parse_when()
            if len(_WHEN_CACHE) > 256:
                _WHEN_CACHE.clear()
            _WHEN_CACHE[self.text] = cached
        return cached

    def parse_when(self) -> datetime:
        """A date and time; required.

        Accepts ISO 8601 (``2024-01-15 10:30:00``, ``2024-01-15T10:30:00Z``, with an offset, or a
        date alone) and month-name forms (``5 Dec 2025, 11:37``, ``Jan 15, 2024 10:30 AM``).
        Times with a zone are converted to UTC; the result is always naive. Dates with
        slashes are read when they are unambiguous (``2024/01/15``, ``01/15/2024``,
        ``15/01/2024``: a number above 12 is the day); ``01/02/2024`` is refused, as reading
        it would be a guess.
        """
        text = self.required()
        parsed: datetime | None = None
        try:
            parsed = datetime.fromisoformat(text)
            if parsed.tzinfo is not None:
                parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        except (ValueError, OverflowError):
            for fmt in _DATE_FORMATS:
                try:
                    parsed = datetime.strptime(text, fmt)
                    break
                except ValueError:
                    continue
        if parsed is None:
            parsed = _slash_date(text)
        if parsed is None and _SLASH_DATE.match(text):
            raise self.error(
                f"{self.text!r} is ambiguous: the day and the month could be either way round "
                "(both are 12 or less); write it as YYYY-MM-DD"
            )
        if parsed is None:
            raise self.error(
                f"{self.text!r} is not a date; expected for example '2024-01-15 10:30:00', "
                "'2024-01-15T10:30:00Z' or '5 Dec 2025, 11:37' (dates with slashes are "
                "ambiguous: write them as YYYY-MM-DD)"
            )
        if not MIN_YEAR <= parsed.year <= MAX_YEAR:
            raise self.error(f"{self.text!r} is not a date between {MIN_YEAR} and {MAX_YEAR}")
        return parsed
