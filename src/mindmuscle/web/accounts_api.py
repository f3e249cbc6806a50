"""A coach's accounts: an admin lists their clients, adds a lifter (who becomes their client),
sets a client's password and removes a client.

An admin (``mindmuscle user add NAME --admin``) manages the accounts of their own clients only;
another admin, another coach's client or a client of no coach is refused (403), as is anyone
who is not an admin. No route here answers with a set, a rating or a recording.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from mindmuscle.services import accounts
from mindmuscle.web.deps import Ctx, User, check_csrf, utcnow

__all__ = ["router"]

router = APIRouter(prefix="/api", dependencies=[Depends(check_csrf)])

UserName = Annotated[
    str,
    Path(min_length=1, max_length=accounts.MAX_NAME_LENGTH, description="An account's name."),
]


class AccountOut(BaseModel):
    name: str
    is_admin: bool
    has_password: bool
    sessions: int = Field(description="Login sessions open now.")
    coach: str | None = Field(None, description="The name of the user's coach, if any.")


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(
        min_length=1,
        max_length=accounts.MAX_NAME_LENGTH,
        description="The login name, without spaces, e.g. alex.",
    )
    password: str = Field(
        min_length=accounts.MIN_PASSWORD_LENGTH,
        max_length=1000,
        description=f"At least {accounts.MIN_PASSWORD_LENGTH} characters.",
    )


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(
        min_length=accounts.MIN_PASSWORD_LENGTH,
        max_length=1000,
        description=f"At least {accounts.MIN_PASSWORD_LENGTH} characters.",
    )


def _out(a: accounts.Account) -> AccountOut:
    return AccountOut(
        name=a.name, is_admin=a.is_admin, has_password=a.has_password, sessions=a.sessions,
        coach=a.coach,
    )  # fmt: skip


@router.get("/users", response_model=list[AccountOut], tags=["accounts"])
def list_accounts(ctx: Ctx, user: User) -> list[AccountOut]:
    """Your own account and your clients' (admins only): names and roles, nothing they
    stored."""
    return [_out(a) for a in accounts.admin_accounts(db=ctx.db, admin_id=user, now=utcnow())]


@router.post("/users", status_code=201, response_model=AccountOut, tags=["accounts"])
def add_account(body: AccountIn, ctx: Ctx, user: User) -> AccountOut:
    """Add a lifter who can log in (admins only); they become your client."""
    now = utcnow()
    accounts.admin_add_client(
        db=ctx.db, admin_id=user, name=body.name, password=body.password, now=now
    )
    added = accounts.admin_accounts(db=ctx.db, admin_id=user, now=now)
    (a,) = [a for a in added if a.name == body.name.strip()]
    return _out(a)


@router.put("/users/{user_name}/password", status_code=204, tags=["accounts"])
def set_password(user_name: UserName, body: PasswordIn, ctx: Ctx, user: User) -> None:
    """Set a client's password (admins, for their own clients only); that user's login
    sessions end."""
    accounts.admin_set_password(db=ctx.db, admin_id=user, name=user_name, password=body.password)


@router.delete("/users/{user_name}", status_code=204, tags=["accounts"])
def remove_account(user_name: UserName, ctx: Ctx, user: User) -> None:
    """Remove a client and everything they stored (admins, for their own clients only)."""
    accounts.admin_remove_user(db=ctx.db, admin_id=user, name=user_name)
