"""JSON text from a user's file, parsed in one place.

Every reader of a JSON file (an export, a motion recording, a catalogue, a CSV cell) parses it
here, so that each way the text can be wrong is one :class:`~mindmuscle.errors.FileFormatError`
naming the file and, where known, the line and column, worded the same everywhere. That
includes a document nested deeper than the parser goes (``[[[[...]]]]`` a hundred thousand
levels deep), which Python's parser refuses with a ``RecursionError`` rather than a
``JSONDecodeError``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mindmuscle.errors import FileFormatError

__all__ = ["NESTED_TOO_DEEPLY", "parse_json", "parse_json_at"]

NESTED_TOO_DEEPLY = "is not valid JSON (its arrays and objects are nested too deeply to read)"


def parse_json(text: str, *, path: str | Path | None = None, then: str = "") -> Any:
    """The JSON value of ``text``.

    ``then`` is added to the message of a refusal (what the user can do about it).

    Raises
    ------
    mindmuscle.errors.FileFormatError
        The text is not valid JSON (with the line and column where it breaks), or it is nested
        too deeply to read.
    """
    return parse_json_at(json.JSONDecoder(), text, 0, path=path, then=then, whole=True)[0]


def parse_json_at(
    decoder: json.JSONDecoder,
    text: str,
    index: int,
    *,
    path: str | Path | None = None,
    then: str = "",
    whole: bool = False,
) -> tuple[Any, int]:
    """The JSON value that starts at ``text[index]``, and the index where it ends.

    With ``whole``, the value must be all of ``text`` (white space aside), as ``json.loads``
    requires.

    Raises
    ------
    mindmuscle.errors.FileFormatError
        As :func:`parse_json`.
    """
    try:
        if whole:
            return decoder.decode(text), len(text)
        return decoder.raw_decode(text, index)
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            f"is not valid JSON ({exc.msg}){then}", path=path, line=exc.lineno, column=exc.colno
        ) from None
    except RecursionError:
        raise FileFormatError(f"{NESTED_TOO_DEEPLY}{then}", path=path) from None
