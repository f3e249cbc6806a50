"""Felt versus measured over a lifter's stored sets (rule 16, ``sevilmis2024``).

A set counts when it has both a felt target rating (its reflection) and a measured activation
(its peak %MVC from EMG). The muscle is the exercise's first target on its card; exercises
without a target (a lifter's own, not yet assigned) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from mindmuscle.config import Settings
from mindmuscle.errors import UnknownIdError
from mindmuscle.experiments.felt import FeltMeasured, felt_vs_measured_by_group
from mindmuscle.services.catalog import user_catalog
from mindmuscle.store import Database, repo

__all__ = ["FeltMeasuredView", "felt_vs_measured_report"]


@dataclass(frozen=True)
class FeltMeasuredView:
    """One relation with the names a lifter reads (not ids)."""

    relation: FeltMeasured
    muscle_name: str
    exercise_name: str

    def to_json(self) -> dict[str, object]:
        return {
            **self.relation.model_dump(mode="json"),
            "muscle_name": self.muscle_name,
            "exercise_name": self.exercise_name,
        }


def felt_vs_measured_report(
    db: Database, user_id: int, *, settings: Settings | None = None
) -> list[FeltMeasuredView]:
    """Per target muscle and exercise: how the felt rating tracks the measured %MVC."""
    catalog = user_catalog(db=db, user_id=user_id, settings=settings)
    rows: list[tuple[str, str, float, float]] = []
    with db.session() as s:
        for row in repo.list_sets(session=s, user_id=user_id):
            felt = row.reflection.target_rating if row.reflection is not None else None
            if felt is None or row.emg_peak_mvc is None:
                continue
            try:
                targets = catalog.exercise(row.exercise_id).targets
            except UnknownIdError:
                continue
            if targets:
                rows.append((targets[0], row.exercise_id, float(felt), float(row.emg_peak_mvc)))
    out: list[FeltMeasuredView] = []
    for rel in felt_vs_measured_by_group(rows):
        try:
            muscle_name = catalog.muscle(rel.muscle).name
        except UnknownIdError:
            muscle_name = rel.muscle
        out.append(FeltMeasuredView(rel, muscle_name, catalog.exercise(rel.exercise_id).name))
    return out
