"""A consistent copy of a database while the server keeps running.

SQLite: the backup API of SQLite itself copies the pages of a consistent snapshot (writers wait
only for the moment a batch of pages is copied), then the copy is checked with
``PRAGMA quick_check``. PostgreSQL: ``pg_dump`` in its custom format (restore with
``pg_restore``). The file is created readable by its owner only: it holds password hashes.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from mindmuscle.errors import ConfigError, StoreError
from mindmuscle.store.engine import Database

__all__ = ["Backup", "backup_database"]


@dataclass(frozen=True)
class Backup:
    """What :func:`backup_database` wrote."""

    path: Path
    size_bytes: int
    method: str  # "sqlite backup API" or "pg_dump"
    restore: str  # how to restore it, in words


def _create_private(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def backup_database(db: Database, target: Path) -> Backup:
    """Copy ``db`` to the new file ``target``.

    Raises
    ------
    mindmuscle.errors.ConfigError
        ``target`` exists already, its folder is missing, or ``pg_dump`` is not installed.
    mindmuscle.errors.StoreError
        The copy failed (the partial file is removed).
    """
    target = target.expanduser()
    if target.exists():
        raise ConfigError(f"{target} exists already; give a new file name for the backup.")
    if not target.parent.is_dir():
        raise ConfigError(f"The folder {target.parent} does not exist; create it first.")
    try:
        _create_private(target)
    except OSError as exc:
        raise ConfigError(f"Cannot create {target}: {exc.strerror}.") from None
    try:
        if db.dialect == "sqlite":
            _sqlite_backup(db, target)
            method = "sqlite backup API"
            restore = f"stop the server, then copy {target.name} over the database file"
        else:
            _pg_dump(db, target)
            method = "pg_dump"
            restore = f"pg_restore --clean --if-exists -d DATABASE_URL {target.name}"
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return Backup(target, target.stat().st_size, method, restore)


def _sqlite_backup(db: Database, target: Path) -> None:
    raw = db.engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        dest = sqlite3.connect(target)
        try:
            source.backup(dest, pages=1024)
            dest.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
            check = dest.execute("PRAGMA quick_check").fetchone()
        finally:
            dest.close()
    except sqlite3.Error as exc:
        raise StoreError(f"The backup to {target} failed: {exc}.") from None
    finally:
        raw.close()
    if check is None or check[0] != "ok":
        raise StoreError(f"The backup in {target} failed its check: {check}.")


def _pg_dump(db: Database, target: Path) -> None:
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise ConfigError(
            "pg_dump is not installed: install PostgreSQL's client programs (Debian: "
            "apt-get install postgresql-client), the same major version as the server."
        )
    url = make_url(db.url).set(drivername="postgresql")
    env = dict(os.environ)
    if url.password is not None:  # not on the command line, where `ps` would show it
        env["PGPASSWORD"] = str(url.password)
        url = url.set(password=None)
    dsn = url.render_as_string(hide_password=False)
    proc = subprocess.run(
        [pg_dump, "--format=custom", "--no-owner", f"--file={target}", f"--dbname={dsn}"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        raise StoreError(f"pg_dump of {db.display_url} failed: {last}")
