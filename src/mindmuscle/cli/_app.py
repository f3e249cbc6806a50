"""The Typer application shared by every command module of the CLI.

Errors are translated here, once: a :class:`~mindmuscle.errors.MindMuscleError` becomes
``Error: <message>`` on stderr and exit status 1, never a traceback.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from typer import _click
from typer.core import TyperGroup

from mindmuscle.errors import MindMuscleError

__all__ = ["DbOption", "app", "console", "err_console"]

console = Console()
err_console = Console(stderr=True)


class _Group(TyperGroup):
    # Typer vendors Click as ``typer._click``; its ClickException prints "Error: ..." and exits 1.
    def invoke(self, ctx: _click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except MindMuscleError as exc:
            raise _click.ClickException(str(exc)) from exc


app = typer.Typer(
    cls=_Group,
    name="mindmuscle",
    help="MindMuscle: evidence-based mind-muscle connection training.",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (sqlite:///file.db, postgresql+psycopg://...) or a SQLite file path. "
        "Default: MINDMUSCLE_DATABASE_URL, else mindmuscle.db in the user's data folder.",
    ),
]
"""The ``--db`` option every command that reads or writes stored data takes."""
