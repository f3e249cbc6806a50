"""Many recordings analysed at once: a lab's folder of motion or EMG files, one row per file.

Each file is analysed exactly as ``mindmuscle motion FILE`` or ``mindmuscle emg FILE`` analyses it,
in worker processes on this machine (``workers``), or on a Dask cluster (``scheduler``: the
address of a ``dask.distributed`` scheduler; the ``lab`` extra). The cluster's workers get each
file's bytes, so they need no shared folder. A file that cannot be read or analysed gets a row
with the reason, and the others go on: nothing is dropped.
"""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mindmuscle.errors import InvalidInputError, MindMuscleError

__all__ = [
    "MAX_FILES",
    "BatchOptions",
    "BatchResult",
    "BatchRow",
    "Kind",
    "analyse_bytes",
    "analyse_one",
    "batch_files",
    "run_batch",
    "table",
]

Kind = Literal["motion", "emg"]

#: The file names a folder is searched for, per kind (a file given by name is always taken).
SUFFIXES: dict[str, tuple[str, ...]] = {
    "motion": (".csv", ".json", ".fit", ".txt"),
    "emg": (".csv", ".txt", ".tsv", ".edf", ".bdf", ".xdf", ".xdfz"),
}
#: Files beside recordings that describe them (a watch folder's labels, a dataset's manifest):
#: not searched for in a folder.
SIDECARS = frozenset({"labels.csv", "manifest.csv"})
#: The most files one batch takes (a check before any work).
MAX_FILES = 100_000


@dataclass(frozen=True)
class BatchOptions:
    """How to read every file of a batch (as the single-file commands' options)."""

    fmt: str | None = None
    rate_hz: float | None = None
    units: str | None = None
    exercise_id: str | None = None
    target: str | None = None
    mains_hz: float | None = None


class BatchRow(BaseModel):
    """One file's result: its numbers, or why it has none."""

    model_config = ConfigDict(frozen=True)

    file: str
    error: str | None = None
    values: dict[str, float | int | str | None] = Field(default_factory=dict)
    seconds: float = Field(description="Time the analysis took (reading included).")


class BatchResult(BaseModel):
    """Every row, in the order the files were given, and how the batch ran."""

    model_config = ConfigDict(frozen=True)

    kind: Kind
    rows: list[BatchRow]
    where: str = Field(description="'this machine, 2 processes' or the scheduler's address.")
    seconds: float

    @property
    def refused(self) -> list[BatchRow]:
        """The rows of files that could not be analysed."""
        return [r for r in self.rows if r.error is not None]


def batch_files(kind: Kind, paths: Sequence[str | Path]) -> list[Path]:
    """The files to analyse: each file given, and a folder's files of the kind (recursively),
    in name order, without repeats.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        A path that does not exist, no file at all, or more than :data:`MAX_FILES`.
    """
    found: dict[Path, None] = {}
    for given in paths:
        p = Path(given)
        if p.is_dir():
            for f in sorted(p.rglob("*")):
                if (
                    f.is_file()
                    and f.suffix.lower() in SUFFIXES[kind]
                    and f.name.lower() not in SIDECARS
                ):
                    found[f] = None
        elif p.is_file():
            found[p] = None
        else:
            raise InvalidInputError(f"{str(given)!r} is not a file or a folder.")
        if len(found) > MAX_FILES:
            raise InvalidInputError(
                f"More than {MAX_FILES} files given: split the batch (at most {MAX_FILES})."
            )
    if not found:
        kinds = ", ".join(SUFFIXES[kind])
        raise InvalidInputError(f"No {kind} file found in what was given (looked for {kinds}).")
    return list(found)


def _motion_values(path: Path, o: BatchOptions) -> dict[str, float | int | str | None]:
    from mindmuscle.services.motion import analyze_file

    a = analyze_file(
        path,
        fmt=o.fmt or "auto",
        exercise_id=o.exercise_id,
        rate_hz=o.rate_hz,
        units=o.units,  # type: ignore[arg-type]
    )
    return {
        "reps": a.reps,
        "partial_reps": a.partial_reps,
        "rep_period_s": a.rep_period_s,
        "tut_s": round(a.tut_s, 3),
        "active_start_s": a.active_start_s,
        "active_end_s": a.active_end_s,
        "duration_s": round(a.duration_s, 3),
        "quality": a.quality.status,
        "sfreq_hz": round(a.quality.sfreq_hz, 3),
    }


def _emg_values(path: Path, o: BatchOptions) -> dict[str, float | int | str | None]:
    from mindmuscle.services.emg import analyze_emg_file

    a = analyze_emg_file(
        path,
        target=o.target,
        rate_hz=o.rate_hz,
        units=o.units,
        fmt=o.fmt,  # type: ignore[arg-type]
        mains_hz=o.mains_hz,
    ).analysis
    return {
        "reps": a.n_reps,
        "target": a.target,
        "channels": " ".join(c.name for c in a.channels),
        "duration_s": round(a.duration_s, 3),
        "sfreq_hz": a.sfreq_hz,
        "warnings": len(a.warnings),
    }


_ANALYSIS_MODULES = {"motion": "mindmuscle.services.motion", "emg": "mindmuscle.services.emg"}


def analyse_one(kind: Kind, path: str | Path, options: BatchOptions, name: str = "") -> BatchRow:
    """Analyse one file as its single-file command does; a refusal becomes the row's error."""
    start = time.perf_counter()
    shown = name or str(path)
    from mindmuscle.signals.emg.filters import BandNarrowedWarning  # with the analysis

    try:
        with warnings.catch_warnings():
            # Said in the row's warnings already; a worker has no terminal to say it on.
            warnings.simplefilter("ignore", BandNarrowedWarning)
            values = (_motion_values if kind == "motion" else _emg_values)(Path(path), options)
    except MindMuscleError as exc:
        return BatchRow(file=shown, error=str(exc), seconds=time.perf_counter() - start)
    except (ValueError, OSError, MemoryError, RecursionError) as exc:  # no reader foresaw it
        return BatchRow(
            file=shown,
            error=f"could not be analysed: {type(exc).__name__}: {exc}",
            seconds=time.perf_counter() - start,
        )
    return BatchRow(file=shown, values=values, seconds=time.perf_counter() - start)


def analyse_bytes(kind: Kind, name: str, data: bytes, options: BatchOptions) -> BatchRow:
    """Analyse a file sent as its bytes (a cluster worker, which may not see the lab's folders),
    under its own name, so a reader that goes by the name (format, a watch's labels) still
    can."""
    with tempfile.TemporaryDirectory(prefix="mindmuscle-batch-") as tmp:
        p = Path(tmp) / Path(name).name
        p.write_bytes(data)
        row = analyse_one(kind, p, options, name=name)
    if row.error is not None:  # said of the file as the lab named it, not of the copy
        row = row.model_copy(update={"error": row.error.replace(str(p), name)})
    return row


def _local(
    kind: Kind, files: list[Path], options: BatchOptions, workers: int
) -> Iterable[tuple[int, BatchRow]]:
    if workers == 1:
        for i, f in enumerate(files):
            yield i, analyse_one(kind, f, options)
        return
    # Workers forked from a server process started fresh (safe beside the threads of a progress
    # display) that has imported the analysis once: a worker of its own would spend seconds
    # importing scipy before its first file.
    context = get_context("forkserver")
    context.set_forkserver_preload([_ANALYSIS_MODULES[kind], __name__])
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(analyse_one, kind, f, options): i for i, f in enumerate(files)}
        for fut in as_completed(futures):
            yield futures[fut], fut.result()


def _dask(
    kind: Kind, files: list[Path], options: BatchOptions, scheduler: str
) -> Iterable[tuple[int, BatchRow]]:
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise InvalidInputError(
            "Running on a Dask cluster needs the lab extra: pip install 'mindmuscle[lab]'."
        ) from None
    try:
        client = Client(scheduler, timeout="10s")  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError) as exc:
        raise InvalidInputError(
            f"No Dask scheduler answered at {scheduler!r} ({exc}); give its address, e.g. "
            "tcp://10.0.0.5:8786."
        ) from None
    with client:
        # A few files per worker in flight, the next sent as one ends: a lab's folder is read
        # and held a window at a time, never all at once.
        window = max(2, 2 * len(client.scheduler_info().get("workers", {})))
        pending = iter(enumerate(files))
        futures: dict[Any, int] = {}

        def send() -> Any | None:
            """Send the next file, if any is left; its future."""
            nxt = next(pending, None)
            if nxt is None:
                return None
            i, f = nxt
            fut = client.submit(analyse_bytes, kind, str(f), f.read_bytes(), options, pure=False)
            futures[fut] = i
            return fut

        first = [fut for fut in (send() for _ in range(window)) if fut is not None]
        running = dask_completed(first)  # type: ignore[no-untyped-call]
        for fut in running:
            yield futures.pop(fut), fut.result()
            more = send()
            if more is not None:
                running.add(more)  # type: ignore[no-untyped-call]


def run_batch(
    kind: Kind,
    files: Sequence[Path],
    options: BatchOptions,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    on_row: Callable[[BatchRow], None] | None = None,
) -> BatchResult:
    """Analyse every file (see the module docstring); ``on_row`` is called as each one ends.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        A worker count below 1, or a scheduler that cannot be reached (or no Dask installed).
    """
    if workers is not None and workers < 1:
        raise InvalidInputError(f"Workers {workers} is not allowed: give 1 or more.")
    count = workers or min(len(files), os.cpu_count() or 1)
    start = time.perf_counter()
    rows: list[BatchRow | None] = [None] * len(files)
    if scheduler is not None:
        done: Iterable[tuple[int, BatchRow]] = _dask(kind, list(files), options, scheduler)
        where = f"the Dask cluster at {scheduler}"
    else:
        done = _local(kind, list(files), options, max(1, count))
        where = f"this machine, {count} process{'es' if count != 1 else ''}"
    for i, row in done:
        rows[i] = row
        if on_row is not None:
            on_row(row)
    return BatchResult(
        kind=kind,
        rows=[r for r in rows if r is not None],
        where=where,
        seconds=time.perf_counter() - start,
    )


def table(result: BatchResult) -> tuple[list[str], list[dict[str, Any]]]:
    """The result as columns and rows for a CSV file: file, every value, error."""
    columns: dict[str, None] = {"file": None}
    for r in result.rows:
        columns.update(dict.fromkeys(r.values))
    columns["error"] = None
    return list(columns), [
        {"file": r.file, **r.values, "error": r.error or ""} for r in result.rows
    ]
