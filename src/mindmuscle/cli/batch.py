"""``mindmuscle batch motion|emg PATH...``: many recordings, one row each, here or on a cluster."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from mindmuscle.cli._app import app, check_rate, console, err_console
from mindmuscle.errors import counted
from mindmuscle.services.batch import (
    BatchOptions,
    BatchResult,
    BatchRow,
    Kind,
    batch_files,
    run_batch,
    table,
)

batch_app = typer.Typer(
    help="Analyse many motion or EMG recordings at once, here or on a Dask cluster: one row each.",
    no_args_is_help=True,
)
app.add_typer(batch_app, name="batch")

Paths = Annotated[
    list[Path], typer.Argument(help="Files, and folders searched for files of this kind.")
]
Out = Annotated[
    Path | None,
    typer.Option("--out", help="Write the rows here: .csv, or .json (default: print a table)."),
]
Workers = Annotated[
    int | None,
    typer.Option("--workers", min=1, help="Processes on this machine (default: one per core)."),
]
Scheduler = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="A Dask scheduler's address (tcp://HOST:8786) to run on its cluster instead; "
        "the files are sent to it (the lab extra).",
    ),
]
Rate = Annotated[
    float | None, typer.Option("--rate", help="Sampling rate in Hz, for files without times.")
]


def _run(kind: Kind, paths: list[Path], options: BatchOptions, out: Path | None,
         workers: int | None, scheduler: str | None) -> None:  # fmt: skip
    if out is not None and out.suffix.lower() not in (".csv", ".json"):
        raise typer.BadParameter(
            f"{str(out)!r} is not allowed: give a .csv or a .json file.", param_hint="'--out'"
        )
    check_rate(options.rate_hz)
    files = batch_files(kind, paths)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as progress:
        task = progress.add_task(f"Analysing {counted(len(files), 'file')}", total=len(files))

        def step(row: BatchRow) -> None:
            progress.advance(task)

        result = run_batch(kind, files, options, workers=workers, scheduler=scheduler, on_row=step)
    if out is not None:
        _write(result, out)
    else:
        _print(result)
    ok = len(result.rows) - len(result.refused)
    typer.echo(
        f"Analysed {counted(len(result.rows), 'file')} in {result.seconds:.1f} s on "
        f"{result.where}: {ok} analysed, {len(result.refused)} refused"
        + (f"; rows in {out}." if out is not None else ".")
    )
    for row in result.refused:
        error = row.error or ""
        typer.echo(f"Refused: {error if error.startswith(row.file) else f'{row.file}: {error}'}")
    if result.refused:
        raise typer.Exit(1)


def _write(result: BatchResult, out: Path) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    if out.suffix.lower() == ".json":
        out.write_text(json.dumps(result.model_dump(mode="json"), indent=1), encoding="utf-8")
        return
    columns, rows = table(result)
    with out.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)


def _print(result: BatchResult) -> None:
    columns, rows = table(result)
    shown = [c for c in columns if c != "error"]
    # Names below the folder the files share, so the table shows what tells them apart.
    files = [Path(r["file"]).resolve() for r in rows]
    base = Path(os.path.commonpath(files)) if len(files) > 1 else files[0].parent
    t = Table(*shown, box=None, pad_edge=False)
    for r, f in zip(rows, files, strict=True):
        if r["error"]:
            continue
        cells = {**r, "file": str(f.relative_to(base))}
        t.add_row(*("" if cells.get(c) is None else str(cells.get(c)) for c in shown))
    console.print(t)


@batch_app.command("motion")
def motion(
    paths: Paths,
    out: Out = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="File format of every file (default: each's).")
    ] = None,
    rate: Rate = None,
    units: Annotated[
        str | None, typer.Option("--units", help="Acceleration units g or ms2 (default: each's).")
    ] = None,
    exercise: Annotated[
        str | None, typer.Option("--exercise", help="Exercise id of every set, if one.")
    ] = None,
) -> None:
    """Count the repetitions and find the set in every motion file, as `motion FILE` does."""
    _run(
        "motion",
        paths,
        BatchOptions(fmt=fmt, rate_hz=rate, units=units, exercise_id=exercise),
        out,
        workers,
        scheduler,
    )


@batch_app.command("emg")
def emg(
    paths: Paths,
    out: Out = None,
    workers: Workers = None,
    scheduler: Scheduler = None,
    rate: Rate = None,
    target: Annotated[
        str | None, typer.Option("--target", help="Channel of the trained muscle (default: first).")
    ] = None,
    notch: Annotated[
        float | None, typer.Option("--notch", help="Mains notch at 50 or 60 Hz.")
    ] = None,
) -> None:
    """Analyse every EMG file as `emg FILE` does: repetitions, channels and duration."""
    if notch is not None and notch not in (50.0, 60.0):
        raise typer.BadParameter(
            f"{notch:g} Hz is not a mains frequency: give 50 or 60, or leave it out.",
            param_hint="'--notch'",
        )
    _run("emg", paths, BatchOptions(rate_hz=rate, target=target, mains_hz=notch), out, workers,
         scheduler)  # fmt: skip
