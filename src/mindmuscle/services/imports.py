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

import base64
import uuid as uuid_mod
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
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
from mindmuscle.errors import FileFormatError, OutOfRangeError, StoreError, shown
from mindmuscle.io.logs import FormatOption, ParsedSet, RowErrors, open_log
from mindmuscle.io.logs.mmcsv import is_mindmuscle_csv, read_mindmuscle_csv
from mindmuscle.io.logs.mmjson import ExportDocument, JsonSet, JsonUserExercise, read_export
from mindmuscle.services.catalog import user_catalog
from mindmuscle.services.history import logged_sets
from mindmuscle.services.sets import check_import_set
from mindmuscle.store import Database, UserExerciseCreate, bulk, repo
from mindmuscle.store.tables import (
    DrillRatingRow,
    DrillRow,
    ExperimentRow,
    ExperimentSetRow,
    PlannedExerciseRow,
    ProfileRow,
    ReadinessRow,
    RecordingRow,
    ReflectionRow,
    SessionRow,
    SetRow,
    UserExerciseRow,
)
from mindmuscle.units import MassUnit

__all__ = [
    "DEFAULT_THRESHOLD",
    "ExerciseMapping",
    "ImportReport",
    "import_file",
    "import_json",
    "import_mindmuscle_csv",
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
        description="given (a mapping given by the user); exact (the card's name), alias (one "
        "of the card's other names), normalised or fuzzy (built-in catalogue); user (an "
        "exercise the user already had); new (a user exercise created by this import)."
    )
    confidence: float = Field(ge=0, le=1)
    sets: int = Field(ge=0, description="Sets of this name in the file.")
    unassigned: bool = Field(
        default=False,
        description="The exercise has no target muscle yet: it is left out of the connection "
        "map until its target muscles are assigned (on its exercise card).",
    )
    suggested_targets: list[str] = Field(
        default_factory=list,
        description="For new exercises: muscle ids the name's words suggest (not stored).",
    )
    suggested_target_names: list[str] = Field(
        default_factory=list, description="The names of those muscles, in the same order."
    )


class ImportReport(BaseModel):
    """What an import found and stored."""

    model_config = ConfigDict(frozen=True)

    path: str
    format: str
    unit: str = Field(
        description="Weight unit used: from the file, or the one given for the import."
    )
    unit_in_file: str | None = Field(
        default=None, description="The unit the file itself states (None: it states none)."
    )
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


class _Importer:
    def __init__(
        self,
        *,
        session: Session,
        user_id: int,
        catalog: Catalog,
        matcher: ExerciseMatcher,
        dry_run: bool,
        path: str | Path | None = None,
        errors: RowErrors | None = None,
    ) -> None:
        self.s = session
        self.errors = errors
        self.path = path
        self.now = datetime.now(UTC)  # imported sets may be dated at most a day after it
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

    def check(
        self, p: ParsedSet, uuid: str, key: str, exercise_id: str, index: int, rir: int | None
    ) -> None:
        """Every imported set goes through the one set model, like a set from any channel."""
        try:
            check_import_set(
                {
                    "uuid": uuid,
                    "exercise_id": exercise_id,
                    "performed_at": p.started_at,
                    "load_kg": p.load_kg or 0.0,
                    "reps": p.reps or 0,
                    "set_type": p.set_type,
                    "reps_in_reserve": rir,
                    "set_index": index,
                    "source": "import",
                    "import_key": key,
                    "notes": p.notes,
                },
                catalog=self.catalog,
                now=self.now,
            )
        except OutOfRangeError as exc:
            message = f"{exc.field} {shown(exc.value)} is not allowed: {exc.allowed}"
            error = FileFormatError(message, path=self.path, line=p.line)
            if self.errors is None:
                raise error from None
            self.errors.add(error)

    def flush(self, batch: list[ParsedSet]) -> None:
        if not batch:
            return
        keys = [p.import_key for p in batch]  # a hash: computed once per set
        existing = bulk.sessions_of_import_keys(session=self.s, user_id=self.user_id, keys=keys)
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
            uuid = _set_uuid(key)
            rir = _rir(p.rpe)
            self.check(p, uuid, key, exercise_id, index, rir)
            rows_to_add.append(
                {
                    "user_id": self.user_id,
                    "uuid": uuid,
                    "session_id": self.workout_sessions.get(p.workout_key),
                    "set_index": index,
                    "exercise_id": exercise_id,
                    "performed_at": p.started_at,
                    "load_kg": p.load_kg or 0.0,
                    "reps": p.reps or 0,
                    "set_type": p.set_type,
                    "rir": rir,
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
            bulk.insert_sets(session=self.s, rows=rows_to_add)

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
                suggested_target_names=[
                    self.catalog.muscles[m].name if m in self.catalog.muscles else m
                    for m in st.suggested
                ],
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
        A Strong, Hevy or FitNotes CSV export, or a MindMuscle CSV or JSON export.
    format : {"auto", "strong", "hevy", "fitnotes", "json"}
        ``auto`` detects it (JSON by its first character, CSV by its header: MindMuscle's own
        CSV export is recognised and its set ids honoured).
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
        return import_json(db=db, user_id=user_id, path=path, dry_run=dry_run, catalog=catalog)
    if format == "auto" and is_mindmuscle_csv(path):
        # Our own export, recognised by its header: its set ids are honoured.
        return _some_sets(
            import_mindmuscle_csv(
                db=db, user_id=user_id, path=path, dry_run=dry_run, catalog=catalog
            )
        )
    try:
        return _some_sets(
            _import_csv(
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
        )
    except IntegrityError:
        raise StoreError(
            f"{path}: another import stored some of the same sets at the same time, so this "
            "one stored nothing; run it again: it adds only what is missing."
        ) from None


def _some_sets(report: ImportReport) -> ImportReport:
    """A CSV export with its header and no set is refused as an empty file is: nothing to
    import is an error the lifter should see, not a report of zeros."""
    if report.sets == 0:
        name = Path(report.path).name
        raise FileFormatError(
            f"no sets in {name}: it has a header row but no set rows, so nothing was "
            "imported; export again with your workouts in it"
        )
    return report


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
        # Every broken row of the file is listed at once (the first 50; the rest counted), and
        # then nothing of the file is stored: the error rolls the transaction back.
        errors = RowErrors()
        importer = _Importer(
            session=s,
            user_id=user_id,
            catalog=base,
            matcher=matcher,
            dry_run=dry_run,
            path=path,
            errors=errors,
        )
        with open_log(path, format=format, unit=unit, errors=errors) as log:
            size = log.size_bytes

            def tick() -> None:
                if progress is not None:
                    progress(log.bytes_read, size)

            importer.run(iter(log), tick)
            file_unit = log.unit_in_file
        errors.raise_any()
        if dry_run:
            s.rollback()
    mappings = importer.mappings()
    return ImportReport(
        unit_in_file=file_unit or None,
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


# --- MindMuscle's own exports (JSON, CSV) -----------------------------------------------------


def _exists(s: Session, table: Any, user_id: int, **values: Any) -> Any:
    return bulk.first_user_row(session=s, table=table, user_id=user_id, equals=values)


def _check_json_set(st: JsonSet, *, catalog: Catalog, now: datetime, path: str | Path) -> None:
    """A set of a MindMuscle export goes through the one set model like any other set."""
    r = st.reflection
    try:
        check_import_set(
            {
                "uuid": st.uuid,
                "exercise_id": st.exercise_id,
                "performed_at": st.performed_at,
                "load_kg": st.load_kg,
                "reps": st.reps,
                "set_type": st.set_type,
                "reps_in_reserve": st.rir,
                "tempo": st.tempo,
                "focus_mode": st.focus_mode,
                "cue": st.cue,
                "import_key": st.import_key,
                "notes": st.notes,
                "source": "import",
                "reflection": None if r is None else r.model_dump(exclude={"created_at"}),
            },
            catalog=catalog,
            now=now,
        )
    except OutOfRangeError as exc:
        message = f"set {st.uuid}: {exc.field} {shown(exc.value)} is not allowed: {exc.allowed}"
        raise FileFormatError(message, path=path) from None


def _new_sets(
    s: Session,
    user_id: int,
    doc: ExportDocument,
    check: Callable[[JsonSet], None] | None = None,
) -> list[JsonSet]:
    """The document's sets not stored yet (by uuid or import key; a set twice in it, once),
    each passed to ``check`` (the one set model) first."""
    # One query instead of two per set: an export can hold years of sets.
    uuids, keys = bulk.stored_set_keys(session=s, user_id=user_id)
    new: list[JsonSet] = []
    errors = RowErrors()  # every refused set listed at once (the first 50); none stored then
    for st in doc.sets:
        if st.uuid in uuids or (st.import_key is not None and st.import_key in keys):
            continue
        if check is not None:
            try:
                check(st)
            except FileFormatError as exc:
                errors.add(exc)
                continue
        uuids.add(st.uuid)
        if st.import_key is not None:
            keys.add(st.import_key)
        new.append(st)
    errors.raise_any()
    return new


def _store_sessions(
    s: Session, user_id: int, doc: ExportDocument, new_sets: list[JsonSet]
) -> tuple[dict[str, int], int]:
    """Find or store the sessions that new sets belong to (and those without sets); returns
    their ids by reference and how many workouts were added: sessions with sets, for a planned
    session that was never trained is stored (an export keeps it) but is no workout."""
    with_sets = {st.session for st in doc.sets if st.session is not None}
    needed = {st.session for st in new_sets if st.session is not None}
    session_ids: dict[str, int] = {}
    added = 0
    for js in doc.sessions:
        if js.ref in with_sets and js.ref not in needed:
            continue  # every set of it is stored already: nothing of it to add
        found = _exists(
            s, SessionRow, user_id, started_at=js.started_at, source=js.source, notes=js.notes
        )
        if found is None:
            found = SessionRow(
                user_id=user_id, **js.model_dump(exclude={"ref", "planned"}), planned=[]
            )
            for p in js.planned:
                found.planned.append(PlannedExerciseRow(user_id=user_id, **p.model_dump()))
            s.add(found)
            s.flush()
            added += js.ref in needed
        session_ids[js.ref] = found.id
    return session_ids, added


def _store_document(
    s: Session, user_id: int, doc: ExportDocument, check: Callable[[JsonSet], None]
) -> tuple[int, int]:
    """Store what is not stored yet; returns (sets added, sessions added)."""
    if doc.profile is not None and repo.get_profile(session=s, user_id=user_id) is None:
        s.add(ProfileRow(user_id=user_id, **doc.profile.model_dump()))
    for ue in doc.user_exercises:
        if _exists(s, UserExerciseRow, user_id, exercise_id=ue.exercise_id) is None:
            s.add(UserExerciseRow(user_id=user_id, **ue.model_dump()))
    for rd in doc.readiness:
        if _exists(s, ReadinessRow, user_id, recorded_at=rd.recorded_at) is None:
            s.add(ReadinessRow(user_id=user_id, **rd.model_dump()))
    new_sets = _new_sets(s, user_id, doc, check)
    session_ids, sessions_added = _store_sessions(s, user_id, doc, new_sets)
    for st in new_sets:
        row = SetRow(
            user_id=user_id,
            session_id=None if st.session is None else session_ids.get(st.session),
            **st.model_dump(exclude={"session", "reflection"}),
        )
        if st.reflection is not None:
            row.reflection = ReflectionRow(
                user_id=user_id, set_uuid=st.uuid, **st.reflection.model_dump()
            )
        s.add(row)
    for dr in doc.drills:
        if _exists(s, DrillRow, user_id, started_at=dr.started_at) is None:
            drill = DrillRow(user_id=user_id, **dr.model_dump(exclude={"ratings"}))
            for g in dr.ratings:
                drill.ratings.append(DrillRatingRow(user_id=user_id, **g.model_dump()))
            s.add(drill)
    for rec in doc.recordings:
        key = {"kind": rec.kind, "created_at": rec.created_at, "file_name": rec.file_name}
        if _exists(s, RecordingRow, user_id, **key) is None:
            blob = None if rec.blob_base64 is None else base64.b64decode(rec.blob_base64)
            s.add(
                RecordingRow(user_id=user_id, blob=blob, **rec.model_dump(exclude={"blob_base64"}))
            )
    for ex in doc.experiments:
        if _exists(s, ExperimentRow, user_id, name=ex.name, created_at=ex.created_at) is None:
            exp = ExperimentRow(user_id=user_id, **ex.model_dump(exclude={"sets"}))
            for es in ex.sets:
                exp.sets.append(ExperimentSetRow(user_id=user_id, **es.model_dump()))
            s.add(exp)
    s.flush()
    return len(new_sets), sessions_added


def _exercises_for_names(
    doc: ExportDocument, names: Mapping[str, str], known: Catalog, path: str | Path
) -> ExportDocument:
    """The document with a user exercise (unassigned) for every id a new database lacks."""
    have = {u.exercise_id for u in doc.user_exercises}
    added: list[JsonUserExercise] = []
    for exercise_id, name in sorted(names.items()):
        if exercise_id in known.exercises or exercise_id in have:
            continue
        card = user_exercise_for(name or exercise_id, known).exercise
        try:
            card = Exercise.model_validate({**card.model_dump(), "id": exercise_id})
        except ValidationError:
            raise FileFormatError(
                f"exercise id {exercise_id!r} is not a valid id (lower-case letters, digits "
                "and single underscores)",
                path=path,
                column="Exercise ID",
            ) from None
        added.append(
            JsonUserExercise(
                exercise_id=exercise_id, source="import", exercise=card.model_dump(mode="json")
            )
        )
    if not added:
        return doc
    return doc.model_copy(update={"user_exercises": [*doc.user_exercises, *added]})


def _import_document(
    *,
    db: Database,
    user_id: int,
    path: str | Path,
    doc: ExportDocument,
    format_name: str,
    dry_run: bool,
    catalog: Catalog,
    names: Mapping[str, str] | None,
) -> ImportReport:
    counts: dict[str, int] = {}
    for st in doc.sets:
        counts[st.exercise_id] = counts.get(st.exercise_id, 0) + 1
    with db.session(readonly=dry_run) as s:
        known_user = {r.exercise_id for r in repo.list_user_exercises(session=s, user_id=user_id)}
        if names is not None:
            doc = _exercises_for_names(doc, names, catalog, path)
        user_ids = {u.exercise_id for u in doc.user_exercises}
        missing = sorted(
            e for e in counts if e not in catalog.exercises and e not in user_ids | known_user
        )
        if missing:
            raise FileFormatError(
                f"sets refer to exercise id(s) {missing[:5]} that are neither built-in nor "
                "among the file's user_exercises",
                path=path,
            )
        now = datetime.now(UTC)

        def check(st: JsonSet) -> None:
            _check_json_set(st, catalog=catalog, now=now, path=path)

        if dry_run:
            added, sessions_added = len(_new_sets(s, user_id, doc, check)), 0
        else:
            added, sessions_added = _store_document(s, user_id, doc, check)
    new_ids = user_ids - known_user - set(catalog.exercises)
    mappings = []
    for exercise_id, n in sorted(counts.items()):
        known = catalog.exercises.get(exercise_id)
        builtin = known is not None and known.source != "user"
        name = (names or {}).get(exercise_id) or exercise_id
        mappings.append(
            ExerciseMapping(
                name=name,
                exercise_id=exercise_id,
                exercise_name=known.name if known is not None else name,
                method="exact" if builtin else ("new" if exercise_id in new_ids else "user"),
                confidence=1.0,
                sets=n,
                unassigned=known.unassigned if known is not None else names is not None,
            )
        )
    times = [st.performed_at for st in doc.sets]
    return ImportReport(
        path=str(path),
        format=format_name,
        unit="kg",
        unit_in_file="kg",  # MindMuscle's own files store kilograms, whatever the profile
        dry_run=dry_run,
        sets=len(doc.sets),
        sets_added=0 if dry_run else added,
        sets_already_stored=len(doc.sets) - added,
        # Workouts are sessions with sets: a planned session never trained is none.
        workouts=len({js.ref for js in doc.sessions} & {st.session for st in doc.sets}),
        workouts_added=sessions_added,
        exercises=len(counts),
        matched=sum(m.method == "exact" for m in mappings),
        user_exercises=sum(m.method != "exact" for m in mappings),
        new_user_exercises=sum(m.method == "new" for m in mappings),
        first_workout=min(times) if times else None,
        last_workout=max(times) if times else None,
        mappings=mappings,
    )


def import_json(
    *,
    db: Database,
    user_id: int,
    path: str | Path,
    dry_run: bool = False,
    catalog: Catalog | None = None,
) -> ImportReport:
    """Import a MindMuscle JSON export (one transaction; records already stored are skipped).

    Raises
    ------
    FileFormatError
        The file is not a MindMuscle export, or a value has the wrong type.
    """
    return _import_document(
        db=db,
        user_id=user_id,
        path=path,
        doc=read_export(path),
        format_name="mindmuscle-json",
        dry_run=dry_run,
        catalog=catalog or user_catalog(db=db, user_id=user_id),
        names=None,
    )


def import_mindmuscle_csv(
    *,
    db: Database,
    user_id: int,
    path: str | Path,
    dry_run: bool = False,
    catalog: Catalog | None = None,
) -> ImportReport:
    """Import a MindMuscle CSV export (one transaction), honouring its set ids.

    Into the database it came from it adds nothing; into a new one it gives the same history
    as the JSON export. Exercises the database lacks become the user's own (unassigned), under
    the file's ids and names.

    Raises
    ------
    FileFormatError
        A bad cell (the message names the file, the line and the column); nothing is stored.
    """
    doc, names = read_mindmuscle_csv(path)
    return _import_document(
        db=db,
        user_id=user_id,
        path=path,
        doc=doc,
        format_name="mindmuscle-csv",
        dry_run=dry_run,
        catalog=catalog or user_catalog(db=db, user_id=user_id),
        names=names,
    )
