"""EMG use-cases: analyse a file or an in-memory recording, and keep uploaded recordings (their
HTML report is drawn by :mod:`mindmuscle.io.plots.emg`).

::

    result = analyze_emg_file("set1.csv", target="biceps", synergists=["brachioradialis"],
                              mvc_path="mvc.csv")
    result.analysis.model_dump_json()          # per channel quality, onsets, reps, ratios
    write_emg_report(result, "set1.html")      # io/plots/emg.py: envelopes and repetitions

The web app and the experiments call :func:`analyze_emg_recording` on a recording they already
hold in memory.

An uploaded file becomes a stored recording (``recordings`` table, kind ``emg``): the file's
bytes, the options it was read with, the channels picked and the analysis. It may belong to a set
(by the set's UUID) or stand on its own. Picking other channels re-analyses the stored file, and
the full HTML report is rendered from it on demand, so nothing is uploaded twice::

    upload = store_emg_upload(db=db, user_id=1, content=data, file_name="set1.csv", now=now)
    upload.analysis.n_reps, upload.channels, upload.envelope.times_s[:3]
    upload = reanalyse_emg(db=db, user_id=1, recording_id=upload.recording_id,
                           target="biceps", synergists=["brachioradialis"])
    page = emg_report_html(db=db, user_id=1, recording_id=upload.recording_id)
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from mindmuscle.errors import (
    FileFormatError,
    InvalidInputError,
    InvalidSignalError,
    NotFoundError,
)
from mindmuscle.io.emg import EmgFormat, read_emg_file
from mindmuscle.io.plots.emg import render_emg_report
from mindmuscle.signals.emg import EmgAnalysis, EmgRecording, EmgResult, analyze_emg
from mindmuscle.store import Database, RecordingCreate, bulk, repo
from mindmuscle.store.tables import RecordingRow

__all__ = [
    "ENVELOPE_POINTS",
    "EmgEnvelope",
    "EmgRecordingSummary",
    "EmgUpload",
    "analyze_emg_file",
    "analyze_emg_recording",
    "emg_report_html",
    "list_emg_recordings",
    "reanalyse_emg",
    "store_emg_upload",
]

ProgressFn = Callable[[str, float], None]


def analyze_emg_recording(
    recording: EmgRecording,
    *,
    target: str | None = None,
    synergists: Sequence[str] = (),
    mvc: EmgRecording | None = None,
    mvc_kind: Literal["mvc", "reference"] = "mvc",
    mains_hz: float | None = None,
    progress: ProgressFn | None = None,
) -> EmgResult:
    """Analyse a recording held in memory (``target`` defaults to the first channel).

    ``mvc`` is a maximal voluntary contraction, or with ``mvc_kind="reference"`` a
    submaximal reference contraction; its envelope peak per channel is 100 %.
    """
    return analyze_emg(
        recording,
        target=target or recording.channels[0],
        synergists=list(synergists),
        mvc=mvc,
        mvc_kind=mvc_kind,
        mains_hz=mains_hz,
        progress=progress,
    )


def analyze_emg_file(
    path: str | Path,
    *,
    target: str | None = None,
    synergists: Sequence[str] = (),
    mvc_path: str | Path | None = None,
    mvc_kind: Literal["mvc", "reference"] = "mvc",
    rate_hz: float | None = None,
    units: str | None = None,
    fmt: EmgFormat | None = None,
    board_id: int | None = None,
    mains_hz: float | None = None,
    progress: ProgressFn | None = None,
) -> EmgResult:
    """Read an EMG file (and optionally an MVC file of the same layout) and analyse it.

    Parameters
    ----------
    path : path
        CSV, EDF/BDF, XDF or BrainFlow file (see :mod:`mindmuscle.io.emg`).
    target : str, optional
        The trained muscle's channel (default: the first channel).
    synergists : sequence of str
        Helper muscles' channels.
    mvc_path : path, optional
        A maximal voluntary contraction recorded with the same channels (or a reference
        contraction with ``mvc_kind="reference"``).
    rate_hz, units, fmt, board_id
        How to read files that do not say (see :func:`mindmuscle.io.emg.read_emg_file`).
    mains_hz : float, optional
        50 or 60 to add a mains notch.
    progress : callable, optional
        ``progress(stage, fraction)``; stage ``"reading"`` comes first.

    Returns
    -------
    EmgResult
        ``.analysis`` is the JSON-ready :class:`~mindmuscle.signals.emg.EmgAnalysis`.
    """
    report = progress or (lambda stage, frac: None)
    report("reading", 0.0)
    recording = read_emg_file(path, fmt=fmt, rate_hz=rate_hz, units=units, board_id=board_id)
    mvc = None
    if mvc_path is not None:
        mvc = read_emg_file(mvc_path, fmt=fmt, rate_hz=rate_hz, units=units, board_id=board_id)
    return analyze_emg_recording(
        recording,
        target=target,
        synergists=synergists,
        mvc=mvc,
        mvc_kind=mvc_kind,
        mains_hz=mains_hz,
        progress=progress,
    )


# --- uploaded recordings: stored with their file, analysed, re-analysed ------------------------

ENVELOPE_POINTS = 1500
"""Most points per channel sent to the page's chart (each stretch keeps its maximum)."""


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class EmgEnvelope(_Out):
    """Linear envelopes for a chart: a shared time axis and one series per channel."""

    times_s: list[float]
    channels: dict[str, list[float]] = Field(description="Channel -> envelope, in its unit.")


class EmgUpload(_Out):
    """A stored recording with its analysis and envelopes."""

    recording_id: int
    file_name: str
    set_uuid: str | None
    channels: list[str] = Field(description="Every EMG channel of the file, in file order.")
    analysis: EmgAnalysis
    envelope: EmgEnvelope
    report_url: str


class EmgRecordingSummary(_Out):
    """One stored EMG recording, for a list."""

    recording_id: int
    file_name: str
    set_uuid: str | None
    created_at: datetime
    target: str | None
    n_reps: int | None
    report_url: str


def _read(
    content: bytes, file_name: str, *, rate_hz: float | None, units: str | None
) -> EmgRecording:
    """Read ``content`` as the EMG file ``file_name`` (its extension tells the format); errors
    name the file as uploaded, not its temporary copy."""
    with tempfile.TemporaryDirectory(prefix="mm-emg-") as tmp:
        path = Path(tmp) / file_name
        path.write_bytes(content)
        try:
            return read_emg_file(path, rate_hz=rate_hz, units=units)
        except FileFormatError as exc:
            raise FileFormatError(
                exc.reason.replace(str(path), file_name),
                path=file_name,
                line=exc.line,
                column=exc.column,
                needs=exc.needs,
            ) from exc
        except InvalidSignalError as exc:
            raise InvalidSignalError(
                str(exc).replace(str(path), file_name), needs=exc.needs
            ) from exc


def _analyse(
    recording: EmgRecording,
    *,
    target: str | None,
    synergists: Sequence[str],
    mains_hz: float | None,
) -> EmgResult:
    chosen = [c for c in (target, *synergists) if c is not None]
    for name in chosen:
        if name not in recording.channels:
            raise InvalidInputError(
                f"Channel {name!r} is not in the recording; its channels are "
                f"{', '.join(recording.channels)}."
            )
    if target is not None and target in synergists:
        raise InvalidInputError(
            f"Channel {target!r} is the target; pick other channels as synergists."
        )
    if mains_hz is not None and mains_hz not in (50.0, 60.0):
        raise InvalidInputError(f"Mains notch {mains_hz:g} Hz: allowed are 50 and 60 Hz.")
    return analyze_emg_recording(
        recording,
        target=target,
        synergists=list(dict.fromkeys(synergists)),
        mains_hz=mains_hz,
    )


def _envelope(result: EmgResult, points: int = ENVELOPE_POINTS) -> EmgEnvelope:
    proc = result.processed
    times = proc.times_s
    env = proc.envelope.astype(np.float64)
    n = times.size
    if n > points:
        step = -(-n // points)
        m = (n // step) * step
        times = times[:m].reshape(-1, step)[:, 0]
        env = env[:, :m].reshape(env.shape[0], -1, step).max(axis=2)
    return EmgEnvelope(
        times_s=[round(float(t), 4) for t in times],
        channels={
            name: [float(f"{v:.5g}") for v in env[i]] for i, name in enumerate(result.channels)
        },
    )


def _report_url(recording_id: int) -> str:
    return f"/emg/recordings/{recording_id}/report"


def _upload(row: RecordingRow, result: EmgResult) -> EmgUpload:
    return EmgUpload(
        recording_id=row.id,
        file_name=row.file_name or "",
        set_uuid=row.set_uuid,
        channels=list(result.channels),
        analysis=result.analysis,
        envelope=_envelope(result),
        report_url=_report_url(row.id),
    )


def store_emg_upload(
    *,
    db: Database,
    user_id: int,
    content: bytes,
    file_name: str,
    now: datetime,
    set_uuid: str | None = None,
    target: str | None = None,
    synergists: Sequence[str] = (),
    rate_hz: float | None = None,
    units: str | None = None,
    mains_hz: float | None = None,
) -> EmgUpload:
    """Read, analyse and store an uploaded EMG file (on its own or with one of the user's sets).

    Parameters
    ----------
    content : bytes
        The file as uploaded: CSV, EDF/BDF or XDF (the extension of ``file_name`` tells which).
    file_name : str
        The uploaded file's name (made safe by the web app before it comes here).
    now : datetime
        When it was uploaded.
    set_uuid : str, optional
        A stored set of this user the recording belongs to.
    target, synergists
        Channels of the trained muscle (default: the first channel) and of its helpers.
    rate_hz, units
        For CSV files without a time column or unit (see :func:`mindmuscle.io.emg.read_emg_file`).
    mains_hz : {50, 60}, optional
        Add a mains notch.

    Raises
    ------
    mindmuscle.errors.FileFormatError
        The file cannot be read (named by ``file_name``, with line and column for text files).
    mindmuscle.errors.InvalidInputError
        A channel that is not in the file, a target also given as a synergist.
    mindmuscle.errors.NotFoundError
        ``set_uuid`` is not a set of this user.
    """
    if set_uuid is not None:
        with db.session(readonly=True) as s:
            repo.get_set(session=s, user_id=user_id, uuid=set_uuid)
    recording = _read(content, file_name, rate_hz=rate_hz, units=units)
    result = _analyse(recording, target=target, synergists=synergists, mains_hz=mains_hz)
    options = {"rate_hz": rate_hz, "units": units, "mains_hz": mains_hz}
    with db.session() as s:
        row = repo.add_recording(
            session=s,
            user_id=user_id,
            data=RecordingCreate(
                kind="emg",
                set_uuid=set_uuid,
                file_name=file_name,
                data={"options": options, "source": "web"},
                blob=content,
                analysis=result.analysis.model_dump(mode="json"),
            ),
        )
        row.created_at = now
        s.flush()
        return _upload(row, result)


def _get(s: Session, user_id: int, recording_id: int) -> RecordingRow:
    row = s.get(RecordingRow, recording_id)
    if row is None or row.user_id != user_id or row.kind != "emg":
        raise NotFoundError(f"No EMG recording {recording_id}: upload the file on the EMG page.")
    if row.blob is None:
        raise NotFoundError(
            f"EMG recording {recording_id} was stored without its file; upload it again."
        )
    return row


def _reload(row: RecordingRow) -> EmgRecording:
    options = (row.data or {}).get("options", {})
    return _read(
        bytes(row.blob or b""),
        row.file_name or "recording.csv",
        rate_hz=options.get("rate_hz"),
        units=options.get("units"),
    )


def reanalyse_emg(
    *,
    db: Database,
    user_id: int,
    recording_id: int,
    target: str | None,
    synergists: Sequence[str] = (),
    mains_hz: float | None = None,
) -> EmgUpload:
    """Analyse a stored recording again with other channels picked (the analysis is replaced).

    Raises
    ------
    mindmuscle.errors.NotFoundError
        No such EMG recording of this user.
    mindmuscle.errors.InvalidInputError
        A channel that is not in the file.
    """
    with db.session() as s:
        row = _get(s, user_id, recording_id)
        result = _analyse(_reload(row), target=target, synergists=synergists, mains_hz=mains_hz)
        data = dict(row.data or {})
        data["options"] = {**data.get("options", {}), "mains_hz": mains_hz}
        row.data = data
        row.analysis = result.analysis.model_dump(mode="json")
        s.flush()
        return _upload(row, result)


def emg_report_html(*, db: Database, user_id: int, recording_id: int) -> str:
    """The full HTML report of a stored recording, with the channels last picked."""
    with db.session(readonly=True) as s:
        row = _get(s, user_id, recording_id)
        stored = EmgAnalysis.model_validate(row.analysis) if row.analysis else None
        recording = _reload(row)
        options = (row.data or {}).get("options", {})
        name = row.file_name or f"recording {recording_id}"
    result = _analyse(
        recording,
        target=stored.target if stored else None,
        synergists=stored.synergists if stored else (),
        mains_hz=options.get("mains_hz"),
    )
    return render_emg_report(result, title=f"EMG analysis: {name}")


def list_emg_recordings(
    *, db: Database, user_id: int, limit: int = 20
) -> list[EmgRecordingSummary]:
    """The user's newest EMG recordings, newest first."""
    # Not the file's bytes: a list needs only the names and the analysis summary.
    with db.session(readonly=True) as s:
        rows = bulk.list_emg_recordings(session=s, user_id=user_id, limit=limit)
    return [
        EmgRecordingSummary(
            recording_id=rid,
            file_name=name or "",
            set_uuid=set_uuid,
            created_at=created,
            target=(analysis or {}).get("target"),
            n_reps=(analysis or {}).get("n_reps"),
            report_url=_report_url(rid) if has_file else "",
        )
        for rid, name, set_uuid, created, analysis, has_file in rows
    ]
