"""The table of limits: each bound, its words, and pydantic's errors worded from it."""

from __future__ import annotations

import math

import pytest
from pydantic import ValidationError

from mindmuscle.coach.limits import (
    BAR_KG,
    ID,
    INT64_MAX,
    LIMITS,
    LOAD_KG,
    NOTE,
    RATING,
    REPS,
    check_mass,
    range_errors,
)
from mindmuscle.coach.models import EquipmentProfile, Profile, Reflection
from mindmuscle.errors import OutOfRangeError


@pytest.mark.parametrize(
    ("limit", "good", "bad"),
    [
        (REPS, [0, 200], [-1, 201, 99999999999, 5.0, True]),
        (LOAD_KG, [0.0, 1500.0, 62.5], [-0.1, 1500.01, math.inf, math.nan, 1e308]),
        (RATING, [0, 10], [-5, 11, 10**23]),
        (ID, [1, INT64_MAX], [INT64_MAX + 1, 2**70]),
        (NOTE, ["", "x" * 2000], ["x" * 2001, 5]),
    ],
)
def test_each_limit_allows_its_range_only(
    limit: object, good: list[object], bad: list[object]
) -> None:
    assert all(limit.ok(v) for v in good)  # type: ignore[attr-defined]
    assert not any(limit.ok(v) for v in bad)  # type: ignore[attr-defined]


def test_the_table_words_what_is_allowed() -> None:
    assert LOAD_KG.allowed() == "the load must be a finite number from 0 to 1500 kg"
    assert REPS.allowed() == "the reps must be a whole number from 0 to 200"
    assert NOTE.allowed() == "a note must be at most 2000 characters"
    assert sorted(LIMITS) == sorted(
        [
            "bar_kg", "bodyweight_kg", "cue", "distance_m", "duration_s", "e1rm_kg",
            "emg_rate_hz", "exercise_id", "id", "import_key", "load_kg", "motion_rate_hz",
            "muscle_id", "note", "planned_reps", "planned_sets", "plate_kg", "rating", "reps",
            "reps_in_reserve", "routine_exercises", "routine_name", "rpe", "set_index",
            "tempo_phase_s", "uuid",
        ]
    )  # fmt: skip


def test_check_mass_converts_pounds_and_names_the_value_as_given() -> None:
    assert check_mass(LOAD_KG, "--load", 100, "lb") == pytest.approx(45.359237)
    with pytest.raises(
        OutOfRangeError, match=r"^--load 4000 is not allowed: .* 1500 kg \(0 to 3306.9 lb\)\.$"
    ):
        check_mass(LOAD_KG, "--load", 4000, "lb")
    with pytest.raises(OutOfRangeError) as info:
        check_mass(BAR_KG, "bar", math.inf, "kg")
    assert (info.value.field, info.value.value) == ("bar", math.inf)


def _errors(model: type, **kw: object) -> list[str]:
    with pytest.raises(ValidationError) as info:
        model(**kw)
    return [str(e) for e in range_errors(info.value.errors())]


def test_reflection_bounds_name_the_field() -> None:
    assert _errors(Reflection, felt_elsewhere={"no_such_muscle": 99}) == [
        "felt_elsewhere.no_such_muscle 99 is not allowed: a rating must be a whole number "
        "from 0 to 10."
    ]
    assert _errors(Reflection, felt_elsewhere={"traps": 10**23}) == [
        "felt_elsewhere.traps 100000000000000000000000 is not allowed: a rating must be a whole "
        "number from 0 to 10."
    ]
    assert _errors(Reflection, target_rating=-5)[0].startswith("target_rating -5 is not allowed")


def test_the_target_rating_may_be_absent() -> None:
    assert Reflection().target_rating is None


@pytest.mark.parametrize(
    ("kw", "line"),
    [
        ({"plates": []}, "plates [] is not allowed: give at least 1."),
        (
            {"plates": [0, -5]},
            "plates.0 0 is not allowed: a plate must be a finite number from 0.1 to 100 kg.",
        ),
        (
            {"dumbbell_min": 60, "dumbbell_max": 2},
            "dumbbell_max 2 is not allowed: the lightest dumbbell (60 kg) must not be above the "
            "heaviest (2 kg).",
        ),
        ({"bar": 60}, "bar 60 is not allowed: the bar must be a finite number from 0 to 50 kg."),
        (
            {"unit": "lb", "bar": 100, "plates": [math.inf]},
            "plates.0 inf is not allowed: a plate must be a finite number from 0.1 to 100 kg.",
        ),
    ],
)
def test_equipment_limits(kw: dict[str, object], line: str) -> None:
    assert _errors(EquipmentProfile, **kw)[0] == line


def test_a_45_lb_bar_is_allowed_and_body_weight_is_bounded() -> None:
    assert EquipmentProfile(unit="lb", bar=45, plates=[45, 25]).bar == 45
    assert _errors(Profile, bodyweight_kg=5) == [
        "bodyweight_kg 5 is not allowed: the body weight must be a finite number from 20 to 400 kg."
    ]


def test_the_json_schema_carries_the_bounds() -> None:
    from mindmuscle.coach.sets import SetInput

    props = SetInput.model_json_schema()["properties"]
    assert (props["reps"]["minimum"], props["reps"]["maximum"]) == (0, 200)
    assert (props["load_kg"]["minimum"], props["load_kg"]["maximum"]) == (0, 1500)
    assert props["notes"]["maxLength"] == 2000
    assert props["session_id"]["anyOf"][0]["maximum"] == INT64_MAX


def test_the_readme_lists_every_limit() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    missing = [name for name, limit in LIMITS.items() if f"| {limit.allowed()} |" not in readme]
    assert missing == []


def test_a_plate_too_light_to_build_a_load_is_refused() -> None:
    # A plate of half a gram rounded to nothing when loads were built, and every plan then
    # failed; the lightest real fractional plate is 0.25 lb (0.11 kg).
    with pytest.raises(ValidationError, match=r"greater than or equal to 0\.1"):
        EquipmentProfile(plates=[20.0, 0.0005])
    assert EquipmentProfile(plates=[20.0, 0.25 * 0.45359237]).plates[-1] > 0.1
