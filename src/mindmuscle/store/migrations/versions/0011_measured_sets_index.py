"""An index of the sets with a measured activation.

Felt versus measured (Progress, the connection map, ``mindmuscle calibration``) reads the sets
that have both a felt rating and an EMG peak. Few sets have one; without this index every view
of Progress scanned all of a lifter's sets (27 ms for ten years on SQLite).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 06:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_sets_user_measured",
        "sets",
        ["user_id", "performed_at"],
        sqlite_where=sa.text("emg_peak_mvc IS NOT NULL"),
        postgresql_where=sa.text("emg_peak_mvc IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_sets_user_measured", table_name="sets")
