"""``mindmuscle emg FILE``: analyse an EMG recording (quality, onsets, repetitions, ratios)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from mindmuscle.cli._app import app, check_rate, console, err_console
from mindmuscle.io.plots.emg import write_emg_report
from mindmuscle.services.emg import analyze_emg_file
from mindmuscle.signals.emg import EmgResult

__all__ = ["emg_command"]

_LONG_FILE_BYTES = 2_000_000


class UnitChoice(StrEnum):
    UV = "uV"
    MV = "mV"
    V = "V"


class FormatChoice(StrEnum):
    CSV = "csv"
    EDF = "edf"
    XDF = "xdf"
    BRAINFLOW = "brainflow"


def _print_summary(result: EmgResult) -> None:
    a = result.analysis
    console.print(
        f"{a.duration_s:.1f} s at {a.sfreq_hz:g} Hz, band {a.band_hz[0]:g}-{a.band_hz[1]:g} Hz: "
        f"{a.n_reps} repetition{'' if a.n_reps == 1 else 's'} on {a.target} (from {a.rep_source})"
    )
    ch_table = Table(title="Channels")
    for col in ("channel", "role", "unit", "bursts", "normalised to", "quality"):
        ch_table.add_column(col)
    for ch in a.channels:
        ch_table.add_row(
            ch.name,
            ch.role,
            ch.unit,
            str(len(ch.bursts)),
            ch.normalisation,
            "; ".join(ch.quality.issues) or "ok",
        )
    console.print(ch_table)
    target = a.channel(a.target)
    if target.reps:
        pct = {"mvc": "%MVC", "reference": "%ref"}.get(target.normalisation, "%peak")
        reps = Table(title=f"Repetitions of {a.target}")
        for col in ("rep", "start s", "end s", f"peak {pct}", f"mean {pct}", "RMS", "MDF Hz"):
            reps.add_column(col, justify="right")
        for r in target.reps:
            reps.add_row(
                str(r.rep),
                f"{r.start_s:.2f}",
                f"{r.end_s:.2f}",
                f"{r.peak_pct:.1f}",
                f"{r.mean_pct:.1f}",
                f"{r.rms:.4g}",
                "" if r.median_freq_hz is None else f"{r.median_freq_hz:.1f}",
            )
        console.print(reps)
    # Over the whole recording (the live view shows the same for the last repetition).
    for ratio in a.ratios:
        value = "n/a" if ratio.ratio is None else f"{ratio.ratio:.2f}"
        console.print(
            f"target:synergist {a.target}:{ratio.synergist}, whole recording = {value}",
            soft_wrap=True,
        )
    for bal in a.balance:
        share = "n/a" if bal.left_share_pct is None else f"{bal.left_share_pct:.1f}%"
        basis = " (raw amplitude, not calibrated)" if bal.basis == "raw" else ""
        console.print(
            f"balance {bal.muscle}, whole recording: left share {share}{basis}", soft_wrap=True
        )
    for f in a.fatigue:
        if f.rms_slope_pct_per_rep is None or f.median_freq_slope_hz_per_rep is None:
            continue
        sign = " (signs of fatigue)" if f.fatigue_signs else ""
        console.print(
            f"fatigue {f.channel}: RMS {f.rms_slope_pct_per_rep:+.1f} %/rep "
            f"(p = {f.rms_slope_p:.2g}), median frequency "
            f"{f.median_freq_slope_hz_per_rep:+.2f} Hz/rep (p = {f.median_freq_slope_p:.2g}){sign}"
        )
    for w in a.warnings:
        err_console.print(f"warning: {w}")


@app.command("emg")
def emg_command(
    file: Annotated[Path, typer.Argument(help="EMG recording: CSV, EDF/BDF, XDF or BrainFlow.")],
    target: Annotated[
        str | None, typer.Option("--target", help="Channel of the trained muscle (default: first).")
    ] = None,
    synergist: Annotated[
        list[str] | None,
        typer.Option("--synergist", help="Channel of a helper muscle (repeatable)."),
    ] = None,
    mvc: Annotated[
        Path | None, typer.Option("--mvc", help="MVC recording with the same channels.")
    ] = None,
    reference: Annotated[
        bool,
        typer.Option(
            "--reference",
            help="The --mvc file is a submaximal reference contraction, not a maximal one.",
        ),
    ] = False,
    rate: Annotated[
        float | None,
        typer.Option("--rate", help="Sampling rate in Hz (CSV without 't')."),
    ] = None,
    units: Annotated[
        UnitChoice | None, typer.Option("--units", help="Unit of the samples (default mV).")
    ] = None,
    fmt: Annotated[
        FormatChoice | None, typer.Option("--format", help="File format (default: extension).")
    ] = None,
    board_id: Annotated[
        int | None, typer.Option("--board-id", help="BrainFlow board id of a BrainFlow file.")
    ] = None,
    notch: Annotated[
        float | None, typer.Option("--notch", help="Mains notch at 50 or 60 Hz.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the analysis as JSON.")] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write an HTML report (works offline).")
    ] = None,
) -> None:
    """Analyse an EMG recording: quality, onsets, repetitions with features, ratios, fatigue."""
    check_rate(rate)
    if notch is not None and notch not in (50.0, 60.0):
        raise typer.BadParameter(
            f"{notch:g} Hz is not a mains frequency: give 50 (Europe, Asia, Africa, "
            "Australia) or 60 (the Americas), or leave it out.",
            param_hint="'--notch'",
        )
    long_file = file.is_file() and file.stat().st_size > _LONG_FILE_BYTES
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not long_file,
    ) as progress:
        task = progress.add_task("reading", total=1.0)

        def step(stage: str, fraction: float) -> None:
            progress.update(task, description=stage, completed=fraction)

        result = analyze_emg_file(
            file,
            target=target,
            synergists=synergist or [],
            mvc_path=mvc,
            mvc_kind="reference" if reference else "mvc",
            rate_hz=rate,
            units=units.value if units else None,
            fmt=fmt.value if fmt else None,
            board_id=board_id,
            mains_hz=notch,
            progress=step,
        )
    if report is not None:
        write_emg_report(result, report, title=f"EMG analysis: {file.name}")
        err_console.print(f"report written to {report}")
    if as_json:
        typer.echo(result.analysis.model_dump_json(indent=2))
    else:
        _print_summary(result)
