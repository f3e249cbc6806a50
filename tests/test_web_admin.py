"""An admin (a coach) manages their clients' accounts through the API.

``mindmuscle user add NAME --admin`` makes an admin: they list their own account and their
clients', add a lifter (who becomes their client), set a client's password (that lifter's
sessions end) and remove a client with everything they stored. Another admin, another coach's
client and a client of no coach are refused (403), as is anyone who is not an admin; no answer
of these routes carries a set.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from mindmuscle.cli import app as cli_app
from mindmuscle.cli import load_all_commands
from mindmuscle.services import accounts
from tests.test_web_accounts import _login
from tests.test_web_api import _client, _plan, _set_body


def test_an_admin_manages_accounts_and_sees_none_of_their_sets(tmp_path: Path) -> None:
    c: TestClient = _client(tmp_path, host="0.0.0.0")
    db = c.app.state.ctx.db  # type: ignore[attr-defined]
    accounts.add_user(db=db, name="coach", password="whistle blower", is_admin=True)
    accounts.add_user(db=db, name="alex", password="correct horse", coach="coach")
    accounts.add_user(db=db, name="sam", password="battery staple", coach="coach")
    _login(c, "alex", "correct horse")
    marker = str(uuid.UUID(int=0xA1E7))
    assert c.post("/api/sets", json=_set_body(_plan(c), uuid=marker)).status_code == 200

    # A lifter may not manage accounts.
    for method, url, body in (
        ("GET", "/api/users", None),
        ("PUT", "/api/users/sam/password", {"password": "new password 1"}),
        ("DELETE", "/api/users/sam", None),
    ):
        r = c.request(method, url, json=body)
        assert r.status_code == 403, (method, url, r.text)
        assert "Only an admin manages accounts" in r.json()["message"]

    _login(c, "coach", "whistle blower")
    listed = c.get("/api/users")
    assert listed.status_code == 200
    by_name = {a["name"]: a for a in listed.json()}
    assert sorted(by_name) == ["alex", "coach", "sam"]
    assert by_name["coach"]["is_admin"] is True
    assert by_name["alex"] == {"name": "alex", "is_admin": False, "has_password": True,
                               "sessions": 1, "coach": "coach"}  # fmt: skip
    assert marker not in listed.text
    # The admin's own data is empty: managing accounts opens nobody's sets.
    assert c.get("/api/sets").json() == []

    # alex forgot the password: the coach sets a new one, alex's old session ends.
    alex = TestClient(c.app, base_url="http://localhost")
    _login(alex, "alex", "correct horse")
    r = c.put("/api/users/alex/password", json={"password": "short"})
    assert r.status_code == 422
    assert c.put("/api/users/alex/password", json={"password": "fresh start 2"}).status_code == 204
    assert alex.get("/api/sets").status_code == 401
    _login(alex, "alex", "fresh start 2")
    assert [s["uuid"] for s in alex.get("/api/sets").json()] == [marker]

    # sam left the team: the coach removes sam; the coach's own account stays.
    assert c.delete("/api/users/sam").status_code == 204
    assert sorted(a["name"] for a in c.get("/api/users").json()) == ["alex", "coach"]
    r = c.delete("/api/users/coach")
    assert r.status_code == 422
    assert "your own account" in r.json()["message"]
    # A name that is nobody's is refused as any non-client is: the answer tells no names.
    r = c.delete("/api/users/nobody")
    assert (r.status_code, r.json()["message"]) == (
        403,
        "'nobody' is not one of your clients: an admin manages only the accounts of their own "
        "clients (your clients are: alex).",
    )


def test_user_add_admin_says_what_an_admin_may_do(tmp_path: Path) -> None:
    load_all_commands()
    db_url = f"sqlite:///{tmp_path / 'team.db'}"
    runner = CliRunner()
    r = runner.invoke(
        cli_app,
        ["user", "add", "coach", "--admin", "--password-stdin", "--db", db_url],
        input="whistle blower\n",
    )
    assert r.exit_code == 0, r.output
    assert "Added coach (admin)." in r.output
    listing = runner.invoke(cli_app, ["user", "list", "--db", db_url])
    assert "coach" in listing.output and "admin" in listing.output
    helped = runner.invoke(cli_app, ["user", "add", "--help"], env={"COLUMNS": "200"})
    assert "manages the team's accounts of their own clients" in " ".join(helped.output.split())


def _team(tmp_path: Path) -> TestClient:
    """coach (alex is a client), coach2 (kim is a client), sam (a client of no coach)."""
    c: TestClient = _client(tmp_path, host="0.0.0.0")
    db = c.app.state.ctx.db  # type: ignore[attr-defined]
    accounts.add_user(db=db, name="coach", password="whistle blower", is_admin=True)
    accounts.add_user(db=db, name="coach2", password="second whistle", is_admin=True)
    accounts.add_user(db=db, name="alex", password="correct horse", coach="coach")
    accounts.add_user(db=db, name="kim", password="kim's password", coach="coach2")
    accounts.add_user(db=db, name="sam", password="battery staple")
    return c


def test_an_admin_is_refused_another_admin_another_coachs_client_and_the_unassigned(
    tmp_path: Path,
) -> None:
    c = _team(tmp_path)
    db = c.app.state.ctx.db  # type: ignore[attr-defined]
    _login(c, "coach", "whistle blower")
    for name in ("coach2", "kim", "sam"):
        for method, url, body in (
            ("PUT", f"/api/users/{name}/password", {"password": "taken over 1"}),
            ("DELETE", f"/api/users/{name}", None),
        ):
            r = c.request(method, url, json=body)
            assert r.status_code == 403, (method, url, r.text)
            assert r.json() == {
                "error": "Not allowed",
                "message": f"'{name}' is not one of your clients: an admin manages only the "
                "accounts of their own clients (your clients are: alex).",
            }
    # Nothing changed: each of them still logs in with their own password.
    for name, password in (("coach2", "second whistle"), ("kim", "kim's password"),
                           ("sam", "battery staple")):  # fmt: skip
        accounts.verify_login(db=db, name=name, password=password, now=accounts._now())
    assert sorted(a["name"] for a in c.get("/api/users").json()) == ["alex", "coach"]
    # coach2 sees their own team only, and may not touch coach's client either.
    _login(c, "coach2", "second whistle")
    assert [(a["name"], a["coach"]) for a in c.get("/api/users").json()] == [
        ("coach2", None),
        ("kim", "coach2"),
    ]
    assert c.delete("/api/users/alex").status_code == 403


def test_a_lifter_an_admin_adds_on_the_web_is_their_client(tmp_path: Path) -> None:
    c = _team(tmp_path)
    _login(c, "coach", "whistle blower")
    r = c.post("/api/users", json={"name": "robin", "password": "robin's password"})
    assert r.status_code == 201, r.text
    assert r.json() == {"name": "robin", "is_admin": False, "has_password": True,
                        "sessions": 0, "coach": "coach"}  # fmt: skip
    assert c.put("/api/users/robin/password", json={"password": "robin's new one"}).is_success
    # Bad input: one line saying what was given and what is allowed.
    r = c.post("/api/users", json={"name": "two words", "password": "long enough"})
    assert (r.status_code, r.json()["message"]) == (
        422,
        "User name 'two words' is not allowed: ' ' is not allowed. Use 1 to 40 letters or "
        "digits, with . _ or - only inside, such as 'alex' or 'mary-jane'.",
    )
    r = c.post("/api/users", json={"name": "kim", "password": "long enough"})
    assert (r.status_code, r.json()["message"]) == (422, "User name 'kim' is taken; choose "
                                                    "another name.")  # fmt: skip
    r = c.post("/api/users", json={"name": "x/y", "password": "long enough"})
    assert (r.status_code, r.json()["message"]) == (
        422,
        "User name 'x/y' is not allowed: '/' is not allowed. Use 1 to 40 letters or digits, "
        "with . _ or - only inside, such as 'alex' or 'mary-jane'.",
    )
    r = c.post("/api/users", json={"name": "KIM", "password": "long enough"})
    assert r.json()["message"] == "User name 'KIM' is taken (as 'kim'); choose another name."
    r = c.post("/api/users", json={"name": "lee", "password": "short"})
    assert r.status_code == 422
    assert "\n" not in r.json()["message"] and "password" in r.json()["message"]
    # A lifter adds nobody.
    _login(c, "alex", "correct horse")
    r = c.post("/api/users", json={"name": "eve", "password": "long enough"})
    assert (r.status_code, r.json()["message"]) == (
        403,
        "Only an admin manages accounts. Ask your admin.",
    )


def _cli(*args: str, stdin: str | None = None) -> tuple[int, str]:
    load_all_commands()
    r = CliRunner().invoke(cli_app, list(args), input=stdin, env={"COLUMNS": "200"})
    return r.exit_code, r.output


def test_the_servers_owner_assigns_and_unassigns_clients(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'team.db'}"
    assert _cli("user", "add", "ben", "--admin", "--password-stdin", "--db", url,
                stdin="whistle blower\n")[0] == 0  # fmt: skip
    assert _cli("user", "add", "alex", "--coach", "ben", "--password-stdin", "--db", url,
                stdin="correct horse\n") == (0, "Added alex (a client of ben).\n")  # fmt: skip
    assert _cli("user", "add", "sam", "--password-stdin", "--db", url,
                stdin="battery staple\n") == (0, "Added sam.\n")  # fmt: skip
    code, listing = _cli("user", "list", "--db", url)
    assert code == 0
    lines = {line.split()[0]: line for line in listing.splitlines()}
    assert lines["alex"].endswith("client of ben")
    assert "client of" not in lines["sam"] and "client of" not in lines["ben"]

    assert _cli("user", "assign", "sam", "ben", "--db", url) == (
        0,
        "sam is now a client of ben.\n",
    )
    assert _cli("user", "unassign", "alex", "--db", url) == (0, "alex is no longer a client of "
                                                            "ben.\n")  # fmt: skip
    assert _cli("user", "unassign", "alex", "--db", url) == (
        0,
        "alex is a client of no coach (as before).\n",
    )
    # Refused in one line each: a coach who is no admin, an admin as a client, nobody.
    assert _cli("user", "assign", "alex", "sam", "--db", url) == (
        1,
        "Error: 'sam' is not an admin; a coach is an admin, and the admins are: ben.\n",
    )
    assert _cli("user", "assign", "ben", "ben", "--db", url) == (
        1,
        "Error: 'ben' is an admin: an admin is nobody's client; only a lifter is.\n",
    )
    code, out = _cli("user", "assign", "nobody", "ben", "--db", url)
    assert (code, out.splitlines()[0]) == (
        1,
        "Error: There is no user 'nobody'; the users are: alex, ben, local, sam.",
    )
    assert _cli("user", "add", "x", "--admin", "--coach", "ben", "--password-stdin", "--db",
                url, stdin="long enough\n") == (
        1,
        "Error: 'x' would be an admin and a client of 'ben': an admin is nobody's client; make "
        "the account either an admin or a client.\n",
    )  # fmt: skip
    # The terminal keeps every right: it removes a client of any coach.
    assert _cli("user", "remove", "sam", "--yes", "--db", url)[0] == 0
