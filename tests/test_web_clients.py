"""A coach reads their clients, through the real HTTP server: the list, each client's connection
map and progress, and their sets with every reflection; read-only. Anyone else's name is 404
for a coach, and a lifter reads nobody's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from mindmuscle.services import accounts
from mindmuscle.store import open_database
from tests.e2e.conftest import Server, start_server, stop_server

PASSWORDS = {"ben": "whistle blower", "ann": "second whistle", "alex": "correct horse",
             "kim": "kim's password", "sam": "battery staple"}  # fmt: skip


@contextmanager
def login(server: Server, name: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=30) as h:
        h.headers["X-CSRF-Token"] = h.get("/api/csrf").json()["token"]
        r = h.post("/api/login", json={"name": name, "password": PASSWORDS[name]})
        assert r.status_code == 200, r.text
        yield h


def log_set(h: httpx.Client, **reflection: object) -> None:
    assert h.put("/api/profile", json={"units": "lb"}).status_code == 200
    plan = h.post(
        "/api/today", json={"readiness": {"sleep": 4, "energy": 4, "stress": 2, "focus": 4}}
    ).json()
    p = plan["plan"]["exercises"][0]
    body = {
        "uuid": "00000000-0000-0000-0000-00000000a1e7",
        "session_id": plan["session_id"], "exercise_id": p["exercise_id"], "exercise_index": 0,
        "set_index": 0, "performed_at": "2026-11-21T10:00:00Z", "reps": 10,
        "load_kg": 20.0, "tempo": p["tempo"], "focus_mode": p["focus"]["mode"],
        "cue": p["focus"]["cue"], "reflection": reflection, "prescription": p,
    }  # fmt: skip
    r = h.post("/api/sets", json=body)
    assert r.status_code == 200, r.text


def start_team(tmp: Path) -> Server:
    """A server open to the network: ben coaches alex; ann coaches kim; sam is nobody's
    client. alex and kim logged a set each, with a reflection."""
    db = open_database(f"sqlite:///{tmp / 'e2e.db'}")
    for coach in ("ben", "ann"):
        accounts.add_user(db=db, name=coach, password=PASSWORDS[coach], is_admin=True)
    accounts.add_user(db=db, name="alex", password=PASSWORDS["alex"], coach="ben")
    accounts.add_user(db=db, name="kim", password=PASSWORDS["kim"], coach="ann")
    accounts.add_user(db=db, name="sam", password=PASSWORDS["sam"])
    db.close()
    server = start_server(tmp, env_extra={"MINDMUSCLE_HOST": "0.0.0.0"})
    try:
        with login(server, "alex") as h:
            log_set(h, target_rating=8, felt_elsewhere={"front_delt": 3}, focus_rating=6,
                    note="left arm burned first")  # fmt: skip
        with login(server, "kim") as h:
            log_set(h, target_rating=2, note="kim's private note")
    except BaseException:
        stop_server(server)
        raise
    return server


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_team(tmp_path_factory.mktemp("team"))
    yield server
    stop_server(server)


def test_a_coach_reads_their_clients_map_and_reflections(team: Server) -> None:
    with login(team, "ben") as h:
        listed = h.get("/api/clients")
        assert listed.status_code == 200
        (alex,) = listed.json()
        assert (alex["name"], alex["units"], alex["last_workout_sets"]) == ("alex", "lb", 1)

        days = h.get("/api/clients/alex/sets").json()
        assert [d["day"] for d in days] == ["2026-11-21"]
        (s,) = days[0]["sets"]
        assert (s["reps"], s["load_kg"]) == (10, 20.0)
        assert s["reflection"]["target_rating"] == 8
        assert s["reflection"]["felt_elsewhere"] == {"front_delt": 3}
        assert s["reflection"]["focus_rating"] == 6
        assert s["reflection"]["note"] == "left arm burned first"

        progress = h.get("/api/clients/alex/progress").json()
        assert progress["rated_sets"] == 1 and progress["total_sets"] == 1
        assert progress["scores"], progress

        page = h.get("/clients")
        assert page.status_code == 200
        assert 'href="/clients/alex"' in page.text and "kim" not in page.text
        page = h.get("/clients/alex")
        assert page.status_code == 200
        assert 'data-src="/api/clients/alex/progress"' in page.text
        assert 'id="connmap"' in page.text
        page = h.get("/clients/alex/sets")
        assert page.status_code == 200
        assert "felt 8/10" in page.text
        assert "left arm burned first" in page.text
        assert "10 × 44.09 lb" in page.text  # 20 kg in alex's unit, as format_load words it
        assert "Also felt: Front deltoid (anterior head) 3/10 · focus 6/10" in page.text
        # Read-only: no form, no edit button on a client's pages.
        assert "<form" not in page.text


@pytest.mark.parametrize("name", ["kim", "sam", "ann", "nobody", "ben"])
def test_a_coach_finds_no_one_else(team: Server, name: str) -> None:
    with login(team, "ben") as h:
        for url in (f"/api/clients/{name}/sets", f"/api/clients/{name}/progress"):
            r = h.get(url)
            assert r.status_code == 404, (url, r.text)
            assert r.json() == {
                "error": "Not found",
                "message": f"You have no client '{name}'; your clients are: alex.",
            }
        for url in (f"/clients/{name}", f"/clients/{name}/sets"):
            r = h.get(url)
            assert r.status_code == 404, (url, r.text)
            assert "kim's private note" not in r.text


def test_a_lifter_reads_nobody(team: Server) -> None:
    with login(team, "alex") as h:
        assert h.get("/api/clients").json() == []
        for name in ("kim", "alex", "sam"):
            r = h.get(f"/api/clients/{name}/sets")
            assert (r.status_code, r.json()["message"]) == (
                404,
                f"You have no client '{name}'; you have no client yet.",
            )
        page = h.get("/clients")
        assert page.status_code == 200
        assert "Only a coach has clients" in page.text


def test_a_client_name_that_is_too_long_is_one_line(team: Server) -> None:
    with login(team, "ben") as h:
        r = h.get(f"/api/clients/{'x' * 101}/sets")
        assert r.status_code == 422
        assert "\n" not in r.json()["message"] and "100" in r.json()["message"]
        r = h.get("/api/clients/alex/sets", params={"limit": 0})
        assert r.status_code == 422
        assert "limit" in r.json()["message"]
