"""The lifter's profile and readiness entries, as the coach reads them.

Every function takes keyword-only arguments and returns pydantic models of the coach.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy.orm import Session

from mindmuscle.coach.limits import BODYWEIGHT_KG
from mindmuscle.coach.loads import default_equipment
from mindmuscle.coach.models import EquipmentProfile, Profile, Readiness, ReadinessDecision
from mindmuscle.store import Database, ProfileData, ReadinessCreate, repo
from mindmuscle.store.tables import ProfileRow, ReadinessRow

__all__ = [
    "ReadinessEntry",
    "get_profile",
    "has_profile",
    "latest_readiness",
    "list_readiness",
    "profile_in",
    "record_readiness",
    "save_profile",
]


class ReadinessEntry(BaseModel):
    """A stored readiness check with the coach's decision."""

    model_config = ConfigDict(frozen=True)

    id: int
    recorded_at: datetime
    readiness: Readiness
    decision: ReadinessDecision | None


def has_profile(*, db: Database, user_id: int) -> bool:
    """Whether the user has saved a profile (``mindmuscle init``)."""
    with db.session(readonly=True) as s:
        return repo.get_profile(session=s, user_id=user_id) is not None


def get_profile(*, db: Database, user_id: int) -> Profile:
    """The stored profile, or the default profile (new lifter, hypertrophy, kg) if none."""
    with db.session(readonly=True) as s:
        return profile_in(s, user_id=user_id)


def profile_in(s: Session, *, user_id: int) -> Profile:
    """:func:`get_profile` read in the open transaction ``s``."""
    row = repo.get_profile(session=s, user_id=user_id)
    return Profile() if row is None else _stored_profile(row)


def _stored_profile(row: ProfileRow) -> Profile:
    """The stored profile; a part saved before today's limits that breaks them (no plates, a
    body weight of 5 kg) is read as the default, so the app still opens to correct it."""
    try:
        equipment = EquipmentProfile.model_validate(row.equipment or {"unit": row.units})
    except ValidationError:
        equipment = default_equipment("lb" if row.units == "lb" else "kg")
    bodyweight = row.bodyweight_kg if BODYWEIGHT_KG.ok(row.bodyweight_kg) else None
    return Profile(
        goal=row.goal,
        experience=row.experience,
        units=row.units,
        equipment=equipment,
        bodyweight_kg=bodyweight,
    )


def save_profile(*, db: Database, user_id: int, profile: Profile) -> Profile:
    """Store the profile (replacing the previous one) and return it."""
    data = ProfileData(
        units=profile.units,
        experience=profile.experience,
        goal=profile.goal,
        equipment=profile.equipment.model_dump(mode="json"),
        bodyweight_kg=profile.bodyweight_kg,
    )
    with db.session() as s:
        repo.save_profile(session=s, user_id=user_id, data=data)
    return profile


def record_readiness(
    *,
    db: Database,
    user_id: int,
    readiness: Readiness,
    decision: ReadinessDecision | None = None,
    now: datetime,
) -> ReadinessEntry:
    """Store a readiness check (with the coach's decision, if already made)."""
    data = ReadinessCreate(
        recorded_at=now,
        sleep=readiness.sleep,
        energy=readiness.energy,
        stress=readiness.stress,
        focus=readiness.focus,
        soreness=dict(readiness.soreness),
        decision=None if decision is None else decision.decision,
        score=None if decision is None else decision.score,
    )
    with db.session() as s:
        row = repo.add_readiness(session=s, user_id=user_id, data=data)
        return ReadinessEntry(
            id=row.id, recorded_at=row.recorded_at, readiness=readiness, decision=decision
        )


def _entry(row: ReadinessRow) -> ReadinessEntry:
    readiness = Readiness(
        sleep=row.sleep,
        energy=row.energy,
        stress=row.stress,
        focus=row.focus,
        soreness=dict(row.soreness or {}),
    )
    decision = None
    if row.decision is not None and row.score is not None:
        decision = ReadinessDecision(decision=row.decision, score=row.score, reason="")
    return ReadinessEntry(
        id=row.id, recorded_at=row.recorded_at, readiness=readiness, decision=decision
    )


def list_readiness(
    *, db: Database, user_id: int, since: datetime | None = None
) -> list[ReadinessEntry]:
    """Readiness checks, oldest first."""
    with db.session(readonly=True) as s:
        return [_entry(r) for r in repo.list_readiness(session=s, user_id=user_id, since=since)]


def latest_readiness(
    *, db: Database, user_id: int, since: datetime | None = None
) -> ReadinessEntry | None:
    """The newest readiness check (recorded at or after ``since``, if given), or None."""
    with db.session(readonly=True) as s:
        row = repo.latest_readiness(session=s, user_id=user_id)
        if row is None or (since is not None and row.recorded_at < since):
            return None
        return _entry(row)
