"""EMG recordings from files: generic CSV, EDF/EDF+/BDF, XDF and BrainFlow files.

Every reader returns an :class:`~mindmuscle.signals.emg.recording.EmgRecording` whose channels
keep their names (muscles) and units. Malformed files raise
:class:`~mindmuscle.errors.FileFormatError` naming the file, and for text files the line and
column.

Generic CSV
    A header row names the channels (``biceps,triceps``); an optional time column (``t``,
    ``time``, ``time_s`` or ``timestamp``, in seconds) gives the rate, otherwise pass
    ``rate_hz``. A unit may follow a name in brackets (``biceps [uV]``) or be given for all
    channels with ``units``; the default is mV. Comma, semicolon, tab and whitespace
    separators are recognised. Leading ``#`` lines are skipped; OpenSignals-style comments
    ``# Sampling Rate (Hz):= 1000`` and ``# Labels:= EMG`` supply the rate and the names of a
    file without a header. A column named ``motion``, ``angle`` (``angle_deg``,
    ``elbow_angle``) or ``position`` is a synchronous motion channel: repetitions are then
    counted from the movement instead of the EMG bursts.
"""

from __future__ import annotations

import csv
import io
import math
import re
import struct
from pathlib import Path
from typing import Any, Literal
from xml.sax.saxutils import escape

import numpy as np
import numpy.typing as npt

from mindmuscle.errors import FileFormatError, InvalidSignalError
from mindmuscle.signals.emg.gaps import recording_on_grid, sample_steps
from mindmuscle.signals.emg.recording import EmgRecording, EmgUnit, parse_emg_unit

__all__ = [
    "EmgFormat",
    "detect_format",
    "read_brainflow",
    "read_emg_csv",
    "read_emg_edf",
    "read_emg_file",
    "read_emg_xdf",
    "write_emg_xdf",
    "xdf_bytes",
]

EmgFormat = Literal["csv", "edf", "xdf", "brainflow"]
_TIME_NAMES = {"t", "time", "time_s", "timestamp", "seconds", "time (s)", "t_s"}
_MOTION_NAMES = {"motion", "angle", "angle_deg", "elbow_angle", "position", "position_m"}
_UNIT_IN_NAME = re.compile(r"^(?P<name>.*?)\s*[\[(](?P<unit>[^\])]+)[\])]\s*$")
_RATE_COMMENT = re.compile(r"sampling\s*rate[^:=]*[:=]+\s*([0-9.]+)", re.IGNORECASE)
_LABELS_COMMENT = re.compile(r"labels\s*:?=\s*(.+)$", re.IGNORECASE)
_BINARY_KINDS = {  # what a file that is not text most likely is, by its extension
    ".mat": "a MATLAB .mat file, which MindMuscle does not read",
    ".npy": "a NumPy .npy file, which MindMuscle does not read",
    ".npz": "a NumPy .npz file, which MindMuscle does not read",
    ".h5": "an HDF5 file, which MindMuscle does not read",
    ".hdf5": "an HDF5 file, which MindMuscle does not read",
    ".xlsx": "an Excel workbook; save the sheet as CSV",
    ".xls": "an Excel workbook; save the sheet as CSV",
}


def detect_format(path: str | Path) -> EmgFormat:
    """The format of ``path`` from its extension (``.edf``/``.bdf``, ``.xdf``, else CSV)."""
    suffix = Path(path).suffix.lower()
    if suffix in (".edf", ".bdf", ".rec"):
        return "edf"
    if suffix in (".xdf", ".xdfz"):
        return "xdf"
    return "csv"


def read_emg_file(
    path: str | Path,
    *,
    fmt: EmgFormat | None = None,
    rate_hz: float | None = None,
    units: str | None = None,
    channels: list[str] | None = None,
    board_id: int | None = None,
) -> EmgRecording:
    """Read an EMG recording in any supported format.

    Parameters
    ----------
    path : path
        The file.
    fmt : {"csv", "edf", "xdf", "brainflow"}, optional
        Default: from the extension; ``board_id`` implies ``"brainflow"``.
    rate_hz : float, optional
        Sampling rate in Hz for files that do not state it (CSV without a time column).
    units : {"uV", "mV", "V"}, optional
        Unit of every channel when the file does not say.
    channels : list of str, optional
        Names for the channels (BrainFlow files, CSV without a header).
    board_id : int, optional
        BrainFlow board id (e.g. -1 synthetic, 0 Cyton); needed for BrainFlow files.
    """
    p = Path(path)
    if not p.is_file():
        raise FileFormatError("no such EMG file (check the path)", path=p)
    kind = fmt or ("brainflow" if board_id is not None else detect_format(p))
    if kind == "csv":
        return read_emg_csv(p, rate_hz=rate_hz, units=units, channels=channels)
    if kind == "edf":
        return read_emg_edf(p, units=units)
    if kind == "xdf":
        return read_emg_xdf(p, units=units)
    if kind == "brainflow":
        if board_id is None:
            raise InvalidSignalError(
                "A BrainFlow file needs its board id (e.g. --board-id 0 for a Cyton, -1 for the "
                "synthetic board) to know which rows hold EMG and the sampling rate."
            )
        return read_brainflow(p, board_id=board_id, channels=channels, units=units)
    raise InvalidSignalError(
        f"Unknown EMG format {fmt!r}: allowed formats are csv, edf, xdf and brainflow."
    )


def _split_unit(name: str) -> tuple[str, str | None]:
    m = _UNIT_IN_NAME.match(name)
    if m:
        return m.group("name").strip(), m.group("unit").strip()
    return name.strip(), None


def _sniff_delimiter(line: str) -> str | None:
    for d in (",", ";", "\t"):
        if d in line:
            return d
    return None  # whitespace


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_emg_csv(
    path: str | Path,
    *,
    rate_hz: float | None = None,
    units: str | None = None,
    channels: list[str] | None = None,
) -> EmgRecording:
    """Read a generic EMG CSV (see the module docstring for the layout)."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        kind = _BINARY_KINDS.get(p.suffix.lower(), "a binary file, not a text CSV")
        raise FileFormatError(
            f"this is {kind}; give the recording as CSV (one column per channel, with a t "
            "column or a sampling rate), EDF/BDF, XDF or a BrainFlow file",
            path=p,
        ) from None
    except OSError as exc:
        raise FileFormatError(f"cannot open the EMG file ({exc.strerror})", path=p) from None
    lines = text.splitlines()
    comment_rate: float | None = None
    comment_labels: list[str] | None = None
    first = 0
    while first < len(lines) and (lines[first].startswith("#") or not lines[first].strip()):
        line = lines[first]
        if m := _RATE_COMMENT.search(line):
            comment_rate = float(m.group(1))
        elif (m := _LABELS_COMMENT.search(line)) and "simple text" not in line.lower():
            comment_labels = m.group(1).replace(",", " ").split()
        first += 1
    if first >= len(lines):
        raise FileFormatError("the file holds no data rows", path=p, line=max(1, len(lines)))
    if lines[first].lstrip().startswith(("{", "[")):
        raise FileFormatError(
            "this is a JSON file, not an EMG recording; give the recording as CSV (one column "
            "per channel, with a t column or a sampling rate), EDF/BDF, XDF or a BrainFlow file",
            path=p,
        )
    delim = _sniff_delimiter(lines[first])
    head = next(csv.reader([lines[first]], delimiter=delim)) if delim else lines[first].split()
    head = [h.strip() for h in head]
    has_header = not all(_is_number(h) for h in head if h)
    if has_header:
        names_raw = head
        data_first = first + 1
    else:
        names_raw = channels or comment_labels or []
        data_first = first
        if len(names_raw) != len(head):
            raise FileFormatError(
                f"no header row naming the {len(head)} channels: add one "
                "(e.g. 'biceps,triceps') or pass the channel names",
                path=p,
                line=first + 1,
            )
    # Parse with numpy (fast); locate the problem with the csv module when that fails.
    body = "\n".join(lines[data_first:])
    n_cols = len(names_raw)
    if not body.strip():
        raise FileFormatError("the file holds a header but no data rows", path=p, line=first + 1)
    try:
        if delim is None:
            values = np.loadtxt(io.StringIO(body), ndmin=2, dtype=np.float64)
        else:
            values = np.loadtxt(io.StringIO(body), delimiter=delim, ndmin=2, dtype=np.float64)
        if values.shape[1] != n_cols and values.size:
            raise ValueError("column count")
    except ValueError:
        _raise_csv_problem(p, lines, data_first, delim, names_raw)
        raise  # pragma: no cover - _raise_csv_problem always raises
    if values.shape[0] == 0:
        raise FileFormatError("the file holds a header but no data rows", path=p, line=first + 1)
    bad = ~np.isfinite(values)
    if bad.any():
        r, c = np.argwhere(bad)[0]
        raise FileFormatError(
            f"value {float(values[r, c])} is not a finite number; remove or interpolate gaps",
            path=p,
            line=data_first + int(r) + 1,
            column=names_raw[c],
        )
    names: list[str] = []
    file_units: list[str | None] = []
    time_col: int | None = None
    motion_col: int | None = None
    for i, raw in enumerate(names_raw):
        name, unit = _split_unit(raw)
        if name.lower() in _TIME_NAMES:
            if time_col is not None:
                raise FileFormatError("two time columns", path=p, line=first + 1, column=raw)
            time_col = i
            continue
        if name.lower() in _MOTION_NAMES:
            if motion_col is not None:
                raise FileFormatError("two motion columns", path=p, line=first + 1, column=raw)
            motion_col = i
            continue
        if not name:
            raise FileFormatError(
                "a channel has an empty name", path=p, line=first + 1, column=i + 1
            )
        names.append(name)
        file_units.append(unit)
    if not names:
        raise FileFormatError("no EMG channel besides the time column", path=p, line=first + 1)
    rate = _rate_from(p, values, time_col, rate_hz if rate_hz is not None else comment_rate)
    unit_list: list[EmgUnit] = []
    for name, u in zip(names, file_units, strict=True):
        spelled = u or units or "mV"
        try:
            unit_list.append(parse_emg_unit(spelled))
        except InvalidSignalError as exc:
            raise FileFormatError(str(exc), path=p, line=first + 1, column=name) from None
    keep = [i for i in range(values.shape[1]) if i not in (time_col, motion_col)]
    data = np.ascontiguousarray(values[:, keep].T)
    motion = None if motion_col is None else values[:, motion_col].copy()
    if channels and has_header:
        if len(channels) != len(names):
            raise InvalidSignalError(
                f"{len(channels)} channel names given for {len(names)} channels in {p}."
            )
        names = list(channels)
    recording = EmgRecording(
        data, rate, tuple(names), tuple(unit_list), motion=motion, source=str(p)
    )
    if time_col is not None:
        recording = recording_on_grid(recording, values[:, time_col])
    return recording


def _rate_from(
    p: Path, values: npt.NDArray[np.float64], time_col: int | None, rate_hz: float | None
) -> float:
    if time_col is None:
        if rate_hz is None:
            raise InvalidSignalError(
                f"{p}: the file has no time column ('t' in seconds) and no sampling rate was "
                "given.",
                needs="sampling_rate",
            )
        return float(rate_hz)
    t = values[:, time_col]
    if t.size < 2:
        raise InvalidSignalError(f"{p}: one sample is not a recording; at least 2 are needed.")
    dt = np.diff(t)
    if (dt <= 0).any():
        row = int(np.argmax(dt <= 0)) + 2
        raise InvalidSignalError(
            f"{p}: time does not increase at data row {row} (t = {t[row - 1]:g} s after "
            f"{t[row - 2]:g} s); the 't' column must be in seconds and increasing."
        )
    step = float(np.median(dt))
    # A gap (a sensor that paused, in a recording of a live stream) is no unevenness: a whole
    # number of steps, its samples are placed at their times when the recording is read.
    in_steps = dt / step
    gap = (sample_steps(t, 1.0 / step)[1:] > 1) & (np.abs(in_steps - np.round(in_steps)) < 0.25)
    jitter = float(np.max(np.abs(in_steps[~gap] - 1.0))) if (~gap).any() else 0.0
    if jitter > 0.5:
        raise InvalidSignalError(
            f"{p}: samples are not evenly spaced (steps from {dt.min():g} to {dt.max():g} s); "
            "resample to a constant rate first."
        )
    rate = 1.0 / step
    if rate_hz is not None and not math.isclose(rate, rate_hz, rel_tol=0.01):
        raise InvalidSignalError(
            f"{p}: the 't' column gives {rate:.6g} Hz but {rate_hz:g} Hz was given; leave the "
            "sampling rate out or fix the time column."
        )
    return rate


def _raise_csv_problem(
    p: Path, lines: list[str], data_first: int, delim: str | None, names: list[str]
) -> None:
    n_cols = len(names)
    for i in range(data_first, len(lines)):
        line = lines[i]
        if not line.strip():
            continue
        cells = next(csv.reader([line], delimiter=delim)) if delim else line.split()
        if len(cells) != n_cols:
            raise FileFormatError(
                f"expected {n_cols} values ({', '.join(names)}), found {len(cells)}",
                path=p,
                line=i + 1,
                column=len(cells) + 1 if len(cells) < n_cols else n_cols + 1,
            )
        for j, cell in enumerate(cells):
            if not _is_number(cell.strip()):
                raise FileFormatError(
                    f"{cell.strip()!r} is not a number; allowed: numbers only (an EMG CSV "
                    "holds one column of samples per channel, and an optional t column)",
                    path=p,
                    line=i + 1,
                    column=names[j],
                )
    raise FileFormatError("the data rows cannot be read as numbers", path=p, line=data_first + 1)


def _unit_or(spelled: str, fallback: str | None, where: str) -> EmgUnit:
    text = spelled.strip()
    if text:
        try:
            return parse_emg_unit(text)
        except InvalidSignalError:
            pass
    if fallback:
        return parse_emg_unit(fallback)
    raise InvalidSignalError(
        f"{where}: unit {spelled!r} is not uV, mV or V.",
        needs="emg_units",
    )


def read_emg_edf(path: str | Path, *, units: str | None = None) -> EmgRecording:
    """Read the signals of an EDF, EDF+ or BDF file that share the most common sampling rate.

    Labels become channel names and each signal keeps its physical dimension (uV, mV, V;
    others fall back to ``units``). Annotation signals are skipped.
    """
    import pyedflib

    p = Path(path)
    try:
        reader = pyedflib.EdfReader(str(p))
    except OSError as exc:
        raise FileFormatError(f"not a readable EDF/BDF file ({exc})", path=p) from None
    try:
        labels = [lab.strip() for lab in reader.getSignalLabels()]
        rates = [float(r) for r in reader.getSampleFrequencies()]
        if not labels:
            raise FileFormatError("the file holds no signals", path=p)
        common = max(set(rates), key=rates.count)
        idx = [i for i, r in enumerate(rates) if r == common]
        data = np.stack([reader.readSignal(i) for i in idx])
        dims = [reader.getPhysicalDimension(i) for i in idx]
    finally:
        reader.close()
    names = tuple(labels[i] or f"ch{i + 1}" for i in idx)
    unit_list = tuple(
        _unit_or(d, units, f"{p}, signal {n!r}") for d, n in zip(dims, names, strict=True)
    )
    skipped = [f"{labels[i]} ({rates[i]:g} Hz)" for i in range(len(labels)) if i not in idx]
    notes = (
        (
            f"signals at another sampling rate than {common:g} Hz were not read: "
            + ", ".join(skipped),
        )
        if skipped
        else ()
    )
    return EmgRecording(data, common, names, unit_list, source=str(p), notes=notes)


def _xdf_channels(info: dict[str, Any], n_ch: int) -> tuple[list[str], list[str]]:
    names = [f"ch{i + 1}" for i in range(n_ch)]
    units = [""] * n_ch
    try:
        chans = info["desc"][0]["channels"][0]["channel"]
    except (KeyError, IndexError, TypeError):
        return names, units
    for i, ch in enumerate(chans[:n_ch]):
        if ch.get("label"):
            names[i] = str(ch["label"][0])
        if ch.get("unit"):
            units[i] = str(ch["unit"][0])
    return names, units


def read_emg_xdf(
    path: str | Path, *, units: str | None = None, stream: str | None = None
) -> EmgRecording:
    """Read the EMG stream of an XDF file (Lab Streaming Layer recordings).

    The stream is the one named ``stream``, else the first of type ``EMG``, else the first
    numeric stream with a nominal rate. Channel labels and units come from the stream's
    ``desc/channels``. The samples are placed at their times (the stream's timestamps, smoothed
    as a live stream's are): a gap where the sensor paused stays a gap, filled with no activity
    and noted, so a repetition after it is where it happened.
    """
    import pyxdf

    p = Path(path)
    try:
        streams, _header = pyxdf.load_xdf(str(p), dejitter_timestamps=False)
    except Exception as exc:  # pyxdf raises bare Exceptions on foreign files
        raise FileFormatError(f"not a readable XDF file ({exc})", path=p) from None

    def meta(s: dict[str, Any], key: str) -> str:
        try:
            return str(s["info"][key][0])
        except (KeyError, IndexError, TypeError):
            return ""

    def numeric(s: dict[str, Any]) -> bool:
        ts = s.get("time_series")
        return isinstance(ts, np.ndarray) and ts.ndim == 2 and ts.shape[0] > 1

    candidates = [s for s in streams if numeric(s)]
    chosen: dict[str, Any] | None = None
    if stream is not None:
        chosen = next((s for s in candidates if meta(s, "name") == stream), None)
    else:
        chosen = next((s for s in candidates if meta(s, "type").lower() == "emg"), None)
        if chosen is None:
            chosen = next((s for s in candidates if float(meta(s, "nominal_srate") or 0) > 0), None)
    if chosen is None:
        found = ", ".join(f"{meta(s, 'name')} ({meta(s, 'type')})" for s in streams) or "none"
        raise FileFormatError(
            f"no EMG stream with samples and a sampling rate; streams found: {found}", path=p
        )
    data = np.asarray(chosen["time_series"], dtype=np.float64).T
    rate = float(meta(chosen, "nominal_srate") or 0)
    if rate <= 0:
        eff = chosen["info"].get("effective_srate", 0)
        rate = float(eff or 0)
    names, unit_text = _xdf_channels(chosen["info"], data.shape[0])
    unit_list = tuple(
        _unit_or(u, units or "uV", f"{p}, channel {n!r}")
        for u, n in zip(unit_text, names, strict=True)
    )
    recording = EmgRecording(data, rate, tuple(names), unit_list, source=str(p))
    stamps = chosen.get("time_stamps")
    if isinstance(stamps, np.ndarray) and stamps.size == data.shape[1] and stamps.size > 1:
        recording = recording_on_grid(recording, stamps)
    return recording


def read_brainflow(
    path: str | Path,
    *,
    board_id: int,
    channels: list[str] | None = None,
    units: str | None = None,
) -> EmgRecording:
    """Read a file written by BrainFlow's ``DataFilter.write_file`` for board ``board_id``.

    The board's EMG rows and sampling rate come from BrainFlow's board description; EXG
    values are in microvolts unless ``units`` says otherwise.
    """
    from brainflow.board_shim import BoardShim
    from brainflow.data_filter import DataFilter
    from brainflow.exit_codes import BrainFlowError

    p = Path(path)
    try:
        rows = BoardShim.get_emg_channels(board_id)
        rate = float(BoardShim.get_sampling_rate(board_id))
        n_rows = BoardShim.get_num_rows(board_id)
    except BrainFlowError:
        raise InvalidSignalError(
            f"Unknown BrainFlow board id {board_id}: use the id the file was recorded with "
            "(e.g. 0 Cyton, 2 Cyton+Daisy, -1 synthetic)."
        ) from None
    try:
        table = DataFilter.read_file(str(p))
    except BrainFlowError as exc:
        raise FileFormatError(f"not a BrainFlow data file ({exc})", path=p) from None
    if table.ndim != 2 or table.shape[0] != n_rows:
        raise FileFormatError(
            f"a board {board_id} file has {n_rows} values per line; this one has "
            f"{table.shape[0] if table.ndim == 2 else 1}: wrong board id?",
            path=p,
            line=1,
        )
    data = np.ascontiguousarray(table[rows])
    names = channels or [f"emg{i + 1}" for i in range(len(rows))]
    if len(names) != len(rows):
        raise InvalidSignalError(
            f"{len(names)} channel names given for the {len(rows)} EMG channels of board "
            f"{board_id}."
        )
    unit = parse_emg_unit(units or "uV")
    return EmgRecording(data, rate, tuple(names), (unit,) * len(rows), source=str(p))


# --- writing: XDF, the Lab Streaming Layer's own file format -------------------------------------

_XDF_SAMPLES_PER_CHUNK = 10_000


def _xdf_chunk(tag: int, content: bytes) -> bytes:
    body = struct.pack("<H", tag) + content
    return struct.pack("<BI", 4, len(body)) + body


def xdf_bytes(
    recording: EmgRecording,
    *,
    timestamps: npt.NDArray[np.float64] | None = None,
    stream_name: str = "MindMuscle EMG",
) -> bytes:
    """``recording`` as an XDF 1.0 file: one EMG stream, ``double64`` samples (nothing is
    rounded), each channel's name and unit, and one timestamp per sample (the stream's own,
    when given; else ``i / rate``). :func:`read_emg_xdf` reads it back unchanged.

    Examples
    --------
    >>> import numpy as np
    >>> rec = EmgRecording(np.zeros((1, 4)), 1000.0, ("biceps",), ("uV",))
    >>> xdf_bytes(rec)[:4]
    b'XDF:'
    """
    data = np.asarray(recording.data, dtype="<f8")
    n_ch, n = data.shape
    ts = (
        np.arange(n, dtype=np.float64) / recording.sfreq_hz
        if timestamps is None
        else np.asarray(timestamps, dtype=np.float64).reshape(-1)
    )
    if ts.size != n:
        raise InvalidSignalError(f"{ts.size} timestamps were given for {n} samples.")
    channels = "".join(
        f"<channel><label>{escape(name)}</label><unit>{unit}</unit><type>EMG</type></channel>"
        for name, unit in zip(recording.channels, recording.units, strict=True)
    )
    header = (
        f'<?xml version="1.0"?><info><name>{escape(stream_name)}</name><type>EMG</type>'
        f"<channel_count>{n_ch}</channel_count>"
        f"<nominal_srate>{recording.sfreq_hz!r}</nominal_srate>"
        "<channel_format>double64</channel_format><source_id>mindmuscle</source_id>"
        f"<created_at>{float(ts[0]) if n else 0.0!r}</created_at>"
        f"<desc><channels>{channels}</channels></desc></info>"
    )
    stream_id = struct.pack("<I", 1)
    out = bytearray(b"XDF:")
    out += _xdf_chunk(1, b'<?xml version="1.0"?><info><version>1.0</version></info>')
    out += _xdf_chunk(2, stream_id + header.encode("utf-8"))
    # Each sample: a timestamp flag (8 bytes follow), the timestamp, then every channel.
    row = np.dtype([("flag", "u1"), ("t", "<f8"), ("x", "<f8", (n_ch,))])
    for start in range(0, n, _XDF_SAMPLES_PER_CHUNK):
        stop = min(n, start + _XDF_SAMPLES_PER_CHUNK)
        rows = np.zeros(stop - start, dtype=row)
        rows["flag"] = 8
        rows["t"] = ts[start:stop]
        rows["x"] = data[:, start:stop].T
        out += _xdf_chunk(3, stream_id + struct.pack("<BI", 4, stop - start) + rows.tobytes())
    first = float(ts[0]) if n else 0.0
    last = float(ts[-1]) if n else 0.0
    # The recording's clock is the reference clock: offset 0 at its start and end (readers
    # then see one clock segment).
    for at in (first, last):
        out += _xdf_chunk(4, stream_id + struct.pack("<dd", at, 0.0))
    footer = (
        f'<?xml version="1.0"?><info><first_timestamp>{first!r}</first_timestamp>'
        f"<last_timestamp>{last!r}</last_timestamp><sample_count>{n}</sample_count>"
        "<clock_offsets></clock_offsets></info>"
    )
    out += _xdf_chunk(6, stream_id + footer.encode("utf-8"))
    return bytes(out)


def write_emg_xdf(
    recording: EmgRecording,
    path: str | Path,
    *,
    timestamps: npt.NDArray[np.float64] | None = None,
) -> Path:
    """Write ``recording`` as an XDF file (see :func:`xdf_bytes`); returns the path."""
    p = Path(path)
    p.write_bytes(xdf_bytes(recording, timestamps=timestamps))
    return p
