"""``mindmuscle motion FILE``: count repetitions and time their phases from a motion recording.

``mindmuscle motion evaluate``: how well the count agrees with the repetitions the lifter confirmed,
on their own sets recorded with motion.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from typer import _click
from typer.core import TyperGroup

from mindmuscle.catalog import load_catalog
from mindmuscle.cli._app import DbOption, app, check_rate, choice_option, console
from mindmuscle.cli._db import open_existing
from mindmuscle.errors import InvalidInputError
from mindmuscle.io.motion import FORMATS, AccelUnits
from mindmuscle.io.plots.motion import write_motion_plot
from mindmuscle.services.catalog import user_catalog
from mindmuscle.services.motion import (
    CountEvaluation,
    analyze_file_trace,
    evaluate_counts,
    set_span_line,
)
from mindmuscle.signals.motion import MotionAnalysis
from mindmuscle.signals.motion.evaluation import CountScore
from mindmuscle.store import LOCAL_USER_ID

__all__ = ["FormatOption", "RateOption", "UnitsOption", "checked_units", "motion_app"]


FormatOption = Annotated[str, typer.Option("--format", help=f"File format: {'|'.join(FORMATS)}.")]
RateOption = Annotated[
    float | None, typer.Option("--rate", help="Sampling rate in Hz, for files without time.")
]
UnitsOption = Annotated[
    str | None, typer.Option("--units", help="Acceleration units: g or ms2 (default: detect).")
]


def checked_units(units: str | None) -> AccelUnits | None:
    """The ``--units`` given, or one line saying what is allowed."""
    if units is None:
        return None
    if units == "g":
        return "g"
    if units == "ms2":
        return "ms2"
    return "g" if choice_option("--units", units, ("g", "ms2")) == "g" else "ms2"


class _AnalyseByDefault(TyperGroup):
    """``motion FILE ...`` analyses a file (``motion analyse``); ``motion evaluate`` scores."""

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        if not args or args[0] not in self.commands:
            args = [_IMPLIED, *args]
        return super().parse_args(ctx, args)

    def resolve_command(
        self, ctx: _click.Context, args: list[str]
    ) -> tuple[str | None, _click.Command | None, list[str]]:
        if args and args[0] == _IMPLIED:
            # The lifter typed `mindmuscle motion FILE`: usage and hints name that command.
            command = self.commands["analyse"]
            command.context_class = _ImpliedContext
            return "", command, args[1:]
        return super().resolve_command(ctx, args)


_IMPLIED = "\0analyse"
"""``analyse`` put in by :class:`_AnalyseByDefault` (the lifter did not type it)."""


class _ImpliedContext(_click.Context):
    """The context of ``motion analyse`` run as ``motion``: its path is the one typed."""

    @property
    def command_path(self) -> str:
        if self.info_name == "":
            return super().command_path.rstrip()
        return super().command_path


motion_app = typer.Typer(
    cls=_AnalyseByDefault,
    help="Count repetitions, time their phases and check the tempo of one recorded set.",
)
app.add_typer(motion_app, name="motion")


def _print(analysis: MotionAnalysis) -> None:
    q = analysis.quality
    console.print(
        f"[bold]{analysis.reps} repetitions[/bold]"
        + (f" + {analysis.partial_reps} partial" if analysis.partial_reps else "")
        + (" (both sides)" if analysis.alternating else "")
        + f", time under tension {analysis.tut_s:.1f} s, quality {q.status}"
    )
    span = set_span_line(analysis)
    if span is not None:
        console.print(f"  {span}")
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


@motion_app.command(
    "analyse",
    epilog="`mindmuscle motion evaluate`: how well the count agrees with the reps you confirmed.",
)
def motion_command(
    file: Annotated[Path, typer.Argument(help="Recording: CSV, MetaMotion CSV, FIT or JSON.")],
    fmt: FormatOption = "auto",
    exercise: Annotated[
        str | None,
        typer.Option("--exercise", help="Catalogue exercise, by id or name (labels phases)."),
    ] = None,
    rate: RateOption = None,
    units: UnitsOption = None,
    tempo: Annotated[
        str | None,
        typer.Option(
            "--tempo",
            help="Prescribed tempo, e.g. 3-1-1-1: its adherence is checked, and its repetition "
            "time guides the period search as in a guided set (it never sets the count).",
        ),
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
    accel_units = checked_units(units)
    if plot is not None and plot.suffix.lower() not in (".png", ".html"):
        raise InvalidInputError(f"--plot {plot} must end in .png or .html.")
    if exercise is not None:  # by id or name, as every command takes an exercise
        exercise = load_catalog().exercise_named(exercise).id
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


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _score_row(name: str, score: CountScore) -> list[str]:
    return [
        name,
        str(score.n),
        _pct(score.exact),
        _pct(score.within_one),
        f"{score.mean_error:+.1f}",
    ]


def _print_evaluation(result: CountEvaluation) -> None:
    if not result.sets:
        console.print(
            "No sets with a motion recording yet. The phone records motion during a guided set "
            "when the set page is allowed to use the motion sensors, and `mindmuscle set motion "
            "SET_ID FILE` stores a watch's or sensor's file with a logged set; each set's "
            "confirmed reps are then compared with the count here."
        )
        return
    names = {s.exercise_id: s.exercise_name for s in result.sets}
    table = Table(title="Motion count against the reps you confirmed", title_justify="left")
    for col, justify in (
        ("exercise", "left"),
        ("sets", "right"),
        ("exact", "right"),
        ("within 1", "right"),
        ("mean error", "right"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for ex_id, score in result.by_exercise.items():
        table.add_row(*_score_row(names[ex_id], score))
    if result.total is not None:
        table.add_section()
        table.add_row(*_score_row("all", result.total), style="bold")
    console.print(table)
    if result.unanalysable:
        console.print(
            f"{result.unanalysable} recording(s) could not be analysed "
            "(too short or without movement) and are not scored."
        )
    console.print("Mean error: counted minus confirmed (+ counts too many, - too few).")


@motion_app.command("evaluate")
def evaluate_command(
    exercise: Annotated[
        str | None,
        typer.Option("--exercise", help="Only this exercise's sets."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """How well the motion count agrees with the reps you confirmed, on your recorded sets.

    Every set stored with its motion recording is counted again with the current analysis and
    compared with the repetitions confirmed (or corrected) for it; deleted sets are left out.
    """
    database = open_existing(db)
    catalog = user_catalog(db=database, user_id=LOCAL_USER_ID)
    result = evaluate_counts(
        db=database, user_id=LOCAL_USER_ID, catalog=catalog, exercise_id=exercise
    )
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
    else:
        _print_evaluation(result)
