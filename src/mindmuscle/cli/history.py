"""What you logged, from the terminal: ``history`` and ``map``.

Apart from the guided commands (:mod:`mindmuscle.cli.session`) so that reading your history
does not load the session's timers, sounds and big letters.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from mindmuscle.catalog import Catalog
from mindmuscle.cli._app import DbOption, app, console
from mindmuscle.cli._db import open_existing
from mindmuscle.coach.limits import SKIPPED_RATING_TEXT
from mindmuscle.errors import counted
from mindmuscle.services.history import (
    WorkoutSummary,
    connection_map,
    e1rm_by_exercise,
    history,
    user_catalog,
    workouts,
)
from mindmuscle.services.profile import get_profile
from mindmuscle.store import LOCAL_USER_ID
from mindmuscle.units import MassUnit, from_kg

__all__ = ["history_command", "map_command", "took"]

USER_ID = LOCAL_USER_ID
_HISTORY_ROWS = 20  # sets shown by `history` without --limit, --all or --since


def _now() -> datetime:
    return datetime.now(UTC)


def _fmt_kg(load_kg: float | None, units: MassUnit) -> str:
    if load_kg is None:
        return "body weight"
    return f"{round(from_kg(load_kg, units), 2):g} {units}"


def _since(text: str, now: datetime) -> datetime:
    """``2024-01-15`` (local midnight) or ``30d`` / ``8w`` (that long ago)."""
    t = text.strip().lower()
    if t[:-1].isdigit() and t[-1:] in ("d", "w"):
        return now - timedelta(days=int(t[:-1]) * (7 if t.endswith("w") else 1))
    try:
        day = datetime.strptime(t, "%Y-%m-%d")
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a date: give YYYY-MM-DD (e.g. 2024-01-15) or a span back from "
            "today (30d, 8w).",
            param_hint="'--since'",
        ) from None
    return day.astimezone(UTC)


LONG_WORKOUT_H = 12
"""A workout that spans this long or longer was interrupted and resumed (the next day, most
often): its minutes mean nothing, so it reads in whole hours and days (``1 day``, not
``24 h 3 min``)."""


def took(seconds: float | None) -> str:
    """How long a workout lasted: ``38 min``, ``1 h 43 min``; empty when it is not known (or
    under half a minute), never a made-up ``0 min``. From :data:`LONG_WORKOUT_H` hours on, in
    whole hours and days: ``14 h``, ``1 day``, ``1 day 6 h``, ``3 days``."""
    minutes = 0 if seconds is None else round(seconds / 60)
    if minutes < 1:
        return ""
    if minutes < 60:
        return f"{minutes} min"
    if minutes >= LONG_WORKOUT_H * 60:
        days, hours = divmod(round(minutes / 60), 24)
        if not days:
            return f"{hours} h"
        return counted(days, "day") + (f" {hours} h" if hours else "")
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def _started(w: WorkoutSummary) -> str:
    """When a workout started; only its date for a log that keeps dates only (FitNotes: its
    sets are stored at midnight UTC, with no duration), not a made-up 00:00."""
    at = w.started_at.astimezone(UTC)
    if w.duration_s is None and (at.hour, at.minute, at.second, at.microsecond) == (0, 0, 0, 0):
        return at.strftime("%Y-%m-%d")
    return w.started_at.astimezone().strftime("%Y-%m-%d %H:%M")


def _workouts_table(found: list[WorkoutSummary], title: str, more: bool) -> None:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    for header in ("#", "started", "took", "sets", "from"):
        table.add_column(header, justify="right" if header in ("#", "sets") else "left")
    for w in found:
        table.add_row(
            str(w.session_id),
            _started(w),
            took(w.duration_s) or "-",
            str(w.sets),
            w.source,
        )
    console.print(table, highlight=False)
    if more:
        console.print(
            "Older workouts: --limit N, --all, or --since YYYY-MM-DD.", style="dim", highlight=False
        )


def _muscle(catalog: Catalog, muscle_id: str) -> str:
    muscle = catalog.muscles.get(muscle_id)
    return muscle.short_name.lower() if muscle is not None else muscle_id


@app.command("history")
def history_command(
    exercise: Annotated[
        str | None, typer.Option(help="Only this exercise (its id or its name).")
    ] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, help="How many of the newest sets (default 20).")
    ] = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Every set, not only the newest.")
    ] = False,
    since: Annotated[
        str | None,
        typer.Option(help="Only sets from this day on: YYYY-MM-DD, or 30d / 8w back from today."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON (sets oldest first, and e1RM).")
    ] = False,
    deleted: Annotated[
        bool, typer.Option("--deleted", help="Also show deleted sets (marked; restorable).")
    ] = False,
    by_workout: Annotated[
        bool,
        typer.Option(
            "--workouts",
            help="One line per workout (start, how long it took, sets), newest first; sets "
            "logged on their own (`log`) belong to no workout and are listed without it.",
        ),
    ] = False,
    db: DbOption = None,
) -> None:
    """Show logged sets with their ratings, and the estimated 1RM per exercise.

    Newest first: the last 20 sets, or --limit N, --all, --since DATE; --exercise for one
    exercise. --json gives every set (oldest first) unless --limit or --since narrow it.
    --workouts lists workouts instead, with how long each took.
    """
    now = _now()
    start = None if since is None else _since(since, now)
    if by_workout and (exercise is not None or deleted):
        raise typer.BadParameter(
            "--workouts lists whole workouts; leave out --exercise and --deleted, or leave "
            "out --workouts to list sets.",
            param_hint="'--workouts'",
        )
    database = open_existing(db)
    if by_workout:
        default = None if as_json or show_all or start is not None else _HISTORY_ROWS
        wanted = None if show_all else (limit if limit is not None else default)
        found = workouts(
            db=database,
            user_id=USER_ID,
            since=start,
            limit=None if wanted is None else wanted + 1,
        )
        more = wanted is not None and len(found) > wanted
        found = found[:wanted] if more else found
        if as_json:
            typer.echo(json.dumps([w.model_dump(mode="json") for w in found], indent=2))
        elif not found:
            when = f" since {start.astimezone():%Y-%m-%d}" if start is not None else ""
            console.print(
                f"No workouts{when} yet (sets logged on their own are listed without --workouts).",
                highlight=False,
            )
        else:
            noun = "workout" if len(found) == 1 else "workouts"
            shown = f"the newest {len(found)}" if more else f"all {len(found)}"
            _workouts_table(found, f"Workouts: {shown} {noun}, newest first", more)
        return
    catalog = user_catalog(db=database, user_id=USER_ID)
    exercise_id = None if exercise is None else catalog.exercise_named(exercise).id
    default = None if as_json or show_all or start is not None else _HISTORY_ROWS
    wanted = None if show_all else (limit if limit is not None else default)
    # One more than shown, to tell whether older sets exist.
    sets = history(
        db=database,
        user_id=USER_ID,
        exercise_id=exercise_id,
        since=start,
        limit=None if wanted is None else wanted + 1,
        include_deleted=deleted,
    )
    more = wanted is not None and len(sets) > wanted
    if more:
        sets = sets[1:]
    e1rm = e1rm_by_exercise(db=database, user_id=USER_ID, now=now)
    if as_json:
        payload = {
            "sets": [s.model_dump(mode="json") for s in sets],
            "e1rm": {k: v.model_dump(mode="json") for k, v in e1rm.items()},
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    units = get_profile(db=database, user_id=USER_ID).units

    def name(ex_id: str) -> str:
        ex = catalog.exercises.get(ex_id)
        return ex.name if ex is not None else ex_id

    what = f" of {name(exercise_id)}" if exercise_id else ""
    when = f" since {start.astimezone():%Y-%m-%d}" if start is not None else ""
    if not sets:
        console.print(f"No sets{what}{when} yet.", highlight=False)
        return
    noun = "set" if len(sets) == 1 else "sets"
    shown = f"the newest {len(sets)} {noun}" if more else f"all {len(sets)} {noun}"
    if len(sets) == 1 and not more:
        shown = "the one set"
    rows = []
    for s in reversed(sets):
        r = s.reflection
        felt_elsewhere = {} if r is None else r.felt_elsewhere
        rows.append(
            (
                # Marked here, where a narrow terminal cannot cut it off (see the note below).
                f"{s.id}*" if s.again_at_place else str(s.id),
                s.performed_at.astimezone().strftime("%Y-%m-%d"),
                name(s.exercise_id) + (" (deleted)" if s.deleted_at is not None else ""),
                _fmt_kg(s.load_kg, units).replace("body weight", "bw"),
                str(s.reps),
                # A skipped rating in the words of every other channel, not a bare dash.
                (
                    SKIPPED_RATING_TEXT
                    if r is None or r.target_rating is None
                    else str(r.target_rating)
                ),
                ", ".join(f"{_muscle(catalog, k)} {v}" for k, v in felt_elsewhere.items()) or "-",
            )
        )
    # Fixed columns keep their width; the exercise and the muscles felt elsewhere share the rest
    # of the line (2:1), cut with an ellipsis, so a set is one line even at 80 columns.
    headers = ("#", "day", "exercise", "load", "reps", "felt", "elsewhere")
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers)]
    fixed = sum(widths[i] for i in (0, 1, 3, 4, 5)) + 2 * 6
    rest = max(console.width - fixed, 20)
    exercise_w = min(widths[2], max(12, rest * 2 // 3))
    elsewhere_w = max(9, rest - exercise_w)
    table = Table(
        title=f"History: {shown}{what}{when}, newest first",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    for i, header in enumerate(headers):
        flexible = {2: exercise_w, 6: elsewhere_w}.get(i)
        table.add_column(
            header,
            justify="right" if i in (0, 3, 4, 5) else "left",
            style="dim" if i == 0 else None,
            no_wrap=True,
            overflow="ellipsis",
            min_width=None if flexible else widths[i],
            max_width=flexible,
        )
    for row in rows:
        table.add_row(*row)
    console.print(table, highlight=False)
    twice = [s.id for s in sets if s.again_at_place]
    if twice:
        console.print(
            f"* Stored twice: its workout holds another set at its place (its exercise and set "
            f"number) too. If it is the same set, delete it: `mindmuscle set show {twice[0]}` "
            "says more.",
            highlight=False,
            markup=False,
        )
    if more:
        console.print(
            "Older sets: --limit N, --all, or --since YYYY-MM-DD.", style="dim", highlight=False
        )
    shown_ids = dict.fromkeys(s.exercise_id for s in reversed(sets))
    estimates = [
        f"{name(k)} {_fmt_kg(e1rm[k].e1rm_kg, units)} "
        f"({e1rm[k].n_sets} {'set' if e1rm[k].n_sets == 1 else 'sets'})"
        for k in shown_ids
        if k in e1rm
    ]
    if estimates:
        console.print("Estimated 1RM: " + "; ".join(estimates), highlight=False)


@app.command("map")
def map_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    db: DbOption = None,
) -> None:
    """The connection map: how well you connect to each muscle (0-10), from your ratings."""
    database = open_existing(db)
    catalog = user_catalog(db=database, user_id=USER_ID)
    scores = connection_map(db=database, user_id=USER_ID, now=_now(), catalog=catalog)
    if as_json:
        typer.echo(json.dumps({k: v.model_dump(mode="json") for k, v in scores.items()}, indent=2))
        return
    if not scores:
        console.print(
            "No rated sets yet: the map fills in as you rate sets "
            "(`mindmuscle session`, `mindmuscle log`)."
        )
        return
    from mindmuscle.services.felt import (
        DISAGREE_LEGEND,
        disagreeing_muscles,
        felt_vs_measured_report,
    )

    marked = disagreeing_muscles(felt_vs_measured_report(database, USER_ID))
    table = Table(title="Connection map", title_justify="left")
    for col in ("muscle", "score", "sets", "trend /week", "felt when not a target"):
        table.add_column(col)
    for muscle_id, sc in sorted(scores.items(), key=lambda kv: (-kv[1].count, kv[0])):
        name = catalog.muscles[muscle_id].name if muscle_id in catalog.muscles else muscle_id
        bar = "#" * round(sc.score)
        table.add_row(
            f"(!) {name}" if muscle_id in marked else name,
            f"{sc.score:4.1f} {bar}" if sc.count else "-",
            str(sc.count),
            f"{sc.trend:+.1f}" if sc.count else "-",
            str(sc.compensation_count),
        )
    console.print(table)
    if marked:
        console.print(f"(!) {DISAGREE_LEGEND}:", highlight=False, markup=False, soft_wrap=True)
        for muscle_id, why in sorted(marked.items()):
            name = catalog.muscles[muscle_id].name if muscle_id in catalog.muscles else muscle_id
            console.print(f"  {name}: {why}", highlight=False, markup=False, soft_wrap=True)
