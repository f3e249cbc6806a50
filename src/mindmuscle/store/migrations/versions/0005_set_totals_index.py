"""An index by which the database totals a user's sets per exercise without reading them.

Today's plan counts the sets of every exercise (all, rated, those that count for an e1RM)
and reads only the recent ones; this index holds what those totals and windows need, so
ten years of sets are counted from the index alone.

Revision ID: 0005
Revises: 0006 (routines, which took the number after 0004 first)
Create Date: 2026-12-07 01:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_sets_user_exercise_time",
        "sets",
        [
            "user_id", "exercise_id", "deleted_at", "performed_at", "set_type", "load_kg",
            "reps", "rir",
        ],
    )  # fmt: skip


def downgrade() -> None:
    op.drop_index("ix_sets_user_exercise_time", table_name="sets")
