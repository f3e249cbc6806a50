"""Focus experiments end to end: design, the set to do next, recording sets with EMG, analysis.

The flow::

    exp = new_experiment(db=db, user_id=1, preset="curl-focus", seed=42)
    status = experiment_status(db=db, user_id=1, experiment_id=exp.id)   # next set, its cue
    record_experiment_set(db=db, user_id=1, experiment_id=exp.id, set_number=1,
                          emg_path="set1.csv", target_rating=7, now=now)
    result = analyze_experiment(db=db, user_id=1, experiment_id=exp.id,
                                report_path="report.html", png_dir="figures")

The design (with its seed) is stored in the ``experiments`` table and the planned order in
``experiment_sets``; a recorded set is a normal stored set (source ``experiment``) with its
reflection, and its EMG file goes to ``recordings`` with the per-repetition activation.

Normalisation: without an MVC recording, each muscle's activation is expressed in % of the highest
repetition peak of that muscle over the experiment's sets (a within-experiment reference). Effect
sizes and p-values do not depend on this choice (they are unchanged by rescaling a channel); the
percentages do, and the report says which reference was used.
"""

from __future__ import annotations

import csv
import secrets
import uuid as uuid_mod
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field
from scipy import signal as sp_signal

from mindmuscle.catalog import load_catalog
from mindmuscle.errors import FileFormatError, InvalidInputError, InvalidSignalError
from mindmuscle.experiments import (
    PRESETS,
    ExperimentAnalysis,
    ExperimentDesign,
    PlannedSet,
    SetResult,
    analyze,
    calatayud2016_design,
    curl_focus_design,
    make_design,
    plan_sets,
)
from mindmuscle.io.report import write_experiment_html, write_experiment_pngs
from mindmuscle.store import (
    Database,
    ExperimentCreate,
    ExperimentSetCreate,
    RecordingCreate,
    ReflectionCreate,
    SetCreate,
    repo,
)

__all__ = [
    "AnalysisResult",
    "ExperimentInfo",
    "PlannedSetStatus",
    "RecordedSet",
    "analyze_experiment",
    "experiment_status",
    "list_experiments",
    "new_experiment",
    "read_emg_csv",
    "record_experiment_set",
    "set_activation",
]

FloatArray = npt.NDArray[np.float64]


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


def read_emg_csv(
    path: str | Path, *, sfreq_hz: float | None = None
) -> tuple[list[str], FloatArray, float]:
    """Read a generic EMG CSV: a header naming the channels, an optional ``t`` column (seconds).

    Returns
    -------
    channels : list of str
    data : ndarray, shape (n_channels, n_samples)
    sfreq_hz : float
        From the ``t`` column, or the one given.

    Raises
    ------
    mindmuscle.errors.FileFormatError
        A missing header, a cell that is not a number (with its line and column), no rate.
    """
    p = Path(path)
    try:
        handle = p.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise FileFormatError(f"cannot open the EMG file ({exc.strerror})", path=p) from None
    with handle:
        header = next(csv.reader([handle.readline()]), None)
        if not header or not any(h.strip() for h in header):
            raise FileFormatError("no header row naming the channels", path=p, line=1)
        names = [h.strip() for h in header]
        body = handle.read()
    if not body.strip():
        raise FileFormatError("0 sample rows; a recording needs many", path=p, line=2)
    try:
        # Fast path (numpy's C parser); the slow path below only runs to locate an error.
        table = np.loadtxt(
            body.splitlines(), delimiter=",", ndmin=2, dtype=np.float64, comments=None
        )
    except ValueError:
        _locate_csv_error(p, names, body)
        raise FileFormatError("cannot be read as numbers", path=p) from None
    if table.size and table.shape[1] != len(names):
        _locate_csv_error(p, names, body)
    rows = table
    if len(rows) < 2:
        raise FileFormatError(f"{len(rows)} sample row(s); a recording needs many", path=p)
    table = table.T
    if not np.all(np.isfinite(table)):
        raise FileFormatError("contains NaN or infinite values", path=p)
    channels = [n for n in names if n.lower() != "t"]
    if "t" in [n.lower() for n in names]:
        t = table[[n.lower() for n in names].index("t")]
        dt = np.diff(t)
        if np.any(dt <= 0):
            raise FileFormatError("the t column must increase from row to row", path=p, column="t")
        rate = float(1.0 / np.median(dt))
    elif sfreq_hz is not None:
        rate = float(sfreq_hz)
    else:
        raise FileFormatError(
            "no 't' column (seconds) and no sampling rate given: add a t column or --rate HZ",
            path=p,
        )
    data = table[[i for i, n in enumerate(names) if n.lower() != "t"]]
    return channels, data, rate


def _locate_csv_error(path: Path, names: list[str], body: str) -> None:
    for line_no, row in enumerate(csv.reader(body.splitlines()), start=2):
        if not row:
            continue
        if len(row) != len(names):
            raise FileFormatError(
                f"{len(row)} cells, the header has {len(names)}", path=path, line=line_no
            )
        for name, cell in zip(names, row, strict=True):
            try:
                float(cell)
            except ValueError:
                raise FileFormatError(
                    f"{cell!r} is not a number", path=path, line=line_no, column=name
                ) from None


def set_activation(
    data: FloatArray, sfreq_hz: float, *, segment_row: int = 0, min_rep_s: float = 0.3
) -> tuple[list[tuple[int, int]], FloatArray, FloatArray]:
    """Repetitions and their per-channel peak and mean linear envelope.

    Band-pass 20-450 Hz (narrowed below Nyquist), full-wave rectification, 6 Hz low-pass
    envelope; repetitions are the bursts of row ``segment_row`` above 30% of its range, at least
    ``min_rep_s`` long. Without a clear burst the whole recording counts as one repetition.

    Returns
    -------
    reps : list of (start, stop) sample indices
    peak : ndarray, shape (n_channels, n_reps)
    mean : ndarray, shape (n_channels, n_reps)
    """
    if data.ndim != 2 or data.shape[1] < int(sfreq_hz * 0.5):
        raise InvalidSignalError(
            f"An experiment set needs at least 0.5 s of EMG; got {data.shape[-1]} samples at "
            f"{sfreq_hz:g} Hz."
        )
    nyq = sfreq_hz / 2.0
    high = min(450.0, 0.9 * nyq)
    if high <= 20.0:
        raise InvalidSignalError(
            f"Sampling rate {sfreq_hz:g} Hz is too low for surface EMG (20-450 Hz); record at "
            "1000 Hz or more."
        )
    sos = sp_signal.butter(4, [20.0, high], btype="bandpass", fs=sfreq_hz, output="sos")
    x = sp_signal.sosfiltfilt(sos, data - data.mean(axis=1, keepdims=True), axis=1)
    low = sp_signal.butter(2, 6.0, btype="lowpass", fs=sfreq_hz, output="sos")
    env = np.maximum(sp_signal.sosfiltfilt(low, np.abs(x), axis=1), 0.0)
    ref = env[segment_row]
    lo, hi = np.percentile(ref, 5), ref.max()
    above = ref > lo + 0.3 * (hi - lo)
    edges = np.flatnonzero(np.diff(above.astype(np.int8)))
    starts = list(edges[~above[edges]] + 1) if edges.size else []
    stops = list(edges[above[edges]] + 1) if edges.size else []
    if above[0]:
        starts.insert(0, 0)
    if above[-1]:
        stops.append(ref.size)
    min_len = int(min_rep_s * sfreq_hz)
    reps = [(int(a), int(b)) for a, b in zip(starts, stops, strict=False) if b - a >= min_len]
    if not reps:
        reps = [(0, ref.size)]
    peak = np.array([[env[c, a:b].max() for a, b in reps] for c in range(env.shape[0])])
    mean = np.array([[env[c, a:b].mean() for a, b in reps] for c in range(env.shape[0])])
    return reps, peak, mean


# --- the experiment ------------------------------------------------------------------------------


def _design_from_options(
    *,
    preset: str | None,
    exercise_id: str | None,
    conditions: Sequence[str] | None,
    loads_pct_e1rm: Sequence[float] | None,
    sets_per_condition: int | None,
    seed: int,
    e1rm_kg: float | None,
) -> ExperimentDesign:
    catalog = load_catalog()
    if preset is not None:
        if preset not in PRESETS:
            raise InvalidInputError(
                f"Unknown preset {preset!r}: allowed presets are {', '.join(PRESETS)}."
            )
        custom = [exercise_id, conditions, loads_pct_e1rm, sets_per_condition]
        if any(v is not None for v in custom):
            raise InvalidInputError(
                f"Preset {preset!r} fixes the exercise, conditions, loads and sets; give either "
                "--preset or --exercise/--conditions/--loads/--sets-per-condition, not both."
            )
        if preset == "calatayud2016":
            catalog.exercise("barbell_bench_press")
            return calatayud2016_design(seed=seed, e1rm_kg=e1rm_kg)
        return curl_focus_design(
            exercise=catalog.exercise("dumbbell_biceps_curl"), seed=seed, e1rm_kg=e1rm_kg
        )
    if exercise_id is None:
        raise InvalidInputError(
            "Give --preset calatayud2016|curl-focus, or an exercise with --exercise ID."
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
) -> ExperimentInfo:
    """Design an experiment (a preset or a custom one), store it with its planned order.

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
        preset=preset,
        exercise_id=exercise_id,
        conditions=conditions,
        loads_pct_e1rm=loads_pct_e1rm,
        sets_per_condition=sets_per_condition,
        seed=seed,
        e1rm_kg=e1rm_kg,
    )
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


def _info(row: Any) -> ExperimentInfo:
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
    reps: int | None = None,
    load_kg: float | None = None,
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
        A CSV whose header names the channels (the design's channel names), with a ``t`` column
        in seconds or a rate given as ``sfreq_hz``.
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
    if not 0 <= target_rating <= 10:
        raise InvalidInputError(f"Rating {target_rating} is outside 0-10.")
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
    use_load = load_kg if load_kg is not None else planned.load_kg
    if use_load is None:
        raise InvalidInputError(
            f"No load for set {set_number}: give --load KG ({planned.load_pct_e1rm:g}% of your "
            "estimated 1RM)."
        )
    if use_load < 0:
        raise InvalidInputError(f"Load {use_load:g} kg is negative.")
    design = info.design
    peak: dict[str, float] = {}
    mean: dict[str, float] = {}
    emg_reps = 0
    analysis_json: dict[str, Any] | None = None
    if emg_path is not None:
        names, data, rate = read_emg_csv(emg_path, sfreq_hz=sfreq_hz)
        wanted = {m: ch for m, ch in design.channels.items() if ch in names}
        if not wanted:
            raise FileFormatError(
                f"none of the design's EMG channels ({', '.join(design.channels.values())}) is "
                f"in the header ({', '.join(names)}); name the columns after them",
                path=emg_path,
            )
        target_ch = next(
            (design.channels[m] for m in design.targets if m in wanted), next(iter(wanted.values()))
        )
        rows = [names.index(ch) for ch in wanted.values()]
        rep_windows, peaks, means = set_activation(
            data[rows], rate, segment_row=rows.index(names.index(target_ch))
        )
        emg_reps = len(rep_windows)
        for i, m in enumerate(wanted):
            peak[m] = float(peaks[i].mean())
            mean[m] = float(means[i].mean())
        analysis_json = {
            "sfreq_hz": rate,
            "reps": [[a / rate, b / rate] for a, b in rep_windows],
            "peak": {m: [float(v) for v in peaks[i]] for i, m in enumerate(wanted)},
            "mean": {m: [float(v) for v in means[i]] for i, m in enumerate(wanted)},
        }
    n_reps = reps if reps is not None else (emg_reps or planned.reps)
    set_uuid = str(uuid_mod.uuid4())
    with db.session() as s:
        repo.add_set(
            session=s,
            user_id=user_id,
            data=SetCreate(
                uuid=set_uuid,
                exercise_id=design.exercise_id,
                performed_at=now,
                load_kg=use_load,
                reps=n_reps,
                focus_mode=planned.focus,
                cue=planned.cue,
                source="experiment",
                notes=f"experiment {experiment_id}, set {set_number} ({planned.condition}, "
                f"{planned.load_pct_e1rm:g}% e1RM)",
                reflection=ReflectionCreate(target_rating=target_rating),
            ),
        )
        if emg_path is not None:
            repo.add_recording(
                session=s,
                user_id=user_id,
                data=RecordingCreate(
                    kind="emg",
                    set_uuid=set_uuid,
                    file_name=Path(emg_path).name,
                    analysis=analysis_json,
                ),
            )
        repo.link_experiment_set(
            session=s,
            user_id=user_id,
            experiment_id=experiment_id,
            order_index=set_number - 1,
            set_uuid=set_uuid,
        )
        done = sum(
            r.set_uuid is not None
            for r in repo.get_experiment(
                session=s, user_id=user_id, experiment_id=experiment_id
            ).sets
        )
        repo.set_experiment_status(
            session=s,
            user_id=user_id,
            experiment_id=experiment_id,
            status="done" if done == len(info.sets) else "running",
        )
    return RecordedSet(
        experiment_id=experiment_id,
        number=set_number,
        set_uuid=set_uuid,
        condition=planned.condition,
        reps=n_reps,
        load_kg=use_load,
        target_rating=target_rating,
        emg_reps=emg_reps,
        peak=peak,
        mean=mean,
    )


def _results(db: Database, user_id: int, info: ExperimentInfo) -> tuple[list[SetResult], str]:
    raw: list[tuple[PlannedSetStatus, Any, dict[str, Any] | None]] = []
    with db.session() as s:
        for p in info.sets:
            if p.set_uuid is None:
                continue
            row = repo.get_set(session=s, user_id=user_id, uuid=p.set_uuid)
            recs = repo.list_recordings(session=s, user_id=user_id, set_uuid=p.set_uuid, kind="emg")
            emg = recs[-1].analysis if recs else None
            rating = row.reflection.target_rating if row.reflection is not None else None
            raw.append((p, (row.reps, rating, row.load_kg), emg))
    # Within-experiment reference: the highest repetition peak of each muscle.
    top: dict[str, float] = {}
    for _, _, emg in raw:
        for m, values in (emg or {}).get("peak", {}).items():
            top[m] = max(top.get(m, 0.0), max(values))
    results = []
    for p, (n_reps, rating, load), emg in raw:
        peak: dict[str, float] = {}
        mean: dict[str, float] = {}
        for m, values in (emg or {}).get("peak", {}).items():
            if top.get(m, 0.0) > 0:
                peak[m] = 100.0 * float(np.mean(values)) / top[m]
                mean[m] = 100.0 * float(np.mean((emg or {})["mean"][m])) / top[m]
        results.append(
            SetResult(
                index=p.number,
                condition=p.condition,
                load_pct_e1rm=p.load_pct_e1rm,
                reps=n_reps,
                target_rating=rating,
                load_kg=load,
                peak_mvc=peak,
                mean_mvc=mean,
            )
        )
    normalisation = (
        "% of the highest repetition peak of each muscle in this experiment (no MVC recording: "
        "the effect sizes and p-values do not depend on this reference, the percentages do)"
    )
    return results, normalisation


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
    results, normalisation = _results(db, user_id, info)
    analysis = analyze(info.design, results, n_resamples=n_resamples, normalisation=normalisation)
    html = str(write_experiment_html(analysis, report_path)) if report_path is not None else None
    pngs = [str(p) for p in write_experiment_pngs(analysis, png_dir)] if png_dir is not None else []
    return AnalysisResult(
        analysis=analysis, normalisation=normalisation, report_path=html, png_paths=pngs
    )
