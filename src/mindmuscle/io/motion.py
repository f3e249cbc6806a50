"""Motion recordings from files and from the web page.

Formats
-------
``csv``
    A header row naming the columns (any order, case-insensitive): ``t`` (seconds; or ``t_ms`` in
    milliseconds; or no time column and a sampling rate given by the caller), ``ax, ay, az``
    (acceleration including gravity, in g or m/s^2) and optionally ``gx, gy, gz`` (angular rate,
    deg/s or rad/s). Other columns are ignored.
``metamotion``
    MbientLab MetaMotion (MetaWear) CSV exports: one accelerometer file
    (``epoch (ms),time,elapsed (s),x-axis (g),y-axis (g),z-axis (g)``) and, beside it, the
    gyroscope file of the same recording (``..._Gyroscope_...csv``, deg/s), each with its own
    timestamps. Either file may be given; the other is found by its name.
``fit``
    Garmin FIT files with ``accelerometer_data`` messages (calibrated values in g, or raw counts
    with a ``three_d_sensor_calibration`` message) and optional ``gyroscope_data``.
``json``
    The recording the web page sends (see :func:`recording_from_payload`).
``muvr``
    Headerless ``x,y,z,exercise,intensity,weight,reps`` rows in g at a fixed rate (Pebble watch
    exports of the muvr project; rate 50 Hz unless given).
``watch``
    Smartwatch exports with the header ``t,ax,ay,az,gx,gy,gz``: ``t`` in seconds, total
    acceleration in g or m/s^2 and rotation rate in rad/s. A ``labels.csv`` beside the file
    (columns ``file`` and ``accel_units``, and optionally ``reps``, ``active_start_s`` and
    ``active_end_s``) gives the units; without it they are decided from the size of gravity.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from mindmuscle.coach.limits import MOTION_RATE_HZ
from mindmuscle.errors import FileFormatError, InvalidInputError
from mindmuscle.io.jsontext import parse_json
from mindmuscle.signals.motion.models import (
    STANDARD_GRAVITY_MS2,
    MotionRecording,
)

__all__ = [
    "FORMATS",
    "AccelUnits",
    "GyroUnits",
    "MotionFormat",
    "WatchLabel",
    "detect_format",
    "payload_from_recording",
    "read_fit",
    "read_generic_csv",
    "read_metamotion",
    "read_motion_file",
    "read_muvr_csv",
    "read_watch_csv",
    "read_watch_labels",
    "recording_from_payload",
]

AccelUnits = Literal["g", "ms2"]
GyroUnits = Literal["deg_s", "rad_s"]
MotionFormat = Literal["auto", "csv", "metamotion", "fit", "json", "muvr", "watch"]
FORMATS: tuple[str, ...] = ("auto", "csv", "metamotion", "fit", "json", "muvr", "watch")

FloatArray = npt.NDArray[np.float64]

_TIME_COLUMNS = {"t": 1.0, "t_s": 1.0, "time": 1.0, "time_s": 1.0, "t_ms": 1e-3, "time_ms": 1e-3}
_FIT_EPOCH_OFFSET_S = 631065600  # FIT timestamps count from 1989-12-31T00:00:00Z


# ---------------------------------------------------------------------------------------------
# Units


def _accel_to_ms2(acc: FloatArray, units: AccelUnits | None, source: str) -> FloatArray:
    """Convert to m/s^2; ``units=None`` decides from the size of gravity in the data."""
    if acc.size == 0:
        raise InvalidInputError(
            f"{source}: the file holds no samples (a header alone); record the set again or "
            "give the file that holds its samples."
        )
    if units is None:
        gravity = float(np.median(np.sqrt(np.sum(acc**2, axis=1))))
        if 0.5 <= gravity <= 2.0:
            units = "g"
        elif 5.0 <= gravity <= 20.0:
            units = "ms2"
        else:
            raise InvalidInputError(
                f"{source}: cannot tell the acceleration units (gravity reads {gravity:.3g}); "
                "they must be g or m/s^2.",
                needs="accel_units",
            )
    if units == "g":
        return acc * STANDARD_GRAVITY_MS2
    if units == "ms2":
        return acc
    raise InvalidInputError(f"Unknown acceleration units {units!r}: allowed are 'g' and 'ms2'.")


def _gyro_to_dps(gyro: FloatArray, units: GyroUnits) -> FloatArray:
    if units == "deg_s":
        return gyro
    if units == "rad_s":
        return np.degrees(gyro)
    raise InvalidInputError(f"Unknown rotation units {units!r}: allowed are 'deg_s' and 'rad_s'.")


# ---------------------------------------------------------------------------------------------
# CSV helpers


def _read_table(path: Path) -> list[tuple[int, list[str]]]:
    """All non-empty rows with their line numbers."""
    if not path.is_file():
        raise InvalidInputError(f"No such file: {path}.")
    out: list[tuple[int, list[str]]] = []
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            for row in reader:
                if row and any(cell.strip() for cell in row):
                    out.append((reader.line_num, row))
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            "not a text CSV file (it is not UTF-8); export the recording as CSV.", path=path
        ) from exc
    except csv.Error as exc:
        raise FileFormatError(f"unreadable CSV: {exc}", path=path) from exc
    if not out:
        raise FileFormatError("the file is empty; expected a header and samples.", path=path)
    return out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parse_columns(
    rows: Sequence[tuple[int, list[str]]],
    path: Path,
    header: Sequence[str],
    columns: Sequence[int],
) -> FloatArray:
    """Float matrix of the chosen columns; a bad cell raises with its line and column name."""
    out = np.empty((len(rows), len(columns)), dtype=np.float64)
    width = len(header)
    for r, (line, row) in enumerate(rows):
        if len(row) < width:
            raise FileFormatError(
                f"{len(row)} fields where the header has {width}; every row needs one value per "
                "column.",
                path=path,
                line=line,
            )
        for c, col in enumerate(columns):
            cell = row[col].strip()
            try:
                value = float(cell)
            except ValueError:
                raise FileFormatError(
                    f"{cell!r} is not a number; samples must be plain numbers such as -0.981.",
                    path=path,
                    line=line,
                    column=header[col],
                ) from None
            if not math.isfinite(value):
                raise FileFormatError(
                    f"{cell!r} is not a finite number.", path=path, line=line, column=header[col]
                )
            out[r, c] = value
    return out


# ---------------------------------------------------------------------------------------------
# Generic CSV


def read_generic_csv(
    path: str | Path,
    *,
    rate_hz: float | None = None,
    units: AccelUnits | None = None,
    gyro_units: GyroUnits = "deg_s",
) -> MotionRecording:
    """Read a CSV with a header naming ``t`` (or ``t_ms``), ``ax, ay, az`` and maybe ``gx, gy, gz``.

    Parameters
    ----------
    path : str or Path
        The file.
    rate_hz : float, optional
        Sampling rate, used when the file has no time column (ignored otherwise).
    units : {"g", "ms2"}, optional
        Acceleration units; by default decided from the size of gravity in the data.
    gyro_units : {"deg_s", "rad_s"}
        Angular-rate units of ``gx, gy, gz``.

    Raises
    ------
    mindmuscle.errors.FileFormatError
        No header, missing columns, or a cell that is not a number (with line and column).
    mindmuscle.errors.InvalidSignalError
        Too few samples for an analysis.
    """
    path = Path(path)
    rows = _read_table(path)
    first_line, header_row = rows[0]
    header = [h.strip().lower() for h in header_row]
    if all(_is_number(h) for h in header if h):
        raise FileFormatError(
            "no header row: the first row holds numbers. Add a header naming the columns, "
            "for example 't,ax,ay,az' (t in seconds), or 'ax,ay,az' with a sampling rate.",
            path=path,
            line=first_line,
            needs="sampling_rate",
        )
    index = {name: i for i, name in enumerate(header)}
    missing = [c for c in ("ax", "ay", "az") if c not in index]
    if missing:
        raise FileFormatError(
            f"missing column(s) {', '.join(missing)}; the header has {', '.join(header)}. "
            "Expected t (seconds), ax, ay, az and optionally gx, gy, gz.",
            path=path,
            line=first_line,
        )
    time_col = next((c for c in _TIME_COLUMNS if c in index), None)
    if time_col is None and rate_hz is None:
        raise FileFormatError(
            "no time column (t in seconds or t_ms) and no sampling rate was given; add a t column "
            "or give the rate.",
            path=path,
            line=first_line,
            needs="sampling_rate",
        )
    gyro_cols = [c for c in ("gx", "gy", "gz") if c in index]
    if gyro_cols and len(gyro_cols) != 3:
        raise FileFormatError(
            f"the gyroscope needs gx, gy and gz; the header has only {', '.join(gyro_cols)}.",
            path=path,
            line=first_line,
        )
    names = ([time_col] if time_col else []) + ["ax", "ay", "az"] + gyro_cols
    data = _parse_columns(rows[1:], path, header, [index[n] for n in names])
    if time_col is not None:
        t = data[:, 0] * _TIME_COLUMNS[time_col]
        values = data[:, 1:]
    else:
        assert rate_hz is not None
        MOTION_RATE_HZ.check("rate_hz", rate_hz)
        t = np.arange(data.shape[0]) / rate_hz
        values = data
    acc = _accel_to_ms2(values[:, :3], units, str(path))
    gyro = _gyro_to_dps(values[:, 3:6], gyro_units) if gyro_cols else None
    return MotionRecording(
        t_s=t,
        acc_ms2=acc,
        gyro_t_s=None if gyro is None else t,
        gyro_dps=gyro,
        source=path.name,
    )


# ---------------------------------------------------------------------------------------------
# MetaMotion


_MM_UNITS = re.compile(r"\((?P<unit>[^)]*)\)\s*$")


def _metamotion_stream(path: Path, kind: str) -> tuple[FloatArray, FloatArray, str]:
    rows = _read_table(path)
    line, header_row = rows[0]
    header = [h.strip() for h in header_row]
    lower = [h.lower() for h in header]
    if not lower or not lower[0].startswith("epoch"):
        raise FileFormatError(
            f"not a MetaMotion {kind} export: the first column should be 'epoch (ms)', "
            f"found {header[0]!r}.",
            path=path,
            line=line,
        )
    axes = [next((i for i, h in enumerate(lower) if h.startswith(f"{a}-axis")), -1) for a in "xyz"]
    if min(axes) < 0:
        raise FileFormatError(
            f"not a MetaMotion {kind} export: expected x-axis, y-axis and z-axis columns.",
            path=path,
            line=line,
        )
    match = _MM_UNITS.search(header[axes[0]])
    unit = match.group("unit").strip().lower() if match else ""
    data = _parse_columns(rows[1:], path, header, [0, *axes])
    return data[:, 0] / 1000.0, data[:, 1:], unit


def _metamotion_pair(path: Path) -> tuple[Path, Path | None]:
    name = path.name
    if "_Accelerometer_" in name:
        prefix = name.split("_Accelerometer_")[0]
        gyros = sorted(path.parent.glob(f"{glob_escape(prefix)}_Gyroscope_*.csv"))
        return path, (gyros[0] if gyros else None)
    if "_Gyroscope_" in name:
        prefix = name.split("_Gyroscope_")[0]
        accs = sorted(path.parent.glob(f"{glob_escape(prefix)}_Accelerometer_*.csv"))
        if not accs:
            raise InvalidInputError(
                f"{path} is a MetaMotion gyroscope file and no accelerometer file of the same "
                "recording (…_Accelerometer_….csv) is beside it; give the accelerometer file."
            )
        return accs[0], path
    return path, None


def glob_escape(text: str) -> str:
    """Escape glob wildcards in a literal file-name part."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def read_metamotion(path: str | Path, *, gyro_path: str | Path | None = None) -> MotionRecording:
    """Read a MetaMotion accelerometer export and the gyroscope export beside it.

    Parameters
    ----------
    path : str or Path
        The accelerometer file (``…_Accelerometer_…csv``) or the gyroscope file.
    gyro_path : str or Path, optional
        The gyroscope file, when its name does not follow the MetaMotion pattern.

    Raises
    ------
    mindmuscle.errors.FileFormatError
        A file that is not a MetaMotion export, or a bad cell (with line and column).
    """
    acc_path, found_gyro = _metamotion_pair(Path(path))
    gyro_file = Path(gyro_path) if gyro_path is not None else found_gyro
    t, acc, unit = _metamotion_stream(acc_path, "accelerometer")
    if unit not in ("g", "m/s^2", "m/s²", "m/s2"):
        raise FileFormatError(
            f"accelerometer unit {unit!r} is not g or m/s^2.", path=acc_path, line=1
        )
    acc_ms2 = acc * STANDARD_GRAVITY_MS2 if unit == "g" else acc
    gt = gyro = None
    if gyro_file is not None:
        gt, gyro, g_unit = _metamotion_stream(gyro_file, "gyroscope")
        if g_unit in ("rad/s",):
            gyro = np.degrees(gyro)
        elif g_unit not in ("deg/s", "°/s"):
            raise FileFormatError(
                f"gyroscope unit {g_unit!r} is not deg/s or rad/s.", path=gyro_file, line=1
            )
    return MotionRecording(t_s=t, acc_ms2=acc_ms2, gyro_t_s=gt, gyro_dps=gyro, source=acc_path.name)


# ---------------------------------------------------------------------------------------------
# muvr (headerless, fixed rate)


def read_muvr_csv(path: str | Path, *, rate_hz: float | None = None) -> MotionRecording:
    """Read a headerless ``x,y,z,exercise,intensity,weight,reps`` file (g, 50 Hz by default)."""
    path = Path(path)
    rows = _read_table(path)
    header = ["x", "y", "z", "exercise", "intensity", "weight", "repetitions"]
    data = _parse_columns(rows, path, header[: max(3, min(len(rows[0][1]), 7))], [0, 1, 2])
    rate = 50.0 if rate_hz is None else rate_hz
    return MotionRecording(
        t_s=np.arange(data.shape[0]) / rate,
        acc_ms2=data * STANDARD_GRAVITY_MS2,
        source=path.name,
    )


# ---------------------------------------------------------------------------------------------
# Smartwatch exports (t, ax, ay, az, gx, gy, gz; gyroscope in rad/s; labels.csv beside them)

_WATCH_HEADER = ["t", "ax", "ay", "az", "gx", "gy", "gz"]
_WATCH_UNITS: dict[str, AccelUnits] = {"g": "g", "m/s^2": "ms2", "m/s2": "ms2", "ms2": "ms2"}


@dataclass(frozen=True)
class WatchLabel:
    """One row of a watch folder's ``labels.csv``: the set in one recording, as logged.

    Attributes
    ----------
    file : str
        Recording file name, in the same folder.
    exercise : str
        Exercise name (or code when no name is given).
    reps : int or None
        Repetitions logged for the set.
    accel_units : {"g", "ms2"}
        Units of ``ax, ay, az``.
    active_start_s, active_end_s : float or None
        Hand-marked start and end of the set inside the recording, seconds on its ``t`` clock.
    """

    file: str
    exercise: str
    reps: int | None
    accel_units: AccelUnits
    active_start_s: float | None
    active_end_s: float | None


def _optional_float(text: str | None, path: Path, line: int, column: str) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise FileFormatError(
            f"{text!r} is not a number.", path=path, line=line, column=column
        ) from None
    if not math.isfinite(value):
        raise FileFormatError(
            f"{text!r} is not a finite number.", path=path, line=line, column=column
        )
    return value


def read_watch_labels(path: str | Path) -> list[WatchLabel]:
    """Read a watch folder's ``labels.csv`` (a folder may be given for the file inside it).

    Raises
    ------
    mindmuscle.errors.FileFormatError
        A missing ``file`` or ``accel_units`` column, unknown units or a bad number (with line and
        column).
    """
    p = Path(path)
    if p.is_dir():
        p = p / "labels.csv"
    rows = _read_table(p)
    line, header_row = rows[0]
    header = [h.strip().lower() for h in header_row]
    missing = [c for c in ("file", "accel_units") if c not in header]
    if missing:
        raise FileFormatError(
            f"missing column(s) {', '.join(missing)}; the header has {', '.join(header)}.",
            path=p,
            line=line,
        )
    out: list[WatchLabel] = []
    for line, row in rows[1:]:
        cells = dict(zip(header, (c.strip() for c in row), strict=False))
        units = _WATCH_UNITS.get(cells.get("accel_units", "").lower())
        if units is None:
            raise FileFormatError(
                f"accel_units {cells.get('accel_units')!r} is not one of g, m/s^2.",
                path=p,
                line=line,
                column="accel_units",
            )
        reps = _optional_float(cells.get("reps"), p, line, "reps")
        out.append(
            WatchLabel(
                file=cells["file"],
                exercise=cells.get("exercise") or cells.get("exercise_code") or "",
                reps=None if reps is None else int(reps),
                accel_units=units,
                active_start_s=_optional_float(
                    cells.get("active_start_s"), p, line, "active_start_s"
                ),
                active_end_s=_optional_float(cells.get("active_end_s"), p, line, "active_end_s"),
            )
        )
    return out


def _watch_label(path: Path) -> WatchLabel | None:
    labels = path.parent / "labels.csv"
    if not labels.is_file():
        return None
    return next((row for row in read_watch_labels(labels) if row.file == path.name), None)


def read_watch_csv(
    path: str | Path,
    *,
    units: AccelUnits | None = None,
    start_s: float | None = None,
    end_s: float | None = None,
) -> MotionRecording:
    """Read a smartwatch export: ``t`` (s), ``ax, ay, az``, ``gx, gy, gz`` (rad/s).

    Parameters
    ----------
    path : str or Path
        The recording.
    units : {"g", "ms2"}, optional
        Acceleration units; by default from ``labels.csv`` beside the file, else from gravity.
    start_s, end_s : float, optional
        Keep only the samples from ``start_s`` to ``end_s`` (seconds on the file's ``t`` clock),
        such as the hand-marked set of ``labels.csv``.

    Raises
    ------
    mindmuscle.errors.FileFormatError
        A header other than ``t,ax,ay,az,gx,gy,gz`` or a bad cell (with line and column).
    mindmuscle.errors.InvalidSignalError
        Too few samples in the kept stretch.
    """
    p = Path(path)
    rows = _read_table(p)
    line, header_row = rows[0]
    header = [h.strip().lower() for h in header_row]
    if header[: len(_WATCH_HEADER)] != _WATCH_HEADER:
        raise FileFormatError(
            f"not a watch export: the header should start with {','.join(_WATCH_HEADER)}, "
            f"found {','.join(header)}.",
            path=p,
            line=line,
        )
    data = _parse_columns(rows[1:], p, header, list(range(len(_WATCH_HEADER))))
    if units is None:
        label = _watch_label(p)
        units = label.accel_units if label is not None else None
    t = data[:, 0]
    keep = np.ones(t.size, dtype=bool)
    if start_s is not None:
        keep &= t >= start_s
    if end_s is not None:
        keep &= t <= end_s
    t, data = t[keep], data[keep]
    acc = _accel_to_ms2(data[:, 1:4], units, p.name)
    return MotionRecording(
        t_s=t,
        acc_ms2=acc,
        gyro_t_s=t,
        gyro_dps=_gyro_to_dps(data[:, 4:7], "rad_s"),
        source=p.name,
    )


# ---------------------------------------------------------------------------------------------
# FIT


def _fit_stream(
    frames: Sequence[Any], message: str, prefix: str, path: Path
) -> tuple[FloatArray, FloatArray] | None:
    times: list[FloatArray] = []
    values: list[FloatArray] = []
    calib: dict[str, float] | None = None
    for frame in frames:
        if frame.name == "three_d_sensor_calibration" and prefix == "accel":
            sensor = frame.get_value("sensor_type", fallback=None)
            if sensor in ("accelerometer", 0):
                calib = {
                    "factor": float(frame.get_value("calibration_factor")),
                    "divisor": float(frame.get_value("calibration_divisor")),
                    "shift": float(frame.get_value("level_shift")),
                    "offset": float(frame.get_value("offset_cal", fallback=0) or 0),
                }
        if frame.name != message:
            continue
        ts = frame.get_raw_value("timestamp", fallback=None)
        if ts is None:
            raise FileFormatError(f"a {message} message has no timestamp.", path=path)
        ms = frame.get_value("timestamp_ms", fallback=0) or 0
        offsets = frame.get_value("sample_time_offset", fallback=None)
        cal = [frame.get_value(f"calibrated_{prefix}_{a}", fallback=None) for a in "xyz"]
        if all(c is not None for c in cal):
            xyz = np.column_stack([np.atleast_1d(np.asarray(c, dtype=np.float64)) for c in cal])
        else:
            raw = [frame.get_value(f"{prefix}_{a}", fallback=None) for a in "xyz"]
            if any(r is None for r in raw):
                raise FileFormatError(
                    f"a {message} message has neither calibrated nor raw x, y, z values.",
                    path=path,
                )
            if calib is None:
                raise FileFormatError(
                    f"{message} holds raw counts and the file has no "
                    "three_d_sensor_calibration message to convert them.",
                    path=path,
                )
            counts = np.column_stack([np.atleast_1d(np.asarray(r, dtype=np.float64)) for r in raw])
            xyz = (counts - calib["shift"] - calib["offset"]) * calib["factor"] / calib["divisor"]
            xyz = xyz / 1000.0  # calibrated counts are in milli-g
        n = xyz.shape[0]
        off = (
            np.atleast_1d(np.asarray(offsets, dtype=np.float64))
            if offsets is not None
            else np.arange(n) * (1000.0 / max(n, 1))
        )
        if off.size != n:
            raise FileFormatError(
                f"a {message} message has {off.size} time offsets for {n} samples.", path=path
            )
        base = float(ts) + float(ms) / 1000.0
        times.append(base + off / 1000.0)
        values.append(xyz)
    if not values:
        return None
    return np.concatenate(times), np.concatenate(values)


def read_fit(path: str | Path) -> MotionRecording:
    """Read accelerometer (and gyroscope) samples from a FIT file with fitdecode.

    Raises
    ------
    mindmuscle.errors.FileFormatError
        Not a FIT file, a corrupt one, or one without ``accelerometer_data`` messages.
    """
    import fitdecode

    path = Path(path)
    if not path.is_file():
        raise InvalidInputError(f"No such file: {path}.")
    frames: list[Any] = []
    try:
        with fitdecode.FitReader(str(path)) as reader:
            for frame in reader:
                if frame.frame_type == fitdecode.FIT_FRAME_DATA:
                    frames.append(frame)
    except fitdecode.FitError as exc:
        raise FileFormatError(f"not a readable FIT file: {exc}", path=path) from exc
    acc = _fit_stream(frames, "accelerometer_data", "accel", path)
    if acc is None:
        raise FileFormatError(
            "the FIT file has no accelerometer_data messages; record with a device or app that "
            "logs raw accelerometer data, or export the recording as CSV.",
            path=path,
        )
    gyro = _fit_stream(frames, "gyroscope_data", "gyro", path)
    return MotionRecording(
        t_s=acc[0],
        acc_ms2=acc[1] * STANDARD_GRAVITY_MS2,
        gyro_t_s=None if gyro is None else gyro[0],
        gyro_dps=None if gyro is None else gyro[1],
        source=path.name,
    )


# ---------------------------------------------------------------------------------------------
# JSON from the web page


def _number_list(payload: Mapping[str, Any], key: str, n: int | None) -> FloatArray:
    values = payload.get(key)
    if not isinstance(values, list):
        raise FileFormatError(
            f"{key!r} must be a list of numbers, got {type(values).__name__}.",
            path="recording",
            column=key,
        )
    if n is not None and len(values) != n:
        raise FileFormatError(
            f"{key!r} has {len(values)} values where 't_ms' has {n}; every list needs one value "
            "per sample.",
            path="recording",
            column=key,
        )
    out = np.empty(len(values), dtype=np.float64)
    for i, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
            raise FileFormatError(
                f"{key!r}[{i}] is {v!r}, not a finite number.", path="recording", column=key
            )
        out[i] = float(v)
    return out


def recording_from_payload(payload: Mapping[str, Any]) -> MotionRecording:
    """Build a recording from the JSON the web page sends with a set.

    The payload (all lists the same length)::

        {
          "t_ms": [0, 16.7, 33.4, ...],        # event timestamps in milliseconds (any origin)
          "ax": [...], "ay": [...], "az": [...],  # DeviceMotionEvent.accelerationIncludingGravity
          "gx": [...], "gy": [...], "gz": [...],  # optional: rotationRate beta, gamma, alpha
          "units": "ms2",                      # or "g"
          "rotation_units": "deg_s"            # or "rad_s"
        }

    ``rate_hz`` may replace ``t_ms`` for evenly spaced samples. A browser reports
    ``rotationRate`` in deg/s with ``alpha`` about z, ``beta`` about x and ``gamma`` about y, so the
    page sends ``gx = beta, gy = gamma, gz = alpha``.

    Raises
    ------
    mindmuscle.errors.FileFormatError
        A missing key, a list of the wrong length, or a value that is not a number.
    mindmuscle.errors.InvalidSignalError
        Too few samples.
    """
    if not isinstance(payload, Mapping):
        raise FileFormatError(
            f"the recording must be a JSON object, got {type(payload).__name__}.",
            path="recording",
        )
    for key in ("ax", "ay", "az"):
        if key not in payload:
            raise FileFormatError(
                f"missing {key!r}; the recording needs t_ms, ax, ay and az.",
                path="recording",
                column=key,
            )
    if "t_ms" in payload:
        t_s = _number_list(payload, "t_ms", None) / 1000.0
    elif "rate_hz" in payload:
        rate = payload["rate_hz"]
        if not MOTION_RATE_HZ.ok(rate):
            raise FileFormatError(
                f"'rate_hz' is {rate!r}; {MOTION_RATE_HZ.allowed()}.",
                path="recording",
                column="rate_hz",
            )
        n_ax = len(payload["ax"]) if isinstance(payload["ax"], list) else 0
        t_s = np.arange(n_ax) / float(rate)
    else:
        raise FileFormatError(
            "missing 't_ms' (timestamps in milliseconds) or 'rate_hz'.",
            path="recording",
            column="t_ms",
        )
    n = t_s.size
    acc = np.column_stack([_number_list(payload, k, n) for k in ("ax", "ay", "az")])
    units = payload.get("units", "ms2")
    if units not in ("g", "ms2"):
        raise FileFormatError(
            f"'units' is {units!r}; allowed are 'ms2' and 'g'.", path="recording", column="units"
        )
    gyro = None
    if any(k in payload for k in ("gx", "gy", "gz")):
        gyro = np.column_stack([_number_list(payload, k, n) for k in ("gx", "gy", "gz")])
        rot_units = payload.get("rotation_units", "deg_s")
        if rot_units not in ("deg_s", "rad_s"):
            raise FileFormatError(
                f"'rotation_units' is {rot_units!r}; allowed are 'deg_s' and 'rad_s'.",
                path="recording",
                column="rotation_units",
            )
        gyro = _gyro_to_dps(gyro, rot_units)
    return MotionRecording(
        t_s=t_s,
        acc_ms2=_accel_to_ms2(acc, units, "recording"),
        gyro_t_s=None if gyro is None else t_s,
        gyro_dps=gyro,
        source="web recording",
    )


def payload_from_recording(rec: MotionRecording) -> dict[str, Any]:
    """The JSON object of :func:`recording_from_payload` that holds ``rec``: times in ms from
    the first sample, acceleration in m/s^2 and the gyroscope (when there is one) in deg/s on
    the accelerometer's times (interpolated when it has its own).

    Examples
    --------
    >>> import numpy as np
    >>> rec = MotionRecording(np.arange(20) / 10 + 5, np.tile([0.0, 0.0, 9.81], (20, 1)))
    >>> p = payload_from_recording(rec)
    >>> p["t_ms"][:3], p["az"][0], p["units"], "gx" in p
    ([0.0, 100.0, 200.0], 9.81, 'ms2', False)
    >>> round(recording_from_payload(p).duration_s, 6) == round(rec.duration_s, 6)
    True
    """
    t = rec.t_s - rec.t_s[0]
    out: dict[str, Any] = {"t_ms": [round(float(v) * 1000.0, 3) for v in t], "units": "ms2"}
    for i, key in enumerate(("ax", "ay", "az")):
        out[key] = [float(v) for v in rec.acc_ms2[:, i]]
    if rec.gyro_t_s is not None and rec.gyro_dps is not None:
        same = rec.gyro_t_s.size == rec.t_s.size and np.array_equal(rec.gyro_t_s, rec.t_s)
        for i, key in enumerate(("gx", "gy", "gz")):
            g = rec.gyro_dps[:, i] if same else np.interp(rec.t_s, rec.gyro_t_s, rec.gyro_dps[:, i])
            out[key] = [float(v) for v in g]
        out["rotation_units"] = "deg_s"
    return out


def _read_json(path: Path) -> MotionRecording:
    if not path.is_file():
        raise InvalidInputError(f"No such file: {path}.")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise FileFormatError("not a UTF-8 text file.", path=path) from exc
    payload = parse_json(text, path=path)
    try:
        return recording_from_payload(payload)
    except FileFormatError as exc:
        raise FileFormatError(exc.reason, path=path, column=exc.column) from exc


# ---------------------------------------------------------------------------------------------
# Dispatch


def detect_format(path: str | Path) -> str:
    """Guess the format from the extension and, for CSV, the header."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".fit":
        return "fit"
    if suffix == ".json":
        return "json"
    if not p.is_file():
        raise InvalidInputError(f"No such file: {p}.")
    with p.open("rb") as fh:
        head = fh.read(64)
    if head[8:12] == b".FIT":
        return "fit"
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff").lower()
    if text.startswith("epoch"):
        return "metamotion"
    if text.lstrip().startswith("{"):
        return "json"
    if text.replace(" ", "").startswith(",".join(_WATCH_HEADER)) and _watch_label(p) is not None:
        return "watch"
    return "csv"


def read_motion_file(
    path: str | Path,
    *,
    fmt: str = "auto",
    rate_hz: float | None = None,
    units: AccelUnits | None = None,
    gyro_units: GyroUnits = "deg_s",
) -> MotionRecording:
    """Read any supported motion file (see the module docstring for the formats).

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        Unknown format name or missing file.
    mindmuscle.errors.FileFormatError
        A malformed file (with line and column where known).
    """
    if fmt not in FORMATS:
        raise InvalidInputError(
            f"Unknown motion file format {fmt!r}; allowed are {', '.join(FORMATS)}."
        )
    chosen = detect_format(path) if fmt == "auto" else fmt
    if chosen == "csv":
        return read_generic_csv(path, rate_hz=rate_hz, units=units, gyro_units=gyro_units)
    if chosen == "metamotion":
        return read_metamotion(path)
    if chosen == "fit":
        return read_fit(path)
    if chosen == "muvr":
        return read_muvr_csv(path, rate_hz=rate_hz)
    if chosen == "watch":
        return read_watch_csv(path, units=units)
    return _read_json(Path(path))
