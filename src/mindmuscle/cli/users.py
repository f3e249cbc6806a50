"""``mindmuscle user``: the accounts of a server open to the network (a coach's team).

Each user sees only their own data. A coach is an admin, and manages in the web app the accounts
of their own clients; the terminal is the server's owner: it manages every account and assigns
each lifter to a coach. Passwords come from standard input (``--password-stdin``) so a set-up
script can run without a terminal, or from a hidden prompt in a terminal.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Annotated

import typer

from mindmuscle.cli._app import DbOption, app, console
from mindmuscle.cli._prompt import confirm
from mindmuscle.errors import InvalidInputError, counted
from mindmuscle.services import accounts
from mindmuscle.store import open_database

__all__ = ["user_app"]

user_app = typer.Typer(
    help="Accounts of the web app when it is open to the network: add, passwd, list, remove, "
    "and which coach (an admin) each lifter is a client of: assign, unassign.",
    no_args_is_help=True,
)
app.add_typer(user_app, name="user")

PasswordStdin = Annotated[
    bool,
    typer.Option(
        "--password-stdin",
        help="Read the password from standard input (its first line), e.g. from a script.",
    ),
]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        return line.removesuffix("\n").removesuffix("\r")
    if not sys.stdin.isatty():
        raise InvalidInputError(
            "No terminal to ask the password in: give it on standard input with "
            "--password-stdin (e.g. `printf '%s\\n' \"$PW\" | mindmuscle user add alex "
            "--password-stdin`)."
        )
    password: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return password


@user_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The login name, e.g. alex.")],
    admin: Annotated[
        bool,
        typer.Option(
            "--admin",
            help="An admin is a coach: manages the team's accounts of their own clients in "
            "the web API (lists them, sets a client's password, removes a client).",
        ),
    ] = False,
    coach: Annotated[
        str | None,
        typer.Option("--coach", help="The admin whose client the new lifter is, e.g. ben."),
    ] = None,
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    """Make an account that can log in to the web app."""
    database = open_database(db)
    try:
        # The name and the coach are checked before the password is asked for.
        accounts.check_new_user(db=database, name=name, is_admin=admin, coach=coach)
        password = _password(password_stdin)
        accounts.add_user(db=database, name=name, password=password, is_admin=admin, coach=coach)
    finally:
        database.close()
    role = " (admin)" if admin else f" (a client of {coach})" if coach else ""
    console.print(f"Added {name}{role}.", highlight=False)


@user_app.command("assign")
def assign(
    client: Annotated[str, typer.Argument(help="The lifter, e.g. alex.")],
    coach: Annotated[str, typer.Argument(help="The admin who coaches them, e.g. ben.")],
    db: DbOption = None,
) -> None:
    """Make a lifter the client of a coach (an admin), instead of any earlier coach's."""
    database = open_database(db)
    try:
        accounts.assign_client(db=database, client=client, coach=coach)
    finally:
        database.close()
    console.print(f"{client} is now a client of {coach}.", highlight=False)


@user_app.command("unassign")
def unassign(
    client: Annotated[str, typer.Argument(help="The lifter, e.g. alex.")],
    db: DbOption = None,
) -> None:
    """Make a lifter a client of no coach: no admin reads or manages their account."""
    database = open_database(db)
    try:
        had = accounts.unassign_client(db=database, client=client)
    finally:
        database.close()
    was = f"no longer a client of {had}" if had else "a client of no coach (as before)"
    console.print(f"{client} is {was}.", highlight=False)


@user_app.command("passwd")
def passwd(
    name: Annotated[str, typer.Argument(help="The user whose password to set.")],
    password_stdin: PasswordStdin = False,
    db: DbOption = None,
) -> None:
    """Set a user's password; every browser logged in as them is logged out."""
    password = _password(password_stdin)
    database = open_database(db)
    try:
        accounts.change_password(db=database, name=name, password=password)
    finally:
        database.close()
    console.print(f"Password of {name} set; their open sessions were ended.")


@user_app.command("list")
def list_(db: DbOption = None) -> None:
    """Every user, their coach, whether they can log in, and how many sessions they have open."""
    database = open_database(db)
    try:
        users = accounts.list_users(db=database, now=datetime.now(UTC))
    finally:
        database.close()
    width = max(len(u.name) for u in users)
    for u in users:
        login = "can log in" if u.has_password else "no password"
        role = "admin" if u.is_admin else "user"
        coach = f"  client of {u.coach}" if u.coach else ""
        sessions = counted(u.sessions, "open session")
        console.print(
            f"{u.name:<{width}}  {role:<5}  {login:<11}  {sessions}{coach}",
            highlight=False,
        )


@user_app.command("remove")
def remove(
    name: Annotated[str, typer.Argument(help="The user to remove.")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation.")] = False,
    db: DbOption = None,
) -> None:
    """Remove a user and everything they stored (sets, sessions, recordings, experiments)."""
    if not yes:
        if not sys.stdin.isatty():
            raise InvalidInputError(
                f"Removing {name} deletes everything they stored: confirm with --yes."
            )
        if not confirm(f"Remove {name} and everything they stored?"):
            console.print(f"Kept {name}: nothing was removed.", highlight=False)
            raise typer.Exit(1)
    database = open_database(db)
    try:
        accounts.remove_user(db=database, name=name)
    finally:
        database.close()
    console.print(f"Removed {name} and their data.")
