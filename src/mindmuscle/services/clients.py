"""A coach and their clients: who they are, each client's sets and reflections to read, and the
routines the coach sets for a client (exercises, sets, and per exercise a tempo and a focus).

A coach is an admin; a lifter is the client of at most one coach (:mod:`accounts` stores it).
Everything here is read-only and scoped: :func:`client` answers only for the coach's own
clients, and for anyone else (another coach's client, an admin, a name nobody has) raises
:class:`~mindmuscle.errors.NotFoundError`, so a coach learns nothing of other users. The
client's connection map and progress come from the same services as the lifter's own pages,
called with the client's user id; a routine the coach sets is the client's routine, marked as
set by the coach, checked against the client's catalogue, and started by the client as any
routine is (:func:`mindmuscle.services.routines.start_routine`).
"""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field

from mindmuscle.coach.routines import Routine
from mindmuscle.config import Settings
from mindmuscle.services import accounts
from mindmuscle.services import routines as routine_service
from mindmuscle.services.catalog import user_catalog
from mindmuscle.services.history import SetRecord, history, workouts
from mindmuscle.services.profile import get_profile
from mindmuscle.services.routines import RoutineOut
from mindmuscle.store import Database

__all__ = [
    "ClientDay",
    "ClientSummary",
    "change_client_routine",
    "client",
    "client_days",
    "client_routines",
    "clients",
    "remove_client_routine",
    "set_client_routine",
]


class ClientSummary(BaseModel):
    """A client as the coach's list shows them."""

    model_config = ConfigDict(frozen=True)

    name: str
    key: str = Field(
        description="How the client is named in a URL path (/api/clients/KEY/...): the name, "
        "or ~ID for a name an older version accepted that a path cannot hold ('x/y', '..')."
    )
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
                key=accounts.client_key(name=name, user_id=user_id),
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


def client_routines(
    *, db: Database, coach_id: int, name: str, settings: Settings | None = None
) -> list[RoutineOut]:
    """Every routine of the coach's client, theirs and the coach's (``set_by``), newest first."""
    user_id = client(db=db, coach_id=coach_id, name=name)
    catalog = user_catalog(db=db, user_id=user_id, settings=settings)
    return routine_service.list_routines(db=db, user_id=user_id, catalog=catalog)


def set_client_routine(
    *,
    db: Database,
    coach_id: int,
    name: str,
    routine: Routine,
    now: datetime,
    settings: Settings | None = None,
) -> RoutineOut:
    """Save a routine for the coach's client, set by the coach: its exercises (of the client's
    catalogue), sets, and per exercise any tempo and focus the coach chose.

    Raises
    ------
    mindmuscle.errors.NotFoundError
        ``name`` is not a client of this coach.
    mindmuscle.errors.UnknownIdError, mindmuscle.errors.InvalidInputError
        As :func:`mindmuscle.services.routines.create_routine`.
    """
    user_id = client(db=db, coach_id=coach_id, name=name)
    catalog = user_catalog(db=db, user_id=user_id, settings=settings)
    return routine_service.create_routine(
        db=db, user_id=user_id, routine=routine, catalog=catalog, now=now, coach_id=coach_id
    )


def change_client_routine(
    *,
    db: Database,
    coach_id: int,
    name: str,
    routine_id: int,
    routine: Routine,
    now: datetime,
    settings: Settings | None = None,
    expected_updated_at: datetime | None = None,
) -> RoutineOut:
    """Replace a routine the coach set for their client (the client's own routines are theirs:
    NotAllowedError; one saved since ``expected_updated_at``: ChangedMeanwhileError)."""
    user_id = client(db=db, coach_id=coach_id, name=name)
    catalog = user_catalog(db=db, user_id=user_id, settings=settings)
    return routine_service.update_routine(
        db=db, user_id=user_id, routine_id=routine_id, routine=routine, catalog=catalog, now=now,
        coach_id=coach_id, expected_updated_at=expected_updated_at,
    )  # fmt: skip


def remove_client_routine(
    *,
    db: Database,
    coach_id: int,
    name: str,
    routine_id: int,
    settings: Settings | None = None,
) -> RoutineOut:
    """Delete a routine the coach set for their client; returns what it held."""
    user_id = client(db=db, coach_id=coach_id, name=name)
    catalog = user_catalog(db=db, user_id=user_id, settings=settings)
    return routine_service.delete_routine(
        db=db, user_id=user_id, routine_id=routine_id, catalog=catalog, coach_id=coach_id
    )
