"""Opening a workout-log export: format detection from the header, then streaming its sets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Literal

from mindmuscle.errors import FileFormatError
from mindmuscle.io.logs import fitnotes, hevy, strong
from mindmuscle.io.logs._table import CsvTable
from mindmuscle.io.logs.model import LogFormat, ParsedSet, RowErrors
from mindmuscle.units import MassUnit

__all__ = ["FormatOption", "LogFile", "detect_format", "open_log"]

FormatOption = Literal["auto", "strong", "hevy", "fitnotes"]
_FORMATS: tuple[LogFormat, ...] = ("strong", "hevy", "fitnotes")
_JEFIT_MARKER = "### WORKOUT SESSIONS ###"


def detect_format(table: CsvTable) -> LogFormat:
    """The export format of an opened file, from its header.

    Raises
    ------
    FileFormatError
        For an empty file, a JEFIT export (not supported), or a header of no known export.
    """
    if not table.first_line.strip():
        raise FileFormatError(
            "is empty: a Strong, Hevy or FitNotes export starts with a header row",
            path=table.path,
        )
    if table.first_line.strip().startswith(_JEFIT_MARKER):
        raise FileFormatError(
            "unsupported format (JEFIT); export from Strong, Hevy or FitNotes instead, or "
            "convert the file to one of their CSV layouts",
            path=table.path,
            line=1,
        )
    cols = table.columns
    if hevy.is_hevy(cols):
        return "hevy"
    if strong.is_strong(cols):
        return "strong"
    if fitnotes.is_fitnotes(cols):
        return "fitnotes"
    shown = ", ".join(table.header[:8]) + (", ..." if len(table.header) > 8 else "")
    raise FileFormatError(
        f"is not a known workout-log export (header: {shown}); expected Strong (Date, "
        "Exercise Name, Set Order, ...), Hevy (title, start_time, exercise_title, ...) or "
        "FitNotes (Date, Exercise, Category, Reps, ...)",
        path=table.path,
        line=table.header_line or 1,
    )


class LogFile:
    """An export opened for streaming. Use :func:`open_log`; iterate for :class:`ParsedSet`.

    Attributes
    ----------
    format : {"strong", "hevy", "fitnotes"}
    unit_in_file : str or None
        ``"kg"``, ``"lb"``, ``"per row"``, or ``None`` when the file does not say.
    delimiter : str
    size_bytes : int
    """

    def __init__(
        self,
        path: str | Path,
        *,
        format: FormatOption = "auto",
        unit: MassUnit | None = None,
        stream: IO[str] | None = None,
        errors: RowErrors | None = None,
    ) -> None:
        self.errors = errors
        if format != "auto" and format not in _FORMATS:
            raise FileFormatError(
                f"unknown format {format!r}; allowed: auto, {', '.join(_FORMATS)}", path=path
            )
        self.path = str(path)
        self._table = CsvTable(path, stream)
        try:
            detected = detect_format(self._table)
            if format != "auto" and detected != format:
                raise FileFormatError(
                    f"was given as {format} but its header is a {detected} export",
                    path=path,
                    line=self._table.header_line,
                )
        except BaseException:
            self._table.close()
            raise
        self.format: LogFormat = detected
        self.unit = unit
        module = {"strong": strong, "hevy": hevy, "fitnotes": fitnotes}[detected]
        self.unit_in_file: str | None = module.describe_units(self._table.columns)
        self.delimiter = self._table.delimiter
        self.size_bytes = self._table.size_bytes

    @property
    def bytes_read(self) -> int:
        return self._table.bytes_read

    def __iter__(self) -> Iterator[ParsedSet]:
        if self.format == "strong":
            return strong.read_strong(self._table, unit=self.unit, errors=self.errors)
        if self.format == "hevy":
            return hevy.read_hevy(self._table, errors=self.errors)
        return fitnotes.read_fitnotes(self._table, unit=self.unit, errors=self.errors)

    def close(self) -> None:
        self._table.close()

    def __enter__(self) -> LogFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def open_log(
    path: str | Path,
    *,
    format: FormatOption = "auto",
    unit: MassUnit | None = None,
    stream: IO[str] | None = None,
    errors: RowErrors | None = None,
) -> LogFile:
    """Open a Strong, Hevy or FitNotes export for streaming.

    Parameters
    ----------
    path : str or Path
        The export (CSV, any of the delimiters ``,`` ``;`` tab; UTF-8 with or without BOM).
    format : {"auto", "strong", "hevy", "fitnotes"}
        ``auto`` detects the format from the header.
    unit : {"kg", "lb"} or None
        Weight unit for files that do not say (Strong S1, FitNotes without a unit column).
    stream : text stream, optional
        Read from this instead of opening ``path`` (used for uploads); ``path`` names it.
    errors : RowErrors, optional
        Collects the rows that cannot be read (each is skipped), so that every broken row of
        a file is reported at once; without it, iterating raises the first one.

    Returns
    -------
    LogFile
        A context manager; iterating it yields :class:`ParsedSet` in file order.

    Raises
    ------
    FileFormatError
        The file is empty, not an export, JEFIT, or (while iterating, without ``errors``) has
        a broken row.

    Examples
    --------
    >>> import io
    >>> text = "Date,Exercise,Category,Weight,Weight Unit,Reps\\n2024-01-02,Curl,Arms,10,kgs,8\\n"
    >>> with open_log("x.csv", stream=io.StringIO(text)) as log:
    ...     [(s.exercise_name, s.load_kg, s.reps) for s in log]
    [('Curl', 10.0, 8)]
    """
    return LogFile(path, format=format, unit=unit, stream=stream, errors=errors)
