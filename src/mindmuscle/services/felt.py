"""Felt versus measured over a lifter's stored sets (rule 16, ``sevilmis2024``).

A set counts when it has both a felt target rating (its reflection) and a measured activation
(its peak %MVC from EMG). The muscle is the exercise's first target on its card; exercises
without a target (a lifter's own, not yet assigned) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from mindmuscle.coach.catalog_view import CatalogView
from mindmuscle.config import Settings
from mindmuscle.errors import UnknownIdError, counted
from mindmuscle.experiments.felt import FeltMeasured, disagrees, felt_vs_measured_by_group
from mindmuscle.services.catalog import user_catalog
from mindmuscle.store import Database, repo

__all__ = ["DISAGREE_LEGEND", "FeltMeasuredView", "disagreeing_muscles", "felt_vs_measured_report"]

DISAGREE_LEGEND = (
    "what you feel and what the EMG measures disagree for this muscle (no relation, or "
    "running against it, over 8 or more sets with both)"
)
"""The words beside a connection map's mark (web and terminal)."""


@dataclass(frozen=True)
class FeltMeasuredView:
    """One relation with the names a lifter reads (not ids)."""

    relation: FeltMeasured
    muscle_name: str
    exercise_name: str

    @property
    def message(self) -> str:
        """The relation in words, naming the muscle and exercise by name (not by id)."""
        rel = self.relation
        ids = f"({rel.muscle} in {rel.exercise_id})"
        return rel.message.replace(ids, f"({self.muscle_name} in {self.exercise_name})")

    def to_json(self) -> dict[str, object]:
        return {
            **self.relation.model_dump(mode="json"),
            "muscle_name": self.muscle_name,
            "exercise_name": self.exercise_name,
        }


def felt_vs_measured_report(
    db: Database,
    user_id: int,
    *,
    settings: Settings | None = None,
    catalog: CatalogView | None = None,
) -> list[FeltMeasuredView]:
    """Per target muscle and exercise: how the felt rating tracks the measured %MVC."""
    catalog = catalog or user_catalog(db=db, user_id=user_id, settings=settings)
    rows: list[tuple[str, str, float, float]] = []
    with db.session(readonly=True) as s:
        measured = repo.felt_and_measured(session=s, user_id=user_id)
    for exercise_id, felt, peak in measured:
        try:
            targets = catalog.exercise(exercise_id).targets
        except UnknownIdError:
            continue
        if targets:
            rows.append((targets[0], exercise_id, float(felt), peak))
    out: list[FeltMeasuredView] = []
    for rel in felt_vs_measured_by_group(rows):
        try:
            muscle_name = catalog.muscle(rel.muscle).name
        except UnknownIdError:
            muscle_name = rel.muscle
        out.append(FeltMeasuredView(rel, muscle_name, catalog.exercise(rel.exercise_id).name))
    return out


def disagreeing_muscles(views: list[FeltMeasuredView]) -> dict[str, str]:
    """The muscles the connection map marks, each with why in words (per exercise where
    feeling and measurement disagree over at least 8 sets)."""
    out: dict[str, list[str]] = {}
    for v in views:
        if disagrees(v.relation):
            out.setdefault(v.relation.muscle, []).append(
                f"{v.exercise_name}: {v.relation.verdict} over {counted(v.relation.n, 'set')}"
            )
    return {m: "; ".join(reasons) for m, reasons in out.items()}
