"""The JSON API of the data pages: log import and export, EMG recordings, focus experiments.

Files come in as ``multipart/form-data`` (the page's ``FormData``); every other body is JSON.
A file is copied to a temporary folder under the name it was uploaded with, so an error in it
names that file, its line and its column, never a temporary path. Unsafe methods need the CSRF
token (``GET /api/csrf``) like the rest of the API.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from mindmuscle.coach.limits import (
    E1RM_KG,
    EMG_RATE_HZ,
    EXERCISE_ID,
    LOAD_KG,
    MUSCLE_ID,
    RATING,
    REPS,
)
from mindmuscle.errors import (
    FileFormatError,
    InvalidInputError,
    InvalidSignalError,
    NotFoundError,
)
from mindmuscle.experiments import ExperimentAnalysis, ExperimentDesign
from mindmuscle.experiments.analysis import Effect
from mindmuscle.experiments.group import GroupEffect
from mindmuscle.io.plots.experiment_groups import group_headline
from mindmuscle.io.plots.experiments import headline_effects
from mindmuscle.io.plots.motion import motion_figure_json
from mindmuscle.services import emg as emg_service
from mindmuscle.services import emg_sets
from mindmuscle.services import experiment_groups as group_service
from mindmuscle.services import experiments as experiment_service
from mindmuscle.services import motion as motion_service
from mindmuscle.services.catalog import user_catalog
from mindmuscle.services.export import export_csv, export_json
from mindmuscle.services.imports import ImportReport, import_file
from mindmuscle.services.motion import analyze_motion_upload, set_span_line
from mindmuscle.signals.emg.mapping import MAX_CHANNELS, ChannelMuscle
from mindmuscle.signals.motion import MotionAnalysis, MotionTrace
from mindmuscle.web.deps import Ctx, Id, User, UserCatalog, check_csrf, utcnow
from mindmuscle.web.uploads import (
    check_emg_file_name,
    check_motion_file_name,
    relabel_upload_error,
    safe_file_name,
)

__all__ = ["router", "uploaded_file"]

router = APIRouter(prefix="/api", dependencies=[Depends(check_csrf)])


def _max_bytes(
    ctx: Ctx, setting: Literal["import_body_max_mb", "emg_body_max_mb", "motion_body_max_mb"]
) -> int:
    """A file's limit: its route's body limit (the guard has refused larger bodies already)."""
    return int(getattr(ctx.settings, setting) * 1_000_000)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


@contextmanager
def uploaded_file(upload: UploadFile, *, max_bytes: int, default_name: str) -> Iterator[Path]:
    """The upload as a temporary file with its own name; errors in it name that name.

    Raises
    ------
    HTTPException
        413 when the file is larger than ``max_bytes``, 400 when it is empty.
    """
    name = safe_file_name(upload.filename, default=default_name)
    with tempfile.TemporaryDirectory(prefix="mm-upload-") as tmp:
        path = Path(tmp) / name
        size = 0
        with path.open("wb") as out:
            # Copied in pieces and stopped at the limit: never more than max_bytes on disk.
            while chunk := upload.file.read(1 << 20):
                size += len(chunk)
                if size > max_bytes:
                    raise HTTPException(
                        413,
                        f"{name} is too big: the web app takes files of at most "
                        f"{max_bytes / 1e6:g} MB. Send a smaller file.",
                    )
                out.write(chunk)
        if size == 0:
            raise HTTPException(400, f"{name} is empty: choose the exported file and try again.")
        try:
            yield path
        except (FileFormatError, InvalidSignalError) as exc:
            raise relabel_upload_error(exc, path, name) from exc


# ---------------------------------------------------------------- import and export
LogFormat = Literal["auto", "strong", "hevy", "fitnotes", "json"]


@router.post("/import", response_model=ImportReport, tags=["import"])
def import_log(
    ctx: Ctx,
    user: User,
    file: Annotated[UploadFile, File(description="A Strong, Hevy or FitNotes CSV export.")],
    unit: Annotated[
        Literal["kg", "lb"] | None,
        Form(description="Weight unit for files that do not say (required for those)."),
    ] = None,
    format: Annotated[LogFormat, Form(description="auto detects it from the header.")] = "auto",
    dry_run: Annotated[
        bool, Form(description="true: only the report (the preview); false: import.")
    ] = True,
) -> ImportReport:
    """Import a workout log in one transaction, or preview it (``dry_run``, the default).

    The report maps every exercise name to the catalogue (method and confidence). A broken row
    imports nothing and the error names the line and the column; importing a file again adds
    nothing.
    """
    with uploaded_file(
        file, max_bytes=_max_bytes(ctx, "import_body_max_mb"), default_name="log.csv"
    ) as path:
        report = import_file(
            db=ctx.db,
            user_id=user,
            path=path,
            format=format,
            unit=unit,
            dry_run=dry_run,
            catalog=user_catalog(db=ctx.db, user_id=user, settings=ctx.settings),
        )
    return report.model_copy(update={"path": path.name})


@router.get("/export", tags=["import"], response_class=Response)
def export(
    ctx: Ctx,
    user: User,
    format: Annotated[Literal["csv", "json"], Query(description="csv or json")] = "csv",
) -> Response:
    """Download every set (CSV, one row per set) or everything (JSON, importable again)."""
    buffer = io.StringIO()
    if format == "json":
        export_json(db=ctx.db, user_id=user, out=buffer)
        media = "application/json"
    else:
        export_csv(
            db=ctx.db,
            user_id=user,
            out=buffer,
            catalog=user_catalog(db=ctx.db, user_id=user, settings=ctx.settings),
        )
        media = "text/csv; charset=utf-8"
    name = f"mindmuscle-{utcnow():%Y-%m-%d}.{format}"
    return Response(
        buffer.getvalue(),
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


# ---------------------------------------------------------------- EMG
EmgUnitName = Literal["uV", "mV", "V"]


@router.post("/emg/recordings", response_model=emg_service.EmgUpload, tags=["emg"])
def upload_emg(
    ctx: Ctx,
    user: User,
    file: Annotated[UploadFile, File(description="EMG recording: CSV, EDF/BDF or XDF.")],
    set_uuid: Annotated[
        str | None,
        Form(
            pattern=r"^[0-9a-fA-F-]{36}$",
            description="A stored set this recording belongs to (optional).",
        ),
    ] = None,
    target: Annotated[
        str | None, Form(**MUSCLE_ID.bounds("Target channel (default: the first)."))
    ] = None,
    synergists: Annotated[
        list[str] | None, Form(description="Synergist channels (repeat the field).")
    ] = None,
    rate_hz: Annotated[
        float | None,
        Form(**EMG_RATE_HZ.bounds("Sampling rate of a CSV without a time column.")),
    ] = None,
    units: Annotated[EmgUnitName | None, Form(description="Unit of the samples.")] = None,
    mains_hz: Annotated[
        Literal[50, 60] | None, Form(description="Mains notch at 50 or 60 Hz.")
    ] = None,
) -> emg_service.EmgUpload:
    """Analyse and store an EMG recording, on its own or with a set: envelopes, repetitions
    with features, quality flags. Pick other channels later without uploading again."""
    with uploaded_file(
        file, max_bytes=_max_bytes(ctx, "emg_body_max_mb"), default_name="recording.csv"
    ) as path:
        return emg_service.store_emg_upload(
            db=ctx.db,
            user_id=user,
            content=path.read_bytes(),
            file_name=path.name,
            now=utcnow(),
            set_uuid=set_uuid or None,
            target=target or None,
            synergists=[s for s in synergists or [] if s],
            rate_hz=rate_hz,
            units=units,
            mains_hz=None if mains_hz is None else float(mains_hz),
        )


@router.get("/emg/recordings", response_model=list[emg_service.EmgRecordingSummary], tags=["emg"])
def emg_recordings(
    ctx: Ctx, user: User, limit: int = Query(default=20, ge=1, le=200)
) -> list[emg_service.EmgRecordingSummary]:
    """The newest EMG recordings of the user."""
    return emg_service.list_emg_recordings(db=ctx.db, user_id=user, limit=limit)


# ---------------------------------------------------------------- a set's EMG
SetRef = Annotated[
    str,
    PathParam(min_length=1, max_length=36, description="The set's integer id, or its uuid."),
]


_MAPPING = TypeAdapter(list[ChannelMuscle])


def _mapping(text: str) -> list[ChannelMuscle]:
    """The page's rows (JSON), or one clear line on what a row must be."""
    try:
        return _MAPPING.validate_json(text)
    except ValidationError:
        raise InvalidInputError(
            "The channel mapping is not valid: give a list of rows {channel: 1-"
            f"{MAX_CHANNELS}, muscle: a muscle id or null, side: left, right or null}}."
        ) from None


@router.post("/sets/{set_ref}/emg/channels", response_model=emg_sets.SetEmgChannels, tags=["sets"])
def set_emg_channels(
    set_ref: SetRef,
    ctx: Ctx,
    user: User,
    file: Annotated[UploadFile, File(description="The set's EMG: CSV, EDF/BDF or XDF.")],
    rate_hz: Annotated[
        float | None,
        Form(**EMG_RATE_HZ.bounds("Sampling rate of a CSV without a time column.")),
    ] = None,
    units: Annotated[EmgUnitName | None, Form(description="Unit of the samples.")] = None,
) -> emg_sets.SetEmgChannels:
    """Read a file's channels for a set, each with its RMS and the muscle and side proposed
    where its name or place makes it clear (nothing is stored): the page's mapping rows."""
    name = check_emg_file_name(file.filename, default="set.csv")
    with uploaded_file(
        file, max_bytes=_max_bytes(ctx, "emg_body_max_mb"), default_name=name
    ) as path:
        return emg_sets.read_set_emg_channels(
            ctx.db, user, set_ref, path, rate_hz=rate_hz, units=units
        )


@router.post("/sets/{set_ref}/emg", response_model=emg_sets.SetEmgView, tags=["sets"])
def attach_set_emg(
    set_ref: SetRef,
    ctx: Ctx,
    user: User,
    file: Annotated[UploadFile, File(description="The set's EMG: CSV, EDF/BDF or XDF.")],
    channel_map: Annotated[
        str | None,
        Form(
            alias="map",
            max_length=400,
            description="CH=MUSCLE[,CH=MUSCLE...]: the file's channels (1-based number or name) "
            "and their muscles (default: every channel, named by its name).",
        ),
    ] = None,
    mapping: Annotated[
        str | None,
        Form(
            max_length=8000,
            description='Instead of map, the EMG page\'s rows as JSON: [{"channel": 1, '
            '"muscle": "biceps", "side": "left"}, ...]; a channel mapped to no muscle (or '
            "without a row) is left out.",
        ),
    ] = None,
    replace: Annotated[
        bool, Form(description="Replace the EMG the set has (its old peak is kept).")
    ] = False,
    placement: Annotated[
        str | None,
        Form(max_length=200, description="Where the electrodes were (calibrations must match)."),
    ] = None,
    rate_hz: Annotated[
        float | None,
        Form(**EMG_RATE_HZ.bounds("Sampling rate of a CSV without a time column.")),
    ] = None,
    units: Annotated[EmgUnitName | None, Form(description="Unit of the samples.")] = None,
) -> emg_sets.SetEmgView:
    """Attach an EMG recording to a stored set: per repetition onsets, mean and peak activation
    (%MVC with a valid calibration, else % of the set's peak), ratios, and the raw file."""
    if channel_map and mapping:
        raise InvalidInputError("Give the channels either as map or as mapping, not both.")
    rows = _mapping(mapping) if mapping else None
    name = check_emg_file_name(file.filename, default="set.csv")
    with uploaded_file(
        file, max_bytes=_max_bytes(ctx, "emg_body_max_mb"), default_name=name
    ) as path:
        return emg_sets.store_set_emg_file(
            ctx.db,
            user,
            set_ref,
            path,
            rows if rows is not None else channel_map or None,
            rate_hz=rate_hz,
            units=units,
            placement=placement or None,
            replace=replace,
            now=utcnow(),
        )


@router.get("/sets/{set_ref}/emg", response_model=emg_sets.SetEmgView, tags=["sets"])
def set_emg(set_ref: SetRef, ctx: Ctx, user: User) -> emg_sets.SetEmgView:
    """A set's stored EMG: its features per muscle and repetition, and felt beside measured."""
    view = emg_sets.get_set_emg(ctx.db, user, set_ref)
    if view is None:
        raise NotFoundError(
            f"Set {set_ref} has no EMG; attach a recording (POST /api/sets/{set_ref}/emg)."
        )
    return view


@router.get("/sets/{set_ref}/emg/file", tags=["sets"], response_class=Response)
def set_emg_file(set_ref: SetRef, ctx: Ctx, user: User) -> Response:
    """A set's stored raw EMG as an XDF file (``mindmuscle emg FILE.xdf`` reads it)."""
    name, content = emg_sets.set_emg_file(ctx.db, user, set_ref)
    return Response(
        content,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": f'attachment; filename="{safe_file_name(name)}"',
            "Cache-Control": "no-store",
        },
    )


class ChannelsIn(_Body):
    target: str = Field(min_length=1, max_length=100)
    synergists: list[str] = Field(default_factory=list, max_length=32)
    mains_hz: Literal[50, 60] | None = None


@router.post(
    "/emg/recordings/{recording_id}/analysis", response_model=emg_service.EmgUpload, tags=["emg"]
)
def reanalyse(recording_id: Id, body: ChannelsIn, ctx: Ctx, user: User) -> emg_service.EmgUpload:
    """Analyse a stored recording again with other target and synergist channels."""
    return emg_service.reanalyse_emg(
        db=ctx.db,
        user_id=user,
        recording_id=recording_id,
        target=body.target,
        synergists=body.synergists,
        mains_hz=None if body.mains_hz is None else float(body.mains_hz),
    )


# ---------------------------------------------------------------- motion files
MotionFormatName = Literal["auto", "watch", "csv", "metamotion", "muvr", "fit", "json"]
MotionUpload = Annotated[
    UploadFile, File(description="Motion recording: watch, MetaMotion, muvr CSV, FIT, JSON.")
]
MotionFormatForm = Annotated[
    MotionFormatName, Form(description="auto decides from the name and the header.")
]
AccelUnitsForm = Annotated[
    Literal["g", "ms2"] | None,
    Form(description="Acceleration units, for a file whose gravity cannot tell them."),
]


class MotionFileOut(BaseModel):
    """One motion file analysed as ``mindmuscle motion FILE`` does; nothing is stored."""

    file_name: str
    exercise: str | None = Field(description="The exercise chosen, by name (none: unlabelled).")
    summary: dict[str, Any] = Field(
        description="What mindmuscle motion FILE --json prints: reps, partial_reps, reps_detail, "
        "active_start_s, active_end_s, counted_in_set, tut_s, quality, phase_note..."
    )
    duration_s: float
    span_line: str | None = Field(
        description="Where the set was found, in the words the terminal prints."
    )
    figure: dict[str, Any] = Field(description="The figure of --plot OUT.html, as plotly JSON.")


@router.post("/motion/files", response_model=MotionFileOut, tags=["motion"])
def analyse_motion_file(
    ctx: Ctx,
    user: User,
    catalog: UserCatalog,
    file: MotionUpload,
    exercise_id: Annotated[
        str | None,
        Form(**EXERCISE_ID.bounds("The exercise: concentric direction and alternating sides.")),
    ] = None,
    format: MotionFormatForm = "auto",
    units: AccelUnitsForm = None,
) -> MotionFileOut:
    """Count the repetitions of a motion file, time their phases and find the set in it, with
    the figure of ``mindmuscle motion FILE --plot OUT.html``. Nothing is stored."""
    exercise = catalog.exercise(exercise_id) if exercise_id else None
    name = check_motion_file_name(file.filename, default="motion.csv")
    with uploaded_file(
        file, max_bytes=_max_bytes(ctx, "motion_body_max_mb"), default_name=name
    ) as path:
        try:
            analysis, trace = analyze_motion_upload(
                path,
                fmt=format,
                exercise_id=exercise.id if exercise else None,
                units=units,
                catalog=catalog,
            )
        except InvalidInputError as exc:
            if type(exc) is not InvalidInputError:
                raise
            # The reader's units error names the temporary copy: name the upload instead.
            raise relabel_upload_error(exc, path, name) from exc
    return MotionFileOut(
        **_motion_file_out(name, exercise.name if exercise else None, analysis, trace)
    )


def _motion_file_out(
    name: str, exercise: str | None, analysis: MotionAnalysis, trace: MotionTrace
) -> dict[str, Any]:
    """The fields of :class:`MotionFileOut` for an analysed file."""
    return {
        "file_name": name,
        "exercise": exercise,
        "summary": analysis.summary_dict(),
        "duration_s": round(analysis.duration_s, 3),
        "span_line": set_span_line(analysis),
        "figure": motion_figure_json(analysis, trace),
    }


class SetMotionOut(MotionFileOut):
    """A motion file stored with a set, analysed as the set loop counts the phone's."""

    set_id: int
    confirmed: int = Field(description="The reps the lifter confirmed for the set.")


@router.post("/sets/{set_ref}/motion", response_model=SetMotionOut, tags=["sets"])
def store_set_motion(
    set_ref: SetRef,
    ctx: Ctx,
    user: User,
    catalog: UserCatalog,
    file: MotionUpload,
    format: MotionFormatForm = "auto",
    units: AccelUnitsForm = None,
) -> SetMotionOut:
    """Store a watch's or sensor's motion recording with a logged set (the file and its
    samples), counted as the set loop counts the phone's: ``mindmuscle motion evaluate`` then
    scores the count against the reps confirmed. A set keeps one motion recording."""
    name = check_motion_file_name(file.filename, default="motion.csv")
    with uploaded_file(
        file, max_bytes=_max_bytes(ctx, "motion_body_max_mb"), default_name=name
    ) as path:
        try:
            stored = motion_service.store_set_motion_file(
                ctx.db, user, set_ref, path, catalog=catalog, fmt=format, units=units,
                file_name=name,
            )  # fmt: skip
        except InvalidInputError as exc:
            if type(exc) is not InvalidInputError:
                raise
            raise relabel_upload_error(exc, path, name) from exc
    return SetMotionOut(
        set_id=stored.set_id,
        confirmed=stored.confirmed,
        **_motion_file_out(stored.file_name, stored.exercise_name, stored.analysis, stored.trace),
    )


# ---------------------------------------------------------------- experiments
class ExperimentOut(BaseModel):
    """An experiment with its progress and the set to do next."""

    id: int
    name: str
    status: Literal["planned", "running", "done"]
    exercise_name: str
    design: ExperimentDesign
    sets: list[experiment_service.PlannedSetStatus]
    n_done: int
    next_set: experiment_service.PlannedSetStatus | None
    report_url: str


def _out(info: experiment_service.ExperimentInfo, ctx: Ctx, user: int) -> ExperimentOut:
    exercise_id = info.design.exercise_id
    catalog = user_catalog(db=ctx.db, user_id=user, settings=ctx.settings)
    name = catalog.exercises[exercise_id].name if exercise_id in catalog.exercises else ""
    return ExperimentOut(
        id=info.id,
        name=info.name,
        status=info.status,
        design=info.design,
        sets=info.sets,
        n_done=info.n_done,
        next_set=info.next_set,
        exercise_name=name or exercise_id,
        report_url=f"/experiments/{info.id}/report",
    )


@router.get("/experiments", response_model=list[ExperimentOut], tags=["experiments"])
def experiments(ctx: Ctx, user: User) -> list[ExperimentOut]:
    """Every experiment of the user, newest first."""
    found = experiment_service.list_experiments(db=ctx.db, user_id=user)
    return [_out(i, ctx, user) for i in reversed(found)]


class ExperimentIn(_Body):
    preset: Literal["calatayud2016", "curl-focus"] | None = Field(
        default=None, description="A ready design; leave the custom fields out."
    )
    exercise_id: str | None = EXERCISE_ID.field(None)
    conditions: list[Literal["internal", "external", "none"]] | None = Field(
        default=None, min_length=2, max_length=3
    )
    loads_pct_e1rm: list[float] | None = Field(default=None, min_length=1, max_length=6)
    sets_per_condition: int | None = Field(default=None, ge=1, le=10)
    seed: int | None = Field(default=None, ge=0, le=2**31 - 1)
    e1rm_kg: float | None = E1RM_KG.field(None)
    participant: str | None = Field(
        default=None,
        min_length=1,
        max_length=80,
        description="Who it is run on, when it is one participant's experiment of a group.",
    )


@router.post("/experiments", response_model=ExperimentOut, tags=["experiments"])
def new_experiment(body: ExperimentIn, ctx: Ctx, user: User) -> ExperimentOut:
    """Design an experiment (a preset in one call, or a custom one) with a randomised order."""
    info = experiment_service.new_experiment(db=ctx.db, user_id=user, **body.model_dump())
    return _out(info, ctx, user)


@router.get("/experiments/{experiment_id}", response_model=ExperimentOut, tags=["experiments"])
def experiment(experiment_id: Id, ctx: Ctx, user: User) -> ExperimentOut:
    """One experiment: every planned set, which are done, the next one with its cue and load."""
    info = experiment_service.experiment_status(
        db=ctx.db, user_id=user, experiment_id=experiment_id
    )
    return _out(info, ctx, user)


@router.post(
    "/experiments/{experiment_id}/sets/{number}",
    response_model=experiment_service.RecordedSet,
    tags=["experiments"],
)
def record_experiment_set(
    experiment_id: Id,
    number: Id,
    ctx: Ctx,
    user: User,
    target_rating: Annotated[int, Form(**RATING.bounds("How well you felt the target."))],
    emg: Annotated[
        UploadFile | None, File(description="The set's EMG, channels named as the design's.")
    ] = None,
    rate_hz: Annotated[float | None, Form(**EMG_RATE_HZ.bounds())] = None,
    reps: Annotated[int | None, Form(**REPS.bounds())] = None,
    load_kg: Annotated[float | None, Form(**LOAD_KG.bounds())] = None,
    channel_map: Annotated[
        str | None,
        Form(
            alias="map",
            max_length=400,
            description="CH=MUSCLE[,CH=MUSCLE...]: the file's channels (1-based number or name) "
            "and the design's muscles they recorded (default: channels named as the design's).",
        ),
    ] = None,
) -> experiment_service.RecordedSet:
    """Record one planned set: its rating, optional reps and load, and its EMG file."""
    with ExitStack() as stack:
        path = None
        if emg is not None and emg.filename:
            path = stack.enter_context(
                uploaded_file(
                    emg, max_bytes=_max_bytes(ctx, "emg_body_max_mb"), default_name="set.csv"
                )
            )
        return experiment_service.record_experiment_set(
            db=ctx.db,
            user_id=user,
            experiment_id=experiment_id,
            set_number=number,
            target_rating=target_rating,
            now=utcnow(),
            emg_path=path,
            sfreq_hz=rate_hz,
            reps=reps,
            load_kg=load_kg,
            channel_map=channel_map,
        )


class AnalysisOut(BaseModel):
    n_planned: int
    n_recorded: int
    normalisation: str
    muscles: list[str]
    headline: list[Effect] = Field(description="The comparisons to read first.")
    limitations: list[str]
    report_url: str


@router.get(
    "/experiments/{experiment_id}/analysis", response_model=AnalysisOut, tags=["experiments"]
)
def analysis(experiment_id: Id, ctx: Ctx, user: User) -> AnalysisOut:
    """Effect sizes with bootstrap intervals and permutation tests of the recorded sets."""
    result = experiment_service.analyze_experiment(
        db=ctx.db, user_id=user, experiment_id=experiment_id
    )
    a: ExperimentAnalysis = result.analysis
    return AnalysisOut(
        n_planned=a.n_planned,
        n_recorded=a.n_recorded,
        normalisation=a.normalisation,
        muscles=a.muscles,
        headline=headline_effects(a),
        limitations=a.limitations,
        report_url=f"/experiments/{experiment_id}/report",
    )


# ---------------------------------------------------------------- experiment groups
#: At most this many experiments in one group (a check before any work).
MAX_GROUP = 60
GroupRefs = Annotated[
    list[Annotated[str, Field(max_length=100)]],
    Query(
        alias="e",
        min_length=2,
        max_length=MAX_GROUP,
        description="Each participant's experiment: its id (3), or a client's as NAME:ID.",
    ),
]


class GroupOut(BaseModel):
    participants: list[str]
    activation_unit: str
    headline: list[GroupEffect] = Field(description="The comparisons to read first.")
    limitations: list[str]
    report_url: str


@router.get(
    "/experiment-groups/choices",
    response_model=list[group_service.GroupChoice],
    tags=["experiments"],
)
def group_choices(ctx: Ctx, user: User) -> list[group_service.GroupChoice]:
    """The experiments that can join a group: the user's own, and a coach's clients'."""
    return group_service.group_choices(db=ctx.db, user_id=user)


@router.get("/experiment-groups", response_model=GroupOut, tags=["experiments"])
def experiment_group(e: GroupRefs, ctx: Ctx, user: User) -> GroupOut:
    """Pool several participants' experiments of one design, each person compared with
    themselves (a coach may pool their clients' experiments by ``NAME:ID``)."""
    members = group_service.group_members(db=ctx.db, user_id=user, refs=e, clients_only=True)
    result = group_service.analyze_experiment_group(db=ctx.db, members=members)
    a = result.analysis
    query = "&".join(f"e={quote(m.ref)}" for m in members)
    return GroupOut(
        participants=a.participants,
        activation_unit=a.activation_unit,
        headline=group_headline(a),
        limitations=a.limitations,
        report_url=f"/experiment-groups/report?{query}",
    )
