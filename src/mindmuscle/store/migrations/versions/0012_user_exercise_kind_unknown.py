"""A user's own exercise whose kind was guessed is of unknown kind.

Until now a log import tagged every own exercise without a compound word in its name as an
isolation exercise ("Warm Up", "Jumping Jacks"): a guess nobody made, which the coach then
treated as isolation work. No lifter could say the kind before this revision, so every stored
"isolation" of an own exercise is that guess; it becomes "unknown" unless the name itself says
isolation (curl, raise, extension, fly, kickback, pushdown, pressdown, shrug, crossover, the
words the matcher reads at this revision). Compound ones came from a compound word in the name
and stay. The column holds the card as JSON, so no column changes. Downgrading gives the guess
back ("unknown" becomes "isolation"), as the earlier version can read no other value.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 15:20:00.000000
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The words of a name that say isolation at this revision (catalog/matching.py), frozen here:
# a migration keeps the rule of its day.
_ISOLATION_WORDS = (
    "curl",
    "raise",
    "extension",
    "fly",
    "flye",
    "kickback",
    "pushdown",
    "pressdown",
    "shrug",
    "crossover",
)

_exercises = sa.table(
    "user_exercises",
    sa.column("id", sa.Integer),
    sa.column("exercise", sa.JSON),
)


def _says_isolation(name: str) -> bool:
    words = set(re.findall(r"[a-z]+", name.lower()))
    return any(w in words or w + "s" in words or w + "es" in words for w in _ISOLATION_WORDS)


def _rewrite(old: str, new: str, keep: Any) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(_exercises.c.id, _exercises.c.exercise)).all()
    for row_id, card in rows:
        if not isinstance(card, dict) or card.get("source") != "user":
            continue
        if card.get("mechanic") != old or keep(str(card.get("name", ""))):
            continue
        conn.execute(
            sa.update(_exercises)
            .where(_exercises.c.id == row_id)
            .values(exercise={**card, "mechanic": new})
        )


def upgrade() -> None:
    _rewrite("isolation", "unknown", _says_isolation)


def downgrade() -> None:
    _rewrite("unknown", "isolation", lambda _name: False)
