"""The one model of a set: its bounds and the checks against the catalogue and the clock."""

from __future__ import annotations

import math
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mindmuscle.coach.limits import SET_UUID, UUID_PATTERN
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
    # Both times to the minute, in UTC, not as a timestamp with microseconds.
    ahead, latest = (NOW + day + timedelta(seconds=1)), NOW + day
    assert str(info.value) == (
        f"performed_at '{ahead.astimezone(UTC):%Y-%m-%d %H:%M} UTC' is not allowed: a set can be "
        f"dated at most a day ahead of now (up to {latest.astimezone(UTC):%Y-%m-%d %H:%M} UTC)."
    )


def test_a_set_dated_before_1970_is_refused() -> None:
    first = datetime(1970, 1, 1, tzinfo=UTC)
    assert check_set(SetInput(**_fields(performed_at=first)), catalog=CATALOG, now=NOW)
    old = SetInput(**_fields(performed_at=datetime(1900, 1, 1, 10, 0)))
    with pytest.raises(OutOfRangeError, match="from 1970-01-01 on") as info:
        check_set(old, catalog=CATALOG, now=NOW)
    assert info.value.field == "performed_at"
    assert str(info.value) == (
        "performed_at '1900-01-01 10:00 UTC' is not allowed: a set can be dated from 1970-01-01 on."
    )


UUID_WORDS = "a set's uuid must be a UUID of 36 characters (8-4-4-4-12 hexadecimal digits)"


@pytest.mark.parametrize(
    "given",
    [
        "a",
        "",
        "notauuid",
        "0e44f168894c42d783d91d1e5a3c6f20",  # the 32 digits without their hyphens
        "{0e44f168-894c-42d7-83d9-1d1e5a3c6f20}",
        "0e44f168-894c-42d7-83d9-1d1e5a3c6f20\n",
        " 0e44f168-894c-42d7-83d9-1d1e5a3c6f2",
        "0e44f168-894c-42d7-83d9-1d1e5a3c6f2g",
        "0e44f168-894c-42d7-83d9_1d1e5a3c6f20",
        "0e44f1688-94c-42d7-83d9-1d1e5a3c6f20",
    ],
)
def test_a_uuid_that_is_not_a_uuid_is_refused_in_one_line(given: str) -> None:
    with pytest.raises(OutOfRangeError) as caught:
        parse_set(_fields(uuid=given))
    assert (caught.value.field, caught.value.value, caught.value.allowed) == (
        "uuid",
        given,
        UUID_WORDS,
    )
    assert not SET_UUID.ok(given)


def test_a_uuid_of_the_wrong_type_is_refused_in_one_line() -> None:
    with pytest.raises(OutOfRangeError, match=r"^uuid 12 is not allowed: it must be text\.$"):
        parse_set(_fields(uuid=12))


@pytest.mark.parametrize(
    "given",
    [
        str(uuid.UUID(int=0x9392DF52BF064FF5BDBE867D2195D6BB)),  # a uuid4, as the terminal's
        "0e44f168-894c-42d7-83d9-1d1e5a3c6f20",  # crypto.randomUUID() on the phone
        "0E44F168-894C-42D7-83D9-1D1E5A3C6F20",  # upper case is the same digits
        str(uuid.uuid5(uuid.NAMESPACE_URL, "strong.csv:12")),
        str(uuid.UUID(hex="f" * 32, version=5)),  # an import's row: a digest marked as uuid5
        "00000000-0000-0000-0000-000000000000",
    ],
)
def test_a_well_formed_uuid_is_kept_as_given(given: str) -> None:
    assert parse_set(_fields(uuid=given)).uuid == given
    assert SET_UUID.ok(given)


def test_a_set_without_a_uuid_gets_a_fresh_one() -> None:
    a, b = SetInput(**_fields()), SetInput(**_fields())
    assert a.uuid != b.uuid
    assert uuid.UUID(a.uuid).version == 4 and str(uuid.UUID(a.uuid)) == a.uuid


def test_the_schema_carries_the_pattern_for_clients() -> None:
    schema = SetInput.model_json_schema()["properties"]["uuid"]
    assert (schema["pattern"], schema["maxLength"]) == (UUID_PATTERN, 36)
