"""Uploaded files as the web app takes them: a safe file name, and errors in the page's words.

Errors carry the command line's wording of the options a file may need ("pass --unit kg or
--unit lb"); the web app names its own fields instead, here, at its edge.
"""

from __future__ import annotations

from pathlib import Path

from mindmuscle.errors import FileFormatError, FileRowsError, InvalidSignalError

__all__ = ["relabel_upload_error", "safe_file_name"]


def safe_file_name(name: str | None, *, default: str = "upload") -> str:
    """The last part of an uploaded file's name, without characters a file system refuses."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    kept = "".join(c for c in base if c.isalnum() or c in "._- ()")[:120].strip(". ")
    return kept or default


# Options of the command line named in messages, and what the web pages call them.
_WEB_WORDS = {
    "pass --unit kg or --unit lb": "pick kg or lb under 'Weights in' and upload again",
    "with --rate HZ": "in the sampling rate field (Hz)",
    "--rate HZ": "the sampling rate field (Hz)",
}


def relabel_upload_error(
    exc: FileFormatError | InvalidSignalError, path: Path, file_name: str
) -> FileFormatError | InvalidSignalError:
    """The same error naming the file as uploaded (not its temporary copy) and the page's
    fields instead of command-line options."""

    def web(text: str) -> str:
        text = text.replace(str(path), file_name)
        for cli, page in _WEB_WORDS.items():
            text = text.replace(cli, page)
        return text

    def relabel(e: FileFormatError) -> FileFormatError:
        return FileFormatError(web(e.reason), path=file_name, line=e.line, column=e.column)

    if isinstance(exc, FileRowsError):
        return FileRowsError([relabel(e) for e in exc.errors], more=exc.more, path=file_name)
    if isinstance(exc, FileFormatError):
        return relabel(exc)
    return InvalidSignalError(web(str(exc)))
