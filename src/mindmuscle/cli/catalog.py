"""``mindmuscle exercises|exercise|evidence`` and ``mindmuscle catalog import``."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

import typer
from rich import box
from rich.console import Group
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table
from rich.text import Text
from typer import _click
from typer.core import TyperGroup

from mindmuscle.catalog import Breathing, Catalog, Exercise, Mechanic, load_catalog
from mindmuscle.cli._app import DbOption, app, console, err_console
from mindmuscle.cli._db import open_existing
from mindmuscle.config import Settings
from mindmuscle.errors import InvalidInputError, UnknownIdError, counted
from mindmuscle.services.catalog import (
    assign_exercise_targets,
    import_free_exercise_db,
    load_user_catalog,
    user_catalog,
)
from mindmuscle.store import LOCAL_USER_ID, database_exists, open_database

catalog_app = typer.Typer(
    help="Manage the exercise catalogue: import exercises from free-exercise-db.",
    no_args_is_help=True,
)
app.add_typer(catalog_app, name="catalog")

_BREATHING = {
    Breathing.EXHALE_CONCENTRIC: "Inhale as you lower, exhale as you lift.",
    Breathing.BRACE: "Big breath in and brace your trunk before each rep; breathe out at the top.",
    Breathing.STEADY: "Breathe slowly and steadily through the hold.",
}


def _user_catalog(db: str | None) -> Catalog:
    """Your catalogue, as the web app and `plan` see it (an empty database is not created)."""
    settings = Settings()
    if db:  # a database named on purpose must exist: a reading command creates nothing
        return user_catalog(db=open_existing(db), user_id=LOCAL_USER_ID, settings=settings)
    if database_exists(settings=settings):
        database = open_database(db, settings=settings)
        return user_catalog(db=database, user_id=LOCAL_USER_ID, settings=settings)
    return load_user_catalog(settings)


def _print_json(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _muscle_names(catalog: Catalog, ids: list[str]) -> str:
    return ", ".join(catalog.muscles[m].name for m in ids) if ids else "-"


def _target_names(catalog: Catalog, ex: Exercise) -> str:
    if ex.unassigned:
        return f"unassigned: mindmuscle exercise assign {ex.id} --targets MUSCLE[,MUSCLE]"
    return _muscle_names(catalog, ex.targets)


def _card(catalog: Catalog, ex: Exercise) -> Group:
    facts = [
        ex.mechanic.value,
        f"{ex.region.value} body" if ex.region.value != "core" else "core",
        ex.equipment.value.replace("_", " "),
        f"load: {ex.load_type.value}",
    ]
    if ex.unilateral:
        facts.append("one side at a time")
    if ex.source != "builtin":
        facts.append(f"from {ex.source}")
    header = Text.assemble((ex.name, "bold"), "  ", (ex.id, "dim"), "\n", " · ".join(facts))
    if ex.aliases:
        header.append(f"\nAlso logged as: {'; '.join(ex.aliases)}", style="dim")

    muscles = Table.grid(padding=(0, 2))
    muscles.add_column(style="bold")
    muscles.add_column()
    muscles.add_row("Target", _target_names(catalog, ex))
    muscles.add_row("Helpers", _muscle_names(catalog, ex.synergists))
    muscles.add_row("Watch for", _muscle_names(catalog, ex.compensators))

    cues = Table.grid(padding=(0, 2))
    cues.add_column(style="bold", no_wrap=True)
    cues.add_column()
    for i, c in enumerate(ex.internal_cues):
        cues.add_row("Internal" if i == 0 else "", f"• {c}")
    for i, c in enumerate(ex.external_cues):
        cues.add_row("External" if i == 0 else "", f"• {c}")

    prime = Table.grid(padding=(0, 2))
    prime.add_column(style="bold", no_wrap=True)
    prime.add_column()
    prime.add_row("Visualise", ex.visualisation)
    prime.add_row("Touch", ex.touch_cue)

    t = ex.tempo
    movement = Table.grid(padding=(0, 2))
    movement.add_column(style="bold")
    movement.add_column()
    movement.add_row(
        "Tempo",
        f"{t.as_string()}  (lower {t.eccentric_s:g} s, pause {t.bottom_pause_s:g} s, "
        f"lift {t.concentric_s:g} s, squeeze {t.top_squeeze_s:g} s; {t.rep_s:g} s per rep)",
    )
    movement.add_row("Breathing", _BREATHING[ex.breathing])
    direction = ex.concentric.value
    if ex.starts_with:
        direction += f"; each rep starts with the {ex.starts_with}"
    movement.add_row("Lift goes", direction)

    return Group(
        Panel(header, border_style="cyan"),
        Panel(muscles, title="Muscles", title_align="left"),
        Panel(cues, title="Cues", title_align="left"),
        Panel(prime, title="Before the set", title_align="left"),
        Panel(movement, title="The rep", title_align="left"),
    )


@app.command("exercises")
def exercises(
    muscle: str | None = typer.Option(
        None, "--muscle", "-m", help="Only exercises that target this muscle id, e.g. lats."
    ),
    mechanic: Mechanic | None = typer.Option(
        None, "--mechanic", help="Only isolation, compound or unknown-kind exercises."
    ),
    builtin: bool = typer.Option(
        False, "--builtin", help="Only the built-in exercises, not the ones you imported."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the full cards as a JSON list."),
    db: DbOption = None,
) -> None:
    """List the exercises of your catalogue (built-in, imported, and your own from log imports)."""
    catalog = load_catalog() if builtin else _user_catalog(db)
    if muscle is not None:
        chosen = catalog.exercises_for(muscle, mechanic=mechanic)
    else:
        chosen = [
            ex for ex in catalog.exercises.values() if mechanic is None or ex.mechanic == mechanic
        ]
    if as_json:
        _print_json([ex.model_dump(mode="json") for ex in chosen])
        return
    title = counted(len(chosen), "exercise") + (
        f" for {catalog.muscle(muscle).name}" if muscle else ""
    )
    # Readable at 80 columns: the name with its id (for other commands) beneath it, the target
    # muscles by name, and the kind of exercise with its tempo beneath.
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    id_width = max((len(ex.id) for ex in chosen), default=8)
    rest = max(console.width - id_width - 4, 30)
    table.add_column("exercise (id)", width=id_width + 2)  # + its padding
    kinds = [f"{ex.mechanic.value}, {ex.equipment.value.replace('_', ' ')}" for ex in chosen]
    kind_width = min(max((len(k) for k in kinds), default=14) + 2, rest // 2)
    table.add_column("targets", width=rest - kind_width)
    table.add_column("kind and tempo", width=kind_width)
    for ex in chosen:
        targets = [catalog.muscles[m].short_name for m in ex.targets if m in catalog.muscles]
        table.add_row(
            Text.assemble((ex.name, "bold"), "\n", (ex.id, "cyan")),
            ", ".join(targets) or "unassigned",
            f"{ex.mechanic.value}, {ex.equipment.value.replace('_', ' ')}\n"
            f"tempo {ex.tempo.as_string()}",
        )
    console.print(table, highlight=False)


class _ShowByDefault(TyperGroup):
    """`mindmuscle exercise ID` is `mindmuscle exercise show ID`; `assign` is a subcommand."""

    def parse_args(self, ctx: _click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["show", *args]
        return super().parse_args(ctx, args)


exercise_app = typer.Typer(
    cls=_ShowByDefault,
    help="Show an exercise card (mindmuscle exercise ID) or assign your exercise's targets.",
    no_args_is_help=True,
)
app.add_typer(exercise_app, name="exercise")


@exercise_app.command("show")
def exercise(
    exercise_id: str = typer.Argument(
        ..., help="Exercise id or name, e.g. barbell_bench_press or 'Barbell Bench Press'."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the card as JSON."),
    db: DbOption = None,
) -> None:
    """Show one exercise card: muscles, cues, visualisation, touch cue, tempo and breathing."""
    catalog = _user_catalog(db)
    ex = catalog.exercise_named(exercise_id)
    if as_json:
        _print_json(ex.model_dump(mode="json"))
        return
    console.print(_card(catalog, ex))


@exercise_app.command("assign")
def assign(
    exercise_id: str = typer.Argument(..., help="Your exercise's id, e.g. user_warm_up."),
    targets: str = typer.Option(
        ..., "--targets", help="Target muscle ids, comma-separated, e.g. quadriceps,glutes."
    ),
    kind: Mechanic | None = typer.Option(
        None,
        "--kind",
        help="isolation (one joint) or compound (several); left out, the kind stays as it is.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the updated card as JSON."),
    db: DbOption = None,
) -> None:
    """Assign the target muscles of one of your own exercises (one made by a log import).

    Until then it has no target and stays out of the connection map."""
    settings = Settings()
    database = open_database(db, settings=settings)
    ex = assign_exercise_targets(
        db=database,
        user_id=LOCAL_USER_ID,
        exercise_id=exercise_id,
        targets=[t for t in targets.split(",") if t.strip()],
        mechanic=kind,
        settings=settings,
    )
    if as_json:
        _print_json(ex.model_dump(mode="json"))
        return
    catalog = user_catalog(db=database, user_id=LOCAL_USER_ID, settings=settings)
    console.print(
        f"{ex.name} ({ex.id}) now targets {_muscle_names(catalog, ex.targets)}; its sets count "
        f"in the connection map. Kind: {ex.mechanic.value}"
        + (
            " (say it with --kind isolation or --kind compound)."
            if ex.mechanic == Mechanic.UNKNOWN
            else "."
        ),
        markup=False,
        highlight=False,
    )


def _study_rows(catalog: Catalog) -> Table:
    table = Table(title="Studies", title_justify="left")
    table.add_column("id", style="cyan", no_wrap=True)
    table.add_column("finding")
    table.add_column("certainty")
    for s in catalog.studies.values():
        note = " (some numbers unverified)" if s.unverified_numbers else ""
        table.add_row(s.id, s.finding + note, s.certainty.value)
    return table


def _rule_rows(catalog: Catalog) -> Table:
    table = Table(title="Coaching rules", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("rule")
    table.add_column("evidence", style="cyan")
    for r in catalog.rules:
        table.add_row(str(r.number), r.text, ", ".join(r.evidence))
    return table


def _claim_rows(catalog: Catalog) -> Table:
    table = Table(title="Claims MindMuscle does not repeat", title_justify="left")
    table.add_column("claim")
    table.add_column("why not")
    table.add_column("evidence", style="cyan")
    for c in catalog.claims:
        table.add_row(c.claim, c.why, ", ".join(c.evidence))
    return table


def _evidence_item(catalog: Catalog, item_id: str) -> tuple[dict[str, Any], Panel]:
    data: dict[str, Any]
    text = item_id.strip().lower().removeprefix("rule").strip()
    if text.isdigit():
        rule = catalog.rule(int(text))
        studies = [catalog.study(s) for s in rule.evidence]
        body = Text(rule.text + "\n\n")
        for s in studies:
            body.append(f"{s.id}", style="cyan")
            body.append(f" ({s.certainty.value} certainty): {s.finding}\n")
        data = {
            "kind": "rule",
            "rule": rule.model_dump(mode="json"),
            "studies": [s.model_dump(mode="json") for s in studies],
        }
        body.rstrip()
        return data, Panel(body, title=f"Rule {rule.number}", title_align="left")
    if item_id in catalog.studies:
        study = catalog.study(item_id)
        cited = [r.number for r in catalog.rules if study.id in r.evidence]
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column()
        grid.add_row("Citation", study.citation)
        grid.add_row("Design", study.design)
        grid.add_row("Finding", study.finding)
        grid.add_row("Supports", study.supports)
        grid.add_row("Certainty", study.certainty.value)
        if study.unverified_numbers:
            grid.add_row("Note", "Some numbers could not be checked against the paper itself.")
        grid.add_row("Rules", ", ".join(str(n) for n in cited) or "-")
        data = {
            "kind": "study",
            "study": study.model_dump(mode="json"),
            "rules": cited,
        }
        return data, Panel(grid, title=study.id, title_align="left")
    claims = {c.id: c for c in catalog.claims}
    if item_id in claims:
        claim = claims[item_id]
        body = Text.assemble(
            ("Claim: ", "bold"),
            claim.claim,
            "\n",
            ("Why not: ", "bold"),
            claim.why,
            "\n",
            ("Evidence: ", "bold"),
            ", ".join(claim.evidence),
        )
        data = {"kind": "claim", "claim": claim.model_dump(mode="json")}
        return data, Panel(body, title=claim.id, title_align="left")
    known = [*catalog.studies, *claims]
    raise UnknownIdError(
        "evidence",
        item_id,
        difflib.get_close_matches(item_id, known, n=3, cutoff=0.5),
    )


@app.command("evidence")
def evidence(
    item_id: str | None = typer.Argument(
        None, help="A study id (schoenfeld2018), a rule number (12) or a claim id."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Show the evidence: studies, the rules that cite them, and claims we do not repeat."""
    catalog = load_catalog()
    if item_id is not None:
        data, panel = _evidence_item(catalog, item_id)
        if as_json:
            _print_json(data)
        else:
            console.print(panel)
        return
    if as_json:
        _print_json(
            {
                "studies": [s.model_dump(mode="json") for s in catalog.studies.values()],
                "rules": [r.model_dump(mode="json") for r in catalog.rules],
                "claims": [c.model_dump(mode="json") for c in catalog.claims],
            }
        )
        return
    console.print(_study_rows(catalog))
    console.print(_rule_rows(catalog))
    console.print(_claim_rows(catalog))


@catalog_app.command("import")
def import_file(
    file: Path = typer.Argument(..., help="free-exercise-db exercises.json (the dist file)."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Import free-exercise-db exercises into your catalogue (stored in your data folder)."""
    if file.is_dir():
        raise InvalidInputError(
            f"{file} is a folder; give the exercises.json file of free-exercise-db."
        )
    settings = Settings()
    with Progress(
        TextColumn("Mapping exercises"),
        BarColumn(),
        MofNCompleteColumn(),
        console=err_console,
        transient=True,
        disable=as_json,
    ) as progress:
        task = progress.add_task("import", total=None)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        summary = import_free_exercise_db(file, settings=settings, on_progress=advance)
    if as_json:
        _print_json(summary.as_dict())
        return
    console.print(
        f"Imported {counted(summary.imported, 'exercise')} from {summary.source} "
        f"({summary.replaced} replaced); your catalogue now has {summary.user_exercises} "
        f"added {'exercise' if summary.user_exercises == 1 else 'exercises'}, stored in "
        f"{summary.stored_in}.",
        markup=False,
        highlight=False,
    )
    table = Table(title="How free-exercise-db muscles were mapped", title_justify="left")
    table.add_column("free-exercise-db")
    table.add_column("MindMuscle muscle (exercises)")
    for term, counts in summary.muscle_mapping.items():
        table.add_row(term, ", ".join(f"{m} ({n})" for m, n in counts.items()))
    console.print(table)
