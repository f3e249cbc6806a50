"""The flexing drill: a plan for the weakest muscles first, and a stored rating per muscle."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from mindmuscle.catalog import Catalog
from mindmuscle.coach import drill_plan
from mindmuscle.coach.limits import RATING
from mindmuscle.coach.models import DrillPlan
from mindmuscle.services.history import connection_map, user_catalog
from mindmuscle.store import Database, DrillRatingCreate, repo

__all__ = [
    "DrillRating",
    "StartedDrill",
    "finish_drill",
    "list_drill_ratings",
    "plan_drill",
    "rate_muscle",
    "start_drill",
]


class StartedDrill(BaseModel):
    model_config = ConfigDict(frozen=True)

    drill_id: int
    plan: DrillPlan


class DrillRating(BaseModel):
    """How well a muscle could be felt and flexed in a drill, 0-10."""

    model_config = ConfigDict(frozen=True)

    drill_id: int
    muscle_id: str
    rating: int = RATING.field()
    rated_at: datetime


def plan_drill(
    *,
    db: Database,
    user_id: int,
    now: datetime,
    minutes: float = 10.0,
    catalog: Catalog | None = None,
) -> DrillPlan:
    """The drill the coach would give now (weakest muscles first); nothing is stored."""
    catalog = catalog or user_catalog(db=db, user_id=user_id)
    scores = connection_map(db=db, user_id=user_id, now=now, catalog=catalog)
    return drill_plan(catalog=catalog, scores=scores, minutes=minutes)


def start_drill(
    *,
    db: Database,
    user_id: int,
    now: datetime,
    minutes: float = 10.0,
    catalog: Catalog | None = None,
) -> StartedDrill:
    """Plan a drill from the stored connection map (weakest muscles first) and store it."""
    plan = plan_drill(db=db, user_id=user_id, now=now, minutes=minutes, catalog=catalog)
    with db.session() as s:
        row = repo.create_drill(
            session=s, user_id=user_id, plan=plan.model_dump(mode="json"), started_at=now
        )
        drill_id = row.id
    return StartedDrill(drill_id=drill_id, plan=plan)


def rate_muscle(
    *, db: Database, user_id: int, drill_id: int, muscle_id: str, rating: int, now: datetime
) -> DrillRating:
    """Store one muscle's rating in a drill (committed when this returns)."""
    with db.session() as s:
        repo.add_drill_rating(
            session=s,
            user_id=user_id,
            drill_id=drill_id,
            data=DrillRatingCreate(muscle_id=muscle_id, rating=rating, rated_at=now),
        )
    return DrillRating(drill_id=drill_id, muscle_id=muscle_id, rating=rating, rated_at=now)


def finish_drill(*, db: Database, user_id: int, drill_id: int, now: datetime) -> None:
    """Mark the drill as done."""
    with db.session() as s:
        repo.end_drill(session=s, user_id=user_id, drill_id=drill_id, ended_at=now)


def list_drill_ratings(
    *, db: Database, user_id: int, since: datetime | None = None
) -> list[DrillRating]:
    """Every stored drill rating, oldest first."""
    with db.session(readonly=True) as s:
        return [
            DrillRating(
                drill_id=r.drill_id, muscle_id=r.muscle_id, rating=r.rating, rated_at=r.rated_at
            )
            for r in repo.list_drill_ratings(session=s, user_id=user_id, since=since)
        ]
