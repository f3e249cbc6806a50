"""Workout-log exports: Strong, Hevy and FitNotes in (streamed set by set), MindMuscle JSON.

Pure file-format code: no database, no catalogue matching (that is ``services.imports``).
"""

from mindmuscle.io.logs.mmjson import ExportDocument, read_export
from mindmuscle.io.logs.model import (
    MAX_LISTED_ERRORS,
    LogFormat,
    ParsedSet,
    RowErrors,
    make_import_key,
)
from mindmuscle.io.logs.reader import FormatOption, LogFile, detect_format, open_log

__all__ = [
    "MAX_LISTED_ERRORS",
    "ExportDocument",
    "FormatOption",
    "LogFile",
    "LogFormat",
    "ParsedSet",
    "RowErrors",
    "detect_format",
    "make_import_key",
    "open_log",
    "read_export",
]
