"""A set keeps its EMG: per-repetition features, and its raw recording (in ``recordings``).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 04:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "set_emg",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("set_id", sa.Integer(), nullable=False),
        sa.Column("recording_id", sa.Integer(), nullable=True),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_set_emg_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["set_id"], ["sets.id"], name=op.f("fk_set_emg_set_id_sets"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recording_id"],
            ["recordings.id"],
            name=op.f("fk_set_emg_recording_id_recordings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_set_emg")),
        sa.UniqueConstraint("set_id", name=op.f("uq_set_emg_set_id")),
    )
    with op.batch_alter_table("set_emg", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_set_emg_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("set_emg", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_set_emg_user_id"))
    op.drop_table("set_emg")
