"""MindMuscle's own JSON export: everything of one user, importable again.

The document is a :class:`ExportDocument`. Records refer to each other by stable values, never
by database ids: sets by ``uuid``, sessions by ``ref`` (``"session-1"``, ...), so a file can be
imported into any database. Times are UTC (ISO 8601). Loads are kilograms.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mindmuscle.coach.limits import LOAD_KG, RATING, REPS, range_errors
from mindmuscle.errors import FileFormatError, shown
from mindmuscle.io.jsontext import parse_json
from mindmuscle.io.logs.model import RowErrors

__all__ = [
    "FORMAT_NAME",
    "ExportDocument",
    "JsonDrill",
    "JsonDrillRating",
    "JsonExperiment",
    "JsonExperimentSet",
    "JsonPlanned",
    "JsonProfile",
    "JsonReadiness",
    "JsonRecording",
    "JsonReflection",
    "JsonSession",
    "JsonSet",
    "JsonUserExercise",
    "read_export",
]

FORMAT_NAME = "mindmuscle-export"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class JsonProfile(_Model):
    units: str
    experience: str
    goal: str
    equipment: dict[str, Any]
    bodyweight_kg: float | None


class JsonUserExercise(_Model):
    exercise_id: str
    source: str
    exercise: dict[str, Any]


class JsonReadiness(_Model):
    recorded_at: datetime
    sleep: int
    energy: int
    stress: int
    focus: int
    soreness: dict[str, Any]
    decision: str | None
    score: float | None


class JsonPlanned(_Model):
    position: int
    exercise_id: str
    prescription: dict[str, Any]


class JsonSession(_Model):
    ref: str = Field(description="Reference used by sets, e.g. 'session-1'.")
    started_at: datetime
    ended_at: datetime | None
    source: str
    notes: str
    plan: dict[str, Any] | None
    state: dict[str, Any] | None
    planned: list[JsonPlanned]


class JsonReflection(_Model):
    target_rating: int | None = RATING.field(None)
    felt_elsewhere: dict[str, Any]
    focus_rating: int | None
    note: str
    created_at: datetime


class JsonSet(_Model):
    uuid: str
    session: str | None = Field(description="The ``ref`` of its session.")
    set_index: int | None
    exercise_id: str
    performed_at: datetime
    load_kg: float = LOAD_KG.field()
    reps: int = REPS.field()
    set_type: str
    rir: int | None
    tempo: dict[str, Any] | None
    focus_mode: str | None
    cue: str | None
    motion: dict[str, Any] | None
    emg_peak_mvc: float | None
    source: str
    import_key: str | None
    notes: str
    superset: str | None
    reflection: JsonReflection | None


class JsonDrillRating(_Model):
    muscle_id: str
    rating: int
    rated_at: datetime


class JsonDrill(_Model):
    started_at: datetime
    ended_at: datetime | None
    plan: dict[str, Any] | None
    ratings: list[JsonDrillRating]


class JsonRecording(_Model):
    kind: str
    set_uuid: str | None
    file_name: str | None
    data: dict[str, Any] | None
    blob_base64: str | None
    analysis: dict[str, Any] | None
    created_at: datetime


class JsonExperimentSet(_Model):
    condition: str
    load_kg: float | None
    order_index: int
    set_uuid: str | None


class JsonExperiment(_Model):
    name: str
    design: dict[str, Any]
    seed: int
    status: str
    created_at: datetime
    sets: list[JsonExperimentSet]


class ExportDocument(_Model):
    """The whole JSON export of one user."""

    format: Literal["mindmuscle-export"] = "mindmuscle-export"
    version: Literal[1] = 1
    profile: JsonProfile | None = None
    user_exercises: list[JsonUserExercise] = Field(default_factory=list)
    readiness: list[JsonReadiness] = Field(default_factory=list)
    sessions: list[JsonSession] = Field(default_factory=list)
    sets: list[JsonSet] = Field(default_factory=list)
    drills: list[JsonDrill] = Field(default_factory=list)
    recordings: list[JsonRecording] = Field(default_factory=list)
    experiments: list[JsonExperiment] = Field(default_factory=list)

    def to_json(self) -> str:
        """The document as indented JSON text (deterministic: same data, same text)."""
        return self.model_dump_json(indent=2) + "\n"


def _where(loc: tuple[int | str, ...]) -> str:
    """A location in the document as written: ``sets[3].load_kg``."""
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


def read_export(path: str | Path, text: str | None = None) -> ExportDocument:
    """Read and validate a MindMuscle JSON export.

    Raises
    ------
    FileFormatError
        Not JSON (with the line and column), or not a MindMuscle export, or a value of the
        wrong type (the message names where in the document, e.g. ``sets[3].load_kg``).
    """
    if text is None:
        try:
            text = Path(path).read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise FileFormatError("is not UTF-8 text", path=path) from None
        except OSError as exc:
            raise FileFormatError(f"cannot be read: {exc.strerror}", path=path) from None
    data = parse_json(text, path=path)
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise FileFormatError(
            f'is not a MindMuscle export (expected "format": "{FORMAT_NAME}" at the top)',
            path=path,
            line=1,
        )
    try:
        return ExportDocument.model_validate(data)
    except ValidationError as exc:
        # Every broken entry (a set, a workout, ...) is listed at once with its problems (the
        # first 50 entries), and nothing of the file is used.
        entries: dict[str, list[str]] = {}
        for problem in exc.errors():
            loc = problem["loc"]
            head = 2 if len(loc) > 2 and isinstance(loc[1], int) else 1
            entry = _where(loc[:head])
            [e] = range_errors([problem])
            field = _where(loc[head:]) or entry
            entries.setdefault(entry, []).append(
                f"{field} {shown(e.value)} is not allowed: {e.allowed}"
            )
        errors = RowErrors()
        for entry, problems in entries.items():
            text = "; ".join(problems[:3])
            if len(problems) > 3:
                text += f"; and {len(problems) - 3} more"
            errors.add(FileFormatError(f"{entry}: {text}", path=path))
        errors.raise_any()
        raise  # pragma: no cover  (a ValidationError always lists at least one problem)
