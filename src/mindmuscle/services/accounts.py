"""Accounts: users with argon2-hashed passwords, login sessions kept on the server, and a limit
on refused logins.

Bound to loopback, the web app needs no login (everything belongs to the local user, id 1).
Bound to any other address, every page and API call needs a login: ``mindmuscle user add NAME
--password-stdin`` makes an account (``mindmuscle serve`` asks in a terminal), and each user sees
only their own data.

A login makes a random session token: the browser keeps it in an HttpOnly cookie, the database
only its SHA-256, so logging out or changing the password ends the session on the server. The
password check (argon2, deliberately slow) runs outside every database transaction, and refused
logins are counted per address and per account from that address (in the database, so every
worker process sees them): past the limit, a login from that address is refused at once, with
how long to wait and without a password check, while the account's owner still logs in from
another address. The address is the one the web app was connected from, or the one a trusted
reverse proxy (``forwarded_allow_ips``) forwarded.

A coach is an admin, and a lifter is the client of at most one coach: a lifter an admin adds is
that admin's client, and the server's owner (``mindmuscle user assign CLIENT COACH``) assigns
the rest. An admin manages only the accounts of their own clients; the terminal, run by the
server's owner, manages every account.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import os
import secrets
import threading
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.orm import Session

from mindmuscle.errors import (
    AuthError,
    InvalidInputError,
    NotAllowedError,
    NotFoundError,
    TooManyLoginsError,
)
from mindmuscle.store import LOCAL_USER_ID, Database, bulk, repo
from mindmuscle.store.tables import UserRow

__all__ = [
    "MAX_NAME_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "NAME_MAX_CHARS",
    "SESSION_MAX_AGE_S",
    "Account",
    "LoginLimits",
    "add_user",
    "admin_accounts",
    "admin_add_client",
    "admin_remove_user",
    "admin_set_password",
    "assign_client",
    "change_password",
    "check_new_user",
    "check_user_name",
    "client_id",
    "client_key",
    "client_names",
    "coach_id",
    "end_session",
    "has_login",
    "hash_password",
    "is_admin",
    "is_loopback",
    "is_path_safe",
    "list_users",
    "log_in",
    "login_form_name",
    "login_name",
    "remove_user",
    "session_user",
    "set_password",
    "unassign_client",
    "verify_login",
]

MIN_PASSWORD_LENGTH = 8
MAX_NAME_LENGTH = 100
"""The longest name a user may type to name an account (an older database holds names up to
this long); a new name has at most :data:`NAME_MAX_CHARS`."""
NAME_MAX_CHARS = 40
SESSION_MAX_AGE_S = 30 * 24 * 3600
_hasher = PasswordHasher()
# argon2 is slow on purpose and uses a core while it runs: more checks at once than cores only
# starve the requests that hold the database's write lock, so the rest wait their turn here.
_checks = threading.BoundedSemaphore(max(1, os.cpu_count() or 1))


@dataclass(frozen=True)
class LoginLimits:
    """How many refused logins are allowed in a window, per address and per account from one
    address."""

    per_address: int = 20
    per_account: int = 10
    window_s: int = 900


@dataclass(frozen=True)
class Account:
    """A user as ``mindmuscle user list`` shows it."""

    name: str
    is_admin: bool
    has_password: bool
    sessions: int
    coach: str | None = None
    """The name of the user's coach, None for a client of no coach (and for an admin)."""


def is_loopback(host: str) -> bool:
    """True when ``host`` only accepts connections from this machine (127.0.0.0/8, ::1).

    Bound to any other address, the web app requires the login.
    """
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        When the password is shorter than :data:`MIN_PASSWORD_LENGTH` characters.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"The password has {len(password)} characters; use at least {MIN_PASSWORD_LENGTH}."
        )
    return _hasher.hash(password)


_INSIDE = "._-"


def _name_problem(name: str) -> str | None:
    if not name:
        return "it is empty"
    if len(name) > NAME_MAX_CHARS:
        return f"it has {len(name)} characters"
    for i, c in enumerate(name):
        kind = unicodedata.category(c)[0]
        if kind in "LN" or (kind == "M" and i > 0):  # a mark (accent, vowel sign) on a letter
            continue
        if c not in _INSIDE:
            return f"{c!r} is not allowed"
        if i == 0 or i == len(name) - 1:
            return f"{c!r} is allowed only inside"
    return None


def check_user_name(name: str) -> str:
    """``name`` as a new account's name (spaces around it dropped), when it is allowed: 1 to
    :data:`NAME_MAX_CHARS` letters (any script) or digits, with ``.``, ``_`` or ``-`` only
    inside. Such a name is safe in a URL path and in a file name.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        Naming what is wrong and what is allowed.
    """
    name = unicodedata.normalize("NFC", name.strip())
    problem = _name_problem(name)
    if problem is not None:
        raise InvalidInputError(
            f"User name {name!r} is not allowed: {problem}. Use 1 to {NAME_MAX_CHARS} letters or "
            "digits, with . _ or - only inside, such as 'alex' or 'mary-jane'."
        )
    return name


def is_path_safe(name: str) -> bool:
    """Whether ``name`` follows the rule of a new name (an older database may hold others,
    such as 'x/y' or '..', which cannot stand in a URL path)."""
    return _name_problem(name) is None


def _check_name(name: str) -> str:
    return check_user_name(name)


def add_user(
    *,
    db: Database,
    name: str,
    password: str,
    is_admin: bool = False,
    coach: str | None = None,
    now: datetime | None = None,
) -> int:
    """Make an account with a password; returns its id. ``coach`` names the admin whose client
    the new lifter is.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        The name is taken or not allowed, the password is too short, or ``coach`` is no admin
        (or the new account is an admin, who is nobody's client).
    """
    name = check_new_user(db=db, name=name, is_admin=is_admin, coach=coach)
    hashed = hash_password(password)
    with db.session() as s:
        coach_row = _coach_row(s, coach) if coach is not None else None
        row = repo.create_user(session=s, name=name, password_hash=hashed)
        row.is_admin = is_admin
        if coach_row is not None:
            repo.set_coach(session=s, client_id=row.id, coach_id=coach_row.id, now=now or _now())
        return row.id


def check_new_user(*, db: Database, name: str, is_admin: bool, coach: str | None) -> str:
    """The new account's name, once it is allowed and free, and its coach an admin: checked
    before a password is asked for.

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        As :func:`add_user` does for the name and the coach.
    """
    name = _check_name(name)
    if is_admin and coach is not None:
        raise InvalidInputError(
            f"{name!r} would be an admin and a client of {coach!r}: an admin is nobody's "
            "client; make the account either an admin or a client."
        )
    with db.session(readonly=True) as s:
        _check_free(s, name)
        if coach is not None:
            _coach_row(s, coach)
    return name


def _fold(name: str) -> str:
    return unicodedata.normalize("NFKC", name).casefold()


def _check_free(s: Session, name: str, *, but: int | None = None) -> None:
    taken = [u for u in repo.users_named_alike(session=s, name=name) if u.id != but]
    if taken:
        as_ = "" if taken[0].name == name else f" (as {taken[0].name!r})"
        raise InvalidInputError(f"User name {name!r} is taken{as_}; choose another name.")


def _now() -> datetime:
    return datetime.now(UTC)


def _coach_row(s: Session, name: str) -> UserRow:
    row = repo.get_user_by_name(session=s, name=name)
    if row is None or not row.is_admin:
        admins = [u.name for u in repo.list_users(session=s) if u.is_admin]
        given = f"There is no user {name!r}" if row is None else f"{name!r} is not an admin"
        listed = ", ".join(admins) if admins else "none yet (mindmuscle user add NAME --admin)"
        raise InvalidInputError(f"{given}; a coach is an admin, and the admins are: {listed}.")
    return row


def coach_id(*, db: Database, name: str) -> int:
    """The id of the admin ``name`` (a coach); InvalidInputError names the admins otherwise."""
    with db.session(readonly=True) as s:
        return _coach_row(s, name).id


def assign_client(*, db: Database, client: str, coach: str, now: datetime | None = None) -> None:
    """Make the lifter ``client`` a client of the admin ``coach`` (instead of any earlier
    coach's). For the server's owner (the terminal).

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        Either user is unknown, ``coach`` is not an admin, or ``client`` is an admin.
    """
    client_row_id = _user_id(db, client)
    with db.session() as s:
        coach_row = _coach_row(s, coach)
        if repo.get_user(session=s, user_id=client_row_id).is_admin:
            raise InvalidInputError(
                f"{client!r} is an admin: an admin is nobody's client; only a lifter is."
            )
        repo.set_coach(session=s, client_id=client_row_id, coach_id=coach_row.id, now=now or _now())


def unassign_client(*, db: Database, client: str) -> str | None:
    """Make ``client`` a client of no coach; returns the coach they had (None: none)."""
    client_row_id = _user_id(db, client)
    with db.session() as s:
        coach = repo.coach_of(session=s, client_id=client_row_id)
        repo.set_coach(session=s, client_id=client_row_id, coach_id=None, now=_now())
        return coach.name if coach is not None else None


def _user_id(db: Database, name: str) -> int:
    with db.session(readonly=True) as s:
        row = repo.get_user_by_name(session=s, name=name)
        if row is None:
            known = ", ".join(u.name for u in repo.list_users(session=s))
            raise NotFoundError(f"There is no user {name!r}; the users are: {known}.")
        return row.id


def set_password(
    *, db: Database, password: str, user_id: int = LOCAL_USER_ID, name: str | None = None
) -> None:
    """Set (or replace) a user's password, ending every login session of that user.

    ``name`` renames the user too (the ``serve`` prompt names the local user this way).
    """
    hashed = hash_password(password)
    with db.session() as s:
        user = repo.get_user(session=s, user_id=user_id)
        if name is not None and name != user.name:
            name = _check_name(name)
            _check_free(s, name, but=user.id)
            user.name = name
        user.password_hash = hashed
        repo.delete_login_sessions(session=s, user_id=user_id)


def change_password(*, db: Database, name: str, password: str) -> None:
    """Set the password of the user called ``name``; their open sessions end."""
    set_password(db=db, password=password, user_id=_user_id(db, name))


def _keep_local(user_id: int, name: str) -> None:
    if user_id == LOCAL_USER_ID:
        raise InvalidInputError(
            f"{name!r} is the local user, who owns what was recorded on this machine; it "
            "cannot be removed."
        ).to_fix("set_local_password", name=name)


def remove_user(*, db: Database, name: str) -> None:
    """Delete a user and everything they stored (the local user, id 1, stays)."""
    user_id = _user_id(db, name)
    _keep_local(user_id, name)
    with db.session() as s:
        repo.delete_user(session=s, user_id=user_id)


def _account(s: Session, u: UserRow, now: datetime) -> Account:
    coach = repo.coach_of(session=s, client_id=u.id)
    return Account(
        name=u.name,
        is_admin=u.is_admin,
        has_password=bool(u.password_hash),
        sessions=repo.count_login_sessions(session=s, user_id=u.id, now=now),
        coach=coach.name if coach is not None else None,
    )


def list_users(*, db: Database, now: datetime) -> list[Account]:
    """Every account, by name, with its coach and how many login sessions it has open."""
    with db.session(readonly=True) as s:
        return [_account(s, u, now) for u in repo.list_users(session=s)]


def is_admin(*, db: Database, user_id: int) -> bool:
    """Whether the user is an admin (a coach)."""
    with db.session(readonly=True) as s:
        return repo.get_user(session=s, user_id=user_id).is_admin


def _require_admin(db: Database, user_id: int) -> str:
    """The admin's name; NotAllowedError when ``user_id`` is not an admin."""
    with db.session(readonly=True) as s:
        user = repo.get_user(session=s, user_id=user_id)
        if not user.is_admin:
            raise NotAllowedError("Only an admin manages accounts.").to_fix("ask_admin")
        return user.name


def client_names(*, db: Database, coach_id: int) -> list[str]:
    """The names of a coach's clients, sorted."""
    with db.session(readonly=True) as s:
        return [u.name for u in repo.list_clients(session=s, coach_id=coach_id)]


def client_key(*, name: str, user_id: int) -> str:
    """How a client is named in a URL path: their name, or ``~ID`` for a name an older
    version accepted that a path cannot hold ('x/y', '..'); :func:`client_id` takes both."""
    return name if is_path_safe(name) else f"~{user_id}"


def _find_client(db: Database, coach_id: int, name: str) -> int | None:
    with db.session(readonly=True) as s:
        by_id = name[1:] if name.startswith("~") else ""
        row: UserRow | None
        if by_id.isascii() and by_id.isdigit():
            try:
                row = repo.get_user(session=s, user_id=int(by_id))
            except NotFoundError:
                row = None
        else:
            row = repo.get_user_by_name(session=s, name=name)
        if row is None:
            return None
        coach = repo.coach_of(session=s, client_id=row.id)
        return row.id if coach is not None and coach.id == coach_id else None


def _yours(db: Database, coach_id: int) -> str:
    names = client_names(db=db, coach_id=coach_id)
    return f"your clients are: {', '.join(names)}" if names else "you have no client yet"


def client_id(*, db: Database, coach_id: int, name: str) -> int:
    """The id of ``name`` when they are a client of ``coach_id``; ``name`` may be their key
    (:func:`client_key`).

    Raises
    ------
    mindmuscle.errors.NotFoundError
        For anyone else, existing or not (a coach learns nothing of other users).
    """
    found = _find_client(db, coach_id, name)
    if found is None:
        raise NotFoundError(f"You have no client {name!r}; {_yours(db, coach_id)}.")
    return found


def _own_client(db: Database, admin_id: int, name: str) -> None:
    """NotAllowedError unless ``name`` is a client of the admin ``admin_id``."""
    if _find_client(db, admin_id, name) is None:
        raise NotAllowedError(
            f"{name!r} is not one of your clients: an admin manages only the accounts of their "
            f"own clients ({_yours(db, admin_id)})."
        )


def admin_accounts(*, db: Database, admin_id: int, now: datetime) -> list[Account]:
    """The admin's own account and their clients' (names, roles, open sessions; never anything
    a user stored). Raises NotAllowedError for anyone but an admin."""
    _require_admin(db, admin_id)
    with db.session(readonly=True) as s:
        rows = [repo.get_user(session=s, user_id=admin_id)]
        rows += repo.list_clients(session=s, coach_id=admin_id)
        return [_account(s, u, now) for u in sorted(rows, key=lambda u: u.name)]


def admin_add_client(
    *, db: Database, admin_id: int, name: str, password: str, now: datetime | None = None
) -> int:
    """An admin adds a lifter, who becomes their client; returns the new user's id. Raises
    NotAllowedError for anyone but an admin."""
    own = _require_admin(db, admin_id)
    return add_user(db=db, name=name, password=password, coach=own, now=now)


def admin_set_password(*, db: Database, admin_id: int, name: str, password: str) -> None:
    """An admin sets a client's password (a lifter who forgot theirs); that user's login
    sessions end. Raises NotAllowedError for anyone but an admin, and for a user who is not
    their client (another admin, another coach's client, a client of no coach)."""
    _require_admin(db, admin_id)
    _own_client(db, admin_id, name)
    change_password(db=db, name=name, password=password)


def admin_remove_user(*, db: Database, admin_id: int, name: str) -> None:
    """An admin removes a client and everything they stored (a lifter who left the team).
    An admin's own account is removed on the server (``mindmuscle user remove``), so a team is
    never left without an admin by a click. Raises NotAllowedError for anyone but an admin,
    and for a user who is not their client."""
    own = _require_admin(db, admin_id)
    if name == own:
        raise InvalidInputError(
            f"{name!r} is your own account: it is not removed here, so the team keeps an admin."
        ).to_fix("remove_own_account", name=name)
    with db.session(readonly=True) as s:
        row = repo.get_user_by_name(session=s, name=name)
        found = row.id if row is not None else None
    if found is not None:
        _keep_local(found, name)  # nobody removes it, so say that first
    _own_client(db, admin_id, name)
    remove_user(db=db, name=name)


def has_login(*, db: Database) -> bool:
    """Whether any user has a password (the web app can then be opened to the network)."""
    with db.session(readonly=True) as s:
        return bulk.any_password(session=s)


def login_name(*, db: Database, user_id: int = LOCAL_USER_ID) -> str:
    """The login name of a user (to prefill the login form)."""
    with db.session(readonly=True) as s:
        return repo.get_user(session=s, user_id=user_id).name


def login_form_name(*, db: Database) -> str:
    """The name the login form starts with: the local user's when it can log in (the owner of
    a one-lifter server), else none (a team's lifters each type their own; ``local`` has no
    password and could not log in)."""
    with db.session(readonly=True) as s:
        user = repo.get_user(session=s, user_id=LOCAL_USER_ID)
        return user.name if user.password_hash else ""


def _keys(name: str, address: str | None) -> tuple[str, str]:
    """The keys refused logins are counted under: the account from this address, and the
    address overall. Never the account alone: a flood of wrong passwords from one address
    would then lock the account's owner out from everywhere."""
    where = (address or "unknown")[:60]
    return f"account:{_fold(name)[:120]}|address:{where}", f"address:{where}"


def _check_limits(
    db: Database, name: str, address: str | None, now: datetime, limits: LoginLimits
) -> None:
    pair_key, address_key = _keys(name, address)
    since = now - timedelta(seconds=limits.window_s)
    with db.session(readonly=True) as s:
        for key, most in ((pair_key, limits.per_account), (address_key, limits.per_address)):
            failures = repo.login_failures_since(session=s, key=key, since=since)
            if len(failures) >= most:
                # Allowed again once the oldest failure that counts leaves the window.
                free_at = failures[len(failures) - most] + timedelta(seconds=limits.window_s)
                wait_s = max(1, math.ceil((free_at - now).total_seconds()))
                what = f"for {name[:100]!r} " if key == pair_key else ""
                raise TooManyLoginsError(
                    f"Too many refused logins {what}from your address: {len(failures)} in the "
                    f"last {limits.window_s // 60} minutes (at most {most}). Try again in "
                    f"{wait_s} s.",
                    retry_after_s=wait_s,
                )


def verify_login(
    *,
    db: Database,
    name: str,
    password: str,
    now: datetime,
    address: str | None = None,
    limits: LoginLimits | None = None,
) -> int:
    """The id of the user whose name and password match.

    The password check runs outside any database transaction, so other requests keep
    writing while it runs.

    Raises
    ------
    mindmuscle.errors.TooManyLoginsError
        Too many refused logins from this address, or for this account from this address,
        lately (no password is checked then). Refusals from one address never stop the
        account's owner logging in from another.
    mindmuscle.errors.AuthError
        When the name is unknown, the user has no password, or the password is wrong (one
        message for all three, so the form does not tell which names exist).
    """
    limits = limits or LoginLimits()
    _check_limits(db, name, address, now, limits)
    with db.session(readonly=True) as s:
        user = repo.get_user_by_name(session=s, name=name)
        user_id, stored = (user.id, user.password_hash) if user is not None else (None, None)
    ok = False
    with _checks:
        # Checked again once it is this login's turn: a flood that queued here while the
        # failures before it were counted is refused without a password check.
        _check_limits(db, name, address, now, limits)
        if user_id is None or not stored:
            # Spend the same time as a real check, so timing does not reveal the names.
            _hasher.hash(password or "x")
        else:
            try:
                ok = _hasher.verify(stored, password)
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                ok = False
    pair_key, address_key = _keys(name, address)
    if not ok or user_id is None:
        since = now - timedelta(seconds=limits.window_s)
        with db.session() as s:
            repo.add_login_failure(session=s, keys=(pair_key, address_key), now=now, since=since)
        raise AuthError("Wrong name or password. Passwords are case-sensitive.")
    rehashed = None
    if _hasher.check_needs_rehash(stored or ""):
        with _checks:
            rehashed = _hasher.hash(password)
    with db.session() as s:
        repo.clear_login_failures(session=s, key=pair_key)
        if rehashed is not None:
            repo.get_user(session=s, user_id=user_id).password_hash = rehashed
    return user_id


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def log_in(
    *,
    db: Database,
    name: str,
    password: str,
    now: datetime,
    address: str | None = None,
    limits: LoginLimits | None = None,
    replaces: str | None = None,
) -> tuple[int, str]:
    """Check the password and open a login session: the user id and the session's token.

    ``replaces``: the session token the browser still holds, if any. A browser keeps one
    session: logging in again ends the one it had, so its sessions do not pile up (an expired
    session of anyone is deleted too).
    """
    user_id = verify_login(
        db=db, name=name, password=password, now=now, address=address, limits=limits
    )
    token = secrets.token_urlsafe(32)
    with db.session() as s:
        if replaces and len(replaces) <= 200:
            repo.delete_login_sessions(session=s, token_sha256=_digest(replaces))
        repo.add_login_session(
            session=s,
            user_id=user_id,
            token_sha256=_digest(token),
            now=now,
            expires_at=now + timedelta(seconds=SESSION_MAX_AGE_S),
        )
    return user_id, token


def session_user(*, db: Database, token: str | None, now: datetime) -> int | None:
    """The user of a session token, None when it is not an open, unexpired session."""
    if not token or len(token) > 200:
        return None
    with db.session(readonly=True) as s:
        return repo.login_session_user(session=s, token_sha256=_digest(token), now=now)


def end_session(*, db: Database, token: str | None) -> None:
    """Log out: the session's token no longer opens anything."""
    if token:
        with db.session() as s:
            repo.delete_login_sessions(session=s, token_sha256=_digest(token))
