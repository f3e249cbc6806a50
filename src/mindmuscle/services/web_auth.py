"""The login of the web app: an argon2-hashed password on a stored user.

Used when the web app is bound to an address other than loopback (``mindmuscle serve --host
0.0.0.0``): ``mindmuscle init`` or the ``mindmuscle serve`` prompt sets the password, the login
page checks it.
"""

from __future__ import annotations

import ipaddress

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from mindmuscle.errors import AuthError, InvalidInputError
from mindmuscle.store import LOCAL_USER_ID, Database, bulk, repo

__all__ = [
    "MIN_PASSWORD_LENGTH",
    "has_login",
    "hash_password",
    "is_loopback",
    "login_name",
    "set_password",
    "verify_login",
]

MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()


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


def set_password(
    *, db: Database, password: str, user_id: int = LOCAL_USER_ID, name: str | None = None
) -> None:
    """Set (or replace) the login password of a user, and optionally rename them."""
    hashed = hash_password(password)
    with db.session() as s:
        user = repo.get_user(session=s, user_id=user_id)
        if name is not None and name != user.name:
            if not name.strip():
                raise InvalidInputError("The login name is empty; give a name such as 'alex'.")
            if repo.get_user_by_name(session=s, name=name) is not None:
                raise InvalidInputError(f"User name {name!r} is taken; choose another name.")
            user.name = name
        user.password_hash = hashed


def has_login(*, db: Database) -> bool:
    """Whether any user has a password (the web app can then be opened to the network)."""
    with db.session(readonly=True) as s:
        return bulk.any_password(session=s)


def login_name(*, db: Database, user_id: int = LOCAL_USER_ID) -> str:
    """The login name of a user (to prefill the login form)."""
    with db.session(readonly=True) as s:
        return repo.get_user(session=s, user_id=user_id).name


def verify_login(*, db: Database, name: str, password: str) -> int:
    """The id of the user whose name and password match.

    Raises
    ------
    mindmuscle.errors.AuthError
        When the name is unknown, the user has no password, or the password is wrong (one
        message for all three, so the form does not tell which names exist).
    """
    refused = AuthError("Wrong name or password. Names and passwords are case-sensitive.")
    with db.session() as s:
        user = repo.get_user_by_name(session=s, name=name)
        if user is None or not user.password_hash:
            # Spend the same time as a real check, so timing does not reveal the names.
            _hasher.hash(password or "x")
            raise refused
        try:
            _hasher.verify(user.password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            raise refused from None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        return user.id
