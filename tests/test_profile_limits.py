"""The profile's limits through the CLI (``init``) and the API (``PUT /api/profile``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.config import Settings
from mindmuscle.web import create_app

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["--plates", "0,-5"],
            "Error: --plates 0 is not allowed: a plate must be a finite number from 0.1 to 100 kg.",
        ),
        (
            ["--dumbbell-max", "1"],
            "Error: --dumbbell-max 1 is not allowed: the lightest dumbbell (2 kg) must not be "
            "above the heaviest (1 kg).",
        ),
        (
            ["--bar", "60"],
            "Error: --bar 60 is not allowed: the bar must be a finite number from 0 to 50 kg.",
        ),
        (
            ["--bodyweight", "5"],
            "Error: --bodyweight 5 is not allowed: the body weight must be a finite number from "
            "20 to 400 kg.",
        ),
    ],
)
def test_init_refuses_an_impossible_profile(tmp_path: Path, args: list[str], line: str) -> None:
    db = str(tmp_path / "p.db")
    r = runner.invoke(app, ["init", "--no-input", "--db", db, *args])
    assert (r.exit_code, r.output.strip()) == (1, line)
    shown = runner.invoke(app, ["init", "--no-input", "--db", db])
    # Nothing was saved: the next init starts again from the default equipment.
    assert shown.exit_code == 0
    assert "plates 25, 20, 15, 10, 5, 2.5, 1.25" in " ".join(shown.output.split())


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{tmp_path / 'w.db'}")
    with TestClient(create_app(settings, host="127.0.0.1"), base_url="http://localhost") as c:
        c.headers["X-CSRF-Token"] = c.get("/api/csrf").json()["token"]
        yield c


@pytest.mark.parametrize(
    ("equipment", "field", "message"),
    [
        (
            {"plates": []},
            "equipment.plates",
            "equipment.plates [] is not allowed: give at least 1.",
        ),
        (
            {"dumbbell_min": 60, "dumbbell_max": 2},
            "equipment.dumbbell_max",
            "equipment.dumbbell_max 2 is not allowed: the lightest dumbbell (60 kg) must not be "
            "above the heaviest (2 kg).",
        ),
    ],
)
def test_web_profile_refuses_an_impossible_profile(
    client: TestClient, equipment: dict[str, Any], field: str, message: str
) -> None:
    r = client.put("/api/profile", json={"units": "kg", "equipment": equipment})
    assert r.status_code == 422
    body = r.json()
    assert (body["message"], body["details"][0]["field"]) == (message, field)
    assert client.get("/api/profile").json()["exists"] is False


def test_openapi_carries_the_profile_bounds(client: TestClient) -> None:
    schemas = client.get("/api/openapi.json").json()["components"]["schemas"]
    eq = schemas["EquipmentProfile"]["properties"]
    assert eq["plates"]["minItems"] == 1
    assert eq["plates"]["items"]["minimum"] == 0.1
    bw = schemas["Profile"]["properties"]["bodyweight_kg"]["anyOf"][0]
    assert (bw["minimum"], bw["maximum"]) == (20, 400)


def test_a_profile_saved_before_the_limits_still_opens(tmp_path: Path) -> None:
    from mindmuscle.services.profile import get_profile
    from mindmuscle.store import ProfileData, open_database, repo

    db = open_database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        with db.session() as s:  # what an older version saved without checking
            repo.save_profile(
                session=s,
                user_id=1,
                data=ProfileData(
                    units="kg", goal="strength", equipment={"unit": "kg", "plates": [0, -5]},
                    bodyweight_kg=5.0,
                ),
            )  # fmt: skip
        profile = get_profile(db=db, user_id=1)
        assert (profile.goal, profile.bodyweight_kg) == ("strength", None)
        assert profile.equipment.plates == [25.0, 20.0, 15.0, 10.0, 5.0, 2.5, 1.25]
    finally:
        db.close()
