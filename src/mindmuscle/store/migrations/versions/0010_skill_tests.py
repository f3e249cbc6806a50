"""Connection tests: per muscle and date, the %MVC held at each target and the SD around it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 04:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "skill_tests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("muscle", sa.String(length=64), nullable=False),
        sa.Column("performed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("overall_sd_pct", sa.Float(), nullable=False),
        sa.Column("order_pct", sa.JSON(), nullable=False),
        sa.Column("hold_s", sa.Float(), nullable=False),
        sa.Column("settle_s", sa.Float(), nullable=False),
        sa.Column("mvc_level", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(length=10), nullable=False),
        sa.Column("calibrated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("placement", sa.Text(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_skill_tests_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_skill_tests")),
    )
    with op.batch_alter_table("skill_tests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_skill_tests_muscle"), ["muscle"], unique=False)
        batch_op.create_index(batch_op.f("ix_skill_tests_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("skill_tests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_skill_tests_user_id"))
        batch_op.drop_index(batch_op.f("ix_skill_tests_muscle"))
    op.drop_table("skill_tests")
