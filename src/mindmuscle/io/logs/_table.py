"""A CSV export read as a stream of rows: BOM, CRLF, delimiter sniffing, line numbers.

The file is read with the ``csv`` module row by row (constant memory). Quoted delimiters and
quoted newlines are handled by ``csv``; the line reported for a row is the physical line where
it starts, so an editor jumps to it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from types import TracebackType
from typing import IO

from mindmuscle.errors import FileFormatError
from mindmuscle.io.logs._cells import Cell
from mindmuscle.io.logs.model import RowErrors, collect

__all__ = ["CsvTable", "Row", "normalise_header"]

_DELIMITERS = (",", ";", "\t")
_MAX_FIELD_CHARS = 1_000_000


def normalise_header(name: str) -> str:
    """A header name compared without case or surrounding spaces."""
    return " ".join(name.strip().casefold().split())


def _sniff_delimiter(line: str) -> str:
    """The delimiter that occurs most often outside quotes on the header line (comma on ties)."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(_DELIMITERS, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


class Row:
    """One data row: cells by normalised column name."""

    __slots__ = ("_index", "_path", "line", "values")

    def __init__(self, values: list[str], line: int, index: dict[str, tuple[int, str]], path: str):
        self.values = values
        self.line = line
        self._index = index
        self._path = path

    def has(self, column: str) -> bool:
        return column in self._index

    def cell(self, column: str) -> Cell:
        """The cell of ``column`` (normalised name); an empty cell when the column is absent."""
        found = self._index.get(column)
        if found is None:
            return Cell("", self._path, self.line, column)
        i, shown = found
        return Cell(self.values[i].strip(), self._path, self.line, shown)

    def text(self, column: str) -> str:
        found = self._index.get(column)
        return "" if found is None else self.values[found[0]].strip()


class CsvTable:
    """A CSV file opened for streaming; use as a context manager, iterate over :class:`Row`.

    Parameters
    ----------
    path : str or Path
        The file. Read as UTF-8 (a BOM is dropped).
    stream : text stream, optional
        Read this instead of opening ``path`` (``path`` is then only used in messages).
    """

    def __init__(self, path: str | Path, stream: IO[str] | None = None) -> None:
        self.path = str(path)
        self._own = stream is None
        self._binary: IO[bytes] | None = None
        if stream is None:
            try:
                self._binary = open(path, "rb")  # noqa: SIM115 - closed in close()
            except OSError as exc:
                raise FileFormatError(f"cannot be read: {exc.strerror}", path=self.path) from None
        self._stream = stream
        lines: Iterator[str]
        if self._binary is not None:
            lines = self._decode(self._binary)
        else:
            assert stream is not None
            lines = iter(stream)
        self.size_bytes = Path(path).stat().st_size if self._binary is not None else 0
        skipped = 0
        try:
            first = next(lines, "")
            while first and not first.strip():
                skipped += 1
                first = next(lines, "")
        except BaseException:
            self.close()
            raise
        self.first_line = first.lstrip("\ufeff")
        self.delimiter = _sniff_delimiter(self.first_line)
        self._lines = chain([""] * skipped, [self.first_line], lines)
        csv.field_size_limit(_MAX_FIELD_CHARS)
        self._reader = csv.reader(
            self._lines, delimiter=self.delimiter, skipinitialspace=True, strict=True
        )
        self.header: list[str] = []
        self.columns: dict[str, tuple[int, str]] = {}
        self.header_line = 0
        if self.first_line.strip():
            header = self._next()
            if header is not None:
                self.header = [h.strip() for h in header]
                for i, name in enumerate(self.header):
                    self.columns.setdefault(normalise_header(name), (i, name))
                self.header_line = self._reader.line_num

    def _decode(self, binary: IO[bytes]) -> Iterator[str]:
        # Decoded line by line so that a byte that is not UTF-8 is reported on its own line.
        for number, raw in enumerate(binary, start=1):
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError:
                raise FileFormatError(
                    "is not UTF-8 text; export the file again, or save it as UTF-8",
                    path=self.path,
                    line=number,
                ) from None

    @property
    def bytes_read(self) -> int:
        """How far into the file the reader is, in bytes (for a progress bar)."""
        return self._binary.tell() if self._binary is not None else 0

    def _next(self) -> list[str] | None:
        start = self._reader.line_num + 1
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except csv.Error as exc:
            raise FileFormatError(
                f"is not valid CSV ({exc})", path=self.path, line=max(start, 1)
            ) from None

    def rows(self, errors: RowErrors | None = None) -> Iterator[Row]:
        """The data rows after the header; blank lines are skipped.

        A row with more or fewer fields than the header (often an unquoted delimiter) is
        recorded in ``errors`` and skipped, or raised when ``errors`` is None.

        Raises
        ------
        FileFormatError
            When a row has the wrong number of fields (without ``errors``), or the text is not
            valid CSV from there on.
        """
        width = len(self.header)
        while True:
            start = self._reader.line_num + 1
            values = self._next()
            if values is None:
                return
            if not values or all(not v.strip() for v in values):
                continue
            if len(values) != width:
                collect(
                    errors,
                    FileFormatError(
                        f"has {len(values)} fields but the header has {width}; a value "
                        f"containing {self.delimiter!r} must be quoted",
                        path=self.path,
                        line=start,
                    ),
                )
                continue
            yield Row(values, start, self.columns, self.path)

    def close(self) -> None:
        if self._own and self._binary is not None:
            self._binary.close()

    def __enter__(self) -> CsvTable:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
