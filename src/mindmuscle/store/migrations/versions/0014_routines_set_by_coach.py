"""A routine may be set by the lifter's coach: ``routines.coach_id``.

Every existing routine is the lifter's own (NULL). Removing the coach keeps the routine as the
lifter's own. The routine's exercises (JSON) may now hold a chosen tempo and focus; earlier
rows hold neither, which reads as the coach's defaults, so no row changes. Nothing references
``routines``, so the batch copy of that table on SQLite cascades nowhere. Downgrading drops the
column (routines stay).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 18:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("routines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("coach_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_routines_coach_id_users"),
            "users",
            ["coach_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("routines", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_routines_coach_id_users"), type_="foreignkey")
        batch_op.drop_column("coach_id")
