"""One set at a place of a workout: the database refuses a second one (``uq_sets_place``).

A set's place is its workout, its exercise and its set number, when the workout lists the
exercise at most once (in its plan and in the list as the lifter changed it); that is the place
the set write path already checks before it stores a set. Two workers could both pass that check
and both store the set. The new column ``sets.place_copy`` says which sets claim their place:
0 for the set that holds it, and a unique index over the workout, exercise, set number and
``place_copy`` of the sets that count (not deleted) refuses a second 0.

Existing sets get 0 where they claim a place by that rule, judged on their workout as it is
now, and None otherwise (no workout, no set number, the exercise listed more than once, or an
imported set: imports store their own set numbers and were never checked). A place that
already holds several sets that count (stored before the check existed, or by the race) keeps
every one of them, unchanged and still counted: the first stored (lowest id) holds the place,
each later one gets 1, 2, ... and is shown as a second set at its place, for the lifter to keep
or delete. Nothing is deleted or moved: which of them is the set saved twice, and which set
number a moved one should have had, only the lifter knows. Deleted sets claim with 0 and never
collide (a restored one that finds its place taken is numbered then).

Downgrading drops the index and the column (every set stays).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 21:30:00.000000
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_sessions = sa.table(
    "sessions",
    sa.column("id", sa.Integer),
    sa.column("plan", sa.JSON),
    sa.column("state", sa.JSON),
)
_sets = sa.table(
    "sets",
    sa.column("id", sa.Integer),
    sa.column("session_id", sa.Integer),
    sa.column("exercise_id", sa.String),
    sa.column("set_index", sa.Integer),
    sa.column("source", sa.String),
    sa.column("deleted_at", sa.DateTime),
    sa.column("place_copy", sa.Integer),
)


def _listed_once(plan: Any, state: Any, exercise_id: str) -> bool:
    """The rule of the set write path at this revision (services/sets.py), frozen here."""
    plan = plan if isinstance(plan, dict) else {}
    state = state if isinstance(state, dict) else {}
    for exercises in (plan.get("exercises"), state.get("current")):
        if isinstance(exercises, list):
            ids = [e.get("exercise_id") for e in exercises if isinstance(e, dict)]
            if ids.count(exercise_id) > 1:
                return False
    return True


def upgrade() -> None:
    op.add_column("sets", sa.Column("place_copy", sa.Integer(), nullable=True))
    conn = op.get_bind()
    workouts = {
        row.id: (row.plan, row.state)
        for row in conn.execute(sa.select(_sessions.c.id, _sessions.c.plan, _sessions.c.state))
    }
    rows = conn.execute(
        sa.select(
            _sets.c.id,
            _sets.c.session_id,
            _sets.c.exercise_id,
            _sets.c.set_index,
            _sets.c.deleted_at,
        )
        .where(
            _sets.c.session_id.is_not(None),
            _sets.c.set_index.is_not(None),
            _sets.c.source != "import",
        )
        .order_by(_sets.c.id)
    ).all()
    held: dict[tuple[int, str, int], int] = defaultdict(int)  # live sets seen at each place
    copies: list[dict[str, int]] = []
    for row in rows:
        plan, state = workouts.get(row.session_id, (None, None))
        if not _listed_once(plan, state, row.exercise_id):
            continue
        copy = 0
        if row.deleted_at is None:
            place = (row.session_id, row.exercise_id, row.set_index)
            copy = held[place]
            held[place] += 1
        copies.append({"b_id": row.id, "b_copy": copy})
    if copies:
        conn.execute(
            sa.update(_sets)
            .where(_sets.c.id == sa.bindparam("b_id"))
            .values(place_copy=sa.bindparam("b_copy")),
            copies,
        )
    op.create_index(
        "uq_sets_place",
        "sets",
        ["session_id", "exercise_id", "set_index", "place_copy"],
        unique=True,
        sqlite_where=sa.text("deleted_at IS NULL"),
        postgresql_where=sa.text("deleted_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_sets_place", table_name="sets")
    with op.batch_alter_table("sets", schema=None) as batch_op:
        batch_op.drop_column("place_copy")
