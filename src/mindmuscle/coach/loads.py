"""Loads the user can build: rounding to plates, dumbbells, stacks and fixed implements.

Every load is computed in kilograms, converted to the equipment's own unit (``kg`` or ``lb``),
rounded to what can be built there, and converted back to kilograms for storage. So a lifter
with pound plates always gets a load they can put on the bar, and the stored value is exact.

What can be built, by :class:`~mindmuscle.catalog.models.LoadType`:

- ``plates``: the bar plus pairs of plates, any number of each size (a load of ``bar + 2 * s``
  where ``s`` is any sum of plate sizes);
- ``dumbbell``: one dumbbell per hand (the load is per hand), ``dumbbell_min`` plus whole
  ``dumbbell_step``s up to ``dumbbell_max``;
- ``stack``: whole ``stack_step``s from one step up to ``stack_max``;
- ``fixed``: one of the ``fixed`` implements (kettlebells);
- ``bodyweight``: added load (vest or belt) built from single plates.
"""

from __future__ import annotations

import itertools
import math
import re
from fractions import Fraction
from functools import lru_cache
from typing import Literal

from mindmuscle.catalog.models import Exercise, LoadType
from mindmuscle.coach.limits import LOAD_KG
from mindmuscle.coach.models import EquipmentProfile, Plan, Prescription
from mindmuscle.errors import InvalidInputError
from mindmuscle.units import MassUnit, from_kg, to_kg

__all__ = [
    "MAX_LOAD_KG",
    "buildable_loads",
    "check_load_kg",
    "default_equipment",
    "format_load",
    "load_step",
    "plan_in_units",
    "prescription_in_units",
    "restate_loads",
    "round_load",
    "step_load",
]

#: Loads above this are rejected as absurd (the table of limits: the heaviest lifts, leg press
#: included, are below it).
MAX_LOAD_KG = LOAD_KG.high

Rounding = Literal["nearest", "down", "up"]


def check_load_kg(load_kg: float, *, what: str = "Load") -> float:
    """Return ``load_kg`` if it is a finite number of kilograms between 0 and 1500.

    Raises
    ------
    InvalidInputError
        When the load is negative, not finite or above 1500 kg.

    Examples
    --------
    >>> check_load_kg(42.5)
    42.5
    """
    if not math.isfinite(load_kg) or load_kg < 0 or load_kg > MAX_LOAD_KG:
        raise InvalidInputError(
            f"{what} {load_kg} kg is not allowed: give a number of kilograms from 0 to "
            f"{MAX_LOAD_KG:g}."
        )
    return load_kg


def default_equipment(unit: MassUnit) -> EquipmentProfile:
    """A typical gym in ``unit``: an Olympic bar and plates, dumbbells, stacks and kettlebells.

    Examples
    --------
    >>> default_equipment("lb").bar
    45.0
    """
    if unit == "kg":
        return EquipmentProfile()
    return EquipmentProfile(
        unit="lb",
        bar=45.0,
        plates=[45.0, 35.0, 25.0, 10.0, 5.0, 2.5],
        dumbbell_min=5.0,
        dumbbell_max=120.0,
        dumbbell_step=5.0,
        stack_step=10.0,
        stack_max=300.0,
        fixed=[18.0, 26.0, 35.0, 44.0, 53.0, 62.0, 70.0],
    )


def _check_equipment(equipment: EquipmentProfile, load_type: LoadType) -> None:
    u = equipment.unit
    if load_type in (LoadType.PLATES, LoadType.BODYWEIGHT):
        bad = [p for p in equipment.plates if not (math.isfinite(p) and p > 0)]
        if bad or not equipment.plates:
            raise InvalidInputError(
                f"Plates {equipment.plates} {u}: give at least one plate size, each a positive "
                "number."
            )
    if load_type == LoadType.DUMBBELL and equipment.dumbbell_min > equipment.dumbbell_max:
        raise InvalidInputError(
            f"Dumbbells from {equipment.dumbbell_min} to {equipment.dumbbell_max} {u}: the "
            "lightest must not be heavier than the heaviest."
        )
    if load_type == LoadType.STACK and equipment.stack_step > equipment.stack_max:
        raise InvalidInputError(
            f"Stack step {equipment.stack_step} {u} is above the stack maximum "
            f"{equipment.stack_max} {u}."
        )
    if load_type == LoadType.FIXED:
        bad = [f for f in equipment.fixed if not (math.isfinite(f) and f > 0)]
        if bad or not equipment.fixed:
            raise InvalidInputError(
                f"Fixed implements {equipment.fixed} {u}: give at least one weight, each a "
                "positive number."
            )


@lru_cache(maxsize=64)
def _pair_sums(plates: tuple[float, ...], limit: float) -> tuple[float, ...]:
    """Every per-side plate sum up to ``limit`` (exact arithmetic on a common grid)."""
    fracs = [Fraction(p).limit_denominator(1000) for p in plates]
    denom = math.lcm(*(f.denominator for f in fracs))
    sizes = sorted({int(f * denom) for f in fracs if f > 0})
    top = int(Fraction(limit).limit_denominator(1000) * denom) + max(sizes)
    reach = bytearray(top + 1)
    reach[0] = 1
    for total in range(1, top + 1):
        for size in sizes:
            if size <= total and reach[total - size]:
                reach[total] = 1
                break
    return tuple(t / denom for t in range(top + 1) if reach[t])


def buildable_loads(
    exercise: Exercise, equipment: EquipmentProfile, *, up_to: float
) -> list[float]:
    """Every load that can be built for ``exercise``, in the equipment's unit, up to ``up_to``.

    The list always holds at least the lightest buildable load (and, for plates and added
    body-weight load, the first one above ``up_to``), so rounding has a neighbour on each side.

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> curl = load_catalog().exercise("dumbbell_biceps_curl")
    >>> buildable_loads(curl, EquipmentProfile(), up_to=10)[:3]
    [2.0, 4.0, 6.0]
    """
    _check_equipment(equipment, exercise.load_type)
    lt = exercise.load_type
    if lt == LoadType.PLATES:
        per_side = max(0.0, (up_to - equipment.bar) / 2)
        return [equipment.bar + 2 * s for s in _pair_sums(tuple(equipment.plates), per_side)]
    if lt == LoadType.BODYWEIGHT:
        return list(_pair_sums(tuple(equipment.plates), max(0.0, up_to)))
    if lt == LoadType.DUMBBELL:
        n = math.floor((equipment.dumbbell_max - equipment.dumbbell_min) / equipment.dumbbell_step)
        return [equipment.dumbbell_min + k * equipment.dumbbell_step for k in range(n + 1)]
    if lt == LoadType.STACK:
        n = math.floor(equipment.stack_max / equipment.stack_step + 1e-9)
        return [k * equipment.stack_step for k in range(1, n + 1)]
    return sorted(set(equipment.fixed))


def load_step(exercise: Exercise, equipment: EquipmentProfile) -> float:
    """The smallest load increment for ``exercise``, in the equipment's unit.

    Plates: twice the smallest plate (plates go on in pairs); dumbbells: ``dumbbell_step``;
    stacks: ``stack_step``; added body-weight load: the smallest plate; fixed implements: the
    smallest gap between two of them (0 with only one).

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> load_step(load_catalog().exercise("barbell_back_squat"), EquipmentProfile())
    2.5
    """
    _check_equipment(equipment, exercise.load_type)
    lt = exercise.load_type
    if lt == LoadType.PLATES:
        return 2 * min(equipment.plates)
    if lt == LoadType.BODYWEIGHT:
        return min(equipment.plates)
    if lt == LoadType.DUMBBELL:
        return equipment.dumbbell_step
    if lt == LoadType.STACK:
        return equipment.stack_step
    fixed = sorted(set(equipment.fixed))
    return min((b - a for a, b in itertools.pairwise(fixed)), default=0.0)


def round_load(
    load_kg: float,
    exercise: Exercise,
    equipment: EquipmentProfile,
    *,
    rounding: Rounding = "nearest",
) -> float:
    """Round a load to what the user can build for ``exercise``.

    Parameters
    ----------
    load_kg : float
        The wanted load in kg (per hand for dumbbell exercises; added load for body-weight
        exercises).
    exercise : Exercise
        Its ``load_type`` decides how the load is built.
    equipment : EquipmentProfile
        What the user owns, in its own unit.
    rounding : {"nearest", "down", "up"}
        ``nearest`` (ties go to the lighter load), ``down`` (never heavier than wanted) or
        ``up``. Loads outside what can be built are clipped to the lightest or heaviest.

    Returns
    -------
    float
        The buildable load in kg (exact conversion of a load in the equipment's unit).

    Raises
    ------
    InvalidInputError
        When ``load_kg`` is negative, not finite or above 1000 kg, or the equipment is empty.

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> squat = load_catalog().exercise("barbell_back_squat")
    >>> round_load(61.0, squat, EquipmentProfile())  # 20 kg bar + pairs of plates
    60.0
    >>> round_load(100.0, squat, default_equipment("lb"))  # 220 lb, stored in kg
    99.790321
    """
    check_load_kg(load_kg)
    target = from_kg(load_kg, equipment.unit)
    options = buildable_loads(exercise, equipment, up_to=target)
    below = [o for o in options if o <= target + 1e-9]
    above = [o for o in options if o >= target - 1e-9]
    low = max(below) if below else min(options)
    high = min(above) if above else max(options)
    if rounding == "down":
        chosen = low
    elif rounding == "up":
        chosen = high
    else:
        chosen = low if target - low <= high - target + 1e-9 else high
    return round(to_kg(chosen, equipment.unit), 6)


def step_load(
    load_kg: float, exercise: Exercise, equipment: EquipmentProfile, *, steps: int
) -> float:
    """The buildable load ``steps`` increments above (positive) or below (negative) a load.

    The load is first rounded to the nearest buildable one; the result is clipped to what can
    be built.

    Examples
    --------
    >>> from mindmuscle.catalog import load_catalog
    >>> squat = load_catalog().exercise("barbell_back_squat")
    >>> step_load(60.0, squat, EquipmentProfile(), steps=1)
    62.5
    """
    check_load_kg(load_kg)
    current = from_kg(load_kg, equipment.unit)
    options = buildable_loads(
        exercise, equipment, up_to=current + max(0, steps) * 50 * load_step(exercise, equipment)
    )
    index = min(range(len(options)), key=lambda i: (abs(options[i] - current), options[i]))
    index = min(max(index + steps, 0), len(options) - 1)
    return round(to_kg(options[index], equipment.unit), 6)


def format_load(load_kg: float | None, unit: MassUnit) -> str:
    """The load as the user reads it: ``'42.5 kg'``, ``'95 lb'``, or ``'body weight'``.

    Examples
    --------
    >>> format_load(42.5, "kg")
    '42.5 kg'
    >>> format_load(20.41165665, "lb")
    '45 lb'
    """
    if load_kg is None:
        return "body weight"
    value = round(from_kg(load_kg, unit), 2)
    return f"{value:g} {unit}"


_LOAD_IN_TEXT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?) (kg|lb)\b")


def restate_loads(text: str, unit: MassUnit) -> str:
    """``text`` with every load it names (``10 kg``, ``22.05 lb``) in ``unit``, as
    :func:`format_load` words it: a plan's reasons said in kilograms read in pounds once the
    lifter has switched. A load already in ``unit`` is left as written.

    Examples
    --------
    >>> restate_loads("Load 10 kg = 62.5% of an e1RM of 16 kg.", "lb")
    'Load 22.05 lb = 62.5% of an e1RM of 35.27 lb.'
    >>> restate_loads("Start at 45 lb.", "kg")
    'Start at 20.41 kg.'
    """

    def one(m: re.Match[str]) -> str:
        given: MassUnit = "lb" if m.group(2) == "lb" else "kg"
        if given == unit:
            return m.group(0)
        return format_load(to_kg(float(m.group(1)), given), unit)

    return _LOAD_IN_TEXT.sub(one, text)


def prescription_in_units(prescription: Prescription, unit: MassUnit) -> Prescription:
    """``prescription`` as a lifter who reads ``unit`` sees it: its ``units``, load and words
    in ``unit``; the load itself (``load_kg``) is unchanged. Itself when already in ``unit``."""
    if prescription.units == unit:
        return prescription
    return prescription.model_copy(
        update={
            "units": unit,
            "load_display": format_load(prescription.load_kg, unit),
            "why": [
                r.model_copy(update={"text": restate_loads(r.text, unit)}) for r in prescription.why
            ],
            "warnings": [restate_loads(w, unit) for w in prescription.warnings],
            "starting_test": None
            if prescription.starting_test is None
            else restate_loads(prescription.starting_test, unit),
        }
    )


def plan_in_units(plan: Plan, unit: MassUnit) -> Plan:
    """A stored plan in the unit the lifter reads now: made in kg the morning and switched to
    lb since, its loads, reasons and warnings read in lb. What is stored stays in kg.

    Examples
    --------
    >>> from mindmuscle.coach.models import Plan
    >>> plan = Plan(decision="rest", reason="Rest.", goal="hypertrophy", units="kg")
    >>> plan_in_units(plan, "lb").units
    'lb'
    """
    if plan.units == unit and all(p.units == unit for p in plan.exercises):
        return plan
    return plan.model_copy(
        update={
            "units": unit,
            "exercises": [prescription_in_units(p, unit) for p in plan.exercises],
            "why": [r.model_copy(update={"text": restate_loads(r.text, unit)}) for r in plan.why],
        }
    )
