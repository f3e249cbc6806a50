"""Exporting a user's data (CSV of sets, complete JSON) and importing the JSON again.

The CSV has one row per set: Strong-like columns first (so spreadsheet habits carry over), then
the mind-muscle columns: tempo, time under tension, focus mode, cue, target rating, where else
it was felt, focus rating and EMG peak %MVC. It is written row by row (constant memory).

The JSON is complete (profile, the user's exercises, readiness, sessions, sets with reflections,
drills, recordings, experiments) and importable again: export, import into an empty database,
export once more, and the two files are identical.
"""

from __future__ import annotations

import base64
import csv
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mindmuscle.catalog import Catalog
from mindmuscle.catalog.models import Tempo
from mindmuscle.errors import FileFormatError
from mindmuscle.io.logs.mmjson import (
    ExportDocument,
    JsonDrill,
    JsonDrillRating,
    JsonExperiment,
    JsonExperimentSet,
    JsonPlanned,
    JsonProfile,
    JsonReadiness,
    JsonRecording,
    JsonReflection,
    JsonSession,
    JsonSet,
    JsonUserExercise,
    read_export,
)
from mindmuscle.services.catalog import user_catalog
from mindmuscle.services.imports import ExerciseMapping, ImportReport
from mindmuscle.store import Database, repo
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

__all__ = ["CSV_COLUMNS", "export_csv", "export_document", "export_json", "import_json"]

CSV_COLUMNS = (
    "Date",
    "Workout Name",
    "Duration (sec)",
    "Exercise Name",
    "Exercise ID",
    "Set Order",
    "Set Type",
    "Weight (kg)",
    "Reps",
    "RIR",
    "Distance (meters)",
    "Seconds",
    "Notes",
    "Workout Notes",
    "Tempo",
    "Time Under Tension (sec)",
    "Focus Mode",
    "Cue",
    "Target Rating",
    "Felt Elsewhere",
    "Focus Rating",
    "EMG Peak %MVC",
    "Source",
    "Set ID",
)


def _iso(value: datetime | None) -> str:
    return "" if value is None else value.isoformat()


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _title_and_notes(session: SessionRow | None) -> tuple[str, str]:
    if session is None:
        return "", ""
    title, _, notes = session.notes.partition("\n\n")
    return title, notes


def _csv_rows(s: Session, user_id: int, catalog: Catalog) -> Iterator[list[str]]:
    names = {e.id: e.name for e in catalog.exercises.values()}
    for ue in repo.list_user_exercises(session=s, user_id=user_id):
        names.setdefault(ue.exercise_id, str(ue.exercise.get("name", ue.exercise_id)))
    sessions: dict[int, SessionRow] = {}
    query = (
        select(SetRow)
        .where(SetRow.user_id == user_id, SetRow.deleted_at.is_(None))
        .order_by(SetRow.performed_at, SetRow.id)
        .execution_options(yield_per=1000)
    )
    for row in s.scalars(query):
        sess = None
        if row.session_id is not None:
            sess = sessions.get(row.session_id)
            if sess is None:
                sess = s.get(SessionRow, row.session_id)
                if sess is not None:
                    sessions = {row.session_id: sess}  # sets come grouped by time: keep one
        title, workout_notes = _title_and_notes(sess)
        duration = ""
        if sess is not None and sess.ended_at is not None:
            duration = _num((sess.ended_at - sess.started_at).total_seconds())
        tempo = None if row.tempo is None else Tempo.model_validate(row.tempo)
        motion = row.motion or {}
        refl = row.reflection
        felt = (
            ";".join(f"{k}:{v}" for k, v in sorted((refl.felt_elsewhere or {}).items()))
            if (refl)
            else ""
        )
        yield [
            _iso(row.performed_at),
            title,
            duration,
            names.get(row.exercise_id, row.exercise_id),
            row.exercise_id,
            "" if row.set_index is None else str(row.set_index + 1),
            row.set_type,
            _num(row.load_kg),
            str(row.reps),
            "" if row.rir is None else str(row.rir),
            _num(motion.get("distance_m")),
            _num(motion.get("duration_s")),
            row.notes,
            workout_notes,
            "" if tempo is None else tempo.as_string(),
            "" if tempo is None else _num(tempo.rep_s * row.reps),
            row.focus_mode or "",
            row.cue or "",
            "" if refl is None or refl.target_rating is None else str(refl.target_rating),
            felt,
            "" if refl is None or refl.focus_rating is None else str(refl.focus_rating),
            _num(row.emg_peak_mvc),
            row.source,
            row.uuid,
        ]


def export_csv(*, db: Database, user_id: int, out: IO[str], catalog: Catalog | None = None) -> int:
    """Write every set of the user as CSV (one row per set, oldest first).

    Returns
    -------
    int
        The number of sets written.
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    n = 0
    catalog = catalog or user_catalog(db=db, user_id=user_id)
    with db.session(readonly=True) as s:
        for values in _csv_rows(s, user_id, catalog):
            writer.writerow(values)
            n += 1
    return n


# --- JSON -----------------------------------------------------------------------------------


def _rows(s: Session, table: Any, user_id: int, *order: Any) -> list[Any]:
    return list(s.scalars(select(table).where(table.user_id == user_id).order_by(*order)))


def export_document(*, db: Database, user_id: int) -> ExportDocument:
    """Everything of the user as an :class:`ExportDocument`."""
    with db.session(readonly=True) as s:
        profile_row = s.scalars(select(ProfileRow).where(ProfileRow.user_id == user_id)).first()
        profile = None
        if profile_row is not None:
            profile = JsonProfile(
                units=profile_row.units,
                experience=profile_row.experience,
                goal=profile_row.goal,
                equipment=dict(profile_row.equipment or {}),
                bodyweight_kg=profile_row.bodyweight_kg,
            )
        readiness_rows = _rows(s, ReadinessRow, user_id, ReadinessRow.recorded_at, ReadinessRow.id)
        # Deleted workouts and sets stay in the database (restorable) but are not exported.
        session_rows = [
            r
            for r in _rows(s, SessionRow, user_id, SessionRow.started_at, SessionRow.id)
            if r.deleted_at is None
        ]
        refs = {r.id: f"session-{i}" for i, r in enumerate(session_rows, start=1)}
        sessions = []
        for r in session_rows:
            sessions.append(
                JsonSession(
                    ref=refs[r.id],
                    started_at=r.started_at,
                    ended_at=r.ended_at,
                    source=r.source,
                    notes=r.notes,
                    plan=r.plan,
                    state=r.state,
                    planned=[
                        JsonPlanned(
                            position=p.position,
                            exercise_id=p.exercise_id,
                            prescription=p.prescription,
                        )
                        for p in r.planned
                    ],
                )
            )
        sets = [
            JsonSet(
                uuid=r.uuid,
                session=None if r.session_id is None else refs.get(r.session_id),
                set_index=r.set_index,
                exercise_id=r.exercise_id,
                performed_at=r.performed_at,
                load_kg=r.load_kg,
                reps=r.reps,
                set_type=r.set_type,
                rir=r.rir,
                tempo=r.tempo,
                focus_mode=r.focus_mode,
                cue=r.cue,
                motion=r.motion,
                emg_peak_mvc=r.emg_peak_mvc,
                source=r.source,
                import_key=r.import_key,
                notes=r.notes,
                superset=r.superset,
                reflection=None
                if r.reflection is None
                else JsonReflection(
                    target_rating=r.reflection.target_rating,
                    felt_elsewhere=dict(r.reflection.felt_elsewhere or {}),
                    focus_rating=r.reflection.focus_rating,
                    note=r.reflection.note,
                    created_at=r.reflection.created_at,
                ),
            )
            for r in _rows(s, SetRow, user_id, SetRow.performed_at, SetRow.id)
            if r.deleted_at is None
        ]
        return ExportDocument(
            profile=profile,
            user_exercises=[
                JsonUserExercise(exercise_id=r.exercise_id, source=r.source, exercise=r.exercise)
                for r in _rows(s, UserExerciseRow, user_id, UserExerciseRow.exercise_id)
            ],
            readiness=[
                JsonReadiness(
                    recorded_at=r.recorded_at,
                    sleep=r.sleep,
                    energy=r.energy,
                    stress=r.stress,
                    focus=r.focus,
                    soreness=dict(r.soreness or {}),
                    decision=r.decision,
                    score=r.score,
                )
                for r in readiness_rows
            ],
            sessions=sessions,
            sets=sets,
            drills=[
                JsonDrill(
                    started_at=r.started_at,
                    ended_at=r.ended_at,
                    plan=r.plan,
                    ratings=[
                        JsonDrillRating(muscle_id=g.muscle_id, rating=g.rating, rated_at=g.rated_at)
                        for g in r.ratings
                    ],
                )
                for r in _rows(s, DrillRow, user_id, DrillRow.started_at, DrillRow.id)
            ],
            recordings=[
                JsonRecording(
                    kind=r.kind,
                    set_uuid=r.set_uuid,
                    file_name=r.file_name,
                    data=r.data,
                    blob_base64=None if r.blob is None else base64.b64encode(r.blob).decode(),
                    analysis=r.analysis,
                    created_at=r.created_at,
                )
                for r in _rows(s, RecordingRow, user_id, RecordingRow.created_at, RecordingRow.id)
            ],
            experiments=[
                JsonExperiment(
                    name=r.name,
                    design=r.design,
                    seed=r.seed,
                    status=r.status,
                    created_at=r.created_at,
                    sets=[
                        JsonExperimentSet(
                            condition=e.condition,
                            load_kg=e.load_kg,
                            order_index=e.order_index,
                            set_uuid=e.set_uuid,
                        )
                        for e in r.sets
                    ],
                )
                for r in _rows(
                    s, ExperimentRow, user_id, ExperimentRow.created_at, ExperimentRow.id
                )
            ],
        )


def export_json(*, db: Database, user_id: int, out: IO[str]) -> ExportDocument:
    """Write everything of the user as JSON; returns the document written."""
    doc = export_document(db=db, user_id=user_id)
    out.write(doc.to_json())
    return doc


def _exists(s: Session, table: Any, user_id: int, **values: Any) -> Any:
    q = select(table).where(table.user_id == user_id)
    for column, value in values.items():
        q = q.where(getattr(table, column) == value)
    return s.scalars(q).first()


def _store_document(s: Session, user_id: int, doc: ExportDocument) -> tuple[int, int]:
    """Store what is not stored yet; returns (sets added, sessions added)."""
    if doc.profile is not None and _exists(s, ProfileRow, user_id) is None:
        s.add(ProfileRow(user_id=user_id, **doc.profile.model_dump()))
    for ue in doc.user_exercises:
        if _exists(s, UserExerciseRow, user_id, exercise_id=ue.exercise_id) is None:
            s.add(UserExerciseRow(user_id=user_id, **ue.model_dump()))
    for rd in doc.readiness:
        if _exists(s, ReadinessRow, user_id, recorded_at=rd.recorded_at) is None:
            s.add(ReadinessRow(user_id=user_id, **rd.model_dump()))
    session_ids: dict[str, int] = {}
    sessions_added = 0
    for js in doc.sessions:
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
            sessions_added += 1
        session_ids[js.ref] = found.id
    sets_added = 0
    # One query each instead of two per set: an export can hold years of sets.
    stored = select(SetRow.uuid, SetRow.import_key).where(SetRow.user_id == user_id)
    uuids: set[str] = set()
    keys: set[str] = set()
    for uuid, import_key in s.execute(stored):
        uuids.add(uuid)
        if import_key is not None:
            keys.add(import_key)
    for st in doc.sets:
        if st.uuid in uuids or (st.import_key is not None and st.import_key in keys):
            continue
        uuids.add(st.uuid)
        if st.import_key is not None:
            keys.add(st.import_key)
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
        sets_added += 1
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
    return sets_added, sessions_added


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
    doc = read_export(path)
    catalog = catalog or user_catalog(db=db, user_id=user_id)
    user_ids = {u.exercise_id for u in doc.user_exercises}
    counts: dict[str, int] = {}
    for st in doc.sets:
        counts[st.exercise_id] = counts.get(st.exercise_id, 0) + 1
    with db.session(readonly=dry_run) as s:
        known_user = {r.exercise_id for r in repo.list_user_exercises(session=s, user_id=user_id)}
        missing = sorted(
            e for e in counts if e not in catalog.exercises and e not in user_ids | known_user
        )
        if missing:
            raise FileFormatError(
                f"sets refer to exercise id(s) {missing[:5]} that are neither built-in nor "
                "among the file's user_exercises",
                path=path,
            )
        if dry_run:
            added = sum(_exists(s, SetRow, user_id, uuid=st.uuid) is None for st in doc.sets)
            sessions_added = 0
        else:
            added, sessions_added = _store_document(s, user_id, doc)
    mappings = []
    for exercise_id, n in sorted(counts.items()):
        known = catalog.exercises.get(exercise_id)
        builtin = known is not None and known.source != "user"
        mappings.append(
            ExerciseMapping(
                name=exercise_id,
                exercise_id=exercise_id,
                exercise_name=known.name if known is not None else exercise_id,
                method="exact" if builtin else "user",
                confidence=1.0,
                sets=n,
            )
        )
    times = [st.performed_at for st in doc.sets]
    return ImportReport(
        path=str(path),
        format="mindmuscle-json",
        unit="kg",
        dry_run=dry_run,
        sets=len(doc.sets),
        sets_added=0 if dry_run else added,
        sets_already_stored=len(doc.sets) - added,
        workouts=len(doc.sessions),
        workouts_added=sessions_added,
        exercises=len(counts),
        matched=sum(m.method == "exact" for m in mappings),
        user_exercises=sum(m.method == "user" for m in mappings),
        new_user_exercises=0,
        first_workout=min(times) if times else None,
        last_workout=max(times) if times else None,
        mappings=mappings,
    )
