"""Mass units. Everything is stored in kilograms; pounds are for display and input."""

from __future__ import annotations

from typing import Literal

from mindmuscle.errors import InvalidInputError

__all__ = ["KG_PER_LB", "MassUnit", "from_kg", "parse_unit", "to_kg"]

MassUnit = Literal["kg", "lb"]
KG_PER_LB = 0.45359237


def parse_unit(value: str) -> MassUnit:
    """Return ``"kg"`` or ``"lb"`` from a user's spelling (kg, kgs, lb, lbs)."""
    v = value.strip().lower()
    if v in ("kg", "kgs", "kilogram", "kilograms"):
        return "kg"
    if v in ("lb", "lbs", "pound", "pounds"):
        return "lb"
    raise InvalidInputError(f"Unknown unit {value!r}: allowed units are 'kg' and 'lb'.")


def to_kg(value: float, unit: MassUnit) -> float:
    """Convert ``value`` in ``unit`` to kilograms."""
    return value if unit == "kg" else value * KG_PER_LB


def from_kg(value_kg: float, unit: MassUnit) -> float:
    """Convert kilograms to ``unit``."""
    return value_kg if unit == "kg" else value_kg / KG_PER_LB
