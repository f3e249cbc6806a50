"""Every limit of what a lifter enters, in one table: the set, its reflection, the profile.

The set model (:class:`mindmuscle.coach.sets.SetInput`), the reflection and the profile build
their pydantic fields from this table (so the API's OpenAPI schema carries the bounds as
``minimum``/``maximum``/``maxLength`` and the phone can check before sending); the CLI checks its
options with it, and the README's table of limits is this table. Loads are in kilograms.

An out-of-range value raises :class:`~mindmuscle.errors.OutOfRangeError` with the field, the value
and what is allowed; :func:`range_errors` turns pydantic's validation errors into the same.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import Field

from mindmuscle.catalog.models import TEMPO_PHASE_MAX_S
from mindmuscle.errors import OutOfRangeError
from mindmuscle.units import KG_PER_LB, MassUnit

__all__ = [
    "BAR_KG",
    "BODYWEIGHT_KG",
    "CUE",
    "DISTANCE_M",
    "DURATION_S",
    "E1RM_KG",
    "EMG_RATE_HZ",
    "EXERCISE_ID",
    "ID",
    "IMPORT_KEY",
    "INT64_MAX",
    "INT64_MIN",
    "LIMITS",
    "LIMIT_OF_FIELD",
    "LOAD_KG",
    "MOTION_RATE_HZ",
    "MUSCLE_ID",
    "NOTE",
    "PERFORMED_AHEAD",
    "PERFORMED_FROM",
    "PLANNED_REPS",
    "PLANNED_SETS",
    "PLATE_KG",
    "RATING",
    "REPS",
    "REPS_IN_RESERVE",
    "ROUTINE_EXERCISES",
    "ROUTINE_NAME",
    "RPE",
    "SECRET_FIELDS",
    "SET_INDEX",
    "SET_UUID",
    "SKIPPED_RATING_TEXT",
    "TEMPO_PHASE_S",
    "UUID_PATTERN",
    "Limit",
    "check_mass",
    "felt_text",
    "is_secret",
    "range_errors",
]

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def _num(value: float) -> str:
    if isinstance(value, int) or (float(value).is_integer() and abs(value) < 1e15):
        return str(int(value))
    return f"{value:g}"


@dataclass(frozen=True)
class Limit:
    """The allowed values of one kind of field.

    ``low``/``high`` bound a number (``above_low``: ``low`` itself is not allowed), or, with
    ``text``, ``high`` is the most characters and ``pattern`` (a regular expression) the form
    the whole text must have. ``whole``: an integer; otherwise a finite float.
    """

    what: str
    low: float = 0
    high: float = math.inf
    unit: str = ""
    whole: bool = False
    above_low: bool = False
    text: bool = False
    words: str = ""
    pattern: str = ""
    missing: str = ""
    """What to give when the field is missing, when the bounds alone do not say it."""

    def allowed(self) -> str:
        """What is allowed, as a clause: "the load must be a finite number from 0 to 1500 kg"."""
        if self.words:
            return self.words
        if self.text:
            return f"{self.what} must be at most {_num(self.high)} characters"
        kind = "a whole number" if self.whole else "a finite number"
        unit = f" {self.unit}" if self.unit else ""
        if self.above_low and math.isinf(self.high):
            return f"{self.what} must be {kind} above {_num(self.low)}{unit}"
        if self.above_low:
            return (
                f"{self.what} must be {kind} above {_num(self.low)} and at most "
                f"{_num(self.high)}{unit}"
            )
        return f"{self.what} must be {kind} from {_num(self.low)} to {_num(self.high)}{unit}"

    def ok(self, value: object) -> bool:
        """Whether ``value`` is allowed."""
        if self.text:
            return (
                isinstance(value, str)
                and len(value) <= self.high
                and (not self.pattern or re.fullmatch(self.pattern, value) is not None)
            )
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if self.whole and not isinstance(value, int):
            return False
        if isinstance(value, float) and not math.isfinite(value):
            return False
        above = value > self.low if self.above_low else value >= self.low
        return above and value <= self.high

    def check(self, field: str, value: Any) -> Any:
        """Return ``value`` if allowed; otherwise raise :class:`OutOfRangeError` for ``field``."""
        if not self.ok(value):
            raise OutOfRangeError(field, value, self.allowed())
        return value

    def bounds(self, description: str = "") -> dict[str, Any]:
        """These bounds as the keyword arguments of a pydantic ``Field`` or a FastAPI ``Form``,
        ``Query`` or ``Path`` (``ge``/``gt``, ``le``, ``max_length``), with a description that
        ends in what is allowed."""
        bounds: dict[str, Any] = {}
        if self.text:
            bounds["max_length"] = int(self.high)
            if self.pattern:
                bounds["pattern"] = self.pattern
        else:
            bounds["gt" if self.above_low else "ge"] = self.low
            if not math.isinf(self.high):
                bounds["le"] = self.high
            if not self.whole:
                bounds["allow_inf_nan"] = False
        words = self.allowed()
        words = words[0].upper() + words[1:] + "."
        bounds["description"] = f"{description} {words}".strip()
        return bounds

    def field(self, default: Any = ..., *, description: str = "", **extra: Any) -> Any:
        """A pydantic ``Field`` with these bounds (they show in the JSON schema); ``extra``
        adds other constraints (``min_length``, or ``default_factory`` instead of ``default``).

        A number field is strict: it takes a number (an ``int`` for a whole number), never a
        boolean (``true`` is not one rep) nor text (``"10"``); the CLI and the importers parse
        what is typed or read before they build a model, so only the API meets this rule."""
        if not self.text:
            extra.setdefault("strict", True)
        if "default_factory" in extra:
            return Field(**self.bounds(description), **extra)
        return Field(default, **self.bounds(description), **extra)


REPS = Limit("the reps", 0, 200, whole=True)
LOAD_KG = Limit("the load", 0, 1500, unit="kg")
REPS_IN_RESERVE = Limit("the reps in reserve", 0, 10, whole=True)
PLANNED_REPS = Limit("a planned set's reps", 1, 100, whole=True)
"""The reps a prescription asks for (the set loop runs each one, so it is bounded)."""
PLANNED_SETS = Limit("the sets of a planned exercise", 1, 20, whole=True)
ROUTINE_NAME = Limit("a routine's name", high=100, text=True)
ROUTINE_EXERCISES = Limit("the exercises of a routine", 1, 20, whole=True)
"""A routine holds as many exercises as a plan may (``POST /api/today`` takes at most 20)."""
RATING = Limit("a rating", 0, 10, whole=True)
NOTE = Limit("a note", high=2000, text=True)
CUE = Limit("a cue", high=500, text=True)
EXERCISE_ID = Limit(
    "an exercise id",
    high=100,
    text=True,
    missing="give the exercise's id, e.g. 'barbell_bench_press' (the catalogue lists them)",
)
MUSCLE_ID = Limit("a muscle id", high=100, text=True)
UUID_PATTERN = r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
"""A set's uuid as the clients make it (``crypto.randomUUID()`` on the phone, ``uuid4`` in the
terminal, ``uuid5`` of a row in an import): 8-4-4-4-12 hexadecimal digits."""
SET_UUID = Limit(
    "a set's uuid",
    high=36,
    text=True,
    words="a set's uuid must be a UUID of 36 characters (8-4-4-4-12 hexadecimal digits)",
    pattern=UUID_PATTERN,
)
"""The client's id of a set, the key that stores a retried write once."""
IMPORT_KEY = Limit("an import key", high=200, text=True)
TEMPO_PHASE_S = Limit("a tempo phase", 0, TEMPO_PHASE_MAX_S, unit="s")
ID = Limit(
    "an id",
    INT64_MIN,
    INT64_MAX,
    whole=True,
    words="an id must be a whole number that fits in 64 bits (at most 9223372036854775807)",
)
SET_INDEX = Limit("the set's place in its workout", 0, 1000, whole=True)
BODYWEIGHT_KG = Limit("the body weight", 20, 400, unit="kg")
BAR_KG = Limit("the bar", 0, 50, unit="kg")
# The lightest fractional plates are 0.25 lb (about 0.11 kg); anything lighter is a typo and
# would vanish when loads are rounded to what the plates can build.
PLATE_KG = Limit("a plate", 0.1, 100, unit="kg")
E1RM_KG = Limit("an e1RM", 0, 1500, unit="kg", above_low=True)
"""An estimated one-repetition maximum given by the lifter (the load limit, above 0)."""
RPE = Limit("an RPE", 0, 10)
"""A rating of perceived exertion in an imported log (half points allowed)."""
DURATION_S = Limit("a duration", 0, 30 * 24 * 3600, unit="s")
"""A timed set in an imported log (a plank, a run): at most 30 days, longer is garbage."""
DISTANCE_M = Limit("a distance", 0, 1_000_000, unit="m")
"""A distance in an imported log: at most 1000 km."""
MOTION_RATE_HZ = Limit("a motion sampling rate", 1, 2000, unit="Hz")
"""Phones and IMUs sample at 1-2000 Hz; a recording without time stamps states its rate."""
EMG_RATE_HZ = Limit("an EMG sampling rate", 0, 100_000, unit="Hz", above_low=True)
"""Surface EMG is sampled at 500-10000 Hz; above 100 kHz the rate is a typo."""
PERFORMED_AHEAD = timedelta(days=1)
"""A set may be dated at most this far after ``now`` (clocks and time zones differ)."""
PERFORMED_FROM = datetime(1970, 1, 1, tzinfo=UTC)
"""The earliest date of a set: every real log (Hevy, Strong, FitNotes, a paper log typed in)
is later; an earlier date is a typo or a zero timestamp, and would bend every trend."""

LIMITS: Mapping[str, Limit] = {
    "reps": REPS,
    "load_kg": LOAD_KG,
    "reps_in_reserve": REPS_IN_RESERVE,
    "rating": RATING,
    "note": NOTE,
    "cue": CUE,
    "exercise_id": EXERCISE_ID,
    "muscle_id": MUSCLE_ID,
    "import_key": IMPORT_KEY,
    "tempo_phase_s": TEMPO_PHASE_S,
    "id": ID,
    "set_index": SET_INDEX,
    "uuid": SET_UUID,
    "bodyweight_kg": BODYWEIGHT_KG,
    "bar_kg": BAR_KG,
    "plate_kg": PLATE_KG,
    "planned_reps": PLANNED_REPS,
    "planned_sets": PLANNED_SETS,
    "e1rm_kg": E1RM_KG,
    "rpe": RPE,
    "duration_s": DURATION_S,
    "distance_m": DISTANCE_M,
    "motion_rate_hz": MOTION_RATE_HZ,
    "emg_rate_hz": EMG_RATE_HZ,
    "routine_name": ROUTINE_NAME,
    "routine_exercises": ROUTINE_EXERCISES,
}
"""The table, by name (the README's table of limits lists it)."""

LIMIT_OF_FIELD: Mapping[str, Limit] = {
    "reps": REPS,
    "load_kg": LOAD_KG,
    "reps_in_reserve": REPS_IN_RESERVE,
    "rir": REPS_IN_RESERVE,
    "target_rating": RATING,
    "focus_rating": RATING,
    "felt_elsewhere": RATING,
    "rating": RATING,
    "note": NOTE,
    "notes": NOTE,
    "cue": CUE,
    "exercise_id": EXERCISE_ID,
    "import_key": IMPORT_KEY,
    "eccentric_s": TEMPO_PHASE_S,
    "bottom_pause_s": TEMPO_PHASE_S,
    "concentric_s": TEMPO_PHASE_S,
    "top_squeeze_s": TEMPO_PHASE_S,
    "session_id": ID,
    "set_index": SET_INDEX,
    "bodyweight_kg": BODYWEIGHT_KG,
    "plates": PLATE_KG,
    "bar": BAR_KG,
    "uuid": SET_UUID,
}
"""Which limit a field of the set, reflection or profile models obeys (by field name)."""

SECRET_FIELDS = frozenset(
    {"password", "new_password", "current_password", "token", "csrf_token", "api_key", "secret"}
)
"""Fields whose value is a secret: an error names the field and the rule, never the value."""


SKIPPED_RATING_TEXT = "not rated"
"""A rating the lifter skipped on purpose (stored as absent), as every channel shows it."""


def felt_text(rating: float | None) -> str:
    """A felt rating as every channel shows it: "felt 8/10"; a skipped one (None) is
    :data:`SKIPPED_RATING_TEXT`, "not rated", in the terminal and on every page alike.

    A rating is a whole number (:data:`RATING`), so a mean of ratings is shown rounded half up
    to a whole one; were halves allowed, a half would show as "7.5/10". Never an activation:
    a measured value has its own words ("measured 62% MVC").

    Examples
    --------
    >>> felt_text(9), felt_text(7.5), felt_text(7.49), felt_text(None)
    ('felt 9/10', 'felt 8/10', 'felt 7/10', 'not rated')
    """
    if rating is None:
        return SKIPPED_RATING_TEXT
    step = 1.0 if RATING.whole else 0.5
    shown = math.floor(rating / step + 0.5) * step
    return f"felt {shown:g}/{RATING.high:g}"


def is_secret(field: str) -> bool:
    """Whether ``field`` (a name or a dotted location) holds a password, token or key."""
    name = field.rsplit(".", 1)[-1].lower()
    return name in SECRET_FIELDS or name.endswith(("password", "_token", "secret", "api_key"))


# Pydantic's words for a few common checks, as ours say them ("it must be ...").
_PYDANTIC_WORDS = {
    "string_type": "it must be text",
    "missing": "it is required",
}


def _pydantic_words(err: Mapping[str, Any]) -> str:
    kind = str(err.get("type", ""))
    ctx = err.get("ctx") or {}
    if kind in ("string_too_long", "string_too_short"):
        most = kind == "string_too_long"
        n = ctx.get("max_length" if most else "min_length")
        if isinstance(n, int):
            chars = "character" if n == 1 else "characters"
            return f"it must be at {'most' if most else 'least'} {n} {chars}"
    if kind in _PYDANTIC_WORDS:
        try:
            return _PYDANTIC_WORDS[kind].format(**ctx)
        except (KeyError, IndexError):
            pass
    msg = str(err.get("msg", "") or "invalid value").removeprefix("Value error, ")
    if msg.startswith("Input should be "):  # the checker's words, as ours say it
        msg = "it must be " + msg.removeprefix("Input should be ")
    # Lower the first letter of a sentence, not of an acronym ("JSON", "UUID").
    if msg[:1].isupper() and not msg[1:2].isupper():
        msg = msg[0].lower() + msg[1:]
    return msg


# Pydantic error types that say "this value is outside the bounds" (the table words them).
_BOUND_TYPES = {
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "finite_number",
    "string_too_long",
    "string_too_short",
    "string_pattern_mismatch",
    "int_parsing",
    "int_from_float",
    "int_type",
    "float_parsing",
    "float_type",
}


def check_mass(limit: Limit, field: str, value: float, unit: MassUnit) -> float:
    """``value`` in ``unit`` as kilograms, if ``limit`` (in kilograms) allows it.

    The error names the value as given (in ``unit``) and the limit in both units for pounds.

    Examples
    --------
    >>> check_mass(LOAD_KG, "--load", 225, "lb")
    102.05828325
    >>> check_mass(LOAD_KG, "--load", float("inf"), "kg")
    Traceback (most recent call last):
    ...
    mindmuscle.errors.OutOfRangeError: --load inf is not allowed: the load must be a finite number from 0 to 1500 kg.
    """  # noqa: E501
    kg = value * KG_PER_LB if unit == "lb" else value
    if not limit.ok(float(kg)):
        allowed = limit.allowed()
        if unit == "lb":
            allowed += f" ({_num(round(limit.low / KG_PER_LB, 1))} to "
            allowed += f"{_num(round(limit.high / KG_PER_LB, 1))} lb)"
        raise OutOfRangeError(field, value, allowed)
    return float(kg)


def range_errors(errors: Iterable[Mapping[str, Any]]) -> list[OutOfRangeError]:
    """Pydantic's validation errors (``exc.errors()``) as one :class:`OutOfRangeError` each.

    The field is the dotted location (``reflection.felt_elsewhere.traps``); what is allowed comes
    from the table when the field has a limit, else from pydantic's own message.

    Examples
    --------
    >>> from pydantic import ValidationError
    >>> from mindmuscle.coach.models import Reflection
    >>> try:
    ...     Reflection(target_rating=11)
    ... except ValidationError as exc:
    ...     print(range_errors(exc.errors())[0])
    target_rating 11 is not allowed: a rating must be a whole number from 0 to 10.
    """
    out: list[OutOfRangeError] = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p != "body"]
        field = ".".join(loc) or "body"
        kind = str(err.get("type", ""))
        limit = next((LIMIT_OF_FIELD[p] for p in reversed(loc) if p in LIMIT_OF_FIELD), None)
        if "prescription" in loc or "exercises" in loc:
            # A prescription's reps and sets are what is planned, not what was done.
            planned = {"reps": PLANNED_REPS, "sets": PLANNED_SETS}
            limit = next((planned[p] for p in reversed(loc) if p in planned), limit)
        secret = is_secret(field)
        if kind == "missing":
            allowed = _pydantic_words(err) if limit is None else limit.missing or limit.allowed()
            out.append(OutOfRangeError(field, None, allowed, missing=True))
            continue
        value: Any = err.get("input")
        if kind == "too_short":
            least = (err.get("ctx") or {}).get("min_length", 1)
            allowed = f"give at least {least}"
        elif limit is not None and kind in _BOUND_TYPES:
            allowed = limit.allowed()
        else:
            allowed = _pydantic_words(err)
        out.append(OutOfRangeError(field, value, allowed, secret=secret))
    return out
