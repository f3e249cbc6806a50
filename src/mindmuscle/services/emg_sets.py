"""A stored set keeps its EMG: the features of each repetition and the raw stream as a file.

Every way in ends here: the terminal's guided session with ``--live`` (the stream between the
start and the done of the set), ``mindmuscle set emg SET_ID FILE`` (a recording made
elsewhere), and the web set page's live bars (a web set's stream)::

    view = store_set_emg(db, user_id, set_id, recording, "1=biceps_left,2=front_delt")
    view.features.muscle("biceps_left").reps[0].peak_pct, view.measured
    name, content = set_emg_file(db, user_id, set_id)     # the stored XDF file

The EMG page maps a file's channels in two steps: :func:`read_set_emg_channels` reads the
file's channels (names, RMS, a proposed muscle and side where the name or place makes it
clear), and :func:`store_set_emg_file` stores it with the rows the lifter confirmed
(:class:`~mindmuscle.signals.emg.mapping.ChannelMuscle`, the same as a ``--map`` text)::

    found = read_set_emg_channels(db, user_id, set_id, "set.csv")
    rows = [ChannelMuscle(channel=1, muscle="biceps", side="left"), ChannelMuscle(channel=2)]
    view = store_set_emg_file(db, user_id, set_id, "set.csv", rows)   # channel 2 left out

The recording is analysed as ``mindmuscle emg`` analyses a file (the same repetitions, the
same values), each mapped muscle normalised to its newest calibration when that calibration is
valid for the set (made in the set's session, with the same unit and placement), else to its
own peak in the set, labelled so. The raw file is XDF (Lab Streaming Layer's format, every
sample and its timestamp kept exactly; ``mindmuscle emg FILE.xdf`` reads it). The store is
written through the one write path (:mod:`mindmuscle.services.sets`): only a real %MVC becomes
the set's ``emg_peak_mvc``, which felt versus measured correlates with the felt rating.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from mindmuscle.catalog import Catalog
from mindmuscle.catalog.models import Exercise
from mindmuscle.coach.limits import felt_text
from mindmuscle.coach.sets import set_named
from mindmuscle.errors import (
    ChannelMapError,
    InvalidInputError,
    MapInput,
    NotFoundError,
    UnknownIdError,
)
from mindmuscle.io.emg import read_emg_file, xdf_bytes
from mindmuscle.services.catalog import user_catalog
from mindmuscle.services.sets import attach_set_emg
from mindmuscle.signals.emg import EmgRecording, analyze_emg
from mindmuscle.signals.emg.gaps import recording_on_grid
from mindmuscle.signals.emg.live import base_muscle, card_roles, parse_channel_map
from mindmuscle.signals.emg.mapping import (
    MAX_CHANNELS,
    ChannelMuscle,
    Side,
    channel_map_text,
    side_of,
    suggest_channel_muscles,
)
from mindmuscle.signals.emg.mvc import SESSION_HOURS, calibration_flags
from mindmuscle.signals.emg.sets import SetEmgFeatures, measured_text, set_emg_features
from mindmuscle.store import Database, SetEmgCreate, repo
from mindmuscle.store.tables import RecordingRow, SetEmgRow, SetRow

__all__ = [
    "PreparedSetEmg",
    "SetEmgChannel",
    "SetEmgChannels",
    "SetEmgView",
    "analyse_set_emg",
    "felt_measured_text",
    "get_set_emg",
    "mapped_recording",
    "prepare_set_emg",
    "read_set_emg_channels",
    "set_emg_file",
    "set_emg_of_sets",
    "store_set_emg",
    "store_set_emg_file",
]


class SetEmgView(BaseModel):
    """A set's stored EMG, as the CLI, the web app and felt versus measured read it."""

    model_config = ConfigDict(frozen=True)

    set_id: int
    set_uuid: str
    recording_id: int | None = Field(description="The raw file's recording (EMG page).")
    file_name: str
    source: str = Field(description="live (the guided session), file, or web")
    created_at: datetime
    features: SetEmgFeatures
    measured: str = Field(description='e.g. "62% MVC", or "62% of this set\'s peak"')
    calibrations: dict[str, str] = Field(
        default_factory=dict,
        description="Per mapped muscle: the calibration used, or why none was.",
    )
    muscle_names: dict[str, str] = Field(
        default_factory=dict,
        description='Per mapped muscle: its name with its side, e.g. "Biceps (biceps brachii), '
        'left" (a name the catalogue does not have stays as it is).',
    )
    left_out: list[str] = Field(
        default_factory=list,
        description="Channels of the uploaded file mapped to no muscle (in an upload's answer).",
    )


class SetEmgChannel(BaseModel):
    """One channel of a file, with the muscle and side proposed for it (None: not clear)."""

    model_config = ConfigDict(frozen=True)

    channel: int = Field(description="1-based, in file order")
    name: str
    unit: str
    rms: float = Field(description="RMS of the whole channel in its unit (its mean removed)")
    muscle: str | None = Field(description="Proposed catalogue muscle id")
    side: Side | None = Field(description="Side the channel's name states")


class SetEmgChannels(BaseModel):
    """A file's channels read for a set, before it is stored (nothing is stored)."""

    model_config = ConfigDict(frozen=True)

    set_id: int
    set_uuid: str
    exercise_name: str
    targets: list[str] = Field(description="Muscle ids of the exercise's target muscles")
    file_name: str
    sfreq_hz: float
    duration_s: float
    channels: list[SetEmgChannel]


@dataclass(frozen=True)
class PreparedSetEmg:
    """A recording analysed for a set, ready to store (:meth:`create`)."""

    features: SetEmgFeatures
    analysis: dict[str, object]
    content: bytes
    file_name: str
    calibrations: dict[str, str]
    source: str

    def create(self) -> SetEmgCreate:
        return SetEmgCreate(
            features={
                **self.features.model_dump(mode="json"),
                "calibrations": dict(self.calibrations),
            },
            file_name=self.file_name,
            blob=self.content,
            analysis=dict(self.analysis),
            options={},
            source=self.source,
            peak_pct_mvc=self.features.peak_pct_mvc,
        )


def mapped_recording(
    recording: EmgRecording, channel_map: str | None, given_in: MapInput | None = None
) -> EmgRecording:
    """Only the mapped channels, named by their muscles (every channel, as named, without a
    map); a map that does not fit is a :class:`ChannelMapError` saying it was ``given_in``."""
    if channel_map is None or not channel_map.strip():
        return recording
    try:
        mapping = parse_channel_map(channel_map, list(recording.channels), source="recording")
    except ChannelMapError as exc:
        if given_in is not None:
            exc.typed_in(given_in)
        raise
    rows = [i for i, _ in mapping]
    return EmgRecording(
        np.ascontiguousarray(recording.data[rows]),
        recording.sfreq_hz,
        tuple(m for _, m in mapping),
        tuple(recording.units[i] for i in rows),
        source=recording.source,
        notes=recording.notes,
    )


def _calibrations(
    db: Database,
    user_id: int,
    recording: EmgRecording,
    *,
    performed_at: datetime,
    placement: str | None,
) -> tuple[dict[str, float], dict[str, str]]:
    """The level of each muscle's valid calibration, and a word on each muscle's.

    A muscle mapped with a side (``biceps_left``) uses its own calibration, else one made for
    the muscle without a side (``biceps``) when the recording maps that muscle on one side only:
    one electrode, whichever name it was calibrated under. With both sides mapped, a side-less
    calibration could be either electrode's, so it is not used for either.
    """
    muscles = list(recording.channels)
    unsided = _unsided(muscles)
    with db.session(readonly=True) as s:
        rows = repo.latest_calibrations(
            session=s, user_id=user_id, muscles=[*muscles, *unsided.values()]
        )
        found = {m: (r.level, r.unit, r.created_at, r.placement) for m, r in rows.items()}
    levels: dict[str, float] = {}
    notes: dict[str, str] = {}
    for muscle, unit in zip(muscles, recording.units, strict=True):
        name = muscle if muscle in found else unsided.get(muscle, muscle)
        if name not in found:
            notes[muscle] = "not calibrated: % of this set's peak"
            continue
        level, cal_unit, made, cal_placement = found[name]
        flags = calibration_flags(made, cal_placement, now=performed_at, placement_now=placement)
        if made > performed_at + timedelta(hours=SESSION_HOURS):
            flags.append(f"made after this set's session ({made:%Y-%m-%d %H:%M})")
        if cal_unit != unit:
            flags.append(f"made in {cal_unit}, the recording is in {unit}")
        if flags:
            notes[muscle] = "calibration not used: " + "; ".join(flags)
            continue
        levels[muscle] = level
        notes[muscle] = f"calibrated {made:%Y-%m-%d %H:%M}" + (
            f" (as {name}, no side given)" if name != muscle else ""
        )
    return levels, notes


def _unsided(muscles: Sequence[str]) -> dict[str, str]:
    """Each muscle mapped with a side, on one side only, and its name without the side."""
    bases = {
        m: m.removesuffix(side) for m in muscles for side in ("_left", "_right") if m.endswith(side)
    }
    return {
        m: base
        for m, base in bases.items()
        if base not in muscles and list(bases.values()).count(base) == 1
    }


def analyse_set_emg(
    recording: EmgRecording,
    *,
    exercise: Exercise | None,
    mvc_levels: Mapping[str, float],
    timestamps: npt.NDArray[np.float64] | None = None,
) -> tuple[SetEmgFeatures, dict[str, object], bytes]:
    """The features of a set's (mapped) recording, its analysis as JSON, and its XDF file.

    With ``timestamps``, each sample is analysed at its time: a gap in the stream (the sensor
    paused) is filled with no activity, so the repetitions after it are where they happened
    (as ``mindmuscle emg`` finds them in the stored file, whose samples and timestamps are
    kept as they came)."""
    roles: dict[str, str] = dict(card_roles(list(recording.channels), exercise))
    target = next(m for m in recording.channels if roles.get(m) == "target")
    helpers = [m for m in recording.channels if roles.get(m) in ("synergist", "compensator")]
    result = analyze_emg(
        recording_on_grid(recording, timestamps),
        target=target,
        synergists=helpers,
        mvc_levels=dict(mvc_levels),
    )
    features = set_emg_features(result.analysis, roles)  # type: ignore[arg-type]
    content = xdf_bytes(recording, timestamps=timestamps)
    return features, result.analysis.model_dump(mode="json"), content


def _set_row(s: Session, user_id: int, ref: int | str) -> SetRow:
    return repo.get_set_by_ref(session=s, user_id=user_id, ref=ref)


def prepare_set_emg(
    db: Database,
    user_id: int,
    recording: EmgRecording,
    channel_map: str | None = None,
    *,
    exercise_id: str,
    performed_at: datetime,
    timestamps: npt.NDArray[np.float64] | None = None,
    placement: str | None = None,
    source: str = "file",
    file_name: str = "set-emg.xdf",
) -> PreparedSetEmg:
    """Analyse a recording for a set of ``exercise_id`` done at ``performed_at`` (not stored:
    give :meth:`PreparedSetEmg.create` to the set's write path)."""
    mapped = mapped_recording(recording, channel_map)
    catalog = user_catalog(db=db, user_id=user_id)
    try:
        exercise: Exercise | None = catalog.exercise(exercise_id)
    except UnknownIdError:
        exercise = None
    levels, notes = _calibrations(
        db, user_id, mapped, performed_at=performed_at, placement=placement
    )
    features, analysis, content = analyse_set_emg(
        mapped, exercise=exercise, mvc_levels=levels, timestamps=timestamps
    )
    return PreparedSetEmg(features, analysis, content, file_name, notes, source)


def _view(row: SetEmgRow, set_row: SetRow, file_name: str, names: Mapping[str, str]) -> SetEmgView:
    data = dict(row.features)
    calibrations = data.pop("calibrations", {}) or {}
    features = SetEmgFeatures.model_validate(data)
    return SetEmgView(
        set_id=set_row.id,
        set_uuid=set_row.uuid,
        recording_id=row.recording_id,
        file_name=file_name,
        source=row.source,
        created_at=row.created_at,
        features=features,
        measured=measured_text(features),
        calibrations=dict(calibrations),
        muscle_names={m.muscle: names.get(m.muscle, m.muscle) for m in features.muscles},
    )


def _muscle_names(catalog: Catalog, mapped: Sequence[str]) -> dict[str, str]:
    """Each mapped name as a lifter reads it: ``biceps_left`` -> "Biceps (...), left"."""
    out: dict[str, str] = {}
    for name in mapped:
        base, side = base_muscle(name), side_of(name)
        muscle = catalog.muscles.get(base)
        if muscle is not None:
            out[name] = muscle.name if side is None or base == name else f"{muscle.name}, {side}"
    return out


def store_set_emg(
    db: Database,
    user_id: int,
    set_id: int | str,
    recording: EmgRecording,
    channel_map: str | None = None,
    *,
    timestamps: npt.NDArray[np.float64] | None = None,
    placement: str | None = None,
    source: str = "file",
    replace: bool = False,
    now: datetime | None = None,
) -> SetEmgView:
    """Analyse ``recording`` and store it with the user's stored set ``set_id``.

    Parameters
    ----------
    db, user_id
        The database and the lifter; another lifter's set is not found.
    set_id : int or str
        The set's id, or its UUID (what the web set page has).
    recording : EmgRecording
        The stream during the set (every channel of the source, or only the mapped ones).
    channel_map : str, optional
        ``CH=MUSCLE[,CH=MUSCLE...]`` as ``mindmuscle live --map`` takes it (CH: the channel's
        1-based number or its name in ``recording``). Without it every channel is kept and
        its name is its muscle.
    timestamps : array, optional
        One timestamp per sample (the stream's clock), kept in the raw file.
    placement : str, optional
        Where the electrodes are now; a calibration made with another placement is not used.
    source : str
        ``live`` (terminal session), ``web`` (the set page) or ``file``.
    replace : bool
        Store this recording instead of the set's EMG already stored (the earlier recording
        stays on the EMG page; the earlier peak %MVC is kept as a revision of the set).
    now : datetime, optional
        When it is stored (default: the present).

    Raises
    ------
    mindmuscle.errors.NotFoundError
        No such set of this user.
    mindmuscle.errors.InvalidInputError
        A bad ``channel_map``; no target muscle of the set's exercise among the muscles; the
        set has its EMG already (without ``replace``).
    mindmuscle.errors.InvalidSignalError
        The recording cannot be analysed (too short, no finite samples).
    """
    when = now or datetime.now(UTC)
    with db.session(readonly=True) as s:
        row = _set_row(s, user_id, set_id)
        mapped = mapped_recording(recording, channel_map, "set_emg")
        ident, uuid, exercise_id, performed_at = row.id, row.uuid, row.exercise_id, row.performed_at
        if not replace and repo.get_set_emg(session=s, user_id=user_id, set_id=ident):
            named = set_named(_exercise_name(db, user_id, exercise_id), performed_at)
            raise InvalidInputError(f"{named} has its EMG already.").to_fix(
                "replace_set_emg", set_id=ident
            )
    try:
        prepared = prepare_set_emg(
            db,
            user_id,
            mapped,
            None,
            exercise_id=exercise_id,
            performed_at=performed_at,
            timestamps=timestamps,
            placement=placement,
            source=source,
            file_name=f"set-{ident}-{uuid[:8]}.xdf",
        )
    except ChannelMapError as exc:  # the map names no target muscle of the set's exercise
        exc.typed_in("set_emg")
        raise
    names = _muscle_names(user_catalog(db=db, user_id=user_id), mapped.channels)
    with db.session() as s:
        stored = attach_set_emg(
            s, user_id=user_id, set_id=ident, emg=prepared.create(), now=when, replace=replace
        )
        set_row = repo.get_set_by_id(session=s, user_id=user_id, set_id=ident)
        return _view(stored, set_row, prepared.file_name, names)


def store_set_emg_file(
    db: Database,
    user_id: int,
    set_id: int | str,
    path: str | Path,
    channel_map: str | Sequence[ChannelMuscle] | None = None,
    *,
    rate_hz: float | None = None,
    units: str | None = None,
    placement: str | None = None,
    replace: bool = False,
    now: datetime | None = None,
) -> SetEmgView:
    """Read an EMG file that ``mindmuscle emg`` reads (CSV, EDF/BDF, XDF) and store it with
    the set (see :func:`store_set_emg`); the set is checked before the file is read.

    ``channel_map`` is a ``--map`` text, or one row per channel (the EMG page's): a channel
    mapped to no muscle, or without a row, is left out, and the answer names it
    (``left_out``).

    Raises
    ------
    mindmuscle.errors.FileFormatError
        The file cannot be read (named, with the reason).
    mindmuscle.errors.InvalidInputError
        Rows that name a channel the file does not have, a muscle not in the catalogue, two
        channels on one muscle and side, no muscle at all, or no target muscle of the set's
        exercise.
    """
    with db.session(readonly=True) as s:
        exercise_id = _set_row(s, user_id, set_id).exercise_id
    recording = read_emg_file(path, rate_hz=rate_hz, units=units)
    left_out: list[str] = []
    if channel_map is not None and not isinstance(channel_map, str):
        catalog = user_catalog(db=db, user_id=user_id)
        names = {m.id: m.name for m in catalog.muscles.values()}
        channel_map, left_out = channel_map_text(channel_map, recording.channels, names)
        _check_targets(channel_map, catalog, exercise_id, names)
    view = store_set_emg(
        db,
        user_id,
        set_id,
        recording,
        channel_map,
        placement=placement,
        source="file",
        replace=replace,
        now=now,
    )
    return view.model_copy(update={"left_out": left_out})


def _check_targets(
    channel_map: str, catalog: Catalog, exercise_id: str, names: Mapping[str, str]
) -> None:
    """Refuse a map with no target muscle of the set's exercise, in names, not ids."""
    exercise = catalog.exercises.get(exercise_id)
    if exercise is None or not exercise.targets:
        return
    mapped = {base_muscle(e.partition("=")[2]) for e in channel_map.split(",")}
    if mapped & set(exercise.targets):
        return
    wanted = " or ".join(names.get(t, t) for t in exercise.targets)
    raise InvalidInputError(
        f"No channel is mapped to a target muscle of {exercise.name}: map one to {wanted}."
    )


def read_set_emg_channels(
    db: Database,
    user_id: int,
    set_id: int | str,
    path: str | Path,
    *,
    rate_hz: float | None = None,
    units: str | None = None,
) -> SetEmgChannels:
    """The channels of an EMG file for one of the user's sets, each with a proposed muscle and
    side where its name or place makes it clear (:func:`suggest_channel_muscles`); nothing is
    stored.

    Raises
    ------
    mindmuscle.errors.NotFoundError
        No such set of this user (checked before the file is read).
    mindmuscle.errors.FileFormatError
        The file cannot be read, or has no EMG channel.
    """
    with db.session(readonly=True) as s:
        row = _set_row(s, user_id, set_id)
        ident, uuid, exercise_id = row.id, row.uuid, row.exercise_id
    recording = read_emg_file(path, rate_hz=rate_hz, units=units)
    if len(recording.channels) > MAX_CHANNELS:
        raise InvalidInputError(
            f"{Path(path).name} has {len(recording.channels)} channels; a mapping takes at most "
            f"{MAX_CHANNELS}: map a larger recording in the terminal."
        )
    catalog = user_catalog(db=db, user_id=user_id)
    exercise = catalog.exercises.get(exercise_id)
    targets = list(exercise.targets) if exercise is not None else []
    proposed = suggest_channel_muscles(
        recording.channels, list(catalog.muscles.values()), targets=targets
    )
    data = recording.data.astype(np.float64)
    rms = np.sqrt(np.mean((data - data.mean(axis=1, keepdims=True)) ** 2, axis=1))
    return SetEmgChannels(
        set_id=ident,
        set_uuid=uuid,
        exercise_name=exercise.name if exercise is not None else exercise_id,
        targets=targets,
        file_name=Path(path).name,
        sfreq_hz=recording.sfreq_hz,
        duration_s=recording.n_samples / recording.sfreq_hz,
        channels=[
            SetEmgChannel(
                channel=p.channel,
                name=name,
                unit=unit,
                rms=float(f"{value:.6g}"),
                muscle=p.muscle,
                side=p.side,
            )
            for p, name, unit, value in zip(
                proposed, recording.channels, recording.units, rms, strict=True
            )
        ],
    )


def get_set_emg(db: Database, user_id: int, set_id: int | str) -> SetEmgView | None:
    """The EMG stored with a set of this user (None when it has none).

    Raises
    ------
    mindmuscle.errors.NotFoundError
        No such set of this user.
    """
    catalog = user_catalog(db=db, user_id=user_id)
    with db.session(readonly=True) as s:
        row = _set_row(s, user_id, set_id)
        found = repo.get_set_emg(session=s, user_id=user_id, set_id=row.id)
        if found is None:
            return None
        name = _file_name(s, user_id, found)
        mapped = [str(m.get("muscle", "")) for m in found.features.get("muscles", [])]
        return _view(found, row, name, _muscle_names(catalog, mapped))


def _exercise_name(db: Database, user_id: int, exercise_id: str) -> str:
    known = user_catalog(db=db, user_id=user_id).exercises.get(exercise_id)
    return exercise_id if known is None else known.name


def _file_name(s: Session, user_id: int, row: SetEmgRow) -> str:
    rec = s.get(RecordingRow, row.recording_id) if row.recording_id is not None else None
    if rec is None or rec.user_id != user_id:
        return ""
    return rec.file_name or ""


def set_emg_file(db: Database, user_id: int, set_id: int | str) -> tuple[str, bytes]:
    """The raw file stored with a set: its name and bytes (XDF).

    Raises
    ------
    mindmuscle.errors.NotFoundError
        No such set of this user, or the set has no EMG.
    """
    with db.session(readonly=True) as s:
        row = _set_row(s, user_id, set_id)
        found = repo.get_set_emg(session=s, user_id=user_id, set_id=row.id)
        rec = (
            s.get(RecordingRow, found.recording_id)
            if found is not None and found.recording_id is not None
            else None
        )
        if rec is None or rec.user_id != user_id or rec.blob is None:
            named = set_named(_exercise_name(db, user_id, row.exercise_id), row.performed_at)
            raise NotFoundError(f"{named} has no EMG recording.").to_fix(
                "attach_set_emg", set_id=row.id, set_uuid=row.uuid
            )
        return rec.file_name or f"set-{row.id}.xdf", bytes(rec.blob)


def set_emg_of_sets(
    db: Database, user_id: int, set_ids: Sequence[int]
) -> dict[int, SetEmgFeatures]:
    """The stored EMG features of each of ``set_ids`` that has them, by set id."""
    with db.session(readonly=True) as s:
        rows = repo.set_emg_of_sets(session=s, user_id=user_id, set_ids=list(set_ids))
        out: dict[int, SetEmgFeatures] = {}
        for set_id, row in rows.items():
            data = {k: v for k, v in row.features.items() if k != "calibrations"}
            out[set_id] = SetEmgFeatures.model_validate(data)
    return out


def felt_measured_text(felt: int | None, features: SetEmgFeatures | None) -> str | None:
    """ "felt 8/10, measured 62% MVC" (or "... 62% of this set's peak" without a calibration);
    None when the set has no EMG. A felt rating is never shown as a measurement.

    Examples
    --------
    >>> felt_measured_text(8, None) is None
    True
    """
    if features is None:
        return None
    felt_words = felt_text(felt)
    measured = measured_text(features)
    if features.muscle(features.target).peak_pct is None:
        return f"{felt_words}; {measured}"
    return f"{felt_words}, measured {measured}"
