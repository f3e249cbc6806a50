"""A set's target rating may be absent: the lifter skipped it on purpose.

Such a set stays out of the connection map instead of counting as a rating of 0.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 23:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reflections", schema=None) as batch_op:
        batch_op.alter_column("target_rating", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    # A skipped rating has no value to go back to: those reflections lose their rating row.
    op.execute("DELETE FROM reflections WHERE target_rating IS NULL")
    with op.batch_alter_table("reflections", schema=None) as batch_op:
        batch_op.alter_column("target_rating", existing_type=sa.Integer(), nullable=False)
