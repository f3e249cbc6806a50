"""Map free-exercise-db entries onto MindMuscle exercises (pure: no files, no network).

free-exercise-db (public domain, 873 exercises) describes each exercise with one primary muscle
from a 17-term vocabulary, a force (push, pull, static), a mechanic and an equipment. This module
turns one entry into an :class:`~mindmuscle.catalog.models.Exercise` the coach can use:

* its muscles become our muscle ids (the name refines coarse terms: "shoulders" in a lateral
  raise is the side deltoid, "chest" on an incline is the upper chest);
* its equipment, mechanic and force become our enums, a concentric direction and a breathing
  pattern;
* it gets a default tempo by mechanic (a 2-3 s eccentric) and generic cues, a visualisation and
  a touch cue built from its primary muscle, since the source has no cues of its own.

Reading the JSON file is :mod:`mindmuscle.io.freedb`; storing the result is
:mod:`mindmuscle.services.catalog`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mindmuscle.catalog.models import (
    FREE_EXERCISE_DB_MUSCLES,
    Breathing,
    Equipment,
    Exercise,
    LoadType,
    Mechanic,
    Movement,
    Muscle,
    Tempo,
)
from mindmuscle.errors import CatalogError

__all__ = [
    "FreeDbExercise",
    "FreeDbMapping",
    "exercise_cues",
    "freedb_exercise_id",
    "map_free_exercise_db",
    "map_freedb_muscle",
]

_ID_PREFIX = "fedb_"


class FreeDbExercise(BaseModel):
    """One entry of free-exercise-db's ``exercises.json`` (fields as in its ``schema.json``)."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    id: str = Field(min_length=1, pattern=r"^[0-9a-zA-Z_-]+$")
    name: str = Field(min_length=1)
    force: Literal["static", "pull", "push"] | None = None
    level: Literal["beginner", "intermediate", "expert"] | None = None
    mechanic: Literal["isolation", "compound"] | None = None
    equipment: (
        Literal[
            "medicine ball",
            "dumbbell",
            "body only",
            "bands",
            "kettlebells",
            "foam roll",
            "cable",
            "machine",
            "barbell",
            "exercise ball",
            "e-z curl bar",
            "other",
        ]
        | None
    ) = None
    primary_muscles: list[str] = Field(alias="primaryMuscles", min_length=1)
    secondary_muscles: list[str] = Field(alias="secondaryMuscles", default_factory=list)
    instructions: list[str] = Field(default_factory=list)
    category: str | None = None
    images: list[str] = Field(default_factory=list)

    @field_validator("primary_muscles", "secondary_muscles")
    @classmethod
    def _known_muscles(cls, v: list[str]) -> list[str]:
        unknown = sorted(set(v) - FREE_EXERCISE_DB_MUSCLES)
        if unknown:
            raise ValueError(
                f"unknown muscle(s) {unknown}; allowed: {sorted(FREE_EXERCISE_DB_MUSCLES)}"
            )
        return v


@dataclass(frozen=True)
class FreeDbMapping:
    """The result of mapping one entry: the exercise and how its primary muscle was mapped."""

    exercise: Exercise
    source_muscle: str
    targets: tuple[str, ...]


def freedb_exercise_id(source_id: str) -> str:
    """Our id for a free-exercise-db id: ``"3_4_Sit-Up"`` -> ``"fedb_3_4_sit_up"``."""
    slug = re.sub(r"[^a-z0-9]+", "_", source_id.lower()).strip("_")
    return f"{_ID_PREFIX}{slug}"


def _has(name: str, *words: str) -> bool:
    return any(w in name for w in words)


def map_freedb_muscle(term: str, exercise_name: str = "") -> list[str]:
    """Our muscle ids for one free-exercise-db muscle term, refined by the exercise name.

    Parameters
    ----------
    term : str
        One of the 17 free-exercise-db terms (``"shoulders"``, ``"middle back"``, ...).
    exercise_name : str
        The exercise's name; it tells the deltoid head, the chest head, and so on.

    Returns
    -------
    list of str
        One or two muscle ids, the main one first.

    Raises
    ------
    mindmuscle.errors.CatalogError
        When the term is not in the free-exercise-db vocabulary.

    Examples
    --------
    >>> map_freedb_muscle("shoulders", "Side Lateral Raise")
    ['side_delt']
    >>> map_freedb_muscle("middle back")
    ['middle_traps', 'rhomboids']
    """
    n = exercise_name.lower()
    if term == "shoulders":
        if _has(
            n,
            "rear",
            "reverse fl",
            "back fly",
            "face pull",
            "pull apart",
            "bent over",
            "bent-over",
            "external rotation",
            "iron cross",
        ):
            return ["rear_delt"]
        if _has(n, "lateral", "upright", "deltoid raise", "side raise", "scaption"):
            return ["side_delt"]
        return ["front_delt"]
    if term == "chest":
        if _has(n, "serratus", "push-up plus", "push up plus", "scapular"):
            return ["serratus_anterior"]
        if _has(n, "incline", "low-to-high", "low to high", "low cable", "upper chest"):
            return ["pec_clavicular"]
        return ["pec_sternal"]
    if term == "abdominals":
        if _has(
            n,
            "oblique",
            "twist",
            "side bend",
            "woodchop",
            "wood chop",
            "russian",
            "windmill",
            "side plank",
            "side bridge",
            "rotation",
            "pallof",
            "saxon",
        ):
            return ["obliques"]
        if _has(n, "vacuum", "plank", "dead bug", "draw-in", "hollow"):
            return ["transverse_abdominis"]
        return ["rectus_abdominis"]
    if term == "biceps":
        if _has(n, "hammer", "reverse", "brachialis", "zottman", "pinwheel"):
            return ["brachialis"]
        return ["biceps"]
    if term == "glutes":
        if _has(
            n,
            "abduct",
            "clam",
            "monster walk",
            "side-lying leg",
            "side lying leg",
            "fire hydrant",
            "lateral band walk",
        ):
            return ["glute_med"]
        return ["glute_max"]
    if term == "quadriceps" and _has(n, "hip flexor", "psoas", "knee raise", "knee tuck"):
        return ["hip_flexors"]
    if term == "traps" and _has(n, "lower trap", "y raise", "y-raise", "prone y"):
        return ["lower_traps"]
    simple = {
        "abductors": ["glute_med"],
        "adductors": ["adductors"],
        "calves": ["calves"],
        "forearms": ["forearm_flexors"],
        "hamstrings": ["hamstrings"],
        "lats": ["lats"],
        "lower back": ["erector_spinae"],
        "middle back": ["middle_traps", "rhomboids"],
        "neck": ["upper_traps"],
        "quadriceps": ["quadriceps"],
        "traps": ["upper_traps"],
        "triceps": ["triceps"],
    }
    if term not in simple:
        raise CatalogError(
            f"Unknown free-exercise-db muscle {term!r}; allowed: "
            f"{', '.join(sorted(FREE_EXERCISE_DB_MUSCLES))}."
        )
    return list(simple[term])


# Muscles that commonly take over when form slips, by target muscle (for exercises without
# authored compensators).
_COMPENSATORS: dict[str, tuple[str, ...]] = {
    "pec_clavicular": ("front_delt",),
    "pec_sternal": ("front_delt",),
    "front_delt": ("upper_traps",),
    "side_delt": ("upper_traps",),
    "rear_delt": ("rhomboids", "upper_traps"),
    "biceps": ("front_delt", "erector_spinae"),
    "brachialis": ("front_delt",),
    "triceps": ("front_delt",),
    "forearm_flexors": ("biceps",),
    "lats": ("biceps",),
    "upper_traps": (),
    "middle_traps": ("biceps", "erector_spinae"),
    "lower_traps": ("upper_traps",),
    "rhomboids": ("biceps", "erector_spinae"),
    "serratus_anterior": ("upper_traps",),
    "erector_spinae": ("hamstrings",),
    "rectus_abdominis": ("hip_flexors",),
    "obliques": ("hip_flexors",),
    "transverse_abdominis": ("erector_spinae",),
    "glute_max": ("erector_spinae", "hamstrings"),
    "glute_med": ("hip_flexors",),
    "quadriceps": ("erector_spinae",),
    "hamstrings": ("erector_spinae", "calves"),
    "adductors": ("hip_flexors",),
    "calves": ("quadriceps",),
    "hip_flexors": ("erector_spinae",),
}

_EQUIPMENT: dict[str | None, Equipment] = {
    "barbell": Equipment.BARBELL,
    "dumbbell": Equipment.DUMBBELL,
    "body only": Equipment.BODYWEIGHT,
    "cable": Equipment.CABLE,
    "machine": Equipment.MACHINE,
    "kettlebells": Equipment.KETTLEBELL,
    "bands": Equipment.BAND,
    "e-z curl bar": Equipment.EZ_BAR,
    "medicine ball": Equipment.OTHER,
    "exercise ball": Equipment.OTHER,
    "foam roll": Equipment.OTHER,
    "other": Equipment.OTHER,
    None: Equipment.BODYWEIGHT,  # free-exercise-db leaves it empty for stretches and drills
}

_LOAD_TYPE: dict[Equipment, LoadType] = {
    Equipment.BARBELL: LoadType.PLATES,
    Equipment.EZ_BAR: LoadType.PLATES,
    Equipment.DUMBBELL: LoadType.DUMBBELL,
    Equipment.MACHINE: LoadType.STACK,
    Equipment.CABLE: LoadType.STACK,
    Equipment.BODYWEIGHT: LoadType.BODYWEIGHT,
    Equipment.KETTLEBELL: LoadType.FIXED,
    Equipment.BAND: LoadType.FIXED,
    Equipment.OTHER: LoadType.FIXED,
}

# Default tempo by mechanic: a controlled 2-3 s eccentric, a quick concentric (wilk2021), a
# squeeze at the top of isolation work; holds are 10 s.
_TEMPO = {
    Mechanic.ISOLATION: Tempo(eccentric_s=3, bottom_pause_s=0, concentric_s=1, top_squeeze_s=1),
    Mechanic.COMPOUND: Tempo(eccentric_s=2, bottom_pause_s=0, concentric_s=1, top_squeeze_s=0),
}
_HOLD_TEMPO = Tempo(eccentric_s=0, bottom_pause_s=0, concentric_s=0, top_squeeze_s=10)

_BRACE_CATEGORIES = {"powerlifting", "olympic weightlifting", "strongman"}


def _concentric(record: FreeDbExercise) -> Movement:
    n = record.name.lower()
    if record.force == "static" or (record.category or "") == "stretching":
        return Movement.ISOMETRIC
    if _has(
        n,
        "pulldown",
        "pull-down",
        "pushdown",
        "push-down",
        "pressdown",
        "press-down",
        "cable crunch",
        "kneeling cable",
    ):
        return Movement.DOWN
    if _has(
        n,
        "calf",
        "shrug",
        "squat",
        "deadlift",
        "lunge",
        "step-up",
        "step up",
        "clean",
        "snatch",
        "jerk",
        "thruster",
        "pull-up",
        "pullup",
        "chin-up",
        "chinup",
        "push-up",
        "pushup",
        "dip",
        "upright",
        "hip thrust",
        "bridge",
        "good morning",
    ):
        return Movement.UP
    if _has(
        n,
        "curl",
        "raise",
        "fly",
        "flye",
        "extension",
        "kickback",
        "crunch",
        "twist",
        "rotation",
        "windmill",
        "pullover",
        "lateral",
        "crossover",
        "sit-up",
        "situp",
        "wrist",
        "adduct",
        "abduct",
    ):
        return Movement.ROTATION
    if _has(n, "row", "face pull", "pull through", "pull-through"):
        return (
            Movement.UP
            if _has(n, "bent over", "bent-over", "t-bar", "pendlay")
            else (Movement.TOWARDS)
        )
    if _has(n, "leg press", "chest press", "machine press", "cable press", "pallof"):
        return Movement.AWAY
    if _has(n, "press", "jammer", "throw", "jump", "push"):
        return Movement.UP
    return Movement.TOWARDS if record.force == "pull" else Movement.UP


def _mechanic(record: FreeDbExercise) -> Mechanic:
    if record.mechanic is not None:
        return Mechanic(record.mechanic)
    # Without a stated mechanic, several working muscles mean a compound movement.
    return Mechanic.COMPOUND if record.secondary_muscles else Mechanic.ISOLATION


def _breathing(record: FreeDbExercise, mechanic: Mechanic, equipment: Equipment) -> Breathing:
    if record.force == "static" or (record.category or "") == "stretching":
        return Breathing.STEADY
    if (record.category or "") in _BRACE_CATEGORIES or (
        mechanic == Mechanic.COMPOUND and equipment == Equipment.BARBELL
    ):
        return Breathing.BRACE
    return Breathing.EXHALE_CONCENTRIC


_EXTERNAL: dict[Movement, str] = {
    Movement.UP: "Drive the weight smoothly up along the same line every rep, then lower it under "
    "control.",
    Movement.DOWN: "Pull the handle down in one smooth line, then let it rise slowly.",
    Movement.TOWARDS: "Pull the handle straight in towards you, then let it travel slowly back.",
    Movement.AWAY: "Push the handle straight away from you, then let it come back slowly.",
    Movement.ROTATION: "Move the weight along one smooth arc, the same arc every rep.",
    Movement.ISOMETRIC: "Hold the position still, like a statue, and keep breathing.",
}


# The verbs of the working and the returning phase, by the direction of the loaded movement.
_VERBS: dict[Movement, tuple[str, str]] = {
    Movement.UP: ("lift", "lower"),
    Movement.DOWN: ("bring the weight down", "let it rise"),
    Movement.TOWARDS: ("pull", "let the weight go back"),
    Movement.AWAY: ("push", "let the weight come back"),
    Movement.ROTATION: ("lift", "lower"),
}


def _is_stretch(record: FreeDbExercise) -> bool:
    name = record.name.lower()
    return (record.category or "") == "stretching" or _has(name, "stretch", "smr")


def _cues(
    muscle: Muscle, movement: Movement, *, stretch: bool
) -> tuple[list[str], list[str], str, str]:
    cue = muscle.cue_name
    if stretch:
        internal = [
            f"Ease into the position and feel your {cue} lengthen; keep the rest of you relaxed.",
            f"Breathe out slowly and let your {cue} let go a little more with each breath.",
        ]
        external = ["Ease into the position until you feel a gentle pull, then hold it still."]
        visualisation = (
            f"You picture your {cue} as a long, soft band. With every slow breath out you feel "
            "the band lengthen a little more."
        )
    elif movement == Movement.ISOMETRIC:
        internal = [
            f"Switch your {cue} on before you settle into the position and keep it tight for the "
            "whole hold.",
            f"Breathe slowly and feel the work stay in your {cue}, nowhere else.",
        ]
        external = [_EXTERNAL[movement]]
        visualisation = (
            f"Before you start, you picture your {cue} as a tight band holding you in place. "
            "You feel the band stay switched on while you breathe slowly and the rest of you "
            "relaxes."
        )
    else:
        work, back = _VERBS[movement]
        internal = [
            f"{cue[0].upper()}{cue[1:]} only: feel your {cue} shorten as you {work} and lengthen "
            f"under control as you {back}.",
            f"Squeeze your {cue} hard for a moment at the end of each rep, as in the flexing "
            "drill.",
        ]
        external = [_EXTERNAL[movement]]
        visualisation = (
            f"Before the set you close your eyes and picture your {cue}. You see the muscle "
            f"shorten and thicken as you {work} and lengthen as you {back}. Every rep, your {cue} "
            "does the work."
        )
    touch = muscle.touch_cue or f"Rest two fingers on your {cue} before the set and flex it once."
    return internal, external, visualisation, touch


def exercise_cues(
    muscle: Muscle | None, movement: Movement, *, stretch: bool = False
) -> tuple[list[str], list[str], str, str]:
    """Internal cues, external cues, a visualisation and a touch cue for an exercise.

    Written for ``muscle`` (its cue name and touch cue); with ``muscle=None`` (an exercise whose
    target muscles are not assigned yet) they name no muscle, so no cue claims one.
    """
    if muscle is not None:
        return _cues(muscle, movement, stretch=stretch)
    internal = [
        "Move slowly and notice which muscles do the work; assign this exercise's target "
        "muscles and its cues will name them.",
    ]
    visualisation = (
        "Before the set you picture the whole movement once, from start to finish, at the "
        "card's tempo."
    )
    touch = "Rest two fingers on the muscle you want to work before the set and flex it once."
    return internal, [_EXTERNAL[movement]], visualisation, touch


def _unilateral(name: str) -> bool:
    return _has(
        name.lower(),
        "one-arm",
        "one arm",
        "single-arm",
        "single arm",
        "one-leg",
        "one leg",
        "single-leg",
        "single leg",
        "unilateral",
    )


def map_free_exercise_db(record: FreeDbExercise, muscles: Mapping[str, Muscle]) -> FreeDbMapping:
    """Turn one free-exercise-db entry into an exercise the coach can use.

    Parameters
    ----------
    record : FreeDbExercise
        One validated entry of ``exercises.json``.
    muscles : mapping of str to Muscle
        The catalogue's muscles (for cue names and touch cues).

    Returns
    -------
    FreeDbMapping
        The exercise (id ``fedb_<source id>``, ``source="free-exercise-db"``) with the
        free-exercise-db term of its primary muscle and the muscle ids it became.

    Raises
    ------
    mindmuscle.errors.CatalogError
        When a mapped muscle id is missing from ``muscles``.
    """
    primary = record.primary_muscles[0]
    targets: list[str] = []
    for term in record.primary_muscles:
        for mid in map_freedb_muscle(term, record.name):
            if mid not in targets:
                targets.append(mid)
    synergists: list[str] = []
    for term in record.secondary_muscles:
        for mid in map_freedb_muscle(term, record.name):
            if mid not in targets and mid not in synergists:
                synergists.append(mid)
    compensators = [m for m in _COMPENSATORS.get(targets[0], ()) if m not in targets]
    for mid in (*targets, *synergists, *compensators):
        if mid not in muscles:
            raise CatalogError(
                f"free-exercise-db entry {record.id!r}: muscle {mid!r} is not in the catalogue."
            )

    mechanic = _mechanic(record)
    equipment = _EQUIPMENT[record.equipment]
    movement = _concentric(record)
    main = muscles[targets[0]]
    internal, external, visualisation, touch = _cues(main, movement, stretch=_is_stretch(record))
    exercise = Exercise(
        id=freedb_exercise_id(record.id),
        name=record.name.strip(),
        aliases=[],
        targets=targets,
        synergists=synergists,
        compensators=compensators,
        mechanic=mechanic,
        region=main.region,
        equipment=equipment,
        load_type=_LOAD_TYPE[equipment],
        unilateral=_unilateral(record.name),
        internal_cues=internal,
        external_cues=external,
        visualisation=visualisation,
        touch_cue=touch,
        breathing=_breathing(record, mechanic, equipment),
        tempo=_HOLD_TEMPO if movement == Movement.ISOMETRIC else _TEMPO[mechanic],
        concentric=movement,
        source="free-exercise-db",
    )
    return FreeDbMapping(exercise=exercise, source_muscle=primary, targets=tuple(targets))
