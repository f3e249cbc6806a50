"""The team's accounts, for an admin: list them, set a lifter's password, remove a lifter.

An admin (``mindmuscle user add NAME --admin``) manages accounts, never what a lifter stored:
no route here answers with a set, a rating or a recording. Anyone else gets 403.
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


class PasswordIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    password: str = Field(
        min_length=accounts.MIN_PASSWORD_LENGTH,
        max_length=1000,
        description=f"At least {accounts.MIN_PASSWORD_LENGTH} characters.",
    )


@router.get("/users", response_model=list[AccountOut], tags=["accounts"])
def list_accounts(ctx: Ctx, user: User) -> list[AccountOut]:
    """Every account of this server (admins only): names and roles, nothing they stored."""
    return [
        AccountOut(
            name=a.name, is_admin=a.is_admin, has_password=a.has_password, sessions=a.sessions
        )
        for a in accounts.admin_accounts(db=ctx.db, admin_id=user, now=utcnow())
    ]


@router.put("/users/{user_name}/password", status_code=204, tags=["accounts"])
def set_password(user_name: UserName, body: PasswordIn, ctx: Ctx, user: User) -> None:
    """Set a user's password (admins only); that user's login sessions end."""
    accounts.admin_set_password(db=ctx.db, admin_id=user, name=user_name, password=body.password)


@router.delete("/users/{user_name}", status_code=204, tags=["accounts"])
def remove_account(user_name: UserName, ctx: Ctx, user: User) -> None:
    """Remove a user and everything they stored (admins only; not your own account)."""
    accounts.admin_remove_user(db=ctx.db, admin_id=user, name=user_name)
