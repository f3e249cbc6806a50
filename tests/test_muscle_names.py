"""A lifter names muscles by their names, and is shown names: "Front deltoid=3" is taken where
"front_delt=3" is, and the drill says "side deltoid", not "side_delt"."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mindmuscle.catalog import load_catalog
from mindmuscle.coach.drill import drill_plan
from mindmuscle.coach.models import ConnectionScore
from mindmuscle.errors import UnknownIdError

runner = CliRunner()


def test_a_muscle_is_found_by_its_id_name_or_short_name() -> None:
    catalog = load_catalog()
    for given in ("front_delt", "Front deltoid", "front deltoid", "FRONT  DELTOID",
                  "Front deltoid (anterior head)", "front delt"):  # fmt: skip
        assert catalog.muscle_named(given).id == "front_delt", given
    assert catalog.muscle("side_delt").short_name == "Side deltoid"
    with pytest.raises(UnknownIdError) as refused:
        catalog.muscle_named("shoulders")
    assert str(refused.value) == (
        "No muscle has the name, alias or id 'shoulders'. Did you mean: front deltoid, side "
        "deltoid, rear deltoid, rhomboids?"
    )


def test_log_takes_a_muscle_s_name_and_stores_its_id(tmp_path: Path) -> None:
    from mindmuscle.cli import app

    db = str(tmp_path / "m.db")
    result = runner.invoke(
        app,
        ["log", "dumbbell_biceps_curl", "--reps", "8", "--load", "10", "--rating", "6",
         "--elsewhere", "Front deltoid=3, forearm flexors=2", "--json", "--db", db],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    stored = json.loads(result.output)
    assert stored["reflection"]["felt_elsewhere"] == {"front_delt": 3, "forearm_flexors": 2}
    result = runner.invoke(
        app,
        ["log", "dumbbell_biceps_curl", "--reps", "8", "--load", "10",
         "--elsewhere", "Front delts=3", "--db", db],
    )  # fmt: skip
    assert result.exit_code == 1
    assert " ".join(result.output.split()) == (
        "Error: --elsewhere: No muscle has the name, alias or id 'Front delts'. Did you mean: "
        "front deltoid?"
    )


def test_the_drill_names_its_weakest_muscles() -> None:
    catalog = load_catalog()
    scores = {
        m: ConnectionScore(muscle_id=m, score=2.0, count=3, trend=0.0)
        for m in ("side_delt", "biceps")
    }
    plan = drill_plan(catalog=catalog, scores=scores, minutes=10)
    assert plan.reason.startswith("Weakest connections first (biceps, side deltoid), then")
    assert not re.search(r"\b[a-z]+_[a-z]+\b", plan.reason), plan.reason
