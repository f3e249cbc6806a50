"""A coach reads their clients, through the real HTTP server: the list, each client's connection
map and progress, and their sets with every reflection; read-only. Anyone else's name is 404
for a coach, and a lifter reads nobody's.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from mindmuscle.services import accounts
from mindmuscle.store import open_database, repo
from mindmuscle.store.tables import UserRow
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


ARMS = {
    "name": "Arms by ben",
    "exercises": [
        {"exercise_id": "dumbbell_biceps_curl", "sets": 2, "tempo": "6-2-3-1",
         "focus": "external"},
    ],
}  # fmt: skip


def test_a_coach_sets_a_routine_the_client_starts_as_the_coachs(team: Server) -> None:
    with login(team, "ben") as h:
        r = h.post("/api/clients/alex/routines", json=ARMS)
        assert r.status_code == 201, r.text
        routine = r.json()
        assert routine["set_by"] == "ben"
        assert routine["exercises"] == [
            {"exercise_id": "dumbbell_biceps_curl", "name": "Dumbbell Biceps Curl", "sets": 2,
             "tempo": "6-2-3-1", "focus": "external"},
        ]  # fmt: skip
        assert [x["name"] for x in h.get("/api/clients/alex/routines").json()] == ["Arms by ben"]
    with login(team, "alex") as h:
        (mine,) = [x for x in h.get("/api/routines").json() if x["id"] == routine["id"]]
        assert mine["set_by"] == "ben"
        today = h.get("/today").text
        assert "set by your coach ben" in today
        started = h.post(f"/api/routines/{routine['id']}/start")
        assert started.status_code == 200, started.text
        plan = started.json()["plan"]
        assert plan["reason"] == (
            "Your coach ben's routine 'Arms by ben', with today's loads from your history."
        )
        (p,) = plan["exercises"]
        assert (p["sets"], p["set_by"], p["focus"]["mode"]) == (2, "ben", "external")
        assert p["tempo"] == {"eccentric_s": 6.0, "bottom_pause_s": 2.0, "concentric_s": 3.0,
                              "top_squeeze_s": 1.0}  # fmt: skip
        # The rules still speak: a 12 s repetition (rule 12), and the evidence's own focus.
        assert p["warnings"][0].startswith("One repetition takes 12 s: above 10 s per repetition")
        assert p["warnings"][1].startswith(
            "Focus external, chosen by your coach ben; the evidence-based choice here is internal:"
        )
        tempo_why = "Tempo 6-2-3-1 (eccentric-pause-concentric-squeeze), chosen by your coach ben"
        assert any(w["text"].startswith(tempo_why + ": 12 s") for w in p["why"])
        page = h.get("/today").text
        assert "Set by your coach ben" in page and "6-2-3-1" in page
        # alex changes it: it is alex's own from then on.
        body = {**ARMS, "name": "Arms, my way"}
        changed = h.put(f"/api/routines/{routine['id']}", json=body)
        assert changed.status_code == 200, changed.text
        assert changed.json()["set_by"] is None
    with login(team, "ben") as h:
        r = h.put(f"/api/clients/alex/routines/{routine['id']}", json=ARMS)
        assert (r.status_code, r.json()["message"]) == (
            403,
            "'Arms, my way' is alex's own routine (or another coach's): a coach changes only the "
            "routines they set.",
        )
        assert h.delete(f"/api/clients/alex/routines/{routine['id']}").status_code == 403


def test_a_coach_sets_nothing_for_anyone_else_and_bad_input_is_one_line(team: Server) -> None:
    with login(team, "ben") as h:
        for name in ("kim", "sam", "ann", "nobody"):
            r = h.post(f"/api/clients/{name}/routines", json=ARMS)
            assert (r.status_code, r.json()["message"]) == (
                404,
                f"You have no client '{name}'; your clients are: alex.",
            )

        def refused(**item: object) -> str:
            body = {"name": "Bad", "exercises": [{"exercise_id": "dumbbell_biceps_curl", **item}]}
            r = h.post("/api/clients/alex/routines", json=body)
            assert r.status_code == 422, r.text
            message: str = r.json()["message"]
            assert "\n" not in message and "Traceback" not in message
            return message

        assert refused(tempo="6-2") == (
            "exercises.0.tempo '6-2' is not allowed: use four numbers of seconds, "
            "eccentric-pause-concentric-squeeze, each 0-30, such as '4-1-2-1'."
        )
        assert refused(tempo="40-1-1-1").startswith("exercises.0.tempo '40-1-1-1' is not allowed")
        assert refused(focus="sideways") == (
            "exercises.0.focus 'sideways' is not allowed: it must be 'internal' or 'external'."
        )
        assert "dumbbel_curl" in refused(exercise_id="dumbbel_curl")
    with login(team, "alex") as h:
        # A lifter sets routines for nobody else.
        r = h.post("/api/clients/kim/routines", json=ARMS)
        assert r.status_code == 404


def test_a_coach_changes_only_their_own_clients_routines_and_not_from_a_stale_copy(
    team: Server,
) -> None:
    body = {**ARMS, "name": "Legs by ben"}
    with login(team, "ben") as h:
        r = h.post("/api/clients/alex/routines", json=body)
        assert r.status_code == 201, r.text
        routine = r.json()
        rid, opened = routine["id"], routine["updated_at"]
        url = f"/api/clients/alex/routines/{rid}"
        changed = {**body, "exercises": [{"exercise_id": "barbell_curl", "sets": 4}]}
        r = h.put(url, json={**changed, "updated_at": opened})
        assert r.status_code == 200, r.text
        assert (r.json()["id"], r.json()["set_by"]) == (rid, "ben")
        saved = r.json()
        # The same change from the copy opened before it (a second tab): refused, nothing stored.
        r = h.put(url, json={**body, "updated_at": opened})
        assert (r.status_code, r.json()["conflict"]) == (409, "changed_meanwhile")
        assert r.json()["message"].startswith("'Legs by ben' was saved again at ")
        (now,) = [x for x in h.get("/api/clients/alex/routines").json() if x["id"] == rid]
        assert now == saved
    # Another coach, the client's fellow lifters and the client's own coach page: not found.
    with login(team, "ann") as h:
        r = h.put(url, json=changed)
        assert (r.status_code, r.json()["message"]) == (
            404,
            "You have no client 'alex'; your clients are: kim.",
        )
        assert h.get("/clients/alex/routines").status_code == 404
        assert h.put(f"/api/routines/{rid}", json=changed).status_code == 404
    with login(team, "sam") as h:
        assert h.put(url, json=changed).status_code == 404
        assert h.get("/clients/alex/routines").status_code == 404
        assert h.put(f"/api/routines/{rid}", json=changed).status_code == 404
        assert h.get(f"/api/routines/{rid}").status_code == 404
    with login(team, "alex") as h:
        own = {"name": "Own legs", "exercises": [{"exercise_id": "barbell_curl", "sets": 3}]}
        own_id = h.post("/api/routines", json=own).json()["id"]
    with login(team, "ben") as h:
        (now,) = [x for x in h.get("/api/clients/alex/routines").json() if x["id"] == rid]
        assert now == saved
        # The coach edits the routines they set; the client's own are read only, page and API.
        page = h.get("/clients/alex/routines").text
        assert 'aria-label="Edit Legs by ben"' in page
        assert "Own legs" in page and 'aria-label="Edit Own legs"' not in page
        r = h.put(f"/api/clients/alex/routines/{own_id}", json=changed)
        assert r.status_code == 403


def test_a_coach_opens_clients_an_older_version_named_with_a_slash_or_dots(
    tmp_path: Path,
) -> None:
    """An older version accepted any name without spaces; a coach still opens every client,
    by a key safe in a URL path, and each page shows the client's name."""
    db = open_database(f"sqlite:///{tmp_path / 'e2e.db'}")
    accounts.add_user(db=db, name="ben", password=PASSWORDS["ben"], is_admin=True)
    accounts.add_user(db=db, name="alex", password=PASSWORDS["alex"], coach="ben")
    legacy = {"x/y": "slash password", "..": "dotdot password"}
    with db.session() as s:  # as the older version stored them
        for name, password in legacy.items():
            row = UserRow(name=name, password_hash=accounts.hash_password(password))
            s.add(row)
            s.flush()
            repo.set_coach(session=s, client_id=row.id, coach_id=2, now=datetime.now(UTC))
        ids = {name: repo.get_user_by_name(session=s, name=name).id for name in legacy}  # type: ignore[union-attr]
    db.close()
    server = start_server(tmp_path, env_extra={"MINDMUSCLE_HOST": "0.0.0.0"})
    try:
        PASSWORDS.update(legacy)
        with login(server, "x/y") as h:
            log_set(h, target_rating=7, note="slashed but fine")
        with login(server, "ben") as h:
            listed = {c["name"]: c["key"] for c in h.get("/api/clients").json()}
            assert listed == {"alex": "alex", "x/y": f"~{ids['x/y']}", "..": f"~{ids['..']}"}
            page = h.get("/clients").text
            for key in listed.values():
                assert f'href="/clients/{key}"' in page
            own = h.get("/api/sets").json()
            assert own == []
            for name in legacy:
                key = listed[name]
                for url in (f"/clients/{key}", f"/clients/{key}/sets", f"/clients/{key}/routines"):
                    r = h.get(url)
                    assert r.status_code == 200, (url, r.text)
                    assert f"<h1>{html.escape(name)}</h1>" in r.text
                assert f'href="/clients/{key}/sets"' in r.text
                assert f'data-client="{key}"' in r.text
                days = h.get(f"/api/clients/{key}/sets").json()
                notes = [x["reflection"]["note"] for d in days for x in d["sets"]]
                assert notes == (["slashed but fine"] if name == "x/y" else [])
                r = h.post(f"/api/clients/{key}/routines", json=ARMS)
                assert r.status_code == 201, r.text
                assert h.get(f"/api/clients/{key}/progress").status_code == 200
            # The key of someone who is not ben's client finds nobody.
            r = h.get("/api/clients/~1/sets")
            assert r.status_code == 404
            assert r.json()["message"].startswith("You have no client '~1'; your clients are: ")
    finally:
        PASSWORDS.pop("x/y", None)
        PASSWORDS.pop("..", None)
        stop_server(server)
