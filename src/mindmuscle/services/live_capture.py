"""Keep a live EMG stream's samples between the start and the done of each set.

A guided session reads the sensor all along (so the device's buffer never overflows and a lost
stream is noticed at once) and keeps the mapped channels only while a set runs::

    capture = SetCapture(open_source("lsl:EMG"), parse_channel_map("1=biceps", labels))
    capture.start()              # the set starts
    taken = capture.stop()       # the set is done: its recording, or why there is none
    capture.close()

:class:`SetCapture` touches no database; the set's write path stores what it took
(:mod:`mindmuscle.services.emg_sets`).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mindmuscle.errors import InvalidSignalError, StreamError
from mindmuscle.io.live import LiveSource
from mindmuscle.signals.emg import EmgRecording, parse_emg_unit
from mindmuscle.signals.emg.gaps import Missing, missing_samples

__all__ = ["CapturedSet", "SetCapture", "set_missing"]

_MIN_SECONDS = 1.0


def set_missing(timestamps: npt.NDArray[np.float64], sfreq_hz: float, reported: int) -> Missing:
    """The samples missing in one set's stream, as the terminal and the web both say it: those
    the source counted itself (a board's sample counter), else those its timestamps lack
    (:func:`~mindmuscle.signals.emg.gaps.missing_samples`)."""
    from_times = missing_samples(timestamps, sfreq_hz)
    if reported:
        return Missing(reported, from_times.gaps or 1)
    return from_times


@dataclass(frozen=True)
class CapturedSet:
    """What the stream gave during one set: the recording (None when there is nothing to
    keep), its timestamps, and in words why there is no recording or what was wrong."""

    recording: EmgRecording | None
    timestamps: npt.NDArray[np.float64] | None
    problem: str = ""
    stalls: int = 0
    missing: int = 0
    """Samples missing in the set (:func:`set_missing`)."""


class SetCapture:
    """Reads ``source`` in a background thread; keeps the mapped rows during a set.

    Parameters
    ----------
    source : LiveSource
        An open live source (closed by :meth:`close`).
    mapping : sequence of (index, muscle)
        0-based rows of the stream and their muscles (``parse_channel_map``).
    """

    def __init__(self, source: LiveSource, mapping: Sequence[tuple[int, str]]) -> None:
        self.source = source
        self.rows = [i for i, _ in mapping]
        self.muscles = tuple(m for _, m in mapping)
        self._lock = threading.Lock()
        self._recording = False
        self._data: list[npt.NDArray[np.float64]] = []
        self._times: list[npt.NDArray[np.float64]] = []
        self._dropped = 0
        self._lost = ""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="emg-capture", daemon=True)
        self._thread.start()

    @property
    def lost(self) -> str:
        """Why the stream is gone (empty while it runs)."""
        return self._lost

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                chunk = self.source.read(0.05)
            except StreamError as exc:
                self._lost = str(exc) or "the stream was lost"
                return
            except Exception as exc:  # a driver's own error: the stream is gone all the same
                self._lost = f"the stream failed ({exc})"
                return
            if not chunk.n_samples:
                continue
            with self._lock:
                if self._recording:
                    self._data.append(np.asarray(chunk.data[self.rows], dtype=np.float64))
                    self._times.append(np.asarray(chunk.timestamps, dtype=np.float64))
                    self._dropped += int(chunk.dropped or 0)

    def start(self) -> None:
        """A set starts: keep the samples from now on (what an earlier set left is dropped)."""
        with self._lock:
            self._data, self._times, self._dropped = [], [], 0
            self._recording = True

    def stop(self) -> CapturedSet:
        """The set is done: its samples as a recording named by the muscles."""
        with self._lock:
            self._recording = False
            data, times, dropped = self._data, self._times, self._dropped
            self._data, self._times = [], []
        if not times:
            why = f"the stream was lost ({self._lost})" if self._lost else "no samples came"
            return CapturedSet(None, None, f"no EMG for this set: {why}")
        x = np.concatenate(data, axis=1)
        ts = np.concatenate(times)
        rate = float(self.source.sfreq_hz)
        if ts.size < _MIN_SECONDS * rate:
            return CapturedSet(
                None, None, f"no EMG for this set: only {ts.size / rate:.1f} s of samples came"
            )
        missing = set_missing(ts, rate, dropped)
        problem = ""
        if self._lost:
            problem = f"the stream was lost during the set ({self._lost}): kept what came before"
        elif missing.samples:
            problem = f"{missing.samples} samples were missing in {missing.gaps} gap(s)"
        try:
            unit = parse_emg_unit(self.source.unit)
            recording = EmgRecording(x, rate, self.muscles, (unit,))
        except InvalidSignalError as exc:
            return CapturedSet(None, None, f"no EMG for this set: {exc}")
        return CapturedSet(recording, ts, problem, missing.gaps, missing.samples)

    def close(self) -> None:
        """Stop reading and close the source."""
        self._stop.set()
        self._thread.join(timeout=2.0)
        self.source.close()
