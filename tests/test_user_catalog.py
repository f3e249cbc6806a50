"""One catalogue per user: what an import adds is known to the web app and the CLI alike.

A real Strong file is imported (one name in it matches nothing and becomes the user's own
exercise); then every route and command that takes an exercise id must accept that exercise.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from mindmuscle.catalog import load_catalog
from mindmuscle.cli import app as cli_app
from mindmuscle.config import Settings
from mindmuscle.services.catalog import user_catalog, write_user_exercises
from mindmuscle.services.imports import import_file
from mindmuscle.store import LOCAL_USER_ID, UserExerciseCreate, open_database, repo
from mindmuscle.web import create_app

STRONG = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    "Workout Notes,RPE\n"
    "2024-01-05 10:00:00,Push,1h 2m,Bench Press (Barbell),1,60,8,0,0,,,\n"
    "2024-01-05 10:00:00,Push,1h 2m,Zercher Wobble Thing,1,20,10,0,0,,,\n"
    "2024-01-05 10:00:00,Push,1h 2m,Zercher Wobble Thing,2,22.5,8,0,0,,,\n"
)
OWN = "user_zercher_wobble_thing"

runner = CliRunner()


@pytest.fixture()
def imported(tmp_path: Path) -> tuple[Settings, Path]:
    """A database after a real import of a Strong file (kg) that creates one user exercise."""
    db_path = tmp_path / "mm.db"
    log = tmp_path / "strong.csv"
    log.write_text(STRONG, encoding="utf-8")
    db = open_database(f"sqlite:///{db_path}")
    report = import_file(db=db, user_id=LOCAL_USER_ID, path=log, unit="kg")
    db.close()
    assert report.sets_added == 3
    assert [m.exercise_id for m in report.mappings if m.method == "new"] == [OWN]
    settings = Settings(data_dir=tmp_path, database_url=f"sqlite:///{db_path}")
    return settings, db_path


@pytest.fixture()
def client(imported: tuple[Settings, Path]) -> TestClient:
    settings, _ = imported
    c = TestClient(create_app(settings, host="127.0.0.1"), base_url="http://localhost")
    c.headers["X-CSRF-Token"] = c.get("/api/csrf").json()["token"]
    return c


def test_web_exercise_card_of_an_imported_exercise(client: TestClient) -> None:
    r = client.get(f"/api/exercises/{OWN}")
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "Zercher Wobble Thing"
    assert r.json()["source"] == "user"
    listed = [e["id"] for e in client.get("/api/exercises").json()]
    assert OWN in listed
    assert "Zercher Wobble Thing" in client.get("/exercises").text


def test_web_sets_of_an_imported_exercise(client: TestClient) -> None:
    r = client.get("/api/sets", params={"exercise_id": OWN})
    assert r.status_code == 200, r.text
    assert [(s["load_kg"], s["reps"]) for s in r.json()] == [(20.0, 10), (22.5, 8)]


def test_web_today_plans_an_imported_exercise(client: TestClient) -> None:
    r = client.post("/api/today", json={"exercise_ids": [OWN]})
    assert r.status_code == 200, r.text
    planned = [p["exercise_id"] for p in r.json()["plan"]["exercises"]]
    assert planned == [OWN]


def test_web_still_refuses_an_unknown_exercise(client: TestClient) -> None:
    r = client.get("/api/exercises/user_nothing_like_it")
    assert r.status_code == 404
    r = client.get("/api/sets", params={"exercise_id": "user_nothing_like_it"})
    assert r.status_code == 404


def test_cli_exercise_card_of_an_imported_exercise(imported: tuple[Settings, Path]) -> None:
    _, db_path = imported
    result = runner.invoke(cli_app, ["exercise", OWN, "--json", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["name"] == "Zercher Wobble Thing"
    result = runner.invoke(cli_app, ["exercises", "--json", "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert OWN in [e["id"] for e in json.loads(result.output)]
    result = runner.invoke(cli_app, ["plan", "--exercise", OWN, "--json", "--db", str(db_path)])
    assert result.exit_code == 0, result.output


def test_cli_exercise_without_a_database_is_built_in_only(tmp_path: Path) -> None:
    result = runner.invoke(cli_app, ["exercise", OWN, "--json"])
    assert result.exit_code == 1
    assert f"'{OWN}'" in result.output or OWN in result.output


def test_catalogue_is_cached_and_follows_the_users_exercises(
    imported: tuple[Settings, Path],
) -> None:
    settings, db_path = imported
    db = open_database(f"sqlite:///{db_path}")
    first = user_catalog(db=db, user_id=LOCAL_USER_ID, settings=settings)
    assert user_catalog(db=db, user_id=LOCAL_USER_ID, settings=settings) is first
    assert first.exercise(OWN).name == "Zercher Wobble Thing"
    # A second user exercise, stored by another path: the next call sees it.
    card = first.exercise(OWN).model_copy(update={"id": "user_tyre_flip", "name": "Tyre Flip"})
    with db.session() as s:
        repo.upsert_user_exercise(
            session=s,
            user_id=LOCAL_USER_ID,
            data=UserExerciseCreate(
                exercise_id=card.id, exercise=card.model_dump(mode="json"), source="user"
            ),
        )
    second = user_catalog(db=db, user_id=LOCAL_USER_ID, settings=settings)
    assert second is not first
    assert second.exercise("user_tyre_flip").name == "Tyre Flip"
    # Another user does not see them.
    with db.session() as s:
        other = repo.create_user(session=s, name="other").id
    assert "user_tyre_flip" not in user_catalog(db=db, user_id=other, settings=settings).exercises
    db.close()


def test_catalogue_file_is_part_of_every_users_catalogue(
    imported: tuple[Settings, Path],
) -> None:
    settings, db_path = imported
    db = open_database(f"sqlite:///{db_path}")
    before = user_catalog(db=db, user_id=LOCAL_USER_ID, settings=settings)
    card = (
        load_catalog()
        .exercise("barbell_bench_press")
        .model_copy(
            update={
                "id": "fedb_floor_press",
                "name": "Floor Press",
                "aliases": [],
                "source": "user",
            }
        )
    )
    write_user_exercises(settings, [card])
    after = user_catalog(db=db, user_id=LOCAL_USER_ID, settings=settings)
    assert after is not before
    assert after.exercise("fedb_floor_press").name == "Floor Press"
    assert after.exercise(OWN).name == "Zercher Wobble Thing"
    shutil.rmtree(settings.data_dir / "catalog")
    assert (
        "fedb_floor_press"
        not in user_catalog(db=db, user_id=LOCAL_USER_ID, settings=settings).exercises
    )
    db.close()


HEVY = (
    '"title","start_time","end_time","description","exercise_title","superset_id",'
    '"exercise_notes","set_index","set_type","weight_kg","reps","distance_km",'
    '"duration_seconds","rpe"\n'
    '"Тренировка","5 Dec 2025, 11:37","5 Dec 2025, 12:30","","Жим лёжа",,"",0,"normal",80,5,,,\n'
    '"Тренировка","5 Dec 2025, 11:37","5 Dec 2025, 12:30","","Жим лёжа",,"",1,"normal",82.5,4,,,\n'
    '"Тренировка","5 Dec 2025, 11:37","5 Dec 2025, 12:30","","スクワット",,"",0,"normal",100,5,,,\n'
    '"Тренировка","5 Dec 2025, 11:37","5 Dec 2025, 12:30","","Warm Up",,"",0,"normal",0,10,,,\n'
)


@pytest.fixture()
def scripts(tmp_path: Path) -> tuple[Settings, Path]:
    """A database after a real import of a Hevy file whose names are Cyrillic and Japanese."""
    db_path = tmp_path / "mm.db"
    log = tmp_path / "hevy.csv"
    log.write_text(HEVY, encoding="utf-8")
    db = open_database(f"sqlite:///{db_path}")
    report = import_file(db=db, user_id=LOCAL_USER_ID, path=log)
    db.close()
    assert report.sets_added == 4
    return Settings(data_dir=tmp_path, database_url=f"sqlite:///{db_path}"), db_path


def test_bench_and_squat_in_two_scripts_are_two_user_exercises(
    scripts: tuple[Settings, Path],
) -> None:
    settings, db_path = scripts
    db = open_database(f"sqlite:///{db_path}")
    catalog = user_catalog(db=db, user_id=LOCAL_USER_ID, settings=settings)
    mine = {e.name: e for e in catalog.exercises.values() if e.source == "user"}
    assert sorted(mine) == ["Warm Up", "Жим лёжа", "スクワット"]
    assert mine["Жим лёжа"].id != mine["スクワット"].id
    assert all(e.targets == [] and e.unassigned for e in mine.values())
    with db.session(readonly=True) as s:
        stored = repo.list_sets(session=s, user_id=LOCAL_USER_ID)
        by_exercise = sorted((catalog.exercise(r.exercise_id).name, r.load_kg) for r in stored)
    assert by_exercise == [
        ("Warm Up", 0.0),
        ("Жим лёжа", 80.0),
        ("Жим лёжа", 82.5),
        ("スクワット", 100.0),
    ]
    db.close()


def test_unassigned_exercise_stays_off_the_map_until_assigned_in_the_cli(
    scripts: tuple[Settings, Path],
) -> None:
    settings, db_path = scripts
    db = open_database(f"sqlite:///{db_path}")
    catalog = user_catalog(db=db, user_id=LOCAL_USER_ID, settings=settings)
    warm_up = next(e for e in catalog.exercises.values() if e.name == "Warm Up")
    assert warm_up.mechanic.value == "unknown"  # the import stored no guess of its kind
    db.close()
    client = TestClient(create_app(settings, host="127.0.0.1"), base_url="http://localhost")
    client.headers["X-CSRF-Token"] = client.get("/api/csrf").json()["token"]
    rated = {
        "uuid": "00000000-0000-4000-8000-000000000001",
        "exercise_id": warm_up.id,
        "set_index": 0,
        "performed_at": "2025-12-06T10:00:00Z",
        "reps": 10,
        "load_kg": 0,
        "reflection": {"target_rating": 7, "felt_elsewhere": {"lats": 6}},
    }
    assert client.post("/api/sets", json=rated).status_code == 200
    progress = client.get("/api/progress").json()
    assert progress["scores"] == {}  # no target: neither a connection nor a compensation
    card = runner.invoke(cli_app, ["exercise", warm_up.id, "--db", str(db_path)])
    assert card.exit_code == 0, card.output
    assert f"unassigned: mindmuscle exercise assign {warm_up.id}" in " ".join(card.output.split())

    bad = runner.invoke(
        cli_app, ["exercise", "assign", warm_up.id, "--targets", "quadricep", "--db", str(db_path)]
    )
    assert bad.exit_code == 1
    assert "Unknown muscle 'quadricep' in targets. Did you mean quadriceps" in " ".join(
        bad.output.split()
    )
    done = runner.invoke(
        cli_app,
        ["exercise", "assign", warm_up.id, "--targets", "quadriceps", "--db", str(db_path)],
    )
    assert done.exit_code == 0, done.output
    assert " ".join(done.output.split()) == (
        "Warm Up (user_warm_up) now targets Quads (quadriceps); its sets count in the "
        "connection map. Kind: unknown (say it with --kind isolation or --kind compound)."
    )
    # Its kind, said by the lifter, is stored; nothing in the name told it.
    kind = ["--targets", "quadriceps", "--kind", "isolation", "--db", str(db_path)]
    said = runner.invoke(cli_app, ["exercise", "assign", warm_up.id, *kind])
    assert " ".join(said.output.split()) == (
        "Warm Up (user_warm_up) now targets Quads (quadriceps); its sets count in the "
        "connection map. Kind: isolation."
    )
    assert client.get(f"/api/exercises/{warm_up.id}").json()["mechanic"] == "isolation"
    # The web app sees it at once: the card and the map follow.
    assert client.get(f"/api/exercises/{warm_up.id}").json()["targets"] == ["quadriceps"]
    scores = client.get("/api/progress").json()["scores"]
    assert sorted(scores) == ["quadriceps"]
    assert scores["quadriceps"]["score"] == pytest.approx(7.0, abs=1e-9)


def test_assigning_targets_in_the_api(scripts: tuple[Settings, Path]) -> None:
    settings, _ = scripts
    client = TestClient(create_app(settings, host="127.0.0.1"), base_url="http://localhost")
    client.headers["X-CSRF-Token"] = client.get("/api/csrf").json()["token"]
    squat = next(e for e in client.get("/api/exercises").json() if e["name"] == "スクワット")
    assert squat["targets"] == []
    url = f"/api/exercises/{squat['id']}/targets"
    r = client.put(url, json={"targets": ["quadriceps", "glute_max"]})
    assert r.status_code == 200, r.text
    assert r.json()["targets"] == ["quadriceps", "glute_max"]
    assert client.get(f"/api/exercises/{squat['id']}").json()["targets"] == [
        "quadriceps",
        "glute_max",
    ]
    r = client.put(url, json={"targets": ["glutes"]})
    assert r.status_code == 422
    assert "Unknown muscle 'glutes'" in r.json()["message"]
    assert "glute_max" in r.json()["message"]
    r = client.put(url, json={"targets": []})
    assert r.status_code == 422
    r = client.put("/api/exercises/barbell_back_squat/targets", json={"targets": ["quadriceps"]})
    assert r.status_code == 422
    assert "only your own exercises" in r.json()["message"]
    # Today plans it now as any other exercise of the user.
    r = client.post("/api/today", json={"exercise_ids": [squat["id"]]})
    assert r.status_code == 200, r.text


def test_plan_copes_with_an_exercise_without_targets(scripts: tuple[Settings, Path]) -> None:
    settings, db_path = scripts
    client = TestClient(create_app(settings, host="127.0.0.1"), base_url="http://localhost")
    client.headers["X-CSRF-Token"] = client.get("/api/csrf").json()["token"]
    mine = [e["id"] for e in client.get("/api/exercises").json() if e["source"] == "user"]
    r = client.post("/api/today", json={"exercise_ids": [*mine, "dumbbell_biceps_curl"]})
    assert r.status_code == 200, r.text
    planned = r.json()["plan"]["exercises"]
    assert planned[0]["exercise_id"] == "dumbbell_biceps_curl"
    assert sorted(p["exercise_id"] for p in planned[1:]) == sorted(mine)
    assert all(p["role"] == "training" for p in planned[1:])
    result = runner.invoke(cli_app, ["plan", "--exercise", mine[0], "--json", "--db", str(db_path)])
    assert result.exit_code == 0, result.output


def test_web_motion_analysis_of_an_imported_exercise(client: TestClient) -> None:
    # The route knew the exercise, then the analysis looked it up in the built-in catalogue.
    body = {
        "exercise_id": OWN,
        "tempo": {"eccentric_s": 2, "bottom_pause_s": 0, "concentric_s": 1, "top_squeeze_s": 1},
        "motion": {"t_ms": [0, 10], "ax": [0, 0], "ay": [0, 0], "az": [9.8, 9.8]},
    }
    r = client.post("/api/motion/analyze", json=body)
    assert r.status_code == 422
    # The recording is the only thing refused: the exercise is known.
    assert "has 2 distinct samples; at least 20 are needed" in r.json()["message"]
