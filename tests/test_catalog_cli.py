"""``mindmuscle exercises|exercise|evidence`` and ``mindmuscle catalog import``, via CliRunner."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mindmuscle.catalog import Exercise, load_catalog
from mindmuscle.cli import app

runner = CliRunner()

COMMANDS = [["exercises"], ["exercise"], ["evidence"], ["catalog"], ["catalog", "import"]]


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty data folder."""
    monkeypatch.setenv("MINDMUSCLE_DATA_DIR", str(tmp_path))
    return tmp_path


def _flat(text: str) -> str:
    """Rich output as one line of words: borders and wrapping removed."""
    return " ".join(re.sub(r"[\u2500-\u257f]", " ", text).split())


def _ok(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _fails(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    return result.output


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(command: list[str]) -> None:
    out = _ok(*command, "--help")
    assert "Usage: mindmuscle " + " ".join(command) in " ".join(out.split())
    summary = out.split("Usage:")[1].split("\n\n", 2)[1].strip()
    assert len(summary) > 20, out


def test_exercises_json_lists_complete_cards() -> None:
    cards = json.loads(_ok("exercises", "--json"))
    assert len(cards) == len(load_catalog().exercises) >= 60
    for card in cards:
        ex = Exercise.model_validate(card)
        assert len(ex.internal_cues) >= 2 and ex.external_cues and ex.visualisation
        assert set(card["tempo"]) == {
            "eccentric_s",
            "bottom_pause_s",
            "concentric_s",
            "top_squeeze_s",
        }


def test_exercises_for_a_muscle() -> None:
    cards = json.loads(_ok("exercises", "--muscle", "lats", "--json"))
    assert [c["id"] for c in cards] == [
        "lat_pulldown",
        "pull_up",
        "chin_up",
        "straight_arm_pulldown",
        "seated_cable_row",
        "barbell_row",
        "dumbbell_row",
    ]
    iso = json.loads(_ok("exercises", "-m", "lats", "--mechanic", "isolation", "--json"))
    assert [c["id"] for c in iso] == ["straight_arm_pulldown"]
    table = _ok("exercises", "--muscle", "side_delt")
    assert "2 exercises for Side deltoid (lateral head)" in table
    assert "dumbbell_lateral_raise" in table and "cable_lateral_raise" in table


def test_exercises_unknown_muscle_exits_1() -> None:
    out = _fails("exercises", "--muscle", "lat")
    assert "Error: Unknown muscle id 'lat'. Did you mean: lats?" in out


def test_exercise_card() -> None:
    out = _flat(_ok("exercise", "barbell_bench_press"))
    for text in (
        "Barbell Bench Press",
        "Mid and lower chest (pectoralis major, sternal head)",
        "Watch for Front deltoid (anterior head), Triceps (triceps brachii)",
        "Internal • Chest only:",
        "External • Push the bar back up",
        "Visualise You lie on the bench",
        "Touch Before the set, lay your palm on your chest",
        "2-1-1-0 (lower 2 s, pause 1 s, lift 1 s, squeeze 0 s; 4 s per rep)",
        "Big breath in and brace your trunk",
        "Also logged as: Bench Press (Barbell)",
    ):
        assert text in out, text


def test_exercise_json_is_the_full_card() -> None:
    card = json.loads(_ok("exercise", "plank", "--json"))
    assert card == load_catalog().exercise("plank").model_dump(mode="json")
    assert card["concentric"] == "isometric" and card["breathing"] == "steady"


def test_unknown_exercise_exits_1_with_suggestions() -> None:
    out = _fails("exercise", "barbell_bench_pres")
    assert (
        "Error: No exercise has the name, alias or id 'barbell_bench_pres'. Did you mean: " in out
    )
    assert "barbell_bench_press" in out
    # A name another app logs it under is the exercise itself.
    assert "Barbell Back Squat  barbell_back_squat" in _ok("exercise", "Squat (Barbell)")


def test_evidence_lists_studies_rules_and_claims() -> None:
    data = json.loads(_ok("evidence", "--json"))
    assert (len(data["studies"]), len(data["rules"]), len(data["claims"])) == (23, 17, 5)
    assert data["rules"][11]["evidence"] == ["schoenfeld2015", "azevedo2022", "wilk2021"]
    out = _flat(_ok("evidence"))
    assert "Claims MindMuscle does not repeat" in out and "Coaching rules" in out
    assert "schoenfeld2018" in out


def test_evidence_items() -> None:
    study = json.loads(_ok("evidence", "schoenfeld2018", "--json"))
    assert (study["kind"], study["rules"], study["study"]["certainty"]) == (
        "study",
        [1, 6, 11],
        "low",
    )
    rule = json.loads(_ok("evidence", "12", "--json"))
    assert [s["id"] for s in rule["studies"]] == ["schoenfeld2015", "azevedo2022", "wilk2021"]
    claim = json.loads(_ok("evidence", "always_3_5s_eccentric", "--json"))
    assert claim["claim"]["evidence"] == ["azevedo2022", "wilk2021", "schoenfeld2015"]
    out = _flat(_ok("evidence", "rule8"))
    assert "Rule 8" in out and "fujita2020" in out


def test_unknown_evidence_exits_1() -> None:
    out = _fails("evidence", "schoenfeld2019")
    assert "Error: Unknown evidence id 'schoenfeld2019'. Did you mean: schoenfeld2018" in out
    out = _fails("evidence", "99")
    assert "Error: Unknown rule id '99'." in out


def test_catalog_import(shared_data: Path, data_dir: Path) -> None:
    source = shared_data / "catalog" / "free-exercise-db" / "exercises.json"
    summary = json.loads(_ok("catalog", "import", str(source), "--json"))
    assert (summary["imported"], summary["replaced"], summary["user_exercises"]) == (873, 0, 873)
    assert summary["stored_in"] == str(data_dir / "catalog" / "user_exercises.json")
    assert summary["muscle_mapping"]["shoulders"] == {
        "front_delt": 94,
        "rear_delt": 19,
        "side_delt": 14,
    }
    builtin = len(load_catalog().exercises)
    assert len(json.loads(_ok("exercises", "--json"))) == builtin + 873
    assert len(json.loads(_ok("exercises", "--builtin", "--json"))) == builtin
    card = json.loads(_ok("exercise", "fedb_barbell_curl", "--json"))
    assert (card["source"], card["targets"]) == ("free-exercise-db", ["biceps"])
    out = _flat(_ok("catalog", "import", str(source)))
    assert "Imported 873 exercises" in out and "(873 replaced)" in out
    assert "shoulders front_delt (94), rear_delt (19), side_delt (14)" in out


def test_catalog_import_bad_files_exit_1(tmp_path: Path) -> None:
    out = _fails("catalog", "import", str(tmp_path / "missing.json"))
    assert "missing.json: file not found" in out
    bad = tmp_path / "bad.json"
    bad.write_text('[\n  {"id": "A",\n   "name" "A"}\n]\n')
    out = _flat(_fails("catalog", "import", str(bad)))
    assert "bad.json, line 3, column 11: is not valid JSON (Expecting ':' delimiter)" in out
    out = _fails("catalog", "import", str(tmp_path))
    assert "is a folder" in out
