"""A coach and their clients: who they are, and each client's sets and reflections to read.

A coach is an admin; a lifter is the client of at most one coach (:mod:`accounts` stores it).
Everything here is read-only and scoped: :func:`client` answers only for the coach's own
clients, and for anyone else (another coach's client, an admin, a name nobody has) raises
:class:`~mindmuscle.errors.NotFoundError`, so a coach learns nothing of other users. The
client's connection map and progress come from the same services as the lifter's own pages,
called with the client's user id.
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from mindmuscle.services import accounts
from mindmuscle.services.history import SetRecord, history, workouts
from mindmuscle.services.profile import get_profile
from mindmuscle.store import Database

__all__ = ["ClientDay", "ClientSummary", "client", "client_days", "clients"]


class ClientSummary(BaseModel):
    """A client as the coach's list shows them."""

    model_config = ConfigDict(frozen=True)

    name: str
    units: str = Field(description="The client's unit of mass, 'kg' or 'lb'.")
    last_workout_at: datetime | None = Field(
        description="When the client's latest workout with sets started; null before any."
    )
    last_workout_sets: int = Field(description="Sets of that workout (0 before any).")


class ClientDay(BaseModel):
    """The sets a client did on one day (UTC), oldest first, each with its reflection."""

    model_config = ConfigDict(frozen=True)

    day: date
    sets: list[SetRecord]


def clients(*, db: Database, coach_id: int) -> list[ClientSummary]:
    """The coach's clients by name, each with their latest workout (none for a lifter)."""
    found: list[ClientSummary] = []
    for name in accounts.client_names(db=db, coach_id=coach_id):
        user_id = accounts.client_id(db=db, coach_id=coach_id, name=name)
        latest = workouts(db=db, user_id=user_id, limit=1)
        found.append(
            ClientSummary(
                name=name,
                units=get_profile(db=db, user_id=user_id).units,
                last_workout_at=latest[0].started_at if latest else None,
                last_workout_sets=latest[0].sets if latest else 0,
            )
        )
    return found


def client(*, db: Database, coach_id: int, name: str) -> int:
    """The user id of the coach's client ``name``.

    Raises
    ------
    mindmuscle.errors.NotFoundError
        ``name`` is not a client of this coach (or no user at all).
    """
    return accounts.client_id(db=db, coach_id=coach_id, name=name)


def client_days(
    *, db: Database, coach_id: int, name: str, limit: int = 100, offset: int = 0
) -> list[ClientDay]:
    """The client's newest ``limit`` sets (after the ``offset`` newest), by day, newest day
    first; each set with its reflection (felt rating, where else, focus, note).

    Raises
    ------
    mindmuscle.errors.NotFoundError
        ``name`` is not a client of this coach.
    """
    user_id = client(db=db, coach_id=coach_id, name=name)
    days: dict[date, list[SetRecord]] = {}
    for record in history(db=db, user_id=user_id, limit=limit, offset=offset):
        days.setdefault(record.performed_at.date(), []).append(record)
    return [ClientDay(day=d, sets=s) for d, s in sorted(days.items(), reverse=True)]
