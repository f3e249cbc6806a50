"""A group's focus experiment: several participants' experiments of one design, pooled.

A lab on one machine runs each participant's experiment under one account (each made with a
participant's name); a coach's server keeps each participant's under their own account. Either
way the group is named by its experiments: ``3`` is experiment 3 of the user asking, ``ben:3``
experiment 3 of the account ``ben`` (for the server's owner in the terminal).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from mindmuscle.errors import InvalidInputError, NotFoundError
from mindmuscle.experiments.group import GroupAnalysis, Participant, analyze_group
from mindmuscle.io.plots.experiment_groups import write_group_html
from mindmuscle.services import accounts
from mindmuscle.services.experiments import experiment_status, list_experiments, recorded_results
from mindmuscle.store import Database, repo

__all__ = [
    "GroupChoice",
    "GroupMember",
    "GroupResult",
    "analyze_experiment_group",
    "group_choices",
    "group_members",
]

_REF = re.compile(r"^(?:(?P<user>[^:\s]+):)?(?P<id>\d{1,9})$")


class GroupMember(BaseModel):
    """One participant's experiment: whose account holds it, and its id there."""

    model_config = ConfigDict(frozen=True)

    user_id: int
    user_name: str
    experiment_id: int
    ref: str = Field(description="As the user gave it: '3' or 'ben:3'.")


class GroupResult(BaseModel):
    """A group analysis and the report written for it."""

    model_config = ConfigDict(frozen=True)

    analysis: GroupAnalysis
    members: list[GroupMember]
    report_path: str | None = None
    participants_named: bool = Field(
        description="Every experiment was made with a participant's name."
    )


class GroupChoice(BaseModel):
    """An experiment that can join a group: the user's own, or a client's for a coach."""

    model_config = ConfigDict(frozen=True)

    ref: str = Field(description="'3' for the user's own, 'ben:3' for the client ben's.")
    account: str
    participant: str | None
    title: str
    exercise_id: str
    n_done: int
    n_sets: int


def group_choices(*, db: Database, user_id: int) -> list[GroupChoice]:
    """The user's experiments, then each client's (for a coach), oldest first in each."""
    own = accounts.login_name(db=db, user_id=user_id)
    owners = [(user_id, own, False)] + [
        (accounts.client_id(db=db, coach_id=user_id, name=name), name, True)
        for name in accounts.client_names(db=db, coach_id=user_id)
    ]
    return [
        GroupChoice(
            ref=f"{name}:{info.id}" if client else str(info.id),
            account=name,
            participant=info.design.participant,
            title=info.design.title,
            exercise_id=info.design.exercise_id,
            n_done=info.n_done,
            n_sets=len(info.sets),
        )
        for uid, name, client in owners
        for info in list_experiments(db=db, user_id=uid)
    ]


def group_members(
    *, db: Database, user_id: int, refs: Sequence[str], clients_only: bool = False
) -> list[GroupMember]:
    """Resolve ``ID`` (the user's own experiment) and ``USER:ID`` (another account's; with
    ``clients_only``, as on the web, only a client's of the coach ``user_id``).

    Raises
    ------
    mindmuscle.errors.InvalidInputError
        A reference of another form.
    mindmuscle.errors.NotFoundError
        An unknown account (or, with ``clients_only``, one that is not the coach's client: the
        coach learns nothing of other users).
    """
    if clients_only:
        # Outside the session below: the client lookups open their own.
        named = {m["user"] for r in refs if (m := _REF.match(r.strip())) and m["user"]}
        allowed = {
            n: accounts.client_id(db=db, coach_id=user_id, name=n)
            for n in sorted(named - {accounts.login_name(db=db, user_id=user_id)})
        }
    out: list[GroupMember] = []
    with db.session(readonly=True) as s:
        own = repo.get_user(session=s, user_id=user_id).name
        for ref in refs:
            m = _REF.match(ref.strip())
            if m is None:
                raise InvalidInputError(
                    f"Experiment {ref!r} is not allowed: give its id (3) or, for another "
                    "account's, the account and the id (ben:3)."
                )
            name, number = m["user"], int(m["id"])
            if name is None or name == own:
                out.append(
                    GroupMember(
                        user_id=user_id, user_name=own, experiment_id=number, ref=str(number)
                    )
                )
                continue
            if clients_only:
                out.append(
                    GroupMember(
                        user_id=allowed[name],
                        user_name=name,
                        experiment_id=number,
                        ref=f"{name}:{number}",
                    )
                )
                continue
            row = repo.get_user_by_name(session=s, name=name)
            if row is None:
                raise NotFoundError(f"No account is called {name!r} (in {ref!r}).")
            out.append(
                GroupMember(
                    user_id=row.id, user_name=row.name, experiment_id=number, ref=f"{name}:{number}"
                )
            )
    return out


def analyze_experiment_group(
    *,
    db: Database,
    members: Sequence[GroupMember],
    report_path: str | Path | None = None,
    n_resamples: int = 2000,
    seed: int = 0,
) -> GroupResult:
    """Pool the members' experiments (see :func:`mindmuscle.experiments.group.analyze_group`).

    A participant is named by the name their experiment was made with; without one, by the
    account when the members are in several accounts, else as "experiment N". The caller has
    checked that it may read every member's account.

    Raises
    ------
    mindmuscle.errors.NotFoundError
        An experiment the account does not have.
    mindmuscle.errors.InvalidInputError
        One experiment twice, fewer than two, or experiments of different designs.
    """
    keys = [(m.user_id, m.experiment_id) for m in members]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        names = {(m.user_id, m.experiment_id): _ref(m) for m in members}
        raise InvalidInputError(
            f"Experiment {', '.join(names[k] for k in twice)} is in the group twice: give each "
            "participant's experiment once."
        )
    accounts = {m.user_id for m in members}
    participants: list[Participant] = []
    named = True
    for m in members:
        try:
            info = experiment_status(db=db, user_id=m.user_id, experiment_id=m.experiment_id)
        except NotFoundError:
            raise NotFoundError(f"No experiment {_ref(m)}.") from None
        results, _, unit = recorded_results(db, m.user_id, info)
        name = info.design.participant
        if name is None:
            named = False
            name = m.user_name if len(accounts) > 1 else f"experiment {m.experiment_id}"
        participants.append(
            Participant(name=name, design=info.design, results=results, activation_unit=unit)
        )
    analysis = analyze_group(participants, n_resamples=n_resamples, seed=seed)
    report = str(write_group_html(analysis, report_path)) if report_path is not None else None
    return GroupResult(
        analysis=analysis, members=list(members), report_path=report, participants_named=named
    )


def _ref(m: GroupMember) -> str:
    return m.ref
