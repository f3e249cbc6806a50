"""Motion analysis for the command line and the web app: read, look up the exercise, analyse."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mindmuscle.catalog import Catalog, load_catalog
from mindmuscle.catalog.models import Movement, Tempo
from mindmuscle.io.motion import AccelUnits, GyroUnits, read_motion_file, recording_from_payload
from mindmuscle.signals.motion import (
    MotionAnalysis,
    MotionRecording,
    MotionTrace,
    analyze_motion_trace,
)

__all__ = ["analyze_file", "analyze_file_trace", "analyze_recording", "analyze_web_recording"]


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
    return analyze_motion_trace(
        rec, concentric=concentric, tempo=_tempo(tempo), alternating=alternate
    )


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
    # Fail on a bad exercise id before reading a big file.
    concentric, alternate = _exercise(exercise_id, alternating)
    rec = read_motion_file(path, fmt=fmt, rate_hz=rate_hz, units=units, gyro_units=gyro_units)
    return analyze_motion_trace(
        rec, concentric=concentric, tempo=_tempo(tempo), alternating=alternate
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
) -> MotionAnalysis:
    """Analyse the recording the phone page sends with a set.

    ``catalog`` is the user's (their own exercises included; default: the built-in one).

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
        rec, concentric=concentric, tempo=_tempo(tempo), alternating=alternating
    )[0]
