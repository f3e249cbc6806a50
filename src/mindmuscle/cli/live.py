"""``mindmuscle live``: live EMG biofeedback from an LSL stream, a BrainFlow board or simulation."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from mindmuscle.cli._app import (
    DbOption,
    LiveMapOption,
    LiveMapRequired,
    LiveSourceRequired,
    app,
    console,
    err_console,
)

__all__ = ["live_app"]

live_app = typer.Typer(
    help="Live EMG biofeedback: per-muscle %MVC bars, ratios, repetitions and cues.",
    invoke_without_command=True,
    no_args_is_help=False,
)
app.add_typer(live_app, name="live")

_BAR_WIDTH = 24


def _usage(message: str, hint: str) -> typer.BadParameter:
    return typer.BadParameter(message, param_hint=hint)


def _bar(pct: float) -> str:
    filled = max(0, min(_BAR_WIDTH, round(pct / 100.0 * _BAR_WIDTH)))
    return "█" * filled + "·" * (_BAR_WIDTH - filled)


def _render(frame: Any, description: str) -> Any:
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    data = frame.to_json()
    q = data["quality"]
    if q["stream"] == "ok":
        status = Text(f"stream ok · {description}", style="green")
    else:
        status = Text(f"{q['stream'].upper()}: {q.get('note', '')}", style="bold red")
    table = Table(title=f"t = {data['t']:.1f} s · {len(data['reps'])} repetitions", box=None)
    for col in ("muscle", "role", "activation", "value"):
        table.add_column(col)
    cues: list[Text] = []
    for name, m in data["muscles"].items():
        if m["pct_mvc"] is not None:
            pct, label = m["pct_mvc"], f"{m['pct_mvc']:.0f}% MVC"
        else:
            pct, label = m["pct_peak"], f"{m['pct_peak']:.0f}% of this set's peak"
        style = "bold" if m["active"] else "dim"
        table.add_row(name, m["role"], Text(_bar(pct), style=style), label)
        if m["cue"] is not None:
            ids = ", ".join(m["cue"]["evidence"])
            words = (
                f"{name} reached the target %MVC"
                if m["cue"]["kind"] == "target_reached"
                else f"{name} is taking over from the target"
            )
            cues.append(Text(f"{words} ({ids})", style="yellow"))
    parts: list[Any] = [status, table]
    # Ratios and balance are over the last repetition (`mindmuscle emg` gives the whole set's).
    for key, r in data["ratios"].items():
        if r["kind"] == "balance":
            value = "n/a" if r["left_share_pct"] is None else f"left {r['left_share_pct']:.0f}%"
            basis = "" if r["basis"] == "pct_mvc" else " (raw amplitude, not calibrated)"
            parts.append(Text(f"balance {key}, last repetition: {value}{basis}"))
        else:
            value = "needs both calibrated" if r["value"] is None else f"{r['value']:.2f}"
            parts.append(Text(f"{r['kind']} ratio {key}, last repetition: {value}"))
    if data["reps"]:
        last = data["reps"][-1]
        mean = (
            f"{last['mean_pct_mvc']:.0f}% MVC"
            if last["mean_pct_mvc"] is not None
            else f"{last['mean_pct_peak']:.0f}% of set peak"
        )
        parts.append(
            Text(
                f"last rep {last['rep']} ({last['muscle']}): {last['onset_s']:.2f}-"
                f"{last['offset_s']:.2f} s, mean {mean}"
            )
        )
    if q["flat"]:
        parts.append(Text(f"flat line (electrode off?): {', '.join(q['flat'])}", style="red"))
    parts.extend(cues)
    return Group(*parts)


@live_app.callback(invoke_without_command=True)
def live(
    ctx: typer.Context,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="lsl:NAME (stream name or type), brainflow:BOARD[:ADDRESS] (id or name; "
            "serial port, MAC or IP), brainflow:playback:FILE, or synthetic.",
        ),
    ] = None,
    channel_map: LiveMapOption = None,
    exercise: Annotated[
        str | None,
        typer.Option(
            "--exercise",
            help="Exercise id: its card says which muscles are targets, synergists and "
            "compensators (default: the first mapped muscle is the target).",
        ),
    ] = None,
    seconds: Annotated[
        float | None, typer.Option("--seconds", help="Stop after this many seconds.")
    ] = None,
    json_lines: Annotated[
        bool, typer.Option("--json-lines", help="One JSON object per line and frame.")
    ] = False,
    record: Annotated[
        Path | None,
        typer.Option("--record", help="Also write the raw mapped channels to this CSV file."),
    ] = None,
    cue_at: Annotated[
        float | None,
        typer.Option("--cue-at", help="Sound a cue when the target reaches this %MVC."),
    ] = None,
    notch: Annotated[
        float | None, typer.Option("--notch", help="Mains notch at 50 or 60 Hz.")
    ] = None,
    placement: Annotated[
        str | None,
        typer.Option(
            "--placement",
            help="Where the electrodes are now; a calibration made with another placement is "
            "flagged and not used.",
        ),
    ] = None,
    accept_stale: Annotated[
        bool,
        typer.Option(
            "--accept-stale",
            help="Use flagged calibrations (older than this session, electrodes moved) anyway.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Live EMG biofeedback: per-muscle %MVC bars, ratios, repetitions and cues.

    Without a calibration (mindmuscle live calibrate) the bars show "% of this set's peak",
    never %MVC.
    """
    if ctx.invoked_subcommand is not None:
        return
    from mindmuscle.errors import InvalidInputError
    from mindmuscle.io.live import parse_source

    if source is None:
        raise _usage("give the stream, e.g. --source synthetic or --source lsl:EMG.", "'--source'")
    if channel_map is None:
        raise _usage("say which channel is which muscle, e.g. --map 1=biceps.", "'--map'")
    if seconds is not None and not seconds > 0:
        raise _usage(f"{seconds:g} is not a duration: give seconds above 0.", "'--seconds'")
    if record is not None and record.suffix.lower() != ".csv":
        raise _usage(
            f"{str(record)!r}: the recording is written as CSV; give a name ending in .csv.",
            "'--record'",
        )
    if notch is not None and notch not in (50.0, 60.0):
        raise _usage(f"{notch:g} Hz is not a mains frequency: give 50 or 60.", "'--notch'")
    if cue_at is not None and not 0 < cue_at <= 100:
        raise _usage(
            f"{cue_at:g} is not a %MVC to cue at: give above 0 and at most 100.", "'--cue-at'"
        )
    try:
        spec = parse_source(source)
        if spec.kind == "brainflow":
            from mindmuscle.io.live.board import check_board

            check_board(spec.name, spec.address)
    except InvalidInputError as exc:
        raise _usage(str(exc).removeprefix("--source "), "'--source'") from None
    if exercise is not None:
        from mindmuscle.catalog import load_catalog
        from mindmuscle.errors import UnknownIdError

        try:
            load_catalog().exercise(exercise)
        except UnknownIdError as exc:
            raise _usage(str(exc), "'--exercise'") from None
    _run(
        spec,
        channel_map,
        exercise,
        seconds,
        json_lines,
        record,
        cue_at,
        notch,
        _Calibration(db, placement, accept_stale),
    )


class _Calibration:
    def __init__(self, db: str | None, placement: str | None, accept_stale: bool) -> None:
        self.db, self.placement, self.accept_stale = db, placement, accept_stale

    def levels(self, src: Any, channel_map: str) -> dict[str, float]:
        """The stored calibrations to use, with a note on stderr for each one left out."""
        from mindmuscle.cli._db import database_url
        from mindmuscle.services.live import load_calibrations
        from mindmuscle.signals.emg.live import parse_channel_map
        from mindmuscle.store import LOCAL_USER_ID, database_exists, open_database

        url = database_url(self.db)
        if not database_exists(url):
            return {}
        muscles = [m for _, m in parse_channel_map(channel_map, src.labels)]
        found = load_calibrations(
            open_database(url),
            LOCAL_USER_ID,
            muscles,
            unit=src.unit,
            placement_now=self.placement,
        )
        levels: dict[str, float] = {}
        for muscle, cal in found.items():
            when = f"{cal.created_at:%Y-%m-%d %H:%M}"
            if cal.flags and not self.accept_stale:
                err_console.print(
                    f"note: the calibration of {muscle} ({when}) is not used: "
                    f"{'; '.join(cal.flags)}. Calibrate again (mindmuscle live calibrate) or "
                    "pass --accept-stale; its bars show % of this set's peak.",
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )
                continue
            if cal.flags:
                err_console.print(
                    f"note: using the flagged calibration of {muscle} ({when}): "
                    f"{'; '.join(cal.flags)}.",
                    markup=False,
                    highlight=False,
                    soft_wrap=True,
                )
            levels[muscle] = cal.level
        return levels


def _run(
    spec: Any,
    channel_map: str,
    exercise: str | None,
    seconds: float | None,
    json_lines: bool,
    record: Path | None,
    cue_at: float | None,
    notch: float | None,
    calibration: _Calibration,
) -> None:
    from mindmuscle.errors import ChannelMapError
    from mindmuscle.io.live import open_source
    from mindmuscle.io.live.record import LiveRecorder
    from mindmuscle.services.live import build_pipeline

    src = open_source(spec)
    recorder: LiveRecorder | None = None
    try:
        try:
            mvc = calibration.levels(src, channel_map)
            pipeline = build_pipeline(
                src,
                channel_map,
                exercise_id=exercise,
                mvc=mvc,
                cue_at_pct_mvc=cue_at,
                mains_hz=notch,
            )
        except ChannelMapError as exc:
            raise _usage(exc.problem, "'--map'") from None
        if record is not None:
            recorder = LiveRecorder(
                record,
                rows=[c.index for c in pipeline.channels],
                names=pipeline.names,
                unit=src.unit,
                sfreq_hz=src.sfreq_hz,
            )
        for note in pipeline.notes:
            err_console.print(f"note: {note}", markup=False, highlight=False, soft_wrap=True)
        if json_lines:

            def emit(frame: Any, latency: float) -> None:
                sys.stdout.write(json.dumps(frame.to_json()) + "\n")
                sys.stdout.flush()

            summary = _interruptible(src, pipeline, emit, seconds, recorder)
        else:
            from rich.live import Live

            with Live(console=console, refresh_per_second=10, transient=False) as view:

                def show(frame: Any, latency: float) -> None:
                    for _muscle, kind in frame.new_cues:
                        console.bell()
                        if kind == "compensating":
                            console.bell()
                    view.update(_render(frame, src.description))

                summary = _interruptible(src, pipeline, show, seconds, recorder)
    finally:
        src.close()
        if recorder is not None:
            recorder.close()
    if recorder is not None:
        err_console.print(f"recorded {recorder.n_samples} samples to {recorder.path}")
    if summary is not None and summary.state == "lost":
        from mindmuscle.errors import StreamError

        raise StreamError(summary.reason)


def _interruptible(
    src: Any, pipeline: Any, on_frame: Any, seconds: float | None, recorder: Any
) -> Any:
    from mindmuscle.services.live import run_live

    try:
        return run_live(src, pipeline, on_frame=on_frame, seconds=seconds, record=recorder)
    except KeyboardInterrupt:
        return None


@live_app.command("calibrate")
def calibrate(
    source: LiveSourceRequired,
    channel_map: LiveMapRequired,
    muscle: Annotated[
        list[str] | None,
        typer.Option("--muscle", help="A mapped muscle to calibrate (repeatable; default all)."),
    ] = None,
    placement: Annotated[
        str,
        typer.Option(
            "--placement",
            help="Where the electrodes sit (e.g. 'mid belly, 2 cm apart, along the fibres'); "
            "kept with the calibration.",
        ),
    ] = "",
    trials: Annotated[int, typer.Option("--trials", help="Maximal contractions (3 usual).")] = 3,
    contraction_s: Annotated[
        float, typer.Option("--contraction-s", help="Seconds per contraction (5 usual).")
    ] = 5.0,
    rest_s: Annotated[
        float, typer.Option("--rest-s", help="Seconds of rest between contractions.")
    ] = 30.0,
    db: DbOption = None,
) -> None:
    """Calibrate %MVC: three 5-second maximal contractions with rests; stores the best
    1-second window per muscle with its date and the electrode placement."""
    from mindmuscle.errors import (
        ChannelMapError,
        InvalidInputError,
        OutOfRangeError,
        counted,
        shown,
    )
    from mindmuscle.io.live import open_source, parse_source
    from mindmuscle.services.live import run_calibration, save_calibrations
    from mindmuscle.signals.emg.mvc import calibration_steps
    from mindmuscle.store import LOCAL_USER_ID, open_database

    try:
        spec = parse_source(source)
    except InvalidInputError as exc:
        raise _usage(str(exc).removeprefix("--source "), "'--source'") from None
    try:
        calibration_steps(
            list(muscle or ["any"]), trials=trials, contraction_s=contraction_s, rest_s=rest_s
        )
    except OutOfRangeError as exc:
        # The option the error is about: the count, a contraction's or a rest's length.
        option = f"'--{exc.field.replace('_', '-')}'"
        raise _usage(f"{shown(exc.value)} is not allowed: {exc.allowed}.", option) from None
    database = open_database(db)
    src = open_source(spec)
    last: list[Any] = [None]

    def guide(step: Any, left: float) -> None:
        if step is not last[0]:
            last[0] = step
            words = (
                f"REST ({step.muscle}, before contraction {step.trial} of {trials})"
                if step.kind == "rest"
                else f"CONTRACT {step.muscle} AS HARD AS YOU CAN (contraction {step.trial} of "
                f"{trials})"
            )
            console.print(words, markup=False, highlight=False, soft_wrap=True)
            if step.kind == "contract":
                console.bell()
        console.print(f"  {left:4.1f} s", markup=False, highlight=False)

    try:
        try:
            run = run_calibration(
                src,
                channel_map,
                list(muscle) if muscle else None,
                placement=placement,
                trials=trials,
                contraction_s=contraction_s,
                rest_s=rest_s,
                on_step=guide,
            )
        except ChannelMapError as exc:
            raise _usage(exc.problem, "'--map'") from None
        except InvalidInputError as exc:
            if str(exc).startswith("--muscle"):
                raise _usage(str(exc).split(" ", 1)[1], "'--muscle'") from None
            raise
        except KeyboardInterrupt:
            err_console.print("Stopped: no calibration was stored.", highlight=False)
            raise typer.Exit(130) from None
    finally:
        src.close()
    save_calibrations(database, LOCAL_USER_ID, run.results)
    if run.gaps:
        console.print(
            f"The stream had {counted(run.gaps, 'gap')} during the contractions "
            f"({run.missing_s:.2f} s of signal missing): no 1-second window spans a gap.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    for r in run.results:
        console.print(
            f"{r.muscle}: MVC {r.level:.4g} {r.unit} (contraction {r.trial}, 1 s from "
            f"{r.window_start_s:.2f} s), placement {r.placement or 'not noted'!r}; stored.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )


@live_app.command("skill-test")
def skill_test(
    muscle: Annotated[
        str, typer.Option("--muscle", help="The calibrated muscle to test (mapped in --map).")
    ],
    source: LiveSourceRequired,
    channel_map: LiveMapRequired,
    hold_s: Annotated[
        float, typer.Option("--hold-s", help="Seconds per hold (5 usual; the first is not scored).")
    ] = 5.0,
    rest_s: Annotated[
        float, typer.Option("--rest-s", help="Seconds of rest between the holds.")
    ] = 10.0,
    repeats: Annotated[int, typer.Option("--repeats", help="Holds per target level (1 to 5).")] = 1,
    seed: Annotated[
        int | None,
        typer.Option("--seed", help="Fix the random order of the levels (to repeat a test)."),
    ] = None,
    placement: Annotated[
        str | None,
        typer.Option(
            "--placement",
            help="Where the electrodes are now; a calibration made with another placement is "
            "refused (the test needs your MVC as the electrodes sit).",
        ),
    ] = None,
    accept_stale: Annotated[
        bool,
        typer.Option(
            "--accept-stale",
            help="Test against a flagged calibration (older than this session, electrodes moved).",
        ),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    db: DbOption = None,
) -> None:
    """The connection test: hold 10, 20 and 40% MVC in a random order without feedback, 5 s
    each, then see the error per level (SD around the target; effortmatch2019). Stored only
    when complete; needs a calibration of the muscle (mindmuscle live calibrate)."""
    from mindmuscle.cli._db import database_url
    from mindmuscle.errors import ChannelMapError, InvalidInputError, NotFoundError
    from mindmuscle.experiments.skill_test import skill_test_order, skill_test_steps
    from mindmuscle.io.live import open_source, parse_source
    from mindmuscle.services.skill_tests import (
        list_skill_tests,
        run_skill_test,
        save_skill_test,
        skill_test_calibration,
    )
    from mindmuscle.store import LOCAL_USER_ID, database_exists, open_database

    try:
        spec = parse_source(source)
    except InvalidInputError as exc:
        raise _usage(str(exc).removeprefix("--source "), "'--source'") from None
    try:
        order = skill_test_order(repeats=repeats, seed=seed)
    except InvalidInputError as exc:
        raise _usage(str(exc), "'--repeats'") from None
    try:
        skill_test_steps(order, hold_s=hold_s, rest_s=rest_s, settle_s=min(1.0, hold_s - 1.0))
    except InvalidInputError as exc:
        hint = "'--rest-s'" if "rest" in str(exc) else "'--hold-s'"
        raise _usage(str(exc), hint) from None
    if f"={muscle}" not in "," + channel_map.replace(" ", "") + ",":
        mapped = [p.split("=", 1)[-1].strip() for p in channel_map.split(",") if "=" in p]
        raise _usage(
            f"{muscle!r} is not in --map: test a mapped muscle ({', '.join(mapped) or 'none'}).",
            "'--muscle'",
        )
    url = database_url(db)
    if not database_exists(url):
        raise NotFoundError(
            f"{muscle} has no calibration (the test's targets are % of your MVC)."
        ).to_fix("calibrate_muscle", muscle=muscle)
    database = open_database(url)
    skill_test_calibration(
        database,
        LOCAL_USER_ID,
        muscle,
        placement_now=placement,
        accept_stale=accept_stale,
    )
    settle_s = min(1.0, hold_s - 1.0)
    src = open_source(spec)
    try:
        cal = skill_test_calibration(
            database,
            LOCAL_USER_ID,
            muscle,
            unit=src.unit,
            placement_now=placement,
            accept_stale=accept_stale,
        )
        say = console.print if not as_json else err_console.print
        say(
            f"The connection test of {muscle}: {len(order)} holds without feedback, "
            f"{hold_s:g} s each, in a random order (effortmatch2019). Calibration "
            f"{cal.created_at:%Y-%m-%d %H:%M}, MVC {cal.level:.4g} {cal.unit}. Ctrl-C stops it; "
            "nothing is stored until the last hold.",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
        guide = _SkillGuide(len(order), say)
        try:
            run = run_skill_test(
                src,
                channel_map,
                muscle,
                calibration=cal,
                order=order,
                hold_s=hold_s,
                rest_s=rest_s,
                settle_s=settle_s,
                on_step=guide,
            )
        except KeyboardInterrupt:
            err_console.print("\nStopped: the test is not complete, so nothing was stored.")
            raise typer.Exit(130) from None
        except ChannelMapError as exc:
            raise _usage(exc.problem, "'--map'") from None
        guide.finish()
    finally:
        src.close()
    before = list_skill_tests(database, LOCAL_USER_ID, muscle=muscle)
    saved = save_skill_test(database, LOCAL_USER_ID, run)
    if as_json:
        sys.stdout.write(json.dumps(saved.to_json()) + "\n")
        return
    _print_skill_result(saved, before[-1] if before else None)


class _SkillGuide:
    """Words and sounds for each step, and whole seconds left; never the level held."""

    def __init__(self, n_holds: int, say: Any) -> None:
        self.n_holds, self.say = n_holds, say
        self.step: Any = None
        self.second: int | None = None

    def __call__(self, step: Any, left: float) -> None:
        if step is not self.step:
            if self.step is not None and self.step.kind == "hold":
                self._stop()
            self.step, self.second = step, None
            if step.kind == "rest":
                self.say(
                    f"REST. Next: {step.target_pct:g}% of your maximum (hold {step.number} of "
                    f"{self.n_holds}).",
                    markup=False,
                    highlight=False,
                )
            else:
                console.bell()
                self.say(
                    f"HOLD {step.target_pct:g}% OF YOUR MAXIMUM NOW, steady, by feel "
                    f"(hold {step.number} of {self.n_holds}).",
                    markup=False,
                    highlight=False,
                )
        second = int(left + 0.999)
        if second != self.second:
            self.second = second
            self.say(f"  {second} s", markup=False, highlight=False)

    def _stop(self) -> None:
        console.bell()
        console.bell()
        self.say("STOP. Relax.", markup=False, highlight=False)

    def finish(self) -> None:
        if self.step is not None and self.step.kind == "hold":
            self._stop()


def _print_skill_result(test: Any, previous: Any) -> None:
    from rich.table import Table

    table = Table(title=f"{test.muscle}: the connection test", box=None)
    for col in ("target", "held", "error", "SD around target"):
        table.add_column(col, justify="right")
    for t in test.score.targets:
        table.add_row(
            f"{t.target_pct:g}% MVC",
            f"{t.mean_pct:.1f}%",
            f"{t.error_pct:+.1f}",
            f"{t.sd_pct:.1f}",
        )
    console.print(table)
    line = (
        f"Mean SD around the target: {test.score.overall_sd_pct:.1f} points of %MVC (lower is "
        "closer)."
    )
    if previous is not None:
        line += f" Last test {previous.performed_at:%Y-%m-%d}: {previous.score.overall_sd_pct:.1f}."
    console.print(line + " Stored.", markup=False, highlight=False, soft_wrap=True)
    console.print(
        "Repeat it over weeks (mindmuscle live skill-history): the error shows how well your "
        "feeling tracks the measurement; it is a test, not a promise (rule 17, effortmatch2019).",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


@live_app.command("skill-history")
def skill_history(
    muscle: Annotated[
        str | None, typer.Option("--muscle", help="Only this muscle's tests.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the tests as JSON.")] = False,
    plot: Annotated[
        Path | None,
        typer.Option("--plot", help="Also write the error over weeks as an HTML chart."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Your connection tests over weeks: per level, the SD around the target (lower is closer)."""
    from mindmuscle.cli._db import open_existing
    from mindmuscle.services.skill_tests import list_skill_tests, write_skill_history
    from mindmuscle.store import LOCAL_USER_ID

    if plot is not None and plot.suffix.lower() not in (".html", ".htm"):
        raise _usage(
            f"{str(plot)!r}: the chart is written as HTML; give a name ending in .html.",
            "'--plot'",
        )
    tests = list_skill_tests(open_existing(db), LOCAL_USER_ID, muscle=muscle)
    if as_json:
        sys.stdout.write(json.dumps([t.to_json() for t in tests]) + "\n")
    elif not tests:
        which = f" of {muscle}" if muscle else ""
        console.print(
            f"No connection tests{which} yet: run `mindmuscle live skill-test --muscle MUSCLE "
            "--source ... --map ...` (after `mindmuscle live calibrate`).",
            markup=False,
            highlight=False,
            soft_wrap=True,
        )
    else:
        from rich.table import Table

        levels = sorted({t.target_pct for x in tests for t in x.score.targets})
        table = Table(title="Connection tests: SD around the target (%MVC points)", box=None)
        table.add_column("date")
        table.add_column("muscle")
        for level in levels:
            table.add_column(f"{level:g}%", justify="right")
        table.add_column("mean", justify="right")
        for x in tests:
            by = {t.target_pct: t for t in x.score.targets}
            table.add_row(
                f"{x.performed_at:%Y-%m-%d %H:%M}",
                x.muscle,
                *(f"{by[lv].sd_pct:.1f}" if lv in by else "-" for lv in levels),
                f"{x.score.overall_sd_pct:.1f}",
            )
        console.print(table)
    if plot is not None:
        write_skill_history(tests, plot)
        err_console.print(f"wrote {plot}", markup=False, highlight=False)
