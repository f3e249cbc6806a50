"""``mindmuscle client``: a coach's clients, read on the server by its owner.

``client list --coach ben`` lists ben's clients with their latest workout; ``client show alex
--coach ben`` shows alex's newest sets by day, each with its reflection (felt rating, where else
it was felt, focus, note), as the coach's Reflections page does. A name that is not the coach's
client is refused in one line, as on the web.
"""

from __future__ import annotations

import json
from typing import Annotated

import typer

from mindmuscle.cli._app import DbOption, app, console
from mindmuscle.coach import format_load
from mindmuscle.coach.limits import felt_text
from mindmuscle.services import accounts
from mindmuscle.services import clients as clients_service
from mindmuscle.services.catalog import user_catalog
from mindmuscle.services.profile import get_profile
from mindmuscle.store import open_database

__all__ = ["client_app"]

client_app = typer.Typer(
    help="A coach's clients: list them, and show a client's sets with their reflections.",
    no_args_is_help=True,
)
app.add_typer(client_app, name="client")

CoachOption = Annotated[
    str, typer.Option("--coach", help="The coach (an admin) whose clients to read, e.g. ben.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@client_app.command("list")
def list_(coach: CoachOption, as_json: JsonOption = False, db: DbOption = None) -> None:
    """A coach's clients by name, each with their latest workout."""
    database = open_database(db)
    try:
        found = clients_service.clients(
            db=database, coach_id=accounts.coach_id(db=database, name=coach)
        )
    finally:
        database.close()
    if as_json:
        typer.echo(json.dumps([c.model_dump(mode="json") for c in found], indent=2))
        return
    if not found:
        console.print(f"{coach} has no client yet (mindmuscle user assign NAME {coach}).")
        return
    width = max(len(c.name) for c in found)
    for c in found:
        last = (
            f"last workout {c.last_workout_at:%a %d %b %Y}, {c.last_workout_sets} sets"
            if c.last_workout_at is not None
            else "no workout yet"
        )
        console.print(f"{c.name:<{width}}  {c.units}  {last}", highlight=False)


@client_app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="The client, e.g. alex.")],
    coach: CoachOption,
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="Newest sets.")] = 20,
    as_json: JsonOption = False,
    db: DbOption = None,
) -> None:
    """A client's newest sets by day, each with its reflection: felt, where else, focus, note."""
    database = open_database(db)
    try:
        coach_id = accounts.coach_id(db=database, name=coach)
        days = clients_service.client_days(db=database, coach_id=coach_id, name=name, limit=limit)
        client_id = clients_service.client(db=database, coach_id=coach_id, name=name)
        catalog = user_catalog(db=database, user_id=client_id)
        units = get_profile(db=database, user_id=client_id).units
    finally:
        database.close()
    if as_json:
        typer.echo(json.dumps([d.model_dump(mode="json") for d in days], indent=2))
        return
    if not days:
        console.print(f"{name} has logged no set yet.", highlight=False)
        return
    muscles = {m.id: m.name for m in catalog.muscles.values()}
    for d in days:
        console.print(f"[bold]{d.day:%a %d %b %Y}[/bold]")
        for s in d.sets:
            what = (
                catalog.exercises[s.exercise_id].name
                if s.exercise_id in catalog.exercises
                else s.exercise_id
            )
            r = s.reflection
            parts = [f"  {what}", f"{s.reps} x {format_load(s.load_kg, units)}",
                     felt_text(r.target_rating if r is not None else None)]  # fmt: skip
            if r is not None:
                if r.felt_elsewhere:
                    parts.append("also " + ", ".join(
                        f"{muscles.get(m, m)} {v}/10" for m, v in sorted(r.felt_elsewhere.items())
                    ))  # fmt: skip
                if r.focus_rating is not None:
                    parts.append(f"focus {r.focus_rating}/10")
                if r.note:
                    parts.append(f"\u201c{r.note}\u201d")
            console.print("  ".join(parts), highlight=False, markup=False, soft_wrap=True)
