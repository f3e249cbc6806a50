"""Matching names from logs (catalog/matching.py): steps, guards, scripts, user exercises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mindmuscle.catalog import Catalog, load_catalog, normalise_name
from mindmuscle.catalog.matching import ExerciseMatcher, assign_targets, user_exercise_for
from mindmuscle.errors import InvalidInputError
from tests.factories import fixed_name_catalog


@pytest.fixture(scope="module")
def fixed() -> Catalog:
    return fixed_name_catalog()


def _got(matcher: ExerciseMatcher, name: str) -> tuple[str, str] | None:
    m = matcher.match(name)
    return None if m is None else (m.exercise.id, m.method)


def test_matcher_steps_and_guards(fixed: Catalog) -> None:
    matcher = ExerciseMatcher(fixed.exercises.values())

    def got(name: str) -> tuple[str, str] | None:
        return _got(matcher, name)

    assert got("bench press (barbell)") == ("barbell_bench_press", "alias")  # another name
    assert got("Barbell, Bench Press") == ("barbell_bench_press", "exact")  # the card's name
    assert got("Press Bench Barbell") == ("barbell_bench_press", "normalised")
    assert got("DB Biceps Curls") == ("dumbbell_biceps_curl", "normalised")
    assert got("Lateral Raise (Dumbbell)") == ("dumbbell_lateral_raise", "normalised")
    assert got("Lat Pulldown (Machine)") == ("lat_pulldown", "normalised")  # machine ~ cable
    assert got("Pull Up") == ("pull_up", "exact")  # "Pull-Up" without its hyphen
    assert got("Pullups") == ("pull_up", "normalised")
    assert got("Dumbell Lateral Raise") == ("dumbbell_lateral_raise", "fuzzy")
    # A different equipment or variant is never a match, however close the letters.
    assert got("Deadlift (Dumbbell)") is None
    assert got("Decline Barbell Bench Press") is None
    assert got("Bicep Curl") is None  # dumbbell or barbell? the user decides


def test_names_keep_the_letters_of_every_script() -> None:
    assert normalise_name("Bench Press (Barbell)") == "bench press barbell"
    assert normalise_name("Жим лёжа") == "жим лежа"
    assert normalise_name("スクワット") == "スクワット"
    assert normalise_name("Πιέσεις πάγκου") == "πιεσεισ παγκου"
    assert normalise_name("Bänch Préss") == "banch press"
    assert normalise_name("Bänch Préss", fold_accents=False) == "bänch préss"
    assert normalise_name("ダンベル") == "ダンベル"  # a Japanese voicing mark is kept
    assert normalise_name("--- !!") == ""


def test_accents_alone_do_not_make_another_exercise(fixed: Catalog) -> None:
    matcher = ExerciseMatcher(fixed.exercises.values())
    assert _got(matcher, "Bench Préss (Barbell)") == ("barbell_bench_press", "alias")
    assert _got(matcher, "Barbell Bénch Press") == ("barbell_bench_press", "exact")
    # A similarity is measured on the letters as written: other letters are another name.
    assert _got(matcher, "Bänch Préss") is None


def test_names_in_other_scripts_match_nothing_built_in() -> None:
    matcher = ExerciseMatcher(load_catalog().exercises.values())
    for name in ("Жим лёжа", "スクワット", "Πιέσεις πάγκου", "卧推", "--", "  "):
        assert matcher.match(name) is None, name


def test_bench_and_squat_in_two_scripts_are_two_user_exercises() -> None:
    catalog = load_catalog()
    matcher = ExerciseMatcher(catalog.exercises.values())
    squat = user_exercise_for("スクワット", catalog).exercise
    matcher.add(squat)
    assert matcher.match("Жим лёжа") is None  # shares no letter with the squat
    bench = user_exercise_for("Жим лёжа", catalog).exercise
    matcher.add(bench)
    assert bench.id != squat.id
    assert (_got(matcher, "スクワット"), _got(matcher, "жим  ЛЁЖА")) == (
        (squat.id, "user"),
        (bench.id, "user"),
    )
    # The same digits after letters ASCII cannot write do not give one id either.
    ids = {user_exercise_for(n, catalog).exercise.id for n in ("Жим лёжа 2", "スクワット 2")}
    assert len(ids) == 2


_SCRIPTS = {
    "cyrillic": "абвгдежзийклмнопрстуфхцчшщыэюя",
    "greek": "αβγδεζηθικλμνξοπρστυφχψω",
    "katakana": "アイウエオカキクケコサシスセソタチツテトナニヌネノ"
    "ハヒフヘホマミムメモヤユヨラリルレロワン",
    "latin": "abcdefghijklmnopqrstuvwxyz",
}


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(sorted(_SCRIPTS)),
    st.sampled_from(sorted(_SCRIPTS)),
    st.data(),
)
def test_names_sharing_no_letter_are_never_paired(a: str, b: str, data: st.DataObject) -> None:
    if a == b:
        return
    catalog = load_catalog()

    def word(script: str) -> str:
        return data.draw(st.text(alphabet=_SCRIPTS[script], min_size=2, max_size=8))

    first = " ".join(word(a) for _ in range(data.draw(st.integers(1, 3))))
    second = " ".join(word(b) for _ in range(data.draw(st.integers(1, 3))))
    matcher = ExerciseMatcher([], threshold=0.01)  # even the loosest fuzzy match
    matcher.add(user_exercise_for(first, catalog).exercise)
    assert matcher.match(second) is None


def test_an_unmatched_name_becomes_an_unassigned_user_exercise() -> None:
    catalog = load_catalog()
    for name in ("Warm Up", "Bänch Préss", "Жим лёжа", "Zercher Wobble Thing"):
        new = user_exercise_for(name, catalog)
        ex = new.exercise
        assert (ex.source, ex.targets, ex.synergists, ex.unassigned) == ("user", [], [], True)
        assert new.suggested == ()
        assert "rectus_abdominis" not in ex.model_dump_json()
        # Its cues name no muscle.
        assert not any(m.cue_name.lower() in " ".join(ex.internal_cues).lower()
                       for m in catalog.muscles.values() if len(m.cue_name) > 4)  # fmt: skip
        assert catalog.with_exercises([ex]).exercise(ex.id).unassigned
    assert user_exercise_for("Bänch Préss", catalog).exercise.id == "user_banch_press"
    assert user_exercise_for("Warm Up", catalog).exercise.id == "user_warm_up"


def test_the_words_of_a_name_suggest_targets_that_are_not_stored() -> None:
    catalog = load_catalog()
    new = user_exercise_for("Zottman Curl (Dumbbell)", catalog)
    assert (new.exercise.id, new.exercise.equipment.value, new.exercise.targets) == (
        "user_zottman_curl_dumbbell",
        "dumbbell",
        [],
    )
    # free-exercise-db's mapping: a Zottman curl's lowering is a reverse curl.
    assert new.suggested == ("brachialis",)
    fitnotes = user_exercise_for("Thing", catalog, category="Calves")
    assert fitnotes.suggested == ("calves",)


def test_assigning_targets_rewrites_the_card() -> None:
    catalog = load_catalog()
    ex = user_exercise_for("Warm Up", catalog).exercise
    done = assign_targets(ex, ["quadriceps", " glute_max", "quadriceps"], catalog)
    assert (done.targets, done.unassigned, done.region.value) == (
        ["quadriceps", "glute_max"],
        False,
        "lower",
    )
    assert "quads" in " ".join(done.internal_cues)
    with pytest.raises(InvalidInputError, match=r"Unknown muscle 'quadricep'.*quadriceps"):
        assign_targets(ex, ["quadricep"], catalog)
    with pytest.raises(InvalidInputError, match=r"at least one target muscle"):
        assign_targets(ex, [], catalog)
    with pytest.raises(InvalidInputError, match=r"builtin exercise"):
        assign_targets(catalog.exercise("barbell_back_squat"), ["quadriceps"], catalog)


def test_only_a_users_exercise_may_wait_for_targets() -> None:
    bench = load_catalog().exercise("barbell_bench_press")
    with pytest.raises(ValueError, match=r"only a user's own exercise"):
        type(bench).model_validate({**bench.model_dump(), "targets": []})
