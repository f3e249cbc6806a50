"""free-exercise-db import: the JSON reader and the user catalogue (the pure mapping is tested in
tests/core/catalog/test_freedb.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mindmuscle.catalog import (
    Catalog,
    FreeDbExercise,
    load_catalog,
)
from mindmuscle.config import Settings
from mindmuscle.errors import CatalogError, FileFormatError
from mindmuscle.io.freedb import read_free_exercise_db
from mindmuscle.services.catalog import (
    import_free_exercise_db,
    load_user_catalog,
    read_user_exercises,
    user_catalog_path,
    write_user_exercises,
)
from tests.core.catalog.test_freedb import EXPECTED_MAPPING

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "mindmuscle"


@pytest.fixture(scope="module")
def source(shared_data: Path) -> Path:
    return shared_data / "catalog" / "free-exercise-db" / "exercises.json"


@pytest.fixture(scope="module")
def imported(source: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, object]:
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"))
    summary = import_free_exercise_db(source, settings=settings)
    return settings, summary


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


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    bad = tmp_path / "exercises.json"
    bad.write_text('[\n  {"id": "A", "name": "A"},\n  {"id": "B", "name": }\n]\n')
    with pytest.raises(
        FileFormatError, match=r"exercises\.json, line 3, column 23: is not valid JSON"
    ):
        read_free_exercise_db(bad)
    bad.write_text('{"id": "A"}')
    with pytest.raises(FileFormatError, match=r"line 1, column 1: expected a JSON array"):
        read_free_exercise_db(bad)
    bad.write_text('[{"id": "A"} {"id": "B"}]')
    with pytest.raises(FileFormatError, match=r"line 1, column 14: malformed JSON: expected ','"):
        read_free_exercise_db(bad)
    with pytest.raises(FileFormatError, match=r"nope\.json: file not found"):
        read_free_exercise_db(tmp_path / "nope.json")


def test_invalid_entry_names_the_entry(tmp_path: Path) -> None:
    entry = _record().model_dump(by_alias=True)
    broken = {**entry, "id": "Broken_One", "primaryMuscles": ["wings"]}
    path = tmp_path / "exercises.json"
    text = json.dumps([entry, broken], indent=1)
    path.write_text(text)
    # The entry starts on the line before its "id" (the opening brace, after one space).
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "Broken_One" in t) - 1
    assert text.splitlines()[line - 1] == " {"
    with pytest.raises(
        FileFormatError,
        match=rf"line {line}, column 2: entry 1 \('Broken_One'\): field 'primaryMuscles': "
        r"Value error, unknown muscle\(s\) \['wings'\]",
    ):
        read_free_exercise_db(path)
    path.write_text(json.dumps([entry, 42]))
    with pytest.raises(FileFormatError, match=r"entry 1: expected an exercise object, got int"):
        read_free_exercise_db(path)


def test_import_stores_a_user_extension_outside_the_package(
    imported: tuple[Settings, object], source: Path
) -> None:
    settings, summary = imported
    path = user_catalog_path(settings)
    assert summary.stored_in == path == settings.data_dir / "catalog" / "user_exercises.json"
    assert PACKAGE not in path.parents
    assert (summary.imported, summary.replaced, summary.user_exercises) == (873, 0, 873)
    assert summary.muscle_mapping == EXPECTED_MAPPING
    assert sum(summary.targets.values()) == 873 + 34  # middle back maps onto two muscles
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "mindmuscle-user-exercises" and len(doc["exercises"]) == 873
    catalog = load_user_catalog(settings)
    assert len(catalog.exercises) == len(load_catalog().exercises) + 873
    assert catalog.exercise("fedb_barbell_curl").source == "free-exercise-db"
    # Built-in names win: a log's "Barbell Curl" is the built-in card.
    assert catalog.find_by_name("Barbell Curl") is not None
    assert catalog.find_by_name("Barbell Curl").id == "barbell_curl"  # type: ignore[union-attr]
    assert len(catalog.exercises_for("side_delt")) == 16


def test_reimport_replaces_and_keeps_user_exercises(tmp_path: Path, source: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    mine = (
        load_catalog()
        .exercise("cable_curl")
        .model_copy(
            update={"id": "my_cable_curl", "name": "My Cable Curl", "aliases": [], "source": "user"}
        )
    )
    write_user_exercises(settings, [mine])
    progress: list[tuple[int, int]] = []
    first = import_free_exercise_db(
        source, settings=settings, on_progress=lambda d, t: progress.append((d, t))
    )
    assert (first.imported, first.replaced, first.user_exercises) == (873, 0, 874)
    assert progress[0] == (1, 873) and progress[-1] == (873, 873) and len(progress) == 873
    again = import_free_exercise_db(source, settings=settings)
    assert (again.imported, again.replaced, again.user_exercises) == (873, 873, 874)
    assert read_user_exercises(settings)[0].id == "my_cable_curl"


def test_missing_user_catalogue_is_the_builtin_one(tmp_path: Path) -> None:
    assert load_user_catalog(Settings(data_dir=tmp_path)) is load_catalog()


def test_damaged_user_catalogue_is_reported(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    path = user_catalog_path(settings)
    path.parent.mkdir(parents=True)
    path.write_text('{"format": "mindmuscle-user-exercises",\n "version": 1,\n "exercises": [}\n')
    with pytest.raises(
        FileFormatError, match=r"user_exercises\.json, line 3, column 16: is not valid JSON"
    ):
        load_user_catalog(settings)
    path.write_text(json.dumps({"format": "other"}))
    with pytest.raises(FileFormatError, match=r"not a MindMuscle user catalogue"):
        load_user_catalog(settings)
    card = load_catalog().exercise("plank").model_dump(mode="json")
    doc = {"format": "mindmuscle-user-exercises", "version": 1, "exercises": [card]}
    path.write_text(json.dumps(doc))
    with pytest.raises(CatalogError, match=r"Exercise id 'plank' \('Plank'\) already exists"):
        load_user_catalog(settings)
    doc["exercises"] = [{**card, "id": "my_plank", "targets": []}]
    path.write_text(json.dumps(doc))
    with pytest.raises(
        FileFormatError, match=r"exercise 0 \('my_plank'\): .*targets: at least one muscle id"
    ):
        load_user_catalog(settings)


def test_user_catalog_type(imported: tuple[Settings, object]) -> None:
    settings, _ = imported
    assert isinstance(load_user_catalog(settings), Catalog)
