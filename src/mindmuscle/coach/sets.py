"""The one model of a set: what the lifter did and how it felt, within the limits of the table.

Every way a set comes in (the web API, ``log``, the guided session in the terminal and on the
phone, file imports, experiments) builds a :class:`SetInput` and passes it to :func:`check_set`
before it is stored, so the same set is accepted or refused the same way everywhere. The bounds
of each field come from :mod:`mindmuscle.coach.limits`.
"""

from __future__ import annotations

import uuid as uuid_mod
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from mindmuscle.catalog.models import Tempo
from mindmuscle.coach.catalog_view import CatalogView
from mindmuscle.coach.limits import (
    CUE,
    EXERCISE_ID,
    ID,
    IMPORT_KEY,
    LOAD_KG,
    NOTE,
    PERFORMED_AHEAD,
    PERFORMED_FROM,
    RATING,
    REPS,
    REPS_IN_RESERVE,
    SET_INDEX,
    SET_UUID,
    UUID_PATTERN,
    range_errors,
)
from mindmuscle.coach.models import FocusMode, Reflection, SetType
from mindmuscle.errors import OutOfRangeError, UnknownIdError

__all__ = [
    "SET_TYPES",
    "UUID_PATTERN",
    "SetInput",
    "SetSource",
    "check_felt_elsewhere",
    "check_set",
    "minute_text",
    "parse_set",
    "set_named",
]

SetSource = Literal["guided", "log", "import", "experiment", "drill"]

SET_TYPES: tuple[str, ...] = ("warmup", "working", "drop", "failure", "amrap", "test")


class SetInput(BaseModel):
    """A set to store: what the lifter did, and their reflection.

    ``uuid`` is made by the client (a phone, the terminal) so that a retried write is stored
    once; it is generated when missing, and must be a UUID (:data:`UUID_PATTERN`).
    ``import_key`` identifies a row of an imported file (importing the file again stores
    nothing new). ``reps_in_reserve`` is the set's own when there is no reflection (an
    imported RPE); a reflection's value wins.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    uuid: str = SET_UUID.field(default_factory=lambda: str(uuid_mod.uuid4()))
    exercise_id: str = EXERCISE_ID.field()
    performed_at: datetime
    load_kg: float = LOAD_KG.field(description="0 for bodyweight sets.")
    reps: int = REPS.field()
    set_type: SetType = "working"
    reps_in_reserve: int | None = REPS_IN_RESERVE.field(None)
    tempo: Tempo | None = None
    focus_mode: FocusMode | None = None
    cue: str | None = CUE.field(None)
    reflection: Reflection | None = None
    session_id: int | None = ID.field(None)
    set_index: int | None = SET_INDEX.field(None)
    source: SetSource = "log"
    notes: str = NOTE.field("")
    import_key: str | None = IMPORT_KEY.field(None)

    @property
    def rir(self) -> int | None:
        """Reps in reserve: the reflection's, else the set's own."""
        r = self.reflection
        if r is not None and r.reps_in_reserve is not None:
            return r.reps_in_reserve
        return self.reps_in_reserve


def parse_set(fields: Mapping[str, Any]) -> SetInput:
    """Build a :class:`SetInput` from plain values; the first field out of range is the error.

    Raises
    ------
    mindmuscle.errors.OutOfRangeError
        A field outside its limits (named, with the value given and what is allowed).

    Examples
    --------
    >>> from datetime import datetime
    >>> parse_set({"exercise_id": "barbell_back_squat", "performed_at": datetime(2026, 1, 1),
    ...            "load_kg": float("inf"), "reps": 5})
    Traceback (most recent call last):
    ...
    mindmuscle.errors.OutOfRangeError: load_kg inf is not allowed: the load must be a finite number from 0 to 1500 kg.
    """  # noqa: E501
    try:
        return SetInput.model_validate(dict(fields))
    except ValidationError as exc:
        raise range_errors(exc.errors())[0] from None


def minute_text(when: datetime) -> str:
    """A time as a message shows it: to the minute, in UTC ("2026-12-09 16:43 UTC"); a time
    without a zone is taken as UTC, as the store keeps it."""
    return f"{_aware(when).astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def set_named(exercise_name: str, performed_at: datetime) -> str:
    """A stored set as a message names it to the lifter, by its exercise and time, never by a
    number of the database (the web shows no set ids; the terminal's lifter typed the one
    they meant).

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> set_named("Wrist Curl", datetime(2026, 12, 7, 17, 32, tzinfo=UTC))
    'The Wrist Curl set of 2026-12-07 17:32 UTC'
    """
    when = performed_at if performed_at.tzinfo is not None else performed_at.replace(tzinfo=UTC)
    return f"The {exercise_name} set of {minute_text(when)}"


def _aware(when: datetime) -> datetime:
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def check_felt_elsewhere(felt: Mapping[str, int], *, catalog: CatalogView) -> dict[str, int]:
    """``felt`` (muscle id -> 0-10) if every muscle is in the catalogue and every rating allowed.

    The guided session asks this at its "felt elsewhere" prompt, so ``forearm=3`` is refused
    (with suggestions) there exactly as ``log --elsewhere forearm=3`` is.

    Raises
    ------
    mindmuscle.errors.UnknownIdError
        A muscle not in the catalogue; ``field`` is ``reflection.felt_elsewhere.<id>``.
    mindmuscle.errors.OutOfRangeError
        A rating outside 0-10.
    """
    for muscle_id, rating in felt.items():
        where = f"reflection.felt_elsewhere.{muscle_id}"
        try:
            catalog.muscle(muscle_id)
        except UnknownIdError as exc:
            raise exc.at(where) from None
        RATING.check(where, rating)
    return dict(felt)


def check_set(
    data: SetInput, *, catalog: CatalogView, now: datetime, exercise_known: bool = False
) -> SetInput:
    """Check what the model alone cannot: ids against the user's catalogue, the date against now.

    Parameters
    ----------
    data : SetInput
        The set (its own bounds were checked when it was built).
    catalog : CatalogView
        The user's catalogue: the exercise and every muscle felt elsewhere must be in it.
    now : datetime
        The present; a set dated more than a day after it is refused (naive times are UTC), as
        is one dated before :data:`~mindmuscle.coach.limits.PERFORMED_FROM` (1970-01-01).
    exercise_known : bool
        True when the caller has just matched or made the exercise (an import), so only the
        muscles are looked up.

    Returns
    -------
    SetInput
        ``data``, unchanged.

    Raises
    ------
    mindmuscle.errors.UnknownIdError
        The exercise or a muscle felt elsewhere is not in the catalogue (with suggestions;
        ``field`` names where it was given).
    mindmuscle.errors.OutOfRangeError
        ``performed_at`` more than a day ahead of ``now``, or before 1970.
    """
    if not exercise_known:
        try:
            catalog.exercise(data.exercise_id)
        except UnknownIdError as exc:
            raise exc.at("exercise_id") from None
    if data.reflection is not None:
        check_felt_elsewhere(data.reflection.felt_elsewhere, catalog=catalog)
    if _aware(data.performed_at) < PERFORMED_FROM:
        raise OutOfRangeError(
            "performed_at",
            minute_text(_aware(data.performed_at)),
            f"a set can be dated from {PERFORMED_FROM:%Y-%m-%d} on",
        )
    latest = _aware(now) + PERFORMED_AHEAD
    if _aware(data.performed_at) > latest:
        raise OutOfRangeError(
            "performed_at",
            minute_text(_aware(data.performed_at)),
            f"a set can be dated at most a day ahead of now (up to {minute_text(latest)})",
        )
    return data
