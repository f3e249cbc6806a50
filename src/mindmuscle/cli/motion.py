"""``mindmuscle motion FILE``: count repetitions and time their phases from a motion recording."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from mindmuscle.cli._app import app, check_rate, console
from mindmuscle.errors import InvalidInputError
from mindmuscle.io.motion import FORMATS, AccelUnits, write_motion_plot
from mindmuscle.services.motion import analyze_file_trace
from mindmuscle.signals.motion import MotionAnalysis


def _print(analysis: MotionAnalysis) -> None:
    q = analysis.quality
    console.print(
        f"[bold]{analysis.reps} repetitions[/bold]"
        + (f" + {analysis.partial_reps} partial" if analysis.partial_reps else "")
        + (" (both sides)" if analysis.alternating else "")
        + f", time under tension {analysis.tut_s:.1f} s, quality {q.status}"
    )
    if analysis.active_start_s is not None and analysis.active_end_s is not None:
        console.print(
            f"  set found from {analysis.active_start_s:.1f} s to {analysis.active_end_s:.1f} s "
            f"of the {analysis.duration_s:.1f} s recording"
        )
    for reason in q.reasons:
        console.print(f"  ! {reason}")
    console.print(f"  {analysis.phase_note}")
    console.print("  rep   start    end   ecc  pause   conc  squeeze")
    for r in analysis.repetitions:
        console.print(
            f"  {r.index:>3} {r.start_s:>7.1f} {r.end_s:>6.1f} {r.eccentric_s:>5.1f} "
            f"{r.bottom_pause_s:>6.1f} {r.concentric_s:>6.1f} {r.top_pause_s:>8.1f}"
            + ("  partial" if r.partial else "")
        )
    ta = analysis.tempo_adherence
    if ta is not None:
        d = ta.differences
        console.print(
            f"  tempo {ta.prescribed.as_string()}: adherence {ta.score:.0%}; mean difference "
            f"ecc {d.eccentric_s:+.1f} s, pause {d.bottom_pause_s:+.1f} s, "
            f"conc {d.concentric_s:+.1f} s, squeeze {d.top_pause_s:+.1f} s"
        )
        if ta.rushing:
            console.print("  Rushing: phases much faster than prescribed; slow the lowering.")


@app.command("motion")
def motion_command(
    file: Annotated[Path, typer.Argument(help="Recording: CSV, MetaMotion CSV, FIT or JSON.")],
    fmt: Annotated[
        str, typer.Option("--format", help=f"File format: {'|'.join(FORMATS)}.")
    ] = "auto",
    exercise: Annotated[
        str | None, typer.Option("--exercise", help="Catalogue exercise id (labels phases).")
    ] = None,
    rate: Annotated[
        float | None,
        typer.Option("--rate", help="Sampling rate in Hz, for files without time."),
    ] = None,
    units: Annotated[
        str | None, typer.Option("--units", help="Acceleration units: g or ms2 (default: detect).")
    ] = None,
    tempo: Annotated[
        str | None, typer.Option("--tempo", help="Prescribed tempo, e.g. 3-1-1-1.")
    ] = None,
    alternating: Annotated[
        bool,
        typer.Option(
            "--alternating",
            help="The sides took turns and the sensor was on one: count both sides "
            "(implied by an alternating exercise).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Write a figure: OUT.png or OUT.html.")
    ] = None,
) -> None:
    """Count repetitions, time their phases and check the tempo of one recorded set."""
    check_rate(rate)
    if units is not None and units not in ("g", "ms2"):
        raise InvalidInputError(f"--units must be 'g' or 'ms2', got {units!r}.")
    if plot is not None and plot.suffix.lower() not in (".png", ".html"):
        raise InvalidInputError(f"--plot {plot} must end in .png or .html.")
    accel_units: AccelUnits | None = "g" if units == "g" else "ms2" if units == "ms2" else None
    analysis, trace = analyze_file_trace(
        file,
        fmt=fmt,
        exercise_id=exercise,
        rate_hz=rate,
        units=accel_units,
        tempo=tempo,
        alternating=alternating,
    )
    if plot is not None:
        write_motion_plot(analysis, trace, plot)
    if as_json:
        typer.echo(json.dumps(analysis.summary_dict(), indent=2))
    else:
        _print(analysis)
        if plot is not None:
            console.print(f"  figure: {plot}")
