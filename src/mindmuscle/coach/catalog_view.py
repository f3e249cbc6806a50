"""What the coach reads from a catalogue.

The coach needs only a read-only view of the catalogue: the muscles, the exercises, and lookups
that raise :class:`~mindmuscle.errors.UnknownIdError`. :class:`mindmuscle.catalog.Catalog`
satisfies this protocol, and so does any object with the same members (tests build small ones).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from mindmuscle.catalog.models import Exercise, Muscle

__all__ = ["CatalogView"]


class CatalogView(Protocol):
    """The part of the catalogue the coach reads."""

    @property
    def muscles(self) -> Mapping[str, Muscle]: ...

    @property
    def exercises(self) -> Mapping[str, Exercise]: ...

    def exercise(self, exercise_id: str) -> Exercise: ...

    def muscle(self, muscle_id: str) -> Muscle: ...
