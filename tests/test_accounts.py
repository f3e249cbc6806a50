"""Accounts: server-side login sessions, the limit on refused logins, ``mindmuscle user``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mindmuscle.cli import app
from mindmuscle.errors import AuthError, InvalidInputError, NotFoundError, TooManyLoginsError
from mindmuscle.services import accounts
from mindmuscle.store import Database, open_database
from mindmuscle.store.tables import UserRow

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.fixture()
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(f"sqlite:///{tmp_path / 'a.db'}")
    yield database
    database.close()


def test_a_session_lives_on_the_server_until_logout_or_a_new_password(db: Database) -> None:
    alex = accounts.add_user(db=db, name="alex", password="correct horse")
    user, token = accounts.log_in(db=db, name="alex", password="correct horse", now=NOW)
    assert user == alex
    assert len(token) >= 40
    assert accounts.session_user(db=db, token=token, now=NOW) == alex
    assert accounts.session_user(db=db, token=token + "x", now=NOW) is None
    later = NOW + timedelta(seconds=accounts.SESSION_MAX_AGE_S + 1)
    assert accounts.session_user(db=db, token=token, now=later) is None
    accounts.end_session(db=db, token=token)
    assert accounts.session_user(db=db, token=token, now=NOW) is None
    # A new password ends every session of that user, and only theirs.
    accounts.add_user(db=db, name="sam", password="battery staple")
    _, first = accounts.log_in(db=db, name="alex", password="correct horse", now=NOW)
    _, second = accounts.log_in(db=db, name="alex", password="correct horse", now=NOW)
    _, sams = accounts.log_in(db=db, name="sam", password="battery staple", now=NOW)
    assert [u.sessions for u in accounts.list_users(db=db, now=NOW)] == [2, 0, 1]
    accounts.change_password(db=db, name="alex", password="new horse staple")
    assert accounts.session_user(db=db, token=first, now=NOW) is None
    assert accounts.session_user(db=db, token=second, now=NOW) is None
    assert accounts.session_user(db=db, token=sams, now=NOW) is not None
    with pytest.raises(AuthError, match="Wrong name or password"):
        accounts.log_in(db=db, name="alex", password="correct horse", now=NOW)


def test_a_flood_of_wrong_passwords_does_not_lock_the_owner_out(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts.add_user(db=db, name="alice", password="correct horse")
    limits = accounts.LoginLimits(per_address=20, per_account=10, window_s=900)
    checks: list[str] = []
    real_verify, real_hash = accounts._hasher.verify, accounts._hasher.hash

    class Counted:
        def verify(self, stored: str, password: str) -> bool:
            checks.append("verify")
            return real_verify(stored, password)

        def hash(self, password: str) -> str:
            checks.append("hash")
            return real_hash(password)

        def check_needs_rehash(self, stored: str) -> bool:
            return False

    monkeypatch.setattr(accounts, "_hasher", Counted())

    def attempt(password: str, address: str, at: datetime) -> int:
        return accounts.verify_login(
            db=db, name="alice", password=password, now=at, address=address, limits=limits
        )

    for i in range(10):
        with pytest.raises(AuthError, match="Wrong name or password"):
            attempt("guess", "203.0.113.5", NOW + timedelta(seconds=i))
    # Past the limit the attacker's address is refused at once, without a password check.
    for i in range(5):
        with pytest.raises(
            TooManyLoginsError,
            match=r"^Too many refused logins for 'alice' from your address: 10 in the last 15 "
            r"minutes \(at most 10\)\. Try again in 8[78]\d s\.$",
        ) as e:
            attempt("correct horse", "203.0.113.5", NOW + timedelta(seconds=20 + i))
        assert e.value.retry_after_s == 900 - 20 - i
    assert len(checks) == 10
    # alice, from her own address, logs in at once; her login does not free the attacker.
    assert attempt("correct horse", "198.51.100.7", NOW + timedelta(seconds=30)) == 2
    with pytest.raises(TooManyLoginsError, match="Try again in 870 s"):
        attempt("correct horse", "203.0.113.5", NOW + timedelta(seconds=30))
    assert attempt("correct horse", "203.0.113.5", NOW + timedelta(seconds=901)) == 2


def test_one_address_trying_many_names_is_stopped(db: Database) -> None:
    accounts.add_user(db=db, name="alex", password="correct horse")
    limits = accounts.LoginLimits(per_address=5, per_account=3, window_s=600)
    for i in range(5):
        with pytest.raises(AuthError):
            accounts.verify_login(
                db=db, name=f"user{i}", password="guess", now=NOW + timedelta(seconds=i),
                address="10.9.9.9", limits=limits,
            )  # fmt: skip
    with pytest.raises(
        TooManyLoginsError, match=r"^Too many refused logins from your address: 5 in the last 10"
    ) as e:
        accounts.verify_login(
            db=db, name="alex", password="correct horse", now=NOW + timedelta(seconds=10),
            address="10.9.9.9", limits=limits,
        )  # fmt: skip
    assert e.value.retry_after_s == 590
    assert accounts.verify_login(
        db=db, name="alex", password="correct horse", now=NOW + timedelta(seconds=10),
        address="10.9.9.10", limits=limits,
    ) == 2  # fmt: skip


def test_user_names_and_the_local_user(db: Database) -> None:
    with pytest.raises(InvalidInputError, match="User name 'a b' is not allowed"):
        accounts.add_user(db=db, name="a b", password="correct horse")
    accounts.add_user(db=db, name="alex", password="correct horse")
    with pytest.raises(InvalidInputError, match="User name 'alex' is taken"):
        accounts.add_user(db=db, name="alex", password="correct horse")
    with pytest.raises(InvalidInputError, match="'local' is the local user"):
        accounts.remove_user(db=db, name="local")
    with pytest.raises(NotFoundError, match="There is no user 'bob'; the users are: alex"):
        accounts.change_password(db=db, name="bob", password="correct horse")


@pytest.mark.parametrize(
    ("given", "wrong"),
    [
        ("x/y", "'/' is not allowed"),
        ("..", "'.' is allowed only inside"),
        (".", "'.' is allowed only inside"),
        ("alex.", "'.' is allowed only inside"),
        ("-alex", "'-' is allowed only inside"),
        ("a b", "' ' is not allowed"),
        ("a?b", "'?' is not allowed"),
        ("x" * 41, "it has 41 characters"),
        ("", "it is empty"),
    ],
)
def test_a_user_name_is_letters_and_digits_with_dot_underscore_dash_inside(
    db: Database, given: str, wrong: str
) -> None:
    with pytest.raises(InvalidInputError) as e:
        accounts.add_user(db=db, name=given, password="correct horse")
    assert str(e.value) == (
        f"User name {given!r} is not allowed: {wrong}. Use 1 to 40 letters or digits, with "
        ". _ or - only inside, such as 'alex' or 'mary-jane'."
    )


def test_names_in_any_script_are_allowed_and_unique_ignoring_case(db: Database) -> None:
    for name in ("Zoë", "李雷", "mary-jane", "j.r_s", "Dan", "x" * 40, "2fast"):
        accounts.add_user(db=db, name=name, password="correct horse")
    for taken, stored in (("dan", "Dan"), ("ZOË", "Zoë"), ("MARY-JANE", "mary-jane")):
        with pytest.raises(InvalidInputError) as e:
            accounts.add_user(db=db, name=taken, password="correct horse")
        assert str(e.value) == f"User name {taken!r} is taken (as {stored!r}); choose another name."
    with pytest.raises(InvalidInputError, match=r"^User name 'Dan' is taken; choose another"):
        accounts.check_new_user(db=db, name="Dan", is_admin=False, coach=None)
    # A login names the account in any case, as uniqueness does.
    dan = accounts.verify_login(db=db, name="dan", password="correct horse", now=NOW)
    assert dan == accounts.verify_login(db=db, name="DAN", password="correct horse", now=NOW)
    assert accounts.login_name(db=db, user_id=dan) == "Dan"
    # Renaming an account to its own name in another case is not "taken".
    accounts.set_password(db=db, password="correct horse", user_id=dan, name="DAN")
    assert accounts.login_name(db=db, user_id=dan) == "DAN"


def test_names_an_older_database_holds_still_log_in(db: Database) -> None:
    with db.session() as s:  # as an older version stored them, before the rule of a name
        for name in ("x/y", "..", "Dan", "dan"):
            s.add(UserRow(name=name, password_hash=accounts.hash_password(name * 8)))
    for name in ("x/y", "..", "Dan", "dan"):
        user = accounts.verify_login(db=db, name=name, password=name * 8, now=NOW)
        assert accounts.login_name(db=db, user_id=user) == name
    # Two stored names equal ignoring case: only the exact one opens either.
    with pytest.raises(AuthError):
        accounts.verify_login(db=db, name="DAN", password="DanDanDanDanDanDanDanDan", now=NOW)


def test_the_terminal_refuses_a_bad_user_name_in_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    runner = CliRunner()
    r = runner.invoke(
        app, ["user", "add", "ben", "--admin", "--password-stdin", "--db", url],
        input="whistle blower\n",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    for name, wrong in (("x/y", "'/' is not allowed"), ("..", "'.' is allowed only inside")):
        r = runner.invoke(
            app, ["user", "add", name, "--coach", "ben", "--password-stdin", "--db", url],
            input="correct horse\n",
        )  # fmt: skip
        assert (r.exit_code, r.output) == (
            1,
            f"Error: User name {name!r} is not allowed: {wrong}. Use 1 to 40 letters or digits, "
            "with . _ or - only inside, such as 'alex' or 'mary-jane'.\n",
        )
    r = runner.invoke(
        app, ["user", "add", "Ben", "--password-stdin", "--db", url], input="correct horse\n"
    )
    assert (r.exit_code, r.output) == (
        1,
        "Error: User name 'Ben' is taken (as 'ben'); choose another name.\n",
    )


def test_the_user_commands_work_without_a_terminal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    runner = CliRunner()
    r = runner.invoke(
        app, ["user", "add", "alex", "--admin", "--password-stdin", "--db", url],
        input="correct horse\n",
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert r.output == "Added alex (admin).\n"
    r = runner.invoke(
        app, ["user", "add", "sam", "--password-stdin", "--db", url], input="battery staple\n"
    )
    assert r.exit_code == 0
    r = runner.invoke(app, ["user", "list", "--db", url])
    assert r.output.splitlines() == [
        "alex   admin  can log in   0 open sessions",
        "local  user   no password  0 open sessions",
        "sam    user   can log in   0 open sessions",
    ]
    r = runner.invoke(app, ["user", "passwd", "sam", "--password-stdin", "--db", url], input="x\n")
    assert r.exit_code == 1
    assert "Error: The password has 1 characters; use at least 8." in r.output
    r = runner.invoke(
        app, ["user", "passwd", "sam", "--password-stdin", "--db", url], input="new staple\n"
    )
    assert r.exit_code == 0
    db = open_database(url)
    try:
        assert accounts.verify_login(db=db, name="sam", password="new staple", now=NOW) == 3
    finally:
        db.close()
    r = runner.invoke(app, ["user", "add", "kim", "--db", url])
    assert r.exit_code == 1
    assert "No terminal to ask the password in" in r.output
    r = runner.invoke(app, ["user", "remove", "sam", "--db", url])
    assert r.exit_code == 1
    assert "confirm with --yes" in r.output
    r = runner.invoke(app, ["user", "remove", "sam", "--yes", "--db", url])
    assert (r.exit_code, r.output) == (0, "Removed sam and their data.\n")
    r = runner.invoke(app, ["user", "list", "--db", url])
    assert [line.split()[0] for line in r.output.splitlines()] == ["alex", "local"]


def test_serve_without_a_terminal_says_how_to_set_a_login(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 's.db'}"
    r = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--db", url])
    assert r.exit_code == 1
    assert "mindmuscle user passwd local --password-stdin" in r.output
    assert "mindmuscle user add NAME --password-stdin" in r.output
    # The commands it names work as they are, without a terminal.
    r = CliRunner().invoke(
        app, ["user", "passwd", "local", "--password-stdin", "--db", url], input="correct horse\n"
    )
    assert r.exit_code == 0


def test_the_terminal_checks_the_name_and_coach_before_asking_for_a_password(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    runner = CliRunner()
    made = runner.invoke(
        app, ["user", "add", "ben", "--admin", "--password-stdin", "--db", url],
        input="whistle blower\n",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    # No password is given: a refusal that does not need one comes first, in one line.
    for args, line in (
        (["kim", "--coach", "nobody"], "Error: There is no user 'nobody'; a coach is an admin, "
         "and the admins are: ben."),
        (["ben"], "Error: User name 'ben' is taken; choose another name."),
        (["kim", "--admin", "--coach", "ben"], "Error: 'kim' would be an admin and a client of "
         "'ben': an admin is nobody's client; make the account either an admin or a client."),
    ):  # fmt: skip
        r = runner.invoke(app, ["user", "add", *args, "--db", url])
        assert (r.exit_code, r.output.splitlines()) == (1, [line])
