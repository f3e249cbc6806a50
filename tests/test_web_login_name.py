"""The login page of a team's server starts empty: a lifter types their own name. Only when the
local user can log in (the owner of a one-lifter server gave it a password) is it prefilled;
``local`` without a password could not log in, and every lifter had to clear it first."""

from __future__ import annotations

import re
from pathlib import Path

from mindmuscle.services import accounts
from tests.test_web_api import _client


def _name_field(html: str) -> str:
    found = re.search(r'<input type="text" id="name" name="name"[^>]*value="([^"]*)"', html)
    assert found is not None, html
    return found.group(1)


def test_the_login_name_is_prefilled_only_for_a_local_user_who_can_log_in(
    tmp_path: Path,
) -> None:
    with _client(tmp_path, host="0.0.0.0") as c:
        db = c.app.state.ctx.db  # type: ignore[attr-defined]
        accounts.add_user(db=db, name="ana", password="correct horse")
        page = c.get("/login")
        assert page.status_code == 200
        assert _name_field(page.text) == ""
        accounts.change_password(db=db, name="local", password="battery staple")
        assert _name_field(c.get("/login").text) == "local"
