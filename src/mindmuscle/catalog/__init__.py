"""The catalogue: muscles, exercises, cues and the evidence registry.

Shipped as TOML data files inside the package, loaded into the typed models of
:mod:`mindmuscle.catalog.models` and validated at load (every cross-reference is checked).

>>> from mindmuscle.catalog import load_catalog
>>> catalog = load_catalog()
>>> catalog.exercise("dumbbell_lateral_raise").targets
['side_delt']
"""

from __future__ import annotations

from mindmuscle.catalog.claims import find_unsupported_claims
from mindmuscle.catalog.freedb import (
    FreeDbExercise,
    FreeDbMapping,
    freedb_exercise_id,
    map_free_exercise_db,
    map_freedb_muscle,
)
from mindmuscle.catalog.loader import Catalog, build_catalog, load_catalog, normalise_name
from mindmuscle.catalog.models import (
    FREE_EXERCISE_DB_MUSCLES,
    BodySide,
    Breathing,
    Certainty,
    Claim,
    Equipment,
    Exercise,
    LoadType,
    Mechanic,
    Movement,
    Muscle,
    Region,
    Rule,
    Study,
    Tempo,
)

__all__ = [
    "FREE_EXERCISE_DB_MUSCLES",
    "BodySide",
    "Breathing",
    "Catalog",
    "Certainty",
    "Claim",
    "Equipment",
    "Exercise",
    "FreeDbExercise",
    "FreeDbMapping",
    "LoadType",
    "Mechanic",
    "Movement",
    "Muscle",
    "Region",
    "Rule",
    "Study",
    "Tempo",
    "build_catalog",
    "find_unsupported_claims",
    "freedb_exercise_id",
    "load_catalog",
    "map_free_exercise_db",
    "map_freedb_muscle",
    "normalise_name",
]
