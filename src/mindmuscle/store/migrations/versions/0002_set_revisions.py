"""Edit, delete and restore: a revision per change of a set, and deleted_at on sets and sessions.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 22:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "set_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("revised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["set_id"], ["sets.id"], name=op.f("fk_set_revisions_set_id_sets"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_set_revisions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_set_revisions")),
    )
    with op.batch_alter_table("set_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_set_revisions_set_id"), ["set_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_set_revisions_user_id"), ["user_id"], unique=False)

    # Adding a nullable column needs no table copy, so existing rows are kept as they are.
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("sets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sets", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        batch_op.drop_column("deleted_at")
    with op.batch_alter_table("set_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_set_revisions_user_id"))
        batch_op.drop_index(batch_op.f("ix_set_revisions_set_id"))
    op.drop_table("set_revisions")
