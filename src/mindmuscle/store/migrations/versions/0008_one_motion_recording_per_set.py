"""A set has one motion recording: the database refuses a second one.

Two workers storing the same set at once could each store its motion recording; copies
already stored (the same recording twice) are removed, keeping the first.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 02:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "DELETE FROM recordings WHERE kind = 'motion' AND set_uuid IS NOT NULL AND id NOT IN "
        "(SELECT MIN(id) FROM recordings WHERE kind = 'motion' AND set_uuid IS NOT NULL "
        "GROUP BY user_id, set_uuid)"
    )
    op.create_index(
        "uq_recordings_user_motion_set",
        "recordings",
        ["user_id", "set_uuid"],
        unique=True,
        sqlite_where=sa.text("kind = 'motion'"),
        postgresql_where=sa.text("kind = 'motion'"),
    )


def downgrade() -> None:
    op.drop_index("uq_recordings_user_motion_set", table_name="recordings")
