"""Reliability with real processes: SIGKILL in the middle of a session, and concurrent writers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from mindmuscle.cli import app
from mindmuscle.services.history import history
from mindmuscle.store import open_database
from tests.test_session_cli import (
    CURL,
    Driver,
    cli,
    lifter,
    runner,
    session_args,
    stored_sets,
)
from tests.test_store import make_url


def _confirmed(d: Driver) -> list[str]:
    return [line for line in d.lines if line.startswith("Set confirmed and stored:")]


def test_sigkill_mid_session_then_resume_keeps_every_confirmed_set(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'kill.db'}"
    cli("init", "--no-input", "--db", url)

    # 1. Killed in the middle of set 2, after set 1 was confirmed.
    d1 = Driver(*session_args(url, "--exercise", CURL))
    answer1 = lifter([3])
    d1.until(r"^Set confirmed and stored: .* set 1,", answer1)
    d1.until(r"^Set 2 started:", answer1)
    d1.until(r"^rep 2 ", answer1)
    d1.kill()
    assert len(stored_sets(url)) == 1

    # 2. Resumed: set 2 starts again from its prime; killed while asking for set 3's reflection.
    d2 = Driver(*session_args(url, "--resume"))
    answer2 = lifter([7])
    d2.until(r"^Resuming session \d+: 1 set done", answer2)
    d2.until(r"^Set confirmed and stored: .* set 2,", answer2)
    d2.until(r"^Set 3 started:", answer2)
    d2.until(r"^\? Target rating", answer2)
    d2.kill()
    assert len(stored_sets(url)) == 2

    # 3. Resumed: the reflection of set 3 is asked again, then the summary.
    d3 = Driver(*session_args(url, "--resume"))
    answer3 = lifter([8])
    d3.until(r"^Resuming session \d+: 2 sets done", answer3)
    d3.until(r"^Summary: 3 sets", answer3)
    assert d3.finish() == 0

    confirmed = _confirmed(d1) + _confirmed(d2) + _confirmed(d3)
    sets = stored_sets(url)
    assert len(confirmed) == len(sets) == 3
    assert [s["set_index"] for s in sets] == [0, 1, 2]
    assert [s["reflection"]["target_rating"] for s in sets] == [3, 7, 8]  # type: ignore[index]
    assert len({s["uuid"] for s in sets}) == 3
    assert len({s["session_id"] for s in sets}) == 1
    # The session is over: nothing is left to resume.
    again = runner.invoke(app, session_args(url, "--resume"), input="")
    assert again.exit_code == 1
    assert "Error: There is no interrupted session to resume" in again.output


WORKER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from mindmuscle.coach.models import Reflection
    from mindmuscle.services.history import SetInput, record_set
    from mindmuscle.store import open_database
    from uuid import NAMESPACE_URL, uuid5

    url, worker, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    db = open_database(url)
    for i in range(n):
        for name in (f"w{worker}-{i}", f"w{worker}-{i}", f"shared-{i % 5}"):  # retries included
            data = SetInput(
                uuid=str(uuid5(NAMESPACE_URL, name)),
                exercise_id="dumbbell_biceps_curl",
                performed_at=datetime.now(UTC),
                load_kg=10.0 + worker,
                reps=i + 1,
                reflection=Reflection(target_rating=worker),
            )
            record_set(db=db, user_id=1, data=data)
    print("done", worker)
    """
)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_eight_processes_log_sets_into_one_database(backend: str, tmp_path: Path) -> None:
    for url in make_url(backend, tmp_path):  # an empty database: the racing workers create it
        _eight_writers(url)


def _eight_writers(url: str) -> None:
    n_sets = 12
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, url, str(w), str(n_sets)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(8)
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for p, (out, err) in zip(procs, outputs, strict=True):
        assert p.returncode == 0, err
        assert out.startswith("done")
    db = open_database(url)
    sets = history(db=db, user_id=1)
    uuids = [s.uuid for s in sets]
    assert len(uuids) == len(set(uuids)) == 8 * n_sets + 5
    for w in range(8):
        names = {str(uuid.uuid5(uuid.NAMESPACE_URL, f"w{w}-{i}")) for i in range(n_sets)}
        mine = [s for s in sets if s.uuid in names]
        assert len(mine) == n_sets
        assert sorted(s.reps for s in mine) == list(range(1, n_sets + 1))
        assert {s.load_kg for s in mine} == {10.0 + w}
        assert all(s.reflection is not None and s.reflection.target_rating == w for s in mine)
    db.close()
