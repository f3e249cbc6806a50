"""The one exception tree of MindMuscle.

::

    MindMuscleError
    ├── ConfigError                 (ValueError)  a setting has a value that is not allowed
    ├── InvalidInputError           (ValueError)  a value given by a user is out of range
    │   ├── CatalogError                          the catalogue data is inconsistent
    │   ├── UnknownIdError          (LookupError) an exercise, muscle or study id does not exist
    │   ├── InvalidSignalError                    a recording cannot be analysed as given
    │   └── FileFormatError                       a file is malformed: names file, line, column
    ├── StoreError                                the database cannot be used
    │   ├── DatabaseFileError                     the database file is corrupt or foreign
    │   └── NotFoundError           (LookupError) a stored record does not exist (for this user)
    ├── SessionStateError           (RuntimeError) an event that the set loop cannot take now
    └── AuthError                                 login required or refused

Messages say what was given, what is allowed, and how to fix it. The CLI prints
``Error: <message>`` and exits 1; the web app turns them into JSON or an error page.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "AuthError",
    "CatalogError",
    "ConfigError",
    "DatabaseFileError",
    "FileFormatError",
    "InvalidInputError",
    "InvalidSignalError",
    "MindMuscleError",
    "NotFoundError",
    "SessionStateError",
    "StoreError",
    "UnknownIdError",
]


class MindMuscleError(Exception):
    """Base class of every error MindMuscle raises on purpose."""


class ConfigError(MindMuscleError, ValueError):
    """A setting has a value that is not allowed."""


class InvalidInputError(MindMuscleError, ValueError):
    """A value given by a user (or a caller) is outside what is allowed."""


class CatalogError(InvalidInputError):
    """The catalogue data (built-in or imported) is inconsistent."""


class UnknownIdError(InvalidInputError, LookupError):
    """An exercise, muscle, study or rule id that does not exist."""

    def __init__(self, kind: str, given: str, suggestions: list[str] | None = None) -> None:
        self.kind = kind
        self.given = given
        self.suggestions = list(suggestions or [])
        hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"Unknown {kind} id {given!r}.{hint}")

    def __str__(self) -> str:  # LookupError would otherwise quote the message
        return str(self.args[0])


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
        super().__init__(f"{prefix}: {message}" if prefix else message)


class StoreError(MindMuscleError):
    """The database cannot be used."""


class DatabaseFileError(StoreError):
    """The database file is corrupt, foreign, or from a newer version."""


class NotFoundError(StoreError, LookupError):
    """A stored record does not exist (or does not belong to this user)."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "not found"


class SessionStateError(MindMuscleError, RuntimeError):
    """An event that the guided set loop cannot take in its current state."""


class AuthError(MindMuscleError):
    """Login is required, or the credentials were refused."""
