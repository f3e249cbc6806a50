"""Opening the database from a command: read-only commands never create one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mindmuscle.errors import StoreError

if TYPE_CHECKING:
    from mindmuscle.store import Database

__all__ = ["database_url", "open_existing"]


def database_url(db: str | None) -> str:
    """The URL a command uses: ``--db``, else ``MINDMUSCLE_DATABASE_URL``, else the data folder."""
    from mindmuscle.config import Settings
    from mindmuscle.store import normalise_url

    return normalise_url(db or Settings().resolved_database_url())


def open_existing(db: str | None) -> Database:
    """Open the database for a command that only reads: a missing one is an error, not created.

    Raises
    ------
    mindmuscle.errors.StoreError
        No database there; the message says where it looked and how to start one.
    """
    from mindmuscle.store import database_exists, open_database

    url = database_url(db)
    if not database_exists(url):
        where = url.removeprefix("sqlite:///")
        flag = f" --db {db}" if db else ""
        raise StoreError(
            f"No MindMuscle database at {where} (nothing was created). Start one with "
            f"`mindmuscle init{flag}` or `mindmuscle import FILE{flag}`, or give yours with "
            "--db or MINDMUSCLE_DATABASE_URL."
        )
    return open_database(url)
