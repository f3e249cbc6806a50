"""Exporting a user's data: a CSV of sets, and the complete JSON.

The CSV (:mod:`mindmuscle.io.logs.mmcsv`) has one row per set: Strong-like columns first (so
spreadsheet habits carry over), then the mind-muscle columns, then what makes it importable
again without loss (set ids, the workout's start, end and source). Text cells a spreadsheet
could run as a formula are written with a leading apostrophe. It is written row by row
(constant memory).

The JSON is complete (profile, the user's exercises, readiness, sessions, sets with reflections,
drills, recordings, experiments). Both are importable again (:mod:`mindmuscle.services.imports`):
into the database they came from they add nothing; into a new one they give the same history.
"""

from __future__ import annotations

import base64
import csv
import json
from collections.abc import Iterator
from datetime import datetime
from typing import IO, Any

from sqlalchemy.orm import Session

from mindmuscle.catalog import Catalog
from mindmuscle.catalog.models import Tempo
from mindmuscle.io.logs.mmcsv import CSV_COLUMNS, NUMERIC_COLUMNS, escape_cell, format_number
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
)
from mindmuscle.services.catalog import user_catalog
from mindmuscle.store import Database, bulk, repo
from mindmuscle.store.tables import (
    DrillRow,
    ExperimentRow,
    ReadinessRow,
    RecordingRow,
    SessionRow,
    SetRow,
    UserExerciseRow,
)

__all__ = ["CSV_COLUMNS", "export_csv", "export_document", "export_json"]


def _iso(value: datetime | None) -> str:
    return "" if value is None else value.isoformat()


def _title_and_notes(session: SessionRow | None) -> tuple[str, str]:
    if session is None:
        return "", ""
    title, _, notes = session.notes.partition("\n\n")
    return title, notes


def _csv_rows(s: Session, user_id: int, catalog: Catalog) -> Iterator[list[str]]:
    names = {e.id: e.name for e in catalog.exercises.values()}
    for ue in repo.list_user_exercises(session=s, user_id=user_id):
        names.setdefault(ue.exercise_id, str(ue.exercise.get("name", ue.exercise_id)))
    sessions: dict[int, SessionRow | None] = {}
    num = format_number
    for row in bulk.iter_sets(session=s, user_id=user_id):
        sess = None
        if row.session_id is not None:
            if row.session_id not in sessions:
                # Sets come grouped by time: keep only the current workout.
                sessions = {
                    row.session_id: bulk.first_user_row(
                        session=s, table=SessionRow, user_id=user_id, equals={"id": row.session_id}
                    )
                }
            sess = sessions[row.session_id]
        title, workout_notes = _title_and_notes(sess)
        duration = ""
        if sess is not None and sess.ended_at is not None:
            duration = num((sess.ended_at - sess.started_at).total_seconds())
        tempo = None if row.tempo is None else Tempo.model_validate(row.tempo)
        motion = row.motion or {}
        refl = row.reflection
        felt = ""
        if refl is not None:
            felt = ";".join(f"{k}:{num(v)}" for k, v in sorted((refl.felt_elsewhere or {}).items()))
        text = {
            "Date": _iso(row.performed_at),
            "Workout Name": title,
            "Exercise Name": names.get(row.exercise_id, row.exercise_id),
            "Exercise ID": row.exercise_id,
            "Set Type": row.set_type,
            "Notes": row.notes,
            "Workout Notes": workout_notes,
            "Tempo": "" if tempo is None else tempo.as_string(),
            "Focus Mode": row.focus_mode or "",
            "Cue": row.cue or "",
            "Felt Elsewhere": felt,
            "Source": row.source,
            "Set ID": row.uuid,
            "Workout Start": "" if sess is None else _iso(sess.started_at),
            "Workout End": "" if sess is None else _iso(sess.ended_at),
            "Workout Source": "" if sess is None else sess.source,
            "Reflection Note": "" if refl is None else refl.note,
            "Reflected At": "" if refl is None else _iso(refl.created_at),
            "Superset": row.superset or "",
            "Import Key": row.import_key or "",
            "Motion": json.dumps(row.motion, sort_keys=True) if row.motion else "",
        }
        numbers = {
            "Duration (sec)": duration,
            "Set Order": "" if row.set_index is None else str(row.set_index + 1),
            "Weight (kg)": num(row.load_kg),
            "Reps": str(row.reps),
            "RIR": "" if row.rir is None else str(row.rir),
            "Distance (meters)": num(motion.get("distance_m")),
            "Seconds": num(motion.get("duration_s")),
            "Time Under Tension (sec)": "" if tempo is None else num(tempo.rep_s * row.reps),
            "Target Rating": ""
            if refl is None or refl.target_rating is None
            else str(refl.target_rating),
            "Focus Rating": ""
            if refl is None or refl.focus_rating is None
            else str(refl.focus_rating),
            "EMG Peak %MVC": num(row.emg_peak_mvc),
        }
        yield [numbers[c] if c in NUMERIC_COLUMNS else escape_cell(text[c]) for c in CSV_COLUMNS]


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
    return bulk.user_rows(session=s, table=table, user_id=user_id, order_by=order)


def export_document(*, db: Database, user_id: int) -> ExportDocument:
    """Everything of the user as an :class:`ExportDocument`."""
    with db.session(readonly=True) as s:
        profile_row = repo.get_profile(session=s, user_id=user_id)
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
