"""The database file on disk: private permissions, damage found at start-up, busy and full."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from mindmuscle.config import Settings
from mindmuscle.errors import DatabaseBusyError, DatabaseFileError
from mindmuscle.services import profile as profile_service
from mindmuscle.store import open_database
from mindmuscle.store.tables import UserRow


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_database_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "new" / "mm.db"
    db = open_database(f"sqlite:///{path}")
    try:
        with db.session() as s:
            s.add(UserRow(name="alex", password_hash="$argon2id$v=19$x"))
        assert _mode(path) == 0o600
        wal = path.with_name(path.name + "-wal")
        assert wal.exists()
        assert _mode(wal) == 0o600
        assert _mode(path.parent) == 0o700
    finally:
        db.close()


def _damage_a_data_page(path: Path) -> None:
    """Overwrite the b-tree header of the ``profiles`` table's root page (page 1 stays intact).

    Start-up reads ``sqlite_master`` and the users table, never the profiles.
    """
    conn = sqlite3.connect(path)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'profiles'").fetchone()[0]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    assert root > 1
    with path.open("r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(b"\xff" * 64)


def test_a_damaged_data_page_is_refused_at_start_up(tmp_path: Path) -> None:
    path = tmp_path / "mm.db"
    db = open_database(f"sqlite:///{path}")
    profile_service.save_profile(
        db=db, user_id=1, profile=profile_service.get_profile(db=db, user_id=1)
    )
    db.close()  # the last connection checkpoints the WAL into the file
    _damage_a_data_page(path)
    # What start-up read before (page 1 and sqlite_master) still looks fine...
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    assert "profiles" in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    before = path.read_bytes()
    # ...but the quick check finds the damage, and nothing is written to the file.
    # (SQLite either lists the problems or stops at the first malformed page.)
    refused = r"mm\.db is (damaged: SQLite's quick check found|a corrupt SQLite database)"
    with pytest.raises(DatabaseFileError, match=refused):
        open_database(f"sqlite:///{path}")
    assert path.read_bytes() == before


def test_a_full_disk_is_a_busy_database_and_nothing_is_stored(tmp_path: Path) -> None:
    db = open_database(f"sqlite:///{tmp_path / 'mm.db'}")
    try:
        db.engine.dispose()

        @event.listens_for(db.engine, "connect")
        def _cap(dbapi_conn: Any, _record: Any) -> None:
            # SQLite answers exactly as on a full disk once the file may not grow.
            pages = dbapi_conn.execute("PRAGMA page_count").fetchone()[0]
            dbapi_conn.execute(f"PRAGMA max_page_count = {pages}")

        full = pytest.raises(DatabaseBusyError, match="disk is full: nothing was stored")
        with full, db.session() as s:
            s.add_all(UserRow(name=f"user{i}" * 10) for i in range(2000))
        with db.session(readonly=True) as s:
            assert s.query(UserRow).count() == 1
    finally:
        db.close()


def test_a_locked_database_is_a_busy_database(tmp_path: Path) -> None:
    path = tmp_path / "mm.db"
    db = open_database(
        f"sqlite:///{path}", settings=Settings(data_dir=tmp_path, sqlite_busy_timeout_ms=100)
    )
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(DatabaseBusyError, match="The database is busy"):
            profile_service.save_profile(
                db=db, user_id=1, profile=profile_service.get_profile(db=db, user_id=1)
            )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        db.close()
