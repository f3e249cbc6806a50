"""Opening a database: URL resolution, SQLite settings, safety checks and migrations.

:func:`open_database` is the one way in. It refuses files that are not MindMuscle databases
(corrupt, or another program's SQLite file) without writing to them, then applies the Alembic
migrations shipped in this package, then makes sure the local user (id 1) exists.

SQLite runs in WAL mode with foreign keys on, a busy timeout, ``synchronous=FULL`` (a committed
set survives a crash of the process and of the machine), and every writing transaction starts
with ``BEGIN IMMEDIATE`` so concurrent writers wait for each other instead of failing.
"""

from __future__ import annotations

import ast
import os
import sqlite3
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError as SADatabaseError
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import StaticPool

from mindmuscle.config import Settings
from mindmuscle.errors import ConfigError, DatabaseBusyError, DatabaseFileError, StoreError
from mindmuscle.store.tables import LOCAL_USER_ID, UserRow

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "Database",
    "busy_error",
    "close_open_databases",
    "database_exists",
    "normalise_url",
    "open_database",
    "upgrade",
]

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_HEADER = b"SQLite format 3\x00"
_PG_MIGRATION_LOCK = 7_301_946_211  # any fixed number: the advisory lock held while migrating
# The engines of the databases opened, for close_open_databases. Engines, not Database
# objects: a Database a command dropped is freed at once, while its engine lives on in
# reference cycles (its event listeners) until a garbage collection.
_OPEN: weakref.WeakSet[Engine] = weakref.WeakSet()


def normalise_url(url_or_path: str) -> str:
    """A SQLAlchemy URL from a URL or a plain file path (a path means a SQLite file).

    Examples
    --------
    >>> normalise_url("/tmp/x.db")
    'sqlite:////tmp/x.db'
    >>> normalise_url("postgresql+psycopg://u@h/db")
    'postgresql+psycopg://u@h/db'
    """
    if "://" in url_or_path:
        return url_or_path
    if url_or_path == ":memory:":
        return "sqlite://"
    return f"sqlite:///{Path(url_or_path).expanduser().resolve()}"


def database_exists(url: str | None = None, *, settings: Settings | None = None) -> bool:
    """Whether the database exists already (False for a SQLite file not made yet).

    Commands that only read use it to avoid creating an empty database. Server databases
    (PostgreSQL) are taken to exist.
    """
    settings = settings or Settings()
    parsed = make_url(normalise_url(url or settings.resolved_database_url()))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return True
    path = Path(parsed.database)
    return path.is_file() and path.stat().st_size > 0


def _alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


@cache
def _revision_chain() -> dict[str, str | None]:
    """Each shipped migration's revision and the one it revises, read from the files.

    Opening a database that is already at the head needs only these two names, so Alembic
    (and the SQLAlchemy dialects it loads) is imported only when a migration has to run. The
    files are parsed, not imported: a migration module imports Alembic at its top.
    tests/test_store_migrations.py checks this chain against Alembic's own reading.
    """
    chain: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        names: dict[str, str | None] = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.AnnAssign | ast.Assign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                value = node.value.value if isinstance(node.value, ast.Constant) else ...
                for target in targets:
                    if isinstance(target, ast.Name) and (value is None or isinstance(value, str)):
                        names[target.id] = value
        if "revision" in names:
            assert names["revision"] is not None, path
            chain[names["revision"]] = names.get("down_revision")
    return chain


def _known_revisions() -> set[str]:
    return set(_revision_chain())


def _head_revision() -> str:
    chain = _revision_chain()
    (head,) = set(chain) - set(chain.values())
    return head


def _checked_revision(conn: Connection, where: str) -> str | None:
    """The stored revision, once the tables are known to be MindMuscle's (see _check_tables)."""
    tables = set(inspect(conn).get_table_names())
    version = _stored_revision(conn) if "alembic_version" in tables else None
    _check_tables(where, tables, version)
    return version


def _stored_revision(conn: Connection) -> str | None:
    """The schema revision written in the database (None for an empty database)."""
    if not inspect(conn).has_table("alembic_version"):
        return None
    row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])


def _check_sqlite_file(path: Path, busy_timeout_ms: int) -> None:
    """Raise DatabaseFileError if ``path`` exists but is not a MindMuscle database.

    Only reads the file (read-only connection), so a refused file is left exactly as it was.
    """
    if not path.exists() or path.stat().st_size == 0:
        return
    if path.is_dir():
        raise DatabaseFileError(f"Database path {path} is a folder; give a file path instead.")
    with path.open("rb") as fh:
        header = fh.read(len(SQLITE_HEADER))
    if header != SQLITE_HEADER:
        raise DatabaseFileError(
            f"{path} is not a SQLite database (it may be corrupt or another kind of file). "
            "Nothing was changed. Move it away or choose another file with --db or "
            "MINDMUSCLE_DATABASE_URL."
        )
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=busy_timeout_ms / 1000)
        try:
            tables = {
                r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            version = None
            if "alembic_version" in tables:
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
                version = None if row is None else str(row[0])
            # Reading sqlite_master only checks the first pages: a damaged data page would
            # otherwise be found by the first request that reads it, long after start-up.
            problems = [str(r[0]) for r in conn.execute("PRAGMA quick_check(5)")]
        finally:
            conn.close()
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StoreError(
                f"Database {path} is locked by another program ({exc}); try again later."
            ) from None
        raise DatabaseFileError(
            f"{path} cannot be read as a SQLite database ({exc}). Nothing was changed. Check "
            "the file's permissions, or choose another file with --db or MINDMUSCLE_DATABASE_URL."
        ) from None
    except sqlite3.DatabaseError as exc:
        raise DatabaseFileError(
            f"{path} is a corrupt SQLite database ({exc}). Nothing was changed. Restore it from a "
            "backup or choose another file with --db or MINDMUSCLE_DATABASE_URL."
        ) from None
    if problems != ["ok"]:
        raise DatabaseFileError(
            f"{path} is damaged: SQLite's quick check found problems ({'; '.join(problems)}). "
            "Nothing was changed. Restore it from a backup, or save what can be read with "
            f"`sqlite3 {path} .recover`, or choose another file with --db or "
            "MINDMUSCLE_DATABASE_URL."
        )
    _check_tables(str(path), tables, version)


def _create_private_file(path: Path) -> None:
    """Create an empty database file readable by its owner only (it holds password hashes).

    SQLite gives the journal and WAL files the permissions of the database file.
    """
    if path.exists():
        return
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass  # another process made it first
    except OSError as exc:
        raise StoreError(f"Cannot create database {path}: {exc}.") from None


def _check_tables(where: str, tables: set[str], version: str | None) -> None:
    if tables and "alembic_version" not in tables:
        shown = ", ".join(sorted(tables)[:5])
        raise DatabaseFileError(
            f"{where} is not a MindMuscle database: it holds other tables ({shown}). Nothing was "
            "changed. Choose another file with --db or MINDMUSCLE_DATABASE_URL."
        )
    if version is not None and version not in _known_revisions():
        raise DatabaseFileError(
            f"{where} has schema version {version!r}, which this version of MindMuscle does not "
            "know (it was made by a newer version, or by another program). Nothing was changed. "
            "Upgrade MindMuscle, or choose another file with --db."
        )


def _sqlite_listeners(engine: Engine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own is unreliable).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        readonly = conn.get_execution_options().get("mindmuscle_readonly", False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def busy_error(exc: OperationalError) -> DatabaseBusyError:
    """The error to show for a database that refused a unit of work it could do later."""
    text_ = str(exc.orig).lower()
    if "locked" in text_ or "busy" in text_:
        return DatabaseBusyError(
            "The database is busy: another request or program holds its write lock. Nothing "
            "was stored; try again in a moment."
        )
    if "full" in text_ or "no space" in text_:
        return DatabaseBusyError(
            "The database's disk is full: nothing was stored. Free some disk space, then try again."
        )
    return DatabaseBusyError(
        f"The database cannot be used right now ({exc.orig}). Nothing was stored; try again in "
        "a moment."
    )


class Database:
    """An open MindMuscle database.

    Use :meth:`session` for a unit of work::

        with db.session() as s:
            repo.add_set(session=s, user_id=1, data=...)

    The session commits when the block ends without error and rolls back otherwise.
    """

    def __init__(self, url: str, engine: Engine) -> None:
        self.url = url
        self.engine = engine
        self._writer = sessionmaker(bind=engine, expire_on_commit=False)
        self._reader = sessionmaker(
            bind=engine.execution_options(mindmuscle_readonly=True), expire_on_commit=False
        )
        _OPEN.add(engine)

    @property
    def display_url(self) -> str:
        """The URL without its password, to show to people."""
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    @contextmanager
    def session(self, *, readonly: bool = False) -> Iterator[Session]:
        """A session that commits on success and rolls back on error.

        Parameters
        ----------
        readonly : bool
            Only reads: on SQLite it does not take the write lock.
        """
        factory = self._reader if readonly else self._writer
        with factory() as s:
            try:
                yield s
                s.commit()
            except OperationalError as exc:
                s.rollback()
                raise busy_error(exc) from exc
            except BaseException:
                s.rollback()
                raise

    def current_revision(self) -> str | None:
        """The schema revision stored in the database."""
        with self.engine.connect() as conn:
            return _stored_revision(conn)

    def close(self) -> None:
        """Release every connection."""
        _OPEN.discard(self.engine)
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Database({self.display_url!r})"


def close_open_databases() -> None:
    """Close every database this process opened and has not closed yet.

    For a process about to end: SQLite then checkpoints its write-ahead log and removes the
    ``-wal`` and ``-shm`` files, as it does when a program closes its last connection.
    """
    for engine in list(_OPEN):
        _OPEN.discard(engine)
        engine.dispose()


def _create_engine(url: str, settings: Settings) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        kwargs: dict[str, Any] = {
            "connect_args": {"timeout": settings.sqlite_busy_timeout_ms / 1000}
        }
        if parsed.database in (None, "", ":memory:"):
            kwargs["poolclass"] = StaticPool
            kwargs["connect_args"]["check_same_thread"] = False
        engine = create_engine(url, **kwargs)
        _sqlite_listeners(engine, settings.sqlite_busy_timeout_ms)
        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(url, pool_pre_ping=True)
    raise ConfigError(
        f"Database URL {parsed.render_as_string(hide_password=True)!r} is not supported: use "
        "sqlite:///path/to/file.db or postgresql+psycopg://user:password@host/dbname."
    )


def upgrade(db: Database) -> None:
    """Apply every pending migration, holding the write lock so only one process migrates.

    A database already at the head is only read (no write lock, no Alembic import).
    """
    where = db.display_url if db.dialect != "sqlite" else str(make_url(db.url).database)
    with db.engine.execution_options(mindmuscle_readonly=True).connect() as conn:
        version = _checked_revision(conn, where)
    if version != _head_revision():
        with db.engine.begin() as conn:
            if db.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            # Read again under the lock: another process may have migrated meanwhile.
            if _checked_revision(conn, where) != _head_revision():
                from alembic import command

                cfg = _alembic_config()
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
    if db.dialect == "sqlite":
        with db.session(readonly=True) as s:
            if s.get(UserRow, LOCAL_USER_ID) is not None:
                return  # nothing to write: a command that only reads takes no write lock
    with db.session() as s:
        if s.get(UserRow, LOCAL_USER_ID) is None:
            try:
                with s.begin_nested():
                    s.add(UserRow(id=LOCAL_USER_ID, name="local"))
            except IntegrityError:
                pass  # another process created it first
        if db.dialect == "postgresql":
            s.execute(
                text(
                    "SELECT setval(pg_get_serial_sequence('users', 'id'), "
                    "GREATEST((SELECT MAX(id) FROM users), 1))"
                )
            )


def open_database(url: str | None = None, *, settings: Settings | None = None) -> Database:
    """Open (creating if needed) and migrate a MindMuscle database.

    Parameters
    ----------
    url : str or None
        A SQLAlchemy URL (``sqlite:///file.db``, ``postgresql+psycopg://...``) or a file path;
        None means ``Settings().resolved_database_url()`` (``MINDMUSCLE_DATABASE_URL`` or a
        SQLite file in the user's data folder).
    settings : Settings or None
        The settings to use (busy timeout, data folder); default: read from the environment.

    Returns
    -------
    Database

    Raises
    ------
    mindmuscle.errors.DatabaseFileError
        The file is corrupt, belongs to another program, or has a newer schema. The message
        names the file, and the file is left untouched.
    mindmuscle.errors.StoreError
        The database cannot be reached.
    """
    settings = settings or Settings()
    url = normalise_url(url or settings.resolved_database_url())
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:"):
        path = Path(parsed.database)
        _check_sqlite_file(path, settings.sqlite_busy_timeout_ms)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise StoreError(f"Cannot create the folder of database {path}: {exc}.") from None
        _create_private_file(path)
    db = Database(url, _create_engine(url, settings))
    try:
        upgrade(db)
    except (DatabaseFileError, StoreError):
        db.close()
        raise
    except OperationalError as exc:
        db.close()
        shown = parsed.render_as_string(hide_password=True)
        raise StoreError(f"Cannot open database {shown}: {exc.orig}.") from None
    except SADatabaseError as exc:
        db.close()
        where = parsed.render_as_string(hide_password=True)
        raise DatabaseFileError(f"{where} cannot be used as a database: {exc.orig}.") from None
    return db
