"""``mindmuscle import`` (Strong, Hevy, FitNotes, MindMuscle JSON) and ``mindmuscle export``."""

from __future__ import annotations

import os
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import IO, Annotated

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from mindmuscle.cli._app import DbOption, app, console, err_console
from mindmuscle.cli._db import database_url, open_existing
from mindmuscle.errors import InvalidInputError
from mindmuscle.services.export import export_csv, export_json
from mindmuscle.services.imports import DEFAULT_THRESHOLD, ImportReport, import_file
from mindmuscle.services.profile import get_profile
from mindmuscle.store import LOCAL_USER_ID, Database, database_exists, open_database

__all__ = ["export_command", "import_command"]


class ImportFormat(StrEnum):
    AUTO = "auto"
    STRONG = "strong"
    HEVY = "hevy"
    FITNOTES = "fitnotes"
    JSON = "json"


class UnitChoice(StrEnum):
    KG = "kg"
    LB = "lb"


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


def _summary(report: ImportReport) -> None:
    title = "Import (dry run: nothing stored)" if report.dry_run else "Import"
    table = Table(title=f"{title}: {report.path}", show_header=True)
    table.add_column("")
    table.add_column("in file", justify="right")
    table.add_column("would store" if report.dry_run else "stored now", justify="right")
    new_sets = report.sets - report.sets_already_stored if report.dry_run else report.sets_added
    table.add_row("sets", str(report.sets), str(new_sets))
    table.add_row("workouts", str(report.workouts), str(report.workouts_added))
    table.add_row("exercises", str(report.exercises), "")
    table.add_row("  matched to the catalogue", str(report.matched), "")
    table.add_row(
        "  your own exercises",
        str(report.user_exercises),
        f"{report.new_user_exercises} new" + (" (not made)" if report.dry_run else ""),
    )
    console.print(table)
    weights = report.unit
    if report.format.startswith("mindmuscle-"):
        weights += ", as MindMuscle's own files store them"
    stored = report.sets_already_stored
    console.print(
        f"Format: {report.format}; weights: {weights}. "
        f"{stored} {'set was' if stored == 1 else 'sets were'} already stored.",
        highlight=False,
    )
    mappings = Table(title="Exercise names and what they were matched to", show_header=True)
    for column in ("name in file", "exercise", "method", "confidence", "sets"):
        mappings.add_column(column, justify="right" if column in ("confidence", "sets") else "left")
    for m in report.mappings:
        method: str = f"alias of {m.exercise_name}" if m.method == "alias" else m.method
        if m.unassigned:
            hint = f", suggested {','.join(m.suggested_targets)}" if m.suggested_targets else ""
            method = f"{m.method} (no target muscle yet{hint})"
        exercise = f"{m.exercise_name} ({m.exercise_id})"
        mappings.add_row(m.name, exercise, method, f"{m.confidence:.2f}", str(m.sets))
    console.print(mappings)
    if any(m.unassigned for m in report.mappings):
        console.print(
            "Exercises without a target muscle stay out of the connection map until you assign "
            "them: mindmuscle exercise assign ID --targets MUSCLE[,MUSCLE]",
            markup=False,
            highlight=False,
        )


def _parse_map(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        name, sep, exercise_id = item.rpartition("=")
        if not sep or not name.strip() or not exercise_id.strip():
            raise InvalidInputError(
                f"--map {item!r} is not NAME=EXERCISE_ID; give for example "
                "--map 'Lower Chest Fly=cable_fly'."
            )
        out[name.strip()] = exercise_id.strip()
    return out


def _check_log_file(file: Path) -> None:
    """One line naming ``file`` when it cannot be an exported log: missing, a folder, empty."""
    fix = "give the path of an exported log"
    if file.is_dir():
        raise InvalidInputError(f"{file} is a folder; give a file: the path of an exported log.")
    if not file.exists():
        raise InvalidInputError(f"{file}: no such file; {fix}.")
    if not file.is_file():
        if file.resolve() == Path(os.devnull).resolve():
            raise InvalidInputError(f"{file} is empty; {fix}.")
        raise InvalidInputError(f"{file} is not a file (a device or a pipe); {fix}.")


@app.command("import")
def import_command(
    file: Annotated[
        Path,
        typer.Argument(help="A Strong, Hevy or FitNotes CSV export, or a MindMuscle JSON export."),
    ],
    format: Annotated[
        ImportFormat, typer.Option("--format", help="The file's format; auto detects it.")
    ] = ImportFormat.AUTO,
    unit: Annotated[
        UnitChoice | None,
        typer.Option(
            "--unit", help="Weight unit for files that do not say (Strong's usual export)."
        ),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read and match, show the report, store nothing.")
    ] = False,
    json_out: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold",
            min=0.5,
            max=1.0,
            help="Minimum similarity (0.5-1) for a fuzzy exercise-name match.",
        ),
    ] = DEFAULT_THRESHOLD,
    mapping: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="Your own match, NAME=EXERCISE_ID (repeatable), e.g. --map 'Lower Chest "
            "Fly=cable_fly'; run with --dry-run first to see the automatic ones.",
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """Import a workout log. One file is one transaction; importing it again adds nothing."""
    given = _parse_map(mapping or [])
    _check_log_file(file)
    url = database_url(db)
    if dry_run and not database_exists(url):
        # Nothing stored and nothing created: match against an empty database in memory.
        url = "sqlite://"
    database = open_database(url)
    # A file that states no unit is read in the profile's unit (the report says so).
    profile_unit = get_profile(db=database, user_id=LOCAL_USER_ID).units
    try:
        show = not json_out and err_console.is_terminal
        with Progress(
            TextColumn("[bold]Reading"),
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=err_console,
            disable=not show,
            transient=True,
        ) as bar:
            task = bar.add_task("read", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total or None)

            report = import_file(
                db=database,
                user_id=LOCAL_USER_ID,
                path=file,
                format=format.value,
                unit=profile_unit if unit is None else unit.value,
                dry_run=dry_run,
                threshold=threshold,
                progress=progress,
                mapping=given,
            )
    finally:
        database.close()
    if json_out:
        sys.stdout.write(report.model_dump_json(indent=2) + "\n")
    else:
        _summary(report)
        if unit is None and report.unit_in_file is None:
            other = "lb" if profile_unit == "kg" else "kg"
            console.print(
                f"The file states no weight unit: read in {profile_unit}, your profile's unit "
                f"(give --unit {other} if it was in {other}).",
                highlight=False,
            )


@app.command("export")
def export_command(
    format: Annotated[
        ExportFormat,
        typer.Option("--format", help="csv: one row per set; json: everything, re-importable."),
    ] = ExportFormat.CSV,
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: standard output).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Export your sets as CSV, or everything as JSON (importable again)."""
    if out is not None and out.is_dir():
        raise InvalidInputError(
            f"--out {out} is a folder; give a file, such as {out / f'sets.{format.value}'}."
        )
    if out is not None and not out.resolve().parent.is_dir():
        raise InvalidInputError(
            f"--out {out}: the folder {out.resolve().parent} does not exist; create it or "
            "choose another file."
        )
    database = open_existing(db)
    try:
        if out is None:
            _export(database, format, sys.stdout)
            return
        # Written beside the target and renamed at the end: a failed export leaves no half file.
        fd, tmp = tempfile.mkstemp(dir=out.resolve().parent, prefix=f".{out.name}.", text=True)
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
                n = _export(database, format, fh)
            os.replace(tmp, out)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        err_console.print(f"Wrote {n} {'set' if n == 1 else 'sets'} to {out} ({format.value}).")
    finally:
        database.close()


def _export(database: Database, format: ExportFormat, fh: IO[str]) -> int:
    if format == ExportFormat.JSON:
        return len(export_json(db=database, user_id=LOCAL_USER_ID, out=fh).sets)
    return export_csv(db=database, user_id=LOCAL_USER_ID, out=fh)
