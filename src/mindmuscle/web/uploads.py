"""Uploaded files as the web app takes them: a safe file name, and errors in the page's words.

An error that a setting would fix (a weight unit, a sampling rate) carries the setting, not any
channel's words for it; the web app names its own control, here, at its edge.
"""

from __future__ import annotations

from pathlib import Path

from mindmuscle.errors import (
    FileFormatError,
    FileRowsError,
    InvalidInputError,
    InvalidSignalError,
    Setting,
)

__all__ = [
    "EMG_SUFFIXES",
    "MOTION_SUFFIXES",
    "check_emg_file_name",
    "check_motion_file_name",
    "relabel_upload_error",
    "safe_file_name",
]


def safe_file_name(name: str | None, *, default: str = "upload") -> str:
    """The last part of an uploaded file's name, without characters a file system refuses."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    kept = "".join(c for c in base if c.isalnum() or c in "._- ()")[:120].strip(". ")
    return kept or default


EMG_SUFFIXES = (".csv", ".txt", ".tsv", ".edf", ".bdf", ".rec", ".xdf", ".xdfz")
"""The EMG files the pages take (a file of another kind would be read as a CSV)."""


def check_emg_file_name(name: str | None, *, default: str) -> str:
    """The safe name of an uploaded EMG file, refused before it is read when its kind is not
    one the pages read.

    Raises
    ------
    FileFormatError
        Another extension (named, with the kinds allowed).
    """
    return _checked_name(
        name,
        default,
        EMG_SUFFIXES,
        "the EMG page reads: give a CSV (.csv, .txt, .tsv), EDF/BDF (.edf, .bdf) or XDF "
        "(.xdf, .xdfz) recording",
    )


MOTION_SUFFIXES = (".csv", ".txt", ".fit", ".json")
"""The motion files the motion page takes (the kinds ``mindmuscle motion FILE`` reads)."""


def check_motion_file_name(name: str | None, *, default: str) -> str:
    """The safe name of an uploaded motion file, refused before it is read when its kind is not
    one the motion page reads.

    Raises
    ------
    FileFormatError
        Another extension (named, with the kinds allowed).
    """
    return _checked_name(
        name,
        default,
        MOTION_SUFFIXES,
        "the motion page reads: give a watch, MetaMotion, muvr or other CSV (.csv, .txt), a FIT "
        "file (.fit) or a JSON recording (.json)",
    )


def _checked_name(name: str | None, default: str, suffixes: tuple[str, ...], reads: str) -> str:
    """The safe name of an upload whose extension is one of ``suffixes``; else the error says
    what was given and, in ``reads``, what the page takes."""
    safe = safe_file_name(name, default=default)
    suffix = Path(safe).suffix.lower()
    if suffix not in suffixes:
        kind = f"a {suffix} file" if suffix else "a file without an extension"
        raise FileFormatError(f"{kind} is not a format {reads}", path=safe)
    return safe


# The control of the upload pages that gives each setting an error may need (the phone's motion
# needs none: its units are known; a motion file's may not be).
_PAGE_CONTROLS: dict[Setting, str] = {
    "weight_unit": "Pick kg or lb under 'Weights in' and upload again.",
    "sampling_rate": "Give the sampling rate under 'Reading options' and upload again.",
    "emg_units": "Pick the unit under 'Reading options', 'Samples in', and upload again.",
    "accel_units": "Pick g or m/s² under 'Acceleration in' and analyse again.",
}


def _sentence(text: str) -> str:
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


def relabel_upload_error(exc: InvalidInputError, path: Path, file_name: str) -> InvalidInputError:
    """The same error naming the file as uploaded (not its temporary copy) and, when a setting
    would fix it, the page's control that gives it."""

    def web(text: str, needs: Setting | None) -> str:
        text = text.replace(str(path), file_name)
        control = None if needs is None else _PAGE_CONTROLS.get(needs)
        return text if control is None else f"{_sentence(text)} {control}"

    def relabel(e: FileFormatError) -> FileFormatError:
        return FileFormatError(
            web(e.reason, e.needs), path=file_name, line=e.line, column=e.column, needs=e.needs
        )

    if isinstance(exc, FileRowsError):
        return FileRowsError([relabel(e) for e in exc.errors], more=exc.more, path=file_name)
    if isinstance(exc, FileFormatError):
        return relabel(exc)
    kind = InvalidSignalError if isinstance(exc, InvalidSignalError) else InvalidInputError
    again = kind(web(str(exc), exc.needs), needs=exc.needs)
    return again if exc.action is None else again.to_fix(exc.action, **exc.action_args)
