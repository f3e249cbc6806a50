"""The catalogue's models (catalog/models.py): tempo, muscle and exercise cards and their checks."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from mindmuscle.catalog.models import (
    FREE_EXERCISE_DB_MUSCLES,
    TEMPO_PHASE_MAX_S,
    BodySide,
    Muscle,
    Region,
    Tempo,
)
from mindmuscle.errors import InvalidInputError
from tests.factories import make_exercise


def test_tempo_parses_writes_and_sums_its_phases() -> None:
    t = Tempo.parse(" 3-1-1.5-0 ")
    assert (t.eccentric_s, t.bottom_pause_s, t.concentric_s, t.top_squeeze_s) == (3, 1, 1.5, 0)
    assert t.rep_s == 5.5
    assert t.as_string() == "3-1-1.5-0"
    assert Tempo.parse(t.as_string()) == t
    assert Tempo.parse("30-0-0-0").eccentric_s == TEMPO_PHASE_MAX_S == 30.0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("3-1-1", r"^Tempo '3-1-1' must have four parts"),
        ("3-1-1-1-1", r"^Tempo '3-1-1-1-1' must have four parts"),
        ("3-x-1-1", r"^Tempo '3-x-1-1' must be four numbers in seconds"),
        ("31-0-1-1", r"^Tempo '31-0-1-1': each phase must be between 0 and 30 s\.$"),
        ("3--1-1-1", r"^Tempo '3--1-1-1' must have four parts"),
    ],
)
def test_a_bad_tempo_text_says_what_is_allowed(text: str, message: str) -> None:
    with pytest.raises(InvalidInputError, match=message):
        Tempo.parse(text)


def test_a_tempo_phase_is_bounded_in_the_model_too() -> None:
    with pytest.raises(ValidationError, match="less than or equal to 30"):
        Tempo(eccentric_s=30.5, bottom_pause_s=0, concentric_s=1, top_squeeze_s=0)
    with pytest.raises(ValidationError, match="greater than or equal to 0"):
        Tempo(eccentric_s=-1, bottom_pause_s=0, concentric_s=1, top_squeeze_s=0)


def _muscle(**kw: object) -> Muscle:
    data: dict[str, object] = {
        "id": "biceps",
        "name": "Biceps brachii",
        "region": Region.UPPER,
        "side": BodySide.FRONT,
        "free_exercise_db": ["biceps"],
        "flex_cue": "Bend the elbow and squeeze.",
    }
    return Muscle.model_validate(data | kw)


def test_a_muscle_is_named_in_cues_by_its_first_cue_name() -> None:
    assert _muscle().cue_name == "Biceps brachii"
    assert _muscle(cue_names=["biceps", "guns"]).cue_name == "biceps"


def test_a_muscle_maps_only_onto_the_free_exercise_db_vocabulary() -> None:
    assert "biceps" in FREE_EXERCISE_DB_MUSCLES and len(FREE_EXERCISE_DB_MUSCLES) == 17
    with pytest.raises(ValidationError, match=r"unknown free-exercise-db muscle\(s\) \['guns'\]"):
        _muscle(free_exercise_db=["biceps", "guns"])
    with pytest.raises(ValidationError, match="String should match pattern"):
        _muscle(id="Biceps Brachii")


def test_an_exercise_reads_its_tempo_from_text_and_is_frozen() -> None:
    ex = make_exercise(tempo="2-0-1-1")
    assert ex.tempo == Tempo(eccentric_s=2, bottom_pause_s=0, concentric_s=1, top_squeeze_s=1)
    assert (ex.source, ex.unassigned, ex.alternating) == ("builtin", False, False)
    with pytest.raises(ValidationError, match="frozen"):
        ex.name = "Other"  # type: ignore[misc]


def test_only_a_users_own_exercise_may_wait_for_its_targets() -> None:
    own = make_exercise("my_curl", targets=[], source="user")
    assert own.unassigned is True
    with pytest.raises(ValidationError, match="only a user's own exercise"):
        make_exercise("built_in_curl", targets=[])
    with pytest.raises(ValidationError, match="at least 1 item"):
        make_exercise(internal_cues=[])
