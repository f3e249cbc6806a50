"""Focus experiments end to end: design, the set to do next, recording sets with EMG, analysis.

Scripted (one command per set)::

    exp = new_experiment(db=db, user_id=1, preset="curl-focus", seed=42)
    status = experiment_status(db=db, user_id=1, experiment_id=exp.id)   # next set, its cue
    record_experiment_set(db=db, user_id=1, experiment_id=exp.id, set_number=1,
                          emg_path="set1.csv", target_rating=7, now=now)
    result = analyze_experiment(db=db, user_id=1, experiment_id=exp.id,
                                report_path="report.html", png_dir="figures")

Inside a normal guided session (the set loop shows each condition's cue, and none for the
uncued control)::

    sess = experiment_session(db=db, user_id=1, experiment_id=exp.id, now=now)
    run = GuidedRun.start(db=db, user_id=1, session_id=sess.session_id)
    ...  # for each confirmed set: attach_experiment_set(..., set_number=
         #     sess.set_numbers[completed.exercise_index], set_uuid=completed.set_uuid,
         #     emg_path=...)

The design (with its seed) is stored in the ``experiments`` table and the planned order in
``experiment_sets``; a recorded set is a normal stored set (source ``experiment``) with its
reflection, and its EMG file goes to ``recordings`` with the per-repetition activation.

Normalisation: without an MVC recording, each muscle's activation is expressed in % of the highest
repetition peak of that muscle over the experiment's sets (a within-experiment reference). Effect
sizes and p-values do not depend on this choice (they are unchanged by rescaling a channel); the
percentages do, and the report says which reference was used.
"""

from __future__ import annotations

import secrets
import uuid as uuid_mod
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session as OrmSession

from mindmuscle.catalog import Catalog
from mindmuscle.coach.limits import LOAD_KG, RATING, REPS
from mindmuscle.coach.models import Plan
from mindmuscle.coach.sets import parse_set
from mindmuscle.errors import FileFormatError, InvalidInputError
from mindmuscle.experiments import (
    PRESETS,
    ExperimentAnalysis,
    ExperimentDesign,
    PlannedSet,
    SetResult,
    analyze,
    calatayud2016_design,
    curl_focus_design,
    experiment_prescription,
    make_design,
    plan_sets,
)
from mindmuscle.experiments.activation import MuscleActivation, normalise_activation
from mindmuscle.io.emg import read_emg_file
from mindmuscle.io.plots.experiments import write_experiment_html, write_experiment_pngs
from mindmuscle.services.emg import analyze_emg_recording
from mindmuscle.services.emg_sets import mapped_recording
from mindmuscle.services.history import user_catalog
from mindmuscle.services.profile import get_profile
from mindmuscle.services.sessions import preview_plan
from mindmuscle.services.sets import store_set
from mindmuscle.signals.emg.recording import EmgRecording
from mindmuscle.store import (
    Database,
    ExperimentCreate,
    ExperimentSetCreate,
    RecordingCreate,
    SessionCreate,
    repo,
)
from mindmuscle.store.tables import ExperimentRow

__all__ = [
    "AnalysisResult",
    "ExperimentInfo",
    "ExperimentSession",
    "PlannedSetStatus",
    "RecordedSet",
    "analyze_experiment",
    "attach_experiment_set",
    "experiment_session",
    "experiment_status",
    "list_experiments",
    "new_experiment",
    "record_experiment_set",
]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class PlannedSetStatus(_Out):
    """A planned set and whether (and as which stored set) it was done."""

    number: int = Field(description="Position in the experiment, from 1.")
    condition: str
    focus: Literal["internal", "external", "none"]
    cue: str | None = Field(description="Text to show during the set; None: show no cue.")
    load_pct_e1rm: float
    load_kg: float | None
    reps: int
    done: bool
    set_uuid: str | None


class ExperimentInfo(_Out):
    """An experiment: its design, status and every planned set."""

    id: int
    name: str
    status: Literal["planned", "running", "done"]
    design: ExperimentDesign
    sets: list[PlannedSetStatus]

    @property
    def next_set(self) -> PlannedSetStatus | None:
        """The first planned set not yet done."""
        return next((s for s in self.sets if not s.done), None)

    @property
    def n_done(self) -> int:
        """Number of sets done."""
        return sum(s.done for s in self.sets)


class RecordedSet(_Out):
    """What was stored for one experiment set."""

    experiment_id: int
    number: int
    set_uuid: str
    condition: str
    reps: int
    load_kg: float
    target_rating: int
    emg_reps: int = Field(description="Repetitions found in the EMG (0 without a file).")
    peak: dict[str, float] = Field(description="Muscle -> mean repetition peak (file units).")
    mean: dict[str, float] = Field(description="Muscle -> mean repetition mean (file units).")


class AnalysisResult(_Out):
    """An analysis and the files written for it."""

    analysis: ExperimentAnalysis
    normalisation: str
    report_path: str | None = None
    png_paths: list[str] = Field(default_factory=list)


# --- EMG of one set ------------------------------------------------------------------------------


def _design_channels(
    design: ExperimentDesign, recording: EmgRecording, channel_map: str | None
) -> EmgRecording:
    """The recording with its channels named as the design's, by ``CH=MUSCLE[,...]`` (the
    file's channel by 1-based number or name, and the design's muscle); as it is without a map.
    """
    if channel_map is None or not channel_map.strip():
        return recording
    mapped = mapped_recording(recording, channel_map, "experiment_set")
    stray = [m for m in mapped.channels if m not in design.channels]
    if stray:
        raise InvalidInputError(
            f"The channel map names {', '.join(stray)}, which this experiment does not "
            f"measure: its muscles are {', '.join(design.channels)}."
        )
    return EmgRecording(
        mapped.data,
        mapped.sfreq_hz,
        tuple(design.channels[m] for m in mapped.channels),
        mapped.units,
        source=mapped.source,
        notes=mapped.notes,
    )


def _set_emg(
    design: ExperimentDesign,
    emg_path: str | Path,
    *,
    sfreq_hz: float | None,
    mvc_path: str | Path | None,
    channel_map: str | None = None,
) -> dict[str, Any]:
    """Analyse one set's EMG file; per design muscle: repetition peaks and means (raw and %).

    ``channel_map`` (``CH=MUSCLE[,...]``) names the file's channels after the design's muscles,
    in the set's file and in the MVC file alike.
    """
    recording = _design_channels(design, read_emg_file(emg_path, rate_hz=sfreq_hz), channel_map)
    wanted = {m: ch for m, ch in design.channels.items() if ch in recording.channels}
    if not wanted:
        raise FileFormatError(
            f"none of the design's EMG channels ({', '.join(design.channels.values())}) is in "
            f"the file ({', '.join(recording.channels)}); name the columns after them, or map "
            "the file's channels to them (e.g. 1=biceps)",
            path=emg_path,
        )
    target_muscle = next((m for m in design.targets if m in wanted), next(iter(wanted)))
    mvc = (
        _design_channels(design, read_emg_file(mvc_path, rate_hz=sfreq_hz), channel_map)
        if mvc_path is not None
        else None
    )
    result = analyze_emg_recording(
        recording,
        target=wanted[target_muscle],
        synergists=[ch for m, ch in wanted.items() if m != target_muscle],
        mvc=mvc,
    )
    a = result.analysis
    per_muscle: dict[str, Any] = {}
    for m, ch in wanted.items():
        cr = a.channel(ch)
        per_muscle[m] = {
            "channel": ch,
            "unit": cr.unit,
            "normalisation": cr.normalisation,
            "peak": [r.peak for r in cr.reps],
            "mean": [r.mean for r in cr.reps],
            "peak_pct": [r.peak_pct for r in cr.reps],
            "mean_pct": [r.mean_pct for r in cr.reps],
        }
    return {"n_reps": a.n_reps, "muscles": per_muscle, "emg": a.model_dump(mode="json")}


# --- the experiment ------------------------------------------------------------------------------


def _design_from_options(
    *,
    catalog: Catalog,
    preset: str | None,
    exercise_id: str | None,
    conditions: Sequence[str] | None,
    loads_pct_e1rm: Sequence[float] | None,
    sets_per_condition: int | None,
    seed: int,
    e1rm_kg: float | None,
) -> ExperimentDesign:
    if preset is not None:
        if preset not in PRESETS:
            raise InvalidInputError(
                f"Unknown preset {preset!r}: allowed presets are {', '.join(PRESETS)}."
            )
        custom = [exercise_id, conditions, loads_pct_e1rm, sets_per_condition]
        if any(v is not None for v in custom):
            raise InvalidInputError(
                f"Preset {preset!r} fixes the exercise, conditions, loads and sets; give either "
                "a preset or your own exercise, conditions, loads and sets, not both."
            )
        if preset == "calatayud2016":
            catalog.exercise("barbell_bench_press")
            return calatayud2016_design(seed=seed, e1rm_kg=e1rm_kg)
        return curl_focus_design(
            exercise=catalog.exercise("dumbbell_biceps_curl"), seed=seed, e1rm_kg=e1rm_kg
        )
    if exercise_id is None:
        raise InvalidInputError(
            f"Give a preset ({', '.join(PRESETS)}) or the exercise of your own design."
        )
    exercise = catalog.exercise(exercise_id)
    for m in exercise.targets:
        catalog.muscle(m)
    return make_design(
        exercise=exercise,
        conditions=list(conditions) if conditions is not None else ["internal", "external", "none"],
        loads_pct_e1rm=list(loads_pct_e1rm) if loads_pct_e1rm is not None else [60.0],
        sets_per_condition=3 if sets_per_condition is None else sets_per_condition,
        seed=seed,
        e1rm_kg=e1rm_kg,
    )


def new_experiment(
    *,
    db: Database,
    user_id: int,
    preset: str | None = None,
    exercise_id: str | None = None,
    conditions: Sequence[str] | None = None,
    loads_pct_e1rm: Sequence[float] | None = None,
    sets_per_condition: int | None = None,
    seed: int | None = None,
    e1rm_kg: float | None = None,
    participant: str | None = None,
) -> ExperimentInfo:
    """Design an experiment (a preset or a custom one), store it with its planned order.

    ``participant`` names who it is run on, when it is one participant's experiment of a group
    (see :mod:`mindmuscle.services.experiment_groups`).

    The exercise may be any of the user's catalogue (built-in, imported or added by hand).

    Without ``seed`` a random one is drawn and recorded, so the order can be regenerated.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        An unknown preset, exercise or condition; a preset mixed with custom options; see
        :func:`mindmuscle.experiments.design.check_design` for the design checks.
    """
    if seed is None:
        seed = secrets.randbelow(2**31)
    if seed < 0:
        raise InvalidInputError(f"Seed {seed} is negative; give a whole number 0 or more.")
    design = _design_from_options(
        catalog=user_catalog(db=db, user_id=user_id),
        preset=preset,
        exercise_id=exercise_id,
        conditions=conditions,
        loads_pct_e1rm=loads_pct_e1rm,
        sets_per_condition=sets_per_condition,
        seed=seed,
        e1rm_kg=e1rm_kg,
    )
    if participant is not None:
        name = " ".join(participant.split())
        if not 1 <= len(name) <= 80:
            raise InvalidInputError(
                f"Participant {participant!r} is not allowed: give a name of 1 to 80 characters."
            )
        design = design.model_copy(update={"participant": name})
    plan = plan_sets(design)
    with db.session() as s:
        row = repo.create_experiment(
            session=s,
            user_id=user_id,
            data=ExperimentCreate(
                name=design.title, design=design.model_dump(mode="json"), seed=design.seed
            ),
            sets=[
                ExperimentSetCreate(
                    condition=p.condition, load_kg=p.load_kg, order_index=p.index - 1
                )
                for p in plan
            ],
        )
        experiment_id = row.id
    return experiment_status(db=db, user_id=user_id, experiment_id=experiment_id)


def _info(row: ExperimentRow) -> ExperimentInfo:
    design = ExperimentDesign.model_validate(row.design)
    plan = plan_sets(design)
    links = {r.order_index: r.set_uuid for r in row.sets}
    sets = [_status(p, links.get(p.index - 1)) for p in plan]
    done = sum(s.done for s in sets)
    status: Literal["planned", "running", "done"] = (
        "done" if done == len(sets) else "running" if done else "planned"
    )
    return ExperimentInfo(id=row.id, name=row.name, status=status, design=design, sets=sets)


def _status(p: PlannedSet, set_uuid: str | None) -> PlannedSetStatus:
    return PlannedSetStatus(
        number=p.index,
        condition=p.condition,
        focus=p.focus,
        cue=p.cue,
        load_pct_e1rm=p.load_pct_e1rm,
        load_kg=p.load_kg,
        reps=p.reps,
        done=set_uuid is not None,
        set_uuid=set_uuid,
    )


def experiment_status(*, db: Database, user_id: int, experiment_id: int) -> ExperimentInfo:
    """The experiment with every planned set, which are done, and the next one with its cue.

    Raises
    ------
    mindmuscle.errors.NotFoundError
        No such experiment for this user.
    """
    with db.session() as s:
        return _info(repo.get_experiment(session=s, user_id=user_id, experiment_id=experiment_id))


def list_experiments(*, db: Database, user_id: int) -> list[ExperimentInfo]:
    """Every experiment of the user, oldest first."""
    with db.session() as s:
        return [_info(r) for r in repo.list_experiments(session=s, user_id=user_id)]


def record_experiment_set(
    *,
    db: Database,
    user_id: int,
    experiment_id: int,
    set_number: int,
    target_rating: int,
    now: datetime,
    emg_path: str | Path | None = None,
    sfreq_hz: float | None = None,
    mvc_path: str | Path | None = None,
    reps: int | None = None,
    load_kg: float | None = None,
    channel_map: str | None = None,
) -> RecordedSet:
    """Record one experiment set: a stored set with its reflection, cue and EMG recording.

    Parameters
    ----------
    set_number : int
        The planned set, from 1 (see :func:`experiment_status`).
    target_rating : int
        How strongly the target muscle was felt, 0-10.
    now : datetime
        When the set was performed.
    emg_path : path, optional
        The set's EMG (CSV, EDF/BDF, XDF or BrainFlow; see :mod:`mindmuscle.io.emg`) with the
        design's channel names; a CSV without a time column needs ``sfreq_hz``.
    mvc_path : path, optional
        A maximal voluntary contraction with the same channels; activation is then in %MVC.
    channel_map : str, optional
        ``CH=MUSCLE[,...]``: the file's channels (1-based number or name) and the design's
        muscles they recorded, for a file whose channels are not named after them.
    reps : int, optional
        Repetitions done; default: the bursts found in the EMG, else the planned repetitions.
    load_kg : float, optional
        Load used; default the planned load from the design's e1RM.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        A set number outside the plan, a set already recorded, a rating outside 0-10, no load,
        an EMG file without the design's channels.
    """
    RATING.check("reflection.target_rating", target_rating)
    info, planned = _open_set(db, user_id, experiment_id, set_number)
    use_load = load_kg if load_kg is not None else planned.load_kg
    if use_load is None:
        raise InvalidInputError(
            f"No load for set {set_number}: it is {planned.load_pct_e1rm:g}% of your estimated "
            "1RM, which this experiment was not given, so the load you lifted is needed."
        ).to_fix("give_experiment_load", experiment_id=experiment_id, set_number=set_number)
    LOAD_KG.check("load_kg", use_load)
    if reps is not None:
        REPS.check("reps", reps)
    emg = _emg_summary(
        info.design, emg_path, sfreq_hz=sfreq_hz, mvc_path=mvc_path, channel_map=channel_map
    )
    n_reps = reps if reps is not None else (emg.n_reps or planned.reps)
    set_uuid = str(uuid_mod.uuid4())
    # The one set model and the one write path, as for a set from any other channel.
    data = parse_set(
        {
            "uuid": set_uuid,
            "exercise_id": info.design.exercise_id,
            "performed_at": now,
            "load_kg": use_load,
            "reps": n_reps,
            "focus_mode": planned.focus,
            "cue": planned.cue,
            "source": "experiment",
            "notes": f"experiment {experiment_id}, set {set_number} ({planned.condition}, "
            f"{planned.load_pct_e1rm:g}% e1RM)",
            "reflection": {"target_rating": target_rating},
        }
    )
    catalog = user_catalog(db=db, user_id=user_id)
    with db.session() as s:
        store_set(s, user_id=user_id, data=data, catalog=catalog, now=now)
        _link(s, user_id, info, set_number, set_uuid, emg, emg_path)
    return RecordedSet(
        experiment_id=experiment_id,
        number=set_number,
        set_uuid=set_uuid,
        condition=planned.condition,
        reps=n_reps,
        load_kg=use_load,
        target_rating=target_rating,
        emg_reps=emg.n_reps,
        peak=emg.peak,
        mean=emg.mean,
    )


def attach_experiment_set(
    *,
    db: Database,
    user_id: int,
    experiment_id: int,
    set_number: int,
    set_uuid: str,
    emg_path: str | Path | None = None,
    sfreq_hz: float | None = None,
    mvc_path: str | Path | None = None,
) -> RecordedSet:
    """Make a set already stored by a guided session the experiment's set ``set_number``.

    Used after :func:`experiment_session`: the set loop stores each confirmed set; this links it
    to the planned experiment set and stores its EMG recording.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        A set number outside the plan or already recorded; a stored set of another exercise or
        done with another focus than the planned condition.
    mindmuscle.errors.NotFoundError
        No stored set ``set_uuid`` for this user.
    """
    info, planned = _open_set(db, user_id, experiment_id, set_number)
    with db.session(readonly=True) as s:
        row = repo.get_set(session=s, user_id=user_id, uuid=set_uuid)
        if row.deleted_at is not None:
            raise InvalidInputError(
                f"Set {set_uuid} is deleted; restore it before recording it in an experiment."
            ).to_fix("restore_set", set_id=row.id)
        exercise_id, focus, n_reps, load = row.exercise_id, row.focus_mode, row.reps, row.load_kg
        rating = row.reflection.target_rating if row.reflection is not None else None
    if exercise_id != info.design.exercise_id:
        raise InvalidInputError(
            f"Set {set_uuid} is a set of {exercise_id!r}; experiment {experiment_id} is on "
            f"{info.design.exercise_id!r}."
        )
    if (focus or "none") != planned.focus:
        raise InvalidInputError(
            f"Set {set_uuid} was done with focus {focus!r}, but set {set_number} of experiment "
            f"{experiment_id} is the {planned.condition!r} condition (focus {planned.focus!r})."
        )
    emg = _emg_summary(info.design, emg_path, sfreq_hz=sfreq_hz, mvc_path=mvc_path)
    with db.session() as s:
        _link(s, user_id, info, set_number, set_uuid, emg, emg_path)
    return RecordedSet(
        experiment_id=experiment_id,
        number=set_number,
        set_uuid=set_uuid,
        condition=planned.condition,
        reps=n_reps,
        load_kg=load,
        target_rating=rating if rating is not None else 0,
        emg_reps=emg.n_reps,
        peak=emg.peak,
        mean=emg.mean,
    )


class _EmgSummary(BaseModel):
    n_reps: int = 0
    peak: dict[str, float] = Field(default_factory=dict)
    mean: dict[str, float] = Field(default_factory=dict)
    analysis: dict[str, Any] | None = None


def _open_set(
    db: Database, user_id: int, experiment_id: int, set_number: int
) -> tuple[ExperimentInfo, PlannedSetStatus]:
    info = experiment_status(db=db, user_id=user_id, experiment_id=experiment_id)
    if not 1 <= set_number <= len(info.sets):
        raise InvalidInputError(
            f"Set {set_number} is not in experiment {experiment_id}: its sets are 1-"
            f"{len(info.sets)}."
        )
    planned = info.sets[set_number - 1]
    if planned.done:
        raise InvalidInputError(
            f"Set {set_number} of experiment {experiment_id} is already recorded."
        )
    return info, planned


def _emg_summary(
    design: ExperimentDesign,
    emg_path: str | Path | None,
    *,
    sfreq_hz: float | None,
    mvc_path: str | Path | None,
    channel_map: str | None = None,
) -> _EmgSummary:
    if emg_path is None:
        return _EmgSummary()
    analysis = _set_emg(
        design, emg_path, sfreq_hz=sfreq_hz, mvc_path=mvc_path, channel_map=channel_map
    )
    peak: dict[str, float] = {}
    mean: dict[str, float] = {}
    for m, values in analysis["muscles"].items():
        if values["peak"]:
            peak[m] = float(np.mean(values["peak"]))
            mean[m] = float(np.mean(values["mean"]))
    return _EmgSummary(n_reps=int(analysis["n_reps"]), peak=peak, mean=mean, analysis=analysis)


def _link(
    s: OrmSession,
    user_id: int,
    info: ExperimentInfo,
    set_number: int,
    set_uuid: str,
    emg: _EmgSummary,
    emg_path: str | Path | None,
) -> None:
    # Inside the caller's transaction: the recording, the link and the status commit together.
    if emg_path is not None:
        repo.add_recording(
            session=s,
            user_id=user_id,
            data=RecordingCreate(
                kind="emg",
                set_uuid=set_uuid,
                file_name=Path(emg_path).name,
                analysis=emg.analysis,
            ),
        )
    repo.link_experiment_set(
        session=s,
        user_id=user_id,
        experiment_id=info.id,
        order_index=set_number - 1,
        set_uuid=set_uuid,
    )
    done = sum(
        r.set_uuid is not None
        for r in repo.get_experiment(session=s, user_id=user_id, experiment_id=info.id).sets
    )
    repo.set_experiment_status(
        session=s,
        user_id=user_id,
        experiment_id=info.id,
        status="done" if done == len(info.sets) else "running",
    )


class ExperimentSession(_Out):
    """A guided session whose exercises are the next sets of an experiment.

    ``set_numbers[i]`` is the experiment set carried out by the plan's exercise ``i`` (each is one
    set of the experiment's exercise with its condition's cue).
    """

    session_id: int
    experiment_id: int
    plan: Plan
    set_numbers: list[int]


def experiment_session(
    *,
    db: Database,
    user_id: int,
    experiment_id: int,
    now: datetime,
    max_sets: int | None = None,
) -> ExperimentSession:
    """Store a guided session that runs the experiment's next sets in the normal set loop.

    The coach prescribes the exercise as usual (tempo, rest, prime, load from the e1RM); each
    planned set becomes one exercise entry with its condition's focus and cue, its planned
    repetitions and its share of the e1RM, rounded to the user's equipment. Run it with
    :class:`mindmuscle.services.sessions.GuidedRun`, then :func:`attach_experiment_set` each
    confirmed set (its ``exercise_index`` gives the set number through ``set_numbers``).

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        Every set is already recorded, or ``max_sets`` is below 1.
    """
    if max_sets is not None and max_sets < 1:
        raise InvalidInputError(f"max_sets is {max_sets}; give 1 or more.")
    info = experiment_status(db=db, user_id=user_id, experiment_id=experiment_id)
    remaining = [s for s in info.sets if not s.done][:max_sets]
    if not remaining:
        raise InvalidInputError(
            f"Every set of experiment {experiment_id} is recorded: analyse it with "
            f"`mindmuscle experiment analyze {experiment_id}`."
        )
    design = info.design
    catalog = user_catalog(db=db, user_id=user_id)
    overrides = {design.exercise_id: design.e1rm_kg} if design.e1rm_kg else None
    base_plan = preview_plan(
        db=db,
        user_id=user_id,
        now=now,
        readiness=None,
        exercise_ids=[design.exercise_id],
        e1rm_overrides=overrides,
        catalog=catalog,
    )
    base = next((p for p in base_plan.exercises if p.exercise_id == design.exercise_id), None)
    if base is None:
        raise InvalidInputError(
            f"The coach gave no prescription for {design.exercise_id!r} today "
            f"({base_plan.reason}); record the sets with `mindmuscle experiment record`."
        )
    exercise = catalog.exercise(design.exercise_id)
    equipment = get_profile(db=db, user_id=user_id).equipment
    planned = plan_sets(design)
    prescriptions = [
        experiment_prescription(
            planned[s.number - 1], design, base, exercise=exercise, equipment=equipment
        )
        for s in remaining
    ]
    plan = base_plan.model_copy(
        update={
            "exercises": prescriptions,
            "reason": f"Experiment {experiment_id}: {design.title}, sets "
            f"{remaining[0].number}-{remaining[-1].number} of {len(info.sets)}.",
        }
    )
    with db.session() as s:
        row = repo.create_session(
            session=s,
            user_id=user_id,
            data=SessionCreate(
                started_at=now,
                plan=plan.model_dump(mode="json"),
                source="guided",
                planned=[p.model_dump(mode="json") for p in plan.exercises],
            ),
        )
        session_id = row.id
    return ExperimentSession(
        session_id=session_id,
        experiment_id=experiment_id,
        plan=plan,
        set_numbers=[s.number for s in remaining],
    )


def _activation(emg: dict[str, Any] | None) -> dict[str, MuscleActivation] | None:
    """The stored EMG summary of a set (see :func:`_set_emg`) as typed activations."""
    if not emg:
        return None
    return {m: MuscleActivation.model_validate(v) for m, v in emg.get("muscles", {}).items()}


def recorded_results(
    db: Database, user_id: int, info: ExperimentInfo
) -> tuple[list[SetResult], str, str]:
    """The experiment's recorded sets as the analysis reads them, what 100% activation means
    in them, and its short unit."""
    raw: list[tuple[PlannedSetStatus, Any, dict[str, Any] | None]] = []
    with db.session() as s:
        for p in info.sets:
            if p.set_uuid is None:
                continue
            row = repo.get_set(session=s, user_id=user_id, uuid=p.set_uuid)
            if row.deleted_at is not None:
                continue  # a deleted set does not count (restoring it brings it back)
            recs = repo.list_recordings(session=s, user_id=user_id, set_uuid=p.set_uuid, kind="emg")
            emg = recs[-1].analysis if recs else None
            rating = row.reflection.target_rating if row.reflection is not None else None
            raw.append((p, (row.reps, rating, row.load_kg), emg))
    scale = normalise_activation([_activation(emg) for _, _, emg in raw])
    peaks, means, how, unit = scale.peaks, scale.means, scale.how, scale.unit
    results = [
        SetResult(
            index=p.number,
            condition=p.condition,
            load_pct_e1rm=p.load_pct_e1rm,
            reps=n_reps,
            target_rating=rating,
            load_kg=load,
            peak_mvc=peaks[k],
            mean_mvc=means[k],
        )
        for k, (p, (n_reps, rating, load), _) in enumerate(raw)
    ]
    return results, how, unit


def analyze_experiment(
    *,
    db: Database,
    user_id: int,
    experiment_id: int,
    report_path: str | Path | None = None,
    png_dir: str | Path | None = None,
    n_resamples: int = 2000,
) -> AnalysisResult:
    """Analyse the recorded sets; optionally write the HTML report and the PNG figures.

    Raises
    ------
    mindmuscle.errors.NotFoundError
        No such experiment for this user.
    """
    info = experiment_status(db=db, user_id=user_id, experiment_id=experiment_id)
    results, normalisation, unit = recorded_results(db, user_id, info)
    analysis = analyze(
        info.design,
        results,
        n_resamples=n_resamples,
        normalisation=normalisation,
        activation_unit=unit,
    )
    html = str(write_experiment_html(analysis, report_path)) if report_path is not None else None
    pngs = [str(p) for p in write_experiment_pngs(analysis, png_dir)] if png_dir is not None else []
    return AnalysisResult(
        analysis=analysis, normalisation=normalisation, report_path=html, png_paths=pngs
    )
