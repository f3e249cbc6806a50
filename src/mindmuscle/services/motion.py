"""Motion analysis for the command line and the web app: read, look up the exercise, analyse;
and what the phone's motion says about one set (:func:`measure_web_set`)."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mindmuscle.catalog import Catalog, load_catalog
from mindmuscle.catalog.models import Movement, Tempo
from mindmuscle.coach.sets import set_named
from mindmuscle.errors import Action, InvalidInputError, MindMuscleError
from mindmuscle.io.motion import (
    AccelUnits,
    GyroUnits,
    payload_from_recording,
    read_motion_file,
    recording_from_payload,
)
from mindmuscle.signals.motion import (
    MotionAnalysis,
    MotionRecording,
    MotionTrace,
    analyze_motion_trace,
)
from mindmuscle.signals.motion.evaluation import (
    CountCheck,
    CountScore,
    score_by_exercise,
    score_counts,
)
from mindmuscle.store import Database, RecordingCreate, repo

__all__ = [
    "CountEvaluation",
    "EvaluatedSet",
    "MeasuredSet",
    "SetMotion",
    "analyze_file",
    "analyze_file_trace",
    "analyze_motion_upload",
    "analyze_recording",
    "analyze_web_recording",
    "evaluate_counts",
    "measure_web_set",
    "period_prior_s",
    "set_span_line",
    "store_set_motion_file",
    "tempo_prior_s",
    "usual_cadence_s",
]


def _exercise(
    exercise_id: str | None, alternating: bool, catalog: Catalog | None = None
) -> tuple[Movement | None, bool]:
    """The concentric direction of the exercise, and whether its sides take turns.

    ``alternating`` given by the user holds even for an exercise whose card does not alternate
    (any dumbbell exercise can be done one side after the other). ``catalog``: the user's
    (default: the built-in one).
    """
    if exercise_id is None:
        return None, alternating
    ex = (catalog or load_catalog()).exercise(exercise_id)
    return ex.concentric, alternating or ex.alternating


def _tempo(tempo: Tempo | str | None) -> Tempo | None:
    if tempo is None or isinstance(tempo, Tempo):
        return tempo
    return Tempo.parse(tempo)


def analyze_recording(
    rec: MotionRecording,
    *,
    exercise_id: str | None = None,
    tempo: Tempo | str | None = None,
    alternating: bool = False,
) -> tuple[MotionAnalysis, MotionTrace]:
    """Analyse a recording for an exercise of the catalogue (or none) against a tempo (or none).
    The tempo's repetition time guides the period search (:func:`tempo_prior_s`), as in the
    guided set loop; it never sets the count.

    ``alternating`` (or an exercise whose card says so) counts both sides of a set whose sides
    take turns while the sensor is on one of them.

    Raises
    ------
    mindmuscle.errors.UnknownIdError
        An exercise id that is not in the catalogue.
    mindmuscle.errors.InvalidInputError
        A tempo that does not parse, or a recording that cannot be analysed.
    """
    concentric, alternate = _exercise(exercise_id, alternating)
    tempo = _tempo(tempo)
    return analyze_motion_trace(
        rec, concentric=concentric, tempo=tempo, alternating=alternate,
        period_prior_s=tempo_prior_s(tempo),
    )  # fmt: skip


def analyze_file_trace(
    path: str | Path,
    *,
    fmt: str = "auto",
    exercise_id: str | None = None,
    rate_hz: float | None = None,
    units: AccelUnits | None = None,
    tempo: Tempo | str | None = None,
    gyro_units: GyroUnits = "deg_s",
    alternating: bool = False,
) -> tuple[MotionAnalysis, MotionTrace]:
    """Like :func:`analyze_file`, and also return the processed signals for a plot."""
    # Fail on a bad exercise id or tempo before reading a big file.
    _exercise(exercise_id, alternating)
    tempo = _tempo(tempo)
    rec = read_motion_file(path, fmt=fmt, rate_hz=rate_hz, units=units, gyro_units=gyro_units)
    return analyze_recording(rec, exercise_id=exercise_id, tempo=tempo, alternating=alternating)


MAX_FILE_SAMPLES = 120_000
"""The most samples a motion file analysed by the web app may hold (20 minutes at 100 Hz)."""
MAX_FILE_DURATION_S = 1200.0
"""The longest motion file the web app analyses, in seconds (a set lasts a few minutes)."""


def analyze_motion_upload(
    path: str | Path,
    *,
    fmt: str = "auto",
    exercise_id: str | None = None,
    units: AccelUnits | None = None,
    catalog: Catalog | None = None,
) -> tuple[MotionAnalysis, MotionTrace]:
    """Read an uploaded motion file and analyse it as ``mindmuscle motion FILE`` does.

    ``exercise_id`` (of the user's ``catalog``) sets the concentric direction and, when its card
    says so, counts both sides of an alternating set, as the command's ``--exercise`` does.
    The file is read first and refused, before any analysis, when it holds more than
    :data:`MAX_FILE_SAMPLES` samples or lasts longer than :data:`MAX_FILE_DURATION_S`.

    Raises
    ------
    mindmuscle.errors.UnknownIdError
        An exercise id that is not in the catalogue (checked before the file is read).
    mindmuscle.errors.InvalidInputError
        A file that cannot be read or analysed, or that is too long (one line saying so).
    """
    _exercise(exercise_id, False, catalog)
    rec = read_motion_file(path, fmt=fmt, units=units)
    _check_one_set(rec, Path(path).name, "the web app analyses", fix="cut_motion_file")
    concentric, alternating = _exercise(exercise_id, False, catalog)
    return analyze_motion_trace(rec, concentric=concentric, alternating=alternating)


def _check_one_set(
    rec: MotionRecording,
    name: str,
    who: str,
    *,
    otherwise: str | None = None,
    fix: Action | None = None,
) -> None:
    """Refuse a recording longer than one set (:data:`MAX_FILE_SAMPLES`,
    :data:`MAX_FILE_DURATION_S`) in one line: what it holds, what ``who`` takes, and either
    ``otherwise`` (the same words in every channel) or the action ``fix`` (each channel's own)."""
    n = int(rec.t_s.size)
    if n > MAX_FILE_SAMPLES or rec.duration_s > MAX_FILE_DURATION_S:
        text = (
            f"{name} holds {n} samples over {rec.duration_s:.0f} s; {who} at most "
            f"{MAX_FILE_SAMPLES} samples and {MAX_FILE_DURATION_S / 60:.0f} minutes (one set)"
        )
        text += f": cut the file to the set, {otherwise}." if otherwise else "."
        error = InvalidInputError(text)
        raise error if fix is None else error.to_fix(fix)


MAX_SET_FILE_BYTES = 20 * 1024 * 1024
"""The largest motion file stored with a set (20 minutes at 100 Hz with a gyroscope is about
10 MB of CSV)."""


@dataclass(frozen=True, slots=True)
class SetMotion:
    """A motion file stored with a logged set: the set, and what the count says of the file."""

    set_id: int
    exercise_name: str
    confirmed: int
    file_name: str
    analysis: MotionAnalysis
    trace: MotionTrace
    """The processed signals, for a figure."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "set_id": self.set_id,
            "exercise": self.exercise_name,
            "confirmed": self.confirmed,
            "file_name": self.file_name,
            "analysis": self.analysis.summary_dict(),
        }


def store_set_motion_file(
    db: Database,
    user_id: int,
    set_ref: int | str,
    path: str | Path,
    *,
    catalog: Catalog,
    fmt: str = "auto",
    rate_hz: float | None = None,
    units: AccelUnits | None = None,
    file_name: str | None = None,
) -> SetMotion:
    """Store a motion file of one logged set (a watch's or a sensor's, any format
    ``mindmuscle motion`` reads) beside the set, counted as the set loop counts the phone's.

    The count has the prior the set loop would have had (the lifter's usual cadence for the
    exercise, else the set's tempo) and never the set's reps. Stored, the recording is scored
    against the reps the lifter confirmed for the set by :func:`evaluate_counts`, and teaches
    :func:`usual_cadence_s` when its count was right. The file itself is kept too (the blob),
    and the samples as the phone's are (the payload of
    :func:`mindmuscle.io.motion.recording_from_payload`). A set keeps one motion recording.
    ``catalog`` is the user's; ``file_name`` names an uploaded copy (default: the path's name).

    Raises
    ------
    mindmuscle.errors.NotFoundError
        No set ``set_ref`` of this user (checked before the file is read).
    mindmuscle.errors.InvalidInputError
        The set is deleted or already has a motion recording (both checked before the file is
        read), the file is missing, larger than :data:`MAX_SET_FILE_BYTES` or longer than one
        set, or cannot be analysed.
    mindmuscle.errors.FileFormatError
        The file cannot be read (named, with the reason).
    """
    file = Path(path)
    name_given = file_name or file.name
    with db.session(readonly=True) as s:
        row = repo.get_set_by_ref(session=s, user_id=user_id, ref=set_ref)
        set_id, uuid, exercise_id, reps = row.id, row.uuid, row.exercise_id, row.reps
        performed_at = row.performed_at
        tempo, deleted = _set_tempo(row.tempo), row.deleted_at is not None
        had = repo.list_recordings(session=s, user_id=user_id, set_uuid=uuid, kind="motion")
    known = catalog.exercises.get(exercise_id)
    name = exercise_id if known is None else known.name
    if deleted:
        raise InvalidInputError(
            f"{set_named(name, performed_at)} is deleted: its motion is stored once it is restored."
        ).to_fix("restore_set", set_id=set_id)
    if had:
        where = had[0].file_name or "the phone"
        raise InvalidInputError(
            f"{set_named(name, performed_at)} already has its motion recording (from {where}); "
            "a set keeps one."
        )
    if not file.is_file():
        raise InvalidInputError(f"No such file: {file}.")
    size = file.stat().st_size
    if size > MAX_SET_FILE_BYTES:
        raise InvalidInputError(
            f"{name_given} is {size / 1024 / 1024:.1f} MB; a set's motion file may be at most "
            f"{MAX_SET_FILE_BYTES // 1024 // 1024} MB: cut the file to the set."
        )
    content = file.read_bytes()
    rec = read_motion_file(file, fmt=fmt, rate_hz=rate_hz, units=units)
    _check_one_set(rec, name_given, "a set's motion holds", otherwise="then store it")
    concentric, alternating = _exercise(None if known is None else exercise_id, False, catalog)
    prior = period_prior_s(db=db, user_id=user_id, exercise_id=exercise_id, tempo=tempo)
    analysis, trace = analyze_motion_trace(
        rec, concentric=concentric, tempo=tempo, alternating=alternating, period_prior_s=prior
    )
    with db.session() as s:
        _stored, new = repo.store_motion_recording(
            session=s,
            user_id=user_id,
            data=RecordingCreate(
                kind="motion",
                set_uuid=uuid,
                file_name=name_given,
                data=payload_from_recording(rec),
                blob=content,
                analysis=analysis.summary_dict(),
            ),
        )
    if not new:  # stored by another writer since the check above
        raise InvalidInputError(
            f"{set_named(name, performed_at)} already has its motion recording; a set keeps one."
        )
    return SetMotion(set_id, name, reps, name_given, analysis, trace)


def set_span_line(analysis: MotionAnalysis) -> str | None:
    """Where the set was found in the recording, in the words every channel shows; None when
    the analysis found no set at all."""
    if analysis.active_start_s is None or analysis.active_end_s is None:
        return None
    span = f"{analysis.active_start_s:.1f} s to {analysis.active_end_s:.1f} s"
    if analysis.counted_in_set:
        return f"set found from {span} of the {analysis.duration_s:.1f} s recording"
    return (
        f"no clear set in the {analysis.duration_s:.1f} s recording (the likeliest, {span}, "
        "repeats unevenly): counted over all of it"
    )


def analyze_file(
    path: str | Path,
    *,
    fmt: str = "auto",
    exercise_id: str | None = None,
    rate_hz: float | None = None,
    units: AccelUnits | None = None,
    tempo: Tempo | str | None = None,
    alternating: bool = False,
) -> MotionAnalysis:
    """Read a motion file and analyse the set in it.

    Parameters
    ----------
    path : str or Path
        CSV, MetaMotion CSV, FIT or JSON recording.
    fmt : str
        ``auto`` (default), ``csv``, ``metamotion``, ``fit``, ``json`` or ``muvr``.
    exercise_id : str, optional
        Catalogue exercise; its concentric direction labels the phases.
    rate_hz : float, optional
        Sampling rate for files without timestamps.
    units : {"g", "ms2"}, optional
        Acceleration units of a generic CSV (decided from gravity when omitted).
    tempo : Tempo or str, optional
        Prescribed tempo, such as ``"3-1-1-1"``.
    alternating : bool
        The sides took turns with the sensor on one of them (implied by an exercise whose card
        is alternating): the count covers both sides.
    """
    return analyze_file_trace(
        path,
        fmt=fmt,
        exercise_id=exercise_id,
        rate_hz=rate_hz,
        units=units,
        tempo=tempo,
        alternating=alternating,
    )[0]


def analyze_web_recording(
    payload: Mapping[str, Any],
    *,
    exercise_id: str | None = None,
    tempo: Tempo | str | None = None,
    catalog: Catalog | None = None,
    period_prior_s: float | None = None,
) -> MotionAnalysis:
    """Analyse the recording the phone page sends with a set.

    ``catalog`` is the user's (their own exercises included; default: the built-in one).
    ``period_prior_s`` guides the period search (:func:`period_prior_s`), never the count.

    ``payload`` is the JSON object described in
    :func:`mindmuscle.io.motion.recording_from_payload` (``t_ms``, ``ax``, ``ay``, ``az``,
    optional ``gx``, ``gy``, ``gz``, ``units``, ``rotation_units``).

    Raises
    ------
    mindmuscle.errors.FileFormatError
        A malformed payload (the key at fault is named).
    mindmuscle.errors.InvalidSignalError
        A recording that cannot be analysed (too short, constant).
    mindmuscle.errors.UnknownIdError
        An exercise id that is not in the catalogue.
    """
    concentric, alternating = _exercise(exercise_id, False, catalog)
    rec = recording_from_payload(payload)
    return analyze_motion_trace(
        rec,
        concentric=concentric,
        tempo=_tempo(tempo),
        alternating=alternating,
        period_prior_s=period_prior_s,
    )[0]


@dataclass(frozen=True, slots=True)
class EvaluatedSet:
    """One set with a motion recording: what the lifter confirmed and what the count says now.

    ``counted`` is None when the recording cannot be analysed (``problem`` says why);
    ``counted_then`` is the count shown when the set was recorded, where it was stored.
    """

    set_id: int
    performed_at: datetime
    exercise_id: str
    exercise_name: str
    confirmed: int
    counted: int | None
    counted_then: int | None
    problem: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "set_id": self.set_id,
            "performed_at": self.performed_at.isoformat(),
            "exercise_id": self.exercise_id,
            "exercise": self.exercise_name,
            "confirmed": self.confirmed,
            "counted": self.counted,
            "counted_then": self.counted_then,
            "problem": self.problem,
        }


@dataclass(frozen=True, slots=True)
class CountEvaluation:
    """The motion count's accuracy on a lifter's own sets, against the reps they confirmed."""

    sets: list[EvaluatedSet]
    total: CountScore | None
    by_exercise: dict[str, CountScore]

    @property
    def unanalysable(self) -> int:
        return sum(1 for s in self.sets if s.counted is None)

    def as_dict(self) -> dict[str, Any]:
        names = {s.exercise_id: s.exercise_name for s in self.sets}
        return {
            "sets": [s.as_dict() for s in self.sets],
            "total": None if self.total is None else self.total.as_dict(),
            "by_exercise": [
                {"exercise_id": ex, "exercise": names[ex], **score.as_dict()}
                for ex, score in self.by_exercise.items()
            ],
            "unanalysable": self.unanalysable,
        }


def _stored_count(analysis: Mapping[str, Any] | None) -> int | None:
    reps = (analysis or {}).get("reps")
    return reps if isinstance(reps, int) and not isinstance(reps, bool) else None


def _stored_period(analysis: Mapping[str, Any] | None) -> float | None:
    """The repetition period stored with a set's count: the analysis' own period, or the mean
    repetition time the phone page shows."""
    for key in ("rep_period_s", "rep_s"):
        value = (analysis or {}).get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
            return float(value)
    return None


# The lifter's usual cadence for an exercise needs this many of their sets of it whose count the
# lifter confirmed unchanged (one or two sets are an anecdote), and looks at the latest of them.
USUAL_CADENCE_MIN_SETS = 3
USUAL_CADENCE_LAST_SETS = 20
# A prior outside this range (seconds) is no repetition period the analysis accepts.
_PRIOR_RANGE_S = (0.25, 40.0)


def usual_cadence_s(*, db: Database, user_id: int, exercise_id: str) -> float | None:
    """The lifter's usual repetition period for an exercise, seconds, or None when unknown.

    The median period of their latest sets of the exercise (up to 20) whose motion count they
    confirmed in the reflection without changing it: a count they corrected may have been
    counted at the wrong period, so it teaches nothing about their cadence. Needs three sets.
    """
    with db.session(readonly=True) as s:
        rows = repo.motion_counts_of_sets(session=s, user_id=user_id, exercise_id=exercise_id)
    return _usual_cadence(rows)


def _usual_cadence(rows: Sequence[tuple[Mapping[str, Any] | None, int]]) -> float | None:
    """:func:`usual_cadence_s` of ``rows``: (stored analysis, confirmed reps), oldest first."""
    periods = [
        period
        for analysis, confirmed in rows
        if _stored_count(analysis) == confirmed and (period := _stored_period(analysis)) is not None
    ][-USUAL_CADENCE_LAST_SETS:]
    if len(periods) < USUAL_CADENCE_MIN_SETS:
        return None
    return float(statistics.median(periods))


def tempo_prior_s(tempo: Tempo | None) -> float | None:
    """A prescribed tempo's repetition time as the period prior, seconds, when it is one the
    analysis accepts (a tempo such as 0-0-0-0 has none)."""
    lo, hi = _PRIOR_RANGE_S
    rep_s = None if tempo is None else tempo.rep_s
    return rep_s if rep_s is not None and lo <= rep_s <= hi else None


def period_prior_s(
    *, db: Database, user_id: int, exercise_id: str, tempo: Tempo | None
) -> float | None:
    """The repetition period the next count of a guided set may expect, seconds, or None.

    The lifter's usual cadence for the exercise (:func:`usual_cadence_s`) when known: what they
    do beats what was asked; otherwise the prescribed tempo's repetition time. Never anything
    from the prescribed number of repetitions: a count must not lean towards the target.
    """
    usual = usual_cadence_s(db=db, user_id=user_id, exercise_id=exercise_id)
    return _prior(usual, tempo)


def _prior(usual: float | None, tempo: Tempo | None) -> float | None:
    lo, hi = _PRIOR_RANGE_S
    if usual is not None and lo <= usual <= hi:
        return usual
    return tempo_prior_s(tempo)


def _set_tempo(stored: Mapping[str, Any] | None) -> Tempo | None:
    try:
        return None if not stored else Tempo.model_validate(stored)
    except ValueError:  # a tempo stored before today's checks: counted without a prior
        return None


def evaluate_counts(
    *, db: Database, user_id: int, catalog: Catalog, exercise_id: str | None = None
) -> CountEvaluation:
    """Count again every motion recording stored with one of the user's sets, and score the
    counts against the repetitions the lifter confirmed for that set (the set's current reps,
    so a correction made later counts). Deleted sets are left out.

    Raises
    ------
    mindmuscle.errors.UnknownIdError
        ``exercise_id`` is not in the user's catalogue.
    """
    if exercise_id is not None:
        catalog.exercise(exercise_id)
    with db.session(readonly=True) as s:
        rows = [
            (dict(rec.data or {}), rec.analysis, st.id, st.performed_at, st.exercise_id, st.reps,
             _set_tempo(st.tempo))
            for rec, st in repo.motion_recordings_of_sets(
                session=s, user_id=user_id, exercise_id=exercise_id
            )
        ]  # fmt: skip
    evaluated: list[EvaluatedSet] = []
    # Each set is counted with the prior the set loop would have had: the usual cadence from
    # the lifter's earlier sets of the exercise, else the set's tempo; never its own reps.
    earlier: dict[str, list[tuple[Mapping[str, Any] | None, int]]] = {}
    for data, analysis, set_id, at, ex_id, reps, tempo in rows:
        known = catalog.exercises.get(ex_id)
        counted: int | None = None
        problem: str | None = None
        prior = _prior(_usual_cadence(earlier.get(ex_id, [])), tempo)
        earlier.setdefault(ex_id, []).append((analysis, reps))
        try:
            counted = analyze_web_recording(
                data,
                exercise_id=None if known is None else ex_id,
                catalog=catalog,
                period_prior_s=prior,
            ).reps
        except MindMuscleError as exc:
            problem = str(exc)
        evaluated.append(
            EvaluatedSet(
                set_id=set_id,
                performed_at=at,
                exercise_id=ex_id,
                exercise_name=ex_id if known is None else known.name,
                confirmed=reps,
                counted=counted,
                counted_then=_stored_count(analysis),
                problem=problem,
            )
        )
    checks = [
        CountCheck(e.exercise_id, e.counted, e.confirmed)
        for e in evaluated
        if e.counted is not None
    ]
    return CountEvaluation(
        sets=evaluated,
        total=score_counts((c.counted, c.confirmed) for c in checks),
        by_exercise=score_by_exercise(checks),
    )


class MeasuredSet(BaseModel):
    """What the phone's motion says about a set, next to what was prescribed."""

    model_config = ConfigDict(frozen=True)

    reps: int
    partial_reps: int
    tempo: Tempo | None = Field(description="Mean measured phases of the full repetitions.")
    rep_s: float | None = Field(description="Mean time of one repetition, seconds.")
    tempo_score: float | None = Field(description="Tempo adherence 0-1 (1: every phase on time).")
    rushing: bool
    quality: str = Field(description="good, fair or poor: whether the signal supports this.")
    notes: list[str]


def measure_web_set(
    payload: dict[str, Any],
    *,
    exercise_id: str,
    tempo: Tempo | None,
    catalog: Catalog | None = None,
    period_prior_s: float | None = None,
) -> MeasuredSet:
    """Count the repetitions and measure the tempo of the phone's recording of one set.

    ``period_prior_s`` (from :func:`period_prior_s`) guides the period search, never the count.

    Raises
    ------
    mindmuscle.errors.FileFormatError
        A malformed recording (the key at fault is named).
    mindmuscle.errors.InvalidSignalError
        A recording that cannot be analysed (too short, no movement).
    """
    a = analyze_web_recording(
        payload,
        exercise_id=exercise_id,
        tempo=tempo,
        catalog=catalog,
        period_prior_s=period_prior_s,
    )
    full = [r for r in a.repetitions if not r.partial]
    measured = None
    rep_s = None
    if full:
        n = len(full)

        def mean(values: list[float]) -> float:
            return round(min(10.0, max(0.0, sum(values) / n)), 1)

        measured = Tempo(
            eccentric_s=mean([r.eccentric_s for r in full]),
            bottom_pause_s=mean([r.bottom_pause_s for r in full]),
            concentric_s=mean([r.concentric_s for r in full]),
            top_squeeze_s=mean([r.top_pause_s for r in full]),
        )
        rep_s = round(sum(r.end_s - r.start_s for r in full) / n, 2)
    adherence = a.tempo_adherence
    return MeasuredSet(
        reps=a.reps,
        partial_reps=a.partial_reps,
        tempo=measured,
        rep_s=rep_s,
        tempo_score=None if adherence is None else round(adherence.score, 2),
        rushing=False if adherence is None else adherence.rushing,
        quality=a.quality.status,
        notes=list(a.quality.reasons)
        + (
            [f"Alternating sides: both counted ({len(full)} seen on the phone's side)."]
            if a.alternating
            else []
        ),
    )
