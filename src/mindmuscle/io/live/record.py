"""Record a live stream's mapped channels to a CSV that ``mindmuscle emg`` reads back."""

from __future__ import annotations

from pathlib import Path
from typing import TextIO

import numpy as np

from mindmuscle.errors import InvalidInputError
from mindmuscle.io.live import Chunk

__all__ = ["LiveRecorder"]


class LiveRecorder:
    """Append each chunk's mapped rows to ``path``: a ``t`` column (seconds from the first
    sample, from the stream's timestamps) and one ``MUSCLE [unit]`` column per muscle.

    Use as a context manager, or call :meth:`close`.
    """

    def __init__(
        self, path: str | Path, *, rows: list[int], names: list[str], unit: str, sfreq_hz: float
    ) -> None:
        p = Path(path)
        if p.suffix.lower() != ".csv":
            raise InvalidInputError(
                f"--record {str(path)!r} is not allowed: the recording is written as CSV, so "
                "give a file name ending in .csv."
            )
        self.path = p
        self._rows = rows
        self._t0: float | None = None
        self.n_samples = 0
        self._file: TextIO = p.open("w", encoding="utf-8", newline="")
        self._file.write(f"# Sampling Rate (Hz):= {sfreq_hz:g}\n")
        self._file.write(",".join(["t", *(f"{n} [{unit}]" for n in names)]) + "\n")

    def write(self, chunk: Chunk) -> None:
        if chunk.n_samples == 0:
            return
        if self._t0 is None:
            self._t0 = float(chunk.timestamps[0])
        table = np.column_stack([chunk.timestamps - self._t0, chunk.data[self._rows].T])
        np.savetxt(self._file, table, fmt="%.6f", delimiter=",")
        self.n_samples += chunk.n_samples

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> LiveRecorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
