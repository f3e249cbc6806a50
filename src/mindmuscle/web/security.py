"""Session cookies and CSRF tokens of the web app.

The session cookie holds a random token of a login session kept on the server
(:mod:`mindmuscle.services.accounts`; HttpOnly, SameSite=Lax, Secure under HTTPS). CSRF
protection is the double-submit pattern: a random token in a cookie that a page can read
(``mm_csrf``) must come back with every unsafe request, in the ``X-CSRF-Token`` header
(JavaScript) or the ``csrf_token`` form field (HTML forms). A page on another site can neither
read the cookie nor set the header.
"""

from __future__ import annotations

import hmac
import os
import secrets
from pathlib import Path

from mindmuscle.errors import ConfigError
from mindmuscle.services.accounts import is_loopback

__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "SESSION_MAX_AGE_S",
    "csrf_matches",
    "is_loopback",
    "load_or_create_secret",
    "new_csrf_token",
]

SESSION_COOKIE = "mm_session"
CSRF_COOKIE = "mm_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
SESSION_MAX_AGE_S = 30 * 24 * 3600


def load_or_create_secret(data_dir: Path) -> str:
    """The secret key kept in ``data_dir/secret_key`` (created once, readable by the owner only).

    Several worker processes may start at once on a new data folder: the key is written to a
    file of its own and then linked into place, which fails for all but the first, so every
    process reads the one key that won (a login made through one worker holds on the others).
    """
    path = data_dir / "secret_key"
    key = _read_secret(path)
    if key is not None:
        return key
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        tmp = data_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(secrets.token_hex(32) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # complete when it appears; fails if another process was first
        except FileExistsError:
            if _read_secret(path) is None:  # a damaged key file: replace it
                os.replace(tmp, path)
        finally:
            tmp.unlink(missing_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"Cannot write the secret key file {path}: {exc}. Set MINDMUSCLE_SECRET_KEY or "
            "MINDMUSCLE_DATA_DIR to a writable folder."
        ) from exc
    key = _read_secret(path)
    if key is None:
        raise ConfigError(
            f"The secret key file {path} holds no key of 32 characters or more: delete it to "
            "create a new one (everyone logs in again), or set MINDMUSCLE_SECRET_KEY."
        )
    return key


def _read_secret(path: Path) -> str | None:
    try:
        key = path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return key if len(key) >= 32 else None


def new_csrf_token() -> str:
    """A fresh random CSRF token."""
    return secrets.token_urlsafe(24)


def csrf_matches(cookie: str | None, sent: str | None) -> bool:
    """True when the token sent with a request equals the one in its cookie."""
    return bool(cookie) and bool(sent) and hmac.compare_digest(str(cookie), str(sent))
