"""Builders for tests: exercises, muscles, a small catalogue view, logged sets and profiles."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from mindmuscle.catalog import Catalog, load_catalog
from mindmuscle.catalog.models import (
    Breathing,
    Equipment,
    Exercise,
    LoadType,
    Mechanic,
    Movement,
    Muscle,
    Region,
    Tempo,
)
from mindmuscle.coach.models import LoggedSet
from mindmuscle.errors import UnknownIdError
from mindmuscle.signals.motion import MotionRecording

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)

MUSCLE_IDS = [
    "pec_clavicular",
    "pec_sternal",
    "front_delt",
    "side_delt",
    "rear_delt",
    "biceps",
    "brachialis",
    "triceps",
    "forearm_flexors",
    "lats",
    "upper_traps",
    "middle_traps",
    "lower_traps",
    "rhomboids",
    "serratus_anterior",
    "erector_spinae",
    "rectus_abdominis",
    "obliques",
    "transverse_abdominis",
    "glute_max",
    "glute_med",
    "quadriceps",
    "hamstrings",
    "adductors",
    "calves",
    "hip_flexors",
]
_LOWER = {
    "glute_max",
    "glute_med",
    "quadriceps",
    "hamstrings",
    "adductors",
    "calves",
    "hip_flexors",
}
_CORE = {"rectus_abdominis", "obliques", "transverse_abdominis", "erector_spinae"}


def make_muscle(muscle_id: str, **kw: Any) -> Muscle:
    region = (
        Region.LOWER if muscle_id in _LOWER else Region.CORE if muscle_id in _CORE else Region.UPPER
    )
    data: dict[str, Any] = {
        "id": muscle_id,
        "name": muscle_id.replace("_", " ").title(),
        "region": region,
        "side": "front",
        "free_exercise_db": ["chest"],
        "flex_cue": f"Squeeze your {muscle_id.replace('_', ' ')} as hard as you can.",
    }
    data.update(kw)
    return Muscle(**data)


def make_exercise(exercise_id: str = "dumbbell_biceps_curl", **kw: Any) -> Exercise:
    """An exercise card; defaults describe an upper-body dumbbell isolation exercise."""
    data: dict[str, Any] = {
        "id": exercise_id,
        "name": exercise_id.replace("_", " ").capitalize(),
        "targets": ["biceps"],
        "synergists": ["brachialis"],
        "compensators": ["front_delt"],
        "mechanic": Mechanic.ISOLATION,
        "region": Region.UPPER,
        "equipment": Equipment.DUMBBELL,
        "load_type": LoadType.DUMBBELL,
        "internal_cues": ["Biceps only: squeeze it up.", "Shorten the biceps, elbow still."],
        "external_cues": ["Curl the handle towards your shoulder."],
        "visualisation": "You see the biceps shorten. You feel it fill.",
        "touch_cue": "Rest two fingers on the biceps.",
        "breathing": Breathing.EXHALE_CONCENTRIC,
        "tempo": Tempo.parse("3-0-1-1"),
        "concentric": Movement.ROTATION,
    }
    data.update(kw)
    return Exercise(**data)


def squat(**kw: Any) -> Exercise:
    data: dict[str, Any] = {
        "targets": ["quadriceps", "glute_max"],
        "synergists": ["adductors"],
        "compensators": ["erector_spinae"],
        "mechanic": Mechanic.COMPOUND,
        "region": Region.LOWER,
        "equipment": Equipment.BARBELL,
        "load_type": LoadType.PLATES,
        "internal_cues": [
            "Quads: push the knees out and feel the thighs.",
            "Squeeze the glutes up.",
        ],
        "external_cues": ["Push the floor away.", "Drive the bar to the ceiling."],
        "breathing": Breathing.BRACE,
        "tempo": Tempo.parse("2-1-1-0"),
        "concentric": Movement.UP,
        "touch_cue": "Tap your quads before the set.",
    }
    data.update(kw)
    return make_exercise("barbell_back_squat", **data)


def bench(**kw: Any) -> Exercise:
    data: dict[str, Any] = {
        "targets": ["pec_sternal"],
        "synergists": ["triceps", "front_delt"],
        "compensators": ["front_delt"],
        "mechanic": Mechanic.COMPOUND,
        "equipment": Equipment.BARBELL,
        "load_type": LoadType.PLATES,
        "internal_cues": ["Chest only: squeeze the pecs together.", "Feel the chest stretch."],
        "external_cues": ["Push the bar away from you."],
        "breathing": Breathing.BRACE,
        "tempo": Tempo.parse("2-1-1-0"),
        "concentric": Movement.AWAY,
    }
    data.update(kw)
    return make_exercise("barbell_bench_press", **data)


def cable_row(**kw: Any) -> Exercise:
    data: dict[str, Any] = {
        "targets": ["lats", "middle_traps"],
        "synergists": ["biceps", "rear_delt"],
        "compensators": ["erector_spinae", "biceps"],
        "mechanic": Mechanic.COMPOUND,
        "equipment": Equipment.CABLE,
        "load_type": LoadType.STACK,
        "internal_cues": ["Lats: pull the elbows into your back pockets.", "Squeeze the mid back."],
        "external_cues": ["Pull the handle to your belly."],
        "tempo": Tempo.parse("2-1-1-1"),
        "concentric": Movement.TOWARDS,
    }
    data.update(kw)
    return make_exercise("seated_cable_row", **data)


def leg_extension(**kw: Any) -> Exercise:
    data: dict[str, Any] = {
        "targets": ["quadriceps"],
        "synergists": [],
        "compensators": ["hip_flexors"],
        "region": Region.LOWER,
        "equipment": Equipment.MACHINE,
        "load_type": LoadType.STACK,
        "internal_cues": ["Quads only: straighten the knee and squeeze.", "Feel the front thigh."],
        "external_cues": ["Kick the pad to the ceiling."],
    }
    data.update(kw)
    return make_exercise("leg_extension", **data)


def pec_deck(**kw: Any) -> Exercise:
    data: dict[str, Any] = {
        "targets": ["pec_sternal"],
        "synergists": ["front_delt"],
        "compensators": ["front_delt"],
        "equipment": Equipment.MACHINE,
        "load_type": LoadType.STACK,
        "internal_cues": ["Chest only: hug the tree with your pecs.", "Squeeze the chest."],
        "external_cues": ["Bring the handles together."],
        "concentric": Movement.TOWARDS,
    }
    data.update(kw)
    return make_exercise("pec_deck", **data)


def plank(**kw: Any) -> Exercise:
    data: dict[str, Any] = {
        "targets": ["rectus_abdominis"],
        "synergists": ["obliques"],
        "compensators": ["hip_flexors"],
        "region": Region.CORE,
        "equipment": Equipment.BODYWEIGHT,
        "load_type": LoadType.BODYWEIGHT,
        "internal_cues": ["Abs: pull the ribs to the hips.", "Brace the belly."],
        "external_cues": ["Make a straight line from head to heels."],
        "breathing": Breathing.STEADY,
        "tempo": Tempo.parse("0-10-0-0"),
        "concentric": Movement.ISOMETRIC,
    }
    data.update(kw)
    return make_exercise("plank", **data)


def kettlebell_swing(**kw: Any) -> Exercise:
    data: dict[str, Any] = {
        "targets": ["glute_max"],
        "synergists": ["hamstrings"],
        "compensators": ["erector_spinae"],
        "mechanic": Mechanic.COMPOUND,
        "region": Region.LOWER,
        "equipment": Equipment.KETTLEBELL,
        "load_type": LoadType.FIXED,
        "tempo": Tempo.parse("1-0-1-0"),
        "concentric": Movement.AWAY,
    }
    data.update(kw)
    return make_exercise("kettlebell_swing", **data)


def standard_exercises() -> list[Exercise]:
    return [
        make_exercise(),
        squat(),
        bench(),
        cable_row(),
        leg_extension(),
        pec_deck(),
        plank(),
        kettlebell_swing(),
    ]


@dataclass(frozen=True)
class FactoryCatalog:
    """A small catalogue with the members the coach reads (see ``coach.CatalogView``)."""

    muscles: Mapping[str, Muscle] = field(default_factory=dict)
    exercises: Mapping[str, Exercise] = field(default_factory=dict)

    def exercise(self, exercise_id: str) -> Exercise:
        if exercise_id not in self.exercises:
            raise UnknownIdError("exercise", exercise_id)
        return self.exercises[exercise_id]

    def muscle(self, muscle_id: str) -> Muscle:
        if muscle_id not in self.muscles:
            raise UnknownIdError("muscle", muscle_id)
        return self.muscles[muscle_id]


def make_catalog(exercises: Iterable[Exercise] | None = None) -> FactoryCatalog:
    exs = list(standard_exercises() if exercises is None else exercises)
    return FactoryCatalog(
        muscles={m: make_muscle(m) for m in MUSCLE_IDS},
        exercises={e.id: e for e in exs},
    )


def logged(
    exercise_id: str = "dumbbell_biceps_curl",
    *,
    days_ago: float = 0.0,
    load_kg: float = 12.0,
    reps: int = 10,
    now: datetime = NOW,
    **kw: Any,
) -> LoggedSet:
    """A logged set ``days_ago`` days before ``now``."""
    return LoggedSet(
        exercise_id=exercise_id,
        performed_at=now - timedelta(days=days_ago),
        load_kg=load_kg,
        reps=reps,
        **kw,
    )


def rated_sessions(
    exercise_id: str,
    ratings: Iterable[int],
    *,
    sets_per_session: int = 3,
    rir: int | None = 3,
    load_kg: float = 12.0,
    reps: int = 10,
    start_days_ago: float = 10.0,
) -> list[LoggedSet]:
    """One session per rating (each ``sets_per_session`` sets), two days apart, oldest first."""
    out: list[LoggedSet] = []
    for i, rating in enumerate(ratings):
        for k in range(sets_per_session):
            out.append(
                logged(
                    exercise_id,
                    days_ago=start_days_ago - 2 * i - k / 1440,
                    load_kg=load_kg,
                    reps=reps,
                    session_id=f"s{i}",
                    target_rating=rating,
                    reps_in_reserve=rir,
                )
            )
    return out


# A fixed catalogue for matching tests: 20 built-in exercises with names and aliases set here,
# so the expected matches do not move when the built-in catalogue gains aliases.
FIXED_NAMES: dict[str, tuple[str, list[str]]] = {
    "barbell_bench_press": ("Barbell Bench Press", ["Bench Press (Barbell)"]),
    "incline_dumbbell_press": ("Incline Dumbbell Press", []),
    "dumbbell_fly": ("Dumbbell Fly", []),
    "cable_fly": ("Cable Fly", []),
    "lat_pulldown": ("Lat Pulldown", []),
    "pull_up": ("Pull-Up", []),
    "barbell_row": ("Barbell Row", ["Bent Over Row (Barbell)"]),
    "dumbbell_row": ("Dumbbell Row", []),
    "dumbbell_biceps_curl": ("Dumbbell Biceps Curl", ["Bicep Curl (Dumbbell)"]),
    "barbell_curl": ("Barbell Curl", []),
    "hammer_curl": ("Hammer Curl", []),
    "cable_triceps_pushdown": ("Cable Triceps Pushdown", ["Tricep Pushdown"]),
    "dumbbell_lateral_raise": ("Dumbbell Lateral Raise", []),
    "dumbbell_shoulder_press": ("Dumbbell Shoulder Press", []),
    "barbell_back_squat": ("Barbell Back Squat", ["Squat (Barbell)"]),
    "conventional_deadlift": ("Conventional Deadlift", ["Deadlift (Barbell)"]),
    "romanian_deadlift": ("Romanian Deadlift", []),
    "leg_press": ("Leg Press", []),
    "plank": ("Plank", []),
    "face_pull": ("Face Pull", []),
}


def fixed_name_catalog() -> Catalog:
    """The built-in catalogue cut to :data:`FIXED_NAMES`, with those names and aliases."""
    base = load_catalog()
    exercises = {
        i: base.exercise(i).model_copy(update={"name": name, "aliases": aliases})
        for i, (name, aliases) in FIXED_NAMES.items()
    }
    return dataclasses.replace(base, exercises=exercises)


def synthetic_curls() -> MotionRecording:
    """Four curls (lift 1 s, squeeze 1 s, lower 3 s) at 60 Hz, as a phone would record them,
    with two constant axes (the phone held still but for the curl)."""
    conc, sq, ecc, reps, lead = 1.0, 1.0, 3.0, 4, 1.0
    t = np.arange(0, lead + reps * (conc + sq + ecc) + 1.0, 1 / 60)
    a = np.zeros_like(t)
    for k in range(reps):
        t0 = lead + k * (conc + sq + ecc)
        m = (t >= t0) & (t < t0 + conc)
        a[m] = 0.175 * (np.pi / conc) ** 2 * np.cos(np.pi * (t[m] - t0) / conc)
        t1 = t0 + conc + sq
        m = (t >= t1) & (t < t1 + ecc)
        a[m] = -0.175 * (np.pi / ecc) ** 2 * np.cos(np.pi * (t[m] - t1) / ecc)
    acc = np.column_stack([np.full(t.size, 0.3), np.full(t.size, 0.2), 9.81 + a])
    return MotionRecording(t, acc, source="synthetic curls")


def two_alike_halves(seed: int = 0, period_s: float = 4.0, reps: int = 8) -> MotionRecording:
    """``reps`` repetitions of ``period_s`` at 50 Hz, each made of two alike halves (lift, pause,
    lift again, lower): the acceleration repeats every half period nearly as well as every
    period, so the signal alone cannot tell ``reps`` repetitions from twice as many."""
    rate, idle = 50.0, 3.0
    rng = np.random.default_rng(seed)
    t = np.arange(0.0, reps * period_s + 2 * idle, 1 / rate)
    u = np.clip(t - idle, 0.0, reps * period_s)
    on = (t >= idle) & (t <= idle + reps * period_s)
    a = 1.5 * on * (np.cos(4 * np.pi * u / period_s) + 0.4 * np.cos(2 * np.pi * u / period_s))
    acc = np.column_stack([0.3 * a, 0.2 * a, 9.80665 + a]) + rng.normal(0, 0.05, (t.size, 3))
    return MotionRecording(t, acc, source="two alike halves")


def payload_of(rec: MotionRecording) -> dict[str, Any]:
    """A recording as the phone page sends it (``t_ms``, ``ax``, ``ay``, ``az`` in m/s^2)."""
    return {
        "t_ms": (rec.t_s * 1000).tolist(),
        "ax": rec.acc_ms2[:, 0].tolist(),
        "ay": rec.acc_ms2[:, 1].tolist(),
        "az": rec.acc_ms2[:, 2].tolist(),
    }


def synthetic_curls_payload() -> dict[str, Any]:
    """:func:`synthetic_curls` as the phone page sends a recording (``t_ms``, ``ax``, ...)."""
    rec = synthetic_curls()
    t, acc = rec.t_s, rec.acc_ms2
    return {
        "t_ms": (t * 1000).tolist(),
        "ax": acc[:, 0].tolist(),
        "ay": acc[:, 1].tolist(),
        "az": acc[:, 2].tolist(),
    }


def set_uuid(name: str) -> str:
    """A set's uuid as a client makes one, the same for the same ``name`` (a UUID: the set
    model refuses any other id)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"mindmuscle-test:{name}"))
