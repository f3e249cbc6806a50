"""The one model of a set: its bounds and the checks against the catalogue and the clock."""

from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

import pytest

from mindmuscle.coach.models import Reflection
from mindmuscle.coach.sets import SetInput, check_set, parse_set
from mindmuscle.errors import OutOfRangeError, UnknownIdError
from tests.factories import NOW, make_catalog

CATALOG = make_catalog()


def _fields(**kw: Any) -> dict[str, Any]:
    return {
        "exercise_id": "barbell_back_squat",
        "performed_at": NOW,
        "load_kg": 100.0,
        "reps": 5,
    } | kw


@pytest.mark.parametrize(
    ("kw", "line"),
    [
        (
            {"load_kg": math.inf},
            "load_kg inf is not allowed: the load must be a finite number from 0 to 1500 kg.",
        ),
        (
            {"load_kg": 1e308},
            "load_kg 1e+308 is not allowed: the load must be a finite number from 0 to 1500 kg.",
        ),
        (
            {"reps": 99999999999},
            "reps 99999999999 is not allowed: the reps must be a whole number from 0 to 200.",
        ),
        (
            {"session_id": 2**70},
            "session_id 1180591620717411303424 is not allowed: an id must be a whole number that "
            "fits in 64 bits (at most 9223372036854775807).",
        ),
        ({"notes": "x" * 2001}, None),
        ({"set_type": "heavy"}, None),
        (
            {
                "tempo": {
                    "eccentric_s": 31,
                    "bottom_pause_s": 0,
                    "concentric_s": 1,
                    "top_squeeze_s": 0,
                }
            },
            None,
        ),
        ({"reflection": {"target_rating": 11}}, None),
        ({"reps_in_reserve": 11}, None),
    ],
)
def test_out_of_range_fields_are_refused_naming_the_field(
    kw: dict[str, Any], line: str | None
) -> None:
    with pytest.raises(OutOfRangeError) as info:
        parse_set(_fields(**kw))
    assert info.value.field.split(".")[0] == next(iter(kw))
    if line is not None:
        assert str(info.value) == line


def test_a_valid_set_keeps_its_values() -> None:
    s = parse_set(_fields(tempo={"eccentric_s": 30, "bottom_pause_s": 0, "concentric_s": 1,
                                 "top_squeeze_s": 0}, reps_in_reserve=2))  # fmt: skip
    assert (s.load_kg, s.reps, s.rir, s.tempo.eccentric_s if s.tempo else None) == (100.0, 5, 2, 30)
    assert s.model_copy(update={"reflection": Reflection(reps_in_reserve=4)}).rir == 4


def test_check_set_refuses_unknown_muscles_with_the_field() -> None:
    data = SetInput(
        **_fields(reflection=Reflection(target_rating=5, felt_elsewhere={"forearm": 3}))
    )
    with pytest.raises(UnknownIdError, match="Unknown muscle id 'forearm'") as info:
        check_set(data, catalog=CATALOG, now=NOW)
    assert info.value.field == "reflection.felt_elsewhere.forearm"
    ok = data.model_copy(update={"reflection": Reflection(felt_elsewhere={"forearm_flexors": 3})})
    assert check_set(ok, catalog=CATALOG, now=NOW) is ok


def test_check_set_refuses_unknown_exercises_unless_known() -> None:
    data = SetInput(**_fields(exercise_id="squatt"))
    with pytest.raises(UnknownIdError) as info:
        check_set(data, catalog=CATALOG, now=NOW)
    assert info.value.field == "exercise_id"
    assert check_set(data, catalog=CATALOG, now=NOW, exercise_known=True) is data


def test_a_set_may_be_dated_a_day_ahead_but_no_more() -> None:
    day = timedelta(days=1)
    assert check_set(SetInput(**_fields(performed_at=NOW + day)), catalog=CATALOG, now=NOW)
    naive = (NOW + day).replace(tzinfo=None)
    assert check_set(SetInput(**_fields(performed_at=naive)), catalog=CATALOG, now=NOW)
    late = SetInput(**_fields(performed_at=NOW + day + timedelta(seconds=1)))
    with pytest.raises(OutOfRangeError, match="at most a day ahead of now") as info:
        check_set(late, catalog=CATALOG, now=NOW)
    assert info.value.field == "performed_at"
