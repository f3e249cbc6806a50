"""Read free-exercise-db's ``exercises.json`` (a JSON array of exercise objects).

Malformed JSON raises :class:`~mindmuscle.errors.FileFormatError` with the line and column of the
problem; an entry that does not follow free-exercise-db's schema raises it with the entry's
index, id and line.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from pydantic import ValidationError

from mindmuscle.catalog.freedb import FreeDbExercise
from mindmuscle.errors import FileFormatError
from mindmuscle.io.jsontext import parse_json_at

__all__ = ["iter_free_exercise_db", "read_free_exercise_db"]


def _position(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def _skip_space(text: str, index: int) -> int:
    while index < len(text) and text[index] in " \t\r\n":
        index += 1
    return index


def _raw_entries(text: str, path: Path) -> Iterator[tuple[int, int, object]]:
    """Yield ``(line, column, value)`` for each element of the top-level JSON array."""
    decoder = json.JSONDecoder()
    i = _skip_space(text, 0)
    if i >= len(text) or text[i] != "[":
        line, col = _position(text, i)
        raise FileFormatError(
            "expected a JSON array of exercises (free-exercise-db's dist/exercises.json), "
            f"found {text[i : i + 20]!r}",
            path=path,
            line=line,
            column=col,
        )
    i = _skip_space(text, i + 1)
    if i < len(text) and text[i] == "]":
        return
    while True:
        line, col = _position(text, i)
        value, end = parse_json_at(decoder, text, i, path=path)
        yield line, col, value
        i = _skip_space(text, end)
        if i < len(text) and text[i] == ",":
            i = _skip_space(text, i + 1)
            continue
        if i < len(text) and text[i] == "]":
            rest = _skip_space(text, i + 1)
            if rest < len(text):
                line, col = _position(text, rest)
                raise FileFormatError(
                    "malformed JSON: extra data after the array", path=path, line=line, column=col
                )
            return
        line, col = _position(text, i)
        raise FileFormatError(
            "malformed JSON: expected ',' or ']' after an entry", path=path, line=line, column=col
        )


def iter_free_exercise_db(path: str | Path) -> Iterator[FreeDbExercise]:
    """Yield the validated entries of a free-exercise-db JSON file, in file order.

    Parameters
    ----------
    path : str or Path
        ``exercises.json`` of free-exercise-db (the combined ``dist`` file).

    Raises
    ------
    mindmuscle.errors.FileFormatError
        When the file is missing, is not UTF-8, is not a JSON array, or an entry does not
        follow the schema (the message names the entry, its line and the field).
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise FileFormatError("file not found", path=path) from None
    except UnicodeDecodeError as exc:
        raise FileFormatError(f"not UTF-8 text ({exc.reason})", path=path) from None
    # Parse the whole array first: a syntax error anywhere is reported before schema errors.
    entries = list(_raw_entries(text, path))
    for index, (line, column, value) in enumerate(entries):
        entry_id = value.get("id") if isinstance(value, dict) else None
        entry = f"entry {index}" + (f" ({entry_id!r})" if entry_id else "")
        if not isinstance(value, dict):
            raise FileFormatError(
                f"{entry}: expected an exercise object, got {type(value).__name__}",
                path=path,
                line=line,
                column=column,
            )
        try:
            yield FreeDbExercise.model_validate(value)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "entry"
            given = repr(err.get("input"))
            given = given if len(given) <= 80 else given[:77] + "..."
            raise FileFormatError(
                f"{entry}: field {field!r}: {err['msg']} (given {given})",
                path=path,
                line=line,
                column=column,
            ) from None


def read_free_exercise_db(path: str | Path) -> list[FreeDbExercise]:
    """All entries of a free-exercise-db JSON file (see :func:`iter_free_exercise_db`)."""
    return list(iter_free_exercise_db(path))
