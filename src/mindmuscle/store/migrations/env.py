"""Alembic environment: migrations run on the connection that :func:`open_database` passes in."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from mindmuscle.store.tables import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        transactional_ddl=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # the alembic command line, for writing new migrations: -x url=sqlite:///dev.db
    url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///dev.db")
    with create_engine(url).begin() as conn:
        _run(conn)
