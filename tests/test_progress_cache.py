"""The progress cache follows every change of the history exactly as a fresh read would.

New sets are read by id and changed sets (edited, deleted, restored, deleted with their workout)
are read again one by one; after each of a few hundred random changes the cached sets must equal,
in value and order, those of a cache that reads everything afresh.
"""

from __future__ import annotations

import contextlib
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from mindmuscle.catalog import load_catalog
from mindmuscle.coach.models import Reflection
from mindmuscle.services import accounts
from mindmuscle.services import history as history_service
from mindmuscle.services.progress import ProgressCache, compute_progress, window_start
from mindmuscle.store import LOCAL_USER_ID, SessionCreate, open_database, repo

T0 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
U = LOCAL_USER_ID


def test_the_cache_equals_a_fresh_read_after_random_changes(tmp_path: Path) -> None:
    rng = random.Random(0)
    db = open_database(f"sqlite:///{tmp_path / 'c.db'}")
    with db.session() as s:
        workouts = [
            repo.create_session(session=s, user_id=U, data=SessionCreate(source="log")).id
            for _ in range(3)
        ]
    cache = ProgressCache()

    def alive(sids: list[int]) -> list[int]:
        return [
            sid
            for sid in sids
            if history_service.get_workout(db=db, user_id=U, session_id=sid).deleted_at is None
        ]

    ids: list[int] = []
    kinds: dict[str, int] = {}
    for step in range(250):
        kind = rng.choice(["add", "add", "edit", "delete", "restore", "workout", "reflect"])
        if kind == "add" or not ids:
            kind = "add"
            stored = history_service.record_set(
                db=db,
                user_id=U,
                data=history_service.SetInput(
                    exercise_id=rng.choice(["leg_extension", "dumbbell_biceps_curl"]),
                    # Out of order on purpose: imports bring older sets after newer ones.
                    performed_at=T0 + timedelta(hours=rng.randint(0, 200)),
                    load_kg=float(rng.randint(10, 100)),
                    reps=rng.randint(0, 12),
                    # A set goes only into a workout that is not deleted (one that is refuses it).
                    session_id=rng.choice([None, *alive(workouts)]),
                    reflection=None
                    if rng.random() < 0.3
                    else Reflection(target_rating=rng.randint(0, 10)),
                ),
            )
            ids.append(history_service.get_set(db=db, user_id=U, ref=stored.uuid).set.id)
        elif kind == "edit":
            history_service.edit_set(
                db=db,
                user_id=U,
                ref=rng.choice(ids),
                edit=history_service.SetEdit(
                    reps=rng.randint(0, 12), target_rating=rng.randint(0, 10)
                ),
                now=T0,
            )
        elif kind == "delete":
            history_service.delete_set(db=db, user_id=U, ref=rng.choice(ids), now=T0)
        elif kind == "restore":
            with contextlib.suppress(ValueError):  # its workout is deleted
                history_service.restore_set(db=db, user_id=U, ref=rng.choice(ids), now=T0)
        elif kind == "workout":
            sid = rng.choice(workouts)
            if history_service.get_workout(db=db, user_id=U, session_id=sid).deleted_at is None:
                history_service.delete_workout(db=db, user_id=U, session_id=sid, now=T0)
            else:
                history_service.restore_workout(db=db, user_id=U, session_id=sid, now=T0)
        else:
            ref = rng.choice(ids)
            uuid = history_service.get_set(db=db, user_id=U, ref=ref).set.uuid
            history_service.record_reflection(
                db=db, user_id=U, set_uuid=uuid, reflection=Reflection(target_rating=9)
            )
        kinds[kind] = kinds.get(kind, 0) + 1
        if step % 3 == 0 or step > 240:
            assert cache.sets(db=db, user_id=U) == ProgressCache().sets(db=db, user_id=U), step
    assert cache.sets(db=db, user_id=U) == ProgressCache().sets(db=db, user_id=U)
    expected = history_service.logged_sets(db=db, user_id=U)
    assert sorted(cache.sets(db=db, user_id=U), key=repr) == sorted(expected, key=repr)
    assert min(kinds.values()) >= 15, kinds  # every kind of change was made
    db.close()


def test_the_cache_holds_the_few_users_who_looked_last(tmp_path: Path) -> None:
    """A team's server keeps the sets of the ``max_users`` users who looked last; another
    user's look pushes out the one who looked longest ago, and their next look reads their
    sets again, the same as before."""
    db = open_database(f"sqlite:///{tmp_path / 'team.db'}")
    users = [U] + [
        accounts.add_user(db=db, name=f"lifter{i}", password="correct horse") for i in range(3)
    ]
    for k, user in enumerate(users):
        for i in range(k + 1):
            history_service.record_set(
                db=db,
                user_id=user,
                data=history_service.SetInput(
                    exercise_id="leg_extension",
                    performed_at=T0 + timedelta(hours=i),
                    load_kg=40.0 + k,
                    reps=10,
                    reflection=Reflection(target_rating=5 + k),
                ),
            )
    cache = ProgressCache(max_users=2)
    first = {user: cache.sets(db=db, user_id=user) for user in users}
    assert [len(first[u]) for u in users] == [1, 2, 3, 4]
    assert cache.users == users[-2:]  # the last two who looked
    assert cache.sets(db=db, user_id=users[2]) == first[users[2]]
    assert cache.users == [users[3], users[2]]
    progress = cache.get(db=db, user_id=users[0], catalog=load_catalog(), now=T0)
    assert progress.total_sets == 1
    assert cache.users == [users[2], users[0]]
    assert cache.sets(db=db, user_id=users[1]) == first[users[1]]  # read again, the same
    assert cache.users == [users[0], users[1]]
    with pytest.raises(ValueError, match="at least 1"):
        ProgressCache(max_users=0)
    db.close()


def test_the_progress_page_reads_its_window_and_equals_the_page_from_every_set(
    tmp_path: Path,
) -> None:
    """Ten years of sets: the page reads only the sets of its two years (and a week) and
    counts the rest in the database, and it equals the page computed from every set, also
    after sets old and new are added, edited, deleted and restored."""
    rng = random.Random(3)
    db = open_database(f"sqlite:///{tmp_path / 'p.db'}")
    now = T0
    start = T0 - timedelta(days=3600)
    catalog = load_catalog()
    refs: list[str] = []
    for i in range(400):
        stored = history_service.record_set(
            db=db,
            user_id=U,
            data=history_service.SetInput(
                exercise_id=rng.choice(["leg_extension", "dumbbell_biceps_curl"]),
                performed_at=start + timedelta(days=i * 9 + rng.random()),
                load_kg=float(rng.randint(10, 100)),
                reps=rng.randint(1, 12),
                reflection=None if i % 4 == 0 else Reflection(target_rating=rng.randint(0, 10)),
            ),
        )
        refs.append(stored.uuid)
    cache = ProgressCache()
    read: list[int] = []
    real = history_service.bulk.logged_set_rows

    def counting(**kwargs: object) -> list[object]:
        rows = real(**kwargs)  # type: ignore[arg-type]
        read.append(len(rows))
        return rows  # type: ignore[return-value]

    from mindmuscle.store import bulk

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(bulk, "logged_set_rows", counting)
        page = cache.get(db=db, user_id=U, catalog=catalog, now=now)
    whole = history_service.logged_sets(db=db, user_id=U)
    assert page == compute_progress(whole, catalog=catalog, now=now)
    assert page.total_sets == 400 and page.first_set_at == whole[0].performed_at
    # Two years and a week of 400 sets nine days apart over ten years: about 85, not 400.
    assert read == [
        sum(1 for s in whole if s.performed_at >= window_start(now) - timedelta(weeks=1))
    ]
    assert read[0] < 100
    for step in range(30):
        ref = rng.choice(refs)
        kind = step % 3
        if kind == 0:
            history_service.edit_set(
                db=db, user_id=U, ref=ref, edit=history_service.SetEdit(reps=rng.randint(1, 9)),
                now=now,
            )  # fmt: skip
        elif kind == 1:
            history_service.delete_set(db=db, user_id=U, ref=ref, now=now)
        else:
            with contextlib.suppress(ValueError):
                history_service.restore_set(db=db, user_id=U, ref=ref, now=now)
        got = cache.get(db=db, user_id=U, catalog=catalog, now=now)
        fresh = compute_progress(
            history_service.logged_sets(db=db, user_id=U), catalog=catalog, now=now
        )
        assert got == fresh, step
    db.close()
