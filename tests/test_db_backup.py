"""`mindmuscle db backup FILE`: a consistent, private copy of the database.

SQLite through its backup API (the copy opens as a MindMuscle database with every set), and
PostgreSQL through pg_dump into a database of its own when ``MINDMUSCLE_TEST_PG_URL`` is set
(restored with pg_restore into a second database and compared).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.store import SetCreate, open_database, repo
from mindmuscle.store.tables import SetRow

PG_URL = os.environ.get("MINDMUSCLE_TEST_PG_URL")


def _add_sets(url: str, n: int) -> None:
    db = open_database(url)
    with db.session() as s:
        for i in range(n):
            repo.add_set(
                session=s,
                user_id=1,
                data=SetCreate(
                    uuid=str(uuid.UUID(int=i + 1)),
                    exercise_id="barbell_curl",
                    performed_at=datetime(2026, 3, 1, 10, i, tzinfo=UTC),
                    load_kg=30.0 + i,
                    reps=10,
                ),
            )
    db.close()


def _loads(url: str) -> list[float]:
    db = open_database(url)
    with db.session(readonly=True) as s:
        loads = list(s.scalars(select(SetRow.load_kg).order_by(SetRow.id)))
    db.close()
    return loads


def test_sqlite_backup_is_a_private_checked_copy(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'live.db'}"
    _add_sets(url, 3)
    target = tmp_path / "backup.db"
    result = CliRunner().invoke(app, ["db", "backup", str(target), "--db", url])
    assert result.exit_code == 0, result.output
    assert f"to {target} (" in result.output
    assert "sqlite backup API" in result.output
    assert target.stat().st_mode & 0o777 == 0o600
    assert target.read_bytes()[:16] == b"SQLite format 3\x00"
    assert not Path(f"{target}-wal").exists()
    assert _loads(f"sqlite:///{target}") == [30.0, 31.0, 32.0]
    # Never overwrites: the second backup to the same file is refused and the first is intact.
    again = CliRunner().invoke(app, ["db", "backup", str(target), "--db", url])
    assert again.exit_code == 1
    assert again.output.strip().splitlines()[-1] == (
        f"Error: {target} exists already; give a new file name for the backup."
    )
    assert _loads(f"sqlite:///{target}") == [30.0, 31.0, 32.0]


def test_backup_of_a_missing_database_creates_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'none.db'}"
    result = CliRunner().invoke(app, ["db", "backup", str(tmp_path / "b.db"), "--db", url])
    assert result.exit_code == 1
    assert "No MindMuscle database at" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.skipif(not PG_URL, reason="MINDMUSCLE_TEST_PG_URL is not set; pg_dump not tried")
@pytest.mark.skipif(not shutil.which("pg_restore"), reason="pg_restore is not installed")
def test_postgresql_backup_restores_every_set(tmp_path: Path) -> None:
    assert PG_URL is not None
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    names = [f"mm_backup_{uuid.uuid4().hex[:10]}" for _ in range(2)]
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f"CREATE DATABASE {name}"))
    source, restored = (
        make_url(PG_URL).set(database=name).render_as_string(hide_password=False) for name in names
    )
    try:
        _add_sets(source, 4)
        target = tmp_path / "team.dump"
        result = CliRunner().invoke(app, ["db", "backup", str(target), "--db", source])
        assert result.exit_code == 0, result.output
        assert "pg_dump" in result.output
        assert target.read_bytes()[:5] == b"PGDMP"
        assert target.stat().st_mode & 0o777 == 0o600
        dsn = make_url(restored).set(drivername="postgresql").render_as_string(hide_password=False)
        subprocess.run(
            ["pg_restore", "--no-owner", f"--dbname={dsn}", str(target)],
            check=True,
            capture_output=True,
        )
        assert _loads(restored) == [30.0, 31.0, 32.0, 33.0]
        engine = create_engine(restored)
        with engine.connect() as conn:
            assert conn.scalar(select(func.count()).select_from(SetRow)) == 4
        engine.dispose()
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()
