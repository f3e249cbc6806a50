"""An admin manages the team's accounts through the API and never reads a lifter's data.

``mindmuscle user add NAME --admin`` makes an admin: they list the accounts, set a lifter's
password (that lifter's sessions end) and remove a lifter with everything they stored. Anyone
else gets 403 from each of these routes; no answer carries a set.
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
    accounts.add_user(db=db, name="alex", password="correct horse")
    accounts.add_user(db=db, name="sam", password="battery staple")
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
    assert sorted(by_name) == ["alex", "coach", "local", "sam"]
    assert by_name["coach"]["is_admin"] is True
    assert by_name["alex"] == {"name": "alex", "is_admin": False, "has_password": True,
                               "sessions": 1}  # fmt: skip
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
    assert sorted(a["name"] for a in c.get("/api/users").json()) == ["alex", "coach", "local"]
    r = c.delete("/api/users/coach")
    assert r.status_code == 422
    assert "your own account" in r.json()["message"]
    r = c.delete("/api/users/nobody")
    assert r.status_code == 422
    assert "There is no user 'nobody'" in r.json()["message"]


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
    assert "manages the team's accounts" in helped.output
