"""Importing workout-log exports (Strong, Hevy, FitNotes, MindMuscle JSON) into the store.

One file is one transaction: a broken row anywhere imports nothing, and the error names the file,
the line and the column. Every set gets a deterministic ``import_key`` (the workout start, the
exercise, its order and the values), so importing the same file again stores nothing new.

Exercise names are matched to the user's catalogue by :mod:`mindmuscle.catalog.matching`
(exact, normalised, fuzzy; names in any script). Names that match nothing become the user's own
exercises (stored in ``user_exercises``) with no target muscle until the user assigns them; the
muscles their words suggest are in the report. The report lists every mapping.
"""

from __future__ import annotations

import uuid as uuid_mod
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from mindmuscle.catalog import Catalog
from mindmuscle.catalog.matching import (
    DEFAULT_THRESHOLD,
    ExerciseMatcher,
    Match,
    MatchMethod,
    user_exercise_for,
)
from mindmuscle.catalog.models import Exercise
from mindmuscle.coach.models import LoggedSet
from mindmuscle.errors import StoreError
from mindmuscle.io.logs import FormatOption, ParsedSet, open_log
from mindmuscle.services.catalog import user_catalog
from mindmuscle.services.history import logged_sets
from mindmuscle.store import Database, UserExerciseCreate, repo
from mindmuscle.store.tables import SessionRow, SetRow
from mindmuscle.units import MassUnit

__all__ = [
    "DEFAULT_THRESHOLD",
    "ExerciseMapping",
    "ImportReport",
    "import_file",
    "logged_history",
]

_BATCH_SETS = 1000

# --- the import -----------------------------------------------------------------------------


class ExerciseMapping(BaseModel):
    """How one exercise name of the file was mapped (the user can correct it)."""

    model_config = ConfigDict(frozen=True)

    name: str = Field(description="The name as written in the file.")
    exercise_id: str
    exercise_name: str
    method: MatchMethod = Field(
        description="given (by the user, --map); exact, normalised or fuzzy (built-in "
        "catalogue); user (an exercise the user already had); new (a user exercise created by "
        "this import)."
    )
    confidence: float = Field(ge=0, le=1)
    sets: int = Field(ge=0, description="Sets of this name in the file.")
    unassigned: bool = Field(
        default=False,
        description="The exercise has no target muscle yet: it is left out of the connection "
        "map until you assign targets (mindmuscle exercise assign ID --targets MUSCLE).",
    )
    suggested_targets: list[str] = Field(
        default_factory=list,
        description="For new exercises: muscle ids the name's words suggest (not stored).",
    )


class ImportReport(BaseModel):
    """What an import found and stored."""

    model_config = ConfigDict(frozen=True)

    path: str
    format: str
    unit: str = Field(description="Weight unit used: from the file, or the --unit option.")
    dry_run: bool
    sets: int = Field(description="Sets in the file.")
    sets_added: int = Field(description="Sets stored now (0 in a dry run).")
    sets_already_stored: int
    workouts: int
    workouts_added: int
    exercises: int = Field(description="Distinct exercise names in the file.")
    matched: int = Field(description="Names matched to built-in exercises.")
    user_exercises: int = Field(description="Names mapped to the user's own exercises.")
    new_user_exercises: int
    first_workout: datetime | None
    last_workout: datetime | None
    mappings: list[ExerciseMapping]


@dataclass
class _NameState:
    match: Match
    sets: int = 0
    suggested: tuple[str, ...] = ()


def _set_uuid(import_key: str) -> str:
    # The key is already a SHA-256 digest: its first 128 bits, marked as a name-based UUID.
    return str(uuid_mod.UUID(hex=import_key.removeprefix("log:")[:32], version=5))


def _rir(rpe: float | None) -> int | None:
    return None if rpe is None else max(0, min(10, int(10 - rpe)))


def _session_notes(parsed: ParsedSet) -> str:
    parts = [p for p in (parsed.workout_title, parsed.workout_notes) if p]
    return "\n\n".join(parts)


_V = TypeVar("_V")


class _Recent(OrderedDict[str, _V]):
    """A dict that keeps only the most recently set keys."""

    limit = 256

    def __setitem__(self, key: str, value: _V) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        if len(self) > self.limit:
            self.popitem(last=False)


# Bound parameters, not literal lists: the statement cache then holds no keys of past batches.
_STORED_KEYS = select(SetRow.import_key, SetRow.session_id).where(
    SetRow.user_id == bindparam("user_id"),
    SetRow.import_key.in_(bindparam("keys", expanding=True)),
)


class _Importer:
    def __init__(
        self,
        *,
        session: Session,
        user_id: int,
        catalog: Catalog,
        matcher: ExerciseMatcher,
        dry_run: bool,
    ) -> None:
        self.s = session
        self.user_id = user_id
        self.catalog = catalog
        self.matcher = matcher
        self.dry_run = dry_run
        self.names: dict[str, _NameState] = {}
        # Only recent workouts are remembered (exports list a workout's rows together), so the
        # memory of an import does not grow with the file.
        self.workout_sessions: _Recent[int | None] = _Recent()
        self.workout_counts: _Recent[int] = _Recent()
        self.workouts = 0
        self.workouts_added = 0
        self.sets = 0
        self.added = 0
        self.first: datetime | None = None
        self.last: datetime | None = None

    def exercise_for(self, parsed: ParsedSet) -> str:
        state = self.names.get(parsed.exercise_name)
        if state is None:
            found = self.matcher.match(parsed.exercise_name)
            suggested: tuple[str, ...] = ()
            if found is None:
                new = user_exercise_for(
                    parsed.exercise_name, self.catalog, category=parsed.category
                )
                exercise, suggested = new.exercise, new.suggested
                if not self.dry_run:
                    repo.upsert_user_exercise(
                        session=self.s,
                        user_id=self.user_id,
                        data=UserExerciseCreate(
                            exercise_id=exercise.id,
                            exercise=exercise.model_dump(mode="json"),
                            source="import",
                        ),
                    )
                self.matcher.add(exercise)
                found = Match(exercise, "new", 0.0)
            state = self.names[parsed.exercise_name] = _NameState(found, suggested=suggested)
        state.sets += 1
        return state.match.exercise.id

    def flush(self, batch: list[ParsedSet]) -> None:
        if not batch:
            return
        keys = [p.import_key for p in batch]  # a hash: computed once per set
        existing: dict[str, int | None] = {}
        for i in range(0, len(keys), 500):
            params = {"user_id": self.user_id, "keys": keys[i : i + 500]}
            rows = self.s.execute(_STORED_KEYS, params)
            existing.update({k: sid for k, sid in rows if k is not None})
        for p, key in zip(batch, keys, strict=True):
            if key in existing and p.workout_key not in self.workout_sessions:
                self.workout_sessions[p.workout_key] = existing[key]
        new_sessions: dict[str, SessionRow] = {}
        for p, key in zip(batch, keys, strict=True):
            if key in existing or p.workout_key in self.workout_sessions:
                continue
            if p.workout_key in new_sessions:
                continue
            ended = p.ended_at
            if ended is None and p.workout_duration_s:
                ended = p.started_at + timedelta(seconds=p.workout_duration_s)
            new_sessions[p.workout_key] = SessionRow(
                user_id=self.user_id,
                started_at=p.started_at,
                ended_at=ended,
                source="import",
                notes=_session_notes(p),
            )
        self.workouts_added += len(new_sessions)
        if new_sessions and not self.dry_run:
            self.s.add_all(new_sessions.values())
            self.s.flush()
        for key, row in new_sessions.items():
            self.workout_sessions[key] = None if self.dry_run else row.id
            if not self.dry_run:
                self.s.expunge(row)  # only its id is needed; the identity map would grow
        rows_to_add: list[dict[str, Any]] = []
        for p, key in zip(batch, keys, strict=True):
            exercise_id = self.exercise_for(p)
            index = self.workout_counts.get(p.workout_key, 0)
            if index == 0:
                self.workouts += 1
            self.workout_counts[p.workout_key] = index + 1
            if key in existing:
                continue
            existing[key] = None  # the same row twice in one file is stored once
            motion = {
                k: v
                for k, v in (("duration_s", p.duration_s), ("distance_m", p.distance_m))
                if v is not None
            }
            rows_to_add.append(
                {
                    "user_id": self.user_id,
                    "uuid": _set_uuid(key),
                    "session_id": self.workout_sessions.get(p.workout_key),
                    "set_index": index,
                    "exercise_id": exercise_id,
                    "performed_at": p.started_at,
                    "load_kg": p.load_kg or 0.0,
                    "reps": p.reps or 0,
                    "set_type": p.set_type,
                    "rir": _rir(p.rpe),
                    "tempo": None,
                    "focus_mode": None,
                    "cue": None,
                    "motion": motion or None,
                    "emg_peak_mvc": None,
                    "source": "import",
                    "import_key": key,
                    "notes": p.notes,
                    "superset": p.superset,
                }
            )
        self.added += len(rows_to_add)
        if rows_to_add and not self.dry_run:
            # Core executemany: the ORM's bulk path costs more than the insert itself here.
            self.s.connection().execute(insert(SetRow.__table__), rows_to_add)  # type: ignore[arg-type]

    def run(self, sets: Iterator[ParsedSet], progress: Callable[[], None] | None) -> None:
        batch: list[ParsedSet] = []
        for parsed in sets:
            self.sets += 1
            if self.first is None or parsed.started_at < self.first:
                self.first = parsed.started_at
            if self.last is None or parsed.started_at > self.last:
                self.last = parsed.started_at
            batch.append(parsed)
            if len(batch) >= _BATCH_SETS:
                self.flush(batch)
                batch = []
                if progress is not None:
                    progress()
        self.flush(batch)
        if progress is not None:
            progress()

    def mappings(self) -> list[ExerciseMapping]:
        return [
            ExerciseMapping(
                name=name,
                exercise_id=st.match.exercise.id,
                exercise_name=st.match.exercise.name,
                method=st.match.method,
                confidence=st.match.confidence,
                sets=st.sets,
                unassigned=st.match.exercise.unassigned,
                suggested_targets=list(st.suggested),
            )
            for name, st in sorted(self.names.items(), key=lambda kv: kv[0].casefold())
        ]


def import_file(
    *,
    db: Database,
    user_id: int,
    path: str | Path,
    format: FormatOption | Literal["json"] = "auto",
    unit: MassUnit | None = None,
    dry_run: bool = False,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Callable[[int, int], None] | None = None,
    catalog: Catalog | None = None,
    mapping: Mapping[str, str] | None = None,
) -> ImportReport:
    """Import one export file in one transaction.

    Parameters
    ----------
    db : Database
    user_id : int
    path : str or Path
        A Strong, Hevy or FitNotes CSV export, or a MindMuscle JSON export.
    format : {"auto", "strong", "hevy", "fitnotes", "json"}
        ``auto`` detects it (JSON by its first character, CSV by its header).
    unit : {"kg", "lb"} or None
        Weight unit for files that do not say; required for those.
    dry_run : bool
        Read, match and count, store nothing.
    threshold : float
        Minimum similarity of a fuzzy name match (0-1).
    progress : callable, optional
        Called as ``progress(bytes_read, size_bytes)`` while the file is read.
    catalog : Catalog, optional
        The catalogue to match against (default: the user's,
        :func:`mindmuscle.services.catalog.user_catalog`).
    mapping : mapping of str to str, optional
        The user's own choices, name in the file -> exercise id (after a dry run showed the
        report); they win over every automatic match.

    Returns
    -------
    ImportReport

    Raises
    ------
    FileFormatError
        The file is not a supported export or has a broken row (nothing is stored).
    """
    catalog = catalog or user_catalog(db=db, user_id=user_id)
    if format == "json" or (format == "auto" and _looks_like_json(path)):
        from mindmuscle.services.export import import_json

        return import_json(db=db, user_id=user_id, path=path, dry_run=dry_run, catalog=catalog)
    try:
        return _import_csv(
            db=db,
            user_id=user_id,
            path=path,
            format=format,
            unit=unit,
            dry_run=dry_run,
            threshold=threshold,
            progress=progress,
            catalog=catalog,
            mapping=mapping,
        )
    except IntegrityError:
        raise StoreError(
            f"{path}: another import stored some of the same sets at the same time, so this "
            "one stored nothing; run it again: it adds only what is missing."
        ) from None


def _import_csv(
    *,
    db: Database,
    user_id: int,
    path: str | Path,
    format: FormatOption,
    unit: MassUnit | None,
    dry_run: bool,
    threshold: float,
    progress: Callable[[int, int], None] | None,
    catalog: Catalog,
    mapping: Mapping[str, str] | None,
) -> ImportReport:
    with db.session(readonly=dry_run) as s:
        base = catalog
        # The user's stored exercises match too when the caller gave another catalogue.
        extra = [
            Exercise.model_validate(r.exercise)
            for r in repo.list_user_exercises(session=s, user_id=user_id)
            if r.exercise_id not in base.exercises
        ]
        matcher = ExerciseMatcher(
            [*base.exercises.values(), *extra], threshold=threshold, given=mapping
        )
        importer = _Importer(
            session=s, user_id=user_id, catalog=base, matcher=matcher, dry_run=dry_run
        )
        with open_log(path, format=format, unit=unit) as log:
            size = log.size_bytes

            def tick() -> None:
                if progress is not None:
                    progress(log.bytes_read, size)

            importer.run(iter(log), tick)
            file_unit = log.unit_in_file
        if dry_run:
            s.rollback()
    mappings = importer.mappings()
    return ImportReport(
        path=str(path),
        format=log.format,
        unit=file_unit
        if file_unit in ("kg", "lb")
        else (f"{file_unit} (rows without: {unit or 'none'})" if file_unit else unit or "none"),
        dry_run=dry_run,
        sets=importer.sets,
        sets_added=0 if dry_run else importer.added,
        sets_already_stored=importer.sets - importer.added,
        workouts=importer.workouts,
        workouts_added=importer.workouts_added,
        exercises=len(mappings),
        matched=sum(st.match.exercise.source != "user" for st in importer.names.values()),
        user_exercises=sum(st.match.exercise.source == "user" for st in importer.names.values()),
        new_user_exercises=sum(m.method == "new" for m in mappings),
        first_workout=importer.first,
        last_workout=importer.last,
        mappings=mappings,
    )


def _looks_like_json(path: str | Path) -> bool:
    p = Path(path)
    if p.suffix.lower() == ".json":
        return True
    try:
        with p.open("rb") as fh:
            head = fh.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False
    return head.startswith(b"{")


def logged_history(*, db: Database, user_id: int, since: datetime | None = None) -> list[LoggedSet]:
    """Every stored set of the user (imported or not) as the coach reads history.

    The same list as :func:`mindmuscle.services.history.logged_sets`, which ``mindmuscle today``
    plans from: after an import, the plan's loads come from the imported history.
    """
    return logged_sets(db=db, user_id=user_id, since=since)
