"""The one exception tree of MindMuscle.

::

    MindMuscleError
    ├── ConfigError                 (ValueError)  a setting has a value that is not allowed
    ├── InvalidInputError           (ValueError)  a value given by a user is out of range
    │   ├── CatalogError                          the catalogue data is inconsistent
    │   ├── ChannelMapError                       a channel map does not fit the recording
    │   ├── OutOfRangeError                       one field's value is outside its limits
    │   ├── UnknownIdError          (LookupError) an exercise, muscle or study id does not exist
    │   ├── InvalidSignalError                    a recording cannot be analysed as given
    │   ├── SetConflictError                      a set cannot go to the workout it names
    │   ├── ChangedMeanwhileError                 a record changed since the user opened it
    │   └── FileFormatError                       a file is malformed: names file, line, column
    │       └── FileRowsError                     rows of a file are broken: each of them listed
    ├── StoreError                                the database cannot be used
    │   ├── DatabaseBusyError                     locked, full or unreachable: try again later
    │   ├── DatabaseFileError                     the database file is corrupt or foreign
    │   └── NotFoundError           (LookupError) a stored record does not exist (for this user)
    ├── SessionStateError           (RuntimeError) an event that the set loop cannot take now
    ├── StreamError              (ConnectionError) a live sensor stream cannot be opened or is lost
    └── AuthError                                 login required or refused
        └── TooManyLoginsError                    too many refused logins: wait retry_after_s

Messages say what was given, what is allowed, and how to fix it. The CLI prints
``Error: <message>`` and exits 1; the web app turns them into JSON or an error page.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Literal, Self

__all__ = [
    "Action",
    "AuthError",
    "CatalogError",
    "ChangedMeanwhileError",
    "ChannelMapError",
    "ConfigError",
    "DatabaseBusyError",
    "DatabaseFileError",
    "FileFormatError",
    "FileRowsError",
    "InvalidInputError",
    "InvalidSignalError",
    "MapInput",
    "MindMuscleError",
    "NotAllowedError",
    "NotFoundError",
    "OutOfRangeError",
    "SessionStateError",
    "SetConflictError",
    "Setting",
    "StoreError",
    "StreamError",
    "TooManyLoginsError",
    "UnknownIdError",
    "counted",
    "shown",
]


Action = Literal[
    "ask_admin",
    "assign_targets",
    "attach_set_emg",
    "calibrate_muscle",
    "cut_motion_file",
    "give_experiment_load",
    "recalibrate_muscle",
    "remove_own_account",
    "replace_set_emg",
    "restore_set",
    "set_local_password",
]
"""Where the user fixes what an error reports. An error that one of them would fix carries it as
``action`` with its values (``action_args``: a set's id, a muscle), and each channel words it:
the terminal names its command (``mindmuscle set emg 12 FILE --replace``), the web app its page,
button or route ("tick 'Replace the EMG this set has' on the EMG page"). The error's own message
says what is wrong and no channel's way to fix it."""


class MindMuscleError(Exception):
    """Base class of every error MindMuscle raises on purpose."""

    action: Action | None = None
    action_args: Mapping[str, str] = MappingProxyType({})

    def to_fix(self, action: Action, **args: object) -> Self:
        """This error, saying that ``action`` fixes it (see :data:`Action`); returns ``self``.

        ``raise NotFoundError("biceps has no calibration.").to_fix("calibrate_muscle",
        muscle="biceps")``
        """
        self.action = action
        self.action_args = MappingProxyType({k: str(v) for k, v in args.items()})
        return self


class ConfigError(MindMuscleError, ValueError):
    """A setting has a value that is not allowed."""


Setting = Literal["weight_unit", "sampling_rate", "accel_units", "emg_units"]
"""A setting the user can give when a file does not say it. An error that one of them would fix
carries it as ``needs``, and each channel names its own control: ``--unit kg`` in the terminal,
the "Weights in" choice on the import page."""


class InvalidInputError(MindMuscleError, ValueError):
    """A value given by a user (or a caller) is outside what is allowed.

    ``needs`` names the :data:`Setting` that would fix it, when one would (None otherwise); the
    message then says what is missing in words, not in any channel's option names.
    """

    needs: Setting | None = None

    def __init__(self, *args: object, needs: Setting | None = None) -> None:
        super().__init__(*args)
        if needs is not None:
            self.needs = needs


class CatalogError(InvalidInputError):
    """The catalogue data (built-in or imported) is inconsistent."""


MapInput = Literal["experiment_set", "set_emg"]
"""Where a lifter typed a channel map the web app takes: the EMG file of an experiment's set,
or of a logged set (the web app names its field or rows; the terminal has ``--map``)."""


class ChannelMapError(InvalidInputError):
    """A channel map (``CH=MUSCLE[,CH=MUSCLE...]``) that does not fit the recording or stream.

    The error carries the facts, not one channel's control: ``problem`` is what is wrong and
    what is allowed, as a clause that names no input ("channel 9 does not exist: the recording
    has channels 1-3."), and ``given_in`` where the map was typed (:data:`MapInput`, None when
    not known). The terminal puts its option before the clause (``--map channel 9 does not
    exist: ...``); the web app says it, then names the field or rows to correct on its page.
    """

    given_in: MapInput | None = None

    def __init__(self, problem: str) -> None:
        self.problem = problem
        super().__init__(f"In the channel map, {problem}")

    def typed_in(self, where: MapInput) -> Self:
        """This error, saying where the map was typed; returns ``self``."""
        self.given_in = where
        return self


class OutOfRangeError(InvalidInputError):
    """One field's value is outside what is allowed.

    The error carries data, not finished words for one channel: ``field`` (the model's name of
    the field, e.g. ``"load_kg"`` or ``"reflection.felt_elsewhere.forearm"``), ``value`` (what
    was given) and ``allowed`` (what is allowed, as a clause: "the load must be a finite number
    from 0 to 1500 kg"). The CLI words it with its flag names, the API with the field name.

    ``missing``: the field was not given at all ("exercise_id is missing: ..."). ``secret``: the
    field holds a password, token or key, so its value is never kept nor shown, only the rule.
    """

    def __init__(
        self,
        field: str,
        value: object,
        allowed: str,
        *,
        missing: bool = False,
        secret: bool = False,
    ) -> None:
        self.field = field
        self.value = None if secret or missing else value
        self.allowed = allowed
        self.missing = missing
        self.secret = secret
        if missing:
            text = f"{field} is missing: {allowed}."
        elif secret:
            text = f"{field} is not allowed: {allowed}."
        else:
            text = f"{field} {shown(value)} is not allowed: {allowed}."
        super().__init__(text)


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """A count with its noun in agreement: ``counted(1, "set")`` is "1 set", 2 gives "2 sets"."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def shown(value: object) -> str:
    """A given value as a message shows it: numbers as written, text quoted, long text cut."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, float):
        return f"{value:g}"
    text = str(value) if isinstance(value, int) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


class UnknownIdError(InvalidInputError, LookupError):
    """An exercise, muscle, study or rule id that does not exist."""

    def __init__(
        self,
        kind: str,
        given: str,
        suggestions: list[str] | None = None,
        *,
        field: str | None = None,
        named: bool = False,
    ) -> None:
        self.kind = kind
        self.given = given
        self.suggestions = list(suggestions or [])
        self.field = field
        self.named = named
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        if named:  # the lifter may have given a name: do not call it an id
            super().__init__(f"No {kind} has the name, alias or id {given!r}.{hint}")
        else:
            super().__init__(f"Unknown {kind} id {given!r}.{hint}")

    def at(self, field: str) -> UnknownIdError:
        """The same error, naming the field where the id was given."""
        return UnknownIdError(
            self.kind, self.given, self.suggestions, field=field, named=self.named
        )

    def __str__(self) -> str:  # LookupError would otherwise quote the message
        return str(self.args[0])


SetConflict = Literal["place_taken", "workout_deleted"]
"""Why a set cannot go to the workout it names (:class:`SetConflictError`)."""


class SetConflictError(InvalidInputError):
    """A set cannot be stored into the workout it names: ``kind`` "place_taken" (the workout
    holds another set at the same place, the same exercise and set number: the set saved twice,
    from two tabs or two devices) or "workout_deleted" (the workout was deleted meanwhile, on
    another device). Nothing was stored; the set as sent stays with its sender."""

    def __init__(self, message: str, *, kind: SetConflict) -> None:
        super().__init__(message)
        self.kind = kind


class ChangedMeanwhileError(InvalidInputError):
    """A change to a record (a routine) made from a copy that is no longer the stored one: it
    was changed since the user opened it (in another tab, on another device, or by their
    coach). Nothing was stored; the user's change stays with them, and the stored version is
    the one to look at before changing it again."""


class InvalidSignalError(InvalidInputError):
    """A recording cannot be analysed as given (wrong shape, rate, NaNs, too short...)."""


class FileFormatError(InvalidInputError):
    """A file is malformed. The message names the file and, where known, the line and column."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        column: str | int | None = None,
        needs: Setting | None = None,
    ) -> None:
        self.path = None if path is None else str(path)
        self.line = line
        self.column = column
        where = []
        if self.path is not None:
            where.append(self.path)
        if line is not None:
            where.append(f"line {line}")
        if column is not None:
            where.append(f"column {column}")
        prefix = ", ".join(where)
        self.reason = message
        super().__init__(f"{prefix}: {message}" if prefix else message, needs=needs)


class FileRowsError(FileFormatError):
    """Rows of a file that cannot be read or stored: ``errors`` lists them (at most a limit),
    ``more`` counts the broken rows not listed. Nothing of the file was stored.

    Its message is one line: the only error, or how many rows are broken and the first one.
    Each channel lists ``errors`` in its own words (one line each in the terminal, a list in
    the API's body).
    """

    def __init__(
        self, errors: list[FileFormatError], *, more: int = 0, path: str | Path | None = None
    ) -> None:
        if not errors:
            raise ValueError("FileRowsError needs at least one error")
        self.errors = errors
        self.more = more
        first = errors[0]
        total = len(errors) + more
        if total == 1:
            message = first.reason
        else:
            message = f"{total} rows cannot be imported, so nothing was stored; the first: {first}"
        path = first.path if path is None else path
        super().__init__(
            message,
            path=path,
            line=first.line if total == 1 else None,
            column=first.column if total == 1 else None,
        )

    @property
    def count(self) -> int:
        """How many broken rows were found, listed or not."""
        return len(self.errors) + self.more


class StoreError(MindMuscleError):
    """The database cannot be used."""


class DatabaseBusyError(StoreError):
    """The database is locked by another writer, its disk is full, or it cannot be reached.

    Nothing of the unit of work was stored; the same request can succeed a moment later.
    """


class DatabaseFileError(StoreError):
    """The database file is corrupt, foreign, or from a newer version."""


class NotFoundError(StoreError, LookupError):
    """A stored record does not exist (or does not belong to this user).

    ``kind`` names the record ("set", "workout") when the channel can say where such records
    are listed: the terminal names its command, the web app its page and API route.
    """

    kind: str | None = None

    def __init__(self, *args: object, kind: str | None = None) -> None:
        super().__init__(*args)
        if kind is not None:
            self.kind = kind

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


class SessionStateError(MindMuscleError, RuntimeError):
    """An event that the guided set loop cannot take in its current state."""


class StreamError(MindMuscleError, ConnectionError):
    """A live sensor stream (LSL, BrainFlow board) cannot be opened, or was lost."""


class AuthError(MindMuscleError):
    """Login is required, or the credentials were refused."""


class NotAllowedError(AuthError):
    """The logged-in user may not do this (it is an admin's task)."""


class TooManyLoginsError(AuthError):
    """Too many refused logins from one address or for one account: wait ``retry_after_s``."""

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
