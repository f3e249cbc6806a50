"""``mindmuscle plan``: today's plan from the stored profile and logged sets.

The options override what is stored: ``--readiness`` for today's check, ``--e1rm`` for the
estimated maxima, ``--goal``, ``--experience`` and ``--units`` for the profile. Without a
database (nothing logged yet) the plan uses the default profile. The guided flexing drill is
``mindmuscle drill`` (``cli/session.py``); :func:`drill` here shows the drill's plan only.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Annotated, NamedTuple, cast

import typer
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table

from mindmuscle.catalog import load_catalog
from mindmuscle.cli._app import app, console
from mindmuscle.cli._db import open_existing
from mindmuscle.coach import (
    DrillPlan,
    Experience,
    Goal,
    Plan,
    Profile,
    Readiness,
    default_equipment,
)
from mindmuscle.coach.limits import E1RM_KG, check_mass
from mindmuscle.errors import InvalidInputError
from mindmuscle.services.catalog import user_catalog
from mindmuscle.services.profile import get_profile
from mindmuscle.services.sessions import preview_plan
from mindmuscle.store import LOCAL_USER_ID, database_exists, open_database
from mindmuscle.units import MassUnit, parse_unit

__all__ = ["GivenE1rm", "parse_e1rm", "parse_readiness", "parse_soreness", "plan"]

_GOALS = ("hypertrophy", "strength", "endurance")
_EXPERIENCE = ("new", "some", "experienced")
_SCALES = ("sleep", "energy", "stress", "focus")


def _choice(value: str, allowed: tuple[str, ...], option: str) -> str:
    v = value.strip().lower()
    if v not in allowed:
        raise InvalidInputError(
            f"{option} {value!r} is not allowed: choose one of {', '.join(allowed)}."
        )
    return v


def parse_readiness(text: str) -> Readiness:
    """Parse ``SLEEP,ENERGY,STRESS,FOCUS`` (four whole numbers 1-5) into a readiness check."""
    parts = [p.strip() for p in text.split(",")]
    allowed = (
        "four whole numbers 1-5 as SLEEP,ENERGY,STRESS,FOCUS, for example 4,3,2,4 (sleep, "
        "energy and focus: 5 is best; stress: 1 is calm, 5 very stressed)"
    )
    if len(parts) != 4:
        raise InvalidInputError(
            f"--readiness {text!r} has {len(parts)} value{'s' if len(parts) != 1 else ''}: "
            f"give {allowed}."
        )
    values: list[int] = []
    for name, part in zip(_SCALES, parts, strict=True):
        try:
            value = int(part)
        except ValueError:
            raise InvalidInputError(
                f"--readiness {text!r}: {name} {part!r} is not a whole number; give {allowed}."
            ) from None
        if not 1 <= value <= 5:
            raise InvalidInputError(
                f"--readiness {text!r}: {name} {value} is out of range 1-5; give {allowed}."
            )
        values.append(value)
    return Readiness(sleep=values[0], energy=values[1], stress=values[2], focus=values[3])


def parse_soreness(items: list[str]) -> dict[str, int]:
    """Parse ``MUSCLE_ID=LEVEL`` items (level 0 none .. 3 very sore)."""
    out: dict[str, int] = {}
    for item in items:
        muscle_id, sep, raw = item.partition("=")
        try:
            level = int(raw) if sep else -1
        except ValueError:
            level = -1
        if not muscle_id.strip() or not 0 <= level <= 3:
            raise InvalidInputError(
                f"--sore {item!r} is not MUSCLE_ID=LEVEL with a level 0-3 (0 none, 3 very "
                "sore): give for example --sore quadriceps=2."
            )
        out[muscle_id.strip()] = level
    return out


class GivenE1rm(NamedTuple):
    """One ``--e1rm`` as typed: the exercise, the number and its unit, and the number in kg."""

    exercise_id: str
    value: float
    unit: MassUnit
    kg: float


_NUMBER_UNIT = re.compile(r"^(?P<number>.*?)\s*(?P<unit>[a-z]*)$")


def parse_e1rm(items: list[str], unit: MassUnit = "kg") -> list[GivenE1rm]:
    """Parse ``EXERCISE_ID=E1RM`` items (``=100``, ``=100kg`` or ``=225lb``); a number without
    a unit is in ``unit`` (the lifter's: ``--units``, else their profile's)."""
    out: list[GivenE1rm] = []
    for item in items:
        ex_id, sep, raw = item.partition("=")
        if not sep or not ex_id.strip() or not raw.strip():
            raise InvalidInputError(
                f"--e1rm {item!r} is not EXERCISE_ID=E1RM: give for example "
                f"--e1rm barbell_back_squat=100 (in {unit}), =100kg or =225lb."
            )
        match = _NUMBER_UNIT.match(raw.strip().lower())
        number, typed = (match["number"], match["unit"]) if match else (raw, "")
        if not number:  # letters only ("abc", "inf"): not a number with a unit
            number, typed = raw.strip(), ""
        given = unit
        if typed:
            try:
                given = parse_unit(typed)
            except InvalidInputError:
                raise InvalidInputError(
                    f"--e1rm {item!r}: the unit {typed!r} is not allowed: give kg or lb "
                    f"(e.g. =225lb), or no unit for {unit}."
                ) from None
        try:
            value = float(number)
        except ValueError:
            raise InvalidInputError(
                f"--e1rm {item!r}: {number!r} is not a number; {E1RM_KG.allowed()}, for "
                "example barbell_back_squat=100."
            ) from None
        name = ex_id.strip()
        kg = check_mass(E1RM_KG, f"e1rm.{name}", value, given)
        out.append(GivenE1rm(name, value, given, kg))
    return out


def _e1rm_line(given: list[GivenE1rm], unit: MassUnit, unit_from: str) -> str:
    """Which unit each ``--e1rm`` was read in, so 225 meant in kg is never planned as lb."""
    parts = [f"{g.exercise_id} {g.value:g} {g.unit}" for g in given]
    plain = any(g.unit == unit for g in given)
    where = f" (a number without a unit is in {unit}, {unit_from})" if plain else ""
    return f"e1RM as given: {', '.join(parts)}{where}."


def _render_plan(p: Plan) -> None:
    colour = {"train": "green", "light": "yellow", "drill": "cyan", "rest": "magenta"}
    console.print(
        Panel(
            p.reason,
            title=f"Today: {p.decision.upper()} ({p.goal})",
            border_style=colour[p.decision],
        ),
        highlight=False,
    )
    if p.imagery:
        console.print(
            f"[bold]Optional imagery (an adjunct):[/bold] {escape(p.imagery)}", highlight=False
        )
    if p.drill is not None:
        _render_drill(p.drill)
    if not p.exercises:
        return
    table = Table(show_lines=True, expand=True)
    table.add_column("#", no_wrap=True)
    table.add_column("Exercise", ratio=3)
    table.add_column("Sets", no_wrap=True)
    table.add_column("Load", ratio=2)
    table.add_column("Tempo", no_wrap=True)
    table.add_column("Focus cue", ratio=6)
    table.add_column("Rest", no_wrap=True)
    for i, e in enumerate(p.exercises, 1):
        pct = f" ({e.percent_e1rm:g}% e1RM)" if e.percent_e1rm is not None else ""
        source = " test set" if e.load_source == "starting_test" else ""
        table.add_row(
            str(i),
            f"{escape(e.name)}\n[dim]{e.role}[/dim]",
            f"{e.sets} x {e.reps[0]}-{e.reps[1]}",
            f"{e.load_display}{pct}{source}",
            e.tempo.as_string(),
            f"[bold]{e.focus.mode}[/bold]: {escape(e.focus.cue)}",
            f"{e.rest_s} s",
        )
    console.print(table, highlight=False)
    for reason in p.why:
        console.print(f"- {escape(reason.text)}", highlight=False)
    for i, e in enumerate(p.exercises, 1):
        console.print(f"\n[bold]{i}. {escape(e.name)}[/bold] ({e.role})", highlight=False)
        console.print(f"  Prime: {escape(e.prime.visualisation)}", highlight=False)
        console.print(
            f"  Touch: {escape(e.prime.touch)} Squeeze test: {e.prime.squeeze_test_s:g} s.",
            highlight=False,
        )
        console.print(f"  Breathing: {escape(e.breathing)}", highlight=False)
        console.print(f"  Between sets: {escape(e.between_set_prompt)}", highlight=False)
        for reason in e.why:
            ids = ", ".join(reason.evidence)
            ev = f" [dim]{escape(f'[{ids}]')}[/dim]" if reason.evidence else ""
            console.print(f"  - {escape(reason.text)}{ev}", highlight=False)
        for w in e.warnings:
            console.print(f"  [yellow]! {escape(w)}[/yellow]", highlight=False)


def _render_drill(d: DrillPlan) -> None:
    console.print(
        f"Flexing drill, about {d.total_s / 60:g} min. {escape(d.reason)}", highlight=False
    )
    table = Table()
    for col in ("#", "Muscle", "Flex - hold - release", "Reps", "Cue"):
        table.add_column(col, overflow="fold")
    for i, item in enumerate(d.items, 1):
        table.add_row(
            str(i),
            escape(item.name),
            f"{item.flex_s:g} s - {item.hold_s:g} s - {item.release_s:g} s",
            str(item.reps),
            escape(item.cue),
        )
    console.print(table, highlight=False)


def _print_json(data: object) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


@app.command()
def plan(
    json_out: Annotated[bool, typer.Option("--json", help="Print the plan as JSON.")] = False,
    goal: Annotated[
        str | None,
        typer.Option(help="hypertrophy, strength or endurance (default: your profile)."),
    ] = None,
    experience: Annotated[
        str | None, typer.Option(help="new, some or experienced (default: your profile).")
    ] = None,
    readiness: Annotated[
        str | None,
        typer.Option(
            help="Today's check SLEEP,ENERGY,STRESS,FOCUS, each 1-5 (stress: 1 calm, 5 very "
            "stressed), e.g. 4,3,2,4."
        ),
    ] = None,
    e1rm: Annotated[
        list[str] | None,
        typer.Option(
            help="Estimated 1RM as EXERCISE_ID=E1RM, in your units (--units, else your "
            "profile's), or with its unit: =100kg, =225lb; repeat for several exercises. "
            "Replaces the estimate from your logged sets."
        ),
    ] = None,
    units: Annotated[
        str | None, typer.Option(help="kg or lb, for loads and equipment (default: profile).")
    ] = None,
    exercise: Annotated[
        list[str] | None,
        typer.Option(
            help="Exercise for today, by id or name (repeatable); default: the coach chooses."
        ),
    ] = None,
    sore: Annotated[
        list[str] | None,
        typer.Option(
            help="Soreness as MUSCLE_ID=LEVEL, 0 none .. 3 very sore (repeatable; needs "
            "--readiness): 2 makes its exercises light, 3 skips them."
        ),
    ] = None,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL or SQLite file with your profile and logged sets. Default: "
            "MINDMUSCLE_DATABASE_URL, else the one in your data folder (if it exists).",
        ),
    ] = None,
) -> None:
    """Today's plan from your profile and logged sets (the options override them): exercises,
    sets, reps, load, tempo, focus cue and why, with evidence ids. Nothing is stored; use
    `mindmuscle today` to keep the plan for `mindmuscle session`."""
    # A database named on purpose must exist (nothing is created); without one, the defaults.
    database = open_existing(db) if db else open_database() if database_exists() else None
    stored = Profile() if database is None else get_profile(db=database, user_id=LOCAL_USER_ID)
    unit = parse_unit(units) if units is not None else stored.units
    equipment = stored.equipment if stored.equipment.unit == unit else default_equipment(unit)
    profile = Profile(
        goal=cast(Goal, _choice(goal, _GOALS, "--goal")) if goal is not None else stored.goal,
        experience=cast(Experience, _choice(experience, _EXPERIENCE, "--experience"))
        if experience is not None
        else stored.experience,
        units=unit,
        equipment=equipment,
        bodyweight_kg=stored.bodyweight_kg,
    )
    unit_from = (
        "from --units"
        if units is not None
        else "the default"
        if database is None
        else "your profile's unit"
    )
    given = parse_e1rm(e1rm or [], unit)
    check = None if readiness is None else parse_readiness(readiness)
    if sore:
        if check is None:
            raise InvalidInputError(
                f"--sore {' '.join(sore)} was given without --readiness: soreness is part of "
                "today's check, so add --readiness SLEEP,ENERGY,STRESS,FOCUS (each 1-5)."
            )
        check = check.model_copy(update={"soreness": parse_soreness(sore)})
    exercise_ids = None
    if exercise:
        catalog = (
            load_catalog() if database is None else user_catalog(db=database, user_id=LOCAL_USER_ID)
        )
        exercise_ids = [catalog.exercise_named(e).id for e in exercise]
    result = preview_plan(
        db=database,
        user_id=LOCAL_USER_ID,
        now=datetime.now(UTC),
        readiness=check,
        profile=profile,
        exercise_ids=exercise_ids,
        e1rm_overrides={g.exercise_id: g.kg for g in given},
    )
    if json_out:
        _print_json(result.model_dump(mode="json"))
        return
    if given:
        console.print(_e1rm_line(given, unit, unit_from), highlight=False, markup=False)
    _render_plan(result)
