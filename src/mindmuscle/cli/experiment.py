"""``mindmuscle experiment new|status|record|analyze``: internal-vs-external-focus experiments."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import typer
from typer import _click

from mindmuscle.cli._app import DbOption, app, load_option, mass_option, reps_option
from mindmuscle.coach.limits import E1RM_KG, RATING, felt_text
from mindmuscle.coach.loads import format_load
from mindmuscle.errors import InvalidInputError, counted
from mindmuscle.experiments import ExperimentDesign, comparison_label
from mindmuscle.experiments.stats import MIN_N
from mindmuscle.io.plots.experiments import headline_effects
from mindmuscle.services import experiments as svc
from mindmuscle.services.catalog import user_catalog
from mindmuscle.services.profile import get_profile
from mindmuscle.store import LOCAL_USER_ID, Database, open_database
from mindmuscle.units import MassUnit, parse_unit

experiment_app = typer.Typer(
    help="Focus experiments: design, run set by set with EMG, analyse into a report.",
    no_args_is_help=True,
)
app.add_typer(experiment_app, name="experiment")


def _floats(text: str, what: str) -> list[float]:
    try:
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise InvalidInputError(
            f"{what} {text!r} must be numbers separated by commas, e.g. 40,60,80."
        ) from None


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _unit(database: Database, units: str | None) -> MassUnit:
    """The unit of loads typed and shown: ``--units``, else the lifter's profile, as for `log`."""
    return parse_unit(units) if units else get_profile(db=database, user_id=LOCAL_USER_ID).units


def _show_next(info: svc.ExperimentInfo, unit: MassUnit) -> None:
    nxt = info.next_set
    if nxt is None:
        typer.echo(
            "All sets are recorded: run `mindmuscle experiment analyze "
            f"{info.id} --report report.html`."
        )
        return
    load = f"{nxt.load_pct_e1rm:g}% e1RM" + (
        f" ({format_load(nxt.load_kg, unit)})" if nxt.load_kg else ""
    )
    cue = f"cue: {nxt.cue}" if nxt.cue else "no cue (uncued control set: say nothing)"
    typer.echo(
        f"Next: set {nxt.number} of {len(info.sets)}, {nxt.condition}, {load}, "
        f"{nxt.reps} reps; {cue}"
    )


@experiment_app.command("new")
def new(
    preset: str | None = typer.Option(
        None, "--preset", help="calatayud2016 (bench, five loads) or curl-focus (biceps curl)."
    ),
    exercise: str | None = typer.Option(
        None, "--exercise", help="Exercise, by id or name (custom design)."
    ),
    conditions: str | None = typer.Option(
        None, "--conditions", help="Comma-separated: internal,external,none (default all three)."
    ),
    loads: str | None = typer.Option(
        None, "--loads", help="Load blocks in % of estimated 1RM, e.g. 40,60,80 (default 60)."
    ),
    sets_per_condition: int | None = typer.Option(
        None, "--sets-per-condition", help="Sets of each condition per load (default 3)."
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Seed of the randomised order (default: drawn and recorded)."
    ),
    e1rm: str | None = typer.Option(
        None,
        "--e1rm",
        metavar="FLOAT",
        help="Estimated 1RM in your units, to show every set's load in them.",
    ),
    e1rm_kg: str | None = typer.Option(
        None, "--e1rm-kg", metavar="FLOAT", hidden=True, help="Estimated 1RM in kg (older name)."
    ),
    units: str | None = typer.Option(
        None, "--units", help="Units of --e1rm and of the loads shown (default: profile)."
    ),
    participant: str | None = typer.Option(
        None,
        "--participant",
        help="Who it is run on, when it is one participant's experiment of a group.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the experiment as JSON."),
    db: DbOption = None,
) -> None:
    """Design an experiment and store it with its randomised, counterbalanced order."""
    if e1rm is not None and e1rm_kg is not None:
        raise _click.exceptions.UsageError(
            "give the e1RM once: --e1rm in your units (or --e1rm-kg in kg), not both"
        )
    database = open_database(db)
    unit = _unit(database, units)
    e1rm_in_kg = None
    if e1rm is not None:
        e1rm_in_kg = mass_option(E1RM_KG, e1rm, unit, "--e1rm")
    elif e1rm_kg is not None:
        e1rm_in_kg = mass_option(E1RM_KG, e1rm_kg, "kg", "--e1rm-kg")
    if exercise is not None:  # by id or name, as every command takes an exercise
        exercise = user_catalog(db=database, user_id=LOCAL_USER_ID).exercise_named(exercise).id
    info = svc.new_experiment(
        db=database,
        user_id=LOCAL_USER_ID,
        preset=preset,
        exercise_id=exercise,
        conditions=[c.strip() for c in conditions.split(",")] if conditions is not None else None,
        loads_pct_e1rm=_floats(loads, "Loads") if loads is not None else None,
        sets_per_condition=sets_per_condition,
        seed=seed,
        e1rm_kg=e1rm_in_kg,
        participant=participant,
    )
    if as_json:
        _print_json(info.model_dump(mode="json"))
        return
    d = info.design
    typer.echo(
        f"Experiment {info.id}: {_title(d)}\n{counted(len(info.sets), 'set')}; conditions "
        f"{', '.join(c.name for c in d.conditions)}; loads "
        f"{', '.join(f'{x:g}' for x in d.loads_pct_e1rm)}% e1RM; seed {d.seed}."
    )
    if d.sets_per_condition < MIN_N and len(d.loads_pct_e1rm) < MIN_N:
        typer.echo(
            f"Means only: with {counted(d.sets_per_condition, 'set')} of each condition per "
            f"load and {counted(len(d.loads_pct_e1rm), 'load')}, no effect size, interval or "
            f"test is possible; they need {MIN_N} sets of each condition at a load, or "
            f"{MIN_N} loads."
        )
    _show_next(info, unit)


@experiment_app.command("status")
def status(
    experiment_id: int = typer.Argument(..., help="Experiment id."),
    as_json: bool = typer.Option(False, "--json", help="Print the status as JSON."),
    db: DbOption = None,
) -> None:
    """Which sets are done, and the next one with its cue and load."""
    database = open_database(db)
    info = svc.experiment_status(db=database, user_id=LOCAL_USER_ID, experiment_id=experiment_id)
    if as_json:
        nxt = info.next_set
        _print_json(
            {
                **info.model_dump(mode="json"),
                "n_done": info.n_done,
                "next": None if nxt is None else nxt.model_dump(mode="json"),
            }
        )
        return
    typer.echo(
        f"Experiment {info.id}: {_title(info.design)} ({info.status}, {info.n_done} of "
        f"{counted(len(info.sets), 'set')} done)"
    )
    for s in info.sets:
        mark = "x" if s.done else " "
        cue = s.cue or "(no cue)"
        typer.echo(f" [{mark}] {s.number:>2}  {s.load_pct_e1rm:>5g}%  {s.condition:<10} {cue}")
    _show_next(info, _unit(database, None))


@experiment_app.command("record")
def record(
    experiment_id: int = typer.Argument(..., help="Experiment id."),
    set_number: int = typer.Option(..., "--set", help="Planned set number (from 1)."),
    rating: int = typer.Option(
        ...,
        "--rating",
        min=int(RATING.low),
        max=int(RATING.high),
        help="Target rating 0-10: how strongly felt.",
    ),
    emg: Path | None = typer.Option(
        None, "--emg", help="EMG file of the set (CSV, EDF/BDF, XDF); channels named as designed."
    ),
    rate_hz: float | None = typer.Option(
        None, "--rate", help="Sampling rate in Hz, when the file has no t column."
    ),
    mvc: Path | None = typer.Option(
        None, "--mvc", help="Maximal voluntary contraction file with the same channels (%MVC)."
    ),
    channel_map: str | None = typer.Option(
        None,
        "--map",
        metavar="CH=MUSCLE[,...]",
        help="The file's channels (1-based number or name) and the design's muscles they "
        "recorded, e.g. 1=biceps, for a file whose channels are not named after them.",
    ),
    reps: int | None = typer.Option(
        None,
        "--reps",
        help="Repetitions done (default: those found in the EMG, else the planned ones).",
    ),
    load: str | None = typer.Option(
        None,
        "--load",
        metavar="FLOAT",
        help="Load used, in your units (default: the planned load).",
    ),
    units: str | None = typer.Option(
        None, "--units", help="Units of --load and of the loads shown (default: profile)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print what was stored as JSON."),
    db: DbOption = None,
) -> None:
    """Record one experiment set with its rating and EMG file."""
    database = open_database(db)
    unit = _unit(database, units)
    rec = svc.record_experiment_set(
        db=database,
        user_id=LOCAL_USER_ID,
        experiment_id=experiment_id,
        set_number=set_number,
        target_rating=rating,
        now=datetime.now(UTC),
        emg_path=emg,
        sfreq_hz=rate_hz,
        mvc_path=mvc,
        reps=None if reps is None else reps_option(reps),
        load_kg=None if load is None else load_option(load, unit),
        channel_map=channel_map,
    )
    if as_json:
        _print_json(rec.model_dump(mode="json"))
        return
    typer.echo(
        f"Recorded set {rec.number} ({rec.condition}): {rec.reps} reps at "
        f"{format_load(rec.load_kg, unit)}, "
        f"target {felt_text(rec.target_rating)}"
        + (f", {rec.emg_reps} EMG repetitions" if emg is not None else "")
    )
    _show_next(
        svc.experiment_status(db=database, user_id=LOCAL_USER_ID, experiment_id=experiment_id),
        unit,
    )


@experiment_app.command("analyze")
def analyze(
    experiment_id: int = typer.Argument(..., help="Experiment id."),
    report: Path | None = typer.Option(None, "--report", help="Write the HTML report here."),
    png_dir: Path | None = typer.Option(None, "--png-dir", help="Write PNG figures here."),
    resamples: int = typer.Option(
        2000, "--resamples", min=100, help="Bootstrap and permutation resamples."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the analysis as JSON."),
    db: DbOption = None,
) -> None:
    """Per condition and load activation and ratings, effect sizes, intervals and p-values."""
    result = svc.analyze_experiment(
        db=open_database(db),
        user_id=LOCAL_USER_ID,
        experiment_id=experiment_id,
        report_path=report,
        png_dir=png_dir,
        n_resamples=resamples,
    )
    if as_json:
        _print_json(result.model_dump(mode="json"))
        return
    a = result.analysis
    typer.echo(f"{a.design.title}: {a.n_recorded} of {counted(a.n_planned, 'set')} recorded.")
    for e in headline_effects(a):
        c = e.comparison
        stats = (
            f"g {c.g:.2f} [{c.ci_low:.2f}, {c.ci_high:.2f}], p {c.p_value:.3f}"
            if c.g is not None and c.ci_low is not None and c.ci_high is not None
            else c.note or "no statistics"
        )
        if c.mean_difference is not None:
            diff = f"difference {c.mean_difference:+.2f}"
        elif c.kind == "paired":
            diff = "no load block has sets of both yet, so no difference"
        else:
            missing = [name for name, n in ((e.condition, c.n_a), (e.reference, c.n_b)) if not n]
            diff = f"no {' and no '.join(missing)} sets yet, so no difference"
        typer.echo(f"  {comparison_label(e, a.activation_unit)}: {diff}; {stats}")
    for note in a.limitations:
        typer.echo(f"- {note}")
    if result.report_path:
        typer.echo(f"Report: {result.report_path}")
    for p in result.png_paths:
        typer.echo(f"Figure: {p}")


@experiment_app.command("list")
def list_all(
    as_json: bool = typer.Option(False, "--json", help="Print the experiments as JSON."),
    db: DbOption = None,
) -> None:
    """Every experiment with its status and how many sets are done."""
    infos = svc.list_experiments(db=open_database(db), user_id=LOCAL_USER_ID)
    if as_json:
        _print_json(
            [
                {
                    "id": i.id,
                    "title": i.design.title,
                    "status": i.status,
                    "n_done": i.n_done,
                    "n_sets": len(i.sets),
                }
                for i in infos
            ]
        )
        return
    if not infos:
        typer.echo("No experiments yet: start one with `mindmuscle experiment new --preset ...`.")
    for i in infos:
        typer.echo(f"{i.id:>3}  {i.status:<8} {i.n_done:>2}/{len(i.sets):<2}  {_title(i.design)}")


@experiment_app.command("group")
def group(
    experiments: list[str] = typer.Argument(
        ...,
        help="Two or more, one per participant: an experiment's id (3), or ACCOUNT:ID for "
        "another account's.",
    ),
    report: Path | None = typer.Option(None, "--report", help="Write the HTML report here."),
    resamples: int = typer.Option(
        2000, "--resamples", min=100, help="Bootstrap and permutation resamples."
    ),
    seed: int = typer.Option(0, "--seed", min=0, help="Seed of the resampling."),
    as_json: bool = typer.Option(False, "--json", help="Print the analysis as JSON."),
    db: DbOption = None,
) -> None:
    """Pool several participants' experiments of one design: each compared with themselves."""
    from mindmuscle.experiments.group import group_label
    from mindmuscle.io.plots.experiment_groups import group_headline
    from mindmuscle.services import experiment_groups as groups

    database = open_database(db)
    try:
        members = groups.group_members(db=database, user_id=LOCAL_USER_ID, refs=experiments)
    except InvalidInputError as exc:  # a malformed reference is a bad argument
        raise _click.exceptions.UsageError(str(exc)) from None
    result = groups.analyze_experiment_group(
        db=database, members=members, report_path=report, n_resamples=resamples, seed=seed
    )
    if as_json:
        _print_json(result.model_dump(mode="json"))
        return
    a = result.analysis
    sets = ", ".join(f"{n} ({counted(a.sets_per_participant[n], 'set')})" for n in a.participants)
    typer.echo(f"{a.title}: a group of {len(a.participants)}: {sets}.")
    if not result.participants_named:
        typer.echo(
            "Some experiments have no participant's name: give one with "
            "`experiment new --participant NAME` when you make the next ones."
        )
    for e in group_headline(a):
        c = e.comparison
        up = sum(p.difference > 0 for p in e.participants)
        down = sum(p.difference < 0 for p in e.participants)
        label = group_label(e, a.activation_unit)
        if c.mean_difference is None:
            typer.echo(f"  {label}: no participant has both yet")
        else:
            parts = [
                f"{counted(len(e.participants), 'person', 'people')} ({up} higher, {down} lower)",
                f"difference {c.mean_difference:+.2f}"
                + (
                    f" [{c.difference_ci_low:+.2f}, {c.difference_ci_high:+.2f}]"
                    if c.difference_ci_low is not None and c.difference_ci_high is not None
                    else ""
                ),
            ]
            if c.g is not None:
                ci = (
                    f" [{c.ci_low:.2f}, {c.ci_high:.2f}]"
                    if c.ci_low is not None and c.ci_high is not None
                    else ""
                )
                parts.append(f"g_z {c.g:.2f}{ci}")
            if c.p_value is not None:
                parts.append(f"p {c.p_value:.3f}" + ("" if c.exact_p else " (sampled)"))
            typer.echo(f"  {label}: {'; '.join(parts)}")
            if c.note:
                typer.echo(f"    {c.note}")
        for lo in e.left_out:
            typer.echo(f"    left out: {lo.participant}: {lo.reason}")
    for note in a.limitations:
        typer.echo(f"- {note}")
    if result.report_path:
        typer.echo(f"Report: {result.report_path}")


def _title(design: ExperimentDesign) -> str:
    """The design's title, with its participant's name when it has one."""
    return design.title if design.participant is None else f"{design.title} ({design.participant})"
