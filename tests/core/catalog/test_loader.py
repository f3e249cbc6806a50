"""The built-in catalogue (catalog/loader.py): every file loads, every cross-reference holds, every
card is complete, and the catalogue's lookups."""

from __future__ import annotations

import copy
import re
from typing import Any

import pytest

import mindmuscle.catalog as catalog_pkg
from mindmuscle.catalog import (
    FREE_EXERCISE_DB_MUSCLES,
    Catalog,
    Equipment,
    Exercise,
    Mechanic,
    Movement,
    build_catalog,
    load_catalog,
)
from mindmuscle.catalog.loader import read_data_file
from mindmuscle.errors import CatalogError, UnknownIdError

MUSCLE_IDS = {
    "pec_clavicular", "pec_sternal", "front_delt", "side_delt", "rear_delt", "biceps",
    "brachialis", "triceps", "forearm_flexors", "lats", "upper_traps", "middle_traps",
    "lower_traps", "rhomboids", "serratus_anterior", "erector_spinae", "rectus_abdominis",
    "obliques", "transverse_abdominis", "glute_max", "glute_med", "quadriceps", "hamstrings",
    "adductors", "calves", "hip_flexors",
}  # fmt: skip

REQUIRED_EXERCISES = {
    "barbell_back_squat", "barbell_bench_press", "chest_press_machine", "push_up",
    "dumbbell_fly", "cable_fly", "pec_deck", "seated_cable_row", "barbell_row", "dumbbell_row",
    "lat_pulldown", "dumbbell_biceps_curl", "barbell_curl", "cable_triceps_pushdown",
    "overhead_triceps_extension", "dumbbell_lateral_raise", "barbell_overhead_press",
    "conventional_deadlift", "romanian_deadlift", "barbell_hip_thrust", "leg_extension",
    "leg_curl", "leg_press", "standing_calf_raise", "plank", "pull_up", "dumbbell_shoulder_press",
    "incline_dumbbell_press", "face_pull", "hammer_curl",
}  # fmt: skip

STUDY_IDS = {
    "calatayud2016", "calatayud2017", "snyderfry2012", "snyderleech2009", "paoli2019",
    "danielscook2017", "kristiansen2018", "fujita2020", "schoenfeld2018", "marchant2009",
    "marchant2011", "grgic2021", "grgic2022", "ranganathan2004", "schoenfeldcontreras2016",
    "halperin2016", "vigotsky2022", "schoenfeld2015", "azevedo2022", "wilk2021", "burd2012",
    "sevilmis2024", "effortmatch2019",
}  # fmt: skip

# Evidence ids of each rule, exactly as EVIDENCE.md lists them.
RULE_EVIDENCE = {
    1: ["calatayud2016", "snyderfry2012", "schoenfeld2018"],
    2: ["calatayud2016", "marchant2009", "grgic2021"],
    3: ["snyderfry2012", "paoli2019"],
    4: ["marchant2011", "grgic2022"],
    5: ["schoenfeldcontreras2016", "marchant2009"],
    6: ["grgic2021", "schoenfeld2018"],
    7: ["snyderfry2012"],
    8: ["fujita2020"],
    9: ["calatayud2017", "danielscook2017", "snyderleech2009"],
    10: ["vigotsky2022", "halperin2016"],
    11: ["schoenfeld2018"],
    12: ["schoenfeld2015", "azevedo2022", "wilk2021"],
    13: ["burd2012"],
    14: ["ranganathan2004"],
    15: ["kristiansen2018"],
    16: ["sevilmis2024"],
    17: ["effortmatch2019"],
}

# Ballistic: a slow eccentric would defeat the purpose of the swing.
BALLISTIC = {"kettlebell_swing"}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture()
def docs() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Fresh, mutable copies of the three data files."""
    return (
        copy.deepcopy(read_data_file("muscles.toml")),
        copy.deepcopy(read_data_file("exercises.toml")),
        copy.deepcopy(read_data_file("evidence.toml")),
    )


def test_everything_loads_with_the_expected_sizes(catalog: Catalog) -> None:
    assert set(catalog.muscles) == MUSCLE_IDS
    assert len(catalog.exercises) == 84
    assert set(catalog.studies) == STUDY_IDS
    assert [r.number for r in catalog.rules] == list(range(1, 18))
    assert [c.id for c in catalog.claims] == [
        "intensity_60_80",
        "mmc_doubles_growth",
        "activation_means_growth",
        "mmc_for_maximal_lifts",
        "always_3_5s_eccentric",
    ]


def test_load_is_cached(catalog: Catalog) -> None:
    assert load_catalog() is catalog


def test_public_api_is_sorted_and_complete() -> None:
    names = catalog_pkg.__all__
    # isort-style order, as ruff keeps it: constants, classes, then functions.
    assert names == sorted(
        names, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n)
    )
    public = {
        n
        for n, v in vars(catalog_pkg).items()
        if not n.startswith("_") and not isinstance(v, type(catalog_pkg))
        and n != "annotations"
    }  # fmt: skip
    assert public == set(names)


def test_required_exercises_are_present(catalog: Catalog) -> None:
    assert REQUIRED_EXERCISES - set(catalog.exercises) == set()


def test_every_cross_reference_holds(catalog: Catalog) -> None:
    for ex in catalog.exercises.values():
        for mid in (*ex.targets, *ex.synergists, *ex.compensators):
            assert mid in catalog.muscles, (ex.id, mid)
        assert not set(ex.targets) & set(ex.synergists), ex.id
        assert not set(ex.targets) & set(ex.compensators), ex.id
    for rule in catalog.rules:
        assert all(s in catalog.studies for s in rule.evidence), rule.number
    for claim in catalog.claims:
        assert claim.evidence and all(s in catalog.studies for s in claim.evidence), claim.id


def test_rules_cite_exactly_the_evidence_of_the_evidence_file(catalog: Catalog) -> None:
    assert {r.number: r.evidence for r in catalog.rules} == RULE_EVIDENCE


def test_every_study_is_cited_by_a_rule(catalog: Catalog) -> None:
    cited = {s for r in catalog.rules for s in r.evidence}
    assert cited == STUDY_IDS


def test_unverified_numbers_are_flagged(catalog: Catalog) -> None:
    flagged = {s.id for s in catalog.studies.values() if s.unverified_numbers}
    assert flagged == {"calatayud2016", "snyderleech2009"}


def test_muscles_map_onto_the_whole_free_exercise_db_vocabulary(catalog: Catalog) -> None:
    used = {t for m in catalog.muscles.values() for t in m.free_exercise_db}
    assert used == set(FREE_EXERCISE_DB_MUSCLES)
    for m in catalog.muscles.values():
        assert m.cue_names and m.touch_cue and m.flex_cue.endswith("."), m.id
    assert {m.side.value for m in catalog.muscles.values()} == {"front", "back"}
    assert {m.region.value for m in catalog.muscles.values()} == {"upper", "lower", "core"}


def test_at_least_sixty_complete_exercises(catalog: Catalog) -> None:
    complete = [ex for ex in catalog.exercises.values() if _problems(catalog, ex) == []]
    assert len(complete) >= 60
    assert {ex.id: _problems(catalog, ex) for ex in catalog.exercises.values()} == {
        ex_id: [] for ex_id in catalog.exercises
    }


def _problems(catalog: Catalog, ex: Exercise) -> list[str]:
    """Everything that would make an exercise card incomplete."""
    out: list[str] = []
    if len(ex.internal_cues) < 2:
        out.append("fewer than two internal cues")
    if not ex.external_cues:
        out.append("no external cue")
    words = [
        w
        for mid in ex.targets
        for w in (*catalog.muscles[mid].cue_names, catalog.muscles[mid].name.split(" (")[0])
    ]
    for cue in ex.internal_cues:
        if not any(w.lower() in cue.lower() for w in words):
            out.append(f"internal cue names no target muscle: {cue!r}")
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", ex.visualisation.strip()) if s]
    if not 2 <= len(sentences) <= 4:
        out.append(f"visualisation has {len(sentences)} sentences")
    if not re.search(r"\byou(r)?\b", ex.visualisation, re.IGNORECASE):
        out.append("visualisation is not in the second person")
    if re.search(r"\b(will|would|imagined|pictured|felt)\b", ex.visualisation):
        out.append("visualisation is not in the present tense")
    if len(ex.touch_cue) < 20:
        out.append("touch cue missing")
    for text in (*ex.internal_cues, *ex.external_cues, ex.visualisation, ex.touch_cue):
        if not text[0].isupper() or not text.endswith("."):
            out.append(f"not a sentence: {text!r}")
    if ex.concentric == Movement.ISOMETRIC:
        if ex.breathing.value != "steady" or ex.tempo.top_squeeze_s <= 0:
            out.append("a hold needs steady breathing and a hold time")
    else:
        if ex.id not in BALLISTIC and not 2 <= ex.tempo.eccentric_s <= 3:
            out.append(f"eccentric {ex.tempo.eccentric_s} s is not 2-3 s")
        if not 0.5 <= ex.tempo.rep_s <= 8:
            out.append(f"{ex.tempo.rep_s} s per repetition is outside 0.5-8 s")
        if ex.starts_with is None:
            out.append("starts_with missing")
    if not ex.aliases:
        out.append("no aliases for log imports")
    return out


def test_every_muscle_has_an_exercise_that_targets_it(catalog: Catalog) -> None:
    for mid in MUSCLE_IDS:
        assert catalog.exercises_for(mid), mid


def test_catalogue_covers_mechanics_equipment_and_regions(catalog: Catalog) -> None:
    exs = catalog.exercises.values()
    # Every built-in card says its kind; only a user's own exercise may leave it unknown.
    assert {e.mechanic for e in exs} == {Mechanic.ISOLATION, Mechanic.COMPOUND}
    assert {
        Equipment.BARBELL, Equipment.DUMBBELL, Equipment.MACHINE, Equipment.CABLE,
        Equipment.BODYWEIGHT,
    } <= {e.equipment for e in exs}  # fmt: skip
    assert {e.region.value for e in exs} == {"upper", "lower", "core"}
    assert {e.concentric for e in exs} == set(Movement)
    assert catalog.exercise("plank").concentric == Movement.ISOMETRIC


def test_cards_of_the_guides_examples(catalog: Catalog) -> None:
    fly = catalog.exercise("dumbbell_fly")
    assert fly.targets == ["pec_sternal"] and "front_delt" in fly.compensators
    assert "erector_spinae" in catalog.exercise("barbell_row").compensators
    assert "upper_traps" in catalog.exercise("dumbbell_lateral_raise").compensators
    squat = catalog.exercise("barbell_back_squat")
    assert squat.mechanic == Mechanic.COMPOUND and squat.breathing.value == "brace"
    assert squat.tempo.as_string() == "2-0-1-0"
    curl = catalog.exercise("dumbbell_biceps_curl")
    assert (curl.mechanic, curl.region.value, curl.tempo.as_string()) == (
        Mechanic.ISOLATION,
        "upper",
        "3-0-1-1",
    )


@pytest.mark.parametrize(
    ("log_name", "exercise_id"),
    [
        ("Bench Press (Barbell)", "barbell_bench_press"),
        ("Lat Pulldown (Cable)", "lat_pulldown"),
        ("Squat (Barbell)", "barbell_back_squat"),
        ("Deadlift (Barbell)", "conventional_deadlift"),
        ("bicep curl (dumbbell)", "dumbbell_biceps_curl"),
        ("Triceps Pushdown (Cable - Straight Bar)", "cable_triceps_pushdown"),
        ("Chest Fly (Machine)", "pec_deck"),
        ("Hip Thrust (Barbell)", "barbell_hip_thrust"),
        ("Overhead Press (Barbell)", "barbell_overhead_press"),
        ("plank", "plank"),
    ],
)
def test_log_app_names_find_their_exercise(
    catalog: Catalog, log_name: str, exercise_id: str
) -> None:
    found = catalog.find_by_name(log_name)
    assert found is not None and found.id == exercise_id


def test_an_exercise_is_named_by_id_name_or_alias_and_never_guessed(catalog: Catalog) -> None:
    for given in ("barbell_bench_press", "Barbell Bench Press", " barbell bench press ",
                  "Bench Press (Barbell)"):  # fmt: skip
        assert catalog.exercise_named(given).id == "barbell_bench_press", given
    said = r"No exercise has the name, alias or id 'Bench pres'\. Did you mean: barbell_bench_press"
    with pytest.raises(UnknownIdError, match=said):
        catalog.exercise_named("Bench pres")


def test_find_by_name_does_not_guess(catalog: Catalog) -> None:
    assert catalog.find_by_name("Underwater Basket Weaving") is None


def test_lookups_raise_unknown_id_with_suggestions(catalog: Catalog) -> None:
    with pytest.raises(UnknownIdError, match=r"Unknown exercise id 'barbel_bench_press'.*"):
        catalog.exercise("barbel_bench_press")
    with pytest.raises(UnknownIdError, match=r"Did you mean: lat_pulldown\?"):
        catalog.exercise("Lat Pulldown (Cable)")
    with pytest.raises(UnknownIdError, match=r"Unknown muscle id 'lat'.*lats"):
        catalog.muscle("lat")
    with pytest.raises(UnknownIdError, match=r"Unknown study id 'schoenfeld2019'.*schoenfeld"):
        catalog.study("schoenfeld2019")
    with pytest.raises(UnknownIdError, match=r"Unknown rule id '18'.*17"):
        catalog.rule(18)
    with pytest.raises(UnknownIdError, match=r"Unknown muscle id 'abs'"):
        catalog.exercises_for("abs")
    assert catalog.rule(12).evidence == ["schoenfeld2015", "azevedo2022", "wilk2021"]


def test_exercises_for_filters_by_mechanic(catalog: Catalog) -> None:
    iso = catalog.exercises_for("biceps", mechanic=Mechanic.ISOLATION)
    assert [e.id for e in iso] == [
        "dumbbell_biceps_curl",
        "alternating_dumbbell_curl",
        "barbell_curl",
        "preacher_curl",
        "incline_dumbbell_curl",
        "cable_curl",
    ]
    assert [e.id for e in catalog.exercises_for("biceps", mechanic=Mechanic.COMPOUND)] == [
        "chin_up"
    ]


def test_with_exercises_adds_and_validates(catalog: Catalog) -> None:
    base = catalog.exercise("dumbbell_biceps_curl")
    extra = base.model_copy(update={"id": "my_curl", "name": "My Curl", "aliases": []})
    bigger = catalog.with_exercises([extra])
    assert len(bigger.exercises) == len(catalog.exercises) + 1
    assert bigger.exercise("my_curl").name == "My Curl"
    assert "my_curl" not in catalog.exercises  # the cached catalogue is untouched
    with pytest.raises(CatalogError, match=r"'dumbbell_biceps_curl'.*already exists"):
        catalog.with_exercises([base])
    bad = base.model_copy(update={"id": "bad_curl", "targets": ["bicep"]})
    with pytest.raises(CatalogError, match=r"bad_curl.*unknown muscle id 'bicep'"):
        catalog.with_exercises([bad])


def test_built_from_documents_equals_the_loaded_catalogue(docs: Any, catalog: Catalog) -> None:
    built = build_catalog(*docs)
    assert built.exercises == catalog.exercises and built.rules == catalog.rules


def test_unknown_evidence_id_in_a_rule_fails_loading(docs: Any) -> None:
    muscles, exercises, evidence = docs
    evidence["rules"][6]["evidence"] = ["snyderfry2021"]
    with pytest.raises(
        CatalogError,
        match=r"evidence\.toml, rule 7 \(entry 7\): unknown study id 'snyderfry2021'\. "
        r"Did you mean snyderfry2012, snyderleech2009\? Known study ids: azevedo2022, ",
    ):
        build_catalog(muscles, exercises, evidence)


def test_unknown_evidence_id_in_a_claim_fails_loading(docs: Any) -> None:
    muscles, exercises, evidence = docs
    evidence["claims"]["mmc_doubles_growth"]["evidence"] = ["nobody2020"]
    with pytest.raises(
        CatalogError, match=r"claim 'mmc_doubles_growth': unknown study id 'nobody2020'"
    ):
        build_catalog(muscles, exercises, evidence)


def test_unknown_muscle_id_in_an_exercise_fails_loading(docs: Any) -> None:
    muscles, exercises, evidence = docs
    exercises["exercises"]["pec_deck"]["compensators"] = ["front_delts"]
    with pytest.raises(
        CatalogError,
        match=r"exercises\.toml, exercise 'pec_deck', compensators: unknown muscle id "
        r"'front_delts'\. Did you mean front_delt",
    ):
        build_catalog(muscles, exercises, evidence)


def test_invalid_field_fails_loading_with_file_entry_and_field(docs: Any) -> None:
    muscles, exercises, evidence = docs
    exercises["exercises"]["plank"]["tempo"] = "3-1"
    with pytest.raises(CatalogError, match=r"exercises\.toml, exercise 'plank': tempo: .*four"):
        build_catalog(muscles, exercises, evidence)
    exercises["exercises"]["plank"]["tempo"] = "0-0-0-10"
    exercises["exercises"]["plank"]["concentric"] = "sideways"
    with pytest.raises(CatalogError, match=r"exercise 'plank': concentric: Input should be"):
        build_catalog(muscles, exercises, evidence)
    muscles["muscles"]["lats"]["free_exercise_db"] = ["wings"]
    with pytest.raises(CatalogError, match=r"muscles\.toml, muscle 'lats': free_exercise_db"):
        build_catalog(muscles, exercises, evidence)


def test_duplicate_alias_and_target_as_helper_fail_loading(docs: Any) -> None:
    muscles, exercises, evidence = docs
    exercises["exercises"]["cable_fly"]["aliases"].append("Bench Press (Barbell)")
    with pytest.raises(CatalogError, match=r"'Bench Press \(Barbell\)' is already used by"):
        build_catalog(muscles, exercises, evidence)
    exercises["exercises"]["cable_fly"]["aliases"].pop()
    exercises["exercises"]["cable_fly"]["synergists"].append("pec_sternal")
    with pytest.raises(CatalogError, match=r"\['pec_sternal'\] listed both as targets"):
        build_catalog(muscles, exercises, evidence)


def test_bad_claim_pattern_and_rule_numbering_fail_loading(docs: Any) -> None:
    muscles, exercises, evidence = docs
    evidence["claims"]["intensity_60_80"]["patterns"].append("(unclosed")
    with pytest.raises(CatalogError, match=r"claim 'intensity_60_80': pattern '\(unclosed'"):
        build_catalog(muscles, exercises, evidence)
    evidence["claims"]["intensity_60_80"]["patterns"].pop()
    del evidence["rules"][3]
    with pytest.raises(CatalogError, match=r"numbered 1 to 16 in order"):
        build_catalog(muscles, exercises, evidence)


def test_unknown_data_file_is_refused() -> None:
    with pytest.raises(CatalogError, match=r"Unknown catalogue data file 'x\.toml'"):
        read_data_file("x.toml")


def test_an_unknown_muscle_suggests_the_muscles_a_lifters_word_means() -> None:
    catalog = load_catalog()
    for given, meant in [
        ("shoulders", ["front_delt", "side_delt", "rear_delt", "rhomboids"]),
        ("abs", ["rectus_abdominis", "transverse_abdominis"]),
        ("forearm", ["forearm_flexors"]),
        ("bicep", ["biceps"]),  # no cue word: the id spelled most alike
    ]:
        with pytest.raises(UnknownIdError) as err:
            catalog.muscle(given)
        assert err.value.suggestions == meant, given
