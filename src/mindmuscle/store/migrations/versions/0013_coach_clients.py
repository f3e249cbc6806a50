"""Coaches and their clients: which admin coaches which lifter.

A lifter has at most one coach, an admin. Existing databases get no row: every existing lifter
becomes a client of no coach, so no admin gains a lifter's data or account by this revision;
the server's owner assigns clients (``mindmuscle user assign CLIENT COACH``). Removing either
user removes the row. Downgrading drops the table (no user or set is touched).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 17:45:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "coach_clients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("coach_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["users.id"],
            name=op.f("fk_coach_clients_client_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["coach_id"],
            ["users.id"],
            name=op.f("fk_coach_clients_coach_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coach_clients")),
        sa.UniqueConstraint("client_id", name=op.f("uq_coach_clients_client_id")),
    )
    with op.batch_alter_table("coach_clients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coach_clients_coach_id"), ["coach_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("coach_clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coach_clients_coach_id"))
    op.drop_table("coach_clients")
