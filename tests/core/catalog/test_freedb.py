"""The free-exercise-db mapping (catalog/freedb.py): muscles, cues, tempo and mechanics of each
entry as a coach would set them, on the real 873 entries and on made-up ones."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from mindmuscle.catalog import (
    Breathing,
    Equipment,
    FreeDbExercise,
    LoadType,
    Mechanic,
    Movement,
    freedb_exercise_id,
    load_catalog,
    map_free_exercise_db,
    map_freedb_muscle,
)
from mindmuscle.errors import CatalogError
from mindmuscle.io.freedb import read_free_exercise_db

# How the primary muscles of the 873 exercises map onto ours (main target per exercise).
EXPECTED_MAPPING = {
    "abdominals": {"rectus_abdominis": 68, "obliques": 22, "transverse_abdominis": 3},
    "abductors": {"glute_med": 8},
    "adductors": {"adductors": 13},
    "biceps": {"biceps": 39, "brachialis": 14},
    "calves": {"calves": 28},
    "chest": {"pec_sternal": 68, "pec_clavicular": 16},
    "forearms": {"forearm_flexors": 25},
    "glutes": {"glute_max": 22},
    "hamstrings": {"hamstrings": 79},
    "lats": {"lats": 38},
    "lower back": {"erector_spinae": 27},
    "middle back": {"middle_traps": 34},
    "neck": {"upper_traps": 8},
    "quadriceps": {"quadriceps": 145, "hip_flexors": 3},
    "shoulders": {"front_delt": 94, "rear_delt": 19, "side_delt": 14},
    "traps": {"upper_traps": 15},
    "triceps": {"triceps": 71},
}


@pytest.fixture(scope="module")
def source(shared_data: Path) -> Path:
    return shared_data / "catalog" / "free-exercise-db" / "exercises.json"


@pytest.fixture(scope="module")
def records(source: Path) -> list[FreeDbExercise]:
    return read_free_exercise_db(source)


def _record(**fields: object) -> FreeDbExercise:
    base: dict[str, object] = {
        "id": "Test_Exercise",
        "name": "Test Exercise",
        "force": "pull",
        "level": "beginner",
        "mechanic": "isolation",
        "equipment": "dumbbell",
        "primaryMuscles": ["biceps"],
        "secondaryMuscles": [],
        "instructions": [],
        "category": "strength",
        "images": [],
    }
    base.update(fields)
    return FreeDbExercise.model_validate(base)


def test_all_873_entries_read_and_map_to_usable_exercises(
    records: list[FreeDbExercise],
) -> None:
    catalog = load_catalog()
    assert len(records) == 873
    exercises = [map_free_exercise_db(r, catalog.muscles).exercise for r in records]
    assert len({e.id for e in exercises}) == 873
    for ex in exercises:
        assert ex.id.startswith("fedb_") and ex.source == "free-exercise-db"
        assert ex.targets and ex.internal_cues and ex.external_cues, ex.id
        assert ex.visualisation and ex.touch_cue, ex.id
        assert 0.5 <= ex.tempo.rep_s <= 10, ex.id
        cue_name = catalog.muscles[ex.targets[0]].cue_name
        assert cue_name in ex.internal_cues[0] and cue_name in ex.visualisation, ex.id
    bigger = catalog.with_exercises(exercises)
    assert len(bigger.exercises) == len(catalog.exercises) + 873
    # Every muscle but the deep ones gets more exercises to choose from.
    covered = {m for e in exercises for m in e.targets}
    assert covered == set(catalog.muscles) - {"lower_traps", "serratus_anterior"}


def test_known_entries_map_as_a_coach_would(records: list[FreeDbExercise]) -> None:
    muscles = load_catalog().muscles
    mapped = [map_free_exercise_db(r, muscles).exercise for r in records]
    by_id = {e.id: e for e in mapped}

    curl = by_id["fedb_barbell_curl"]
    assert (curl.targets, curl.synergists, curl.compensators) == (
        ["biceps"],
        ["forearm_flexors"],
        ["front_delt", "erector_spinae"],
    )
    assert (curl.mechanic, curl.equipment, curl.load_type) == (
        Mechanic.ISOLATION,
        Equipment.BARBELL,
        LoadType.PLATES,
    )
    assert (curl.concentric, curl.breathing, curl.tempo.as_string()) == (
        Movement.ROTATION,
        Breathing.EXHALE_CONCENTRIC,
        "3-0-1-1",
    )

    bench = by_id["fedb_barbell_bench_press_medium_grip"]
    assert (bench.targets, bench.synergists, bench.compensators) == (
        ["pec_sternal"],
        ["front_delt", "triceps"],
        ["front_delt"],
    )
    assert (bench.concentric, bench.breathing, bench.tempo.as_string()) == (
        Movement.UP,
        Breathing.BRACE,
        "2-0-1-0",
    )

    row = by_id["fedb_bent_over_barbell_row"]
    assert (row.targets, row.synergists) == (
        ["middle_traps", "rhomboids"],
        ["biceps", "lats", "rear_delt"],
    )
    assert row.concentric == Movement.UP

    assert by_id["fedb_side_lateral_raise"].targets == ["side_delt"]
    assert by_id["fedb_face_pull"].targets == ["rear_delt"]
    assert by_id["fedb_face_pull"].concentric == Movement.TOWARDS
    assert by_id["fedb_hammer_curls"].targets == ["brachialis"]
    assert by_id["fedb_seated_cable_rows"].concentric == Movement.TOWARDS
    assert by_id["fedb_wide_grip_lat_pulldown"].concentric == Movement.DOWN
    assert by_id["fedb_leg_press"].concentric == Movement.AWAY
    assert by_id["fedb_one_arm_dumbbell_row"].unilateral is True

    plank = by_id["fedb_plank"]
    assert (plank.targets, plank.concentric, plank.breathing, plank.tempo.as_string()) == (
        ["transverse_abdominis"],
        Movement.ISOMETRIC,
        Breathing.STEADY,
        "0-0-0-10",
    )
    assert plank.internal_cues[0].startswith("Switch your deep abs on")

    pushdown = by_id["fedb_triceps_pushdown"]
    assert pushdown.concentric == Movement.DOWN
    assert pushdown.internal_cues[0] == (
        "Triceps only: feel your triceps shorten as you bring the weight down and lengthen "
        "under control as you let it rise."
    )
    stretch = by_id["fedb_90_90_hamstring"]
    assert (stretch.targets, stretch.concentric, stretch.breathing) == (
        ["hamstrings"],
        Movement.ISOMETRIC,
        Breathing.STEADY,
    )
    assert stretch.internal_cues[0] == (
        "Ease into the position and feel your hamstrings lengthen; keep the rest of you relaxed."
    )


def test_generic_cards_use_the_muscle_words() -> None:
    muscles = load_catalog().muscles
    ex = map_free_exercise_db(_record(name="Spider Curl"), muscles).exercise
    assert ex.internal_cues == [
        "Biceps only: feel your biceps shorten as you lift and lengthen under control as you "
        "lower.",
        "Squeeze your biceps hard for a moment at the end of each rep, as in the flexing drill.",
    ]
    assert ex.external_cues == ["Move the weight along one smooth arc, the same arc every rep."]
    assert ex.touch_cue == muscles["biceps"].touch_cue
    assert ex.visualisation.count(".") == 3 and "you" in ex.visualisation
    # No mechanic given: secondary muscles make it compound.
    no_mech = _record(mechanic=None, secondaryMuscles=["forearms"], equipment=None)
    ex2 = map_free_exercise_db(no_mech, muscles).exercise
    assert (ex2.mechanic, ex2.equipment, ex2.load_type) == (
        Mechanic.COMPOUND,
        Equipment.BODYWEIGHT,
        LoadType.BODYWEIGHT,
    )


@pytest.mark.parametrize(
    ("term", "name", "expected"),
    [
        ("shoulders", "Reverse Flyes", ["rear_delt"]),
        ("shoulders", "Upright Barbell Row", ["side_delt"]),
        ("shoulders", "Seated Dumbbell Press", ["front_delt"]),
        ("chest", "Incline Dumbbell Flyes", ["pec_clavicular"]),
        ("chest", "Dips - Chest Version", ["pec_sternal"]),
        ("abdominals", "Russian Twist", ["obliques"]),
        ("abdominals", "Crunches", ["rectus_abdominis"]),
        ("glutes", "Thigh Abductor", ["glute_med"]),
        ("neck", "Isometric Neck Exercise - Sides", ["upper_traps"]),
        ("middle back", "T-Bar Row", ["middle_traps", "rhomboids"]),
        ("lower back", "Hyperextensions", ["erector_spinae"]),
    ],
)
def test_map_freedb_muscle(term: str, name: str, expected: list[str]) -> None:
    assert map_freedb_muscle(term, name) == expected


def test_unknown_freedb_muscle_is_refused() -> None:
    with pytest.raises(CatalogError, match=r"Unknown free-exercise-db muscle 'wings'"):
        map_freedb_muscle("wings")


def test_freedb_ids() -> None:
    assert freedb_exercise_id("3_4_Sit-Up") == "fedb_3_4_sit_up"
    assert freedb_exercise_id("Barbell_Bench_Press_-_Medium_Grip") == (
        "fedb_barbell_bench_press_medium_grip"
    )


def test_mapping_counts_match_the_source(records: list[FreeDbExercise]) -> None:
    counts = Counter(r.primary_muscles[0] for r in records)
    assert {t: sum(v.values()) for t, v in EXPECTED_MAPPING.items()} == dict(counts)
