"""EMG recordings uploaded in the web app: stored with the raw file, analysed, re-analysed.

An upload becomes a stored recording (``recordings`` table, kind ``emg``): the file's bytes, the
options it was read with, the channels picked and the analysis. It may belong to a set (by the
set's UUID) or stand on its own. Picking other channels re-analyses the stored file, and the full
HTML report is rendered from it on demand, so nothing is uploaded twice.

::

    upload = store_emg_upload(db=db, user_id=1, path=tmp_file, file_name="set1.csv", now=now)
    upload.analysis.n_reps, upload.channels, upload.envelope.times_s[:3]
    upload = reanalyse_emg(db=db, user_id=1, recording_id=upload.recording_id,
                           target="biceps", synergists=["brachioradialis"])
    page = emg_report_html(db=db, user_id=1, recording_id=upload.recording_id)
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from mindmuscle.errors import (
    FileFormatError,
    InvalidInputError,
    InvalidSignalError,
    NotFoundError,
)
from mindmuscle.io.emg import read_emg_file
from mindmuscle.services.emg import analyze_emg_recording, render_emg_report
from mindmuscle.signals.emg import EmgAnalysis, EmgRecording, EmgResult
from mindmuscle.store import Database, RecordingCreate, bulk, repo
from mindmuscle.store.tables import RecordingRow

__all__ = [
    "ENVELOPE_POINTS",
    "EmgEnvelope",
    "EmgRecordingSummary",
    "EmgUpload",
    "emg_report_html",
    "list_emg_recordings",
    "reanalyse_emg",
    "relabel_upload_error",
    "safe_file_name",
    "store_emg_upload",
]

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


def safe_file_name(name: str | None, *, default: str = "upload") -> str:
    """The last part of an uploaded file's name, without characters a file system refuses."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    kept = "".join(c for c in base if c.isalnum() or c in "._- ()")[:120].strip(". ")
    return kept or default


# Options of the command line named in messages, and what the web pages call them.
_WEB_WORDS = {
    "pass --unit kg or --unit lb": "pick kg or lb under 'Weights in' and upload again",
    "with --rate HZ": "in the sampling rate field (Hz)",
    "--rate HZ": "the sampling rate field (Hz)",
}


def relabel_upload_error(
    exc: FileFormatError | InvalidSignalError, path: Path, file_name: str
) -> FileFormatError | InvalidSignalError:
    """The same error naming the file as uploaded (not its temporary copy) and the page's
    fields instead of command-line options."""

    def web(text: str) -> str:
        text = text.replace(str(path), file_name)
        for cli, page in _WEB_WORDS.items():
            text = text.replace(cli, page)
        return text

    if isinstance(exc, FileFormatError):
        return FileFormatError(web(exc.reason), path=file_name, line=exc.line, column=exc.column)
    return InvalidSignalError(web(str(exc)))


def _read(
    content: bytes, file_name: str, *, rate_hz: float | None, units: str | None
) -> EmgRecording:
    """Read ``content`` as the EMG file ``file_name`` (its extension tells the format)."""
    with tempfile.TemporaryDirectory(prefix="mm-emg-") as tmp:
        path = Path(tmp) / file_name
        path.write_bytes(content)
        try:
            return read_emg_file(path, rate_hz=rate_hz, units=units)
        except (FileFormatError, InvalidSignalError) as exc:
            raise relabel_upload_error(exc, path, file_name) from exc


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
        The uploaded file's name (see :func:`safe_file_name`).
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
